//! BL109: object ownership keeps ACLs enabled.

use super::rule::{AutoFix, BOTH, Equivalents, Rule, Severity, Sink, Violation};
use crate::fix::{Context, Fix, Safety, edit};
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
    autofix: Some(&FIX),
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

static FIX: AutoFix = AutoFix {
    safety: Safety::Unsafe,
    describe: "Sets object ownership to BucketOwnerEnforced, which turns ACLs off; always unsafe, since access granted through ACLs stops working. Not offered when the bucket sets a canned ACL other than private.",
    make,
};

fn make(v: &Violation, ctx: &Context) -> Option<Fix> {
    let bucket = ctx.model.resources.get(v.bucket?)?;
    // With ACLs off, a request that sets a non-private ACL fails, and so
    // would the deployment.
    let acl = bucket.properties.get("AccessControl");
    if acl.is_some_and(|a| a.as_str() != Some("Private")) {
        return None;
    }
    let edit = edit::replace_literal(
        ctx,
        v.span,
        &["ObjectWriter", "BucketOwnerPreferred"],
        "BucketOwnerEnforced",
    )?;
    let note = "set object ownership to BucketOwnerEnforced; access granted through ACLs stops working: check that none is needed";
    ctx.fix(v.span.file, Safety::Unsafe, note, vec![edit])
}
