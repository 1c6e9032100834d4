//! Deployed buckets: AWS Config configuration items of `AWS::S3::Bucket`
//! and `AWS::S3::AccountPublicAccessBlock`, mapped onto the
//! CloudFormation-shaped model so that the same rules judge them.
//!
//! Three shapes are read (see README, "Deployed buckets"): a configuration
//! snapshot (`configurationItems`, values as objects),
//! `get-resource-config-history` / `batch-get-resource-config` output
//! (`configurationItems` / `baseConfigurationItems`, `configuration` and
//! each supplementary value a JSON string), and `select-resource-config` /
//! `select-aggregate-resource-config` output (`Results`, each item a JSON
//! string holding only the selected properties). A value inside a JSON
//! string takes the span of that string.
//!
//! What an item does not carry is unknown, never absent: a `select` that
//! did not ask for the encryption says nothing about it. Items of a
//! snapshot or a history are whole, so there a missing supplementary value
//! means the bucket has none. AWS Config does not record object ownership:
//! it is unknown for every deployed bucket.

use std::collections::BTreeMap;

use super::iam::decode_json_string;
use super::{Block, Format, Model, Resource};
use crate::source::Span;
use crate::tree::{Entry, Kind, Value};

const BUCKET: &str = "AWS::S3::Bucket";
const ACCOUNT_PAB: &str = "AWS::S3::AccountPublicAccessBlock";

/// Whether a JSON document is an AWS Config export.
pub fn is_export(doc: &Value) -> bool {
    let items = ["configurationItems", "baseConfigurationItems"]
        .iter()
        .filter_map(|k| doc.get(k))
        .flat_map(Value::items)
        .any(|i| i.get("resourceType").is_some());
    // `select` output: each result a JSON string holding one item.
    let results = doc.get("Results").is_some_and(|r| {
        r.items()
            .iter()
            .any(|i| i.as_str().is_some_and(|s| s.contains("resourceType")))
    });
    items || results
}

/// One configuration item, decoded.
struct Item {
    value: Value,
    /// Whether the item holds every recorded property (not a `select`).
    whole: bool,
}

impl Item {
    fn text(&self, key: &str) -> Option<String> {
        self.value
            .get(key)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    }

    /// A property of `configuration` or `supplementaryConfiguration`,
    /// decoded from a JSON string when it is one.
    fn part(&self, section: &str, key: &str) -> Option<Value> {
        let section = decode_json_string(self.value.get(section)?.clone());
        section.get(key).cloned().map(decode_json_string)
    }
}

/// The items of the export, decoded, with the number left out (other
/// resource types).
fn items(doc: &Value) -> (Vec<Item>, usize) {
    let mut out = Vec::new();
    for key in ["configurationItems", "baseConfigurationItems"] {
        for v in doc.get(key).map(Value::items).unwrap_or_default() {
            // An item without its supplementary configuration says nothing
            // of the policy, ACL or settings kept there.
            let whole = v.get("supplementaryConfiguration").is_some();
            out.push(Item {
                value: v.clone(),
                whole,
            });
        }
    }
    for v in doc.get("Results").map(Value::items).unwrap_or_default() {
        out.push(Item {
            value: decode_json_string(v.clone()),
            whole: false,
        });
    }
    let before = out.len();
    out.retain(|i| {
        matches!(
            i.text("resourceType").as_deref(),
            Some(BUCKET) | Some(ACCOUNT_PAB)
        )
    });
    let other = before - out.len();
    (out, other)
}

fn map(span: Span, entries: Vec<(&str, Value)>) -> Value {
    Value::map(
        span,
        entries
            .into_iter()
            .map(|(k, v)| Entry {
                key: k.to_string(),
                key_span: v.span,
                value: v,
            })
            .collect(),
    )
}

/// `true`/`false` kept as written, a JSON null as absent.
fn present(v: Option<Value>) -> Option<Value> {
    v.filter(|v| !matches!(v.kind, Kind::Null))
}

/// The value of `key` in a supplementary part; for an item that is not
/// whole, a missing part is unknown.
fn part_or_unknown(item: &Item, key: &str, at: Span) -> Option<Value> {
    match present(item.part("supplementaryConfiguration", key)) {
        Some(v) => Some(v),
        None if item.whole => None,
        None => Some(Value::unknown(
            at,
            format!(
                "`supplementaryConfiguration.{key}` is not in this export (the query did not select it)"
            ),
        )),
    }
}

