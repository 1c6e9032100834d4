//! bucketlint: a static policy linter for S3 buckets, bucket policies and
//! IAM policies in CloudFormation and Terraform.
//!
//! The pipeline, one module per stage: [`discover`] → [`parse`] →
//! [`model`] (with [`policy`] semantics) → [`access`] (who can reach each
//! bucket) → [`rules`] → [`suppress`] →
//! [`report`]; [`findings`] is the data they share, and [`check`], the top
//! of the library, runs them. A module imports only from layers below it
//! (`scripts/layers.py` checks it; `docs/design.md`, "Layers").

pub mod access;
pub mod boundary;
pub mod check;
pub mod config;
pub mod discover;
pub mod findings;
pub mod fix;
pub mod guard;
pub mod inventory;
pub mod model;
pub mod params;
pub mod parse;
pub mod policy;
pub mod report;
pub mod rules;
pub mod server;
pub mod source;
pub mod suppress;
pub mod tree;
