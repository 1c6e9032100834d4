//! CloudFormation templates (YAML or JSON) into the model: intrinsic
//! functions are evaluated where the value is known statically.

use std::collections::HashMap;

use super::{Block, Format, Model, Resource};
use crate::source::Span;
use crate::tree::{Entry, Kind, Ref, Value};

/// True when a parsed document looks like a CloudFormation template.
pub fn is_template(doc: &Value) -> bool {
    if doc.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    doc.get("Resources").is_some_and(|r| {
        r.entries().iter().any(|e| {
            e.value
                .get("Type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.contains("::"))
        })
    })
}

pub fn build(doc: &Value) -> Model {
    let mut model = Model::new(Format::CloudFormation);
    let resources = doc.get("Resources");
    let params: HashMap<&str, &Value> = doc
        .get("Parameters")
        .map(|p| {
            p.entries()
                .iter()
                .filter_map(|e| e.value.get("Default").map(|d| (e.key.as_str(), d)))
                .collect()
        })
        .unwrap_or_default();
    let logical_ids: Vec<&str> = resources
        .map(|r| r.entries().iter().map(|e| e.key.as_str()).collect())
        .unwrap_or_default();
    let resolver = Resolver {
        params: &params,
        logical_ids: &logical_ids,
    };

    for entry in resources.map(Value::entries).unwrap_or_default() {
        let Some(cfn_type) = entry.value.get("Type").and_then(Value::as_str) else {
            continue;
        };
        let extent = Span {
            end: entry.value.span.end.max(entry.key_span.end),
            ..entry.key_span
        };
        model.blocks.push(Block {
            id: entry.key.clone(),
            source_type: cfn_type.to_string(),
            head: entry.key_span,
            extent,
        });
        let properties = match entry.value.get("Properties") {
            Some(p) => resolver.resolve(p, 0),
            None => Value::map(entry.key_span, Vec::new()),
        };
        model.resources.push(Resource {
            id: entry.key.clone(),
            cfn_type: cfn_type.to_string(),
            head: entry.key_span,
            properties,
            bucket: None,
            declared: true,
            attributes: Value::map(
                entry.value.span,
                entry
                    .value
                    .entries()
                    .iter()
                    .filter(|e| !matches!(e.key.as_str(), "Type" | "Properties"))
                    .cloned()
                    .collect(),
            ),
        });
    }
    link_buckets(&mut model);
    model.index_blocks();
    model
}

/// Points each bucket policy and access point at its bucket: by `Ref`, or
/// by literal name.
fn link_buckets(model: &mut Model) {
    let mut by_id = HashMap::new();
    let mut by_name = HashMap::new();
    for (i, r) in model.buckets() {
        by_id.insert(r.id.clone(), i);
        if let Some(name) = r.properties.get("BucketName").and_then(Value::as_str) {
            by_name.insert(name.to_string(), i);
        }
    }
    for r in &mut model.resources {
        if r.cfn_type != "AWS::S3::BucketPolicy" && r.cfn_type != "AWS::S3::AccessPoint" {
            continue;
        }
        r.bucket = r.properties.get("Bucket").and_then(|b| match &b.kind {
            Kind::Ref(Ref { target, .. }) => by_id.get(target).copied(),
            Kind::Str(name) => by_name.get(name).copied(),
            _ => None,
        });
    }
}

const PSEUDO: &[&str] = &[
    "AWS::AccountId",
    "AWS::NotificationARNs",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
];

/// Deeper than this, intrinsic functions are left unknown.
const MAX_RESOLVE_DEPTH: usize = 200;

struct Resolver<'a> {
    params: &'a HashMap<&'a str, &'a Value>,
    logical_ids: &'a [&'a str],
}

