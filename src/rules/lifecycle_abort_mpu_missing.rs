//! BL505: incomplete multipart uploads are never cleaned up.

use super::helpers::buckets::report_buckets_without;
use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;
use crate::tree::Value;

pub static RULE: Rule = Rule {
    code: "BL505",
    name: "lifecycle-abort-mpu-missing",
    severity: Severity::Low,
    summary: "Bucket has no lifecycle rule that aborts incomplete multipart uploads.",
    fix: "Add an enabled lifecycle rule for the whole bucket with AbortIncompleteMultipartUpload DaysAfterInitiation.",
    docs: include_str!("../../rules/lifecycle-abort-mpu-missing.md"),
    default_enabled: false,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents {
        checkov: &["CKV_AWS_300"],
        trivy: &[],
        kics: &[],
        cfn_nag: &[],
        guard: &[],
    },
    check,
};

/// An enabled rule for the whole bucket that aborts incomplete uploads; a
/// rule that cannot be read counts, since it might be one.
fn aborts(rule: &Value) -> bool {
    if !rule.is_map() {
        return true;
    }
    let enabled = rule
        .get("Status")
        .and_then(Value::as_str)
        .is_none_or(|s| s == "Enabled");
    let whole_bucket = rule
        .get("Prefix")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
        && rule
            .path(&["Filter", "Prefix"])
            .and_then(Value::as_str)
            .is_none_or(str::is_empty);
    enabled && whole_bucket && rule.get("AbortIncompleteMultipartUpload").is_some()
}

fn check(model: &Model, sink: &mut Sink) {
    let message = |id: &str| {
        format!(
            "Bucket `{id}` never aborts incomplete multipart uploads: their parts stay, invisible and billed."
        )
    };
    let aborted = |b: &crate::model::Resource| {
        let rules = b.properties.path(&["LifecycleConfiguration", "Rules"]);
        rules.is_some_and(|r| r.items().into_iter().any(aborts))
    };
    report_buckets_without(model, sink, "incomplete uploads kept", message, |_, b| {
        aborted(b)
    });
    // A bucket declared elsewhere (a module given its name) whose lifecycle
    // configuration is here: judged by it, at it.
    for (i, b) in model.buckets().filter(|(_, b)| !b.declared) {
        if let Some(config) = b.properties.entry("LifecycleConfiguration")
            && !aborted(b)
        {
            sink.report(
                config.key_span,
                "incomplete uploads kept",
                message(&b.id),
                Some(i),
            );
        }
    }
}
