//! BL206: a bucket policy grants access to another AWS account.

use super::helpers::buckets::bucket_name;
use super::helpers::statements::bucket_policy_statements;
use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::access::{Own, literal_account};
use crate::model::Model;
use crate::policy;
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
    // Bucket policies, then the policies of directory, table and vector
    // buckets: (the bucket, how the message names the policy, a statement).
    let bucket_policies = bucket_policy_statements(model).into_iter().map(|(p, st)| {
        let name = format!("Bucket policy of {}", bucket_name(model, p.bucket));
        (p.bucket, name, st)
    });
    let others = model
        .always_private_policies()
        .flat_map(|(_, doc, kind, name)| {
            let what = format!("Policy of {} `{name}`", kind.what);
            policy::statements(doc)
                .into_iter()
                .map(move |st| (None, what.clone(), st))
        });
    for (bucket, named, st) in bucket_policies.chain(others) {
        if !st.is_allow() {
            continue;
        }
        let Some(principal) = st.principal else {
            continue;
        };
        let own = Own {
            trusted: &sink.options.trusted_accounts,
            owner: bucket
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
                    format!("{named} grants access to {who}."),
                    bucket,
                );
            }
        }
    }
}
