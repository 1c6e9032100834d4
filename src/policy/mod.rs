//! IAM policy semantics: statements normalised from the model's values,
//! action patterns expanded against the S3 action list, and AWS's own
//! definition of a public policy.
//!
//! Every question is answered from what is known: a value the model could
//! not evaluate never makes a statement public, and never counts as the
//! protection a rule asks for.

pub mod actions;
mod conditions;

use crate::source::Span;
use crate::tree::{Kind, Value};
pub use actions::{ActionSet, Level};
pub use conditions::{broad_source_ips, pinned_to_fixed_values, pinning_keys, too_broad};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
    Unknown,
}

/// One statement of a policy document.
#[derive(Clone, Debug)]
pub struct Statement<'a> {
    pub value: &'a Value,
    /// The statement exists only in some branch of a condition.
    pub conditional: bool,
    pub effect: Effect,
    pub principal: Option<&'a Value>,
    pub not_principal: Option<&'a Value>,
    pub action: Option<&'a Value>,
    pub not_action: Option<&'a Value>,
    pub resource: Option<&'a Value>,
    pub not_resource: Option<&'a Value>,
    pub condition: Option<&'a Value>,
}

/// The statements of a policy document; statements under `Fn::If` (or a
/// Terraform conditional) are all returned and marked conditional.
pub fn statements(doc: &Value) -> Vec<Statement<'_>> {
    let mut out = Vec::new();
    for alt in doc.alternatives() {
        let Some(list) = alt.get("Statement") else {
            continue;
        };
        let direct: Vec<&Value> = match &list.kind {
            Kind::Seq(items) => items.iter().collect(),
            _ => vec![list],
        };
        for item in direct {
            let alts = item.alternatives();
            let conditional =
                alts.len() != 1 || item.may_be_absent() || doc.alternatives().len() > 1;
            for s in alts {
                if s.is_map() {
                    out.push(Statement::new(s, conditional));
                }
            }
        }
    }
    out
}

impl<'a> Statement<'a> {
    fn new(value: &'a Value, conditional: bool) -> Statement<'a> {
        let effects: Vec<Option<&str>> = value
            .get("Effect")
            .map(|e| e.alternatives().into_iter().map(Value::as_str).collect())
            .unwrap_or_default();
        let is = |want: &str| {
            !effects.is_empty()
                && effects
                    .iter()
                    .all(|e| e.is_some_and(|e| e.eq_ignore_ascii_case(want)))
        };
        let effect = if is("Allow") {
            Effect::Allow
        } else if is("Deny") {
            Effect::Deny
        } else {
            Effect::Unknown
        };
        // An Effect that is Allow in some branch is treated as Allow.
        let effect = if effect == Effect::Unknown
            && effects
                .iter()
                .any(|e| e.is_some_and(|e| e.eq_ignore_ascii_case("Allow")))
        {
            Effect::Allow
        } else {
            effect
        };
        Statement {
            value,
            conditional,
            effect,
            principal: value.get("Principal"),
            not_principal: value.get("NotPrincipal"),
            action: value.get("Action"),
            not_action: value.get("NotAction"),
            resource: value.get("Resource"),
            not_resource: value.get("NotResource"),
            condition: value.get("Condition"),
        }
    }

    pub fn is_allow(&self) -> bool {
        self.effect == Effect::Allow
    }

    /// The node to point at for the whole statement: its `Sid` or `Effect`.
    pub fn anchor(&self) -> Span {
        self.value
            .entry("Sid")
            .or_else(|| self.value.entry("Effect"))
            .map(|e| e.key_span)
            .unwrap_or(self.value.span)
    }

    /// The S3 actions this statement applies to, and whether every pattern
    /// was known. `NotAction` gives the complement.
    pub fn s3_actions(&self) -> (ActionSet, bool) {
        let (field, negate) = match (self.action, self.not_action) {
            (Some(a), _) => (a, false),
            (None, Some(n)) => (n, true),
            (None, None) => return (ActionSet::default(), false),
        };
        let items = field.items();
        let known: Vec<&str> = items.iter().filter_map(|v| v.as_str()).collect();
        let complete = known.len() == items.len();
        let set = ActionSet::matching(&known);
        if negate {
            // Unknown excluded patterns might exclude anything.
            if complete {
                (set.complement(), true)
            } else {
                (ActionSet::default(), false)
            }
        } else {
            (set, complete)
        }
    }

    /// Every item of the `Action` field, each branch included.
    pub fn action_items(&self) -> Vec<&'a Value> {
        self.action.map(Value::items).unwrap_or_default()
    }
}

