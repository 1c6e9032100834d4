//! Deny subtracts. A Deny statement takes an action away from a public
//! Allow when it surely applies to every request the Allow admits: it
//! names everyone (`*`), sets no condition, and its resources cover the
//! Allow's. What the Deny leaves is what stays public.
//!
//! S3 itself judges a policy public statement by statement, Deny left out
//! (S3 User Guide, "The meaning of public"): `BlockPublicPolicy` still
//! refuses such a policy, and Access Analyzer still lists it.

use crate::policy::actions::glob;
use crate::policy::{self, ActionSet, Effect, Statement};
use crate::source::Span;
use crate::tree::{Kind, Value};

/// What the Deny statements of a document take from an Allow.
#[derive(Clone, Debug)]
pub struct Cancel {
    /// The first Deny that takes something away.
    pub by: Span,
    /// Its `Sid`, if it has one.
    pub sid: Option<String>,
    /// The public actions still granted; empty when all are denied.
    pub left: ActionSet,
}

impl Cancel {
    /// What `deny`, the first Deny that takes something, leaves.
    fn by(deny: &Statement, left: ActionSet) -> Cancel {
        Cancel {
            by: deny.anchor(),
            sid: deny
                .value
                .get("Sid")
                .and_then(|s| s.as_text())
                .map(str::to_string),
            left,
        }
    }

    pub fn whole(&self) -> bool {
        !self.left.any(|a| a.is_public_sensitive())
    }
}

/// What `denies` take from `actions`, the public actions of `allow`; `None`
/// when no Deny surely applies.
pub fn cancel(allow: &Statement, actions: &ActionSet, denies: &[Statement]) -> Option<Cancel> {
    let mut by: Option<&Statement> = None;
    let mut left = actions.clone();
    for deny in denies.iter().filter(|d| covers(d, allow)) {
        let (denied, complete) = deny.s3_actions();
        if !complete {
            continue;
        }
        let after = left.without(&denied);
        if after != left {
            by = by.or(Some(deny));
            left = after;
        }
    }
    Some(Cancel::by(by?, left))
}

/// What `denies` take from an ACL grant, given as what each of its
/// permissions allows: the actions, and the resource they act on spelled
/// every way a policy of the bucket may name it (`arn:aws:s3:::logs/*`,
/// `${Logs.Arn}/*`). A bucket policy's Deny binds requests an ACL lets
/// through too.
pub fn cancel_acl(targets: &[(ActionSet, Vec<String>)], denies: &[Statement]) -> Option<Cancel> {
    let mut by: Option<&Statement> = None;
    let mut left: Vec<ActionSet> = targets.iter().map(|(a, _)| a.clone()).collect();
    for deny in denies.iter().filter(|d| for_everyone(d)) {
        let (denied, complete) = deny.s3_actions();
        let Some(resource) = deny.resource.filter(|_| complete) else {
            continue;
        };
        let patterns: Vec<String> = resource.items().iter().filter_map(|v| spelled(v)).collect();
        for ((_, names), left) in targets.iter().zip(left.iter_mut()) {
            let covered = names
                .iter()
                .any(|n| patterns.iter().any(|p| p == "*" || p == n || glob(p, n)));
            let after = left.without(&denied);
            if covered && after != *left {
                by = by.or(Some(deny));
                *left = after;
            }
        }
    }
    let left = left.into_iter().reduce(|a, b| a.union(&b));
    Some(Cancel::by(by?, left.unwrap_or_default()))
}

/// A resource as a policy writes it: text, or a reference spelled as in
/// `Fn::Sub` (`${Logs.Arn}`).
fn spelled(v: &Value) -> Option<String> {
    match &v.kind {
        Kind::Ref(r) => Some(match &r.attr {
            Some(attr) => format!("${{{}.{attr}}}", r.target),
            None => format!("${{{}}}", r.target),
        }),
        _ => v.as_text().map(str::to_string),
    }
}

/// A Deny that applies to every caller, whatever the request.
fn for_everyone(deny: &Statement) -> bool {
    deny.effect == Effect::Deny
        && !deny.conditional
        && deny.condition.is_none()
        && deny.not_principal.is_none()
        && deny.not_resource.is_none()
        && deny.principal.and_then(policy::anyone).is_some()
}

/// Whether `deny` applies to every caller and resource of `allow`.
fn covers(deny: &Statement, allow: &Statement) -> bool {
    for_everyone(deny)
        && match (deny.resource, allow.resource) {
            (Some(d), Some(a)) => resources_cover(d, a),
            _ => false,
        }
}

/// Every item of `allow` is matched by some item of `deny`, compared as
/// written (a pattern of the Deny may wildcard a name of the Allow).
fn resources_cover(deny: &Value, allow: &Value) -> bool {
    let patterns: Vec<&str> = deny.items().iter().filter_map(|v| v.as_text()).collect();
    let wanted = allow.items();
    !wanted.is_empty()
        && wanted.iter().all(|a| {
            a.as_text()
                .is_some_and(|a| patterns.iter().any(|p| *p == "*" || *p == a || glob(p, a)))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    fn left(text: &str) -> Option<String> {
        let doc = yaml::parse(&format!("Statement: {text}"), 0)
            .unwrap()
            .docs
            .remove(0);
        let all = policy::statements(&doc);
        let (allows, denies): (Vec<_>, Vec<_>) = all.into_iter().partition(|s| s.is_allow());
        let grant = policy::public_grant(&allows[0]).expect("public");
        cancel(&allows[0], &grant.actions, &denies).map(|c| c.left.describe())
    }

    #[test]
    fn a_deny_for_everyone_on_the_same_actions_cancels_the_allow() {
        let all = "[{Effect: Allow, Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*'},
                    {Effect: Deny, Principal: '*', Action: 's3:Get*', Resource: 'arn:aws:s3:::b/*'}]";
        assert_eq!(left(all).as_deref(), Some("nothing"));
    }

    #[test]
    fn a_partial_deny_leaves_the_rest() {
        let part = "[{Effect: Allow, Principal: '*', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::b/*'},
                     {Effect: Deny, Principal: {AWS: '*'}, Action: 's3:PutObject', Resource: '*'}]";
        assert_eq!(left(part).as_deref(), Some("read"));
    }

    #[test]
    fn a_deny_that_may_not_apply_takes_nothing() {
        for deny in [
            // A condition: only some requests are denied.
            "{Effect: Deny, Principal: '*', Action: 's3:*', Resource: '*', Condition: {Bool: {aws:SecureTransport: 'false'}}}",
            // Not everyone.
            "{Effect: Deny, Principal: {AWS: 'arn:aws:iam::111122223333:root'}, Action: 's3:*', Resource: '*'}",
            // Narrower resources.
            "{Effect: Deny, Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::b/private/*'}",
            // Everyone but some.
            "{Effect: Deny, NotPrincipal: {AWS: 'arn:aws:iam::111122223333:root'}, Action: 's3:*', Resource: '*'}",
            // An action not known statically.
            "{Effect: Deny, Principal: '*', Action: [!Ref Denied], Resource: '*'}",
        ] {
            let doc = format!(
                "[{{Effect: Allow, Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*'}}, {deny}]"
            );
            assert_eq!(left(&doc), None, "{deny}");
        }
    }
}
