//! How a bucket is exposed, by AWS's meaning of "public": its ACL grants to
//! everyone or to any AWS user, its bucket policy and the policies of its
//! internet-facing access points granting to anyone (not pinned by a
//! condition on fixed values), each unless a Block Public Access or object
//! ownership setting stops it; then grants to other accounts and services.

use crate::model::Model;
use crate::model::s3::Access;
use crate::policy::actions::Level as ActionLevel;
use crate::policy::{self, ActionSet};
use crate::rules::helpers::principals::{Grantee, grantee};
use crate::tree::{Kind, Value};

/// The exposure, worst first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Someone outside the account can reach it today.
    Public,
    /// A value that decides it is known only at deployment.
    Unknown,
    /// Would be public, but a setting stops it.
    Blocked,
    /// Granted to named other accounts or AWS services.
    CrossAccount,
    Private,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Public => "public",
            Level::Unknown => "unknown",
            Level::Blocked => "blocked",
            Level::CrossAccount => "cross-account",
            Level::Private => "private",
        }
    }

    pub const ALL: [Level; 5] = [
        Level::Public,
        Level::Unknown,
        Level::Blocked,
        Level::CrossAccount,
        Level::Private,
    ];
}

/// One way in for the public.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// "ACL", "bucket policy", "access point `Reports`".
    pub through: String,
    /// Who: "everyone", "any AWS user", "any Facebook user", ...
    pub who: String,
    /// What, among read, write, list and permissions.
    pub access: Vec<&'static str>,
    /// The setting that stops it today, if one does.
    pub stopped_by: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exposure {
    pub level: Level,
    /// Public grants, stopped or not.
    pub grants: Vec<Grant>,
    /// Other accounts and services the bucket policy grants to.
    pub grantees: Vec<String>,
    /// Why it cannot be told: "AccessControl: parameter `Acl` has no value".
    pub unknown: Vec<String>,
}

impl Exposure {
    /// What a reader needs in one line: "public: read, list (bucket policy)".
    pub fn summary(&self) -> String {
        let level = self.level.as_str();
        let open = |stopped: bool| {
            let grants: Vec<&Grant> = self
                .grants
                .iter()
                .filter(|g| g.stopped_by.is_some() == stopped)
                .collect();
            let mut access: Vec<&str> = grants.iter().flat_map(|g| g.access.clone()).collect();
            sort_access(&mut access);
            let mut through: Vec<&str> = grants.iter().map(|g| g.through.as_str()).collect();
            through.dedup();
            format!("{} ({})", access.join(", "), through.join(", "))
        };
        match self.level {
            Level::Public => format!("{level}: {}", open(false)),
            Level::Blocked => {
                let mut stops: Vec<&str> = self
                    .grants
                    .iter()
                    .filter_map(|g| g.stopped_by.as_deref())
                    .map(setting_name)
                    .collect();
                stops.sort_unstable();
                stops.dedup();
                format!("{level}: {}; stopped by {}", open(true), stops.join(", "))
            }
            Level::CrossAccount => format!("{level}: {}", self.grantees.join(", ")),
            Level::Unknown => format!("{level}: {}", self.unknown.join("; ")),
            Level::Private => level.to_string(),
        }
    }
}

/// The setting a neutraliser's sentence names first ("BlockPublicAcls is
/// on at account level, so ..." gives "BlockPublicAcls (account)").
fn setting_name(reason: &str) -> &str {
    let reason = reason.trim_start_matches("the access point's ");
    let end = reason.find(' ').unwrap_or(reason.len());
    let name = &reason[..end];
    if reason.contains("at account level") {
        match name {
            "BlockPublicAcls" => "BlockPublicAcls (account)",
            "IgnorePublicAcls" => "IgnorePublicAcls (account)",
            "BlockPublicPolicy" => "BlockPublicPolicy (account)",
            "RestrictPublicBuckets" => "RestrictPublicBuckets (account)",
            other => other,
        }
    } else {
        name
    }
}

const ORDER: [&str; 4] = ["read", "list", "write", "permissions"];

