//! BL603: no CloudTrail trail records object-level events of a bucket.

use super::helpers::buckets::report_buckets_without;
use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;
use crate::tree::{Kind, Ref, Value};

pub static RULE: Rule = Rule {
    code: "BL603",
    name: "object-level-logging-missing",
    severity: Severity::Low,
    summary: "No CloudTrail trail in the template records the bucket's object-level (data) events.",
    fix: "Add an event selector for AWS::S3::Object data events covering the bucket to a trail.",
    docs: include_str!("../../rules/object-level-logging-missing.md"),
    default_enabled: false,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents {
        checkov: &[],
        trivy: &["AVD-AWS-0171", "AVD-AWS-0172", "AWS-0171", "AWS-0172"],
        kics: &["a8fc2180-b3ac-4c93-bd0d-a55b974e4b07"],
        cfn_nag: &[],
        guard: &["CLOUDTRAIL_S3_DATAEVENTS_ENABLED"],
    },
    check,
};

/// What one data-resource value covers: every bucket, or one by name or id.
enum Covers {
    All,
    Bucket(String),
}

fn covers(value: &Value) -> Option<Covers> {
    match &value.kind {
        Kind::Str(s) | Kind::Partial(s) => {
            let rest = s
                .strip_prefix("arn:")
                .and_then(|r| r.split_once(":s3:::"))
                .map(|(_, r)| r)?;
            if rest.is_empty() || rest.starts_with('*') {
                Some(Covers::All)
            } else {
                Some(Covers::Bucket(
                    rest.split('/').next().unwrap_or(rest).to_string(),
                ))
            }
        }
        Kind::Ref(Ref { target, .. }) => Some(Covers::Bucket(target.clone())),
        _ => None,
    }
}

fn check(model: &Model, sink: &mut Sink) {
    let mut all = false;
    let mut named: Vec<String> = Vec::new();
    for (_, trail) in model.of_type("AWS::CloudTrail::Trail") {
        let selectors = trail
            .properties
            .get("EventSelectors")
            .map(Value::items)
            .unwrap_or_default();
        for sel in selectors {
            for res in sel
                .get("DataResources")
                .map(Value::items)
                .unwrap_or_default()
            {
                if res.get("Type").and_then(Value::as_str) != Some("AWS::S3::Object") {
                    continue;
                }
                for v in res.get("Values").map(Value::items).unwrap_or_default() {
                    match covers(v) {
                        Some(Covers::All) => all = true,
                        Some(Covers::Bucket(b)) => named.push(b),
                        // A value we cannot read might cover anything.
                        None => all = true,
                    }
                }
            }
        }
        // Advanced selectors on S3 objects: counted as covering.
        let advanced = trail
            .properties
            .get("AdvancedEventSelectors")
            .map(Value::items)
            .unwrap_or_default();
        if advanced.iter().any(|a| {
            a.get("FieldSelectors")
                .map(Value::items)
                .unwrap_or_default()
                .iter()
                .any(|f| {
                    f.get("Equals").is_some_and(|e| {
                        e.items()
                            .iter()
                            .any(|v| v.as_str() == Some("AWS::S3::Object"))
                    })
                })
        }) {
            all = true;
        }
    }
    if all {
        return;
    }
    report_buckets_without(
        model,
        sink,
        "no object-level logging",
        |id| {
            format!(
                "No CloudTrail trail here records object-level events of bucket `{id}`: reads and writes of its objects leave no trace."
            )
        },
        |_, b| {
            let name = b.properties.get("BucketName").and_then(Value::as_text);
            // `${Data}` (Fn::Sub) or `${aws_s3_bucket.data.id}` name the bucket too.
            let sub = format!("${{{}}}", b.id);
            let attr = format!("${{{}.", b.id);
            named.iter().any(|n| {
                *n == b.id || Some(n.as_str()) == name || *n == sub || n.starts_with(&attr)
            })
        },
    );
}
