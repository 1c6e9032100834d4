//! BL305: an identity policy allows everything but a list.

use super::helpers::statements::identity_statements;
use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;

pub static RULE: Rule = Rule {
    code: "BL305",
    name: "iam-allow-not-action",
    severity: Severity::Medium,
    summary: "IAM policy allows every action or resource except those listed (Allow with NotAction or NotResource).",
    fix: "List the actions and resources the identity needs in Action and Resource.",
    docs: include_str!("../../rules/iam-allow-not-action.md"),
    default_enabled: true,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents {
        checkov: &[],
        trivy: &[],
        kics: &[
            "f62aa827-4ade-4dc4-89e4-1433d384a368",
            "575a2155-6af1-4026-b1af-d5bc8fe2a904",
        ],
        cfn_nag: &[
            "W15", "W16", "W17", "W21", "W22", "W23", "W11", "W12", "W13",
        ],
        guard: &[
            "IAM_ROLE_OR_POLICY_NO_ALLOW_PLUS_NOT_ACTION",
            "IAM_ROLE_OR_POLICY_NO_ALLOW_PLUS_NOT_RESOURCE",
            "IAM_POLICYDOCUMENT_NO_WILDCARD_RESOURCE",
        ],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    for st in identity_statements(model) {
        if !st.is_allow() {
            continue;
        }
        for (key, what) in [
            ("NotAction", "every action"),
            ("NotResource", "every resource"),
        ] {
            let Some(entry) = st.value.entry(key) else {
                continue;
            };
            sink.report(
                entry.key_span,
                format!("Allow with {key}"),
                format!(
                    "IAM policy allows {what} except those listed, including any AWS adds later."
                ),
                None,
            );
        }
    }
}
