//! BL207: a Deny that locks everyone out of the bucket policy.

use super::helpers::buckets::bucket_name;
use super::helpers::statements::bucket_policy_statements;
use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;
use crate::policy::{self, Effect};

pub static RULE: Rule = Rule {
    code: "BL207",
    name: "policy-deny-lockout",
    severity: Severity::Low,
    summary: "Bucket policy denies everyone the right to change it, with no condition.",
    fix: "Add a condition (or NotPrincipal) that leaves an administrator role able to manage the policy.",
    docs: include_str!("../../rules/policy-deny-lockout.md"),
    default_enabled: true,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents {
        checkov: &["CKV_AWS_93"],
        trivy: &[],
        kics: &[],
        cfn_nag: &[],
        guard: &[],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    for (policy, st) in bucket_policy_statements(model) {
        if st.effect != Effect::Deny || st.conditional || st.condition.is_some() {
            continue;
        }
        if st.principal.and_then(policy::anyone).is_none() {
            continue;
        }
        let (actions, complete) = st.s3_actions();
        if !complete || !actions.any(|a| a.name == "s3:PutBucketPolicy") {
            continue;
        }
        sink.report(
            st.anchor(),
            "denies everyone s3:PutBucketPolicy",
            format!(
                "Bucket policy of {} denies every principal the right to change it: only the account root user can repair it.",
                bucket_name(model, policy.bucket)
            ),
            policy.bucket,
        );
    }
}
