//! BL208: a bucket has no bucket policy.

use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;

pub static RULE: Rule = Rule {
    code: "BL208",
    name: "policy-missing",
    severity: Severity::Low,
    summary: "Bucket has no bucket policy.",
    fix: "Attach a bucket policy, at least with the TLS-only Deny statement.",
    docs: include_str!("../../rules/policy-missing.md"),
    default_enabled: false,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents {
        checkov: &[],
        trivy: &[],
        kics: &["37fa8188-738b-42c8-bf82-6334ea567738"],
        cfn_nag: &["W51"],
        guard: &[],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    let policies = model.policies_by_bucket();
    for (i, bucket) in model.buckets().filter(|(_, b)| b.declared) {
        if !policies.contains_key(&i) {
            sink.report(
                bucket.head,
                "no bucket policy",
                format!("Bucket `{}` has no bucket policy.", bucket.id),
                Some(i),
            );
        }
    }
}
