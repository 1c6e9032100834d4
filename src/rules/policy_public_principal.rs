//! BL201: a bucket policy grants access to anyone.

use super::helpers::buckets::{arn_name, bucket_name};
use super::helpers::statements::bucket_policy_statements;
use super::rule::{BOTH, Equivalents, Rule, Severity, Sink};
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
    for (policy, st) in bucket_policy_statements(model) {
        let Some(grant) = policy::public_grant(&st) else {
            continue;
        };
        // A CloudFormation branch says when it holds in a note of its own.
        let branch = st.conditional && model.branch_of(grant.principal).is_none();
        let message = format!(
            "Bucket policy of {} lets {} {}{}. {}",
            bucket_name(model, policy.bucket),
            grant.who,
            grant.actions.describe(),
            if branch {
                " in one branch of a condition"
            } else {
                ""
            },
            unpinned(&st)
        );
        let bucket = policy.bucket.and_then(|b| model.resources.get(b));
        let reason = bucket.and_then(|b| b.policy_neutraliser(model));
        let known_name = bucket.map(arn_name);
        report(
            sink,
            &st,
            &grant,
            message,
            reason,
            known_name,
            policy.bucket,
        );
    }
    for (_, ap) in model.of_type("AWS::S3::AccessPoint") {
        // A VPC access point cannot be reached from the internet.
        if ap.properties.get("VpcConfiguration").is_some() {
            continue;
        }
        let Some(doc) = ap.properties.get("Policy") else {
            continue;
        };
        for st in policy::statements(doc) {
            let Some(grant) = policy::public_grant(&st) else {
                continue;
            };
            let message = format!(
                "Policy of access point `{}` (bucket {}) lets {} {}. {}",
                ap.id,
                bucket_name(model, ap.bucket),
                grant.who,
                grant.actions.describe(),
                unpinned(&st)
            );
            let bucket = ap.bucket.and_then(|b| model.resources.get(b));
            let reason = ap
                .access_point_neutraliser()
                .or_else(|| bucket.and_then(|b| b.policy_neutraliser(model)));
            let known_name = bucket.map(arn_name);
            report(sink, &st, &grant, message, reason, known_name, ap.bucket);
        }
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

/// Reports a public grant with its witness, at low severity when a setting
/// neutralises it.
fn report(
    sink: &mut Sink,
    st: &policy::Statement,
    grant: &policy::PublicGrant,
    message: String,
    neutraliser: Option<String>,
    bucket_name: Option<String>,
    bucket: Option<usize>,
) {
    let mut witness = policy::witness::of_grant(st, grant, bucket_name.as_deref());
    match neutraliser {
        Some(reason) => {
            sink.report_at(
                Severity::Low,
                grant.principal,
                grant.who,
                format!("{message} It has no effect today: {reason}."),
                bucket,
            );
            witness.stopped_by = Some(reason);
        }
        None => sink.report(grant.principal, grant.who, message, bucket),
    }
    sink.witness(witness);
}
