//! BL103: a bucket ACL grants access to every AWS account.

use super::helpers::acl::{CANNED_ACL_FIX, report_acl};
use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;
use crate::model::s3::{Access, Audience};

pub static RULE: Rule = Rule {
    code: "BL103",
    name: "acl-authenticated-read",
    severity: Severity::High,
    summary: "Bucket ACL grants access to any authenticated AWS user.",
    fix: "Use the `private` canned ACL (or none) and grant access to named accounts in a bucket policy.",
    docs: include_str!("../../rules/acl-authenticated-read.md"),
    default_enabled: true,
    formats: BOTH,
    autofix: Some(&CANNED_ACL_FIX),
    equivalents: Equivalents {
        checkov: &["CKV_AWS_20", "CKV2_AWS_43"],
        trivy: &["AVD-AWS-0092", "AWS-0092"],
        kics: &[
            "835d5497-a526-4aea-a23f-98a9afd1635f",
            "57b9893d-33b1-4419-bcea-a717ea87e139",
        ],
        cfn_nag: &[],
        guard: &[],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    report_acl(model, sink, |audience, access| {
        audience == Audience::AuthenticatedUsers && matches!(access, Access::Read | Access::Write)
    });
}
