//! BL204: a bucket policy Allow uses NotPrincipal.

use super::helpers::buckets::bucket_name;
use super::helpers::statements::bucket_policy_statements;
use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;

pub static RULE: Rule = Rule {
    code: "BL204",
    name: "policy-allow-not-principal",
    severity: Severity::High,
    summary: "Bucket policy allows everyone except the listed principals (Allow with NotPrincipal).",
    fix: "Use Principal with the principals that need access; keep NotPrincipal for Deny statements.",
    docs: include_str!("../../rules/policy-allow-not-principal.md"),
    default_enabled: true,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents {
        checkov: &[],
        trivy: &[],
        kics: &[],
        cfn_nag: &["F9"],
        guard: &["S3_BUCKETPOLICY_NO_ALLOW_PLUS_NOTPRINCIPAL"],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    for (policy, st) in bucket_policy_statements(model) {
        let Some(entry) = st.value.entry("NotPrincipal").filter(|_| st.is_allow()) else {
            continue;
        };
        sink.report(
            entry.key_span,
            "Allow with NotPrincipal",
            format!(
                "Bucket policy of {} allows every principal except those listed, anonymous callers included.",
                bucket_name(model, policy.bucket)
            ),
            policy.bucket,
        );
    }
}
