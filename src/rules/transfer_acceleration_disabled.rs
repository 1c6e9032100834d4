//! BL509: Transfer Acceleration is not enabled.

use super::helpers::buckets::report_buckets_without;
use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;

pub static RULE: Rule = Rule {
    code: "BL509",
    name: "transfer-acceleration-disabled",
    severity: Severity::Info,
    summary: "Bucket does not enable Transfer Acceleration.",
    fix: "Set AccelerateConfiguration AccelerationStatus to Enabled (Terraform: aws_s3_bucket_accelerate_configuration).",
    docs: include_str!("../../rules/transfer-acceleration-disabled.md"),
    default_enabled: false,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents::NONE,
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    report_buckets_without(
        model,
        sink,
        "no Transfer Acceleration",
        |id| {
            format!(
                "Bucket `{id}` does not enable Transfer Acceleration: distant clients upload and download at internet speed."
            )
        },
        |_, b| {
            b.properties
                .path(&["AccelerateConfiguration", "AccelerationStatus"])
                .is_some_and(|s| {
                    s.alternatives()
                        .iter()
                        .all(|a| a.as_str().is_none_or(|s| s == "Enabled"))
                })
        },
    );
}
