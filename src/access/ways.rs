//! How each way in is read from the model: the bucket's ACL, its
//! objects' ACLs, and the policies of the bucket, its access points and
//! the Multi-Region Access Points that list it; what stops each, what a
//! Deny takes away, and what is not known.

use std::collections::HashMap;

use super::analysis::{
    Analysis, Grant, Right, Way, acl_actions, multi_region_name, object_key, permissions,
};
use super::grantee::{Grantee, Own, grantee, literal_account};
use super::{deny, stops, witness};
use crate::model::s3::AlwaysPrivate;
use crate::model::s3::{Access as AclAccess, Audience as AclAudience};
use crate::model::{Model, Resource};
use crate::policy::{self, ActionSet, PublicGrant, Statement};
use crate::source::Span;
use crate::tree::{Kind, Value};

/// A deployed bucket's account: the first part of its id
/// (`111122223333/eu-west-1/name`).
pub(super) fn owner(model: &Model, bucket: &Resource) -> Option<String> {
    if !model.deployed {
        return None;
    }
    let account = bucket.id.split('/').next()?;
    literal_account(account).map(str::to_string)
}

/// When a grant at `span` exists only for some inputs, apart from the
/// bucket's own condition (which decides whether there is a bucket).
fn when(
    model: &Model,
    bucket: Option<&Resource>,
    span: Span,
    statement: Option<&Statement>,
) -> Option<String> {
    model
        .holder(span)
        .filter(|h| bucket.is_none_or(|b| h.id != b.id))
        .and_then(|h| h.condition.clone())
        .or_else(|| model.branch_of(span).map(|b| format!("only when {b}")))
        .or_else(|| {
            statement.filter(|s| s.conditional).map(|_| {
                "for some inputs only (in one branch of a conditional expression)".to_string()
            })
        })
}

/// The reasons found in `v`: each unknown part.
fn unknowns(what: &str, v: &Value, out: &mut Vec<String>) {
    match &v.kind {
        Kind::Unknown(why) => {
            let why = format!("{what}: {why}");
            if !out.contains(&why) {
                out.push(why);
            }
        }
        Kind::Seq(items) | Kind::OneOf(items) => items.iter().for_each(|i| unknowns(what, i, out)),
        Kind::Map(entries) => entries.iter().for_each(|e| unknowns(what, &e.value, out)),
        _ => {}
    }
}

/// What is not known in a policy and can change who gets in: statements
/// not known at all, and in the others the principal, and for a wildcard
/// principal its effect, actions and condition. An unknown resource does
/// not change who: the policy is the bucket's.
fn doubts(what: &str, doc: &Value, statements: &[Statement], out: &mut Vec<String>) {
    let mut found = Vec::new();
    for alt in doc.alternatives() {
        let list = match &alt.kind {
            Kind::Map(_) => alt.get("Statement"),
            _ => Some(alt),
        };
        for item in list.map(|l| l.alternatives()).unwrap_or_default() {
            let items = match &item.kind {
                Kind::Seq(items) => items.iter().flat_map(Value::alternatives).collect(),
                _ => vec![item],
            };
            for i in items
                .into_iter()
                .filter(|i| matches!(i.kind, Kind::Unknown(_)))
            {
                unknowns(what, i, &mut found);
            }
        }
    }
    for st in statements
        .iter()
        .filter(|s| s.effect != policy::Effect::Deny)
    {
        for p in [st.principal, st.not_principal].into_iter().flatten() {
            unknowns(&format!("{what} principal"), p, &mut found);
        }
        let wildcard =
            st.not_principal.is_some() || st.principal.and_then(policy::public_principal).is_some();
        if !wildcard {
            continue;
        }
        if let Some(e) = st.value.get("Effect") {
            unknowns(&format!("{what} effect"), e, &mut found);
        }
        for f in [st.action, st.not_action].into_iter().flatten() {
            unknowns(&format!("{what} action"), f, &mut found);
        }
        if let Some(c) = st.condition {
            unknowns(&format!("{what} condition"), c, &mut found);
        }
    }
    found.sort();
    for f in found {
        if !out.contains(&f) {
            out.push(f);
        }
    }
}

