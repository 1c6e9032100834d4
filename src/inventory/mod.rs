//! The inventory: one row per bucket (per instance, after `count` and
//! `for_each`), with how it is exposed and how it is configured, read from
//! the same model and judged by the same policy engine as the rules.
//!
//! Every setting is one of three things: not declared, a value, or a value
//! that cannot be known before deployment (with the reason). An unknown is
//! never shown as absent, nor as a value.

mod exposure;
mod settings;

use std::sync::Arc;

use crate::access::Fleet;
use crate::model::Model;
use crate::rules::rule::{Rule, Severity};
use crate::source::Location;
use crate::source::SourceFile;

pub use crate::access::Level;
pub use exposure::Exposure;
pub use settings::{Setting, Settings};

/// The findings of a run that are on no bucket it lists: an account's
/// Block Public Access, identity policies, buckets declared elsewhere.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Elsewhere {
    /// By severity: high, medium, low, info.
    pub counts: [usize; 4],
    /// Their rule codes, each once, in order.
    pub codes: Vec<&'static str>,
}

impl Elsewhere {
    pub fn note(&mut self, code: &'static str, severity: Severity) {
        self.counts[severity_index(severity)] += 1;
        if let Err(at) = self.codes.binary_search(&code) {
            self.codes.insert(at, code);
        }
    }

    pub fn add(&mut self, other: &Elsewhere) {
        for (n, k) in self.counts.iter_mut().zip(other.counts) {
            *n += k;
        }
        for code in &other.codes {
            if let Err(at) = self.codes.binary_search(code) {
                self.codes.insert(at, code);
            }
        }
    }

    /// "3 findings are on no bucket listed here (1 high, 2 medium: BL107
    /// BL301): account settings, identity policies and buckets declared
    /// elsewhere; `check` shows them." `None` when there are none.
    pub fn sentence(&self) -> Option<String> {
        let total: usize = self.counts.iter().sum();
        if total == 0 {
            return None;
        }
        let by: Vec<String> = ["high", "medium", "low", "info"]
            .iter()
            .zip(self.counts)
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        Some(format!(
            "{total} finding{} {} on no bucket listed here ({}: {}): account settings, identity policies and buckets declared elsewhere; `check` shows {}.",
            if total == 1 { "" } else { "s" },
            if total == 1 { "is" } else { "are" },
            by.join(", "),
            self.codes.join(" "),
            if total == 1 { "it" } else { "them" },
        ))
    }
}

fn severity_index(s: Severity) -> usize {
    match s {
        Severity::High => 0,
        Severity::Medium => 1,
        Severity::Low => 2,
        Severity::Info => 3,
    }
}

/// Where a bucket was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    CloudFormation,
    Sam,
    Terraform,
    /// `terraform show -json` of a plan.
    Plan,
    /// `terraform show -json` of the state.
    State,
    /// An AWS Config export: a deployed bucket.
    Config,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::CloudFormation => "CloudFormation",
            Source::Sam => "SAM",
            Source::Terraform => "Terraform",
            Source::Plan => "plan",
            Source::State => "state",
            Source::Config => "AWS Config",
        }
    }
}

/// A finding on a bucket, as the inventory lists it.
#[derive(Clone, Debug)]
pub struct Noted {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub message: String,
    pub location: Location,
}

/// One bucket.
#[derive(Clone, Debug)]
pub struct Bucket {
    /// The bucket's name when the template gives it, else `None`.
    pub name: Option<String>,
    /// Logical id, or Terraform address with its instance key.
    pub id: String,
    pub location: Location,
    /// For a bucket made by a module: the root module's call that makes it
    /// (`module "data" { ... }`), where its arguments are set.
    pub called_at: Option<Location>,
    pub source: Source,
    /// A deployed bucket's account and region (AWS Config); templates do
    /// not say where they are deployed.
    pub account: Option<String>,
    pub region: Option<String>,
    /// When the bucket exists only for some inputs: which ("`Site` is
    /// created only when condition `MakePublic` is true").
    pub condition: Option<String>,
    pub exposure: Exposure,
    pub settings: Settings,
    /// The findings reported on it (after suppressions), in order.
    pub findings: Vec<Noted>,
    /// The findings on it that a suppression or an `[[ignore]]` entry
    /// accepts.
    pub accepted: Vec<Noted>,
}

impl Bucket {
    /// Where to look first: the module call that makes the bucket, else
    /// the bucket's own block.
    pub fn place(&self) -> &Location {
        self.called_at.as_ref().unwrap_or(&self.location)
    }

    /// How the bucket is named in the table: its name, else its id.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }

    /// Findings at each severity, highest first: (high, medium, low, info).
    pub fn counts(&self) -> [usize; 4] {
        let mut c = [0; 4];
        for f in &self.findings {
            c[severity_index(f.severity)] += 1;
        }
        c
    }

    /// The rule codes of its findings, each once, in order.
    pub fn codes(&self) -> Vec<&'static str> {
        let mut codes: Vec<&'static str> = self.findings.iter().map(|f| f.rule.code).collect();
        codes.sort_unstable();
        codes.dedup();
        codes
    }
}

/// The root module's call that makes the resource `id`
/// (`module.data["orders"].aws_s3_bucket.this[0]` is made by `module.data`).
fn caller(model: &Model, id: &str, files: &[Arc<SourceFile>]) -> Option<Location> {
    let rest = id.strip_prefix("module.")?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    let block = model.block(&format!("module.{name}"))?;
    Some(Location::new(
        files.get(block.head.file as usize)?,
        block.head,
    ))
}

/// The rows of every bucket the model declares, by resource index, without
/// findings yet; `access` is the model's access analysis.
pub fn buckets(
    model: &Model,
    access: &Fleet,
    files: &[Arc<SourceFile>],
    source: Source,
) -> Vec<(usize, Bucket)> {
    // Read once per model, not once per bucket.
    let policies = model.policies_by_bucket();
    model
        .buckets()
        .filter(|(_, b)| b.declared)
        .filter_map(|(i, b)| {
            let file = files.get(b.head.file as usize)?;
            let name = b
                .properties
                .get("BucketName")
                .and_then(|v| v.as_str())
                .map(str::to_string);
            // A deployed bucket's id is `account/region/name`.
            let mut parts = b.id.splitn(3, '/');
            let (account, region) = match (source, parts.next(), parts.next()) {
                (Source::Config, Some(a), Some(r)) => (Some(a.to_string()), Some(r.to_string())),
                _ => (None, None),
            };
            Some((
                i,
                Bucket {
                    name,
                    account,
                    region,
                    id: b.id.clone(),
                    location: Location::new(file, b.head),
                    called_at: caller(model, &b.id, files),
                    source,
                    condition: model.block(&b.id).and_then(|k| k.condition.clone()),
                    exposure: Exposure::of(access.bucket(i)?),
                    settings: settings::of(
                        model,
                        i,
                        policies.get(&i).map_or(&[][..], Vec::as_slice),
                    ),
                    findings: Vec::new(),
                    accepted: Vec::new(),
                },
            ))
        })
        .collect()
}