/// Config's Block Public Access (`blockPublicAcls`, ...) in CloudFormation's
/// names; a flag Config leaves out is off.
fn pab(v: &Value) -> Value {
    if matches!(v.kind, Kind::Unknown(_)) {
        return v.clone();
    }
    let flag = |name: &str| {
        v.get(name)
            .cloned()
            .filter(|f| !matches!(f.kind, Kind::Null))
            .unwrap_or_else(|| Value::str(v.span, "false"))
    };
    map(
        v.span,
        vec![
            ("BlockPublicAcls", flag("blockPublicAcls")),
            ("IgnorePublicAcls", flag("ignorePublicAcls")),
            ("BlockPublicPolicy", flag("blockPublicPolicy")),
            ("RestrictPublicBuckets", flag("restrictPublicBuckets")),
        ],
    )
}

/// The ACL's grants to groups, in the shape of explicit grants
/// (`Grantee.URI`, `Permission`).
fn grants(acl: &Value) -> Value {
    if matches!(acl.kind, Kind::Unknown(_)) {
        return acl.clone();
    }
    let mut out = Vec::new();
    for g in acl.get("grantList").map(Value::items).unwrap_or_default() {
        let Some(group) = g.get("grantee").and_then(|v| v.as_str()) else {
            continue; // a canonical user: one account
        };
        let uri = match group {
            "AllUsers" => "http://acs.amazonaws.com/groups/global/AllUsers",
            "AuthenticatedUsers" => "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
            "LogDelivery" => "http://acs.amazonaws.com/groups/s3/LogDelivery",
            _ => continue,
        };
        let Some(permission) = g.get("permission") else {
            continue;
        };
        let name = match permission.as_str().unwrap_or("") {
            "Read" => "READ",
            "Write" => "WRITE",
            "ReadAcp" => "READ_ACP",
            "WriteAcp" => "WRITE_ACP",
            "FullControl" => "FULL_CONTROL",
            _ => continue,
        };
        out.push(map(
            g.span,
            vec![
                (
                    "Grantee",
                    map(g.span, vec![("URI", Value::str(g.span, uri))]),
                ),
                ("Permission", Value::str(permission.span, name)),
            ],
        ));
    }
    Value::new(acl.span, Kind::Seq(out))
}

fn encryption(v: &Value) -> Value {
    if matches!(v.kind, Kind::Unknown(_)) {
        return v.clone();
    }
    let rules = v
        .get("rules")
        .map(Value::items)
        .unwrap_or_default()
        .into_iter()
        .map(|r| {
            let by_default = r.get("applyServerSideEncryptionByDefault");
            let mut d = Vec::new();
            if let Some(a) = by_default.and_then(|b| present(b.get("sseAlgorithm").cloned())) {
                d.push(("SSEAlgorithm", a));
            }
            if let Some(k) = by_default.and_then(|b| present(b.get("kmsMasterKeyID").cloned())) {
                d.push(("KMSMasterKeyID", k));
            }
            let mut rule = vec![("ServerSideEncryptionByDefault", map(r.span, d))];
            if let Some(k) = present(r.get("bucketKeyEnabled").cloned()) {
                rule.push(("BucketKeyEnabled", k));
            }
            map(r.span, rule)
        })
        .collect();
    map(
        v.span,
        vec![(
            "ServerSideEncryptionConfiguration",
            Value::new(v.span, Kind::Seq(rules)),
        )],
    )
}

/// Versioning: Config's status `Off` is a bucket never versioned.
fn versioning(v: &Value) -> Option<Value> {
    // Unknown where the rules read it: the status.
    if matches!(v.kind, Kind::Unknown(_)) {
        return Some(map(v.span, vec![("Status", v.clone())]));
    }
    let status = present(v.get("status").cloned())?;
    if status.as_str() == Some("Off") {
        return None;
    }
    let mut entries = vec![("Status", status)];
    if let Some(mfa) = present(v.get("isMfaDeleteEnabled").cloned()) {
        let text = if mfa.as_bool() == Some(true) {
            "Enabled"
        } else {
            "Disabled"
        };
        entries.push(("MfaDelete", Value::str(mfa.span, text)));
    }
    Some(map(v.span, entries))
}

