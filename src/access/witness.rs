//! A witness of public access: one concrete request AWS would allow, so a
//! reader sees the exposure instead of taking the rule's word for it.

use crate::model::Resource;
use crate::model::s3::{Access, AclGrant, Audience};
use crate::policy::actions::Action;
use crate::policy::{PublicGrant, Statement, coverage, too_broad};
use crate::tree::Value;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Witness {
    /// Who sends it: "an anonymous caller", "any Facebook user", ...
    pub who: String,
    pub action: String,
    /// The ARN requested; object keys the grant leaves open read `any-key`.
    pub resource: String,
    /// The condition the caller meets, and how; "none" without one.
    pub condition: String,
    /// The setting that stops the request today, if any.
    pub stopped_by: Option<String>,
}

impl Witness {
    /// One line for people: "e.g. an anonymous caller may `s3:GetObject`
    /// on `arn:aws:s3:::b/any-key` from any IP address".
    pub fn describe(&self) -> String {
        let mut s = format!(
            "e.g. {} may `{}` on `{}`",
            self.who, self.action, self.resource
        );
        if self.condition == "none" {
            s.push_str(", from any IP address, no condition to meet");
        } else {
            s.push_str(&format!(", {}", self.condition));
        }
        if let Some(stop) = &self.stopped_by {
            s.push_str(&format!(" (stopped today: {stop})"));
        }
        s
    }
}

/// Whether an action applies to objects rather than to the bucket.
pub fn on_objects(action: &Action) -> bool {
    let n = &action.name[3..];
    (n.contains("Object") && n != "ListObjects" && !n.starts_with("ListObjectVersions"))
        || n == "AbortMultipartUpload"
        || n == "ListMultipartUploadParts"
}

/// Actions shown first, most telling first: reading data, writing it,
/// deleting it, listing it, taking over its permissions.
const PREFERRED: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:ListBucket",
    "s3:PutBucketPolicy",
    "s3:PutObjectAcl",
];

/// The bucket's name as it would appear in an ARN: its literal name, or a
/// placeholder naming the resource.
pub fn arn_name(bucket: &Resource) -> String {
    match bucket.properties.get("BucketName").and_then(|v| v.as_str()) {
        Some(name) => name.to_string(),
        None => format!("<name of {}>", bucket.id),
    }
}

/// Who sends a request an ACL grant to `audience` lets through.
fn caller(audience: Audience) -> String {
    match audience {
        Audience::AllUsers => "an anonymous caller".into(),
        Audience::AuthenticatedUsers => "any AWS account".into(),
    }
}

/// One request a public ACL grant lets through.
pub fn of_acl(bucket: &Resource, grant: &AclGrant) -> Witness {
    let arn = format!("arn:aws:s3:::{}", arn_name(bucket));
    let (action, resource) = match grant.access {
        Access::Read => ("s3:ListBucket", arn),
        Access::Write => ("s3:PutObject", format!("{arn}/any-key")),
        Access::ReadAcp => ("s3:GetBucketAcl", arn),
        Access::WriteAcp | Access::FullControl => ("s3:PutBucketAcl", arn),
    };
    Witness {
        who: caller(grant.audience),
        action: action.into(),
        resource,
        condition: "none".into(),
        stopped_by: None,
    }
}

/// One request a public object ACL grant lets through.
pub fn of_object_acl(bucket: &Resource, object: &Resource, grant: &AclGrant) -> Witness {
    let key = object
        .properties
        .get("Key")
        .and_then(|k| k.as_text())
        .unwrap_or("any-key");
    let arn = format!("arn:aws:s3:::{}/{key}", arn_name(bucket));
    let action = match grant.access {
        Access::ReadAcp => "s3:GetObjectAcl",
        Access::WriteAcp => "s3:PutObjectAcl",
        _ => "s3:GetObject",
    };
    Witness {
        who: caller(grant.audience),
        action: action.into(),
        resource: arn,
        condition: "none".into(),
        stopped_by: None,
    }
}

