//! BL205: nothing in the bucket policy denies requests over plain HTTP.

use super::{Equivalents, Rule, Severity, Sink};
use crate::model::Model;
use crate::policy::{self, TlsDeny};

pub static RULE: Rule = Rule {
    code: "BL205",
    name: "policy-insecure-transport",
    severity: Severity::Medium,
    summary: "Bucket policy does not deny requests made over plain HTTP.",
    fix: "Add a statement: Effect Deny, Principal \"*\", Action \"s3:*\", Resource the bucket ARN and ARN/*, Condition Bool aws:SecureTransport \"false\".",
    docs: include_str!("../../rules/policy-insecure-transport.md"),
    default_enabled: true,
    formats: super::BOTH,
    autofix: None,
    equivalents: Equivalents {
        checkov: &["CKV_AWS_379"],
        trivy: &[],
        kics: &[
            "4bc4dd4c-7d8d-405e-a0fb-57fa4c31b4d9",
            "38c64e76-c71e-4d92-a337-60174d1de1c9",
        ],
        cfn_nag: &[],
        guard: &["S3_BUCKET_SSL_REQUESTS_ONLY"],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    let by_bucket = model.policies_by_bucket();
    for (i, bucket) in model.buckets() {
        let policies = by_bucket.get(&i).cloned().unwrap_or_default();
        if policies.is_empty() {
            if bucket.declared {
                sink.report(
                    bucket.head,
                    "no bucket policy",
                    format!("Bucket `{}` has no bucket policy, so nothing denies requests over plain HTTP.", bucket.id),
                    Some(i),
                );
            }
            continue;
        }
        let docs: Vec<_> = policies
            .iter()
            .filter_map(|p| p.properties.get("PolicyDocument"))
            .collect();
        if docs.len() < policies.len() || !docs.iter().all(|d| policy::fully_known(d)) {
            continue; // a statement we cannot read might be the Deny
        }
        let statements: Vec<_> = docs.iter().flat_map(|d| policy::statements(d)).collect();
        let denies: Vec<(TlsDeny, _)> = statements
            .iter()
            .filter_map(|s| Some((policy::tls_deny(s)?, s)))
            .collect();
        if denies.iter().any(|(d, _)| d.is_complete()) {
            continue;
        }
        match denies.first() {
            Some((deny, st)) => {
                let mut gaps = Vec::new();
                if !deny.all_actions {
                    gaps.push("only some actions");
                }
                if !deny.all_principals {
                    gaps.push("only some principals");
                }
                if !(deny.coverage.bucket && deny.coverage.objects) {
                    gaps.push(if deny.coverage.objects {
                        "only the objects, not the bucket"
                    } else {
                        "only the bucket, not its objects"
                    });
                }
                if !deny.unconditional {
                    gaps.push("only when its other conditions also hold");
                }
                let gaps = gaps.join(", ");
                sink.report(
                    st.anchor(),
                    format!("covers {gaps}"),
                    format!("Bucket `{}` denies plain HTTP for {gaps}.", bucket.id),
                    Some(i),
                );
            }
            None => {
                let at = policies[0]
                    .properties
                    .entry("PolicyDocument")
                    .map(|e| e.key_span)
                    .unwrap_or(policies[0].head);
                sink.report(
                    at,
                    "no Deny for aws:SecureTransport false",
                    format!(
                        "Bucket policy of `{}` does not deny requests over plain HTTP.",
                        bucket.id
                    ),
                    Some(i),
                );
            }
        }
    }
}
