//! The settings of a bucket that the inventory lists, read from the model
//! in CloudFormation's names (Terraform is mapped onto them).

use crate::model::Model;
use crate::model::s3::PAB_FLAGS;
use crate::policy;
use crate::tree::{Kind, Value};

/// A setting: not declared, a value, or not known before deployment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Setting {
    Absent,
    Known(String),
    Unknown(String),
}

impl Setting {
    /// The text shown in a table cell.
    pub fn cell(&self) -> String {
        match self {
            Setting::Absent => "-".into(),
            Setting::Known(v) => v.clone(),
            Setting::Unknown(_) => "unknown".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// "none declared" is `Absent`; else "SSE-S3", "SSE-KMS (key)", "DSSE-KMS (key)".
    pub encryption: Setting,
    pub bucket_key: Setting,
    /// "Enabled", "Suspended".
    pub versioning: Setting,
    pub mfa_delete: Setting,
    /// The target bucket (and prefix).
    pub logging: Setting,
    /// "yes", or why not.
    pub tls_only: Setting,
    pub ownership: Setting,
    /// The four flags, in `PAB_FLAGS` order: on the bucket, and for the
    /// account (an `AWS::S3::AccountPublicAccessBlock` in the same unit).
    pub pab: [Setting; 4],
    pub account_pab: [Setting; 4],
    pub object_lock: Setting,
    /// The number of rules.
    pub lifecycle: Setting,
    /// The destination buckets.
    pub replication: Setting,
}

/// A value as the inventory shows it; `None` when absent.
fn shown(v: Option<&Value>) -> Setting {
    let Some(v) = v else {
        return Setting::Absent;
    };
    match &v.kind {
        Kind::Null | Kind::NoValue => Setting::Absent,
        Kind::Unknown(why) => Setting::Unknown(why.clone()),
        Kind::Str(s) | Kind::Partial(s) => Setting::Known(s.clone()),
        Kind::Ref(r) => Setting::Known(match &r.attr {
            Some(a) => format!("{}.{a}", r.target),
            None => r.target.clone(),
        }),
        Kind::OneOf(alts) => {
            let mut texts: Vec<String> = alts.iter().map(|a| shown(Some(a)).cell()).collect();
            texts.dedup();
            match texts.as_slice() {
                [_] => shown(alts.first()),
                _ => Setting::Unknown(format!(
                    "one of {}, by a condition not known before deployment",
                    texts.join(", ")
                )),
            }
        }
        Kind::Seq(_) | Kind::Map(_) => Setting::Known("(set)".into()),
    }
}

/// A value whose parts could not be read: unknown when it is, else absent.
fn shown_unknown(v: Option<&Value>) -> Setting {
    match v.map(|v| &v.kind) {
        Some(Kind::Unknown(why)) => Setting::Unknown(why.clone()),
        _ => Setting::Absent,
    }
}

/// The first reason a value is not known, looking inside it.
fn unknown_in(v: &Value) -> Option<String> {
    match &v.kind {
        Kind::Unknown(why) => Some(why.clone()),
        Kind::Seq(items) => items.iter().find_map(unknown_in),
        Kind::Map(entries) => entries.iter().find_map(|e| unknown_in(&e.value)),
        Kind::OneOf(alts) if alts.len() > 1 => {
            Some("chosen by a condition not known before deployment".into())
        }
        _ => None,
    }
}

fn encryption(b: &Value) -> (Setting, Setting) {
    let Some(config) = b.get("BucketEncryption") else {
        return (Setting::Absent, Setting::Absent);
    };
    if let Some(why) = unknown_in(config) {
        return (Setting::Unknown(why.clone()), Setting::Unknown(why));
    }
    let rules = config
        .get("ServerSideEncryptionConfiguration")
        .map(Value::items)
        .unwrap_or_default();
    let Some(rule) = rules.first() else {
        return (Setting::Absent, Setting::Absent);
    };
    let by_default = rule.get("ServerSideEncryptionByDefault");
    let algorithm = by_default.and_then(|d| d.get("SSEAlgorithm"));
    let key = by_default.and_then(|d| d.get("KMSMasterKeyID"));
    let key = match shown(key) {
        Setting::Known(k) => format!(" ({k})"),
        Setting::Unknown(_) => " (key not known)".into(),
        Setting::Absent => " (AWS managed key)".into(),
    };
    let enc = match shown(algorithm) {
        Setting::Known(a) => Setting::Known(match a.as_str() {
            "AES256" => "SSE-S3".to_string(),
            "aws:kms" => format!("SSE-KMS{key}"),
            "aws:kms:dsse" => format!("DSSE-KMS{key}"),
            other => other.to_string(),
        }),
        other => other,
    };
    let bucket_key = match shown(rule.get("BucketKeyEnabled")) {
        Setting::Known(v) if v.eq_ignore_ascii_case("true") => Setting::Known("on".into()),
        Setting::Known(_) => Setting::Known("off".into()),
        other => other,
    };
    (enc, bucket_key)
}

fn pab(block: Option<&Value>) -> [Setting; 4] {
    PAB_FLAGS.map(|flag| {
        match block {
            None => Setting::Absent,
            Some(b) if matches!(b.kind, Kind::Unknown(_)) => shown(Some(b)),
            Some(b) => match shown(b.get(flag)) {
                Setting::Known(v) if v.eq_ignore_ascii_case("true") => Setting::Known("on".into()),
                Setting::Known(_) => Setting::Known("off".into()),
                // A configuration that leaves a flag out turns it off.
                Setting::Absent => Setting::Known("off".into()),
                other => other,
            },
        }
    })
}

/// Whether the bucket's policies deny plain HTTP for everything.
fn tls_only(policies: &[&crate::model::Resource]) -> Setting {
    if policies.is_empty() {
        return Setting::Known("no (no bucket policy)".into());
    }
    let docs: Vec<&Value> = policies
        .iter()
        .filter_map(|p| p.properties.get("PolicyDocument"))
        .collect();
    let complete = docs
        .iter()
        .flat_map(|d| policy::statements(d))
        .filter_map(|s| policy::tls_deny(&s))
        .any(|d| d.is_complete());
    if complete {
        return Setting::Known("yes".into());
    }
    if docs.len() < policies.len() || !docs.iter().all(|d| policy::fully_known(d)) {
        return Setting::Unknown("a statement of the bucket policy is not known".into());
    }
    Setting::Known("no".into())
}

/// The settings of bucket `i` of the model; `policies` are its bucket
/// policies.
pub fn of(model: &Model, i: usize, policies: &[&crate::model::Resource]) -> Settings {
    let p = &model.resources[i].properties;
    let (encryption, bucket_key) = encryption(p);
    // A target given by reference to a bucket of the unit is named by its
    // name, when known.
    let target = |v: Option<&Value>| match v.map(|v| &v.kind) {
        Some(Kind::Ref(r)) => model
            .resources
            .iter()
            .find(|b| b.id == r.target)
            .and_then(|b| b.properties.get("BucketName")?.as_str().map(str::to_string))
            .map(Setting::Known)
            .unwrap_or_else(|| shown(v)),
        _ => shown(v),
    };
    let logging = match p.get("LoggingConfiguration") {
        None => Setting::Absent,
        Some(l) => match target(l.get("DestinationBucketName")) {
            Setting::Known(target) => match l.get("LogFilePrefix").and_then(|v| v.as_str()) {
                Some(prefix) if !prefix.is_empty() => Setting::Known(format!("{target}/{prefix}")),
                _ => Setting::Known(target),
            },
            // Logging to the bucket itself (no destination named).
            Setting::Absent => Setting::Known("(this bucket)".into()),
            other => other,
        },
    };
    let object_lock = match shown(
        p.get("ObjectLockEnabled")
            .or_else(|| p.path(&["ObjectLockConfiguration", "ObjectLockEnabled"])),
    ) {
        Setting::Known(v) if v.eq_ignore_ascii_case("true") || v == "Enabled" => {
            match p.path(&[
                "ObjectLockConfiguration",
                "Rule",
                "DefaultRetention",
                "Mode",
            ]) {
                Some(mode) => match shown(Some(mode)) {
                    Setting::Known(m) => Setting::Known(format!("on ({m})")),
                    _ => Setting::Known("on".into()),
                },
                None => Setting::Known("on".into()),
            }
        }
        Setting::Known(_) => Setting::Known("off".into()),
        other => other,
    };
    let lifecycle = match p.path(&["LifecycleConfiguration", "Rules"]) {
        None => Setting::Absent,
        Some(rules) => match unknown_in(rules) {
            Some(why) => Setting::Unknown(why),
            None => {
                let n = rules.items().len();
                Setting::Known(format!("{n} rule{}", if n == 1 { "" } else { "s" }))
            }
        },
    };
    let replication = match p.path(&["ReplicationConfiguration", "Rules"]) {
        None => shown_unknown(p.get("ReplicationConfiguration")),
        // Rules not known at all (an export that did not select them).
        Some(Value {
            kind: Kind::Unknown(why),
            ..
        }) => Setting::Unknown(why.clone()),
        Some(rules) => {
            let mut to: Vec<String> = Vec::new();
            let mut unknown = None;
            for r in rules.items() {
                match shown(r.path(&["Destination", "Bucket"])) {
                    Setting::Known(d) => {
                        let d = d.trim_start_matches("arn:aws:s3:::").to_string();
                        if !to.contains(&d) {
                            to.push(d);
                        }
                    }
                    Setting::Unknown(why) => unknown = Some(why),
                    Setting::Absent => {}
                }
            }
            match (unknown, to.is_empty()) {
                (Some(why), _) => Setting::Unknown(why),
                (None, true) => Setting::Known("(no destination)".into()),
                (None, false) => Setting::Known(format!("to {}", to.join(", "))),
            }
        }
    };
    let ownership = match model.resources[i].object_ownership() {
        Some(v) => shown(Some(v)),
        // A template without OwnershipControls deploys a new bucket with
        // S3's default; the template itself does not say.
        None => shown_unknown(p.get("OwnershipControls")),
    };
    Settings {
        encryption,
        bucket_key,
        versioning: shown(p.path(&["VersioningConfiguration", "Status"])),
        mfa_delete: shown(p.path(&["VersioningConfiguration", "MfaDelete"])),
        logging,
        tls_only: tls_only(policies),
        ownership,
        pab: pab(p.get("PublicAccessBlockConfiguration")),
        account_pab: pab(model.account_public_access_block(&model.resources[i])),
        object_lock,
        lifecycle,
        replication,
    }
}
