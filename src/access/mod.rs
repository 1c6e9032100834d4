//! Who can reach each bucket, decided once: the one answer that the rules
//! about public access, the inventory, drift and the editor all read.
//!
//! Per bucket, every way in for the public (its ACL, its bucket policy,
//! the policies of its internet access points), each with what it grants
//! and to whom, whether it exists only for some inputs, which Deny cancels
//! it, and which setting stops it; then the other accounts and services
//! the policy names, and what is not known and why. A grant that is known
//! and open makes the bucket public whatever else is unknown; an unknown
//! counts only where it can change who gets in.

mod deny;
pub mod grantee;
mod stops;
pub mod witness;

use std::collections::HashMap;

use crate::model::s3::{Access as AclAccess, AclGrant, Audience as AclAudience};
use crate::model::{Model, Resource};
use crate::policy::actions::Level as ActionLevel;
use crate::policy::{self, ActionSet, PublicGrant, Statement};
use crate::source::Span;
use crate::tree::{Kind, Value};

pub use deny::Cancel;
pub use grantee::{Grantee, Own, grantee, literal_account};
pub use witness::Witness;

/// How exposed a bucket is, worst first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Someone outside the account can reach it.
    Public,
    /// Whether it is public depends on a value known only at deployment.
    Unknown,
    /// Would be public, but a setting stops it.
    Blocked,
    /// Granted to named other accounts, AWS services, or callers pinned by
    /// a condition on fixed values.
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

/// What a grant lets its audience do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Right {
    Read,
    List,
    Write,
    Delete,
    Permissions,
}

impl Right {
    pub fn as_str(self) -> &'static str {
        match self {
            Right::Read => "read",
            Right::List => "list",
            Right::Write => "write",
            Right::Delete => "delete",
            Right::Permissions => "permissions",
        }
    }

    /// The rights an ACL permission gives. On a bucket, `READ` lists its
    /// objects and `WRITE` creates, overwrites and deletes them;
    /// `FULL_CONTROL` is all four permissions.
    pub fn of_acl(access: AclAccess) -> Vec<Right> {
        match access {
            AclAccess::Read => vec![Right::List],
            AclAccess::Write => vec![Right::Write, Right::Delete],
            AclAccess::ReadAcp | AclAccess::WriteAcp => vec![Right::Permissions],
            AclAccess::FullControl => {
                vec![Right::List, Right::Write, Right::Delete, Right::Permissions]
            }
        }
    }

    /// The rights an ACL permission gives on an object: `READ` reads it;
    /// `WRITE` means nothing on an object, but the canned
    /// `public-read-write` also grants `READ`.
    pub fn of_object_acl(access: AclAccess, canned: bool) -> Vec<Right> {
        match access {
            AclAccess::Read => vec![Right::Read],
            AclAccess::Write if canned => vec![Right::Read],
            AclAccess::Write => Vec::new(),
            AclAccess::ReadAcp | AclAccess::WriteAcp => vec![Right::Permissions],
            AclAccess::FullControl => vec![Right::Read, Right::Permissions],
        }
    }

    /// The rights the public-sensitive actions of a set give.
    pub fn of_actions(actions: &ActionSet) -> Vec<Right> {
        let mut out: Vec<Right> = actions
            .iter()
            .filter(|a| a.is_public_sensitive())
            .map(|a| match a.level {
                ActionLevel::List => Right::List,
                ActionLevel::Read => Right::Read,
                _ if a.is_delete() => Right::Delete,
                ActionLevel::Write | ActionLevel::Tagging => Right::Write,
                ActionLevel::PermissionsManagement => Right::Permissions,
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// "read, list, write".
pub fn rights_text(rights: &[Right]) -> String {
    rights
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The way a grant reaches the bucket.
#[derive(Clone, Debug)]
pub enum Way<'m> {
    Acl(AclGrant),
    /// The ACL of an object of the bucket (`aws_s3_object`, `acl =
    /// "public-read"`): public for that key.
    ObjectAcl {
        object: &'m Resource,
        grant: AclGrant,
    },
    Policy {
        policy: &'m Resource,
        statement: Statement<'m>,
        grant: PublicGrant,
    },
    AccessPoint {
        point: &'m Resource,
        statement: Statement<'m>,
        grant: PublicGrant,
    },
    /// A Multi-Region Access Point's policy: it reaches every bucket the
    /// point lists.
    MultiRegion {
        point: &'m Resource,
        statement: Statement<'m>,
        grant: PublicGrant,
    },
}

impl Way<'_> {
    /// "ACL", "bucket policy", "access point `Reports`".
    pub fn through(&self) -> String {
        match self {
            Way::Acl(_) => "ACL".into(),
            Way::ObjectAcl { object, .. } => {
                match object.properties.get("Key").and_then(|k| k.as_text()) {
                    Some(key) => format!("ACL of object `{key}`"),
                    None => format!("ACL of object `{}`", object.id),
                }
            }
            Way::Policy { .. } => "bucket policy".into(),
            Way::AccessPoint { point, .. } => format!("access point `{}`", point.id),
            Way::MultiRegion { point, .. } => {
                format!("Multi-Region Access Point `{}`", multi_region_name(point))
            }
        }
    }
}

/// One way in for the public.
#[derive(Clone, Debug)]
pub struct Grant<'m> {
    pub way: Way<'m>,
    /// Who: "everyone", "any AWS user", "any Facebook user", ...
    pub who: String,
    /// What it lets them do, after any Deny.
    pub rights: Vec<Right>,
    /// Where it is granted: the principal, or the ACL's grant.
    pub span: Span,
    /// It exists only for some inputs: when ("only when condition `Shared`
    /// is true", "in one branch of a conditional expression").
    pub when: Option<String>,
    /// The setting that stops it, if one does.
    pub stopped_by: Option<String>,
    /// A setting beside it that does not stop it, said so that no one
    /// reads it as a stop.
    pub not_stopped_by: Option<String>,
    /// What Deny statements take away from it.
    pub cancel: Option<Cancel>,
    /// One request it lets through.
    pub witness: Witness,
}

impl Grant<'_> {
    /// Deny statements take every public action away.
    pub fn cancelled(&self) -> bool {
        self.cancel.as_ref().is_some_and(Cancel::whole)
    }

    /// Public today, for every input: nothing stops or cancels it.
    pub fn open(&self) -> bool {
        self.stopped_by.is_none() && self.when.is_none() && !self.cancelled()
    }
}

