//! BL401: a bucket declares no default encryption.

use super::{Equivalents, Rule, Severity, Sink};
use crate::model::Model;

pub static RULE: Rule = Rule {
    code: "BL401",
    name: "encryption-missing",
    severity: Severity::Low,
    summary: "Bucket does not declare default encryption.",
    fix: "Declare BucketEncryption (Terraform: aws_s3_bucket_server_side_encryption_configuration) with SSE-S3 or SSE-KMS.",
    docs: include_str!("../../rules/encryption-missing.md"),
    default_enabled: true,
    formats: super::BOTH,
    fixable: false,
    equivalents: Equivalents {
        checkov: &["CKV_AWS_19"],
        trivy: &[
            "AVD-AWS-0088",
            "AWS-0088",
            "aws-s3-enable-bucket-encryption",
        ],
        kics: &["b2e8752c-3497-4255-98d2-e4ae5b46bbf5"],
        cfn_nag: &["W41"],
        guard: &["S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED"],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    for (i, bucket) in model.buckets().filter(|(_, b)| b.declared) {
        if bucket.properties.get("BucketEncryption").is_none() {
            sink.report(
                bucket.head,
                "no default encryption declared",
                format!(
                    "Bucket `{}` does not declare default encryption. S3 applies SSE-S3 to new objects anyway, but the template does not say so.",
                    bucket.id
                ),
                Some(i),
            );
        }
    }
}
