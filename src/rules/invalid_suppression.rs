//! BL003: a suppression that names an unknown rule or a bad date.

use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;

pub static RULE: Rule = Rule {
    code: "BL003",
    name: "invalid-suppression",
    severity: Severity::Medium,
    summary: "A suppression names an unknown rule or an invalid date.",
    fix: "Use a rule code or name from `bucketlint rules`, and dates as YYYY-MM-DD.",
    docs: include_str!("../../rules/invalid-suppression.md"),
    default_enabled: true,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents::NONE,
    check,
};

/// Reported by the suppression stage (`crate::suppress`).
fn check(_: &Model, _: &mut Sink) {}