/// The access analysis of one bucket.
#[derive(Clone, Debug, Default)]
pub struct Analysis<'m> {
    /// The bucket exists only for some inputs: when.
    pub exists_when: Option<String>,
    pub grants: Vec<Grant<'m>>,
    /// Other accounts, services and pinned callers the policies grant to.
    pub grantees: Vec<String>,
    /// What is not known and can change who gets in: "AccessControl:
    /// parameter `Acl` has no value".
    pub unknown: Vec<String>,
    /// Settings not known that could stop a grant.
    pub unsure: Vec<String>,
    /// The account owning the bucket, when known.
    pub owner: Option<String>,
}

impl Analysis<'_> {
    pub fn level(&self) -> Level {
        let live = || self.grants.iter().filter(|g| !g.cancelled());
        if self.exists_when.is_none() && live().any(|g| g.open()) {
            Level::Public
        } else if live().any(|g| g.stopped_by.is_none()) || !self.unknown.is_empty() {
            Level::Unknown
        } else if live().next().is_some() {
            Level::Blocked
        } else if !self.grantees.is_empty() {
            Level::CrossAccount
        } else {
            Level::Private
        }
    }

    /// What a reader needs in one line: "public: read, list (bucket policy)".
    pub fn summary(&self) -> String {
        let level = self.level();
        let name = level.as_str();
        let live: Vec<&Grant> = self.grants.iter().filter(|g| !g.cancelled()).collect();
        let listed = |keep: &dyn Fn(&Grant) -> bool| {
            let picked: Vec<&&Grant> = live.iter().filter(|g| keep(g)).collect();
            let mut rights: Vec<Right> = picked.iter().flat_map(|g| g.rights.clone()).collect();
            rights.sort_unstable();
            rights.dedup();
            let mut through: Vec<String> = Vec::new();
            for g in &picked {
                let t = g.way.through();
                if !through.contains(&t) {
                    through.push(t);
                }
            }
            format!("{} ({})", rights_text(&rights), through.join(", "))
        };
        match level {
            Level::Public => {
                let mut s = format!("{name}: {}", listed(&|g| g.open()));
                if !self.unsure.is_empty() {
                    s.push_str(&format!("; not known: {}", self.unsure.join("; ")));
                }
                s
            }
            Level::Blocked => {
                let mut stops: Vec<&str> = live
                    .iter()
                    .filter_map(|g| g.stopped_by.as_deref())
                    .map(setting_name)
                    .collect();
                stops.sort_unstable();
                stops.dedup();
                format!(
                    "{name}: {}; stopped by {}",
                    listed(&|_| true),
                    stops.join(", ")
                )
            }
            Level::CrossAccount => format!("{name}: {}", self.grantees.join(", ")),
            Level::Unknown => format!("{name}: {}", self.reasons().join("; ")),
            Level::Private => name.to_string(),
        }
    }
}

