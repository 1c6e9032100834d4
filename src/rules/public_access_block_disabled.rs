//! BL104: a declared Block Public Access configuration turns a flag off.

use super::helpers::pab::Settings;
use super::rule::{AutoFix, BOTH, Equivalents, Rule, Severity, Sink, Violation};
use crate::fix::{Context, Fix, Safety, edit};
use crate::model::Format;
use crate::model::Model;
use crate::model::s3::{PAB_FLAGS, certainly_true};
use serde_json::json;

pub static RULE: Rule = Rule {
    code: "BL104",
    name: "public-access-block-disabled",
    severity: Severity::High,
    summary: "Bucket's Block Public Access configuration leaves a protection off.",
    fix: "Set BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets to true.",
    docs: include_str!("../../rules/public-access-block-disabled.md"),
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
            "d0cc8694-fcad-43ff-ac86-32331d7e867f",
            "860ba89b-b8de-4e72-af54-d6aee4138a69",
            "1a4bc881-9f69-4d44-8c9a-d37d08f54c50",
            "6c8d51af-218d-4bfb-94a9-94eabaa0703a",
            "4fa66806-0dd9-4f8d-9480-3174d39c7c91",
            "350cd468-0e2c-44ef-9d22-cfb73a62523c",
            "1ec253ab-c220-4d63-b2de-5b40e0af9293",
        ],
        cfn_nag: &[],
        guard: &["S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED"],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    for (i, bucket) in model.buckets() {
        // A setting that is on at account level wins over the bucket's.
        let account = model.account_public_access_block(bucket);
        let covered = |flag: &str| certainly_true(account.and_then(|a| a.get(flag)));
        let Some(entry) = bucket.properties.entry("PublicAccessBlockConfiguration") else {
            continue;
        };
        for block in entry.value.alternatives() {
            if !block.is_map() {
                continue; // unknown: nothing to say
            }
            let settings = Settings::read(block, true, covered);
            let span = settings.first_off.unwrap_or(entry.key_span);
            if !settings.exposed() {
                if !settings.moot.is_empty() {
                    sink.report_at(
                        Severity::Low,
                        span,
                        settings.label(),
                        format!(
                            "Bucket `{}` turns off {} in its Block Public Access configuration. It has no effect today: the account-level setting is on.",
                            bucket.id,
                            settings.moot.join(", ")
                        ),
                        Some(i),
                    );
                }
                continue;
            }
            let mut message = format!(
                "Bucket `{}` {} in its Block Public Access configuration.",
                bucket.id,
                settings.describe()
            );
            if !settings.moot.is_empty() {
                message.push_str(&format!(
                    " It also turns off {}, which the account-level setting keeps on.",
                    settings.moot.join(", ")
                ));
            }
            sink.report(span, settings.label(), message, Some(i));
        }
    }
}

static FIX: AutoFix = AutoFix {
    safety: Safety::Unsafe,
    describe: "Turns each Block Public Access setting that is false, or missing, on; unsafe when the bucket has a website or a policy that may rely on public access.",
    make,
};

fn make(v: &Violation, ctx: &Context) -> Option<Fix> {
    let index = v.bucket?;
    let bucket = ctx.model.resources.get(index)?;
    let (safety, note) = ctx.closing(index, "turned Block Public Access on");
    let entry = bucket.properties.entry("PublicAccessBlockConfiguration")?;
    // The configuration the finding is about: the one holding its span,
    // or the whole entry when the finding points at the key.
    let block = entry
        .value
        .alternatives()
        .into_iter()
        .filter(|b| b.is_map())
        .find(|b| {
            b.span.file == v.span.file && b.span.start <= v.span.start && v.span.end <= b.span.end
        })
        .or_else(|| (entry.key_span == v.span && entry.value.is_map()).then_some(&entry.value))?;
    let mut edits = Vec::new();
    for flag in PAB_FLAGS {
        for alt in block
            .get(flag)
            .map(|f| f.alternatives())
            .unwrap_or_default()
        {
            if alt.as_bool() == Some(false) {
                // One fix edits one file: flags set elsewhere stay as they
                // are (a flag a caller passed is edited where it was written).
                if ctx.written(alt.span).file != ctx.written(v.span).file {
                    return None;
                }
                edits.push(edit::replace_literal(ctx, alt.span, &["false"], "true")?);
            }
        }
    }
    // Settings left out are added when the configuration is one mapping.
    let missing: Vec<String> = PAB_FLAGS
        .iter()
        .filter(|f| block.get(f).is_none())
        .map(|f| ctx_key(ctx, f))
        .collect();
    if !missing.is_empty() && std::ptr::eq(block, &entry.value) {
        let entries: Vec<(&str, serde_json::Value, &str)> = missing
            .iter()
            .map(|k| (k.as_str(), json!(true), "true"))
            .collect();
        edits.extend(edit::add_entries(ctx, &entry.value, &entries)?);
    }
    if edits.is_empty() {
        return None;
    }
    ctx.fix(v.span.file, safety, &note, edits)
}

/// A setting's name as the input spells it: `BlockPublicAcls`, or
/// `block_public_acls` in Terraform.
fn ctx_key(ctx: &Context, flag: &str) -> String {
    match ctx.model.format {
        Format::CloudFormation => flag.to_string(),
        Format::Terraform => {
            let mut out = String::new();
            for (i, c) in flag.chars().enumerate() {
                if c.is_ascii_uppercase() && i > 0 {
                    out.push('_');
                }
                out.push(c.to_ascii_lowercase());
            }
            out
        }
    }
}
