//! Views of S3 bucket settings that several rules share.

use super::{Model, Resource};
use crate::source::Span;
use crate::tree::Value;

/// The four Block Public Access flags, in CloudFormation's names.
pub const PAB_FLAGS: [&str; 4] = [
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
];

/// True only when every branch of the value is `true`.
pub fn certainly_true(v: Option<&Value>) -> bool {
    v.is_some_and(|v| {
        let alts = v.alternatives();
        !alts.is_empty() && alts.iter().all(|a| a.as_bool() == Some(true))
    })
}

impl Resource {
    /// The Terraform provider configuration it is made through
    /// (`aws.audit`), `None` for the default one.
    pub fn provider(&self) -> Option<&str> {
        self.attributes.get("Provider").and_then(Value::as_str)
    }

    pub fn public_access_block(&self) -> Option<&Value> {
        self.properties.get("PublicAccessBlockConfiguration")
    }

    /// The object ownership setting, if declared.
    pub fn object_ownership(&self) -> Option<&Value> {
        self.properties
            .path(&["OwnershipControls", "Rules"])
            .map(Value::items)
            .unwrap_or_default()
            .into_iter()
            .find_map(|r| r.get("ObjectOwnership"))
    }

    /// Every public ACL grant on the bucket: canned ACLs and explicit grants.
    pub fn public_acl_grants(&self) -> Vec<AclGrant> {
        let mut out = Vec::new();
        // Every ACL counts: Terraform lets two `aws_s3_bucket_acl`s (or the
        // v3 argument and a split resource) fight over one bucket.
        let acls = self
            .properties
            .entries()
            .iter()
            .filter(|e| e.key == "AccessControl");
        for acl in acls.map(|e| &e.value) {
            for alt in acl.alternatives() {
                let Some(s) = alt.as_str() else { continue };
                let norm: String = s
                    .chars()
                    .filter(|c| *c != '-')
                    .collect::<String>()
                    .to_ascii_lowercase();
                let (audience, access) = match norm.as_str() {
                    "publicread" => (Audience::AllUsers, Access::Read),
                    "publicreadwrite" => (Audience::AllUsers, Access::Write),
                    "authenticatedread" => (Audience::AuthenticatedUsers, Access::Read),
                    _ => continue,
                };
                out.push(AclGrant {
                    audience,
                    access,
                    span: alt.span,
                    text: format!("canned ACL `{s}`"),
                });
            }
        }
        let grants = self
            .properties
            .entries()
            .iter()
            .filter(|e| e.key == crate::model::terraform::GRANTS)
            .flat_map(|e| e.value.items());
        for g in grants {
            let uri = g
                .path(&["Grantee", "URI"])
                .and_then(Value::as_str)
                .unwrap_or("");
            let audience = if uri.ends_with("/global/AllUsers") {
                Audience::AllUsers
            } else if uri.ends_with("/global/AuthenticatedUsers") {
                Audience::AuthenticatedUsers
            } else {
                continue;
            };
            for p in g.get("Permission").map(Value::items).unwrap_or_default() {
                let access = match p.as_str().unwrap_or("") {
                    "READ" => Access::Read,
                    "WRITE" => Access::Write,
                    "FULL_CONTROL" => Access::FullControl,
                    "READ_ACP" => Access::ReadAcp,
                    "WRITE_ACP" => Access::WriteAcp,
                    _ => continue,
                };
                let text = format!("grant of `{}`", p.as_str().unwrap_or(""));
                out.push(AclGrant {
                    audience,
                    access,
                    span: p.span,
                    text,
                });
            }
        }
        out
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    AllUsers,
    AuthenticatedUsers,
}

impl Audience {
    pub fn describe(self) -> &'static str {
        match self {
            Audience::AllUsers => "everyone (AllUsers)",
            Audience::AuthenticatedUsers => "every AWS account (AuthenticatedUsers)",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
    ReadAcp,
    WriteAcp,
    FullControl,
}

#[derive(Clone, Debug)]
pub struct AclGrant {
    pub audience: Audience,
    pub access: Access,
    pub span: Span,
    /// What grants it: "canned ACL `public-read`", "grant of `READ`".
    pub text: String,
}

/// An S3 resource whose public access S3 always blocks, whatever its
/// policy says (S3 User Guide: directory buckets have every Block Public
/// Access setting on and it cannot be changed; S3 Tables does not support
/// public access policies; vector buckets have Block Public Access always
/// on; an Object Lambda Access Point keeps the settings it was made with),
/// by the type of its policy.
/// Beside account-level Block Public Access settings made elsewhere: what
/// sets them ("the organisation's S3 policy `Baseline`").
pub const SET_BY: &str = "SetBy";

/// `s` when it is an AWS account id (12 digits).
pub fn account_id(s: &str) -> Option<&str> {
    (s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
}

/// bucketlint's name for an organisation's resource control policy as it
/// reaches one account's buckets (`access::kept_out`).
pub const RESOURCE_CONTROL: &str = "AWS::Organizations::ResourceControlPolicy";

pub struct AlwaysPrivate {
    pub policy_type: &'static str,
    /// The policy document's property.
    pub document: &'static str,
    /// "directory bucket".
    pub what: &'static str,
    /// The properties that name the resource, first found first.
    pub names: &'static [&'static str],
    /// Why a public policy has no effect on it.
    pub why: &'static str,
}

pub const ALWAYS_PRIVATE: &[AlwaysPrivate] = &[
    AlwaysPrivate {
        policy_type: "AWS::S3Express::BucketPolicy",
        document: "PolicyDocument",
        what: "directory bucket",
        names: &["Bucket"],
        why: "S3 always blocks public access to a directory bucket",
    },
    AlwaysPrivate {
        policy_type: "AWS::S3Tables::TableBucketPolicy",
        document: "ResourcePolicy",
        what: "table bucket",
        names: &["TableBucketARN"],
        why: "S3 always blocks public access to a table bucket",
    },
    AlwaysPrivate {
        policy_type: "AWS::S3Tables::TablePolicy",
        document: "ResourcePolicy",
        what: "table",
        names: &["TableARN", "Name"],
        why: "S3 always blocks public access to a table",
    },
    AlwaysPrivate {
        policy_type: "AWS::S3Vectors::VectorBucketPolicy",
        document: "Policy",
        what: "vector bucket",
        names: &["VectorBucketName", "VectorBucketArn"],
        why: "S3 always blocks public access to a vector bucket",
    },
    // CloudFormation and Terraform cannot set its Block Public Access
    // settings, so they keep their defaults (all on), and S3 cannot
    // change them after it is made.
    AlwaysPrivate {
        policy_type: "AWS::S3ObjectLambda::AccessPointPolicy",
        document: "PolicyDocument",
        what: "Object Lambda Access Point",
        names: &["ObjectLambdaAccessPoint"],
        why: "an Object Lambda Access Point made from a template keeps every Block Public Access setting on",
    },
];

impl Model {
    /// Account-level Block Public Access declared for a named account
    /// (`aws_s3_account_public_access_block` with a literal `account_id`),
    /// by account: it holds for that account's buckets wherever they are
    /// read.
    pub fn named_account_blocks(&self) -> Vec<(String, Value)> {
        if self.deployed {
            return Vec::new();
        }
        self.of_type("AWS::S3::AccountPublicAccessBlock")
            .filter_map(|(_, r)| {
                let account = account_id(r.properties.get("AccountId")?.as_str()?)?;
                Some((account.to_string(), r.properties.clone()))
            })
            .collect()
    }

