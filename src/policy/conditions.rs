//! Does a condition pin a wildcard principal to fixed callers? This is the
//! test in AWS's definition of a public bucket policy (S3 User Guide,
//! "Blocking public access", "The meaning of public"): an Allow is not
//! public when it grants only to fixed values (no wildcard, no policy
//! variable) of keys such as `aws:SourceVpce`, `aws:SourceIp`,
//! `aws:PrincipalOrgID`. The keys are embedded from
//! `data/s3-condition-keys.tsv`.

use std::sync::LazyLock;

use crate::tree::{Kind, Value};

/// Lower-cased keys whose fixed value makes a wildcard grant non-public.
static PINNING_KEYS: LazyLock<Vec<String>> = LazyLock::new(|| {
    include_str!("../../data/s3-condition-keys.tsv")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut cols = l.split('\t');
            let key = cols.next()?;
            let effect = cols.nth(1)?;
            matches!(effect, "nonpublic-if-fixed" | "principal-key")
                .then(|| key.to_ascii_lowercase())
        })
        .collect()
});

/// True when some condition restricts the statement to fixed values of a
/// pinning key, or when the condition cannot be known.
pub fn pinned_to_fixed_values(condition: Option<&Value>) -> bool {
    let Some(condition) = condition else {
        return false;
    };
    condition
        .alternatives()
        .into_iter()
        .all(|alt| match &alt.kind {
            Kind::Map(ops) => ops.iter().any(|op| operator_pins(&op.key, &op.value)),
            Kind::Null => false,
            // A condition we cannot read might well restrict the caller.
            _ => true,
        })
}