fn sort_access(access: &mut Vec<&str>) {
    access.sort_by_key(|a| ORDER.iter().position(|o| o == a));
    access.dedup();
}

fn from_actions(actions: &ActionSet) -> Vec<&'static str> {
    let mut out = Vec::new();
    for a in actions.iter().filter(|a| a.is_public_sensitive()) {
        out.push(match a.level {
            ActionLevel::List => "list",
            ActionLevel::Read => "read",
            ActionLevel::Write | ActionLevel::Tagging => "write",
            ActionLevel::PermissionsManagement => "permissions",
        });
    }
    sort_access(&mut out);
    out
}

/// The reasons found in `v`: each unknown part, and a choice made by a
/// condition not known statically.
fn unknowns(what: &str, v: &Value, out: &mut Vec<String>) {
    match &v.kind {
        Kind::Unknown(why) => out.push(format!("{what}: {why}")),
        Kind::Seq(items) | Kind::OneOf(items) => items.iter().for_each(|i| unknowns(what, i, out)),
        Kind::Map(entries) => entries.iter().for_each(|e| unknowns(what, &e.value, out)),
        _ => {}
    }
}

/// The statements of a bucket's policies, with the policy resource.
pub type Statements<'a> = [(&'a crate::model::Resource, policy::Statement<'a>)];

/// The exposure of bucket `i` of the model; `statements` are its bucket
/// policies' statements.
pub fn of(
    model: &Model,
    i: usize,
    policies: &[&crate::model::Resource],
    statements: &Statements,
    trusted: &[String],
) -> Exposure {
    let bucket = &model.resources[i];
    let mut grants = Vec::new();
    let mut unknown = Vec::new();
    let mut grantees = Vec::new();

    // The ACL.
    let acl_stop = bucket.acl_neutraliser(model);
    for g in bucket.public_acl_grants() {
        let access: Vec<&'static str> = match g.access {
            Access::Read => vec!["read", "list"],
            Access::Write => vec!["write"],
            Access::ReadAcp | Access::WriteAcp => vec!["permissions"],
            Access::FullControl => vec!["read", "list", "write", "permissions"],
        };
        let who = match g.audience {
            crate::model::s3::Audience::AllUsers => "everyone",
            crate::model::s3::Audience::AuthenticatedUsers => "any AWS user",
        };
        add(
            model,
            &bucket.id,
            g.span,
            Grant {
                through: "ACL".into(),
                who: who.into(),
                access,
                stopped_by: acl_stop.clone(),
            },
            &mut grants,
            &mut unknown,
        );
    }
    if let Some(v) = bucket.properties.get("AccessControl") {
        unknowns("AccessControl", v, &mut unknown);
    }
    if let Some(v) = bucket.properties.get(crate::model::terraform::GRANTS) {
        unknowns("ACL", v, &mut unknown);
    }
    // Block Public Access only stops grants: not knowing it matters only
    // when a grant would otherwise be public. Object ownership is left
    // out: it only disables ACLs, and S3 refuses to disable them while the
    // ACL grants outside the account, so a public grant is never paired
    // with enforced ownership.
    let mut settings_unknown = Vec::new();
    if let Some(v) = bucket.properties.get("PublicAccessBlockConfiguration") {
        unknowns("PublicAccessBlockConfiguration", v, &mut settings_unknown);
    }

    // The bucket policy.
    let policy_stop = bucket.policy_neutraliser(model);
    for policy in policies {
        if let Some(doc) = policy.properties.get("PolicyDocument") {
            let before = unknown.len();
            unknowns("bucket policy", doc, &mut unknown);
            unknown[before..].sort();
        }
    }
    for (_, st) in statements {
        if !st.is_allow() {
            continue;
        }
        if let Some(grant) = policy::public_grant(st) {
            add(
                model,
                &bucket.id,
                grant.principal,
                Grant {
                    through: "bucket policy".into(),
                    who: audience(grant.who),
                    access: from_actions(&grant.actions),
                    stopped_by: policy_stop.clone(),
                },
                &mut grants,
                &mut unknown,
            );
            continue;
        }
        match grantee(st, trusted) {
            Grantee::Anyone(who) => {
                let (actions, _) = st.s3_actions();
                add(
                    model,
                    &bucket.id,
                    st.anchor(),
                    Grant {
                        through: "bucket policy".into(),
                        who,
                        access: from_actions(&actions),
                        stopped_by: policy_stop.clone(),
                    },
                    &mut grants,
                    &mut unknown,
                );
            }
            Grantee::OtherAccount(who) | Grantee::Service(who) => {
                let who = who.trim_start_matches("the service ").to_string();
                if !grantees.contains(&who) {
                    grantees.push(who);
                }
            }
            Grantee::Unknown => {
                let why = "bucket policy: a principal known only at deploy time".to_string();
                if !unknown.contains(&why) {
                    unknown.push(why);
                }
            }
            Grantee::SameAccount(_) => {}
        }
    }

    // Access points reachable from the internet, with their own policies.
    for (_, ap) in model.of_type("AWS::S3::AccessPoint") {
        if ap.bucket != Some(i) || ap.properties.get("VpcConfiguration").is_some() {
            continue;
        }
        let Some(doc) = ap.properties.get("Policy") else {
            continue;
        };
        unknowns(&format!("access point `{}`", ap.id), doc, &mut unknown);
        let stop = ap
            .access_point_neutraliser()
            .or_else(|| policy_stop.clone());
        for st in policy::statements(doc) {
            if let Some(grant) = policy::public_grant(&st) {
                add(
                    model,
                    &bucket.id,
                    grant.principal,
                    Grant {
                        through: format!("access point `{}`", ap.id),
                        who: audience(grant.who),
                        access: from_actions(&grant.actions),
                        stopped_by: stop.clone(),
                    },
                    &mut grants,
                    &mut unknown,
                );
            }
        }
    }

    unknown.dedup();
    // A grant open today, or one that may exist (an unknown above), is
    // public unless a setting not known here stops it.
    let open = grants.iter().any(|g| g.stopped_by.is_none());
    if open || !unknown.is_empty() {
        settings_unknown.dedup();
        unknown.extend(settings_unknown);
    }
    let level = if open && unknown.is_empty() {
        Level::Public
    } else if !unknown.is_empty() {
        Level::Unknown
    } else if !grants.is_empty() {
        Level::Blocked
    } else if !grantees.is_empty() {
        Level::CrossAccount
    } else {
        Level::Private
    };
    Exposure {
        level,
        grants,
        grantees,
        unknown,
    }
}

