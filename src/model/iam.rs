//! Views of the IAM identity policies in a model.

use super::{Model, Resource};
use crate::parse::json::{self, Placement};
use crate::tree::{Kind, Value};

/// One identity policy document and the resource that declares it.
pub struct IdentityPolicy<'a> {
    pub resource: &'a Resource,
    pub document: &'a Value,
}

impl Model {
    /// Every identity policy: `AWS::IAM::Policy` and `ManagedPolicy`, and the
    /// inline `Policies` of roles, users and groups.
    pub fn identity_policies(&self) -> Vec<IdentityPolicy<'_>> {
        let mut out = Vec::new();
        for r in &self.resources {
            match r.cfn_type.as_str() {
                "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                    if let Some(doc) = r.properties.get("PolicyDocument") {
                        out.push(IdentityPolicy {
                            resource: r,
                            document: doc,
                        });
                    }
                }
                // IAM Identity Center: a permission set's inline policy.
                "AWS::SSO::PermissionSet" => {
                    if let Some(doc) = r.properties.get("InlinePolicy") {
                        out.push(IdentityPolicy {
                            resource: r,
                            document: doc,
                        });
                    }
                }
                "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => {
                    for p in r
                        .properties
                        .get("Policies")
                        .map(Value::items)
                        .unwrap_or_default()
                    {
                        if let Some(doc) = p.get("PolicyDocument") {
                            out.push(IdentityPolicy {
                                resource: r,
                                document: doc,
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }
}

/// A policy given as a JSON string becomes its document; every node takes
/// the string's span. Anything else is returned unchanged.
pub fn decode_json_string(v: Value) -> Value {
    match &v.kind {
        Kind::Str(s) | Kind::Partial(s) if s.trim_start().starts_with('{') => {
            let partial = matches!(v.kind, Kind::Partial(_));
            match json::parse(s, Placement::Inside(v.span)) {
                Ok(doc) if partial => mark_interpolations(doc.value),
                Ok(doc) => doc.value,
                Err(_) => Value::unknown(v.span, "policy text is not valid JSON"),
            }
        }
        Kind::OneOf(alts) => Value::new(
            v.span,
            Kind::OneOf(alts.iter().cloned().map(decode_json_string).collect()),
        ),
        _ => v,
    }
}

/// Strings holding `${...}` (Terraform interpolation, `Fn::Sub` leftovers)
/// are only partly known.
pub fn mark_interpolations(mut v: Value) -> Value {
    fn walk(v: &mut Value) {
        match &mut v.kind {
            Kind::Str(s) if s.contains("${") => v.kind = Kind::Partial(std::mem::take(s)),
            Kind::Seq(items) | Kind::OneOf(items) => items.iter_mut().for_each(walk),
            Kind::Map(entries) => entries.iter_mut().for_each(|e| walk(&mut e.value)),
            _ => {}
        }
    }
    walk(&mut v);
    v
}
