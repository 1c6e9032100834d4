//! The organisation's layer above an account: a resource control policy
//! (RCP) that denies every request from outside the organisation keeps
//! the public out of the account's buckets, whatever their ACLs and
//! policies grant. RCPs bind anonymous requests too, and reach buckets
//! only through the accounts they target; a target that is an
//! organisational unit or the root holds accounts not known here, so only
//! targets that are account ids count.

use crate::model::Model;
use crate::model::s3::{RESOURCE_CONTROL, SET_BY, account_id};
use crate::policy::{self, ActionSet, Effect, Statement};
use crate::tree::{Entry, Kind, Value};

/// Under `EXEMPT`, the tags whose value exempts a bucket from the Deny
/// (`aws:ResourceTag/dp:exclude:identity = true`): `{key: [values]}`.
pub const EXEMPT: &str = "ExemptTags";

/// Callers' identities a Deny may test to keep out everyone outside.
const IDENTITY_KEYS: &[&str] = &[
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
];

/// For each account an RCP of `model` targets, the layer that keeps the
/// public out of its buckets: (account, type, properties naming the policy
/// and the tags that exempt a bucket).
pub fn kept_out(model: &Model) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (_, policy) in model.of_type("AWS::Organizations::Policy") {
        let p = &policy.properties;
        if p.get("Type").and_then(Value::as_str) != Some("RESOURCE_CONTROL_POLICY") {
            continue;
        }
        let Some(content) = p.get("Content") else {
            continue;
        };
        let statements = policy::statements(content);
        let Some((st, exempt)) = statements
            .iter()
            .find_map(|st| outsiders_denied(st).map(|e| (st, e)))
        else {
            continue;
        };
        let span = policy.head;
        let by = match st.value.get("Sid").and_then(Value::as_text) {
            Some(sid) => format!(
                "the organisation's resource control policy `{}` (statement `{sid}`)",
                policy.id
            ),
            None => format!("the organisation's resource control policy `{}`", policy.id),
        };
        let layer = Value::map(
            span,
            vec![
                Entry {
                    key: SET_BY.into(),
                    key_span: span,
                    value: Value::str(span, by),
                },
                Entry {
                    key: EXEMPT.into(),
                    key_span: span,
                    value: Value::map(span, exempt),
                },
            ],
        );
        for t in p.get("TargetIds").map(Value::items).unwrap_or_default() {
            if let Some(account) = t.as_str().and_then(account_id) {
                out.push((
                    account.to_string(),
                    RESOURCE_CONTROL.to_string(),
                    layer.clone(),
                ));
            }
        }
    }
    out
}

/// Whether `st` denies every request to S3 from outside the organisation:
/// everyone, every S3 action the public can be granted, every bucket and
/// object, under a condition that only tests who the caller is (negated,
/// so a request without the key, an anonymous one, is denied) and exempts
/// AWS services or tagged buckets. Returns the exempting tags.
fn outsiders_denied(st: &Statement) -> Option<Vec<Entry>> {
    if st.effect != Effect::Deny
        || st.conditional
        || st.not_principal.is_some()
        || st.not_resource.is_some()
        || st.principal.and_then(policy::anyone).is_none()
    {
        return None;
    }
    let (denied, complete) = st.s3_actions();
    let public = ActionSet::matching(&["s3:*"]).filter(|a| a.is_public_sensitive());
    if !complete || public.without(&denied).any(|_| true) {
        return None;
    }
    let every = st.resource?.items().iter().any(|r| {
        r.as_text()
            .is_some_and(|r| r == "*" || r == "arn:aws:s3:::*" || r == "arn:*:s3:::*")
    });
    if !every {
        return None;
    }
    let mut exempt = Vec::new();
    let mut tests_identity = false;
    for op in st.condition?.entries() {
        let name = op.key.to_ascii_lowercase();
        let negated = name.starts_with("stringnot") || name.starts_with("arnnot");
        let boolean = name == "bool" || name == "boolifexists";
        for e in op.value.entries() {
            let key = e.key.to_ascii_lowercase();
            if negated && IDENTITY_KEYS.contains(&key.as_str()) {
                tests_identity = true;
            } else if negated && key.starts_with("aws:resourcetag/") {
                // A bucket tagged so is left out of the Deny.
                exempt.push(Entry {
                    key: e.key["aws:ResourceTag/".len()..].to_string(),
                    key_span: e.key_span,
                    value: e.value.clone(),
                });
            } else if boolean
                && key == "aws:principalisawsservice"
                && e.value.items().iter().all(|v| v.as_bool() == Some(false))
            {
                // Services are not the public.
            } else {
                return None;
            }
        }
    }
    tests_identity.then_some(exempt)
}