/// The policy engine's "anyone" as the inventory says it.
fn audience(who: &str) -> String {
    match who {
        "anyone" => "everyone".into(),
        other => other.to_string(),
    }
}

/// Adds a grant found at `span`: a grant that exists only for some inputs
/// (a resource whose `count` or `Condition` is not known, a branch of
/// `Fn::If`) is a reason the exposure is unknown, not a public grant.
fn add(
    model: &Model,
    bucket: &str,
    span: crate::source::Span,
    g: Grant,
    grants: &mut Vec<Grant>,
    unknown: &mut Vec<String>,
) {
    // The bucket's own condition decides whether the row exists, not how
    // it is exposed (the row says it).
    let when = model
        .holder(span)
        .filter(|h| h.id != bucket)
        .and_then(|h| h.condition.clone())
        .or_else(|| model.branch_of(span).map(|b| format!("only when {b}")));
    match when {
        Some(when) if g.stopped_by.is_none() => {
            let why = format!("{} ({}) {when}", g.through, g.access.join(", "));
            if !unknown.contains(&why) {
                unknown.push(why);
            }
        }
        _ => push(grants, g),
    }
}

/// Adds a grant, merging one through the same way to the same audience.
fn push(grants: &mut Vec<Grant>, g: Grant) {
    if let Some(same) = grants
        .iter_mut()
        .find(|x| x.through == g.through && x.who == g.who && x.stopped_by == g.stopped_by)
    {
        same.access.extend(g.access);
        sort_access(&mut same.access);
    } else {
        grants.push(g);
    }
}
