//! BL107: the account-level Block Public Access leaves a protection off.

use super::rule::{Equivalents, Rule, Severity, Sink};
use crate::model::s3::PAB_FLAGS;
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
        let mut unset = Vec::new();
        for flag in PAB_FLAGS {
            match account.properties.get(flag) {
                None => unset.push(flag),
                Some(v) => {
                    for alt in v
                        .alternatives()
                        .into_iter()
                        .filter(|a| a.as_bool() == Some(false))
                    {
                        sink.report(
                            alt.span,
                            format!("{flag} is false"),
                            format!("The account's Block Public Access turns off {flag} for every bucket without its own setting."),
                            None,
                        );
                    }
                }
            }
        }
        if !unset.is_empty() {
            let list = unset.join(", ");
            sink.report(
                account.head,
                format!("{list} not set"),
                format!("The account's Block Public Access leaves {list} unset, which therefore default to false."),
                None,
            );
        }
    }
}
