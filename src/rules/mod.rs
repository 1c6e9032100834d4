//! The rules. Each rule is one file: its metadata (the single source for
//! `rules`, `explain`, JSON and docs), its check over the model, and the
//! wording of its messages. Its user documentation is `rules/<name>.md`.

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

use serde::Serialize;

use crate::config::RuleOptions;
use crate::fix::AutoFix;
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

/// Where the project, and each rule's page under `rules/`, are published.
pub const DOCS_BASE: &str = "https://github.com/bucketlint/bucketlint";

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
        format!("{DOCS_BASE}/blob/main/rules/{}.md", self.name)
    }
}

/// Every rule, in code order.
pub static RULES: &[&Rule] = &[
    &unknown_value::RULE,
    &unused_suppression::RULE,
    &invalid_suppression::RULE,
    &acl_public_read::RULE,
    &acl_public_write::RULE,
    &acl_authenticated_read::RULE,
    &public_access_block_disabled::RULE,
    &public_access_block_missing::RULE,
    &acl_public_acp::RULE,
    &account_public_access_block_disabled::RULE,
    &access_point_public::RULE,
    &object_ownership_acls_enabled::RULE,
    &website_hosting::RULE,
    &cors_wildcard_origin::RULE,
    &dns_compliant_name::RULE,
    &policy_public_principal::RULE,
    &policy_wildcard_action::RULE,
    &policy_allow_not_action::RULE,
    &policy_allow_not_principal::RULE,
    &policy_insecure_transport::RULE,
    &policy_cross_account::RULE,
    &policy_deny_lockout::RULE,
    &policy_missing::RULE,
    &iam_s3_wildcard_action::RULE,
    &iam_s3_all_buckets::RULE,
    &iam_s3_read_all_buckets::RULE,
    &iam_s3_write_all_buckets::RULE,
    &iam_allow_not_action::RULE,
    &iam_s3_full_access_managed::RULE,
    &encryption_missing::RULE,
    &encryption_not_kms::RULE,
    &bucket_key_disabled::RULE,
    &sse_not_enforced_by_policy::RULE,
    &object_not_encrypted::RULE,
    &versioning_disabled::RULE,
    &mfa_delete_disabled::RULE,
    &object_lock_disabled::RULE,
    &lifecycle_missing::RULE,
    &lifecycle_abort_mpu_missing::RULE,
    &replication_missing::RULE,
    &event_notifications_missing::RULE,
    &deletion_policy_missing::RULE,
    &transfer_acceleration_disabled::RULE,
    &access_logging_missing::RULE,
    &logging_target_self::RULE,
    &log_delivery_write_on_source::RULE,
    &object_level_logging_missing::RULE,
];

/// A rule by code or name, case-insensitively.
pub fn find(key: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
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
}

/// Collects the violations of one rule run.
pub struct Sink<'a> {
    rule: &'static Rule,
    /// Settings of the rules from the configuration file.
    pub options: &'a RuleOptions,
    pub violations: Vec<Violation>,
}

impl<'a> Sink<'a> {
    pub fn new(rule: &'static Rule, options: &'a RuleOptions) -> Sink<'a> {
        Sink {
            rule,
            options,
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
        });
    }
}

/// Runs the enabled rules over a model.
pub fn run(model: &Model, enabled: &[&'static Rule], options: &RuleOptions) -> Vec<Violation> {
    let mut out = Vec::new();
    for rule in enabled {
        let mut sink = Sink::new(rule, options);
        (rule.check)(model, &mut sink);
        out.append(&mut sink.violations);
    }
    // The same text can be reached twice (a policy document shared by two
    // policies); report it once.
    out.sort_by(|a, b| (a.rule.code, a.span).cmp(&(b.rule.code, b.span)));
    out.dedup_by(|a, b| a.rule.code == b.rule.code && a.span == b.span);
    out
}

/// Every statement of every bucket policy, with the policy resource.
pub(crate) fn bucket_policy_statements(
    model: &Model,
) -> Vec<(&crate::model::Resource, crate::policy::Statement<'_>)> {
    model
        .bucket_policies()
        .flat_map(|p| {
            p.properties
                .get("PolicyDocument")
                .map(crate::policy::statements)
                .unwrap_or_default()
                .into_iter()
                .map(move |s| (p, s))
        })
        .collect()
}

/// Every statement of every identity policy.
pub(crate) fn identity_statements(model: &Model) -> Vec<crate::policy::Statement<'_>> {
    model
        .identity_policies()
        .into_iter()
        .flat_map(|p| crate::policy::statements(p.document))
        .collect()
}

