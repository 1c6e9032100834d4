//! BL205: nothing in the bucket policy denies requests over plain HTTP.

use super::rule::{AutoFix, BOTH, Equivalents, Rule, Severity, Sink, Violation};
use crate::fix::{Context, Fix, Safety, edit};
use crate::model::Format;
use crate::model::Model;
use crate::policy::{self, TlsDeny};
use serde_json::{Value as Json, json};

pub static RULE: Rule = Rule {
    code: "BL205",
    name: "policy-insecure-transport",
    severity: Severity::Medium,
    summary: "Bucket policy does not deny requests made over plain HTTP.",
    fix: "Add a statement: Effect Deny, Principal \"*\", Action \"s3:*\", Resource the bucket ARN and ARN/*, Condition Bool aws:SecureTransport \"false\".",
    docs: include_str!("../../rules/policy-insecure-transport.md"),
    default_enabled: true,
    formats: BOTH,
    autofix: Some(&FIX),
    equivalents: Equivalents {
        checkov: &["CKV_AWS_379"],
        trivy: &[],
        kics: &[
            "4bc4dd4c-7d8d-405e-a0fb-57fa4c31b4d9",
            "38c64e76-c71e-4d92-a337-60174d1de1c9",
        ],
        cfn_nag: &[],
        guard: &["S3_BUCKET_SSL_REQUESTS_ONLY"],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    let by_bucket = model.policies_by_bucket();
    for (i, bucket) in model.buckets() {
        let policies = by_bucket.get(&i).cloned().unwrap_or_default();
        if policies.is_empty() {
            if bucket.declared {
                sink.report(
                    bucket.head,
                    "no bucket policy",
                    format!("Bucket `{}` has no bucket policy, so nothing denies requests over plain HTTP.", bucket.id),
                    Some(i),
                );
            }
            continue;
        }
        let docs: Vec<_> = policies
            .iter()
            .filter_map(|p| p.properties.get("PolicyDocument"))
            .collect();
        if docs.len() < policies.len() || !docs.iter().all(|d| policy::fully_known(d)) {
            continue; // a statement we cannot read might be the Deny
        }
        let statements: Vec<_> = docs.iter().flat_map(|d| policy::statements(d)).collect();
        let denies: Vec<(TlsDeny, _)> = statements
            .iter()
            .filter_map(|s| Some((policy::tls_deny(s)?, s)))
            .collect();
        if denies.iter().any(|(d, _)| d.is_complete()) {
            continue;
        }
        match denies.first() {
            Some((deny, st)) => {
                let mut gaps = Vec::new();
                if !deny.all_actions {
                    gaps.push("only some actions");
                }
                if !deny.all_principals {
                    gaps.push("only some principals");
                }
                if !(deny.coverage.bucket && deny.coverage.objects) {
                    gaps.push(if deny.coverage.objects {
                        "only the objects, not the bucket"
                    } else {
                        "only the bucket, not its objects"
                    });
                }
                if !deny.unconditional {
                    gaps.push("only when its other conditions also hold");
                }
                let gaps = gaps.join(", ");
                sink.report(
                    st.anchor(),
                    format!("covers {gaps}"),
                    format!("Bucket `{}` denies plain HTTP for {gaps}.", bucket.id),
                    Some(i),
                );
            }
            None => {
                let at = policies[0]
                    .properties
                    .entry("PolicyDocument")
                    .map(|e| e.key_span)
                    .unwrap_or(policies[0].head);
                sink.report(
                    at,
                    "no Deny for aws:SecureTransport false",
                    format!(
                        "Bucket policy of `{}` does not deny requests over plain HTTP.",
                        bucket.id
                    ),
                    Some(i),
                );
            }
        }
    }
}

static FIX: AutoFix = AutoFix {
    safety: Safety::Unsafe,
    describe: "Adds the statement that denies every S3 action over plain HTTP: to the bucket's policy when it has one (CloudFormation; Terraform `jsonencode` lists and `aws_iam_policy_document` blocks), else in a new bucket policy that holds only it (Terraform: an aws_s3_bucket_policy resource after the bucket). Unsafe for a website bucket, whose website endpoint speaks plain HTTP only.",
    make,
};

fn make(v: &Violation, ctx: &Context) -> Option<Fix> {
    let index = v.bucket?;
    let bucket = ctx.model.resources.get(index)?;
    // The Deny names the bucket by `Fn::GetAtt`: only a bucket of this
    // template has one.
    if ctx.model.format == crate::model::Format::CloudFormation && !bucket.declared {
        return None;
    }
    let (safety, note) = match bucket.properties.get("WebsiteConfiguration") {
        Some(_) => (
            Safety::Unsafe,
            "denied plain HTTP; the bucket serves a website, whose endpoint is HTTP only: check how it is reached",
        ),
        None => (Safety::Safe, "denied requests over plain HTTP"),
    };
    let policies = ctx.model.policies_of(index);
    let edit = match (ctx.model.format, policies.first()) {
        (Format::CloudFormation, None) => {
            let id = free_id(ctx, &format!("{}Policy", bucket.id))?;
            let mut body = json!({
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {
                    "Bucket": {"Ref": bucket.id},
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [deny(&bucket.id)],
                    },
                },
            });
            // A bucket made under a condition gets its policy under it.
            if let Some(c) = bucket.attributes.get("Condition").and_then(|c| c.as_str()) {
                body["Condition"] = json!(c);
            }
            edit::add_resource(ctx, bucket, &id, &body)?
        }
        (Format::CloudFormation, Some(policy)) if policies.len() == 1 => {
            // Only the finding at the PolicyDocument: a partial Deny is the
            // author's to complete.
            let doc = policy.properties.entry("PolicyDocument")?;
            if doc.key_span != v.span {
                return None;
            }
            let statements = doc.value.get("Statement")?;
            // Only into a list written as one: not into the text of a
            // policy built by `Fn::Join` or `Fn::Sub`, where a mapping is
            // not valid.
            let file = ctx.files.get(statements.span.file as usize)?;
            let head = file
                .text
                .get(statements.span.start as usize..)?
                .trim_start();
            if !(head.starts_with('[') || head.starts_with('-')) {
                return None;
            }
            edit::append_item(ctx, statements, &deny(&bucket.id))?
        }
        (Format::Terraform, None) => {
            let name = bucket.id.strip_prefix("aws_s3_bucket.")?;
            let mut lines = vec!["policy = jsonencode({".to_string()];
            lines.push("  Version = \"2012-10-17\"".to_string());
            lines.push("  Statement = [".to_string());
            lines.extend(
                tf_object(&format!("aws_s3_bucket.{name}.arn"))
                    .into_iter()
                    .map(|l| match l.as_str() {
                        "}" => "    },".to_string(),
                        _ => format!("    {l}"),
                    }),
            );
            lines.push("  ]".to_string());
            lines.push("})".to_string());
            let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
            let edit = edit::add_terraform_resource(ctx, bucket, "aws_s3_bucket_policy", &lines)?;
            return ctx.fix(bucket.head.file, safety, note, vec![edit]);
        }
        (Format::Terraform, Some(policy)) if policies.len() == 1 => {
            let doc = policy.properties.entry("PolicyDocument")?;
            if doc.key_span != v.span {
                return None;
            }
            let name = bucket.id.strip_prefix("aws_s3_bucket.")?;
            let arn = format!("aws_s3_bucket.{name}.arn");
            let statements = doc.value.get("Statement")?;
            let crate::tree::Kind::Seq(items) = &statements.kind else {
                return None;
            };
            let last = items.last()?;
            let edit = edit::append_hcl_statement(
                ctx,
                last,
                &tf_block(&arn),
                &tf_object(&arn),
                &tf_json(&arn),
            )?;
            return ctx.fix(last.span.file, safety, note, vec![edit]);
        }
        _ => return None,
    };
    // CloudFormation: the edit is in the policy's file when there is one.
    let file = policies.first().map_or(bucket.head.file, |p| p.head.file);
    ctx.fix(file, safety, note, vec![edit])
}