/// What a Deny on `aws:SecureTransport = false` covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TlsDeny {
    pub all_actions: bool,
    pub all_principals: bool,
    pub coverage: Coverage,
    /// The transport condition is the only one (others narrow the Deny).
    pub unconditional: bool,
}

impl TlsDeny {
    pub fn is_complete(&self) -> bool {
        self.all_actions
            && self.all_principals
            && self.unconditional
            && self.coverage.bucket
            && self.coverage.objects
    }
}

/// The statement as a Deny of insecure transport, if it is one.
pub fn tls_deny(st: &Statement) -> Option<TlsDeny> {
    if st.effect != Effect::Deny || st.conditional {
        return None;
    }
    let condition = st.condition?;
    let ops = condition.entries();
    let transport = ops.iter().any(|op| {
        let name = op.key.to_ascii_lowercase();
        (name == "bool" || name == "boolifexists")
            && op.value.entries().iter().any(|k| {
                k.key.eq_ignore_ascii_case("aws:SecureTransport") && {
                    let items = k.value.items();
                    !items.is_empty() && items.iter().all(|v| v.as_bool() == Some(false))
                }
            })
    });
    if !transport {
        return None;
    }
    let (actions, _) = st.s3_actions();
    Some(TlsDeny {
        all_actions: actions.is_all(),
        all_principals: st.principal.and_then(anyone).is_some(),
        coverage: coverage(st.resource),
        unconditional: ops.len() == 1 && ops[0].value.entries().len() == 1,
    })
}

/// True when every statement of the document could be read.
pub fn fully_known(doc: &Value) -> bool {
    doc.alternatives().iter().all(|d| {
        d.get("Statement").is_some_and(|s| {
            let items = match &s.kind {
                Kind::Seq(items) => items.iter().flat_map(Value::alternatives).collect(),
                _ => s.alternatives(),
            };
            items.iter().all(|i| i.is_map())
        })
    })
}

/// A statement that makes a bucket policy public, by AWS's definition.
#[derive(Clone, Debug)]
pub struct PublicGrant {
    /// The principal that admits anyone.
    pub principal: Span,
    /// Who it admits: "anyone", "any Facebook user", ...
    pub who: &'static str,
    /// The S3 actions granted.
    pub actions: ActionSet,
}

/// Who an Allow with `NotPrincipal` admits.
pub const ALL_BUT: &str = "everyone but the principals `NotPrincipal` names";

/// Web identity providers: anyone with an account there can sign in and
/// act as the principal, so a grant to one is public (the S3 User Guide's
/// example of a public policy is a grant to `graph.facebook.com`).
const WEB_IDENTITY: &[(&str, &str)] = &[
    ("graph.facebook.com", "any Facebook user"),
    ("accounts.google.com", "any Google user"),
    ("www.amazon.com", "any Login with Amazon user"),
    (
        "cognito-identity.amazonaws.com",
        "any Amazon Cognito identity",
    ),
];

/// Where a principal admits anyone, and who: a wildcard (see [`anyone`])
/// or a web identity provider under `Federated`.
pub fn public_principal(principal: &Value) -> Option<(Span, &'static str)> {
    if let Some(star) = anyone(principal) {
        return Some((star, "anyone"));
    }
    principal
        .alternatives()
        .into_iter()
        .filter_map(|alt| alt.get("Federated"))
        .flat_map(|f| f.items())
        .find_map(|item| {
            let name = item.as_str()?.to_ascii_lowercase();
            WEB_IDENTITY
                .iter()
                .find(|(provider, _)| *provider == name)
                .map(|(_, who)| (item.span, *who))
        })
}

/// Whether a bucket-policy statement grants access to anyone: an Allow to a
/// wildcard principal, not pinned by a condition on fixed values, granting
/// at least one of the actions AWS counts (`s3:Get*`, `s3:List*`,
/// `s3:Put*`, `s3:Delete*`, `s3:AbortMultipartUpload`, `s3:RestoreObject`).
pub fn public_grant(st: &Statement) -> Option<PublicGrant> {
    let (principal, who) = public_audience(st)?;
    let (actions, _) = st.s3_actions();
    actions
        .any(|a| a.is_public_sensitive())
        .then_some(PublicGrant {
            principal,
            who,
            actions,
        })
}

