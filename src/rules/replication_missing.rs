//! BL506: a bucket is not replicated.

use super::helpers::buckets::report_buckets_without;
use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;
use crate::tree::Value;

pub static RULE: Rule = Rule {
    code: "BL506",
    name: "replication-missing",
    severity: Severity::Low,
    summary: "Bucket has no enabled replication rule.",
    fix: "Add ReplicationConfiguration with an enabled rule to a bucket in another region or account.",
    docs: include_str!("../../rules/replication-missing.md"),
    default_enabled: false,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents {
        checkov: &["CKV_AWS_144"],
        trivy: &[],
        kics: &[],
        cfn_nag: &[],
        guard: &["S3_BUCKET_REPLICATION_ENABLED"],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    report_buckets_without(
        model,
        sink,
        "not replicated",
        |id| {
            format!(
                "Bucket `{id}` is not replicated: a regional outage or an account compromise can take its only copy."
            )
        },
        |_, b| {
            let unknown = |v: &Value| matches!(v.kind, crate::tree::Kind::Unknown(_));
            if b.properties
                .get("ReplicationConfiguration")
                .is_some_and(unknown)
            {
                return true;
            }
            let rules = b.properties.path(&["ReplicationConfiguration", "Rules"]);
            // Rules known only at deployment are not reported as missing.
            rules.is_some_and(|r| {
                unknown(r)
                    || r.items().iter().any(|rule| {
                        rule.get("Status")
                            .and_then(Value::as_str)
                            .is_none_or(|s| s == "Enabled")
                    })
            })
        },
    );
}
