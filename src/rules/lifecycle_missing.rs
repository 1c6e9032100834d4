//! BL504: a bucket without lifecycle rules.

use super::helpers::buckets::report_buckets_without;
use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;

pub static RULE: Rule = Rule {
    code: "BL504",
    name: "lifecycle-missing",
    severity: Severity::Low,
    summary: "Bucket has no lifecycle configuration.",
    fix: "Add LifecycleConfiguration rules that expire or transition objects and noncurrent versions.",
    docs: include_str!("../../rules/lifecycle-missing.md"),
    default_enabled: false,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents {
        checkov: &["CKV2_AWS_61"],
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
        "no lifecycle rules",
        |id| {
            format!(
                "Bucket `{id}` has no lifecycle rules: objects and old versions are kept, and paid for, forever."
            )
        },
        |_, b| b.properties.get("LifecycleConfiguration").is_some(),
    );
}
