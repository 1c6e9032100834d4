//! BL109: object ownership keeps ACLs enabled.

use super::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;

pub static RULE: Rule = Rule {
    code: "BL109",
    name: "object-ownership-acls-enabled",
    severity: Severity::Medium,
    summary: "Bucket's object ownership keeps ACLs enabled.",
    fix: "Set ObjectOwnership to BucketOwnerEnforced and grant access through policies.",
    docs: include_str!("../../rules/object-ownership-acls-enabled.md"),
    default_enabled: true,
    formats: BOTH,
    fixable: false,
    equivalents: Equivalents {
        checkov: &["CKV2_AWS_65"],
        trivy: &[],
        kics: &[],
        cfn_nag: &[],
        guard: &[],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    for (i, bucket) in model.buckets() {
        let Some(ownership) = bucket.object_ownership() else {
            continue;
        };
        for alt in ownership.alternatives() {
            let Some(o) = alt
                .as_str()
                .filter(|o| *o == "ObjectWriter" || *o == "BucketOwnerPreferred")
            else {
                continue;
            };
            sink.report(
                alt.span,
                "ACLs enabled",
                format!("Bucket `{}` sets object ownership to {o}, which keeps ACLs enabled: any writer can make an object public.", bucket.id),
                Some(i),
            );
        }
    }
}
