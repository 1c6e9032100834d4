//! BL102: a bucket ACL lets everyone write. Also holds the wording shared
//! by the three ACL rules.

use super::Violation;
use super::{Equivalents, Rule, Severity, Sink};
use crate::fix::{AutoFix, Context, Fix, Safety, edit};
use crate::model::Model;
use crate::model::s3::{Access, AclGrant, Audience};

pub static RULE: Rule = Rule {
    code: "BL102",
    name: "acl-public-write",
    severity: Severity::High,
    summary: "Bucket ACL grants write access to everyone.",
    fix: "Use the `private` canned ACL (or none); writers should be named principals in a bucket policy.",
    docs: include_str!("../../rules/acl-public-write.md"),
    default_enabled: true,
    formats: super::BOTH,
    autofix: Some(&CANNED_ACL_FIX),
    equivalents: Equivalents {
        checkov: &["CKV_AWS_57"],
        trivy: &[
            "AVD-AWS-0092",
            "AWS-0092",
            "aws-s3-no-public-access-with-acl",
        ],
        kics: &[
            "07dda8de-d90d-469e-9b37-1aca53526ced",
            "38c5ee0d-7f22-4260-ab72-5073048df100",
        ],
        cfn_nag: &["F14"],
        guard: &[
            "S3_BUCKET_NO_PUBLIC_RW_ACL",
            "S3_BUCKET_PUBLIC_WRITE_PROHIBITED",
        ],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    report_acl(model, sink, |g| {
        g.audience == Audience::AllUsers && g.access == Access::Write
    });
}

/// Reports each ACL grant that `select` picks, at low severity with the
/// reason when the bucket's settings make public ACLs ineffective.
pub(super) fn report_acl(model: &Model, sink: &mut Sink, select: impl Fn(&AclGrant) -> bool) {
    for (i, bucket) in model.buckets() {
        let neutralised = bucket.acl_neutraliser(model);
        for grant in bucket.public_acl_grants().into_iter().filter(|g| select(g)) {
            let what = match grant.access {
                Access::Read => "read",
                Access::Write => "write",
                Access::ReadAcp => "read the ACL of",
                Access::WriteAcp => "change the ACL of",
                Access::FullControl => "take full control of",
            };
            let message = format!(
                "The ACL of bucket `{}` lets {} {what} it ({}).",
                bucket.id,
                grant.audience.describe(),
                grant.text
            );
            let label = format!("{} can {what}", grant.audience.describe());
            match &neutralised {
                Some(reason) => sink.report_at(
                    super::Severity::Low,
                    grant.span,
                    label,
                    format!("{message} It has no effect today: {reason}."),
                    Some(i),
                ),
                None => sink.report(grant.span, label, message, Some(i)),
            }
        }
    }
}

/// The fix of the canned-ACL rules: the ACL becomes `private`. Unsafe
/// when the bucket serves a website or has a policy, which may rely on it.
pub(super) fn fix_canned_acl(v: &Violation, ctx: &Context) -> Option<Fix> {
    const PUBLIC: &[&str] = &[
        "PublicRead",
        "PublicReadWrite",
        "AuthenticatedRead",
        "public-read",
        "public-read-write",
        "authenticated-read",
    ];
    let edit = edit::replace_literal(ctx, v.span, PUBLIC, ctx.spelled("Private", "private"))?;
    let (safety, note) = ctx.closing(v.bucket?, "made the canned ACL private");
    ctx.fix(v.span.file, safety, &note, vec![edit])
}

pub(super) static CANNED_ACL_FIX: AutoFix = AutoFix {
    safety: Safety::Unsafe,
    describe: "Replaces a public canned ACL with `private` (unsafe when the bucket has a website or a policy that may rely on it).",
    make: fix_canned_acl,
};
