//! AWS SAM: the `Policies` of serverless functions and state machines
//! become the IAM role SAM generates, with the S3 policy templates expanded
//! to the statements AWS generates for them (SAM's `policy_templates.json`).

use crate::model::Resource;
use crate::source::Span;
use crate::tree::{Entry, Kind, Value};

/// One statement of a policy template: its actions, and whether it applies
/// to the bucket and to its objects.
type TemplateStatement = (&'static [&'static str], bool, bool);

/// The S3 policy templates, by name.
const S3_TEMPLATES: &[(&str, &[TemplateStatement])] = &[
    (
        "S3ReadPolicy",
        &[(
            &[
                "s3:GetObject",
                "s3:ListBucket",
                "s3:GetBucketLocation",
                "s3:GetObjectVersion",
                "s3:GetLifecycleConfiguration",
            ],
            true,
            true,
        )],
    ),
    (
        "S3WritePolicy",
        &[(
            &[
                "s3:PutObject",
                "s3:PutObjectAcl",
                "s3:PutLifecycleConfiguration",
            ],
            true,
            true,
        )],
    ),
    (
        "S3CrudPolicy",
        &[(
            &[
                "s3:GetObject",
                "s3:ListBucket",
                "s3:GetBucketLocation",
                "s3:GetObjectVersion",
                "s3:PutObject",
                "s3:PutObjectAcl",
                "s3:GetLifecycleConfiguration",
                "s3:PutLifecycleConfiguration",
                "s3:DeleteObject",
            ],
            true,
            true,
        )],
    ),
    (
        "S3FullAccessPolicy",
        &[
            (
                &[
                    "s3:GetObject",
                    "s3:GetObjectAcl",
                    "s3:GetObjectVersion",
                    "s3:PutObject",
                    "s3:PutObjectAcl",
                    "s3:DeleteObject",
                    "s3:DeleteObjectTagging",
                    "s3:DeleteObjectVersionTagging",
                    "s3:GetObjectTagging",
                    "s3:GetObjectVersionTagging",
                    "s3:PutObjectTagging",
                    "s3:PutObjectVersionTagging",
                ],
                false,
                true,
            ),
            (
                &[
                    "s3:ListBucket",
                    "s3:GetBucketLocation",
                    "s3:GetLifecycleConfiguration",
                    "s3:PutLifecycleConfiguration",
                ],
                true,
                false,
            ),
        ],
    ),
];

pub fn is_sam(doc: &Value) -> bool {
    doc.get("Transform").is_some_and(|t| {
        t.items()
            .iter()
            .any(|v| v.as_str().is_some_and(|s| s.starts_with("AWS::Serverless")))
    })
}

fn entry(key: &str, span: Span, value: Value) -> Entry {
    Entry {
        key: key.to_string(),
        key_span: span,
        value,
    }
}

/// The role SAM generates for a function or state machine, from its
/// (resolved) properties; `None` when it has no `Policies`.
pub fn role(function: &Resource) -> Option<Resource> {
    let policies = function.properties.entry("Policies")?;
    let mut managed = Vec::new();
    let mut inline = Vec::new();
    for item in policies.value.items() {
        match &item.kind {
            // A managed policy, by name or ARN.
            Kind::Str(s) | Kind::Partial(s) => {
                let arn = if s.starts_with("arn:") {
                    s.clone()
                } else {
                    format!("arn:aws:iam::aws:policy/{s}")
                };
                managed.push(Value::str(item.span, arn));
            }
            Kind::Map(_) if item.get("Statement").is_some() => {
                inline.push(document(item.span, item.clone()));
            }
            Kind::Map(entries) if entries.len() == 1 => {
                let name = &entries[0].key;
                let Some((_, statements)) = S3_TEMPLATES.iter().find(|(n, _)| n == name) else {
                    continue; // a template about another service
                };
                let bucket = entries[0].value.get("BucketName");
                inline.push(document(item.span, expand(item.span, statements, bucket)));
            }
            // A policy we cannot read (Ref to a policy, Fn::If): unknown.
            _ => inline.push(document(
                item.span,
                Value::unknown(item.span, "policy not evaluated"),
            )),
        }
    }
    let span = policies.key_span;
    let mut props = vec![entry("Policies", span, Value::new(span, Kind::Seq(inline)))];
    if !managed.is_empty() {
        props.push(entry(
            "ManagedPolicyArns",
            span,
            Value::new(span, Kind::Seq(managed)),
        ));
    }
    Some(Resource {
        id: function.id.clone(),
        cfn_type: "AWS::IAM::Role".to_string(),
        head: function.head,
        properties: Value::map(span, props),
        bucket: None,
        declared: true,
        attributes: Value::map(span, Vec::new()),
    })
}

fn document(span: Span, doc: Value) -> Value {
    Value::map(span, vec![entry("PolicyDocument", span, doc)])
}

/// The statements of an S3 policy template for `bucket`.
fn expand(span: Span, statements: &[TemplateStatement], bucket: Option<&Value>) -> Value {
    let arn = |suffix: &str| match bucket.map(|b| &b.kind) {
        Some(Kind::Str(name)) => Value::str(span, format!("arn:aws:s3:::{name}{suffix}")),
        _ => Value::new(
            span,
            Kind::Partial(format!("arn:aws:s3:::${{BucketName}}{suffix}")),
        ),
    };
    let items = statements
        .iter()
        .map(|(actions, on_bucket, on_objects)| {
            let mut resources = Vec::new();
            if *on_bucket {
                resources.push(arn(""));
            }
            if *on_objects {
                resources.push(arn("/*"));
            }
            Value::map(
                span,
                vec![
                    entry("Effect", span, Value::str(span, "Allow")),
                    entry(
                        "Action",
                        span,
                        Value::new(
                            span,
                            Kind::Seq(actions.iter().map(|a| Value::str(span, *a)).collect()),
                        ),
                    ),
                    entry("Resource", span, Value::new(span, Kind::Seq(resources))),
                ],
            )
        })
        .collect();
    Value::map(
        span,
        vec![entry("Statement", span, Value::new(span, Kind::Seq(items)))],
    )
}
