//! BL303: an identity policy can read the data of every bucket.

use super::helpers::statements::{AllBuckets, all_buckets_tier, identity_statements};
use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;
use crate::policy::Level;

pub static RULE: Rule = Rule {
    code: "BL303",
    name: "iam-s3-read-all-buckets",
    severity: Severity::Medium,
    summary: "IAM policy allows reading objects in every bucket.",
    fix: "Limit Resource to the ARNs of the objects the identity needs to read.",
    docs: include_str!("../../rules/iam-s3-read-all-buckets.md"),
    default_enabled: true,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents {
        checkov: &["CKV_AWS_108", "CKV_AWS_288", "CKV_AWS_355", "CKV_AWS_356"],
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
        let Some((AllBuckets::Read, all, actions)) = all_buckets_tier(&st) else {
            continue;
        };
        let reads =
            actions.filter(|a| a.level == Level::Read && a.name.starts_with("s3:GetObject"));
        let names: Vec<&str> = reads.iter().map(|a| a.name).take(3).collect();
        let more = if reads.iter().count() > 3 {
            ", ..."
        } else {
            ""
        };
        sink.report(
            all,
            "every bucket",
            format!(
                "IAM policy allows reading objects in every bucket of the account ({}{more}).",
                names.join(", ")
            ),
            None,
        );
    }
}
