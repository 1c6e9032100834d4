//! BL306: the AWS-managed AmazonS3FullAccess policy is attached.

use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;
use crate::tree::Value;

pub static RULE: Rule = Rule {
    code: "BL306",
    name: "iam-s3-full-access-managed",
    severity: Severity::High,
    summary: "IAM identity gets the AWS-managed AmazonS3FullAccess policy.",
    fix: "Attach a customer-managed policy that lists the actions and buckets the identity needs.",
    docs: include_str!("../../rules/iam-s3-full-access-managed.md"),
    default_enabled: true,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents::NONE,
    check,
};

fn is_full_access(arn: &str) -> bool {
    arn.strip_prefix("arn:")
        .is_some_and(|rest| rest.ends_with(":iam::aws:policy/AmazonS3FullAccess"))
        || arn.ends_with("iam::aws:policy/AmazonS3FullAccess")
}

fn check(model: &Model, sink: &mut Sink) {
    for r in &model.resources {
        let arns: Vec<&Value> = match r.cfn_type.as_str() {
            "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => r
                .properties
                .get("ManagedPolicyArns")
                .map(Value::items)
                .unwrap_or_default(),
            "AWS::IAM::PolicyAttachment" => r
                .properties
                .get("PolicyArn")
                .map(|v| v.alternatives())
                .unwrap_or_default(),
            _ => continue,
        };
        for arn in arns {
            if arn.as_text().is_some_and(is_full_access) {
                sink.report(
                    arn.span,
                    "AmazonS3FullAccess",
                    format!("`{}` gets AmazonS3FullAccess: every S3 action on every bucket of the account.", r.id),
                    None,
                );
            }
        }
    }
}