/// What an identity-policy statement allows on every bucket, by tier. A
/// statement is reported once, by the most severe rule that applies:
/// every S3 action (BL301), deletes and permission changes (BL302),
/// writes (BL304), object reads (BL303).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AllBuckets {
    Everything,
    DeleteOrPermissions,
    Write,
    Read,
}

pub(crate) fn all_buckets_tier(
    st: &crate::policy::Statement,
) -> Option<(AllBuckets, crate::source::Span, crate::policy::ActionSet)> {
    use crate::policy::Level;
    if !st.is_allow() {
        return None;
    }
    let span = st.resource.and_then(crate::policy::all_buckets)?;
    let (actions, _) = st.s3_actions();
    let tier = if actions.is_all() {
        AllBuckets::Everything
    } else if actions.any(|a| a.is_delete() || a.level == Level::PermissionsManagement) {
        AllBuckets::DeleteOrPermissions
    } else if actions.any(|a| a.level == Level::Write) {
        AllBuckets::Write
    } else if actions.any(|a| a.level == Level::Read && a.name.starts_with("s3:GetObject")) {
        AllBuckets::Read
    } else {
        return None;
    };
    Some((tier, span, actions))
}

/// Reports each declared bucket for which `has` is false, at the bucket:
/// the shape shared by the rules about a setting a bucket lacks.
pub(crate) fn report_buckets_without(
    model: &Model,
    sink: &mut Sink,
    label: &str,
    message: impl Fn(&str) -> String,
    has: impl Fn(usize, &crate::model::Resource) -> bool,
) {
    for (i, bucket) in model.buckets().filter(|(_, b)| b.declared) {
        if !has(i, bucket) {
            sink.report(bucket.head, label, message(&bucket.id), Some(i));
        }
    }
}

/// How a bucket is named in messages.
pub(crate) fn bucket_name(model: &Model, index: Option<usize>) -> String {
    match index.and_then(|i| model.resources.get(i)) {
        Some(b) => format!("`{}`", b.id),
        None => "its bucket".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        for (i, a) in RULES.iter().enumerate() {
            assert!(a.code.starts_with("BL") && a.code.len() == 5, "{}", a.code);
            assert!(
                a.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit())
            );
            for b in &RULES[i + 1..] {
                assert_ne!(a.code, b.code);
                assert_ne!(a.name, b.name);
            }
        }
    }

    #[test]
    fn every_rule_page_has_the_sections_and_matches_the_registry() {
        for r in RULES {
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
                "## Fix safety",
                "## References",
            ] {
                assert!(
                    r.docs.contains(section),
                    "rules/{}.md lacks {section}",
                    r.name
                );
            }
            let title = r.docs.lines().next().unwrap_or("");
            assert_eq!(
                title,
                format!("# {} {}", r.code, r.name),
                "title of rules/{}.md",
                r.name
            );
            let status = if r.default_enabled {
                "On by default."
            } else {
                "Opt-in"
            };
            let line = format!("Severity: {}. {status}", r.severity.as_str());
            assert!(
                r.docs.contains(&line),
                "rules/{}.md does not say `{line}`",
                r.name
            );
            assert!(
                r.docs.contains(r.summary),
                "rules/{}.md does not state the summary",
                r.name
            );
            assert!(
                r.docs.contains("```yaml") && r.docs.contains("```hcl"),
                "rules/{}.md needs both examples",
                r.name
            );
        }
    }

    /// The README's rule table is `bucketlint rules --format markdown`.
    #[test]
    fn the_readme_lists_every_rule() {
        let readme = include_str!("../../README.md");
        let table = crate::report::markdown::rules_table(RULES);
        assert!(
            readme.contains(&table),
            "README.md's rule table differs from `bucketlint rules --format markdown`:\n{table}"
        );
    }

    #[test]
    fn rules_are_found_by_code_or_name() {
        assert_eq!(find("bl201").unwrap().name, "policy-public-principal");
        assert_eq!(find("Policy-Public-Principal").unwrap().code, "BL201");
        assert!(find("nope").is_none());
    }
}
