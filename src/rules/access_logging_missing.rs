//! BL601: a bucket records no server access logs.

use super::helpers::buckets::report_buckets_without;
use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;

pub static RULE: Rule = Rule {
    code: "BL601",
    name: "access-logging-missing",
    severity: Severity::Low,
    summary: "Bucket does not record server access logs.",
    fix: "Add LoggingConfiguration (Terraform: aws_s3_bucket_logging) pointing at a dedicated log bucket.",
    docs: include_str!("../../rules/access-logging-missing.md"),
    default_enabled: false,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents {
        checkov: &["CKV_AWS_18"],
        trivy: &[
            "AVD-AWS-0089",
            "AWS-0089",
            "aws-s3-enable-logging",
            "aws-s3-enable-bucket-logging",
        ],
        kics: &[
            "4552b71f-0a2a-4bc4-92dd-ed7ec1b4674c",
            "f861041c-8c9f-4156-acfc-5e6e524f5884",
            "ee9e50e8-b2ed-4176-ad42-8fc0cf7593f4",
            "c3ce69fd-e3df-49c6-be78-1db3f802261c",
        ],
        cfn_nag: &["W35"],
        guard: &["S3_BUCKET_LOGGING_ENABLED"],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    // The bucket that receives the logs need not log itself.
    let targets = model.log_targets();
    report_buckets_without(
        model,
        sink,
        "no access logging",
        |id| {
            format!(
                "Bucket `{id}` records no server access logs: who read or changed what cannot be reconstructed."
            )
        },
        |i, b| targets.contains(&i) || b.properties.get("LoggingConfiguration").is_some(),
    );
}