impl Analysis<'_> {
    /// Why who gets in cannot be told: a bucket public whenever it
    /// exists, grants that exist only for some inputs, unknown values, and
    /// settings not known that could stop a grant.
    pub fn reasons(&self) -> Vec<String> {
        let live: Vec<&Grant> = self.grants.iter().filter(|g| !g.cancelled()).collect();
        let mut why: Vec<String> = Vec::new();
        if let Some(when) = &self.exists_when {
            let open: Vec<&&Grant> = live.iter().filter(|g| g.open()).collect();
            if !open.is_empty() {
                let mut rights: Vec<Right> = open.iter().flat_map(|g| g.rights.clone()).collect();
                rights.sort_unstable();
                rights.dedup();
                why.push(format!(
                    "public ({}) whenever it exists: {when}",
                    rights_text(&rights)
                ));
            }
        }
        for g in live.iter().filter(|g| g.stopped_by.is_none()) {
            if let Some(when) = &g.when {
                why.push(format!(
                    "{} ({}) {when}",
                    g.way.through(),
                    rights_text(&g.rights)
                ));
            }
        }
        why.extend(self.unknown.iter().cloned());
        why.extend(self.unsure.iter().cloned());
        let mut seen = std::collections::HashSet::new();
        why.retain(|w| seen.insert(w.clone()));
        why
    }
}

/// The setting a stop's sentence names first ("BlockPublicAcls is on at
/// account level, so ..." gives "BlockPublicAcls (account)").
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

/// Every bucket's analysis, and the public grants of policies whose bucket
/// is not known.
#[derive(Debug, Default)]
pub struct Fleet<'m> {
    buckets: HashMap<usize, Analysis<'m>>,
    loose: Vec<Grant<'m>>,
}

impl<'m> Fleet<'m> {
    /// The analysis of every bucket of `model`; `trusted` lists the accounts
    /// the configuration calls the organisation's own.
    pub fn of(model: &'m Model, trusted: &[String]) -> Fleet<'m> {
        let mut fleet = Fleet::default();
        for (i, bucket) in model.buckets() {
            let owner = owner(model, bucket);
            let mut a = Analysis {
                exists_when: model.block(&bucket.id).and_then(|k| k.condition.clone()),
                owner,
                ..Default::default()
            };
            acl(model, bucket, &mut a);
            fleet.buckets.insert(i, a);
        }
        for (_, object) in model.of_type("AWS::S3::Object") {
            let Some(b) = object.bucket else { continue };
            if let (Some(bucket), Some(a)) = (model.resources.get(b), fleet.buckets.get_mut(&b)) {
                object_acl(model, bucket, object, a);
            }
        }
        let mut documents: Vec<(Option<usize>, &'m Resource, &'m Value)> = model
            .bucket_policies()
            .filter_map(|p| Some((p.bucket, p, p.properties.get("PolicyDocument")?)))
            .collect();
        documents.sort_by_key(|(b, _, _)| *b);
        for (bucket, policy, doc) in documents {
            let into = match bucket.and_then(|b| fleet.buckets.get_mut(&b)) {
                Some(a) => a,
                None => {
                    let mut loose = Analysis::default();
                    policy_grants(model, None, policy, doc, trusted, &mut loose);
                    fleet.loose.append(&mut loose.grants);
                    continue;
                }
            };
            policy_grants(model, bucket, policy, doc, trusted, into);
        }
        for (_, point) in model.of_type("AWS::S3::AccessPoint") {
            // A VPC access point cannot be reached from the internet.
            if point.properties.get("VpcConfiguration").is_some() {
                continue;
            }
            let Some(doc) = point.properties.get("Policy") else {
                continue;
            };
            match point.bucket.and_then(|b| fleet.buckets.get_mut(&b)) {
                Some(a) => access_point(model, point, doc, trusted, a),
                None => {
                    let mut loose = Analysis::default();
                    access_point(model, point, doc, trusted, &mut loose);
                    fleet.loose.append(&mut loose.grants);
                }
            }
        }
        for (_, point) in model.of_type("AWS::S3::MultiRegionAccessPoint") {
            multi_region(model, point, trusted, &mut fleet);
        }
        for a in fleet.buckets.values_mut() {
            a.unknown.dedup();
            a.grantees.dedup();
        }
        fleet
    }

    /// The analysis of bucket `i` of the model.
    pub fn bucket(&self, i: usize) -> Option<&Analysis<'m>> {
        self.buckets.get(&i)
    }

