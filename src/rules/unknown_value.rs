//! BL001: a value that decides a check cannot be known statically.

use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;
use crate::tree::{Kind, Value};

pub static RULE: Rule = Rule {
    code: "BL001",
    name: "unknown-value",
    severity: Severity::Info,
    summary: "A value that decides an S3 or IAM check cannot be known statically.",
    fix: "Give the parameter or variable a value (--parameters, --var-file), or review the deployed configuration.",
    docs: include_str!("../../rules/unknown-value.md"),
    default_enabled: false,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents::NONE,
    check,
};

/// Bucket properties whose value decides exposure.
const BUCKET_PATHS: &[&[&str]] = &[
    &["AccessControl"],
    &["PublicAccessBlockConfiguration"],
    &["OwnershipControls"],
];

fn unknowns<'a>(v: &'a Value, out: &mut Vec<(&'a Value, &'a str)>) {
    match &v.kind {
        Kind::Unknown(why) => out.push((v, why)),
        Kind::Seq(items) | Kind::OneOf(items) => items.iter().for_each(|i| unknowns(i, out)),
        Kind::Map(entries) => entries.iter().for_each(|e| unknowns(&e.value, out)),
        _ => {}
    }
}

fn check(model: &Model, sink: &mut Sink) {
    let mut found = Vec::new();
    for (i, bucket) in model.buckets() {
        for path in BUCKET_PATHS {
            if let Some(v) = bucket.properties.path(path) {
                let before = found.len();
                unknowns(v, &mut found);
                for (v, why) in found.drain(before..) {
                    sink.report(v.span, "not known", message(why, model.deployed), Some(i));
                }
            }
        }
    }
    let policies = model
        .bucket_policies()
        .filter_map(|p| Some((p.properties.get("PolicyDocument")?, p.bucket)));
    let identity = model
        .identity_policies()
        .into_iter()
        .map(|p| (p.document, None));
    for (doc, bucket) in policies.chain(identity) {
        unknowns(doc, &mut found);
        for (v, why) in found.drain(..) {
            sink.report(v.span, "not known", message(why, model.deployed), bucket);
        }
    }
}

fn message(why: &str, deployed: bool) -> String {
    match deployed {
        // A deployed bucket's value is not in the export read.
        true => format!("This value is not known from the export ({why}), so no rule judged it."),
        false => {
            format!("This value cannot be known before deployment ({why}), so no rule judged it.")
        }
    }
}
