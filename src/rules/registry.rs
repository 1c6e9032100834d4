//! The registry: every rule in code order, lookup by code or name, and
//! running the enabled rules over a model.

use super::rule::{Rule, RuleOptions, Sink, Violation};
use crate::access::Fleet;
use crate::model::Model;

/// Every rule, in code order.
pub static RULES: &[&Rule] = &[
    &super::unknown_value::RULE,
    &super::unused_suppression::RULE,
    &super::invalid_suppression::RULE,
    &super::acl_public_read::RULE,
    &super::acl_public_write::RULE,
    &super::acl_authenticated_read::RULE,
    &super::public_access_block_disabled::RULE,
    &super::public_access_block_missing::RULE,
    &super::acl_public_acp::RULE,
    &super::account_public_access_block_disabled::RULE,
    &super::access_point_public::RULE,
    &super::object_ownership_acls_enabled::RULE,
    &super::website_hosting::RULE,
    &super::cors_wildcard_origin::RULE,
    &super::dns_compliant_name::RULE,
    &super::policy_public_principal::RULE,
    &super::policy_wildcard_action::RULE,
    &super::policy_allow_not_action::RULE,
    &super::policy_allow_not_principal::RULE,
    &super::policy_insecure_transport::RULE,
    &super::policy_cross_account::RULE,
    &super::policy_deny_lockout::RULE,
    &super::policy_missing::RULE,
    &super::iam_s3_wildcard_action::RULE,
    &super::iam_s3_all_buckets::RULE,
    &super::iam_s3_read_all_buckets::RULE,
    &super::iam_s3_write_all_buckets::RULE,
    &super::iam_allow_not_action::RULE,
    &super::iam_s3_full_access_managed::RULE,
    &super::encryption_missing::RULE,
    &super::encryption_not_kms::RULE,
    &super::bucket_key_disabled::RULE,
    &super::sse_not_enforced_by_policy::RULE,
    &super::object_not_encrypted::RULE,
    &super::versioning_disabled::RULE,
    &super::mfa_delete_disabled::RULE,
    &super::object_lock_disabled::RULE,
    &super::lifecycle_missing::RULE,
    &super::lifecycle_abort_mpu_missing::RULE,
    &super::replication_missing::RULE,
    &super::event_notifications_missing::RULE,
    &super::deletion_policy_missing::RULE,
    &super::transfer_acceleration_disabled::RULE,
    &super::access_logging_missing::RULE,
    &super::logging_target_self::RULE,
    &super::log_delivery_write_on_source::RULE,
    &super::object_level_logging_missing::RULE,
    &super::drift::RULE,
];

/// A rule by code or name, case-insensitively.
pub fn find(key: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
}

/// Runs the enabled rules over a model.
pub fn run(
    model: &Model,
    access: &Fleet,
    enabled: &[&'static Rule],
    options: &RuleOptions,
) -> Vec<Violation> {
    let mut out = Vec::new();
    for rule in enabled {
        let mut sink = Sink::new(rule, options, access);
        (rule.check)(model, &mut sink);
        out.append(&mut sink.violations);
    }
    // The same text can be reached twice (a policy document shared by two
    // policies); report it once for each bucket. Kept per bucket: the same text in several module instances is one
    // finding that lists them, made when findings are placed.
    out.sort_by(|a, b| (a.rule.code, a.span, a.bucket).cmp(&(b.rule.code, b.span, b.bucket)));
    out.dedup_by(|a, b| a.rule.code == b.rule.code && a.span == b.span && a.bucket == b.bucket);
    out
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

    #[test]
    fn rules_are_found_by_code_or_name() {
        assert_eq!(find("bl201").unwrap().name, "policy-public-principal");
        assert_eq!(find("Policy-Public-Principal").unwrap().code, "BL201");
        assert!(find("nope").is_none());
    }
}