    /// Every public grant, with its bucket when known, bucket by bucket.
    pub fn grants(&self) -> Vec<(Option<usize>, &Grant<'m>)> {
        let mut keys: Vec<&usize> = self.buckets.keys().collect();
        keys.sort_unstable();
        let mut out: Vec<(Option<usize>, &Grant)> = keys
            .into_iter()
            .flat_map(|k| self.buckets[k].grants.iter().map(move |g| (Some(*k), g)))
            .collect();
        out.extend(self.loose.iter().map(|g| (None, g)));
        out
    }
}

/// A deployed bucket's account: the first part of its id
/// (`111122223333/eu-west-1/name`).
fn owner(model: &Model, bucket: &Resource) -> Option<String> {
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

/// The bucket's ACL grants to everyone and to any AWS user.
fn acl<'m>(model: &'m Model, bucket: &'m Resource, a: &mut Analysis<'m>) {
    let stop = stops::acl(model, bucket);
    for g in bucket.public_acl_grants() {
        let who = match g.audience {
            AclAudience::AllUsers => "everyone",
            AclAudience::AuthenticatedUsers => "any AWS user",
        };
        let mut witness = witness::of_acl(bucket, &g);
        witness.stopped_by = stop.clone();
        a.grants.push(Grant {
            who: who.into(),
            rights: Right::of_acl(g.access),
            span: g.span,
            when: when(model, Some(bucket), g.span, None),
            stopped_by: stop.clone(),
            not_stopped_by: stops::only_new(model, bucket, true),
            cancel: None,
            witness,
            way: Way::Acl(g),
        });
    }
    // A canned ACL grants only to the public groups (and to S3's log
    // delivery): once a setting stops public ACLs, not knowing which one it
    // is changes nothing. Explicit grants may name other accounts.
    if stop.is_none()
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
fn object_acl<'m>(
    model: &'m Model,
    bucket: &'m Resource,
    object: &'m Resource,
    a: &mut Analysis<'m>,
) {
    let stop = stops::acl(model, bucket);
    for g in object.public_acl_grants() {
        let rights = Right::of_object_acl(g.access, g.text.starts_with("canned"));
        if rights.is_empty() {
            continue;
        }
        let who = match g.audience {
            AclAudience::AllUsers => "everyone",
            AclAudience::AuthenticatedUsers => "any AWS user",
        };
        let mut witness = witness::of_object_acl(bucket, object, &g);
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
            way: Way::ObjectAcl { object, grant: g },
        });
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
fn policy_grants<'m>(
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
fn access_point<'m>(
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

/// A Multi-Region Access Point's name: its `Name`, else its id.
pub fn multi_region_name(point: &Resource) -> &str {
    point
        .properties
        .get("Name")
        .and_then(|n| n.as_text())
        .unwrap_or(&point.id)
}

/// The grants of the policies of a Multi-Region Access Point, on every
/// bucket it lists. Its Block Public Access settings are fixed when it is
/// made and on unless set to false, as an access point's.
fn multi_region<'m>(
    model: &'m Model,
    point: &'m Resource,
    trusted: &[String],
    fleet: &mut Fleet<'m>,
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
        let Some(a) = fleet.buckets.get_mut(&b) else {
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
