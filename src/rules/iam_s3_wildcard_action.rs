//! BL301: an identity policy allows every S3 action.

use super::helpers::statements::identity_statements;
use super::helpers::wildcard::narrow_wildcard;
use super::rule::{AutoFix, BOTH, Equivalents, Rule, Severity, Sink, Violation};
use crate::fix::{Context, Fix, Safety};
use crate::model::Model;
use crate::policy::ActionSet;

pub static RULE: Rule = Rule {
    code: "BL301",
    name: "iam-s3-wildcard-action",
    severity: Severity::High,
    summary: "IAM policy allows every S3 action.",
    fix: "List the S3 actions the identity needs instead of `*` or `s3:*`.",
    docs: include_str!("../../rules/iam-s3-wildcard-action.md"),
    default_enabled: true,
    formats: BOTH,
    autofix: Some(&FIX),
    equivalents: Equivalents {
        checkov: &[
            "CKV_AWS_1",
            "CKV_AWS_62",
            "CKV_AWS_49",
            "CKV_AWS_63",
            "CKV_AWS_108",
            "CKV_AWS_288",
            "CKV_AWS_355",
        ],
        trivy: &[
            "AVD-AWS-0345",
            "AWS-0345",
            "aws-iam-no-s3-full-access",
            "aws-iam-unauthorized-bucket-access",
        ],
        kics: &[
            "953b3cdb-ce13-428a-aa12-318726506661",
            "2f37c4a3-58b9-4afe-8a87-d7f1d2286f84",
            "f62aa827-4ade-4dc4-89e4-1433d384a368",
            "575a2155-6af1-4026-b1af-d5bc8fe2a904",
            "b1ffa705-19a3-4b73-b9d0-0c97d0663842",
        ],
        cfn_nag: &["F3", "F4", "F5", "W11", "W12", "W13"],
        guard: &[
            "IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS",
            "IAM_MANAGEDPOLICY_NO_STATEMENTS_WITH_FULL_ACCESS",
            "IAM_POLICYDOCUMENT_NO_WILDCARD_RESOURCE",
            // `Action: "*"` on `Resource: "*"`: every S3 action on every bucket.
            "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS",
        ],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    for st in identity_statements(model) {
        // `*` on IAM or EC2 resources only grants nothing in S3.
        if !st.is_allow() || (st.not_resource.is_none() && !crate::policy::may_be_s3(st.resource)) {
            continue;
        }
        for item in st.action_items() {
            let Some(pattern) = item.as_str() else {
                continue;
            };
            if !pattern.contains('*') || !ActionSet::matching(&[pattern]).is_all() {
                continue;
            }
            let what = if pattern == "*" {
                "every action of every service, S3 included"
            } else {
                "every S3 action"
            };
            sink.report(
                item.span,
                format!("`{pattern}`"),
                format!("IAM policy allows `{pattern}`: {what}."),
                None,
            );
        }
    }
}

static FIX: AutoFix = AutoFix {
    safety: Safety::Unsafe,
    describe: "Replaces `s3:*` (not `*`, which reaches beyond S3) with the S3 actions the statement needs, as policy-wildcard-action does. Always unsafe: the workload may use an action left out.",
    make,
};

fn make(v: &Violation, ctx: &Context) -> Option<Fix> {
    // `*` grants every service: narrowing it to S3 would only guess more.
    let statements = identity_statements(ctx.model);
    let item = statements
        .iter()
        .flat_map(|s| s.action_items())
        .find(|i| i.span == v.span)?;
    if !item.as_str()?.to_ascii_lowercase().starts_with("s3:") {
        return None;
    }
    narrow_wildcard(v, ctx, &statements)
}
