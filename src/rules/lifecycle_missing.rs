//! BL504: a bucket without lifecycle rules.

use super::helpers::buckets::report_buckets_without;
use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;
use crate::tree::Value;

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
    // A configuration whose rules are all known and all disabled does
    // nothing, also for a bucket declared elsewhere (a module given its name).
    for (i, b) in model.buckets() {
        let Some(config) = b.properties.entry("LifecycleConfiguration") else {
            continue;
        };
        let Some(rules) = config.value.get("Rules") else {
            continue;
        };
        let items = rules.items();
        let disabled = |r: &&Value| {
            r.get("Status")
                .and_then(Value::as_str)
                .is_some_and(|s| s.eq_ignore_ascii_case("Disabled"))
        };
        if !items.is_empty() && items.iter().all(disabled) {
            sink.report(
                config.key_span,
                "every lifecycle rule disabled",
                format!(
                    "Bucket `{}` has lifecycle rules, all disabled: objects and old versions are kept, and paid for, forever.",
                    b.id
                ),
                Some(i),
            );
        }
    }
}
