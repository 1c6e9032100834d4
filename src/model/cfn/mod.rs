//! CloudFormation templates (YAML or JSON) into the model: intrinsic
//! functions are evaluated where the value is known statically.

use std::collections::HashMap;

mod resolve;
mod sam;

pub use sam::is_sam;

use super::{Block, Format, Model, Resource};
use crate::source::Span;
use crate::tree::{Kind, Ref, Value};
use resolve::{Resolver, Template};

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

/// Parameter values given on the command line (`--parameters`).
pub type Parameters = HashMap<String, String>;

pub fn build(doc: &Value, given: &Parameters) -> Model {
    build_nested(doc, given, &[])
}

/// Builds the model of a template whose parameters `given` are known and
/// `passed` are set by a parent stack to values not known statically (their
/// defaults do not apply).
pub fn build_nested(doc: &Value, given: &Parameters, passed: &[String]) -> Model {
    let mut model = Model::new(Format::CloudFormation);
    let resources = doc.get("Resources");
    let mut params = HashMap::new();
    let mut fixed = Vec::new();
    for e in doc
        .get("Parameters")
        .map(Value::entries)
        .unwrap_or_default()
    {
        if passed.contains(&e.key) {
            params.insert(
                e.key.as_str(),
                Value::unknown(e.key_span, "set by the parent stack, not known statically"),
            );
            fixed.push(e.key.as_str());
        } else if let Some(v) = given.get(&e.key) {
            params.insert(e.key.as_str(), Value::str(e.key_span, v.clone()));
            fixed.push(e.key.as_str());
        } else if let Some(d) = e.value.get("Default") {
            params.insert(e.key.as_str(), d.clone());
        }
    }
    let allowed = doc
        .get("Parameters")
        .map(Value::entries)
        .unwrap_or_default()
        .iter()
        .filter(|e| !fixed.contains(&e.key.as_str()))
        .filter_map(|e| {
            let values = e.value.get("AllowedValues")?.items();
            let texts: Vec<String> = values
                .iter()
                .filter_map(|v| v.as_str())
                .map(str::to_string)
                .collect();
            (texts.len() == values.len() && !texts.is_empty()).then_some((e.key.as_str(), texts))
        })
        .collect();
    let template = Template {
        params,
        fixed,
        allowed,
        logical_ids: resources
            .map(|r| r.entries().iter().map(|e| e.key.as_str()).collect())
            .unwrap_or_default(),
        mappings: doc.get("Mappings"),
        conditions: doc
            .get("Conditions")
            .map(|c| {
                c.entries()
                    .iter()
                    .map(|e| (e.key.as_str(), &e.value))
                    .collect()
            })
            .unwrap_or_default(),
    };
    let resolver = Resolver::new(&template);
    let sam = sam::is_sam(doc);

    for entry in resources.map(Value::entries).unwrap_or_default() {
        let Some(cfn_type) = entry.value.get("Type").and_then(Value::as_str) else {
            continue;
        };
        // A resource whose condition is known to be false is not created.
        let condition = entry.value.get("Condition").and_then(Value::as_str);
        if condition.and_then(|c| resolver.condition(c, &Default::default())) == Some(false) {
            continue;
        }
        let extent = Span {
            end: entry.value.span.end.max(entry.key_span.end),
            ..entry.key_span
        };
        model.blocks.push(Block {
            id: entry.key.clone(),
            source_type: cfn_type.to_string(),
            head: entry.key_span,
            extent,
            // Created only when a condition not known statically holds.
            condition: condition
                .filter(|c| resolver.condition(c, &Default::default()).is_none())
                .map(|c| {
                    format!(
                        "`{}` is created only when condition `{c}` is true",
                        entry.key
                    )
                }),
        });
        let properties = match entry.value.get("Properties") {
            Some(p) => resolver.resolve(p),
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
        if sam
            && matches!(
                cfn_type,
                "AWS::Serverless::Function" | "AWS::Serverless::StateMachine"
            )
        {
            let role = model.resources.last().and_then(sam::role);
            model.resources.extend(role);
        }
    }
    // The names as written, before evaluation: a policy names its bucket
    // by the same expression as the bucket's own name when neither is known.
    // Resources by logical id, looked up once each (a template may hold
    // 100,000; a scan per bucket was quadratic).
    let declared: HashMap<&str, &Value> = resources
        .map(Value::entries)
        .unwrap_or_default()
        .iter()
        .map(|e| (e.key.as_str(), &e.value))
        .collect();
    let written = |id: &str, key: &str| declared.get(id)?.path(&["Properties", key]);
    let names: HashMap<String, String> = model
        .buckets()
        .filter_map(|(_, b)| Some((b.id.clone(), shape(written(&b.id, "BucketName")?))))
        .collect();
    let targets: HashMap<String, (String, String)> = model
        .resources
        .iter()
        .filter(|r| {
            matches!(
                r.cfn_type.as_str(),
                "AWS::S3::BucketPolicy" | "AWS::S3::AccessPoint"
            )
        })
        .filter_map(|r| {
            let raw = written(&r.id, "Bucket")?;
            Some((r.id.clone(), (shape(raw), label(raw))))
        })
        .collect();
    link_buckets(&mut model, &names, &targets);
    model.branches = resolver.branches.take();
    model.index_blocks();
    model
}

/// How a bucket named by an expression is called in messages: the
/// parameter of a `Ref`, the string of a `Fn::Sub`, the export imported.
fn label(v: &Value) -> String {
    match v.entries() {
        [e] if e.key == "Ref" => e.value.as_str().map_or_else(|| shape(v), str::to_string),
        [e] if e.key == "Fn::Sub" => match e.value.as_str() {
            Some(s) => s.to_string(),
            None => e
                .value
                .items()
                .first()
                .and_then(|x| x.as_str())
                .map_or_else(|| shape(v), str::to_string),
        },
        [e] if e.key == "Fn::ImportValue" => format!("import {}", label(&e.value)),
        _ => v.as_str().map_or_else(|| shape(v), str::to_string),
    }
}

/// A value as written, spans aside: two equal shapes are the same
/// expression.
fn shape(v: &Value) -> String {
    match &v.kind {
        Kind::Str(s) => format!("{s:?}"),
        Kind::Seq(items) => format!(
            "[{}]",
            items.iter().map(shape).collect::<Vec<_>>().join(",")
        ),
        Kind::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|e| format!("{:?}:{}", e.key, shape(&e.value)))
                .collect::<Vec<_>>()
                .join(",")
        ),
        other => format!("{other:?}"),
    }
}