/// The bucket's ACL grants to everyone and to any AWS user, and what is
/// unknown in its ACL.
pub(super) fn acl<'m>(model: &'m Model, bucket: &'m Resource, a: &mut Analysis<'m>) {
    acl_grants(model, bucket, None, a);
    // A canned ACL grants only to the public groups (and to S3's log
    // delivery): once a setting stops public ACLs, not knowing which one it
    // is changes nothing. Explicit grants may name other accounts.
    if stops::acl(model, bucket).is_none()
        && let Some(v) = bucket.properties.get("AccessControl")
    {
        unknowns("AccessControl", v, &mut a.unknown);
    }
    if let Some(v) = bucket.properties.get(crate::model::terraform::GRANTS) {
        unknowns("ACL", v, &mut a.unknown);
    }
    if let Some(v) = bucket.public_access_block() {
        unknowns("PublicAccessBlockConfiguration", v, &mut a.unsure);
    }
}

/// The public grants of an object's ACL: the bucket is public for that key.
pub(super) fn object_acl<'m>(
    model: &'m Model,
    bucket: &'m Resource,
    object: &'m Resource,
    a: &mut Analysis<'m>,
) {
    acl_grants(model, bucket, Some(object), a);
}

/// The public grants of the ACL of `bucket`, or of `object` in it. The
/// bucket's settings stop both.
fn acl_grants<'m>(
    model: &'m Model,
    bucket: &'m Resource,
    object: Option<&'m Resource>,
    a: &mut Analysis<'m>,
) {
    let stop = stops::acl(model, bucket);
    let holder = object.unwrap_or(bucket);
    for g in holder.public_acl_grants() {
        let rights = Right::of_acl(&g, object.is_some());
        if rights.is_empty() {
            continue;
        }
        let who = match g.audience {
            AclAudience::AllUsers => "everyone",
            AclAudience::AuthenticatedUsers => "any AWS user",
        };
        let mut witness = match object {
            None => witness::of_acl(bucket, &g),
            Some(o) => witness::of_object_acl(bucket, o, &g),
        };
        witness.stopped_by = stop.clone();
        a.grants.push(Grant {
            who: who.into(),
            rights,
            span: g.span,
            when: when(model, Some(bucket), g.span, None),
            stopped_by: stop.clone(),
            not_stopped_by: stops::only_new(model, bucket, true),
            cancel: None,
            witness,
            way: match object {
                None => Way::Acl(g),
                Some(object) => Way::ObjectAcl { object, grant: g },
            },
        });
    }
}

/// What the Deny statements of the bucket's policies take from the public
/// grants of its ACL and of its objects' ACLs: a Deny binds requests an
/// ACL lets through too. Each permission is denied on what it acts on
/// (the bucket, its objects, or one object's key).
pub(super) fn acl_denies<'m>(model: &'m Model, i: usize, a: &mut Analysis<'m>) {
    let Some(bucket) = model.resources.get(i) else {
        return;
    };
    let acls = |g: &Grant| matches!(g.way, Way::Acl(_) | Way::ObjectAcl { .. });
    if !a.grants.iter().any(acls) {
        return;
    }
    let denies: Vec<Statement> = model
        .policies_of(i)
        .into_iter()
        .filter_map(|p| p.properties.get("PolicyDocument"))
        .flat_map(policy::statements)
        .filter(|s| s.effect == policy::Effect::Deny)
        .collect();
    if denies.is_empty() {
        return;
    }
    // The bucket's ARN as its policies may spell it.
    let mut arns = vec![
        format!("${{{}.Arn}}", bucket.id),
        format!("${{{}.arn}}", bucket.id),
    ];
    if let Some(name) = bucket.properties.get("BucketName").and_then(|v| v.as_str()) {
        arns.push(format!("arn:aws:s3:::{name}"));
    }
    for g in a.grants.iter_mut() {
        let (acl, object) = match &g.way {
            Way::Acl(acl) => (acl, None),
            Way::ObjectAcl { object, grant } => (grant, Some(*object)),
            _ => continue,
        };
        let given = permissions(acl, object.is_some());
        let targets: Vec<(ActionSet, Vec<String>)> = given
            .iter()
            .map(|&p| {
                let on = match (p, object) {
                    (_, Some(o)) => format!("/{}", object_key(o)),
                    (AclAccess::Write, None) => "/*".to_string(),
                    (_, None) => String::new(),
                };
                let names = arns.iter().map(|a| format!("{a}{on}")).collect();
                (acl_actions(p, object.is_some()), names)
            })
            .collect();
        if let Some(cancel) = deny::cancel_acl(&targets, &denies) {
            let kept: Vec<AclAccess> = given
                .iter()
                .copied()
                .filter(|&p| {
                    let actions = acl_actions(p, object.is_some());
                    actions.without(&cancel.left) != actions
                })
                .collect();
            g.rights = Right::of_permissions(&kept, object.is_some());
            g.cancel = Some(cancel);
        }
    }
}

