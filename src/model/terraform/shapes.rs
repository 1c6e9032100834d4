//! How Terraform's S3 arguments map onto CloudFormation bucket properties,
//! as data: one table row per split resource (provider v4+) and per inline
//! block of `aws_s3_bucket` (provider v3).

use super::body::{Body, entry};
use super::eval::Ctx;
use crate::tree::{Entry, Kind, Value};

pub enum Shape {
    /// `tf = value` becomes `Cfn: value`.
    Attr(&'static str, &'static str),
    /// A v3 boolean onto a CloudFormation enum: `tf = true|false` becomes
    /// `Cfn: "<when true>"|"<when false>"`, keeping the span.
    Flag(&'static str, &'static str, &'static str, &'static str),
    /// The first `tf { ... }` block becomes `Cfn: { ... }`.
    One(&'static str, &'static str, &'static [Shape]),
    /// Every `tf { ... }` block becomes an item of `Cfn: [ ... ]`.
    List(&'static str, &'static str, &'static [Shape]),
    /// The entries of the first `tf { ... }` block join the parent map.
    Inline(&'static str, &'static [Shape]),
    /// A CloudFormation map made of flat Terraform arguments.
    Nest(&'static str, &'static [Shape]),
}

use Shape::*;

/// A split resource and the bucket property it sets.
pub struct Split {
    pub tf_type: &'static str,
    pub property: &'static str,
    pub shapes: &'static [Shape],
}

const SSE_RULE: &[Shape] = &[
    One(
        "apply_server_side_encryption_by_default",
        "ServerSideEncryptionByDefault",
        &[
            Attr("sse_algorithm", "SSEAlgorithm"),
            Attr("kms_master_key_id", "KMSMasterKeyID"),
        ],
    ),
    Attr("bucket_key_enabled", "BucketKeyEnabled"),
];

const CORS_RULE: &[Shape] = &[
    Attr("allowed_origins", "AllowedOrigins"),
    Attr("allowed_methods", "AllowedMethods"),
    Attr("allowed_headers", "AllowedHeaders"),
    Attr("expose_headers", "ExposedHeaders"),
    Attr("max_age_seconds", "MaxAge"),
];

const LIFECYCLE_RULE: &[Shape] = &[
    Attr("id", "Id"),
    Attr("status", "Status"),
    Attr("prefix", "Prefix"),
    One("filter", "Filter", &[Attr("prefix", "Prefix")]),
    One(
        "abort_incomplete_multipart_upload",
        "AbortIncompleteMultipartUpload",
        &[Attr("days_after_initiation", "DaysAfterInitiation")],
    ),
    One("expiration", "Expiration", &[Attr("days", "Days")]),
];

const PAB: &[Shape] = &[
    Attr("block_public_acls", "BlockPublicAcls"),
    Attr("ignore_public_acls", "IgnorePublicAcls"),
    Attr("block_public_policy", "BlockPublicPolicy"),
    Attr("restrict_public_buckets", "RestrictPublicBuckets"),
];

/// The account's settings, and the account they are for when the
/// configuration names it.
const ACCOUNT_PAB: &[Shape] = &[
    Attr("account_id", "AccountId"),
    Attr("block_public_acls", "BlockPublicAcls"),
    Attr("ignore_public_acls", "IgnorePublicAcls"),
    Attr("block_public_policy", "BlockPublicPolicy"),
    Attr("restrict_public_buckets", "RestrictPublicBuckets"),
];

pub const SPLITS: &[Split] = &[
    Split {
        tf_type: "aws_s3_bucket_public_access_block",
        property: "PublicAccessBlockConfiguration",
        shapes: PAB,
    },
    Split {
        tf_type: "aws_s3_bucket_ownership_controls",
        property: "OwnershipControls",
        shapes: &[List(
            "rule",
            "Rules",
            &[Attr("object_ownership", "ObjectOwnership")],
        )],
    },
    Split {
        tf_type: "aws_s3_bucket_versioning",
        property: "VersioningConfiguration",
        shapes: &[Inline(
            "versioning_configuration",
            &[Attr("status", "Status"), Attr("mfa_delete", "MfaDelete")],
        )],
    },
    Split {
        tf_type: "aws_s3_bucket_server_side_encryption_configuration",
        property: "BucketEncryption",
        shapes: &[List("rule", "ServerSideEncryptionConfiguration", SSE_RULE)],
    },
    Split {
        tf_type: "aws_s3_bucket_logging",
        property: "LoggingConfiguration",
        shapes: &[
            Attr("target_bucket", "DestinationBucketName"),
            Attr("target_prefix", "LogFilePrefix"),
        ],
    },
    Split {
        tf_type: "aws_s3_bucket_website_configuration",
        property: "WebsiteConfiguration",
        shapes: &[
            Inline("index_document", &[Attr("suffix", "IndexDocument")]),
            Inline("error_document", &[Attr("key", "ErrorDocument")]),
            One(
                "redirect_all_requests_to",
                "RedirectAllRequestsTo",
                &[Attr("host_name", "HostName"), Attr("protocol", "Protocol")],
            ),
        ],
    },
    Split {
        tf_type: "aws_s3_bucket_cors_configuration",
        property: "CorsConfiguration",
        shapes: &[List("cors_rule", "CorsRules", CORS_RULE)],
    },
    Split {
        tf_type: "aws_s3_bucket_lifecycle_configuration",
        property: "LifecycleConfiguration",
        shapes: &[List("rule", "Rules", LIFECYCLE_RULE)],
    },
    Split {
        tf_type: "aws_s3_bucket_replication_configuration",
        property: "ReplicationConfiguration",
        shapes: &[
            Attr("role", "Role"),
            List(
                "rule",
                "Rules",
                &[Attr("id", "Id"), Attr("status", "Status")],
            ),
        ],
    },
    Split {
        tf_type: "aws_s3_bucket_object_lock_configuration",
        property: "ObjectLockConfiguration",
        shapes: &[
            Attr("object_lock_enabled", "ObjectLockEnabled"),
            One(
                "rule",
                "Rule",
                &[One(
                    "default_retention",
                    "DefaultRetention",
                    &[
                        Attr("mode", "Mode"),
                        Attr("days", "Days"),
                        Attr("years", "Years"),
                    ],
                )],
            ),
        ],
    },
    Split {
        tf_type: "aws_s3_bucket_notification",
        property: "NotificationConfiguration",
        shapes: &[
            List(
                "topic",
                "TopicConfigurations",
                &[Attr("topic_arn", "Topic")],
            ),
            List(
                "queue",
                "QueueConfigurations",
                &[Attr("queue_arn", "Queue")],
            ),
            List(
                "lambda_function",
                "LambdaConfigurations",
                &[Attr("lambda_function_arn", "Function")],
            ),
            Attr("eventbridge", "EventBridgeConfiguration"),
        ],
    },
    Split {
        tf_type: "aws_s3_bucket_accelerate_configuration",
        property: "AccelerateConfiguration",
        shapes: &[Attr("status", "AccelerationStatus")],
    },
];

pub fn split(tf_type: &str) -> Option<&'static Split> {
    SPLITS.iter().find(|s| s.tf_type == tf_type)
}

/// Provider v3 arguments of `aws_s3_bucket`: the block they live in (or
/// `None` for repeated blocks on the bucket itself), the property they set
/// and how.
pub const INLINE: &[(Option<&str>, &str, &[Shape])] = &[
    (
        Some("versioning"),
        "VersioningConfiguration",
        &[
            Flag("enabled", "Status", "Enabled", "Suspended"),
            Flag("mfa_delete", "MfaDelete", "Enabled", "Disabled"),
        ],
    ),
    (
        Some("server_side_encryption_configuration"),
        "BucketEncryption",
        &[List("rule", "ServerSideEncryptionConfiguration", SSE_RULE)],
    ),
    (
        Some("logging"),
        "LoggingConfiguration",
        &[
            Attr("target_bucket", "DestinationBucketName"),
            Attr("target_prefix", "LogFilePrefix"),
        ],
    ),
    (
        Some("website"),
        "WebsiteConfiguration",
        &[
            Attr("index_document", "IndexDocument"),
            Attr("error_document", "ErrorDocument"),
            Attr("redirect_all_requests_to", "RedirectAllRequestsTo"),
        ],
    ),
    (
        None,
        "CorsConfiguration",
        &[List("cors_rule", "CorsRules", CORS_RULE)],
    ),
    (
        None,
        "LifecycleConfiguration",
        &[List(
            "lifecycle_rule",
            "Rules",
            &[
                Attr("id", "Id"),
                Flag("enabled", "Status", "Enabled", "Disabled"),
                Attr("prefix", "Prefix"),
                Nest(
                    "AbortIncompleteMultipartUpload",
                    &[Attr(
                        "abort_incomplete_multipart_upload_days",
                        "DaysAfterInitiation",
                    )],
                ),
            ],
        )],
    ),
    (
        Some("replication_configuration"),
        "ReplicationConfiguration",
        &[
            Attr("role", "Role"),
            List(
                "rules",
                "Rules",
                &[Attr("id", "Id"), Attr("status", "Status")],
            ),
        ],
    ),
    (
        Some("object_lock_configuration"),
        "ObjectLockConfiguration",
        &[Attr("object_lock_enabled", "ObjectLockEnabled")],
    ),
];

/// The CloudFormation entries that `shapes` make of a Terraform body. A
/// `dynamic` block stands for blocks known only at plan time: its entry is
/// unknown.
pub fn map(ctx: &Ctx, body: &Body, shapes: &[Shape]) -> Vec<Entry> {
    let mut out = Vec::new();
    for shape in shapes {
        match shape {
            Attr(tf, cfn) => {
                if let Some((key, v)) = body.attr(ctx, tf) {
                    out.push(entry(cfn, key, v));
                }
            }
            Flag(tf, cfn, yes, no) => {
                if let Some((key, v)) = body.attr(ctx, tf) {
                    let v = match v.as_bool() {
                        Some(b) => Value::str(v.span, if b { *yes } else { *no }),
                        None => v,
                    };
                    out.push(entry(cfn, key, v));
                }
            }
            One(tf, cfn, inner) | List(tf, cfn, inner) => {
                let (blocks, unknown) = body.expand(ctx, tf);
                let mut items: Vec<Value> = blocks
                    .iter()
                    .map(|b| Value::map(b.span, map(ctx, &b.body, inner)))
                    .collect();
                let dynamic = unknown.first().copied();
                for d in &unknown {
                    items.push(Value::unknown(
                        *d,
                        format!("dynamic \"{tf}\" block over a value not known"),
                    ));
                }
                let Some(first) = blocks.first().map(|b| b.ident).or(dynamic) else {
                    continue;
                };
                let value = match shape {
                    One(..) => items.swap_remove(0),
                    _ => Value::new(first, Kind::Seq(items)),
                };
                out.push(entry(cfn, first, value));
            }
            Inline(tf, inner) => {
                if let Some(b) = body.blocks(ctx, tf).first() {
                    out.extend(map(ctx, &b.body, inner));
                }
            }
            Nest(cfn, inner) => {
                let entries = map(ctx, body, inner);
                if let Some(first) = entries.first().map(|e| e.key_span) {
                    out.push(entry(cfn, first, Value::map(first, entries)));
                }
            }
        }
    }
    out
}

/// A Terraform resource that becomes a resource of its own.
pub struct Standalone {
    pub tf_type: &'static str,
    /// The CloudFormation type; `AWS::S3::AccountPublicAccessBlock`,
    /// `AWS::S3::Object` and `AWS::IAM::PolicyAttachment` are bucketlint's
    /// names for things CloudFormation cannot declare.
    pub cfn_type: &'static str,
    pub shapes: &'static [Shape],
}

const ATTACHMENT: &[Shape] = &[Attr("policy_arn", "PolicyArn")];

pub const STANDALONE: &[Standalone] = &[
    Standalone {
        tf_type: "aws_s3_account_public_access_block",
        cfn_type: "AWS::S3::AccountPublicAccessBlock",
        shapes: ACCOUNT_PAB,
    },
    Standalone {
        tf_type: "aws_s3_access_point",
        cfn_type: "AWS::S3::AccessPoint",
        shapes: &[
            Attr("bucket", "Bucket"),
            Attr("name", "Name"),
            One(
                "public_access_block_configuration",
                "PublicAccessBlockConfiguration",
                PAB,
            ),
            One(
                "vpc_configuration",
                "VpcConfiguration",
                &[Attr("vpc_id", "VpcId")],
            ),
        ],
    },
    Standalone {
        tf_type: "aws_s3_object",
        cfn_type: "AWS::S3::Object",
        shapes: OBJECT,
    },
    Standalone {
        tf_type: "aws_s3_bucket_object",
        cfn_type: "AWS::S3::Object",
        shapes: OBJECT,
    },
    // A copy is an object of its target bucket: same ACL and encryption.
    Standalone {
        tf_type: "aws_s3_object_copy",
        cfn_type: "AWS::S3::Object",
        shapes: OBJECT,
    },
    // Its `details` block holds what CloudFormation puts at the top.
    Standalone {
        tf_type: "aws_s3control_multi_region_access_point",
        cfn_type: "AWS::S3::MultiRegionAccessPoint",
        shapes: &[Inline(
            "details",
            &[
                Attr("name", "Name"),
                One("public_access_block", "PublicAccessBlockConfiguration", PAB),
                List("region", "Regions", &[Attr("bucket", "Bucket")]),
            ],
        )],
    },
    Standalone {
        tf_type: "aws_cloudtrail",
        cfn_type: "AWS::CloudTrail::Trail",
        shapes: &[
            Attr("s3_bucket_name", "S3BucketName"),
            Attr("enable_logging", "IsLogging"),
            List(
                "event_selector",
                "EventSelectors",
                &[
                    Attr("read_write_type", "ReadWriteType"),
                    Attr("include_management_events", "IncludeManagementEvents"),
                    List(
                        "data_resource",
                        "DataResources",
                        &[Attr("type", "Type"), Attr("values", "Values")],
                    ),
                ],
            ),
            List(
                "advanced_event_selector",
                "AdvancedEventSelectors",
                &[
                    Attr("name", "Name"),
                    List(
                        "field_selector",
                        "FieldSelectors",
                        &[
                            Attr("field", "Field"),
                            Attr("equals", "Equals"),
                            Attr("starts_with", "StartsWith"),
                            Attr("not_equals", "NotEquals"),
                            Attr("not_starts_with", "NotStartsWith"),
                        ],
                    ),
                ],
            ),
        ],
    },
    Standalone {
        tf_type: "aws_iam_role_policy_attachment",
        cfn_type: "AWS::IAM::PolicyAttachment",
        shapes: ATTACHMENT,
    },
    Standalone {
        tf_type: "aws_iam_user_policy_attachment",
        cfn_type: "AWS::IAM::PolicyAttachment",
        shapes: ATTACHMENT,
    },
    Standalone {
        tf_type: "aws_iam_group_policy_attachment",
        cfn_type: "AWS::IAM::PolicyAttachment",
        shapes: ATTACHMENT,
    },
    Standalone {
        tf_type: "aws_iam_policy_attachment",
        cfn_type: "AWS::IAM::PolicyAttachment",
        shapes: ATTACHMENT,
    },
    // IAM Identity Center: an AWS managed policy on a permission set.
    Standalone {
        tf_type: "aws_ssoadmin_managed_policy_attachment",
        cfn_type: "AWS::IAM::PolicyAttachment",
        shapes: &[Attr("managed_policy_arn", "PolicyArn")],
    },
];

/// An object's canned ACL and explicit grants, in the bucket ACL's names
/// (`AccessControl`, `AccessControlGrants` of `{Grantee: {URI}, Permission}`)
/// so that the access analysis reads both alike.
const OBJECT: &[Shape] = &[
    Attr("bucket", "Bucket"),
    Attr("key", "Key"),
    Attr("server_side_encryption", "ServerSideEncryption"),
    Attr("kms_key_id", "KMSKeyId"),
    Attr("acl", "AccessControl"),
    List(
        "grant",
        "AccessControlGrants",
        &[
            Nest("Grantee", &[Attr("uri", "URI"), Attr("type", "Type")]),
            Attr("permissions", "Permission"),
        ],
    ),
];

pub fn standalone(tf_type: &str) -> Option<&'static Standalone> {
    STANDALONE.iter().find(|s| s.tf_type == tf_type)
}
