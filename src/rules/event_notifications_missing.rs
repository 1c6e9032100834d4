//! BL507: a bucket sends no event notifications.

use super::helpers::buckets::report_buckets_without;
use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;

pub static RULE: Rule = Rule {
    code: "BL507",
    name: "event-notifications-missing",
    severity: Severity::Low,
    summary: "Bucket sends no event notifications.",
    fix: "Add NotificationConfiguration (Terraform: aws_s3_bucket_notification), for example to EventBridge.",
    docs: include_str!("../../rules/event-notifications-missing.md"),
    default_enabled: false,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents {
        checkov: &["CKV2_AWS_62"],
        trivy: &[],
        kics: &[],
        cfn_nag: &[],
        guard: &[],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    report_buckets_without(
        model,
        sink,
        "no notifications",
        |id| {
            format!(
                "Bucket `{id}` sends no event notifications: changes to its objects go unnoticed."
            )
        },
        |_, b| b.properties.get("NotificationConfiguration").is_some(),
    );
}
