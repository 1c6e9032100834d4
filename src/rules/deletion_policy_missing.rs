//! BL508: deleting the stack, or the Terraform resource, deletes the data.

use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::s3::certainly_true;
use crate::model::{Format, Model};
use crate::tree::Value;

pub static RULE: Rule = Rule {
    code: "BL508",
    name: "deletion-policy-missing",
    severity: Severity::Low,
    summary: "Bucket is deleted with its stack or module (no DeletionPolicy: Retain; Terraform force_destroy).",
    fix: "Set DeletionPolicy and UpdateReplacePolicy to Retain; in Terraform, drop force_destroy and use lifecycle { prevent_destroy = true }.",
    docs: include_str!("../../rules/deletion-policy-missing.md"),
    default_enabled: false,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents::NONE,
    check,
};

fn retained(v: Option<&Value>) -> bool {
    v.is_some_and(|v| {
        v.alternatives()
            .iter()
            .all(|a| a.as_str().is_none_or(|s| s.starts_with("Retain")))
    })
}

fn check(model: &Model, sink: &mut Sink) {
    for (i, bucket) in model.buckets().filter(|(_, b)| b.declared) {
        match model.format {
            Format::CloudFormation => {
                let attrs = &bucket.attributes;
                for key in ["DeletionPolicy", "UpdateReplacePolicy"] {
                    if retained(attrs.get(key)) {
                        continue;
                    }
                    let at = attrs.entry(key).map_or(bucket.head, |e| e.value.span);
                    sink.report(
                        at,
                        format!("{key} not Retain"),
                        format!("Bucket `{}` is not retained ({key}): the bucket and its data go with the stack.", bucket.id),
                        Some(i),
                    );
                }
            }
            Format::Terraform => {
                if let Some(e) = bucket
                    .properties
                    .entry("ForceDestroy")
                    .filter(|e| certainly_true(Some(&e.value)))
                {
                    sink.report(
                        e.value.span,
                        "force_destroy",
                        format!("Bucket `{}` sets force_destroy: destroying it deletes every object without warning.", bucket.id),
                        Some(i),
                    );
                }
            }
        }
    }
}
