//! BL101: a bucket ACL lets everyone read.

use super::helpers::acl::{CANNED_ACL_FIX, report_acl};
use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::model::Model;
use crate::model::s3::{Access, Audience};

pub static RULE: Rule = Rule {
    code: "BL101",
    name: "acl-public-read",
    severity: Severity::High,
    summary: "Bucket ACL grants read access to everyone.",
    fix: "Use the `private` canned ACL (or none) and grant access through a bucket policy to named principals.",
    docs: include_str!("../../rules/acl-public-read.md"),
    default_enabled: true,
    formats: BOTH,
    autofix: Some(&CANNED_ACL_FIX),
    equivalents: Equivalents {
        checkov: &["CKV_AWS_20"],
        trivy: &[
            "AVD-AWS-0092",
            "AWS-0092",
            "aws-s3-no-public-access-with-acl",
        ],
        kics: &[
            "219f4c95-aa50-44e0-97de-cf71f4641170",
            "38c5ee0d-7f22-4260-ab72-5073048df100",
            "bd0088a5-c133-4b20-b129-ec9968b16ef3",
        ],
        cfn_nag: &["W31"],
        guard: &[
            "S3_BUCKET_PUBLIC_READ_ACL",
            "S3_BUCKET_PUBLIC_READ_PROHIBITED",
        ],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    report_acl(model, sink, |audience, access| {
        audience == Audience::AllUsers && access == Access::Read
    });
}
