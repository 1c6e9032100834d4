//! BL602: a bucket writes its access logs into itself.

use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;
use crate::tree::{Kind, Ref, Value};

pub static RULE: Rule = Rule {
    code: "BL602",
    name: "logging-target-self",
    severity: Severity::Low,
    summary: "Bucket delivers its access logs to itself.",
    fix: "Deliver access logs to a separate, dedicated log bucket.",
    docs: include_str!("../../rules/logging-target-self.md"),
    default_enabled: true,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents::NONE,
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    for (i, bucket) in model.buckets() {
        let Some(dest) = bucket
            .properties
            .path(&["LoggingConfiguration", "DestinationBucketName"])
        else {
            continue;
        };
        let name = bucket.properties.get("BucketName").and_then(Value::as_str);
        let itself = match &dest.kind {
            Kind::Ref(Ref { target, .. }) => *target == bucket.id,
            Kind::Str(s) => Some(s.as_str()) == name,
            _ => false,
        };
        if itself {
            sink.report(
                dest.span,
                "this bucket",
                format!("Bucket `{}` delivers its access logs to itself: every log write is logged again, without end.", bucket.id),
                Some(i),
            );
        }
    }
}
