//! What the ACL rules share: the wording of an ACL finding and the fix of
//! a public canned ACL.

use crate::access::{Way, acl_actions, object_key, permissions};
use crate::fix::{Context, Fix, Safety, edit};
use crate::model::Model;
use crate::model::s3::{Access, Audience};
use crate::rules::rule::{AutoFix, Severity, Sink, Violation};

/// Reports each public ACL grant that gives a right `select` picks, at low
/// severity with the reason when a setting stops it. `FULL_CONTROL` gives
/// every right, so each rule it concerns reports it.
pub fn report_acl(model: &Model, sink: &mut Sink, select: impl Fn(Audience, Access) -> bool) {
    let access = sink.access;
    for (i, grant) in access.grants() {
        let (acl, object) = match &grant.way {
            Way::Acl(acl) => (acl, None),
            Way::ObjectAcl { object, grant } => (grant, Some(*object)),
            _ => continue,
        };
        let Some(bucket) = i.and_then(|i| model.resources.get(i)) else {
            continue;
        };
        let given = permissions(acl, object.is_some());
        let Some(right) = given.iter().copied().find(|a| select(acl.audience, *a)) else {
            continue;
        };
        let what = match right {
            Access::Read => "read",
            Access::Write => "write",
            Access::ReadAcp => "read the ACL of",
            Access::WriteAcp => "change the ACL of",
            Access::FullControl => "take full control of",
        };
        let what = match acl.access {
            Access::FullControl => "take full control of",
            _ => what,
        };
        let mut message = match object {
            None => format!(
                "The ACL of bucket `{}` lets {} {what} it ({}).",
                bucket.id,
                acl.audience.describe(),
                acl.text
            ),
            Some(o) => format!(
                "The ACL of object `{}` in bucket `{}` lets {} {what} it ({}).",
                object_key(o),
                bucket.id,
                acl.audience.describe(),
                acl.text
            ),
        };
        // Since April 2023 a new bucket has ACLs disabled unless its
        // ownership controls allow them: S3 rejects the canned ACL.
        let no_ownership = bucket.declared && bucket.properties.get("OwnershipControls").is_none();
        if no_ownership && object.is_none() && acl.text.starts_with("canned ACL") {
            message.push_str(" As written, the template does not deploy a new bucket: S3 creates it with ACLs disabled (ObjectOwnership BucketOwnerEnforced) unless OwnershipControls allow them, and rejects the ACL.");
        }
        if no_ownership && object.is_some() {
            message.push_str(" As written, S3 rejects the upload: a new bucket has ACLs disabled (ObjectOwnership BucketOwnerEnforced) unless OwnershipControls allow them.");
        }
        if let Some(note) = &grant.not_stopped_by {
            message.push_str(&format!(" {note}."));
        }
        let label = format!("{} can {what}", acl.audience.describe());
        // A Deny of the bucket policy for everyone on what the permission
        // allows leaves it nothing.
        let denied = grant.cancel.as_ref().filter(|c| {
            let actions = acl_actions(right, object.is_some());
            actions.without(&c.left) == actions
        });
        let denied = denied.map(|c| match &c.sid {
            Some(sid) => {
                format!("the bucket policy's Deny statement `{sid}` takes it away from everyone")
            }
            None => "a Deny statement of the bucket policy takes it away from everyone".into(),
        });
        match grant.stopped_by.as_ref().or(denied.as_ref()) {
            Some(reason) => sink.report_at(
                Severity::Low,
                acl.span,
                label,
                format!("{message} It has no effect today: {reason}."),
                i,
            ),
            None => sink.report(acl.span, label, message, i),
        }
        sink.witness(grant.witness.clone());
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