fn logging(v: &Value) -> Option<Value> {
    if matches!(v.kind, Kind::Unknown(_)) {
        return Some(map(v.span, vec![("DestinationBucketName", v.clone())]));
    }
    let target = present(v.get("destinationBucketName").cloned())?;
    let mut entries = vec![("DestinationBucketName", target)];
    if let Some(p) = present(v.get("logFilePrefix").cloned()) {
        entries.push(("LogFilePrefix", p));
    }
    Some(map(v.span, entries))
}

/// Whether a recorded part holds anything: Config may record a part with
/// every field null.
fn has_content(v: &Value) -> bool {
    match &v.kind {
        Kind::Null | Kind::NoValue => false,
        Kind::Map(entries) => entries.iter().any(|e| has_content(&e.value)),
        Kind::Seq(items) => items.iter().any(has_content),
        _ => true,
    }
}

/// Config's camelCase keys in CloudFormation's PascalCase (`rules` is
/// `Rules`, `abortIncompleteMultipartUpload` is
/// `AbortIncompleteMultipartUpload`), JSON nulls dropped; `rename` maps
/// the keys whose names differ.
fn pascal(v: &Value, rename: &[(&str, &str)]) -> Value {
    match &v.kind {
        Kind::Map(entries) => Value::map(
            v.span,
            entries
                .iter()
                .filter(|e| !matches!(e.value.kind, Kind::Null))
                .map(|e| {
                    let key = match rename.iter().find(|(from, _)| *from == e.key) {
                        Some((_, to)) => to.to_string(),
                        None => {
                            let mut c = e.key.chars();
                            c.next()
                                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                                .unwrap_or_default()
                        }
                    };
                    Entry {
                        key,
                        key_span: e.key_span,
                        value: pascal(&e.value, rename),
                    }
                })
                .collect(),
        ),
        Kind::Seq(items) => Value::new(
            v.span,
            Kind::Seq(items.iter().map(|i| pascal(i, rename)).collect()),
        ),
        _ => v.clone(),
    }
}

