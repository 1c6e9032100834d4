//! CloudFormation templates (YAML or JSON) into the model: intrinsic
//! functions are evaluated where the value is known statically.

use std::collections::HashMap;

mod resolve;
mod sam;

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
    let mut model = Model::new(Format::CloudFormation);
    let resources = doc.get("Resources");
    let mut params = HashMap::new();
    let mut fixed = Vec::new();
    for e in doc
        .get("Parameters")
        .map(Value::entries)
        .unwrap_or_default()
    {
        if let Some(v) = given.get(&e.key) {
            params.insert(e.key.as_str(), Value::str(e.key_span, v.clone()));
            fixed.push(e.key.as_str());
        } else if let Some(d) = e.value.get("Default") {
            params.insert(e.key.as_str(), d.clone());
        }
    }
    let template = Template {
        params,
        fixed,
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
            condition: None,
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
