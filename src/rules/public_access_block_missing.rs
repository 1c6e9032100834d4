//! BL105: a bucket declares no Block Public Access configuration.

use super::rule::{AutoFix, BOTH, Equivalents, Rule, Severity, Sink, Violation};
use crate::fix::{Context, Fix, Safety, edit};
use crate::model::Format;
use crate::model::Model;
use crate::model::s3::{PAB_FLAGS, certainly_true};
use serde_json::json;

pub static RULE: Rule = Rule {
    code: "BL105",
    name: "public-access-block-missing",
    severity: Severity::Low,
    summary: "Bucket does not declare a Block Public Access configuration.",
    fix: "Declare all four Block Public Access settings as true on the bucket.",
    docs: include_str!("../../rules/public-access-block-missing.md"),
    default_enabled: true,
    formats: BOTH,
    autofix: Some(&FIX),
    equivalents: Equivalents {
        checkov: &[
            "CKV_AWS_53",
            "CKV_AWS_54",
            "CKV_AWS_55",
            "CKV_AWS_56",
            "CKV2_AWS_6",
        ],
        trivy: &[
            "AVD-AWS-0094",
            "AWS-0094",
            "aws-s3-specify-public-access-block",
            "AVD-AWS-0086",
            "AVD-AWS-0087",
            "AVD-AWS-0091",
            "AVD-AWS-0093",
            "AWS-0086",
            "AWS-0087",
            "AWS-0091",
            "AWS-0093",
        ],
        kics: &[
            "48f100d9-f499-4c6d-b2b8-deafe47ffb26",
            "860ba89b-b8de-4e72-af54-d6aee4138a69",
            "6c8d51af-218d-4bfb-94a9-94eabaa0703a",
            "350cd468-0e2c-44ef-9d22-cfb73a62523c",
        ],
        cfn_nag: &[],
        guard: &["S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED"],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    for (i, bucket) in model.buckets().filter(|(_, b)| b.declared) {
        // An account-level block with every setting on protects the
        // account's buckets.
        let account = model.account_public_access_block(bucket);
        if account.is_some_and(|a| PAB_FLAGS.iter().all(|f| certainly_true(a.get(f)))) {
            continue;
        }
        match bucket.properties.entry("PublicAccessBlockConfiguration") {
            None => sink.report(
                bucket.head,
                "no Block Public Access settings",
                match (model.deployed, account.is_some()) {
                    (true, true) => format!(
                        "Bucket `{}` has no Block Public Access settings of its own, and its account's do not turn every one on.",
                        bucket.id
                    ),
                    (true, false) => format!(
                        "Bucket `{}` has no Block Public Access settings of its own; the export holds no item of its account's settings to say whether they cover it.",
                        bucket.id
                    ),
                    (false, _) => format!(
                        "Bucket `{}` does not declare Block Public Access. New buckets get it by default, but imported and older buckets do not.",
                        bucket.id
                    ),
                },
                Some(i),
            ),
            Some(e) if e.value.may_be_absent() => sink.report(
                e.key_span,
                "absent in some branch",
                format!("Bucket `{}` declares Block Public Access only under a condition.", bucket.id),
                Some(i),
            ),
            Some(_) => {}
        }
    }
}

static FIX: AutoFix = AutoFix {
    safety: Safety::Unsafe,
    describe: "Adds Block Public Access with all four settings on (Terraform: an aws_s3_bucket_public_access_block resource after the bucket); unsafe when the bucket has a website or a policy that may rely on public access.",
    make,
};

fn make(v: &Violation, ctx: &Context) -> Option<Fix> {
    let index = v.bucket?;
    let bucket = ctx.model.resources.get(index)?;
    if v.span != bucket.head {
        return None; // declared under a condition: not ours to rewrite
    }
    let edit = match ctx.model.format {
        Format::CloudFormation => edit::add_property(
            ctx,
            bucket,
            "PublicAccessBlockConfiguration",
            &json!({
                "BlockPublicAcls": true,
                "BlockPublicPolicy": true,
                "IgnorePublicAcls": true,
                "RestrictPublicBuckets": true,
            }),
        )?,
        Format::Terraform => edit::add_terraform_resource(
            ctx,
            bucket,
            "aws_s3_bucket_public_access_block",
            &[
                "block_public_acls       = true",
                "block_public_policy     = true",
                "ignore_public_acls      = true",
                "restrict_public_buckets = true",
            ],
        )?,
    };
    let (safety, note) = ctx.closing(index, "blocked public access");
    ctx.fix(bucket.head.file, safety, &note, vec![edit])
}