/// The models of an export, one per account (Block Public Access of an
/// account applies to its buckets only), with the number of items of other
/// resource types passed over.
pub fn build(doc: &Value) -> (Vec<Model>, usize) {
    let (items, other) = items(doc);
    let mut accounts: BTreeMap<String, Model> = BTreeMap::new();
    for item in &items {
        let account = item
            .text("accountId")
            .unwrap_or_else(|| "unknown-account".into());
        let region = item
            .text("awsRegion")
            .unwrap_or_else(|| "unknown-region".into());
        let model = accounts
            .entry(account.clone())
            .or_insert_with(|| Model::new(Format::CloudFormation));
        let at = item.value.span;
        let head = item
            .value
            .get("resourceName")
            .or_else(|| item.value.get("resourceId"))
            .map_or(at, |v| v.span);
        match item.text("resourceType").as_deref() {
            Some(ACCOUNT_PAB) => {
                let config = present(
                    item.value
                        .get("configuration")
                        .cloned()
                        .map(decode_json_string),
                );
                let properties = match config {
                    Some(c) => pab(&c),
                    None => Value::unknown(at, "the item has no configuration"),
                };
                push(
                    model,
                    format!("{account}/account"),
                    ACCOUNT_PAB,
                    head,
                    at,
                    properties,
                    None,
                );
            }
            _ => {
                let name = item
                    .text("resourceName")
                    .or_else(|| item.text("resourceId"))
                    .unwrap_or_else(|| "unknown-bucket".into());
                let id = format!("{account}/{region}/{name}");
                let mut props = vec![("BucketName", Value::str(head, &name))];
                if let Some(acl) = part_or_unknown(item, "AccessControlList", at) {
                    props.push((super::terraform::GRANTS, grants(&acl)));
                }
                if let Some(p) = part_or_unknown(item, "PublicAccessBlockConfiguration", at) {
                    props.push(("PublicAccessBlockConfiguration", pab(&p)));
                }
                if let Some(e) = part_or_unknown(item, "ServerSideEncryptionConfiguration", at) {
                    props.push(("BucketEncryption", encryption(&e)));
                }
                if let Some(v) = part_or_unknown(item, "BucketVersioningConfiguration", at)
                    .and_then(|v| versioning(&v))
                {
                    props.push(("VersioningConfiguration", v));
                }
                if let Some(l) = part_or_unknown(item, "BucketLoggingConfiguration", at)
                    .and_then(|l| logging(&l))
                {
                    props.push(("LoggingConfiguration", l));
                }
                if let Some(l) =
                    part_or_unknown(item, "BucketLifecycleConfiguration", at).filter(has_content)
                {
                    props.push(("LifecycleConfiguration", pascal(&l, &[])));
                }
                if let Some(w) =
                    part_or_unknown(item, "BucketWebsiteConfiguration", at).filter(has_content)
                {
                    props.push((
                        "WebsiteConfiguration",
                        pascal(
                            &w,
                            &[
                                ("indexDocumentSuffix", "IndexDocument"),
                                ("errorDocument", "ErrorDocument"),
                            ],
                        ),
                    ));
                }
                if let Some(c) =
                    part_or_unknown(item, "BucketCrossOriginConfiguration", at).filter(has_content)
                {
                    props.push(("CorsConfiguration", pascal(&c, &[("rules", "CorsRules")])));
                }
                if let Some(o) =
                    part_or_unknown(item, "ObjectLockConfiguration", at).filter(has_content)
                {
                    if o.get("objectLockEnabled").and_then(|e| e.as_str()) == Some("Enabled") {
                        props.push(("ObjectLockEnabled", Value::str(o.span, "true")));
                    }
                    props.push(("ObjectLockConfiguration", pascal(&o, &[])));
                }
                if let Some(a) = part_or_unknown(item, "BucketAccelerateConfiguration", at) {
                    let status = match &a.kind {
                        Kind::Unknown(_) => Some(a.clone()),
                        _ => present(a.get("status").cloned()),
                    };
                    if let Some(status) = status {
                        props.push((
                            "AccelerateConfiguration",
                            map(a.span, vec![("AccelerationStatus", status)]),
                        ));
                    }
                }
                // Recorded by Config in shapes not read yet: unknown, so no
                // rule says they are missing.
                for (key, config) in [
                    ("ReplicationConfiguration", "BucketReplicationConfiguration"),
                    (
                        "NotificationConfiguration",
                        "BucketNotificationConfiguration",
                    ),
                ] {
                    props.push((
                        key,
                        Value::unknown(
                            head,
                            format!("bucketlint does not read `{config}` of AWS Config items yet"),
                        ),
                    ));
                }
                props.push((
                    "OwnershipControls",
                    Value::unknown(head, "AWS Config does not record object ownership"),
                ));
                let bucket = push(model, id.clone(), BUCKET, head, at, map(at, props), None);
                // A deployed bucket has no stack here whose deletion would
                // take it: its deletion policy is not a question.
                let gone = || Value::unknown(head, "a deployed bucket: no stack deletes it here");
                model.resources[bucket].attributes = map(
                    at,
                    vec![("DeletionPolicy", gone()), ("UpdateReplacePolicy", gone())],
                );
                let policy = part_or_unknown(item, "BucketPolicy", at);
                if let Some(p) = policy {
                    let text = match &p.kind {
                        Kind::Unknown(_) => Some(p.clone()),
                        _ => present(p.get("policyText").cloned()),
                    };
                    if let Some(text) = text {
                        let document = decode_json_string(text);
                        push(
                            model,
                            format!("{id} bucket policy"),
                            "AWS::S3::BucketPolicy",
                            document.span,
                            at,
                            map(at, vec![("PolicyDocument", document)]),
                            Some(bucket),
                        );
                    }
                }
            }
        }
    }
    let models = accounts.into_values().map(|mut m| {
        m.index_blocks();
        m
    });
    (models.collect(), other)
}

fn push(
    model: &mut Model,
    id: String,
    cfn_type: &str,
    head: Span,
    extent: Span,
    properties: Value,
    bucket: Option<usize>,
) -> usize {
    model.blocks.push(Block {
        id: id.clone(),
        source_type: cfn_type.to_string(),
        head,
        extent,
        condition: None,
    });
    model.resources.push(Resource {
        id,
        cfn_type: cfn_type.to_string(),
        head,
        properties,
        bucket,
        declared: true,
        attributes: Value::map(extent, Vec::new()),
    });
    model.resources.len() - 1
}
