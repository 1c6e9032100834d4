//! BL603: no CloudTrail trail records object-level events of a bucket.

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

/// What a data resource value selects: every bucket, one bucket's objects,
/// or nothing (`None`). An ARN naming a bucket without the trailing `/`
/// selects no object; a value that cannot be read might select anything.
fn covers(value: &Value) -> Option<Covers> {
    match &value.kind {
        Kind::Str(s) | Kind::Partial(s) => {
            let Some(rest) = s
                .strip_prefix("arn:")
                .and_then(|r| r.split_once(":s3:::"))
                .map(|(_, r)| r)
            else {
                return Some(Covers::All);
            };
            if rest.is_empty() || rest.starts_with('*') {
                Some(Covers::All)
            } else {
                let (bucket, _) = rest.split_once('/')?;
                Some(Covers::Bucket(bucket.to_string()))
            }
        }
        Kind::Ref(Ref { target, .. }) => Some(Covers::Bucket(target.clone())),
        _ => Some(Covers::All),
    }
}

/// Which events a selector records: (reads, writes). `ReadWriteType`
/// defaults to `All`; a value not known counts as `All`.
fn events(selector: &Value) -> (bool, bool) {
    match selector.get("ReadWriteType").and_then(Value::as_str) {
        Some(t) if t.eq_ignore_ascii_case("ReadOnly") => (true, false),
        Some(t) if t.eq_ignore_ascii_case("WriteOnly") => (false, true),
        _ => (true, true),
    }
}

fn check(model: &Model, sink: &mut Sink) {
    // An AWS Config export of buckets holds no trails: whether one records
    // a deployed bucket's objects is not known from it.
    if model.deployed {
        return;
    }
    // Reads and writes logged for every bucket, and per bucket named.
    let mut all = (false, false);
    let mut named: Vec<(String, (bool, bool))> = Vec::new();
    let add = |to: &mut (bool, bool), by: (bool, bool)| {
        to.0 |= by.0;
        to.1 |= by.1;
    };
    for (_, trail) in model.of_type("AWS::CloudTrail::Trail") {
        let selectors = trail
            .properties
            .get("EventSelectors")
            .map(Value::items)
            .unwrap_or_default();
        for sel in selectors {
            let logged = events(sel);
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
                        Some(Covers::All) => add(&mut all, logged),
                        Some(Covers::Bucket(b)) => named.push((b, logged)),
                        None => {}
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
            all = (true, true);
        }
    }
    if all == (true, true) {
        return;
    }
    for (i, b) in model.buckets().filter(|(_, b)| b.declared) {
        let name = b.properties.get("BucketName").and_then(Value::as_text);
        // `${Data}` (Fn::Sub) or `${aws_s3_bucket.data.id}` name the bucket too.
        let sub = format!("${{{}}}", b.id);
        let attr = format!("${{{}.", b.id);
        let mut logged = all;
        for (n, by) in &named {
            if *n == b.id || Some(n.as_str()) == name || *n == sub || n.starts_with(&attr) {
                add(&mut logged, *by);
            }
        }
        let message = match logged {
            (true, true) => continue,
            (false, false) => format!(
                "No CloudTrail trail here records object-level events of bucket `{}`: reads and writes of its objects leave no trace.",
                b.id
            ),
            (true, false) => format!(
                "The CloudTrail trails here record only reads of the objects of bucket `{}` (`ReadWriteType: ReadOnly`): writes and deletes leave no trace.",
                b.id
            ),
            (false, true) => format!(
                "The CloudTrail trails here record only writes to the objects of bucket `{}` (`ReadWriteType: WriteOnly`): reads leave no trace.",
                b.id
            ),
        };
        sink.report(b.head, "no object-level logging", message, Some(i));
    }
}
