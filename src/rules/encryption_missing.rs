//! BL401: a bucket declares no default encryption.

use super::rule::{AutoFix, BOTH, Equivalents, Rule, Severity, Sink, Violation};
use crate::fix::{Context, Fix, Safety, edit};
use crate::model::Format;
use crate::model::Model;
use serde_json::json;

pub static RULE: Rule = Rule {
    code: "BL401",
    name: "encryption-missing",
    severity: Severity::Low,
    summary: "Bucket does not declare default encryption.",
    fix: "Declare BucketEncryption (Terraform: aws_s3_bucket_server_side_encryption_configuration) with SSE-S3 or SSE-KMS.",
    docs: include_str!("../../rules/encryption-missing.md"),
    default_enabled: true,
    formats: BOTH,
    autofix: Some(&FIX),
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

static FIX: AutoFix = AutoFix {
    safety: Safety::Safe,
    describe: "Adds default encryption with S3-managed keys (SSE-S3, AES256); Terraform: an aws_s3_bucket_server_side_encryption_configuration resource after the bucket.",
    make,
};

fn make(v: &Violation, ctx: &Context) -> Option<Fix> {
    let bucket = ctx.model.resources.get(v.bucket?)?;
    let edit = match ctx.model.format {
        Format::CloudFormation => edit::add_property(
            ctx,
            bucket,
            "BucketEncryption",
            &json!({"ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
            ]}),
        )?,
        Format::Terraform => edit::add_terraform_resource(
            ctx,
            bucket,
            "aws_s3_bucket_server_side_encryption_configuration",
            &[
                "rule {",
                "  apply_server_side_encryption_by_default {",
                "    sse_algorithm = \"AES256\"",
                "  }",
                "}",
            ],
        )?,
    };
    ctx.fix(
        bucket.head.file,
        Safety::Safe,
        "added default encryption (SSE-S3)",
        vec![edit],
    )
}
