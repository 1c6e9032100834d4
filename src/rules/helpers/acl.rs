//! What the ACL rules share: the wording of an ACL finding and the fix of
//! a public canned ACL.

use super::buckets::arn_name;
use crate::fix::{Context, Fix, Safety, edit};
use crate::model::s3::{Access, AclGrant, Audience};
use crate::model::{Model, Resource};
use crate::policy::witness::Witness;
use crate::rules::rule::{AutoFix, Severity, Sink, Violation};

/// Reports each ACL grant that `select` picks, at low severity with the
/// reason when the bucket's settings make public ACLs ineffective.
pub fn report_acl(model: &Model, sink: &mut Sink, select: impl Fn(&AclGrant) -> bool) {
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
            let mut message = format!(
                "The ACL of bucket `{}` lets {} {what} it ({}).",
                bucket.id,
                grant.audience.describe(),
                grant.text
            );
            // Since April 2023 a new bucket has ACLs disabled unless its
            // ownership controls allow them: S3 rejects the canned ACL.
            if bucket.declared
                && grant.text.starts_with("canned ACL")
                && bucket.properties.get("OwnershipControls").is_none()
            {
                message.push_str(" As written, the template does not deploy a new bucket: S3 creates it with ACLs disabled (ObjectOwnership BucketOwnerEnforced) unless OwnershipControls allow them, and rejects the ACL.");
            }
            let label = format!("{} can {what}", grant.audience.describe());
            match &neutralised {
                Some(reason) => sink.report_at(
                    Severity::Low,
                    grant.span,
                    label,
                    format!("{message} It has no effect today: {reason}."),
                    Some(i),
                ),
                None => sink.report(grant.span, label, message, Some(i)),
            }
            sink.witness(witness(bucket, &grant, neutralised.clone()));
        }
    }
}

/// One request the ACL grant lets through.
fn witness(bucket: &Resource, grant: &AclGrant, stopped_by: Option<String>) -> Witness {
    let arn = format!("arn:aws:s3:::{}", arn_name(bucket));
    let (action, resource) = match grant.access {
        Access::Read => ("s3:ListBucket", arn),
        Access::Write => ("s3:PutObject", format!("{arn}/any-key")),
        Access::ReadAcp => ("s3:GetBucketAcl", arn),
        Access::WriteAcp | Access::FullControl => ("s3:PutBucketAcl", arn),
    };
    Witness {
        who: match grant.audience {
            Audience::AllUsers => "an anonymous caller".into(),
            Audience::AuthenticatedUsers => "any AWS account".into(),
        },
        action: action.into(),
        resource,
        condition: "none".into(),
        stopped_by,
    }
}

/// The fix of the canned-ACL rules: the ACL becomes `private`. Unsafe
/// when the bucket serves a website or has a policy, which may rely on it.
pub fn fix_canned_acl(v: &Violation, ctx: &Context) -> Option<Fix> {
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

pub static CANNED_ACL_FIX: AutoFix = AutoFix {
    safety: Safety::Unsafe,
    describe: "Replaces a public canned ACL with `private` (unsafe when the bucket has a website or a policy that may rely on it).",
    make: fix_canned_acl,
};
