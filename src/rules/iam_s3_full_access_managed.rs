//! BL306: an AWS managed policy that grants every S3 action on every
//! bucket is attached. The policies are data: `data/s3-full-access-managed-policies.tsv`.

use std::sync::LazyLock;

use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;
use crate::tree::Value;

pub static RULE: Rule = Rule {
    code: "BL306",
    name: "iam-s3-full-access-managed",
    severity: Severity::High,
    summary: "IAM identity gets an AWS managed policy that grants every S3 action on every bucket.",
    fix: "Attach a customer-managed policy that lists the actions and buckets the identity needs.",
    docs: include_str!("../../rules/iam-s3-full-access-managed.md"),
    default_enabled: true,
    formats: BOTH,
    autofix: None,
    // The registry's rules about elevated (PowerUserAccess) and
    // administrator managed policies on roles; cfn_nag's W43 and W44.
    equivalents: Equivalents {
        checkov: &[],
        trivy: &[],
        kics: &[],
        cfn_nag: &["W43", "W44"],
        guard: &[
            "IAM_ROLE_ADMINISTRATOR_ACCESS_POLICY_RULE",
            "IAM_ROLE_ELEVATED_MANAGED_POLICY_RULE",
        ],
    },
    check,
};

/// The AWS managed policies that grant every S3 action on every bucket.
static FULL_ACCESS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    include_str!("../../data/s3-full-access-managed-policies.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split('\t').next())
        .collect()
});

/// The name of the AWS managed policy an ARN names, when it is one of
/// [`FULL_ACCESS`] (any partition, or one given as `${AWS::Partition}`).
fn full_access(arn: &str) -> Option<&'static str> {
    let (_, name) = arn.split_once(":iam::aws:policy/")?;
    FULL_ACCESS.iter().copied().find(|p| *p == name)
}

fn check(model: &Model, sink: &mut Sink) {
    for r in &model.resources {
        let arns: Vec<&Value> = match r.cfn_type.as_str() {
            "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => r
                .properties
                .get("ManagedPolicyArns")
                .map(Value::items)
                .unwrap_or_default(),
            "AWS::IAM::PolicyAttachment" => r
                .properties
                .get("PolicyArn")
                .map(|v| v.alternatives())
                .unwrap_or_default(),
            // IAM Identity Center: the permission set's managed policies.
            "AWS::SSO::PermissionSet" => r
                .properties
                .get("ManagedPolicies")
                .map(Value::items)
                .unwrap_or_default(),
            _ => continue,
        };
        for arn in arns {
            if let Some(name) = arn.as_text().and_then(full_access) {
                sink.report(
                    arn.span,
                    name,
                    format!(
                        "`{}` gets {name}: every S3 action on every bucket of the account.",
                        r.id
                    ),
                    None,
                );
            }
        }
    }
}
