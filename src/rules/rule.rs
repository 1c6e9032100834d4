//! What a rule is: its metadata (the single source for `rules`,
//! `explain`, SARIF, configuration and docs), the violations it reports,
//! the sink that collects them, its fix, and the options a configuration
//! file may give it. Everything here is data the rules fill in; the list
//! of rules is `registry`.

use serde::Serialize;

use crate::access::{Fleet, Witness};
use crate::fix::{Context, Fix, Safety};
use crate::model::{Format, Model};
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

/// Where the project is published (Cargo.toml's `repository`).
pub const DOCS_BASE: &str = env!("CARGO_PKG_REPOSITORY");

/// Each rule's page under `rules/`, at the tag of this version, so that a
/// link always shows the documentation of the binary that printed it.
const RULE_PAGES: &str = concat!(
    env!("CARGO_PKG_REPOSITORY"),
    "/blob/v",
    env!("CARGO_PKG_VERSION"),
    "/rules/"
);

/// Both CloudFormation and Terraform.
pub const BOTH: &[Format] = &[Format::CloudFormation, Format::Terraform];

/// Check ids of other tools that test the same thing.
#[derive(Debug, Default, Serialize)]
pub struct Equivalents {
    pub checkov: &'static [&'static str],
    pub trivy: &'static [&'static str],
    pub kics: &'static [&'static str],
    pub cfn_nag: &'static [&'static str],
    pub guard: &'static [&'static str],
}

impl Equivalents {
    /// A rule no peer checks.
    pub const NONE: Equivalents = Equivalents {
        checkov: &[],
        trivy: &[],
        kics: &[],
        cfn_nag: &[],
        guard: &[],
    };
}

pub struct Rule {
    /// Stable code, never reused.
    pub code: &'static str,
    /// Kebab-case name; accepted wherever the code is.
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what is wrong.
    pub summary: &'static str,
    /// One line: what to do instead.
    pub fix: &'static str,
    /// The rule's page, `rules/<name>.md`.
    pub docs: &'static str,
    pub default_enabled: bool,
    /// The inputs that can express what the rule checks.
    pub formats: &'static [Format],
    /// The fix `--fix` applies, if any: its safety and what it changes.
    pub autofix: Option<&'static AutoFix>,
    pub equivalents: Equivalents,
    pub check: fn(&Model, &mut Sink),
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code, self.name)
    }
}

impl Rule {
    pub fn help_url(&self) -> String {
        format!("{RULE_PAGES}{}.md", self.name)
    }
}

/// A rule's fix, as its metadata declares it.
pub struct AutoFix {
    /// The most a fix of this rule can be: some instances may be safer.
    pub safety: Safety,
    /// One line for `rules` and `explain`: what the fix changes.
    pub describe: &'static str,
    pub make: fn(&Violation, &Context) -> Option<Fix>,
}

/// Options of individual rules (`[rules.<name>]`).
#[derive(Clone, Debug, Default)]
pub struct RuleOptions {
    /// `[rules.policy-cross-account] trusted-accounts`: accounts that may be
    /// granted access without a finding.
    pub trusted_accounts: Vec<String>,
}

/// One violation, as a rule reports it.
#[derive(Clone, Debug)]
pub struct Violation {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub message: String,
    /// The offending node.
    pub span: Span,
    pub label: String,
    /// Index of the bucket concerned in the model, if any.
    pub bucket: Option<usize>,
    /// For a public exposure: one request AWS would allow.
    pub witness: Option<Box<Witness>>,
}

/// Collects the violations of one rule run.
pub struct Sink<'a> {
    rule: &'static Rule,
    /// Settings of the rules from the configuration file.
    pub options: &'a RuleOptions,
    /// Who can reach each bucket: the rules about access report it.
    pub access: &'a Fleet<'a>,
    pub violations: Vec<Violation>,
}

impl<'a> Sink<'a> {
    pub fn new(rule: &'static Rule, options: &'a RuleOptions, access: &'a Fleet<'a>) -> Sink<'a> {
        Sink {
            rule,
            options,
            access,
            violations: Vec::new(),
        }
    }

    pub fn report(
        &mut self,
        span: Span,
        label: impl Into<String>,
        message: impl Into<String>,
        bucket: Option<usize>,
    ) {
        self.report_at(self.rule.severity, span, label, message, bucket);
    }

    pub fn report_at(
        &mut self,
        severity: Severity,
        span: Span,
        label: impl Into<String>,
        message: impl Into<String>,
        bucket: Option<usize>,
    ) {
        self.violations.push(Violation {
            rule: self.rule,
            severity,
            message: message.into(),
            span,
            label: label.into(),
            bucket,
            witness: None,
        });
    }

    /// Attaches a witness to the violation just reported.
    pub fn witness(&mut self, witness: Witness) {
        if let Some(v) = self.violations.last_mut() {
            v.witness = Some(Box::new(witness));
        }
    }
}