impl Resolver<'_> {
    fn resolve(&self, v: &Value, depth: usize) -> Value {
        if depth > MAX_RESOLVE_DEPTH {
            return Value::unknown(v.span, "nested too deeply to evaluate");
        }
        match &v.kind {
            Kind::Map(entries) if entries.len() == 1 && is_intrinsic(&entries[0].key) => {
                self.intrinsic(&entries[0].key, &entries[0].value, v.span, depth)
            }
            Kind::Map(entries) => Value::map(
                v.span,
                entries
                    .iter()
                    .map(|e| {
                        let mut value = self.resolve(&e.value, depth + 1);
                        if e.key == "PolicyDocument" {
                            value = super::iam::decode_json_string(value);
                        }
                        Entry {
                            key: e.key.clone(),
                            key_span: e.key_span,
                            value,
                        }
                    })
                    .collect(),
            ),
            Kind::Seq(items) => Value::new(
                v.span,
                Kind::Seq(
                    items
                        .iter()
                        .map(|i| self.resolve(i, depth + 1))
                        .filter(|i| !matches!(i.kind, Kind::NoValue))
                        .collect(),
                ),
            ),
            _ => v.clone(),
        }
    }

    fn intrinsic(&self, name: &str, arg: &Value, span: Span, depth: usize) -> Value {
        match name {
            "Ref" => match arg.as_str() {
                Some(target) => self.reference(target, span),
                None => Value::unknown(span, "Ref to a computed name"),
            },
            "Fn::GetAtt" => {
                let (target, attr) = match (&arg.kind, arg.as_str()) {
                    (_, Some(s)) => match s.split_once('.') {
                        Some((t, a)) => (Some(t.to_string()), Some(a.to_string())),
                        None => (Some(s.to_string()), None),
                    },
                    (Kind::Seq(items), _) => (
                        items.first().and_then(Value::as_str).map(str::to_string),
                        items.get(1).and_then(Value::as_str).map(str::to_string),
                    ),
                    _ => (None, None),
                };
                match target {
                    Some(target) => Value::new(span, Kind::Ref(Ref { target, attr })),
                    None => Value::unknown(span, "Fn::GetAtt of a computed name"),
                }
            }
            "Fn::If" => match &arg.kind {
                Kind::Seq(items) if items.len() == 3 => Value::new(
                    span,
                    Kind::OneOf(vec![
                        self.resolve(&items[1], depth + 1),
                        self.resolve(&items[2], depth + 1),
                    ]),
                ),
                _ => Value::unknown(span, "malformed Fn::If"),
            },
            "Fn::Sub" => self.sub(arg, span, depth),
            "Fn::Join" => self.join(arg, span, depth),
            _ => Value::unknown(span, format!("{name} is not evaluated")),
        }
    }

    fn reference(&self, target: &str, span: Span) -> Value {
        if target == "AWS::NoValue" {
            return Value::new(span, Kind::NoValue);
        }
        if let Some(default) = self.params.get(target) {
            // The default as the value, at the place that uses it.
            return Value {
                span,
                ..(*default).clone()
            };
        }
        if PSEUDO.contains(&target) {
            return Value::unknown(span, format!("{target} is known only at deploy time"));
        }
        if self.logical_ids.contains(&target) {
            return Value::new(
                span,
                Kind::Ref(Ref {
                    target: target.to_string(),
                    attr: None,
                }),
            );
        }
        Value::unknown(span, format!("parameter {target} has no default"))
    }

    /// The text a piece contributes to a string, or `None` when unknown.
    fn text_of(&self, v: &Value) -> Option<String> {
        match &v.kind {
            Kind::Str(s) => Some(s.clone()),
            _ => None,
        }
    }

    fn sub(&self, arg: &Value, span: Span, depth: usize) -> Value {
        let (template, vars) = match &arg.kind {
            Kind::Str(s) => (s.as_str(), None),
            Kind::Seq(items) if !items.is_empty() => match items[0].as_str() {
                Some(s) => (s, items.get(1)),
                None => return Value::unknown(span, "Fn::Sub of a computed template"),
            },
            _ => return Value::unknown(span, "malformed Fn::Sub"),
        };
        let mut out = String::new();
        let mut partial = false;
        let mut rest = template;
        while let Some(at) = rest.find("${") {
            out.push_str(&rest[..at]);
            let after = &rest[at + 2..];
            let Some(close) = after.find('}') else {
                out.push_str(&rest[at..]);
                rest = "";
                break;
            };
            let name = &after[..close];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else {
                let value = match vars.and_then(|m| m.get(name)) {
                    Some(v) => self.resolve(v, depth + 1),
                    None if name.contains('.') => Value::unknown(span, "attribute"),
                    None => self.reference(name, span),
                };
                match self.text_of(&value) {
                    Some(t) => out.push_str(&t),
                    None => {
                        partial = true;
                        out.push_str(&format!("${{{name}}}"));
                    }
                }
            }
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        Value::text(span, out, partial)
    }

    fn join(&self, arg: &Value, span: Span, depth: usize) -> Value {
        let Kind::Seq(items) = &arg.kind else {
            return Value::unknown(span, "malformed Fn::Join");
        };
        let (Some(delim), Some(list)) = (items.first().and_then(Value::as_str), items.get(1))
        else {
            return Value::unknown(span, "malformed Fn::Join");
        };
        let list = self.resolve(list, depth + 1);
        let Kind::Seq(parts) = &list.kind else {
            return Value::unknown(span, "Fn::Join of a computed list");
        };
        let mut partial = false;
        let texts: Vec<String> = parts
            .iter()
            .map(|p| match &p.kind {
                Kind::Str(s) => s.clone(),
                Kind::Partial(s) => {
                    partial = true;
                    s.clone()
                }
                _ => {
                    partial = true;
                    "${?}".to_string()
                }
            })
            .collect();
        let out = texts.join(delim);
        Value::text(span, out, partial)
    }
}