/// Points each bucket policy and access point at its bucket: by `Ref`, by
/// literal name, or by the same expression written for both (`names`: the
/// buckets' `BucketName`, `targets`: the policies' `Bucket`, as written).
/// A policy for a bucket the template does not declare (a literal name, a
/// parameter, an import) gets a stand-in bucket, named by what it says, so
/// that every policy rule judges it.
fn link_buckets(
    model: &mut Model,
    names: &HashMap<String, String>,
    targets: &HashMap<String, (String, String)>,
) {
    let mut by_id = HashMap::new();
    let mut by_name = HashMap::new();
    let mut by_shape = HashMap::new();
    for (i, r) in model.buckets() {
        by_id.insert(r.id.clone(), i);
        if let Some(name) = r.properties.get("BucketName").and_then(Value::as_str) {
            by_name.insert(name.to_string(), i);
        }
        if let Some(written) = names.get(&r.id) {
            by_shape.insert(written.clone(), i);
        }
    }
    let mut stand_ins: HashMap<String, usize> = HashMap::new();
    for p in 0..model.resources.len() {
        let r = &model.resources[p];
        if r.cfn_type != "AWS::S3::BucketPolicy" && r.cfn_type != "AWS::S3::AccessPoint" {
            continue;
        }
        let Some(b) = r.properties.get("Bucket") else {
            continue;
        };
        let linked = match &b.kind {
            Kind::Ref(Ref { target, .. }) => by_id.get(target).copied(),
            Kind::Str(name) => by_name.get(name).copied(),
            _ => None,
        }
        .or_else(|| {
            targets
                .get(&r.id)
                .and_then(|(t, _)| by_shape.get(t))
                .copied()
        });
        let bucket = match linked {
            Some(i) => i,
            // A reference to another resource of the template that is not a
            // bucket: nothing to stand in for.
            None if matches!(b.kind, Kind::Ref(_)) => continue,
            None => {
                let name = match (&b.kind, targets.get(&r.id)) {
                    (Kind::Str(s), _) => s.clone(),
                    (_, Some((_, label))) => label.clone(),
                    _ => format!("{}.Bucket", r.id),
                };
                let head = b.span;
                match stand_ins.get(&name) {
                    Some(&i) => i,
                    None => {
                        model.resources.push(Resource {
                            id: name.clone(),
                            cfn_type: "AWS::S3::Bucket".into(),
                            head,
                            properties: Value::map(head, Vec::new()),
                            bucket: None,
                            declared: false,
                            attributes: Value::map(head, Vec::new()),
                        });
                        let i = model.resources.len() - 1;
                        stand_ins.insert(name, i);
                        i
                    }
                }
            }
        };
        model.resources[p].bucket = Some(bucket);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    fn model(text: &str) -> Model {
        build(&yaml::parse(text, 0).unwrap().docs[0], &Parameters::new())
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

    #[test]
    fn given_parameters_fix_conditions_and_defaults_do_not() {
        let text = "Parameters: {Env: {Type: String, Default: prod}}\nConditions: {Prod: !Equals [!Ref Env, prod]}\nResources:\n  B: {Type: AWS::S3::Bucket, Properties: {AccessControl: !If [Prod, Private, PublicRead]}}\n";
        let doc = yaml::parse(text, 0).unwrap().docs.remove(0);
        let acl = |m: &Model| {
            m.resources[0]
                .properties
                .get("AccessControl")
                .unwrap()
                .alternatives()
                .len()
        };
        assert_eq!(
            acl(&build(&doc, &Parameters::new())),
            2,
            "a default may be overridden"
        );
        let prod = Parameters::from([("Env".to_string(), "prod".to_string())]);
        let m = build(&doc, &prod);
        assert_eq!(acl(&m), 1);
        assert_eq!(
            m.resources[0]
                .properties
                .get("AccessControl")
                .unwrap()
                .as_str(),
            Some("Private")
        );
    }
}
