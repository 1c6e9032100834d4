//! BL102: a bucket ACL lets everyone write.

use super::rule::BOTH;

use super::helpers::acl::{CANNED_ACL_FIX, report_acl};
use super::rule::{Equivalents, Rule, Severity, Sink};
use crate::model::Model;
use crate::model::s3::{Access, Audience};

pub static RULE: Rule = Rule {
    code: "BL102",
    name: "acl-public-write",
    severity: Severity::High,
    summary: "Bucket ACL grants write access to everyone.",
    fix: "Use the `private` canned ACL (or none); writers should be named principals in a bucket policy.",
    docs: include_str!("../../rules/acl-public-write.md"),
    default_enabled: true,
    formats: BOTH,
    autofix: Some(&CANNED_ACL_FIX),
    equivalents: Equivalents {
        checkov: &["CKV_AWS_57", "CKV_AWS_20"],
        trivy: &[
            "AVD-AWS-0092",
            "AWS-0092",
            "aws-s3-no-public-access-with-acl",
        ],
        kics: &[
            "07dda8de-d90d-469e-9b37-1aca53526ced",
            "38c5ee0d-7f22-4260-ab72-5073048df100",
            "bd0088a5-c133-4b20-b129-ec9968b16ef3",
        ],
        cfn_nag: &["F14"],
        guard: &[
            "S3_BUCKET_NO_PUBLIC_RW_ACL",
            "S3_BUCKET_PUBLIC_WRITE_PROHIBITED",
            "S3_BUCKET_PUBLIC_READ_ACL",
            "S3_BUCKET_PUBLIC_READ_PROHIBITED",
        ],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    report_acl(model, sink, |audience, access| {
        audience == Audience::AllUsers && access == Access::Write
    });
}
