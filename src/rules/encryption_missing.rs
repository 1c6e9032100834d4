//! BL401: a bucket declares no default encryption.

use super::rule::{AutoFix, BOTH, Equivalents, Rule, Severity, Sink, Violation};
use crate::fix::{Context, Fix, Safety, edit};
use crate::model::Format;
use crate::model::Model;
use crate::model::s3::encryption_rules;
use crate::tree::Kind;
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
    // A deployed bucket is what it is: S3's default is not to come.
    let anyway = match model.deployed {
        true => {
            "S3 encrypts new objects with SSE-S3 anyway, but the bucket's configuration does not say so"
        }
        false => "S3 applies SSE-S3 to new objects anyway, but the template does not say so",
    };
    for (i, bucket) in model.buckets().filter(|(_, b)| b.declared) {
        match bucket.properties.entry("BucketEncryption") {
            None => sink.report(
                bucket.head,
                "no default encryption declared",
                format!(
                    "Bucket `{}` does not declare default encryption. {anyway}.",
                    bucket.id
                ),
                Some(i),
            ),
            Some(entry) if without_default(bucket) => sink.report(
                entry.key_span,
                "no rule sets an algorithm",
                format!(
                    "Bucket `{}` declares an encryption configuration whose rules set no default algorithm (`ServerSideEncryptionByDefault`), so it declares no encryption. {anyway}.",
                    bucket.id
                ),
                Some(i),
            ),
            Some(_) => {}
        }
    }
}

/// An encryption configuration whose rules are all known and none sets a
/// default algorithm (`rule {}`, a rule with only `BucketKeyEnabled`).
fn without_default(bucket: &crate::model::Resource) -> bool {
    let Some(config) = bucket.properties.get("BucketEncryption") else {
        return false;
    };
    let listed = config.alternatives().iter().all(|c| {
        c.get("ServerSideEncryptionConfiguration")
            .is_some_and(|r| matches!(r.kind, Kind::Seq(_) | Kind::Map(_)))
    });
    listed
        && encryption_rules(bucket)
            .iter()
            .all(|r| r.is_map() && r.get("ServerSideEncryptionByDefault").is_none())
}

static FIX: AutoFix = AutoFix {
    safety: Safety::Safe,
    describe: "Adds default encryption with S3-managed keys (SSE-S3, AES256); Terraform: an aws_s3_bucket_server_side_encryption_configuration resource after the bucket.",
    make,
};

fn make(v: &Violation, ctx: &Context) -> Option<Fix> {
    let bucket = ctx.model.resources.get(v.bucket?)?;
    // A configuration without an algorithm is the user's to complete.
    if bucket.properties.get("BucketEncryption").is_some() {
        return None;
    }
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
