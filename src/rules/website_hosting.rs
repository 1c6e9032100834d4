//! BL110: a bucket serves a static website.

use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;

pub static RULE: Rule = Rule {
    code: "BL110",
    name: "website-hosting",
    severity: Severity::Low,
    summary: "Bucket is configured as a static website endpoint.",
    fix: "Serve the content through CloudFront with origin access control and remove the website configuration.",
    docs: include_str!("../../rules/website-hosting.md"),
    default_enabled: true,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents {
        checkov: &[],
        trivy: &[],
        kics: &[
            "90501b1b-cded-4cc1-9e8b-206b85cda317",
            "42bb6b7f-6d54-4428-b707-666f669d94fb",
        ],
        cfn_nag: &[],
        guard: &[],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    for (i, bucket) in model.buckets() {
        // A configuration known only at deployment may be none.
        let Some(entry) = bucket
            .properties
            .entry("WebsiteConfiguration")
            .filter(|e| !matches!(e.value.kind, crate::tree::Kind::Unknown(_)))
        else {
            continue;
        };
        sink.report(
            entry.key_span,
            "website endpoint",
            format!("Bucket `{}` is a static website: its endpoint speaks only plain HTTP and needs public read access.", bucket.id),
            Some(i),
        );
    }
}
