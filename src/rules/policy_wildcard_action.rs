//! BL202: a bucket policy allows a wildcard action that covers write,
//! delete or permissions-management actions.

use super::helpers::buckets::bucket_name;
use super::helpers::statements::bucket_policy_statements;
use super::helpers::wildcard::narrow_wildcard;
use super::rule::{AutoFix, BOTH, Equivalents, Rule, Severity, Sink, Violation};
use crate::access::{Grantee, Own, grantee};
use crate::fix::{Context, Fix, Safety};
use crate::model::Model;
use crate::policy::{ActionSet, Level, Statement};

pub static RULE: Rule = Rule {
    code: "BL202",
    name: "policy-wildcard-action",
    severity: Severity::High,
    summary: "Bucket policy allows a wildcard action that covers writes, deletes or permission changes.",
    fix: "List the actions the principal needs, e.g. `s3:GetObject` and `s3:PutObject`, instead of a wildcard.",
    docs: include_str!("../../rules/policy-wildcard-action.md"),
    default_enabled: true,
    formats: BOTH,
    autofix: Some(&FIX),
    equivalents: Equivalents {
        checkov: &[],
        trivy: &[],
        kics: &[
            "4ae8af91-5108-42cb-9471-3bdbe596eac9",
            "a4966c4f-9141-48b8-a564-ffe9959945bc",
        ],
        cfn_nag: &["F15"],
        guard: &["S3_BUCKET_POLICY_NO_WILDCARD_ACTION"],
    },
    check,
};

fn check(model: &Model, sink: &mut Sink) {
    for (policy, st) in bucket_policy_statements(model) {
        if !st.is_allow() {
            continue;
        }
        for item in st.action_items() {
            let Some(pattern) = item.as_str() else {
                continue;
            };
            if !pattern.contains(['*', '?']) {
                continue;
            }
            let set = ActionSet::matching(&[pattern]);
            if !set.any(|a| matches!(a.level, Level::Write | Level::PermissionsManagement)) {
                continue;
            }
            let scope = if set.is_all() {
                "every S3 action".to_string()
            } else {
                format!("{} actions that {}", set.iter().count(), set.describe())
            };
            // The reach of the grant sets the severity: anyone or another
            // account (or a principal not known) is high, an AWS service
            // medium, the template's own roles and account low.
            let owner = policy
                .bucket
                .and_then(|b| sink.access.bucket(b))
                .and_then(|a| a.owner.as_deref());
            let own = Own {
                trusted: &sink.options.trusted_accounts,
                owner,
            };
            let grantee = grantee(&st, &own);
            let (severity, reach) = match grantee {
                Grantee::Anyone(_) | Grantee::OtherAccount(_) => (Severity::High, ""),
                Grantee::Unknown => (
                    Severity::High,
                    " Who receives it depends on inputs: reported as if another account.",
                ),
                Grantee::Service(_) => (Severity::Medium, " The grantee is an AWS service."),
                Grantee::Pinned(_) => (
                    Severity::Medium,
                    " A condition on fixed values limits the callers, so the grant is not public.",
                ),
                Grantee::SameAccount(_) => (
                    Severity::Low,
                    " The grantee is in this account, so the grant reaches no one outside it.",
                ),
            };
            sink.report_at(
                severity,
                item.span,
                format!("covers {scope}"),
                format!(
                    "Bucket policy of {} allows `{pattern}`, which covers {scope}, to {}.{reach}",
                    bucket_name(model, policy.bucket),
                    grantee.describe()
                ),
                policy.bucket,
            );
        }
    }
}

static FIX: AutoFix = AutoFix {
    safety: Safety::Unsafe,
    describe: "Replaces the wildcard with the S3 actions it covers at the access level the statement needs: the level its verb names (`Get*` read, `List*` list, `Put*` or `Delete*` write; `s3:*` read), or of the statement's other actions if higher, never permission or tagging changes; object actions only when the statement names objects (`arn/*`), bucket actions only when it names buckets. Always unsafe: the workload may use an action left out.",
    make,
};

fn make(v: &Violation, ctx: &Context) -> Option<Fix> {
    let statements: Vec<Statement> = bucket_policy_statements(ctx.model)
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    narrow_wildcard(v, ctx, &statements)
}
