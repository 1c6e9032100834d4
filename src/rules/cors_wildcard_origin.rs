//! BL111: a CORS rule admits every origin.

use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;
use crate::tree::Value;

pub static RULE: Rule = Rule {
    code: "BL111",
    name: "cors-wildcard-origin",
    severity: Severity::Medium,
    summary: "Bucket CORS rule allows requests from any website.",
    fix: "List the origins that need cross-origin access instead of `*`.",
    docs: include_str!("../../rules/cors-wildcard-origin.md"),
    default_enabled: true,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents {
        checkov: &[],
        trivy: &[],
        kics: &[
            "3609d27c-3698-483a-9402-13af6ae80583",
            "98a8f708-121b-455b-ae2f-da3fb59d17e1",
        ],
        cfn_nag: &[],
        guard: &[],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    for (i, bucket) in model.buckets() {
        let rules = bucket
            .properties
            .path(&["CorsConfiguration", "CorsRules"])
            .map(Value::items)
            .unwrap_or_default();
        for rule in rules {
            let origins = rule
                .get("AllowedOrigins")
                .map(Value::items)
                .unwrap_or_default();
            let Some(star) = origins.iter().find(|o| o.as_str() == Some("*")) else {
                continue;
            };
            let methods: Vec<&str> = rule
                .get("AllowedMethods")
                .map(Value::items)
                .unwrap_or_default()
                .iter()
                .filter_map(|m| m.as_str())
                .collect();
            let methods = if methods.is_empty() {
                "requests".to_string()
            } else {
                methods.join(", ")
            };
            sink.report(
                star.span,
                "any origin",
                format!("Bucket `{}` lets scripts on any website make {methods} requests to it from visitors' browsers.", bucket.id),
                Some(i),
            );
        }
    }
}
