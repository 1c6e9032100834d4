//! BL201: a bucket policy grants access to anyone.

use super::helpers::buckets::bucket_name;
use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::access::Way;
use crate::model::Model;
use crate::policy;

pub static RULE: Rule = Rule {
    code: "BL201",
    name: "policy-public-principal",
    severity: Severity::High,
    summary: "Bucket or access point policy grants access to anyone.",
    fix: "Name the principals that need access, or pin the wildcard principal with a condition on fixed values (aws:SourceVpce, aws:PrincipalOrgID, aws:SourceIp, ...).",
    docs: include_str!("../../rules/policy-public-principal.md"),
    default_enabled: true,
    formats: BOTH,
    autofix: None,
    equivalents: Equivalents {
        checkov: &["CKV_AWS_70", "CKV_AWS_283"],
        trivy: &[],
        kics: &[
            "7772bb8c-c0f3-42d4-8e4e-f1b8939ad085",
            "7af43613-6bb9-4a0e-8c4d-1314b799425e",
            "acc78859-765e-4011-a229-a65ea57db252",
            "ffdf4b37-7703-4dfe-a682-9d2e99bc6c09",
            "f97b7d23-568f-4bcc-9ac9-02df0d57fbba",
            "1df37f4b-7197-45ce-83f8-9994d2fcf885",
            "faa8fddf-c0aa-4b2d-84ff-e993e233ebe9",
            "66c6f96f-2d9e-417e-a998-9058aeeecd44",
            "f6397a20-4cf1-4540-a997-1d363c25ef58",
            "d24c0755-c028-44b1-b503-8e719c898832",
            "456b00a3-1072-4149-9740-6b8bb60251b0",
        ],
        cfn_nag: &["F16"],
        guard: &["S3_BUCKET_POLICY_NO_WILDCARD_PRINCIPAL"],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    let access = sink.access;
    for (bucket, grant) in access.grants() {
        let (statement, public, message) = match &grant.way {
            Way::Acl(_) | Way::ObjectAcl { .. } => continue,
            // Its actions are another service's: named as written.
            Way::AlwaysPrivate {
                statement, what, ..
            } => {
                let actions: Vec<String> = statement
                    .action_items()
                    .iter()
                    .filter_map(|a| a.as_text())
                    .map(|a| format!("`{a}`"))
                    .collect();
                let actions = match actions.is_empty() {
                    true => "every action but those it names".to_string(),
                    false => actions.join(", "),
                };
                let reason = grant.stopped_by.as_deref().unwrap_or_default();
                sink.report_at(
                    Severity::Low,
                    grant.span,
                    grant.who.clone(),
                    format!(
                        "Policy of {what} lets {} use {actions}. {} It has no effect: {reason}, and the deployment fails.",
                        grant.who,
                        unpinned(statement)
                    ),
                    bucket,
                );
                sink.witness(grant.witness.clone());
                continue;
            }
            Way::Policy {
                statement,
                grant: public,
                ..
            } => (
                statement,
                public,
                format!("Bucket policy of {}", bucket_name(model, bucket)),
            ),
            // "access point `Reports`", "Multi-Region Access Point `global`".
            Way::AccessPoint {
                statement,
                grant: public,
                ..
            }
            | Way::MultiRegion {
                statement,
                grant: public,
                ..
            } => (
                statement,
                public,
                format!(
                    "Policy of {} (bucket {})",
                    grant.way.through(),
                    bucket_name(model, bucket)
                ),
            ),
        };
        // A CloudFormation branch or a conditional resource says when it
        // holds in a note of its own; a conditional expression does not.
        let some_inputs = statement.conditional && model.branch_of(public.principal).is_none();
        let mut message = format!(
            "{message} lets {} {}{}. {}",
            public.who,
            public.actions.describe(),
            if some_inputs {
                ", for some inputs only (in one branch of a conditional expression)"
            } else {
                ""
            },
            unpinned(statement)
        );
        let mut severity = RULE.severity;
        if let Some(cancel) = &grant.cancel {
            let line = match &cancel.sid {
                Some(sid) => format!(" statement `{sid}`"),
                None => " statement for everyone".to_string(),
            };
            if cancel.whole() {
                severity = Severity::Low;
                message.push_str(&format!(
                    " The Deny{line} takes all of it away from everyone, so no one gets this access; S3 still counts the policy as public (it judges each Allow on its own), so BlockPublicPolicy would refuse it."
                ));
            } else {
                message.push_str(&format!(
                    " The Deny{line} takes part of it away; what remains lets {} {}.",
                    public.who,
                    cancel.left.filter(|a| a.is_public_sensitive()).describe()
                ));
            }
        }
        if let Some(note) = &grant.not_stopped_by {
            message.push_str(&format!(" {note}."));
        }
        match &grant.stopped_by {
            Some(reason) => sink.report_at(
                Severity::Low,
                public.principal,
                public.who,
                format!("{message} It has no effect today: {reason}."),
                bucket,
            ),
            None => sink.report_at(severity, public.principal, public.who, message, bucket),
        }
        sink.witness(grant.witness.clone());
    }
}

/// Why the statement's condition, if any, does not pin the caller.
fn unpinned(st: &policy::Statement) -> String {
    let broad = policy::broad_source_ips(st.condition);
    if broad.is_empty() {
        return "No condition pins the caller to fixed values.".into();
    }
    format!(
        "Its `aws:SourceIp` range {} is broader than /8 (IPv4) or /32 (IPv6), which S3 counts as public, and no other condition pins the caller.",
        broad
            .iter()
            .map(|r| format!("`{r}`"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}
