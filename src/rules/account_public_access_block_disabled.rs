//! BL107: the account-level Block Public Access leaves a protection off.

use super::helpers::pab::Settings;
use super::rule::{Equivalents, Rule, Severity, Sink};
use crate::model::{Format, Model};

pub static RULE: Rule = Rule {
    code: "BL107",
    name: "account-public-access-block-disabled",
    severity: Severity::High,
    summary: "Account-level Block Public Access leaves a protection off.",
    fix: "Set all four settings of aws_s3_account_public_access_block to true.",
    docs: include_str!("../../rules/account-public-access-block-disabled.md"),
    default_enabled: true,
    // CloudFormation has no resource for the account-level settings.
    formats: &[Format::Terraform],
    autofix: None,
    equivalents: Equivalents::NONE,
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    for (_, account) in model.of_type("AWS::S3::AccountPublicAccessBlock") {
        // A copy of a setting judged where it is declared.
        if !account.declared {
            continue;
        }
        // One finding per configuration, naming its settings.
        let settings = Settings::read(&account.properties, true, |_| false);
        if !settings.exposed() {
            continue;
        }
        sink.report(
            settings.first_off.unwrap_or(account.head),
            settings.label(),
            format!(
                "The account's Block Public Access {}, for every bucket without its own setting.",
                settings.describe()
            ),
            None,
        );
    }
}
