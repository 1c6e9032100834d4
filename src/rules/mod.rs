//! The rules. Each rule is one file: its metadata (the single source for
//! `rules`, `explain`, JSON and docs), its check over the model, and the
//! wording of its messages. Its user documentation is `rules/<name>.md`.
//!
//! What a rule is (`rule`) and the list of rules (`registry`) are modules
//! of their own; code that several rules share is in `helpers`. A rule file
//! imports from those, never from a sibling rule.

pub mod helpers;
pub mod registry;
pub mod rule;

mod access_logging_missing;
mod access_point_public;
mod account_public_access_block_disabled;
mod acl_authenticated_read;
mod acl_public_acp;
mod acl_public_read;
mod acl_public_write;
mod bucket_key_disabled;
mod cors_wildcard_origin;
mod deletion_policy_missing;
mod dns_compliant_name;
mod drift;
mod encryption_missing;
mod encryption_not_kms;
mod event_notifications_missing;
mod iam_allow_not_action;
mod iam_s3_all_buckets;
mod iam_s3_full_access_managed;
mod iam_s3_read_all_buckets;
mod iam_s3_wildcard_action;
mod iam_s3_write_all_buckets;
mod invalid_suppression;
mod lifecycle_abort_mpu_missing;
mod lifecycle_missing;
mod log_delivery_write_on_source;
mod logging_target_self;
mod mfa_delete_disabled;
mod object_level_logging_missing;
mod object_lock_disabled;
mod object_not_encrypted;
mod object_ownership_acls_enabled;
mod policy_allow_not_action;
mod policy_allow_not_principal;
mod policy_cross_account;
mod policy_deny_lockout;
mod policy_insecure_transport;
mod policy_missing;
mod policy_public_principal;
mod policy_wildcard_action;
mod public_access_block_disabled;
mod public_access_block_missing;
mod replication_missing;
mod sse_not_enforced_by_policy;
mod transfer_acceleration_disabled;
mod unknown_value;
mod unused_suppression;
mod versioning_disabled;
mod website_hosting;

pub use registry::{RULES, find, run};
pub use rule::{Rule, Severity};
