//! BL206: a bucket policy grants access to another AWS account.

use super::helpers::buckets::bucket_name;
use super::helpers::statements::bucket_policy_statements;
use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::access::{Own, literal_account};
use crate::model::Model;
use crate::tree::Value;

pub static RULE: Rule = Rule {
    code: "BL206",
    name: "policy-cross-account",
    severity: Severity::Medium,
    summary: "Bucket policy grants access to a principal of a fixed AWS account.",
    fix: "Check that the account is yours or trusted; prefer aws:PrincipalOrgID for accounts of your organisation.",
    docs: include_str!("../../rules/policy-cross-account.md"),
    default_enabled: false,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents {
        checkov: &[],
        trivy: &[],
        kics: &[],
        cfn_nag: &[],
        guard: &["S3_BUCKET_POLICY_GRANTEE_CHECK"],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    for (policy, st) in bucket_policy_statements(model) {
        if !st.is_allow() {
            continue;
        }
        let Some(principal) = st.principal else {
            continue;
        };
        let own = Own {
            trusted: &sink.options.trusted_accounts,
            owner: policy
                .bucket
                .and_then(|b| sink.access.bucket(b))
                .and_then(|a| a.owner.as_deref()),
        };
        for alt in principal.alternatives() {
            let accounts = alt
                .get("AWS")
                .map(Value::items)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|p| {
                    let account = literal_account(p.as_str()?)?;
                    if own.names(account).is_some() {
                        return None;
                    }
                    Some((p, format!("account {account}")))
                });
            let canonical = alt
                .get("CanonicalUser")
                .map(Value::items)
                .unwrap_or_default()
                .into_iter()
                .map(|p| (p, "a canonical user (an account's S3 owner id)".to_string()));
            for (p, who) in accounts.chain(canonical) {
                sink.report(
                    p.span,
                    who.clone(),
                    format!(
                        "Bucket policy of {} grants access to {who}.",
                        bucket_name(model, policy.bucket)
                    ),
                    policy.bucket,
                );
            }
        }
    }
}
