//! BL203: a bucket policy Allow uses NotAction.

use super::helpers::buckets::bucket_name;
use super::helpers::statements::bucket_policy_statements;
use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;

pub static RULE: Rule = Rule {
    code: "BL203",
    name: "policy-allow-not-action",
    severity: Severity::Medium,
    summary: "Bucket policy allows every action except those listed (Allow with NotAction).",
    fix: "Replace NotAction with an Action list of what the principal needs.",
    docs: include_str!("../../rules/policy-allow-not-action.md"),
    default_enabled: true,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents {
        checkov: &[],
        trivy: &[],
        kics: &[],
        cfn_nag: &["W20"],
        guard: &["S3_BUCKET_POLICY_NO_ALLOW_PLUS_NOT_ACTION"],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    for (policy, st) in bucket_policy_statements(model) {
        let Some(entry) = st.value.entry("NotAction").filter(|_| st.is_allow()) else {
            continue;
        };
        let (set, complete) = st.s3_actions();
        let reach = if complete {
            format!(
                "grants {} S3 actions that {}",
                set.iter().count(),
                set.describe()
            )
        } else {
            "grants every action not listed".to_string()
        };
        sink.report(
            entry.key_span,
            "Allow with NotAction",
            format!(
                "Bucket policy of {} allows everything except the listed actions; it {reach}.",
                bucket_name(model, policy.bucket)
            ),
            policy.bucket,
        );
    }
}
