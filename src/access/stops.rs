//! Which Block Public Access or ownership setting stops a public grant.
//!
//! Timing matters. A template is checked before it is deployed: with
//! `BlockPublicPolicy` (or `BlockPublicAcls`) on, S3 refuses the public
//! policy (or ACL), so the grant never takes effect. A deployed bucket's
//! grants already exist, and those two settings only refuse new ones (S3
//! API reference, `PublicAccessBlockConfiguration`: "Enabling this setting
//! doesn't affect existing policies"); only `RestrictPublicBuckets` and
//! `IgnorePublicAcls` stop what is already there.

use super::organisation;
use crate::model::s3::{SET_BY, certainly_true};
use crate::model::{Model, Resource};

/// The flag `flag` is on for the bucket, at bucket level or at the account
/// level declared in `model`; says which.
fn blocked(model: &Model, bucket: &Resource, flag: &str) -> Option<String> {
    if certainly_true(bucket.public_access_block().and_then(|p| p.get(flag))) {
        return Some(String::new());
    }
    let account = model.account_public_access_block(bucket)?;
    if !certainly_true(account.get(flag)) {
        return None;
    }
    Some(match account.get(SET_BY).and_then(|v| v.as_str()) {
        Some(by) => format!(" at account level, by {by}"),
        None => " at account level".into(),
    })
}

/// Why a public bucket policy on this bucket has no effect, if it does not.
pub fn policy(model: &Model, bucket: &Resource) -> Option<String> {
    if let Some(why) = organisation::stop(model, bucket) {
        return Some(why);
    }
    if let Some(level) = blocked(model, bucket, "RestrictPublicBuckets") {
        return Some(format!(
            "RestrictPublicBuckets is on{level}, so only AWS services and the bucket owner's account can use it"
        ));
    }
    if model.deployed {
        return None;
    }
    let level = blocked(model, bucket, "BlockPublicPolicy")?;
    Some(format!(
        "BlockPublicPolicy is on{level}, so S3 refuses to apply the policy"
    ))
}

/// Why public ACLs on this bucket have no effect, if they do not.
pub fn acl(model: &Model, bucket: &Resource) -> Option<String> {
    if let Some(why) = organisation::stop(model, bucket) {
        return Some(why);
    }
    if let Some(level) = blocked(model, bucket, "IgnorePublicAcls") {
        return Some(format!("IgnorePublicAcls is on{level}, so S3 ignores it"));
    }
    if !model.deployed
        && let Some(level) = blocked(model, bucket, "BlockPublicAcls")
    {
        return Some(format!(
            "BlockPublicAcls is on{level}, so S3 refuses to apply it"
        ));
    }
    (bucket.object_ownership().and_then(|v| v.as_str()) == Some("BucketOwnerEnforced"))
        .then(|| "ObjectOwnership is BucketOwnerEnforced, so ACLs are disabled".to_string())
}

/// What a deployed bucket's setting does not do: "BlockPublicPolicy is on,
/// but it only refuses new public policies". Said beside a grant it lets
/// through, so no one reads the setting as a stop.
pub fn only_new(model: &Model, bucket: &Resource, acl: bool) -> Option<String> {
    if !model.deployed {
        return None;
    }
    let (flag, what) = match acl {
        true => ("BlockPublicAcls", "ACLs"),
        false => ("BlockPublicPolicy", "policies"),
    };
    let level = blocked(model, bucket, flag)?;
    Some(format!(
        "{flag} is on{level}, but it only refuses new public {what}: it does not stop this one, which already exists"
    ))
}

/// Why a public policy on this access point has no effect, if it does not:
/// access points keep each Block Public Access setting on unless it is set
/// to false, and their settings are fixed when they are created, so a
/// public policy never reaches one whose `BlockPublicPolicy` is on.
pub fn access_point(point: &Resource) -> Option<String> {
    let block = point.properties.get("PublicAccessBlockConfiguration");
    let on = |flag: &str| match block.and_then(|b| b.get(flag)) {
        None => true,
        Some(v) => v.as_bool() == Some(true),
    };
    if on("RestrictPublicBuckets") {
        return Some("the access point's RestrictPublicBuckets is on (the default for access points), so only AWS services and the bucket owner's account can use it".into());
    }
    on("BlockPublicPolicy").then(|| {
        "the access point's BlockPublicPolicy is on (the default for access points), so S3 refuses the policy".into()
    })
}
