//! BL402: default encryption does not use a KMS key.

use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;
use crate::model::s3::encryption_rules;

pub static RULE: Rule = Rule {
    code: "BL402",
    name: "encryption-not-kms",
    severity: Severity::Medium,
    summary: "Bucket's default encryption does not use a KMS key.",
    fix: "Use SSEAlgorithm aws:kms (or aws:kms:dsse) with a customer managed key in KMSMasterKeyID.",
    docs: include_str!("../../rules/encryption-not-kms.md"),
    default_enabled: false,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents {
        checkov: &["CKV_AWS_145"],
        trivy: &["AVD-AWS-0132", "AWS-0132", "aws-s3-encryption-customer-key"],
        kics: &[],
        cfn_nag: &[],
        guard: &["S3_DEFAULT_ENCRYPTION_KMS"],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    // Log delivery has historically required SSE-S3 on the target bucket.
    let log_targets = model.log_targets();
    for (i, bucket) in model.buckets() {
        if log_targets.contains(&i) {
            continue;
        }
        // Encryption not known (an export that did not record it) says
        // nothing of its key.
        if bucket
            .properties
            .get("BucketEncryption")
            .is_some_and(|e| matches!(e.kind, crate::tree::Kind::Unknown(_)))
        {
            continue;
        }
        let rules = encryption_rules(bucket);
        // Without a rule that sets an algorithm, S3 applies SSE-S3.
        let algorithms: Vec<_> = rules
            .iter()
            .filter_map(|r| r.path(&["ServerSideEncryptionByDefault", "SSEAlgorithm"]))
            .collect();
        let unknown = rules.iter().any(|r| !r.is_map());
        if bucket.declared && algorithms.is_empty() {
            let message = match unknown {
                false => format!(
                    "Bucket `{}` declares no default encryption algorithm, so S3 encrypts with SSE-S3 (keys managed by S3): access to the data cannot be controlled or audited through a KMS key policy.",
                    bucket.id
                ),
                true => format!(
                    "Bucket `{}` takes its encryption rules from a dynamic block over a value not known statically: when it makes none, S3 encrypts with SSE-S3 (keys managed by S3), not a KMS key. This depends on inputs.",
                    bucket.id
                ),
            };
            let at = bucket
                .properties
                .entry("BucketEncryption")
                .map_or(bucket.head, |e| e.key_span);
            sink.report(at, "no KMS key", message, Some(i));
            continue;
        }
        for rule in rules {
            let Some(algorithm) = rule.path(&["ServerSideEncryptionByDefault", "SSEAlgorithm"])
            else {
                continue;
            };
            for alt in algorithm.alternatives() {
                let Some(a) = alt.as_str() else { continue };
                if a.eq_ignore_ascii_case("aws:kms") || a.eq_ignore_ascii_case("aws:kms:dsse") {
                    continue;
                }
                sink.report(
                    alt.span,
                    format!("{a}: keys managed by S3"),
                    format!("Bucket `{}` encrypts with {a}, so access to the data cannot be controlled or audited through a KMS key policy.", bucket.id),
                    Some(i),
                );
            }
        }
    }
}