    /// The accounts an AWS Organizations S3 policy of this model turns
    /// every Block Public Access setting on for (`@@assign: all`), each
    /// with those settings as an account-level item says them. Only
    /// targets that are account ids: which accounts an organisational
    /// unit or root holds is not known here.
    pub fn organisation_blocks(&self) -> Vec<(String, Value)> {
        use crate::tree::{Entry, Kind};
        let mut out = Vec::new();
        for (_, policy) in self.of_type("AWS::Organizations::Policy") {
            let p = &policy.properties;
            let all = p.get("Type").and_then(Value::as_str) == Some("S3_POLICY")
                && p.get("Content")
                    .and_then(|c| {
                        c.path(&[
                            "s3_attributes",
                            "public_access_block_configuration",
                            "@@assign",
                        ])
                    })
                    .and_then(Value::as_str)
                    == Some("all");
            if !all {
                continue;
            }
            let on = |key: &str| Entry {
                key: key.into(),
                key_span: policy.head,
                value: Value::str(policy.head, "true"),
            };
            let set_by = Entry {
                key: SET_BY.into(),
                key_span: policy.head,
                value: Value::str(
                    policy.head,
                    format!("the organisation's S3 policy `{}`", policy.id),
                ),
            };
            let settings = Value::new(
                policy.head,
                Kind::Map(vec![
                    on("BlockPublicAcls"),
                    on("IgnorePublicAcls"),
                    on("BlockPublicPolicy"),
                    on("RestrictPublicBuckets"),
                    set_by,
                ]),
            );
            let targets = p.get("TargetIds").map(Value::items).unwrap_or_default();
            for t in targets {
                if let Some(account) = t.as_str().and_then(account_id) {
                    out.push((account.to_string(), settings.clone()));
                }
            }
        }
        out
    }

