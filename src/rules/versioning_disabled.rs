//! BL501: a bucket keeps no object versions.

use super::rule::{AutoFix, BOTH, Equivalents, Rule, Severity, Sink, Violation};
use crate::fix::{Context, Fix, Safety, edit};
use crate::model::Format;
use crate::model::Model;
use crate::model::s3::certainly_true;
use serde_json::json;

pub static RULE: Rule = Rule {
    code: "BL501",
    name: "versioning-disabled",
    severity: Severity::Medium,
    summary: "Bucket does not keep object versions.",
    fix: "Set VersioningConfiguration Status to Enabled (Terraform: aws_s3_bucket_versioning with status = \"Enabled\").",
    docs: include_str!("../../rules/versioning-disabled.md"),
    default_enabled: true,
    formats: BOTH,
    autofix: Some(&FIX),
    equivalents: Equivalents {
        checkov: &["CKV_AWS_21"],
        trivy: &["AVD-AWS-0090", "AWS-0090", "aws-s3-enable-versioning"],
        kics: &[
            "a227ec01-f97a-4084-91a4-47b350c1db54",
            "568a4d22-3517-44a6-a7ad-6a7eed88722c",
        ],
        cfn_nag: &[],
        guard: &["S3_BUCKET_VERSIONING_ENABLED"],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    for (i, bucket) in model.buckets() {
        // Object lock requires, and turns on, versioning.
        if certainly_true(bucket.properties.get("ObjectLockEnabled")) {
            continue;
        }
        match bucket.properties.path(&["VersioningConfiguration", "Status"]) {
            Some(status) => {
                for alt in status.alternatives() {
                    if let Some(s) = alt.as_str().filter(|s| *s != "Enabled") {
                        sink.report(
                            alt.span,
                            format!("versioning {s}"),
                            format!("Bucket `{}` has versioning {s}: overwritten and deleted objects cannot be recovered.", bucket.id),
                            Some(i),
                        );
                    }
                }
            }
            None if bucket.declared => sink.report(
                bucket.head,
                "no versioning",
                format!("Bucket `{}` does not enable versioning: overwritten and deleted objects cannot be recovered.", bucket.id),
                Some(i),
            ),
            None => {}
        }
    }
}

static FIX: AutoFix = AutoFix {
    safety: Safety::Safe,
    describe: "Sets the versioning status to Enabled, adding VersioningConfiguration (Terraform: an aws_s3_bucket_versioning resource after the bucket) when there is none.",
    make,
};

fn make(v: &Violation, ctx: &Context) -> Option<Fix> {
    let note = "enabled versioning";
    if let Some(edit) = edit::replace_literal(ctx, v.span, &["Suspended", "Disabled"], "Enabled") {
        return ctx.fix(v.span.file, Safety::Safe, note, vec![edit]);
    }
    let bucket = ctx.model.resources.get(v.bucket?)?;
    if v.span != bucket.head || bucket.properties.get("VersioningConfiguration").is_some() {
        return None;
    }
    let edit = match ctx.model.format {
        Format::CloudFormation => edit::add_property(
            ctx,
            bucket,
            "VersioningConfiguration",
            &json!({"Status": "Enabled"}),
        )?,
        Format::Terraform => edit::add_terraform_resource(
            ctx,
            bucket,
            "aws_s3_bucket_versioning",
            &["versioning_configuration {", "  status = \"Enabled\"", "}"],
        )?,
    };
    ctx.fix(bucket.head.file, Safety::Safe, note, vec![edit])
}
