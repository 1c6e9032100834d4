//! BL002: a suppression that matches no finding.

use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;

pub static RULE: Rule = Rule {
    code: "BL002",
    name: "unused-suppression",
    severity: Severity::Low,
    summary: "A suppression matches no finding.",
    fix: "Remove the suppression; the finding it was written for is gone.",
    docs: include_str!("../../rules/unused-suppression.md"),
    default_enabled: false,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents::NONE,
    check,
};

/// Reported by the suppression stage (`crate::suppress`), which sees the
/// suppressions and the findings together.
fn check(_: &Model, _: &mut Sink) {}