    /// Every policy of a resource whose public access S3 always blocks:
    /// the policy, its document, what it is attached to, and that
    /// resource's name as written (a reference is named by its target).
    pub fn always_private_policies(
        &self,
    ) -> impl Iterator<Item = (&Resource, &Value, &'static AlwaysPrivate, String)> {
        use crate::tree::Kind;
        ALWAYS_PRIVATE.iter().flat_map(move |kind| {
            self.of_type(kind.policy_type).filter_map(move |(_, r)| {
                let doc = r.properties.get(kind.document)?;
                let name = kind
                    .names
                    .iter()
                    .find_map(|n| r.properties.get(n))
                    .and_then(|v| match &v.kind {
                        Kind::Ref(target) => Some(target.target.clone()),
                        _ => v.as_text().map(str::to_string),
                    })
                    .unwrap_or_else(|| r.id.clone());
                Some((r, doc, kind, name))
            })
        })
    }

    /// The account-level Block Public Access settings that apply to
    /// `bucket`: those declared in this unit (Terraform
    /// `aws_s3_account_public_access_block`, an export's account item)
    /// through the same provider configuration. One made through
    /// `provider = aws.other` is another account's.
    pub fn account_public_access_block(&self, bucket: &Resource) -> Option<&Value> {
        // Asked once per bucket: found once per model.
        let all = self.account_pab.get_or_init(|| {
            self.of_type("AWS::S3::AccountPublicAccessBlock")
                .map(|(i, _)| i)
                .collect()
        });
        let provider = bucket.provider();
        all.iter()
            .map(|&i| &self.resources[i])
            .find(|r| r.provider() == provider)
            .map(|r| &r.properties)
    }

    /// Buckets that another bucket names as its access-log destination.
    pub fn log_targets_by_destination(&self) -> std::collections::HashSet<usize> {
        use crate::tree::{Kind, Ref};
        let mut by_name = std::collections::HashMap::new();
        let mut by_id = std::collections::HashMap::new();
        for (i, b) in self.buckets() {
            by_id.insert(b.id.as_str(), i);
            if let Some(n) = b.properties.get("BucketName").and_then(Value::as_str) {
                by_name.insert(n, i);
            }
        }
        self.buckets()
            .filter_map(|(_, b)| {
                b.properties
                    .path(&["LoggingConfiguration", "DestinationBucketName"])
            })
            .filter_map(|dest| match &dest.kind {
                Kind::Ref(Ref { target, .. }) => by_id.get(target.as_str()).copied(),
                Kind::Str(name) => by_name.get(name.as_str()).copied(),
                _ => None,
            })
            .chain(
                self.logged_into
                    .iter()
                    .filter_map(|name| by_name.get(name.as_str()).copied()),
            )
            .collect()
    }

    /// Buckets that receive server access logs: named as a logging
    /// destination by another bucket, carrying the log-delivery ACL, or
    /// letting the logging service write through their policy.
    pub fn log_targets(&self) -> std::collections::HashSet<usize> {
        let mut out = self.log_targets_by_destination();
        for (i, b) in self.buckets() {
            let acl = b
                .properties
                .get("AccessControl")
                .and_then(Value::as_str)
                .unwrap_or("");
            if acl.eq_ignore_ascii_case("LogDeliveryWrite") || acl == "log-delivery-write" {
                out.insert(i);
            }
            // An explicit grant to the log delivery group (Terraform).
            let grants = b.properties.get(crate::model::terraform::GRANTS);
            let to_log_delivery = grants.is_some_and(|g| {
                g.items().iter().any(|grant| {
                    grant
                        .path(&["Grantee", "URI"])
                        .and_then(Value::as_str)
                        .is_some_and(|u| {
                            u.trim_end_matches('/').ends_with("/groups/s3/LogDelivery")
                        })
                })
            });
            if to_log_delivery {
                out.insert(i);
            }
        }
        for p in self.bucket_policies() {
            let Some(doc) = p.properties.get("PolicyDocument") else {
                continue;
            };
            let logging = crate::policy::statements(doc).iter().any(|s| {
                s.is_allow()
                    && s.principal
                        .and_then(|pr| pr.get("Service"))
                        .is_some_and(|svc| {
                            svc.items()
                                .iter()
                                .any(|v| v.as_str() == Some("logging.s3.amazonaws.com"))
                        })
            });
            if logging {
                out.extend(p.bucket);
            }
        }
        out
    }
}

/// The default encryption rules of a bucket, each with its algorithm.
pub fn encryption_rules(bucket: &Resource) -> Vec<&Value> {
    bucket
        .properties
        .path(&["BucketEncryption", "ServerSideEncryptionConfiguration"])
        .map(Value::items)
        .unwrap_or_default()
}
