//! BL106: an ACL grant lets the public read or rewrite the ACL itself.

use super::helpers::acl::report_acl;
use super::rule::{Equivalents, Rule, Severity, Sink};
use crate::model::s3::Access;
use crate::model::{Format, Model};

pub static RULE: Rule = Rule {
    code: "BL106",
    name: "acl-public-acp",
    severity: Severity::High,
    summary: "Bucket ACL lets the public read or change the ACL itself (READ_ACP, WRITE_ACP, FULL_CONTROL).",
    fix: "Remove the grant; grant access through a bucket policy to named principals.",
    docs: include_str!("../../rules/acl-public-acp.md"),
    default_enabled: true,
    // CloudFormation's canned ACLs cannot express these grants.
    formats: &[Format::Terraform],
    autofix: None,
    equivalents: Equivalents {
        checkov: &["CKV_AWS_375", "CKV2_AWS_43"],
        trivy: &[],
        kics: &["64a222aa-7793-4e40-915f-4b302c76e4d4"],
        cfn_nag: &[],
        guard: &[],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    report_acl(model, sink, |_, access| {
        matches!(access, Access::ReadAcp | Access::WriteAcp)
    });
}
