//! Code shared by several rules. A rule imports from here, never from a
//! sibling rule, so each rule file shows what it depends on.

pub mod acl;
pub mod buckets;
pub mod pab;
pub mod statements;
pub mod wildcard;
