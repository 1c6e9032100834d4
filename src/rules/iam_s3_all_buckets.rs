//! BL302: an identity policy allows deleting or re-permissioning every
//! bucket.

use super::helpers::statements::{AllBuckets, all_buckets_tier, identity_statements};
use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;
use crate::policy::Level;

pub static RULE: Rule = Rule {
    code: "BL302",
    name: "iam-s3-all-buckets",
    severity: Severity::High,
    summary: "IAM policy allows S3 delete or permissions-management actions on every bucket.",
    fix: "Limit Resource to the ARNs of the buckets (and objects) the identity manages.",
    docs: include_str!("../../rules/iam-s3-all-buckets.md"),
    default_enabled: true,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents {
        checkov: &[
            "CKV_AWS_355",
            "CKV_AWS_109",
            "CKV_AWS_289",
            "CKV_AWS_108",
            "CKV_AWS_288",
        ],
        trivy: &[
            "AVD-AWS-0346",
            "AWS-0346",
            "aws-iam-unauthorized-bucket-access",
        ],
        kics: &[
            "f62aa827-4ade-4dc4-89e4-1433d384a368",
            "575a2155-6af1-4026-b1af-d5bc8fe2a904",
        ],
        cfn_nag: &["W11", "W12", "W13"],
        guard: &["IAM_POLICYDOCUMENT_NO_WILDCARD_RESOURCE"],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    for st in identity_statements(model) {
        let Some((AllBuckets::DeleteOrPermissions, all, actions)) = all_buckets_tier(&st) else {
            continue;
        };
        let dangerous =
            actions.filter(|a| a.is_delete() || a.level == Level::PermissionsManagement);
        sink.report(
            all,
            "every bucket",
            format!(
                "IAM policy grants S3 actions that {} on every bucket in the account.",
                dangerous.describe()
            ),
            None,
        );
    }
}
