//! BL108: an internet access point turns Block Public Access off.

use super::helpers::pab::Settings;
use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;

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
        // Access points keep a setting on unless it is set to false; one
        // finding per configuration, naming the settings turned off.
        for block in block.alternatives().into_iter().filter(|b| b.is_map()) {
            let settings = Settings::read(block, false, |_| false);
            let Some(span) = settings.first_off else {
                continue;
            };
            sink.report(
                span,
                settings.label(),
                format!(
                    "Access point `{}` is reachable from the internet and {}.",
                    ap.id,
                    settings.describe()
                ),
                ap.bucket,
            );
        }
    }
}