/// Whom an Allow admits when it admits the public, whatever its actions:
/// the span of the principal that does, and who ("anyone", ...). `None`
/// for a Deny, a principal that names someone, or a caller pinned by a
/// condition on fixed values.
pub fn public_audience(st: &Statement) -> Option<(Span, &'static str)> {
    if !st.is_allow() || pinned_to_fixed_values(st.condition) {
        return None;
    }
    // `NotPrincipal` in an Allow admits everyone it does not name,
    // anonymous callers included.
    match (st.principal.and_then(public_principal), st.not_principal) {
        (Some(found), _) => Some(found),
        (None, Some(not)) => Some((not.span, ALL_BUT)),
        (None, None) => None,
    }
}

/// Where a principal grants to anyone: `"*"`, `{"AWS": "*"}` or `"*"` in a
/// list of AWS principals. Returns the span of that `*`.
pub fn anyone(principal: &Value) -> Option<Span> {
    for alt in principal.alternatives() {
        match &alt.kind {
            Kind::Str(s) if s == "*" => return Some(alt.span),
            Kind::Map(_) => {
                if let Some(aws) = alt.get("AWS")
                    && let Some(star) = aws.items().into_iter().find(|v| v.as_str() == Some("*"))
                {
                    return Some(star.span);
                }
            }
            _ => {}
        }
    }
    None
}

/// What a statement's resources cover, as far as is known.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    pub bucket: bool,
    pub objects: bool,
}

/// Which of a bucket and its objects a `Resource` field covers. Unknown
/// values count as covering (a rule must not fire on what it cannot know).
pub fn coverage(resource: Option<&Value>) -> Coverage {
    let mut c = Coverage::default();
    let Some(resource) = resource else { return c };
    for item in resource.items() {
        match &item.kind {
            Kind::Str(s) if s == "*" => {
                return Coverage {
                    bucket: true,
                    objects: true,
                };
            }
            Kind::Str(s) | Kind::Partial(s) => {
                if s.ends_with("/*") || s.ends_with("*") && s.contains('/') {
                    c.objects = true;
                } else if !s.contains('/') {
                    c.bucket = true;
                    if s.ends_with('*') {
                        c.objects = true;
                    }
                }
            }
            Kind::Ref(_) => c.bucket = true,
            _ => {
                return Coverage {
                    bucket: true,
                    objects: true,
                };
            }
        }
    }
    c
}

/// True when some item of a `Resource` field may name an S3 bucket or
/// object: `*`, an ARN whose service matches `s3`, or a value not known.
pub fn may_be_s3(resource: Option<&Value>) -> bool {
    let Some(resource) = resource else {
        return true;
    };
    resource.items().into_iter().any(|item| match &item.kind {
        Kind::Str(s) => {
            s == "*"
                || s.split(':')
                    .nth(2)
                    .is_some_and(|svc| actions::glob(svc, "s3"))
        }
        Kind::Partial(s) => {
            !s.starts_with("arn:")
                || s.split(':')
                    .nth(2)
                    .is_none_or(|svc| svc.contains("${") || actions::glob(svc, "s3"))
        }
        _ => true,
    })
}

