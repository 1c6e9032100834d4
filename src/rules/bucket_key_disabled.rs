//! BL403: SSE-KMS without an S3 Bucket Key.

use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;
use crate::model::s3::{certainly_true, encryption_rules};

pub static RULE: Rule = Rule {
    code: "BL403",
    name: "bucket-key-disabled",
    severity: Severity::Low,
    summary: "Bucket encrypts with SSE-KMS without an S3 Bucket Key.",
    fix: "Set BucketKeyEnabled to true in the encryption rule.",
    docs: include_str!("../../rules/bucket-key-disabled.md"),
    default_enabled: false,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents::NONE,
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    for (i, bucket) in model.buckets() {
        for rule in encryption_rules(bucket) {
            let Some(algorithm) = rule.path(&["ServerSideEncryptionByDefault", "SSEAlgorithm"])
            else {
                continue;
            };
            let kms = algorithm
                .alternatives()
                .iter()
                .any(|v| v.as_str().is_some_and(|s| s.starts_with("aws:kms")));
            if !kms || certainly_true(rule.get("BucketKeyEnabled")) {
                continue;
            }
            if rule
                .get("BucketKeyEnabled")
                .is_some_and(|v| v.alternatives().iter().all(|a| a.as_bool().is_none()))
            {
                continue; // not known
            }
            let at = rule
                .entry("BucketKeyEnabled")
                .map_or(algorithm.span, |e| e.value.span);
            sink.report(
                at,
                "no bucket key",
                format!("Bucket `{}` uses SSE-KMS without a Bucket Key: every object request calls KMS, which costs more and can hit KMS quotas.", bucket.id),
                Some(i),
            );
        }
    }
}