/// The witness of a public statement. `bucket` is the bucket's name, when
/// known, to spell a resource the statement gives as `*`.
pub fn of_grant(st: &Statement, grant: &PublicGrant, bucket: Option<&str>) -> Witness {
    let covers = coverage(st.resource);
    let sensitive: Vec<&Action> = grant
        .actions
        .iter()
        .filter(|a| a.is_public_sensitive())
        .collect();
    let fits = |a: &Action| {
        st.resource.is_none()
            || if on_objects(a) {
                covers.objects
            } else {
                covers.bucket
            }
    };
    let action: Option<&Action> = PREFERRED
        .iter()
        .find_map(|p| sensitive.iter().copied().find(|a| fits(a) && a.name == *p))
        .or_else(|| sensitive.iter().copied().find(|a| fits(a)))
        .or_else(|| sensitive.first().copied());
    let (action, objects) = match action {
        Some(a) => (a.name.to_string(), on_objects(a)),
        None => ("s3:GetObject".to_string(), true),
    };
    Witness {
        who: who(grant.who),
        action,
        resource: resource(st.resource, objects, bucket),
        condition: condition(st.condition),
        stopped_by: None,
    }
}

/// One request a public statement of a policy whose actions are not S3's
/// (`s3express:`, `s3tables:`, `s3vectors:`) lets through, as written.
pub fn of_statement(st: &Statement, who_: &str) -> Witness {
    let first = |v: Option<&Value>| {
        v.map(Value::items)
            .unwrap_or_default()
            .iter()
            .find_map(|i| i.as_text().map(str::to_string))
    };
    Witness {
        who: who(who_),
        action: first(st.action).unwrap_or_else(|| "any action".into()),
        resource: first(st.resource).unwrap_or_else(|| "*".into()),
        condition: condition(st.condition),
        stopped_by: None,
    }
}

fn who(who: &str) -> String {
    match who {
        "anyone" | crate::policy::ALL_BUT => "an anonymous caller".into(),
        other => other.into(),
    }
}

/// The ARN of a request the statement's `Resource` admits.
fn resource(field: Option<&Value>, objects: bool, bucket: Option<&str>) -> String {
    let bucket_arn = || format!("arn:aws:s3:::{}", bucket.unwrap_or("BUCKET"));
    let items: Vec<&Value> = field.map(Value::items).unwrap_or_default();
    let picked = items.iter().find_map(|item| {
        let text = item.as_text()?;
        if text == "*" {
            return None;
        }
        let is_object = text.contains('/');
        (is_object == objects || text.ends_with('*')).then_some(text)
    });
    let spelled = match picked {
        // A name resolved at deploy time: the linked bucket's name is known.
        Some(text) if text.contains("${") && bucket.is_some() => {
            let rest = text.strip_prefix("arn:aws:s3:::").unwrap_or(text);
            match rest.split_once('/') {
                Some((_, key)) if objects => {
                    format!("{}/{}", bucket_arn(), key.replace('*', "any-key"))
                }
                _ if objects => format!("{}/any-key", bucket_arn()),
                _ => bucket_arn(),
            }
        }
        Some(text) => {
            let mut t = text.to_string();
            if objects && !t.contains('/') {
                t = format!("{}/any-key", t.trim_end_matches('*'));
            }
            t = t.replacen("/*", "/any-key", 1).replace('*', "any");
            t.replace('?', "x")
        }
        None if objects => format!("{}/any-key", bucket_arn()),
        None => bucket_arn(),
    };
    if objects || !spelled.contains('/') {
        spelled
    } else {
        spelled.split('/').next().unwrap_or_default().to_string()
    }
}

