//! BL604: a bucket that sends its logs elsewhere still lets the log
//! delivery group write into it.

use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;
use crate::tree::{Kind, Ref, Value};

pub static RULE: Rule = Rule {
    code: "BL604",
    name: "log-delivery-write-on-source",
    severity: Severity::Low,
    summary: "Bucket that sends its access logs elsewhere grants the log delivery group write access to itself.",
    fix: "Remove the LogDeliveryWrite ACL (or the LogDelivery grant) from buckets that are not log targets.",
    docs: include_str!("../../rules/log-delivery-write-on-source.md"),
    default_enabled: true,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents::NONE,
    check,
};

/// Where the bucket's ACL lets the S3 log delivery group write.
fn log_delivery_write(p: &Value) -> Option<&Value> {
    if let Some(acl) = p.get("AccessControl") {
        let canned = acl.alternatives().into_iter().find(|a| {
            a.as_str()
                .is_some_and(|s| s == "LogDeliveryWrite" || s == "log-delivery-write")
        });
        if canned.is_some() {
            return canned;
        }
    }
    let grants = p
        .get(crate::model::terraform::GRANTS)
        .map(Value::items)
        .unwrap_or_default();
    grants.into_iter().find_map(|g| {
        let uri = g.path(&["Grantee", "URI"]).and_then(Value::as_str)?;
        if !uri.ends_with("/groups/s3/LogDelivery") {
            return None;
        }
        g.get("Permission")?
            .items()
            .into_iter()
            .find(|v| matches!(v.as_str(), Some("WRITE" | "FULL_CONTROL")))
    })
}

fn check(model: &Model, sink: &mut Sink) {
    let targets = model.log_targets_by_destination();
    for (i, bucket) in model.buckets() {
        let p = &bucket.properties;
        // A source: it logs to another bucket, and no bucket logs to it.
        let Some(dest) = p.path(&["LoggingConfiguration", "DestinationBucketName"]) else {
            continue;
        };
        let name = p.get("BucketName").and_then(Value::as_str);
        let to_itself = match &dest.kind {
            Kind::Ref(Ref { target, .. }) => *target == bucket.id,
            Kind::Str(s) => Some(s.as_str()) == name,
            _ => true, // not known: it might be itself
        };
        if to_itself || targets.contains(&i) {
            continue;
        }
        let Some(grant) = log_delivery_write(p) else {
            continue;
        };
        sink.report(
            grant.span,
            "log delivery can write",
            format!("Bucket `{}` sends its access logs elsewhere, yet lets the log delivery group write into it.", bucket.id),
            Some(i),
        );
    }
}