/// Where a policy document is attached, and what that says about it.
struct Attached<'m> {
    /// The bucket it reaches, when known.
    bucket: Option<&'m Resource>,
    /// "bucket policy", "access point `Reports`": how reasons name it.
    what: String,
    /// Said after a grantee it names: "" or " (access point `Reports`)".
    suffix: String,
    stop: Option<String>,
    not_stopped: Option<String>,
}

/// The grants of one bucket policy document. `bucket` is `None` for a
/// policy whose bucket is not known.
pub(super) fn policy_grants<'m>(
    model: &'m Model,
    bucket: Option<usize>,
    policy: &'m Resource,
    doc: &'m Value,
    trusted: &[String],
    a: &mut Analysis<'m>,
) {
    let bucket = bucket.and_then(|b| model.resources.get(b));
    let at = Attached {
        bucket,
        what: "bucket policy".into(),
        suffix: String::new(),
        stop: bucket.and_then(|b| stops::policy(model, b)),
        not_stopped: bucket.and_then(|b| stops::only_new(model, b, false)),
    };
    document(model, doc, &at, trusted, a, |statement, grant| {
        Way::Policy {
            policy,
            statement,
            grant,
        }
    });
}

/// The grants of an internet access point's policy.
pub(super) fn access_point<'m>(
    model: &'m Model,
    point: &'m Resource,
    doc: &'m Value,
    trusted: &[String],
    a: &mut Analysis<'m>,
) {
    let bucket = point.bucket.and_then(|b| model.resources.get(b));
    let at = Attached {
        bucket,
        what: format!("access point `{}`", point.id),
        suffix: format!(" (access point `{}`)", point.id),
        stop: stops::access_point(point).or_else(|| bucket.and_then(|b| stops::policy(model, b))),
        not_stopped: None,
    };
    document(model, doc, &at, trusted, a, |statement, grant| {
        Way::AccessPoint {
            point,
            statement,
            grant,
        }
    });
}

/// The grants of a policy document attached at `at`: public ones, after
/// its Deny statements, and the other accounts, services and pinned
/// callers it names; what is unknown in it.
fn document<'m>(
    model: &'m Model,
    doc: &'m Value,
    at: &Attached<'m>,
    trusted: &[String],
    a: &mut Analysis<'m>,
    way: impl Fn(Statement<'m>, PublicGrant) -> Way<'m>,
) {
    let statements = policy::statements(doc);
    let denies: Vec<Statement> = statements
        .iter()
        .filter(|s| s.effect == policy::Effect::Deny)
        .cloned()
        .collect();
    // Even stopped, an unknown principal may be another account.
    doubts(&at.what, doc, &statements, &mut a.unknown);
    let owner = a.owner.clone();
    let own = Own {
        trusted,
        owner: owner.as_deref(),
    };
    for st in statements.iter().filter(|s| s.is_allow()) {
        if let Some(grant) = policy::public_grant(st) {
            let g = public(model, at.bucket, st, grant, &denies, at.stop.clone(), &way);
            a.grants.push(Grant {
                not_stopped_by: at.not_stopped.clone(),
                ..g
            });
            continue;
        }
        let who = match grantee(st, &own) {
            Grantee::OtherAccount(who) | Grantee::Service(who) | Grantee::Pinned(who) => who,
            // Its unknown parts, if any, are doubts above; a partly known
            // one (`arn:aws:iam::${var.account}:root`) names one account.
            Grantee::Unknown => "a principal known only at deploy time".to_string(),
            // A wildcard granting no action AWS counts, the owning account.
            Grantee::Anyone(_) | Grantee::SameAccount(_) => continue,
        };
        let who = format!("{}{}", who.trim_start_matches("the service "), at.suffix);
        if !a.grantees.contains(&who) {
            a.grantees.push(who);
        }
    }
}

