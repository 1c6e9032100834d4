//! The policy statements rules look at, and how broad an identity
//! statement's grant on every bucket is.

use crate::model::Model;

/// Every statement of every bucket policy, with the policy resource.
pub fn bucket_policy_statements(
    model: &Model,
) -> Vec<(&crate::model::Resource, crate::policy::Statement<'_>)> {
    model
        .bucket_policies()
        .flat_map(|p| {
            p.properties
                .get("PolicyDocument")
                .map(crate::policy::statements)
                .unwrap_or_default()
                .into_iter()
                .map(move |s| (p, s))
        })
        .collect()
}

/// Every statement of every identity policy.
pub fn identity_statements(model: &Model) -> Vec<crate::policy::Statement<'_>> {
    model
        .identity_policies()
        .into_iter()
        .flat_map(|p| crate::policy::statements(p.document))
        .collect()
}

/// What an identity-policy statement allows on every bucket, by tier. A
/// statement is reported once, by the most severe rule that applies:
/// every S3 action (BL301), deletes and permission changes (BL302),
/// writes (BL304), object reads (BL303).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AllBuckets {
    Everything,
    DeleteOrPermissions,
    Write,
    Read,
}

pub fn all_buckets_tier(
    st: &crate::policy::Statement,
) -> Option<(AllBuckets, crate::source::Span, crate::policy::ActionSet)> {
    use crate::policy::Level;
    if !st.is_allow() {
        return None;
    }
    let span = st.resource.and_then(crate::policy::all_buckets)?;
    let (actions, _) = st.s3_actions();
    let tier = if actions.is_all() {
        AllBuckets::Everything
    } else if actions.any(|a| a.is_delete() || a.level == Level::PermissionsManagement) {
        AllBuckets::DeleteOrPermissions
    } else if actions.any(|a| a.level == Level::Write) {
        AllBuckets::Write
    } else if actions.any(|a| a.level == Level::Read && a.name.starts_with("s3:GetObject")) {
        AllBuckets::Read
    } else {
        return None;
    };
    Some((tier, span, actions))
}