/// Why the organisation keeps the public out of `bucket`, if it does: an
/// RCP layer of its account, unless a tag exempts it. When the bucket's
/// tags are not known, whether one exempts it is not either: no stop.
pub fn stop(model: &Model, bucket: &crate::model::Resource) -> Option<String> {
    let layer = model.of_type(RESOURCE_CONTROL).next()?.1;
    let by = layer.properties.get(SET_BY)?.as_str()?;
    let exempt = layer
        .properties
        .get(EXEMPT)
        .map(Value::entries)
        .unwrap_or_default();
    if !exempt.is_empty() {
        let tags = bucket.properties.get("Tags");
        if tags.is_some_and(|t| !matches!(t.kind, Kind::Seq(_))) {
            return None;
        }
        let has = |key: &str, values: &Value| {
            tags.map(Value::items).unwrap_or_default().iter().any(|t| {
                t.get("Key").and_then(Value::as_str) == Some(key)
                    && t.get("Value")
                        .and_then(Value::as_str)
                        .is_some_and(|v| values.items().iter().any(|w| w.as_str() == Some(v)))
            })
        };
        if exempt.iter().any(|e| has(&e.key, &e.value)) {
            return None;
        }
    }
    Some(format!(
        "{by} denies every request from outside the organisation"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    fn denies(statement: &str) -> Option<Vec<String>> {
        let doc = yaml::parse(&format!("Statement: [{statement}]"), 0)
            .unwrap()
            .docs
            .remove(0);
        let all = policy::statements(&doc);
        outsiders_denied(&all[0]).map(|e| e.into_iter().map(|e| e.key).collect())
    }

    #[test]
    fn a_deny_on_who_the_caller_is_keeps_outsiders_out() {
        let perimeter = "{Effect: Deny, Principal: '*', Action: ['s3:*', 'sqs:*'], Resource: '*',
            Condition: {StringNotEqualsIfExists: {aws:PrincipalOrgID: o-a1b2c3d4e5, 'aws:ResourceTag/dp:exclude:identity': 'true'},
                        BoolIfExists: {aws:PrincipalIsAWSService: 'false'}}}";
        assert_eq!(
            denies(perimeter),
            Some(vec!["dp:exclude:identity".to_string()])
        );
        let account =
            "{Effect: Deny, Principal: {AWS: '*'}, Action: '*', Resource: 'arn:aws:s3:::*',
            Condition: {StringNotEquals: {aws:PrincipalAccount: ['111122223333']}}}";
        assert_eq!(denies(account), Some(vec![]));
    }

    #[test]
    fn a_deny_that_may_let_an_outsider_through_is_no_layer() {
        for statement in [
            // Only reads are denied.
            "{Effect: Deny, Principal: '*', Action: 's3:GetObject', Resource: '*', Condition: {StringNotEquals: {aws:PrincipalOrgID: o-1}}}",
            // Tests the network, not the caller.
            "{Effect: Deny, Principal: '*', Action: 's3:*', Resource: '*', Condition: {NotIpAddress: {aws:SourceIp: 10.0.0.0/8}}}",
            // A positive test: denies the organisation's own callers.
            "{Effect: Deny, Principal: '*', Action: 's3:*', Resource: '*', Condition: {StringEquals: {aws:PrincipalOrgID: o-1}}}",
            // One bucket only.
            "{Effect: Deny, Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::logs/*', Condition: {StringNotEquals: {aws:PrincipalOrgID: o-1}}}",
            // No condition on who: denies everyone, the organisation too
            // (no layer this reading vouches for).
            "{Effect: Deny, Principal: '*', Action: 's3:*', Resource: '*'}",
        ] {
            assert_eq!(denies(statement), None, "{statement}");
        }
    }
}
