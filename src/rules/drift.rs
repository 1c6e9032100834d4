//! BL701: a deployed bucket differs from its template.

use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;

pub static RULE: Rule = Rule {
    code: "BL701",
    name: "drift",
    severity: Severity::Medium,
    summary: "A deployed bucket differs from the template that declares it.",
    fix: "Deploy the template again, or change the template to what is deployed and review why they parted.",
    docs: include_str!("../../rules/drift.md"),
    default_enabled: false,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents::NONE,
    check,
};

/// Reported by the check stage (`crate::check`), which sees the templates
/// and the AWS Config exports of one run together.
fn check(_: &Model, _: &mut Sink) {}
