//! BL405: an object uploaded by Terraform does not ask for encryption.

use super::rule::{Equivalents, Rule, Severity, Sink};
use crate::model::{Format, Model};

pub static RULE: Rule = Rule {
    code: "BL405",
    name: "object-not-encrypted",
    severity: Severity::Low,
    summary: "Object uploaded by Terraform does not set server-side encryption.",
    fix: "Set server_side_encryption (and kms_key_id for SSE-KMS) on the object.",
    docs: include_str!("../../rules/object-not-encrypted.md"),
    default_enabled: true,
    // CloudFormation does not upload objects.
    formats: &[Format::Terraform],
    autofix: None,
    equivalents: Equivalents {
        // Objects and object copies not encrypted with a customer key.
        checkov: &["CKV_AWS_186", "CKV_AWS_181"],
        trivy: &[],
        kics: &["5fb49a69-8d46-4495-a2f8-9c8c622b2b6e"],
        cfn_nag: &[],
        guard: &[],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    for (_, object) in model.of_type("AWS::S3::Object") {
        let p = &object.properties;
        if p.get("ServerSideEncryption").is_none() && p.get("KMSKeyId").is_none() {
            sink.report(
                object.head,
                "no server_side_encryption",
                format!("Object `{}` does not set server-side encryption; it gets the bucket's default, whatever that is.", object.id),
                object.bucket,
            );
        }
    }
}
