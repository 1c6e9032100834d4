//! BL108: an internet access point turns Block Public Access off.

use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;
use crate::model::s3::PAB_FLAGS;

pub static RULE: Rule = Rule {
    code: "BL108",
    name: "access-point-public",
    severity: Severity::High,
    summary: "Internet-facing access point turns off Block Public Access.",
    fix: "Keep the access point's Block Public Access settings on, or restrict it to a VPC.",
    docs: include_str!("../../rules/access-point-public.md"),
    default_enabled: true,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents {
        checkov: &["CKV_AWS_392"],
        trivy: &[],
        kics: &[],
        cfn_nag: &[],
        guard: &[],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    for (_, ap) in model.of_type("AWS::S3::AccessPoint") {
        // An access point bound to a VPC cannot be reached from the internet.
        if ap.properties.get("VpcConfiguration").is_some() {
            continue;
        }
        let Some(block) = ap.properties.get("PublicAccessBlockConfiguration") else {
            continue;
        };
        for flag in PAB_FLAGS {
            for alt in block
                .get(flag)
                .map(|v| v.alternatives())
                .unwrap_or_default()
            {
                if alt.as_bool() == Some(false) {
                    sink.report(
                        alt.span,
                        format!("{flag} is false"),
                        format!("Access point `{}` is reachable from the internet and turns off {flag}.", ap.id),
                        ap.bucket,
                    );
                }
            }
        }
    }
}