fn is_intrinsic(key: &str) -> bool {
    key == "Ref" || key.starts_with("Fn::")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    fn model(text: &str) -> Model {
        build(&yaml::parse(text, 0).unwrap().docs[0])
    }

    const T: &str = "\
Parameters:
  Acl:
    Type: String
    Default: PublicRead
  Name:
    Type: String
Resources:
  B:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: !Ref Acl
      BucketName: !Ref Name
      Tags: [!If [C, {Key: a}, !Ref AWS::NoValue]]
  P:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref B
      PolicyDocument:
        Statement:
          - Resource: !Sub 'arn:${AWS::Partition}:s3:::${B}/*'
            Principal: !Join ['', ['a', 'b']]
";

    #[test]
    fn parameters_with_defaults_resolve_and_others_stay_unknown() {
        let m = model(T);
        let b = &m.resources[0].properties;
        assert_eq!(b.get("AccessControl").unwrap().as_str(), Some("PublicRead"));
        assert!(matches!(
            b.get("BucketName").unwrap().kind,
            Kind::Unknown(_)
        ));
    }

    #[test]
    fn fn_if_keeps_both_branches() {
        let m = model(T);
        let tags = m.resources[0].properties.get("Tags").unwrap();
        let Kind::Seq(items) = &tags.kind else {
            panic!()
        };
        assert!(matches!(&items[0].kind, Kind::OneOf(b) if b.len() == 2));
        assert_eq!(tags.items().len(), 1, "the NoValue branch is dropped");
    }

    #[test]
    fn policies_link_to_their_bucket_and_sub_keeps_unknown_parts() {
        let m = model(T);
        assert_eq!(m.resources[1].bucket, Some(0));
        let s = m.resources[1]
            .properties
            .path(&["PolicyDocument", "Statement"])
            .unwrap();
        let Kind::Seq(st) = &s.kind else { panic!() };
        assert_eq!(
            st[0].get("Resource").unwrap().kind,
            Kind::Partial("arn:${AWS::Partition}:s3:::${B}/*".into())
        );
        assert_eq!(st[0].get("Principal").unwrap().as_str(), Some("ab"));
    }

    #[test]
    fn sniffing_needs_template_markers() {
        let doc = yaml::parse("name: chart\nResources: {}\n", 0)
            .unwrap()
            .docs
            .remove(0);
        assert!(!is_template(&doc));
        let doc = yaml::parse("Resources: {A: {Type: AWS::S3::Bucket}}\n", 0)
            .unwrap()
            .docs
            .remove(0);
        assert!(is_template(&doc));
    }
}
