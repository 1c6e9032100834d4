//! A bucket's exposure as the inventory lists it: the access analysis's
//! answer (`crate::access`), kept with the row. Nothing is decided here.

use crate::access::{Analysis, Level};

/// One way in for the public, as the row lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// "ACL", "bucket policy", "access point `Reports`".
    pub through: String,
    /// Who: "everyone", "any AWS user", "any Facebook user", ...
    pub who: String,
    /// What, among read, list, write, delete and permissions.
    pub access: Vec<&'static str>,
    /// Only for some inputs: when.
    pub when: Option<String>,
    /// The setting that stops it today, if one does.
    pub stopped_by: Option<String>,
    /// The Deny statement that takes it all away, if one does.
    pub cancelled: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exposure {
    pub level: Level,
    summary: String,
    /// Public grants, stopped, cancelled or not.
    pub grants: Vec<Grant>,
    /// Other accounts, services and pinned callers the policies grant to.
    pub grantees: Vec<String>,
    /// Why it cannot be told.
    pub unknown: Vec<String>,
}

impl Exposure {
    pub fn of(a: &Analysis) -> Exposure {
        Exposure {
            level: a.level(),
            summary: a.summary(),
            grants: a
                .grants
                .iter()
                .map(|g| Grant {
                    through: g.way.through(),
                    who: g.who.clone(),
                    access: g.rights.iter().map(|r| r.as_str()).collect(),
                    when: g.when.clone(),
                    stopped_by: g.stopped_by.clone(),
                    cancelled: g.cancelled(),
                })
                .collect(),
            grantees: a.grantees.clone(),
            unknown: a.reasons(),
        }
    }

    /// What a reader needs in one line: "public: read, list (bucket policy)".
    pub fn summary(&self) -> String {
        self.summary.clone()
    }
}