/// The keys that pin the caller, as written: "`aws:SourceVpce`"; "a
/// condition not known statically" when the condition cannot be read.
pub fn pinning_keys(condition: Option<&Value>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let Some(condition) = condition else {
        return out;
    };
    for alt in condition.alternatives() {
        let Kind::Map(ops) = &alt.kind else {
            out.push("a condition not known statically".into());
            continue;
        };
        for op in ops.iter().filter(|op| operator_pins(&op.key, &op.value)) {
            if !op.value.is_map() {
                out.push("a condition not known statically".into());
            }
            for e in op.value.entries() {
                let key = e.key.to_ascii_lowercase();
                if PINNING_KEYS.contains(&key) {
                    out.push(format!("`{}`", e.key));
                }
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|k| seen.insert(k.clone()));
    out
}

fn operator_pins(operator: &str, keys: &Value) -> bool {
    let op = operator.to_ascii_lowercase();
    // An absent key satisfies `...IfExists`, and an empty set satisfies
    // `ForAllValues:`, so neither restricts anyone.
    if op.ends_with("ifexists") || op.starts_with("forallvalues:") {
        return false;
    }
    let op = op.strip_prefix("foranyvalue:").unwrap_or(&op);
    let (wildcards, ip) = match op {
        "stringequals" | "stringequalsignorecase" => (false, false),
        "stringlike" | "arnequals" | "arnlike" => (true, false),
        "ipaddress" => (false, true),
        _ => return false,
    };
    if !keys.is_map() {
        return !matches!(keys.kind, Kind::Null); // unknown: cannot prove public
    }
    keys.entries().iter().any(|e| {
        let key = e.key.to_ascii_lowercase();
        PINNING_KEYS.contains(&key) && all_fixed(&key, &e.value, wildcards, ip)
    })
}

fn all_fixed(key: &str, values: &Value, wildcards: bool, ip: bool) -> bool {
    let items = values.items();
    !items.is_empty()
        && items.iter().all(|v| match &v.kind {
            Kind::Str(s) => {
                if s.contains("${") {
                    return false; // a policy variable
                }
                if ip {
                    return !too_broad(s);
                }
                if !wildcards || !(s.contains('*') || s.contains('?')) {
                    return true;
                }
                // Access-point delegation may wildcard the name, not the account.
                key == "s3:dataaccesspointarn"
                    && s.split(':')
                        .nth(4)
                        .is_some_and(|acct| !acct.is_empty() && !acct.contains(['*', '?']))
            }
            // Known only at deploy time: a parameter, a reference.
            _ => true,
        })
}

/// Whether an `aws:SourceIp` range is broad enough that S3 counts it as
/// public: broader than /8 for IPv4 or /32 for IPv6 (S3 User Guide, "The
/// meaning of public", note on `aws:SourceIp`). RFC 1918 ranges are never
/// that broad. A value that is not an address is left to AWS to reject.
pub fn too_broad(range: &str) -> bool {
    let range = range.trim();
    let (addr, prefix) = range.split_once('/').unwrap_or((range, ""));
    let Ok(addr) = addr.parse::<std::net::IpAddr>() else {
        return false;
    };
    let full = if addr.is_ipv4() { 32 } else { 128 };
    let prefix = if prefix.is_empty() {
        full
    } else {
        match prefix.parse::<u8>() {
            Ok(p) if p <= full => p,
            _ => return false,
        }
    };
    prefix < if addr.is_ipv4() { 8 } else { 32 }
}

/// The `aws:SourceIp` ranges of an `IpAddress` condition that S3 counts as
/// public, to say in a finding why the condition does not pin the caller.
pub fn broad_source_ips(condition: Option<&Value>) -> Vec<String> {
    let mut out = Vec::new();
    let Some(condition) = condition else {
        return out;
    };
    for alt in condition.alternatives() {
        for op in alt.entries() {
            let name = op.key.to_ascii_lowercase();
            let name = name.strip_prefix("foranyvalue:").unwrap_or(&name);
            if name != "ipaddress" {
                continue;
            }
            for e in op.value.entries() {
                if !e.key.eq_ignore_ascii_case("aws:SourceIp") {
                    continue;
                }
                for v in e.value.items() {
                    if let Some(s) = v.as_str()
                        && too_broad(s)
                        && !out.iter().any(|o| o == s)
                    {
                        out.push(s.to_string());
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    /// AWS's public-policy edge cases, one row each.
    #[test]
    fn pinning_conditions() {
        let rows = [
            ("{StringEquals: {aws:SourceVpce: vpce-1a2b3c}}", true),
            ("{StringEquals: {aws:sourcevpce: vpce-1a2b3c}}", true),
            ("{StringEquals: {AWS:SOURCEVPC: vpc-111}}", true),
            ("{StringLike: {aws:SourceVpc: 'vpc-*'}}", false),
            ("{StringEquals: {aws:SourceVpc: 'vpc-*'}}", true),
            ("{IpAddress: {aws:SourceIp: 203.0.113.0/24}}", true),
            ("{IpAddress: {aws:SourceIp: 0.0.0.0/0}}", false),
            (
                "{IpAddress: {aws:SourceIp: ['203.0.113.0/24', '::/0']}}",
                false,
            ),
            ("{NotIpAddress: {aws:SourceIp: 203.0.113.0/24}}", false),
            // Broader than /8 (IPv4) or /32 (IPv6) counts as public.
            ("{IpAddress: {aws:SourceIp: 0.0.0.0/1}}", false),
            ("{IpAddress: {aws:SourceIp: 8.0.0.0/7}}", false),
            ("{IpAddress: {aws:SourceIp: 8.0.0.0/8}}", true),
            ("{IpAddress: {aws:SourceIp: 10.0.0.0/8}}", true),
            ("{IpAddress: {aws:SourceIp: 192.168.0.0/16}}", true),
            ("{IpAddress: {aws:SourceIp: 198.51.100.7}}", true),
            ("{IpAddress: {aws:SourceIp: '2001:db8::/32'}}", true),
            ("{IpAddress: {aws:SourceIp: '2001::/31'}}", false),
            (
                "{IpAddress: {aws:SourceIp: ['10.0.0.0/8', '64.0.0.0/2']}}",
                false,
            ),
            ("{StringEquals: {aws:PrincipalOrgID: o-abc123}}", true),
            (
                "{StringEquals: {aws:PrincipalOrgPaths: 'o-abc123/r-ab12/ou-ab12-11111111/'}}",
                true,
            ),
            (
                "{ForAnyValue:StringEquals: {aws:PrincipalOrgPaths: ['o-abc123/r-ab12/ou-ab12-11111111/']}}",
                true,
            ),
            (
                "{ForAllValues:StringEquals: {aws:PrincipalOrgPaths: ['o-abc123/r-ab12/ou-ab12-11111111/']}}",
                false,
            ),
            ("{StringLike: {aws:PrincipalOrgPaths: 'o-abc123/*'}}", false),
            (
                "{StringEqualsIfExists: {aws:PrincipalOrgID: o-abc123}}",
                false,
            ),
            ("{StringNotEquals: {aws:PrincipalOrgID: o-abc123}}", false),
            (
                "{ForAllValues:StringEquals: {aws:PrincipalOrgID: o-abc123}}",
                false,
            ),
            (
                "{ForAnyValue:StringEquals: {aws:SourceAccount: '111122223333'}}",
                true,
            ),
            (
                "{ArnLike: {aws:SourceArn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/x'}}",
                true,
            ),
            (
                "{ArnLike: {aws:SourceArn: 'arn:aws:cloudtrail:*:*:trail/*'}}",
                false,
            ),
            (
                "{ArnEquals: {aws:PrincipalArn: 'arn:aws:iam::*:role/x'}}",
                false,
            ),
            ("{StringEquals: {aws:userid: '${aws:username}'}}", false),
            ("{StringLike: {aws:userid: 'AROAEXAMPLE:*'}}", false),
            (
                "{StringEquals: {aws:Referer: 'https://example.com'}}",
                false,
            ),
            ("{StringEquals: {aws:UserAgent: x}}", false),
            ("{Bool: {aws:SecureTransport: 'true'}}", false),
            ("{Bool: {aws:PrincipalIsAWSService: 'true'}}", false),
            (
                "{StringEquals: {s3:x-amz-acl: bucket-owner-full-control}}",
                false,
            ),
            (
                "{StringLike: {s3:DataAccessPointArn: 'arn:aws:s3:us-east-1:111122223333:accesspoint/*'}}",
                true,
            ),
            (
                "{StringLike: {s3:DataAccessPointArn: 'arn:aws:s3:us-east-1:*:accesspoint/*'}}",
                false,
            ),
            (
                "{StringEquals: {s3:DataAccessPointAccount: '111122223333'}}",
                true,
            ),
            (
                "{Bool: {aws:SecureTransport: 'true'}, StringEquals: {aws:SourceVpce: vpce-1}}",
                true,
            ),
            ("{StringEquals: {aws:SourceVpce: {Ref: VpceId}}}", true),
        ];
        for (text, want) in rows {
            let v = yaml::parse(&format!("C: {text}"), 0)
                .unwrap()
                .docs
                .remove(0);
            assert_eq!(pinned_to_fixed_values(v.get("C")), want, "{text}");
        }
    }

    #[test]
    fn no_condition_pins_nothing() {
        assert!(!pinned_to_fixed_values(None));
    }
}
