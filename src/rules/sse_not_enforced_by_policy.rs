//! BL404: the bucket policy does not refuse unencrypted uploads.

use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;
use crate::policy::{self, Effect};

pub static RULE: Rule = Rule {
    code: "BL404",
    name: "sse-not-enforced-by-policy",
    severity: Severity::Low,
    summary: "Bucket policy does not deny uploads without server-side encryption.",
    fix: "Add a Deny of s3:PutObject with a condition on s3:x-amz-server-side-encryption (Null true, or StringNotEquals the algorithm you require).",
    docs: include_str!("../../rules/sse-not-enforced-by-policy.md"),
    default_enabled: false,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents::NONE,
    check,
};

/// A Deny of `s3:PutObject` conditioned on the encryption header.
fn enforces(st: &policy::Statement) -> bool {
    if st.effect != Effect::Deny {
        return false;
    }
    let (actions, _) = st.s3_actions();
    actions.any(|a| a.name == "s3:PutObject")
        && st.condition.is_some_and(|c| {
            c.entries().iter().any(|op| {
                op.value.entries().iter().any(|k| {
                    k.key
                        .eq_ignore_ascii_case("s3:x-amz-server-side-encryption")
                        || k.key
                            .eq_ignore_ascii_case("s3:x-amz-server-side-encryption-aws-kms-key-id")
                })
            })
        })
}

fn check(model: &Model, sink: &mut Sink) {
    let by_bucket = model.policies_by_bucket();
    for (i, bucket) in model.buckets() {
        let policies = by_bucket.get(&i).cloned().unwrap_or_default();
        let docs: Vec<_> = policies
            .iter()
            .filter_map(|p| p.properties.get("PolicyDocument"))
            .collect();
        if docs.len() < policies.len() || !docs.iter().all(|d| policy::fully_known(d)) {
            continue;
        }
        if docs
            .iter()
            .any(|d| policy::statements(d).iter().any(enforces))
        {
            continue;
        }
        let at = match policies.first() {
            Some(p) => p
                .properties
                .entry("PolicyDocument")
                .map_or(p.head, |e| e.key_span),
            None if bucket.declared => bucket.head,
            None => continue,
        };
        sink.report(
            at,
            "unencrypted uploads allowed",
            format!("Nothing in the policy of bucket `{}` refuses uploads that do not ask for server-side encryption.", bucket.id),
            Some(i),
        );
    }
}
