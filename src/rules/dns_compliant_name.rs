//! BL112: a bucket name that breaks S3's naming rules or TLS.

use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;

pub static RULE: Rule = Rule {
    code: "BL112",
    name: "dns-compliant-name",
    severity: Severity::Low,
    summary: "Bucket name is not a valid, DNS-compliant S3 name without dots.",
    fix: "Use 3 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit.",
    docs: include_str!("../../rules/dns-compliant-name.md"),
    default_enabled: true,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents {
        checkov: &[],
        trivy: &["AVD-AWS-0320", "AWS-0320", "aws-s3-dns-compliant-name"],
        kics: &[],
        cfn_nag: &[],
        guard: &[],
    },
    check,
};

/// Why `name` is not a good bucket name, if it is not.
pub fn problem(name: &str) -> Option<&'static str> {
    let valid_chars = name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
    let edges = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if !(3..=63).contains(&name.len()) {
        Some("must be 3 to 63 characters long")
    } else if !valid_chars {
        Some("may hold only lowercase letters, digits, hyphens and dots")
    } else if !edges(name.as_bytes().first()) || !edges(name.as_bytes().last()) {
        Some("must start and end with a letter or digit")
    } else if name.contains("..") {
        Some("must not hold two adjacent dots")
    } else if name.split('.').count() == 4 && name.split('.').all(|p| p.parse::<u8>().is_ok()) {
        Some("must not look like an IP address")
    } else if name.starts_with("xn--") || name.starts_with("sthree-") {
        Some("must not start with a reserved prefix")
    } else if name.ends_with("-s3alias") || name.ends_with("--ol-s3") {
        Some("must not end with a reserved suffix")
    } else if name.contains('.') {
        Some(
            "contains dots, which break TLS for virtual-hosted-style requests and Transfer Acceleration",
        )
    } else {
        None
    }
}

fn check(model: &Model, sink: &mut Sink) {
    for (i, bucket) in model.buckets().filter(|(_, b)| b.declared) {
        let Some(name) = bucket.properties.get("BucketName") else {
            continue;
        };
        for alt in name.alternatives() {
            let Some(why) = alt.as_str().and_then(problem) else {
                continue;
            };
            sink.report(
                alt.span,
                "bucket name",
                format!("Bucket name `{}` {why}.", alt.as_str().unwrap_or("")),
                Some(i),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn naming_rules() {
        let rows = [
            ("my-bucket-1", None),
            ("ab", Some("must be 3 to 63 characters long")),
            (
                "My-Bucket",
                Some("may hold only lowercase letters, digits, hyphens and dots"),
            ),
            ("-bucket", Some("must start and end with a letter or digit")),
            ("a..b", Some("must not hold two adjacent dots")),
            ("192.168.5.4", Some("must not look like an IP address")),
            ("xn--bucket", Some("must not start with a reserved prefix")),
            ("data-s3alias", Some("must not end with a reserved suffix")),
            (
                "logs.example.com",
                Some(
                    "contains dots, which break TLS for virtual-hosted-style requests and Transfer Acceleration",
                ),
            ),
        ];
        for (name, want) in rows {
            assert_eq!(problem(name), want, "{name}");
        }
    }
}