/// The public grants of the policy of a resource whose public access S3
/// always blocks (`name` as the policy names it): each is stopped, since S3
/// refuses the policy. Their actions are not S3's, so any admits.
pub(super) fn always_private<'m>(
    model: &'m Model,
    policy: &'m Resource,
    doc: &'m Value,
    kind: &AlwaysPrivate,
    name: &str,
) -> Vec<Grant<'m>> {
    let what = format!("{} `{name}`", kind.what);
    let stop = format!("{}, so S3 refuses the policy", kind.why);
    policy::statements(doc)
        .into_iter()
        .filter_map(|st| {
            let (span, who) = policy::public_audience(&st)?;
            let mut witness = witness::of_statement(&st, who);
            witness.stopped_by = Some(stop.clone());
            Some(Grant {
                who: audience(who),
                rights: Vec::new(),
                span,
                when: when(model, None, span, Some(&st)),
                stopped_by: Some(stop.clone()),
                not_stopped_by: None,
                cancel: None,
                witness,
                way: Way::AlwaysPrivate {
                    policy,
                    statement: st,
                    what: what.clone(),
                },
            })
        })
        .collect()
}

/// The grants of the policies of a Multi-Region Access Point, on every
/// bucket it lists. Its Block Public Access settings are fixed when it is
/// made and on unless set to false, as an access point's.
pub(super) fn multi_region<'m>(
    model: &'m Model,
    point: &'m Resource,
    trusted: &[String],
    buckets: &mut HashMap<usize, Analysis<'m>>,
) {
    let name = multi_region_name(point);
    // By reference, by name, or by the expression Terraform names it by
    // (`aws_s3control_multi_region_access_point.global.details[0].name`).
    let names_it = |v: &Value| match &v.kind {
        Kind::Ref(r) => r.target == point.id,
        _ => v
            .as_text()
            .is_some_and(|t| t == name || t.starts_with(&format!("{}.", point.id))),
    };
    let docs: Vec<&'m Value> = model
        .of_type("AWS::S3::MultiRegionAccessPointPolicy")
        .filter(|(_, p)| p.properties.get("MrapName").is_some_and(names_it))
        .filter_map(|(_, p)| p.properties.get("Policy"))
        .collect();
    if docs.is_empty() {
        return;
    }
    let listed = point
        .properties
        .get("Regions")
        .map(Value::items)
        .unwrap_or_default();
    for region in listed {
        let Some(b) = region.get("Bucket").and_then(|b| bucket_named(model, b)) else {
            continue;
        };
        let Some(a) = buckets.get_mut(&b) else {
            continue;
        };
        let at = Attached {
            bucket: model.resources.get(b),
            what: format!("Multi-Region Access Point `{name}`"),
            suffix: format!(" (Multi-Region Access Point `{name}`)"),
            stop: stops::access_point(point),
            not_stopped: None,
        };
        for doc in &docs {
            document(model, doc, &at, trusted, a, |statement, grant| {
                Way::MultiRegion {
                    point,
                    statement,
                    grant,
                }
            });
        }
    }
}

/// The bucket of the model a value names: by reference, or by its name.
fn bucket_named(model: &Model, v: &Value) -> Option<usize> {
    model.buckets().find_map(|(i, b)| {
        let hit = match &v.kind {
            Kind::Ref(r) => r.target == b.id,
            _ => {
                let text = v.as_text()?;
                text == b.id
                    || b.properties.get("BucketName").and_then(|n| n.as_text()) == Some(text)
            }
        };
        hit.then_some(i)
    })
}

/// A public policy grant, after the document's Deny statements.
fn public<'m>(
    model: &Model,
    bucket: Option<&Resource>,
    st: &Statement<'m>,
    grant: PublicGrant,
    denies: &[Statement],
    stop: Option<String>,
    way: impl Fn(Statement<'m>, PublicGrant) -> Way<'m>,
) -> Grant<'m> {
    let cancel = deny::cancel(st, &grant.actions, denies);
    let shown = PublicGrant {
        actions: cancel
            .as_ref()
            .map_or_else(|| grant.actions.clone(), |c| c.left.clone()),
        ..grant.clone()
    };
    let name = bucket.map(witness::arn_name);
    let mut w = witness::of_grant(st, &shown, name.as_deref());
    w.stopped_by = stop.clone();
    let rights = Right::of_actions(&shown.actions);
    Grant {
        who: audience(grant.who),
        rights,
        span: grant.principal,
        when: when(model, bucket, grant.principal, Some(st)),
        stopped_by: stop,
        not_stopped_by: None,
        cancel,
        witness: w,
        way: way(st.clone(), grant),
    }
}

/// The policy engine's "anyone" as a reader says it.
fn audience(who: &str) -> String {
    match who {
        "anyone" => "everyone".into(),
        other => other.to_string(),
    }
}