/// The statement in `jsonencode` form, laid out as `terraform fmt` does.
fn tf_object(arn: &str) -> Vec<String> {
    [
        "{",
        "  Sid       = \"DenyInsecureTransport\"",
        "  Effect    = \"Deny\"",
        "  Principal = \"*\"",
        "  Action    = \"s3:*\"",
        "  Resource = [",
        &format!("    {arn},"),
        &format!("    \"${{{arn}}}/*\","),
        "  ]",
        "  Condition = {",
        "    Bool = {",
        "      \"aws:SecureTransport\" = \"false\"",
        "    }",
        "  }",
        "}",
    ]
    .iter()
    .map(|l| l.to_string())
    .collect()
}

/// The statement as JSON in a heredoc, the ARN interpolated.
fn tf_json(arn: &str) -> Json {
    json!({
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [format!("${{{arn}}}"), format!("${{{arn}}}/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    })
}

/// The statement as a block of `aws_iam_policy_document`.
fn tf_block(arn: &str) -> Vec<String> {
    [
        "statement {",
        "  sid       = \"DenyInsecureTransport\"",
        "  effect    = \"Deny\"",
        "  actions   = [\"s3:*\"]",
        &format!("  resources = [{arn}, \"${{{arn}}}/*\"]"),
        "  principals {",
        "    type        = \"*\"",
        "    identifiers = [\"*\"]",
        "  }",
        "  condition {",
        "    test     = \"Bool\"",
        "    variable = \"aws:SecureTransport\"",
        "    values   = [\"false\"]",
        "  }",
        "}",
    ]
    .iter()
    .map(|l| l.to_string())
    .collect()
}

/// The statement AWS advises, for bucket `id` of a CloudFormation template.
/// The objects' ARN is a `Fn::Sub`, or a `Fn::Join` when the id is not one
/// `Fn::Sub` may name (CloudFormation ids are letters and digits).
fn deny(id: &str) -> Json {
    let objects = match id.chars().all(|c| c.is_ascii_alphanumeric()) {
        true => json!({"Fn::Sub": format!("${{{id}.Arn}}/*")}),
        false => json!({"Fn::Join": ["", [{"Fn::GetAtt": [id, "Arn"]}, "/*"]]}),
    };
    json!({
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [
            {"Fn::GetAtt": [id, "Arn"]},
            objects,
        ],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    })
}

/// `wanted`, or `wanted2`, `wanted3`, ...: a logical id no resource has,
/// of letters and digits only, as CloudFormation requires (a bucket named
/// `Logs_Bucket` gets `LogsBucketPolicy`).
fn free_id(ctx: &Context, wanted: &str) -> Option<String> {
    let wanted: String = wanted.chars().filter(char::is_ascii_alphanumeric).collect();
    let taken = |id: &str| ctx.model.block(id).is_some();
    (1..100)
        .map(|n| match n {
            1 => wanted.to_string(),
            n => format!("{wanted}{n}"),
        })
        .find(|id| !taken(id))
}