/// How a caller meets the statement's condition without being anyone in
/// particular.
fn condition(condition: Option<&Value>) -> String {
    let Some(condition) = condition else {
        return "none".into();
    };
    let mut ways = Vec::new();
    for op in condition.entries() {
        let name = op.key.to_ascii_lowercase();
        for e in op.value.entries() {
            let key = &e.key;
            let values: Vec<String> = e
                .value
                .items()
                .iter()
                .filter_map(|v| v.as_text().map(str::to_string))
                .collect();
            let shown = values.join(", ");
            let lower = key.to_ascii_lowercase();
            let way = if name.ends_with("ifexists") || name.starts_with("forallvalues:") {
                format!("by sending no `{key}` at all, which `{}` accepts", op.key)
            } else if name.contains("not") {
                format!("with any `{key}` other than {shown}")
            } else if lower == "aws:sourceip" {
                let broad: Vec<&String> = values.iter().filter(|v| too_broad(v)).collect();
                match broad.first() {
                    Some(range) => format!("from any address in {range}"),
                    None => format!("from an address in {shown}"),
                }
            } else if lower == "aws:securetransport" {
                "over HTTPS".into()
            } else if lower == "aws:referer" || lower == "aws:useragent" {
                let header = if lower == "aws:referer" {
                    "Referer"
                } else {
                    "User-Agent"
                };
                format!("with a {header} header it sets itself ({shown})")
            } else {
                format!("meeting `{}` on `{key}` ({shown})", op.key)
            };
            ways.push(way);
        }
    }
    if ways.is_empty() {
        return "none".into();
    }
    ways.join(" and ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;
    use crate::policy::{public_grant, statements};

    fn witness(text: &str, bucket: Option<&str>) -> Witness {
        let doc = yaml::parse(&format!("Statement: [{text}]"), 0)
            .unwrap()
            .docs
            .remove(0);
        let st = &statements(&doc)[0];
        let grant = public_grant(st).expect("public");
        of_grant(st, &grant, bucket)
    }

    #[test]
    fn a_public_read_names_an_object_and_no_condition() {
        let w = witness(
            "{Effect: Allow, Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::site/*'}",
            None,
        );
        assert_eq!(w.who, "an anonymous caller");
        assert_eq!(w.action, "s3:GetObject");
        assert_eq!(w.resource, "arn:aws:s3:::site/any-key");
        assert_eq!(w.condition, "none");
        assert_eq!(
            w.describe(),
            "e.g. an anonymous caller may `s3:GetObject` on `arn:aws:s3:::site/any-key`, from any IP address, no condition to meet"
        );
    }

    #[test]
    fn a_bucket_resource_picks_a_bucket_action() {
        let w = witness(
            "{Effect: Allow, Principal: {Federated: graph.facebook.com}, Action: 's3:*', Resource: 'arn:aws:s3:::data'}",
            None,
        );
        assert_eq!(w.who, "any Facebook user");
        assert_eq!(w.action, "s3:ListBucket");
        assert_eq!(w.resource, "arn:aws:s3:::data");
    }

    #[test]
    fn a_star_resource_uses_the_bucket_name() {
        let w = witness(
            "{Effect: Allow, Principal: '*', Action: ['s3:PutObject'], Resource: '*', Condition: {IpAddress: {aws:SourceIp: 0.0.0.0/1}}}",
            Some("uploads"),
        );
        assert_eq!(w.resource, "arn:aws:s3:::uploads/any-key");
        assert_eq!(w.condition, "from any address in 0.0.0.0/1");
    }

    #[test]
    fn conditions_met_trivially_are_named() {
        let w = witness(
            "{Effect: Allow, Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Condition: {StringLike: {aws:Referer: 'https://example.com/*'}, StringEqualsIfExists: {aws:SourceVpce: vpce-1}}}",
            None,
        );
        assert_eq!(
            w.condition,
            "with a Referer header it sets itself (https://example.com/*) and by sending no `aws:SourceVpce` at all, which `StringEqualsIfExists` accepts"
        );
    }
}
