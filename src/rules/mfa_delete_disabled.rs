//! BL502: versioning explicitly without MFA delete.

use super::rule::{Equivalents, Rule, Severity, Sink};
use crate::model::{Format, Model};

pub static RULE: Rule = Rule {
    code: "BL502",
    name: "mfa-delete-disabled",
    severity: Severity::Low,
    summary: "Bucket versioning explicitly disables MFA delete.",
    fix: "Set mfa_delete = \"Enabled\" (it needs the root user's MFA device, through the mfa argument).",
    docs: include_str!("../../rules/mfa-delete-disabled.md"),
    default_enabled: true,
    // CloudFormation cannot set MFA delete.
    formats: &[Format::Terraform],
    autofix: None,
    equivalents: Equivalents {
        checkov: &[],
        trivy: &["AVD-AWS-0170", "AWS-0170", "aws-s3-require-mfa-delete"],
        kics: &["c5b31ab9-0f26-4a49-b8aa-4cc064392f4d"],
        cfn_nag: &[],
        guard: &[],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    for (i, bucket) in model.buckets() {
        let Some(mfa) = bucket
            .properties
            .path(&["VersioningConfiguration", "MfaDelete"])
        else {
            continue;
        };
        for alt in mfa.alternatives() {
            if alt
                .as_str()
                .is_some_and(|s| s.eq_ignore_ascii_case("Disabled"))
            {
                sink.report(
                    alt.span,
                    "MFA delete disabled",
                    format!("Bucket `{}` manages versioning with MFA delete disabled: versions can be deleted without a second factor.", bucket.id),
                    Some(i),
                );
            }
        }
    }
}
