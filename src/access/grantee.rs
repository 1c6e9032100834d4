//! Who a bucket-policy statement grants to, ranked by how far the grant
//! reaches: anyone, another account, someone not known statically, callers
//! pinned by a condition on fixed values, an AWS service, or the owning
//! account.

use crate::policy;
use crate::tree::{Kind, Value};

/// The accounts that are not "other": the ones the configuration calls the
/// organisation's own, and the account that owns the bucket when it is
/// known (a deployed bucket's).
#[derive(Clone, Copy, Debug, Default)]
pub struct Own<'a> {
    pub trusted: &'a [String],
    pub owner: Option<&'a str>,
}

impl Own<'_> {
    /// How a literal account is named, when it is one of ours.
    pub fn names(&self, account: &str) -> Option<String> {
        if self.owner == Some(account) {
            Some(format!("the owning account {account}"))
        } else if self.trusted.iter().any(|t| t == account) {
            Some(format!("trusted account {account}"))
        } else {
            None
        }
    }
}

/// The widest grantee of a statement, worst first in declaration order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Grantee {
    /// A role, user or root of this template or account, or a trusted account.
    SameAccount(String),
    /// An AWS service principal.
    Service(String),
    /// Any principal, but only callers meeting a condition on fixed values
    /// (`aws:SourceVpce`, `aws:PrincipalOrgID`, ...): not public.
    Pinned(String),
    /// A principal whose value is known only at deploy time.
    Unknown,
    /// Another AWS account (literal id, ARN, canonical user).
    OtherAccount(String),
    /// Anyone: a wildcard, a web identity provider, or `NotPrincipal`.
    Anyone(String),
}

impl Grantee {
    pub fn describe(&self) -> String {
        match self {
            Grantee::Unknown => "a principal known only at deploy time".into(),
            Grantee::SameAccount(who)
            | Grantee::Service(who)
            | Grantee::Pinned(who)
            | Grantee::OtherAccount(who)
            | Grantee::Anyone(who) => who.clone(),
        }
    }
}

/// A literal 12-digit account id, given alone or as the account field of
/// an ARN.
pub fn literal_account(principal: &str) -> Option<&str> {
    let account = match principal.strip_prefix("arn:") {
        Some(_) => principal.split(':').nth(4)?,
        None => principal,
    };
    crate::model::s3::account_id(account)
}

/// Whether a text names the deploying account: CloudFormation's
/// `AWS::AccountId`, Terraform's `aws_caller_identity`.
fn own_account(text: &str) -> bool {
    text.contains("${AWS::AccountId}") || text.contains("aws_caller_identity")
}

/// The widest grantee of a statement. A wildcard pinned by a condition on
/// fixed values is not anyone: AWS does not count it as public.
pub fn grantee(st: &policy::Statement, own: &Own) -> Grantee {
    let wildcard =
        st.not_principal.is_some() || st.principal.and_then(policy::public_principal).is_some();
    if wildcard && policy::pinned_to_fixed_values(st.condition) {
        return Grantee::Pinned(format!(
            "callers pinned by {}",
            policy::pinning_keys(st.condition).join(", ")
        ));
    }
    if st.not_principal.is_some() {
        return Grantee::Anyone(policy::ALL_BUT.into());
    }
    let Some(principal) = st.principal else {
        return Grantee::Unknown;
    };
    if let Some((_, who)) = policy::public_principal(principal) {
        return Grantee::Anyone(who.into());
    }
    let mut widest: Option<Grantee> = None;
    let mut note = |g: Grantee| {
        if widest.as_ref().is_none_or(|w| g > *w) {
            widest = Some(g);
        }
    };
    for alt in principal.alternatives() {
        match &alt.kind {
            Kind::Map(entries) => {
                for e in entries {
                    for item in e.value.items() {
                        note(classify(&e.key, item, own));
                    }
                }
            }
            _ => note(Grantee::Unknown),
        }
    }
    widest.unwrap_or(Grantee::Unknown)
}

fn classify(kind: &str, item: &Value, own: &Own) -> Grantee {
    match kind {
        "Service" => Grantee::Service(format!(
            "the service {}",
            item.as_text().unwrap_or("principal")
        )),
        "CanonicalUser" => {
            Grantee::OtherAccount("a canonical user (an account's S3 owner id)".into())
        }
        "AWS" => match &item.kind {
            Kind::Ref(r) => Grantee::SameAccount(format!("`{}` of this template", r.target)),
            Kind::Str(s) => match literal_account(s) {
                Some(acct) => match own.names(acct) {
                    Some(ours) => Grantee::SameAccount(ours),
                    None => Grantee::OtherAccount(format!("account {acct}")),
                },
                None => Grantee::Unknown,
            },
            Kind::Partial(s) if own_account(s) => Grantee::SameAccount("this account".into()),
            _ => Grantee::Unknown,
        },
        _ => Grantee::Unknown,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn literal_accounts() {
        use super::literal_account;
        assert_eq!(literal_account("111122223333"), Some("111122223333"));
        assert_eq!(
            literal_account("arn:aws:iam::111122223333:role/x"),
            Some("111122223333")
        );
        assert_eq!(literal_account("arn:aws:iam::${AWS::AccountId}:root"), None);
        assert_eq!(literal_account("*"), None);
        assert_eq!(literal_account("arn:aws:iam::*:root"), None);
    }
}
