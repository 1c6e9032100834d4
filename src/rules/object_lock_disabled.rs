//! BL503: a bucket without object lock.

use super::helpers::buckets::report_buckets_without;
use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;

pub static RULE: Rule = Rule {
    code: "BL503",
    name: "object-lock-disabled",
    severity: Severity::Low,
    summary: "Bucket does not enable object lock.",
    fix: "Set ObjectLockEnabled: true (Terraform: object_lock_enabled = true) when the bucket is created.",
    docs: include_str!("../../rules/object-lock-disabled.md"),
    default_enabled: false,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents {
        checkov: &["CKV_AWS_143"],
        trivy: &[],
        kics: &[],
        cfn_nag: &[],
        guard: &["S3_BUCKET_DEFAULT_LOCK_ENABLED"],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    report_buckets_without(
        model,
        sink,
        "no object lock",
        |id| {
            format!(
                "Bucket `{id}` does not enable object lock: nothing stops a privileged user from deleting its objects."
            )
        },
        |_, b| {
            let p = &b.properties;
            let lock = p
                .get("ObjectLockEnabled")
                .or_else(|| p.path(&["ObjectLockConfiguration", "ObjectLockEnabled"]));
            // `true`, or `Enabled` in Terraform; a value not known is not reported.
            lock.is_some_and(|v| {
                v.alternatives().iter().all(|a| match a.as_str() {
                    Some(s) => s.eq_ignore_ascii_case("true") || s == "Enabled",
                    None => true,
                })
            })
        },
    );
}
