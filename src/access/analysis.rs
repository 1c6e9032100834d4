//! What the access analysis says of a bucket: how exposed it is
//! (`Level`), each way in for the public (`Grant`, `Way`) with what it lets
//! through (`Right`), and the whole answer for one bucket (`Analysis`).

use super::deny::Cancel;
use super::witness::Witness;
use crate::model::Resource;
use crate::model::s3::{Access as AclAccess, AclGrant};
use crate::policy::actions::Level as ActionLevel;
use crate::policy::{ActionSet, PublicGrant, Statement};
use crate::source::Span;

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

    /// The rights an ACL grant gives, on a bucket or on an object
    /// (`object`). On a bucket `READ` lists its objects and `WRITE`
    /// creates, overwrites and deletes them; on an object `READ` reads it.
    pub fn of_acl(grant: &AclGrant, object: bool) -> Vec<Right> {
        Right::of_permissions(&permissions(grant, object), object)
    }

    /// The rights ACL permissions give, on a bucket or on an object.
    pub fn of_permissions(given: &[AclAccess], object: bool) -> Vec<Right> {
        let mut out: Vec<Right> = given
            .iter()
            .copied()
            .flat_map(|p| match (p, object) {
                (AclAccess::Read, false) => vec![Right::List],
                (AclAccess::Read, true) => vec![Right::Read],
                (AclAccess::Write, _) => vec![Right::Write, Right::Delete],
                _ => vec![Right::Permissions],
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
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

/// The ACL permissions a grant gives: `FULL_CONTROL` is all four; the
/// canned `public-read-write` is `READ` and `WRITE`; on an object
/// (`object`) `WRITE` means nothing.
pub fn permissions(grant: &AclGrant, object: bool) -> Vec<AclAccess> {
    use AclAccess::*;
    match (grant.access, object) {
        (FullControl, false) => vec![Read, Write, ReadAcp, WriteAcp],
        (FullControl, true) => vec![Read, ReadAcp, WriteAcp],
        // `public-read-write` grants READ and WRITE.
        (Write, false) if grant.text.starts_with("canned") => vec![Read, Write],
        (Write, true) if grant.text.starts_with("canned") => vec![Read],
        (Write, true) => Vec::new(),
        (one, _) => vec![one],
    }
}

/// The S3 actions an ACL permission allows, on a bucket or on an object
/// (S3 User Guide, "Mapping of ACL permissions and access policy
/// permissions"); a bucket's `WRITE` acts on its objects.
pub fn acl_actions(access: AclAccess, object: bool) -> ActionSet {
    use AclAccess::*;
    let names: &[&str] = match (access, object) {
        (Read, false) => &[
            "s3:ListBucket",
            "s3:ListBucketVersions",
            "s3:ListBucketMultipartUploads",
        ],
        (Read, true) => &["s3:GetObject", "s3:GetObjectVersion"],
        (Write, false) => &["s3:PutObject", "s3:DeleteObject"],
        (Write, true) => &[],
        (ReadAcp, false) => &["s3:GetBucketAcl"],
        (ReadAcp, true) => &["s3:GetObjectAcl", "s3:GetObjectVersionAcl"],
        (WriteAcp, false) => &["s3:PutBucketAcl"],
        (WriteAcp, true) => &["s3:PutObjectAcl", "s3:PutObjectVersionAcl"],
        (FullControl, _) => {
            return [Read, Write, ReadAcp, WriteAcp]
                .into_iter()
                .map(|p| acl_actions(p, object))
                .fold(ActionSet::default(), |a, b| a.union(&b));
        }
    };
    ActionSet::matching(names)
}

/// An object's key, else its id.
pub fn object_key(object: &Resource) -> &str {
    object
        .properties
        .get("Key")
        .and_then(|k| k.as_text())
        .unwrap_or(&object.id)
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
    /// The policy of a resource whose public access S3 always blocks (a
    /// directory, table or vector bucket): S3 refuses a public one.
    AlwaysPrivate {
        policy: &'m Resource,
        statement: Statement<'m>,
        /// "directory bucket `acme--use1-az4--x-s3`".
        what: String,
    },
}

impl Way<'_> {
    /// "ACL", "bucket policy", "access point `Reports`".
    pub fn through(&self) -> String {
        match self {
            Way::Acl(_) => "ACL".into(),
            Way::ObjectAcl { object, .. } => format!("ACL of object `{}`", object_key(object)),
            Way::Policy { .. } => "bucket policy".into(),
            Way::AccessPoint { point, .. } => format!("access point `{}`", point.id),
            Way::MultiRegion { point, .. } => {
                format!("Multi-Region Access Point `{}`", multi_region_name(point))
            }
            Way::AlwaysPrivate { what, .. } => format!("policy of {what}"),
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

/// The setting a stop's sentence names first ("BlockPublicAcls is on at
/// account level, so ..." gives "BlockPublicAcls (account)").
fn setting_name(reason: &str) -> &str {
    if reason.starts_with("the organisation's resource control policy") {
        return "the organisation's resource control policy";
    }
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

/// A Multi-Region Access Point's name: its `Name`, else its id.
pub fn multi_region_name(point: &Resource) -> &str {
    point
        .properties
        .get("Name")
        .and_then(|n| n.as_text())
        .unwrap_or(&point.id)
}