/// True when a resource pattern covers every bucket (`*`, `arn:aws:s3:::*`,
/// `arn:aws:s3:::*/*`). Returns the span of that item.
pub fn all_buckets(resource: &Value) -> Option<Span> {
    resource.items().into_iter().find_map(|item| {
        let s = item.as_str()?;
        let all = s == "*" || {
            let parts: Vec<&str> = s.splitn(6, ':').collect();
            parts.len() == 6
                && parts[0] == "arn"
                && (parts[2] == "s3" || parts[2] == "*")
                && parts[5].starts_with('*')
        };
        all.then_some(item.span)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    fn doc(text: &str) -> Value {
        yaml::parse(text, 0).unwrap().docs.remove(0)
    }

    /// Whole statements against AWS's definition of public, one edge case a
    /// row (the cases where peers disagree or are wrong).
    #[test]
    fn public_statements() {
        let rows = [
            // Wildcard principal forms.
            (
                "{Effect: Allow, Principal: '*', Action: 's3:GetObject'}",
                true,
            ),
            (
                "{Effect: Allow, Principal: {AWS: '*'}, Action: 's3:GetObject'}",
                true,
            ),
            (
                "{Effect: Allow, Principal: {AWS: ['*']}, Action: 's3:GetObject'}",
                true,
            ),
            (
                "{Effect: Allow, Principal: {AWS: 'arn:aws:iam::111122223333:role/app-*'}, Action: 's3:GetObject'}",
                false,
            ),
            (
                "{Effect: Allow, Principal: {Service: '*'}, Action: 's3:GetObject'}",
                false,
            ),
            // Deny never makes a policy public; no Effect is not an Allow.
            ("{Effect: Deny, Principal: '*', Action: 's3:*'}", false),
            ("{Principal: '*', Action: 's3:*'}", false),
            // Pinned by a fixed value of an AWS-listed key (any case).
            (
                "{Effect: Allow, Principal: '*', Action: 's3:GetObject', Condition: {StringEquals: {aws:SourceVpce: vpce-1}}}",
                false,
            ),
            (
                "{Effect: Allow, Principal: '*', Action: 's3:GetObject', Condition: {StringEquals: {AWS:SOURCEVPCE: vpce-1}}}",
                false,
            ),
            (
                "{Effect: Allow, Principal: '*', Action: 's3:GetObject', Condition: {IpAddress: {aws:SourceIp: 8.8.8.8/32}}}",
                false,
            ),
            (
                "{Effect: Allow, Principal: '*', Action: 's3:GetObject', Condition: {StringEquals: {aws:PrincipalOrgID: o-1}}}",
                false,
            ),
            // Not pinned: IfExists, negation, wildcards, spoofable keys, any condition at all.
            (
                "{Effect: Allow, Principal: '*', Action: 's3:GetObject', Condition: {StringEqualsIfExists: {aws:SourceVpce: vpce-1}}}",
                true,
            ),
            (
                "{Effect: Allow, Principal: '*', Action: 's3:GetObject', Condition: {ArnNotEquals: {aws:PrincipalArn: 'arn:aws:iam::1:role/x'}}}",
                true,
            ),
            (
                "{Effect: Allow, Principal: '*', Action: 's3:GetObject', Condition: {StringLike: {aws:SourceVpc: 'vpc-*'}}}",
                true,
            ),
            (
                "{Effect: Allow, Principal: '*', Action: 's3:GetObject', Condition: {StringLike: {aws:Referer: 'https://x/*'}}}",
                true,
            ),
            (
                "{Effect: Allow, Principal: '*', Action: 's3:GetObject', Condition: {Bool: {aws:SecureTransport: 'true'}}}",
                true,
            ),
            // Actions: wildcards and NotAction expand; unprefixed names are S3's.
            ("{Effect: Allow, Principal: '*', Action: 's3:*'}", true),
            (
                "{Effect: Allow, Principal: {Federated: graph.facebook.com}, Action: 's3:GetObject'}",
                true,
            ),
            (
                "{Effect: Allow, Principal: {Federated: [cognito-identity.amazonaws.com]}, Action: 's3:PutObject'}",
                true,
            ),
            (
                "{Effect: Allow, Principal: {Federated: 'arn:aws:iam::111122223333:saml-provider/corp'}, Action: 's3:GetObject'}",
                false,
            ),
            ("{Effect: Allow, Principal: '*', Action: '*'}", true),
            (
                "{Effect: Allow, Principal: '*', NotAction: 's3:DeleteBucket'}",
                true,
            ),
            ("{Effect: Allow, Principal: '*', Action: 'GetObject'}", true),
            (
                "{Effect: Allow, Principal: '*', Action: 's3:RestoreObject'}",
                true,
            ),
            // Outside AWS's list of sensitive actions.
            (
                "{Effect: Allow, Principal: '*', Action: 's3:CreateBucket'}",
                false,
            ),
            (
                "{Effect: Allow, Principal: '*', Action: 'sqs:SendMessage'}",
                false,
            ),
        ];
        for (text, want) in rows {
            let d = doc(&format!("Statement: [{text}]"));
            let st = &statements(&d)[0];
            assert_eq!(public_grant(st).is_some(), want, "{text}");
        }
    }

    #[test]
    fn wildcard_principals() {
        let rows = [
            ("Principal: '*'", true),
            ("Principal: {AWS: '*'}", true),
            (
                "Principal: {AWS: [arn:aws:iam::111122223333:root, '*']}",
                true,
            ),
            ("Principal: {AWS: arn:aws:iam::111122223333:root}", false),
            ("Principal: {Service: logging.s3.amazonaws.com}", false),
            ("Principal: {AWS: 'arn:aws:iam::*:root'}", false),
            ("Principal: {CanonicalUser: abc}", false),
        ];
        for (text, want) in rows {
            let d = doc(text);
            assert_eq!(
                anyone(d.get("Principal").unwrap()).is_some(),
                want,
                "{text}"
            );
        }
    }

    #[test]
    fn not_action_takes_the_complement() {
        let d = doc("Statement: [{Effect: Allow, NotAction: 's3:DeleteBucket'}]");
        let s = &statements(&d)[0];
        let (set, complete) = s.s3_actions();
        assert!(complete);
        assert!(set.any(|a| a.name == "s3:GetObject"));
        assert!(!set.any(|a| a.name == "s3:DeleteBucket"));
    }

    #[test]
    fn effects_and_conditional_statements() {
        let t = doc(
            "Resources: {P: {Type: AWS::S3::BucketPolicy, Properties: {PolicyDocument: \
            {Statement: [{Effect: Deny}, {Effect: allow}, !If [c, {Effect: Allow}, !Ref AWS::NoValue], {Sid: x}]}}}}",
        );
        let m = crate::model::cfn::build(&t, &Default::default());
        let d = m.resources[0].properties.get("PolicyDocument").unwrap();
        let s = statements(d);
        assert_eq!(s.len(), 4);
        assert_eq!(s[0].effect, Effect::Deny);
        assert_eq!(s[1].effect, Effect::Allow);
        assert!(s[2].conditional && !s[1].conditional);
        assert_eq!(s[3].effect, Effect::Unknown, "no Effect is not an Allow");
    }

    #[test]
    fn a_single_statement_object_is_accepted() {
        let d = doc("Statement: {Effect: Allow, Action: 's3:*'}");
        assert_eq!(statements(&d).len(), 1);
    }

    #[test]
    fn resource_coverage() {
        let rows = [
            ("Resource: '*'", true, true),
            ("Resource: 'arn:aws:s3:::b'", true, false),
            ("Resource: 'arn:aws:s3:::b/*'", false, true),
            (
                "Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*']",
                true,
                true,
            ),
            ("Resource: 'arn:aws:s3:::b*'", true, true),
            ("Resource: 'arn:aws:s3:::b/logs/*'", false, true),
        ];
        for (text, bucket, objects) in rows {
            let d = doc(text);
            assert_eq!(
                coverage(d.get("Resource")),
                Coverage { bucket, objects },
                "{text}"
            );
        }
    }

    #[test]
    fn resources_that_may_be_s3() {
        let rows = [
            ("'*'", true),
            ("'arn:aws:s3:::b/*'", true),
            ("'arn:aws:*:::b'", true),
            ("'arn:aws:iam::aws:policy/AdministratorAccess'", false),
            ("[SomeResource]", false),
            ("['arn:aws:sqs:us-east-1:1:q', 'arn:aws:s3:::b']", true),
            ("{Ref: X}", true),
        ];
        for (text, want) in rows {
            let d = doc(&format!("Resource: {text}"));
            assert_eq!(may_be_s3(d.get("Resource")), want, "{text}");
        }
    }

    #[test]
    fn all_bucket_resources() {
        let rows = [
            ("'*'", true),
            ("'arn:aws:s3:::*'", true),
            ("'arn:aws:s3:::*/*'", true),
            ("'arn:*:s3:::*'", true),
            ("'arn:aws:s3:::logs-*'", false),
            ("'arn:aws:s3:::logs/*'", false),
            ("'arn:aws:sqs:us-east-1:1:*'", false),
        ];
        for (text, want) in rows {
            let d = doc(&format!("Resource: {text}"));
            assert_eq!(
                all_buckets(d.get("Resource").unwrap()).is_some(),
                want,
                "{text}"
            );
        }
    }
}
