//! Declared resources into the model: each becomes its CloudFormation
//! counterpart, split bucket resources merged into their bucket.

use std::collections::HashMap;

use super::body::{Block as TfBlock, Body, entry};
use super::eval::Ctx;
use super::index::Declared;
use super::shapes;
use crate::model::{Block, Model, Resource};
use crate::source::Span;
use crate::tree::{Entry, Kind, Ref, Value};

/// Turns declared resources and data sources into the model's resources,
/// one per instance (`count`, `for_each`): a block whose count is 0 makes
/// nothing, and configures nothing.
pub fn build_resources<'a>(ctx: &Ctx<'a>, model: &mut Model, declared: &[Declared<'a>]) {
    let mut expanded: Vec<Declared<'a>> = Vec::new();
    for d in declared {
        let instances = ctx.instances(d);
        // Findings in a block none of whose instances is sure to exist say so.
        let condition = match instances.first() {
            Some(first) if instances.iter().all(|i| i.uncertain.is_some()) => {
                first.uncertain.clone()
            }
            _ => None,
        };
        model.blocks.push(Block {
            id: d.id.clone(),
            source_type: d.ty.clone(),
            head: d.head,
            extent: d.block.span,
            condition,
        });
        for i in instances.iter() {
            expanded.push(Declared {
                id: i.id.clone(),
                ty: d.ty.clone(),
                name: d.name.clone(),
                head: d.head,
                block: TfBlock {
                    ident: d.block.ident,
                    span: d.block.span,
                    body: i.body.clone(),
                },
            });
        }
    }
    let declared = expanded.as_slice();
    let heads = declared.iter().map(|d| (d.id.clone(), d.head)).collect();
    // Buckets the module calls made are there already: companions here may
    // configure them through the calls' outputs.
    let mut buckets_by_id = HashMap::new();
    let mut buckets_by_name = HashMap::new();
    for (i, b) in model.buckets().filter(|(_, b)| b.declared) {
        buckets_by_id.insert(b.id.clone(), i);
        if let Some(name) = b.properties.get("BucketName").and_then(Value::as_str) {
            buckets_by_name.insert(name.to_string(), i);
        }
    }
    Builder {
        ctx,
        model,
        heads,
        buckets_by_id,
        buckets_by_name,
        external: HashMap::new(),
    }
    .run(declared);
}

struct Builder<'c, 'a> {
    ctx: &'c Ctx<'a>,
    model: &'c mut Model,
    /// Where each block's header is, by address.
    heads: HashMap<String, Span>,
    buckets_by_id: HashMap<String, usize>,
    buckets_by_name: HashMap<String, usize>,
    /// Buckets declared outside the module, by the expression naming them.
    external: HashMap<String, usize>,
}

impl Builder<'_, '_> {
    fn run(mut self, declared: &[Declared]) {
        let before = self.model.resources.len();
        self.build(declared);
        // Which provider configuration each resource uses: an account's
        // settings made through another provider (another account) are
        // not this account's.
        let providers: HashMap<&str, String> = declared
            .iter()
            .filter_map(|d| Some((d.id.as_str(), d.block.body.provider()?)))
            .collect();
        if providers.is_empty() {
            return;
        }
        for r in &mut self.model.resources[before..] {
            if let Some(p) = providers.get(r.id.as_str()) {
                let span = r.head;
                r.attributes = Value::map(
                    span,
                    vec![entry("Provider", span, Value::str(span, p.clone()))],
                );
            }
        }
    }

    fn build(&mut self, declared: &[Declared]) {
        let resources = || declared.iter().filter(|d| !d.id.starts_with("data."));
        // Buckets first, so that everything else can be linked to them.
        for d in resources().filter(|d| d.ty == "aws_s3_bucket") {
            self.bucket(d);
        }
        // Access point policies attached on their own, by the access point
        // their `access_point_arn` names: joined once every access point
        // is built.
        let mut point_policies: Vec<(String, Entry)> = Vec::new();
        // Organizations policies' targets, attached on their own: by the
        // policy their `policy_id` names.
        let mut targets: Vec<(String, Value)> = Vec::new();
        for d in resources() {
            let (id, ty, head, span) = (d.id.clone(), d.ty.as_str(), d.head, d.block.span);
            let body = &d.block.body;
            if let Some(split) = shapes::split(ty) {
                let value = Value::map(span, shapes::map(self.ctx, body, split.shapes));
                let props = vec![entry(split.property, head, value)];
                self.merge_into_bucket(body, &id, head, props);
                continue;
            }
            if let Some(kind) = shapes::standalone(ty) {
                let mut props = shapes::map(self.ctx, body, kind.shapes);
                if ty == "aws_s3_access_point"
                    && let Some(mut doc) = self.policy(body, &id, ty)
                {
                    doc.key = "Policy".into();
                    props.push(doc);
                }
                let bucket = self.find_bucket(body);
                self.push(id, kind.cfn_type, head, span, props, bucket);
                continue;
            }
            match ty {
                "aws_s3_bucket_acl" => {
                    let mut props = Vec::new();
                    self.attr(&mut props, body, "acl", "AccessControl");
                    if let Some(grants) = acl_policy_grants(self.ctx, body) {
                        props.push(grants);
                    }
                    self.merge_into_bucket(body, &id, head, props);
                }
                "aws_s3control_access_point_policy" => {
                    let target = body
                        .attr(self.ctx, "access_point_arn")
                        .and_then(|(_, v)| match v.kind {
                            Kind::Ref(r) => Some(r.target),
                            _ => None,
                        });
                    if let (Some(target), Some(mut doc)) = (target, self.policy(body, &id, ty)) {
                        doc.key = "Policy".into();
                        point_policies.push((target, doc));
                    }
                }
                "aws_s3control_multi_region_access_point_policy" => {
                    let mut props = Vec::new();
                    if let Some(details) = body.blocks(self.ctx, "details").first() {
                        // A name not known here is kept as written
                        // (`aws_s3control_multi_region_access_point.x.details[0].name`):
                        // it says which point it is.
                        if let Some((key, v)) = details.body.attr(self.ctx, "name") {
                            let v = match (&v.kind, details.body.attr_text(self.ctx, "name")) {
                                (Kind::Str(_), _) | (_, None) => v,
                                (_, Some(text)) => Value::str(v.span, text),
                            };
                            props.push(entry("MrapName", key, v));
                        }
                        if let Some(mut doc) = self.policy(&details.body, &id, ty) {
                            doc.key = "Policy".into();
                            props.push(doc);
                        }
                    }
                    self.push(
                        id,
                        "AWS::S3::MultiRegionAccessPointPolicy",
                        head,
                        span,
                        props,
                        None,
                    );
                }
                // A directory bucket's policy: S3 Express, not a bucket of
                // the general kind (whose companions it would stand in for).
                "aws_s3_bucket_policy" if self.names_directory_bucket(body) => {
                    let mut props = Vec::new();
                    self.attr(&mut props, body, "bucket", "Bucket");
                    props.extend(self.policy(body, &id, ty));
                    self.push(id, "AWS::S3Express::BucketPolicy", head, span, props, None);
                }
                "aws_s3tables_table_bucket_policy"
                | "aws_s3tables_table_policy"
                | "aws_s3vectors_vector_bucket_policy"
                | "aws_s3control_object_lambda_access_point_policy" => {
                    let (cfn, arg, key, names): (&str, &str, &str, &[(&str, &str)]) = match ty {
                        "aws_s3tables_table_bucket_policy" => (
                            "AWS::S3Tables::TableBucketPolicy",
                            "resource_policy",
                            "ResourcePolicy",
                            &[("table_bucket_arn", "TableBucketARN")],
                        ),
                        "aws_s3tables_table_policy" => (
                            "AWS::S3Tables::TablePolicy",
                            "resource_policy",
                            "ResourcePolicy",
                            &[("name", "Name")],
                        ),
                        "aws_s3control_object_lambda_access_point_policy" => (
                            "AWS::S3ObjectLambda::AccessPointPolicy",
                            "policy",
                            "PolicyDocument",
                            &[("name", "ObjectLambdaAccessPoint")],
                        ),
                        _ => (
                            "AWS::S3Vectors::VectorBucketPolicy",
                            "policy",
                            "Policy",
                            &[
                                ("vector_bucket_name", "VectorBucketName"),
                                ("vector_bucket_arn", "VectorBucketArn"),
                            ],
                        ),
                    };
                    let mut props = Vec::new();
                    for (tf, cfn_name) in names {
                        self.attr(&mut props, body, tf, cfn_name);
                    }
                    if let Some(mut doc) = self.policy_in(body, &id, ty, arg) {
                        doc.key = key.into();
                        props.push(doc);
                    }
                    self.push(id, cfn, head, span, props, None);
                }
                "aws_s3_bucket_policy" => {
                    let bucket = self.bucket_ref(body, &id, head);
                    let mut props = Vec::new();
                    self.attr(&mut props, body, "bucket", "Bucket");
                    props.extend(self.policy(body, &id, ty));
                    self.push(id, "AWS::S3::BucketPolicy", head, span, props, Some(bucket));
                }
                // An S3 policy sets Block Public Access for the accounts
                // under its targets.
                "aws_organizations_policy" => {
                    let mut props = Vec::new();
                    self.attr(&mut props, body, "type", "Type");
                    if let Some(mut doc) = self.policy_in(body, &id, ty, "content") {
                        doc.key = "Content".into();
                        props.push(doc);
                    }
                    self.push(id, "AWS::Organizations::Policy", head, span, props, None);
                }
                "aws_organizations_policy_attachment" => {
                    let policy = body
                        .attr(self.ctx, "policy_id")
                        .and_then(|(_, v)| match v.kind {
                            Kind::Ref(r) => Some(r.target),
                            _ => None,
                        });
                    if let (Some(policy), Some((_, target))) =
                        (policy, body.attr(self.ctx, "target_id"))
                    {
                        targets.push((policy, target));
                    }
                }
                "aws_iam_policy"
                | "aws_iam_role_policy"
                | "aws_iam_user_policy"
                | "aws_iam_group_policy" => {
                    let cfn = if ty == "aws_iam_policy" {
                        "AWS::IAM::ManagedPolicy"
                    } else {
                        "AWS::IAM::Policy"
                    };
                    let props: Vec<Entry> = self.policy(body, &id, ty).into_iter().collect();
                    self.push(id, cfn, head, span, props, None);
                }
                // IAM Identity Center: the inline policy of a permission set.
                "aws_ssoadmin_permission_set_inline_policy" => {
                    let mut props = Vec::new();
                    if let Some(mut doc) = self.policy_in(body, &id, ty, "inline_policy") {
                        doc.key = "InlinePolicy".into();
                        props.push(doc);
                    }
                    self.push(id, "AWS::SSO::PermissionSet", head, span, props, None);
                }
                "aws_iam_role" => {
                    let mut policies = Vec::new();
                    for b in body.blocks(self.ctx, "inline_policy") {
                        let Some(doc) = self.policy(&b.body, &id, ty) else {
                            continue;
                        };
                        let mut e = Vec::new();
                        self.attr(&mut e, &b.body, "name", "PolicyName");
                        e.push(doc);
                        policies.push(Value::map(b.span, e));
                    }
                    let mut props = vec![entry(
                        "Policies",
                        span,
                        Value::new(span, Kind::Seq(policies)),
                    )];
                    self.attr(&mut props, body, "managed_policy_arns", "ManagedPolicyArns");
                    self.push(id, "AWS::IAM::Role", head, span, props, None);
                }
                _ => {}
            }
        }
        for (policy, target) in targets {
            let found = self
                .model
                .resources
                .iter_mut()
                .find(|r| r.cfn_type == "AWS::Organizations::Policy" && r.id == policy);
            if let Some(policy) = found
                && let Kind::Map(entries) = &mut policy.properties.kind
            {
                match entries.iter_mut().find(|e| e.key == "TargetIds") {
                    Some(e) => {
                        if let Kind::Seq(items) = &mut e.value.kind {
                            items.push(target);
                        }
                    }
                    None => entries.push(entry(
                        "TargetIds",
                        target.span,
                        Value::new(target.span, Kind::Seq(vec![target])),
                    )),
                }
            }
        }
        for (target, doc) in point_policies {
            let point = self
                .model
                .resources
                .iter_mut()
                .find(|r| r.cfn_type == "AWS::S3::AccessPoint" && r.id == target);
            if let Some(point) = point
                && let Kind::Map(entries) = &mut point.properties.kind
            {
                entries.retain(|e| e.key != "Policy");
                entries.push(doc);
            }
        }
    }

    /// The `policy` argument as a `PolicyDocument`. A policy read from
    /// another file (`file("policy.json")`) belongs to the resource that
    /// reads it: findings there name that resource.
    fn policy(&mut self, body: &Body, id: &str, ty: &str) -> Option<Entry> {
        self.policy_in(body, id, ty, "policy")
    }

    /// The policy document in argument `name`.
    fn policy_in(&mut self, body: &Body, id: &str, ty: &str, name: &str) -> Option<Entry> {
        let (key, _, doc) = body.policy(self.ctx, name)?;
        let from_file = self
            .ctx
            .loaded
            .borrow()
            .iter()
            .find(|f| f.id == doc.span.file && f.policy)
            .map(|f| f.text.len());
        if let Some(len) = from_file {
            self.model.blocks.push(Block {
                id: id.to_string(),
                source_type: ty.to_string(),
                head: self.head_of(id),
                extent: Span::new(doc.span.file, 0, len),
                condition: None,
            });
        }
        Some(entry("PolicyDocument", key, doc))
    }

    fn head_of(&self, id: &str) -> Span {
        self.heads.get(id).copied().unwrap_or_default()
    }

    fn push(
        &mut self,
        id: String,
        cfn_type: &str,
        head: Span,
        span: Span,
        props: Vec<Entry>,
        bucket: Option<usize>,
    ) -> usize {
        self.model.resources.push(Resource {
            id,
            cfn_type: cfn_type.to_string(),
            head,
            properties: Value::map(span, props),
            bucket,
            declared: true,
            attributes: Value::map(span, Vec::new()),
        });
        self.model.resources.len() - 1
    }

    /// Adds `tf_name`'s value, if the attribute is present, as `cfn_name`.
    fn attr(&self, out: &mut Vec<Entry>, body: &Body, tf_name: &str, cfn_name: &str) {
        if let Some((key, value)) = body.attr(self.ctx, tf_name) {
            out.push(entry(cfn_name, key, value));
        }
    }

    fn bucket(&mut self, d: &Declared) {
        let (id, head, span) = (d.id.clone(), d.head, d.block.span);
        let body = &d.block.body;
        let mut props = Vec::new();
        self.attr(&mut props, body, "bucket", "BucketName");
        // Provider v3 inline arguments.
        self.attr(&mut props, body, "acl", "AccessControl");
        let grants: Vec<Value> = body
            .blocks(self.ctx, "grant")
            .iter()
            .map(|g| {
                let mut grantee = Vec::new();
                self.attr(&mut grantee, &g.body, "type", "Type");
                self.attr(&mut grantee, &g.body, "uri", "URI");
                self.attr(&mut grantee, &g.body, "id", "ID");
                let mut e = vec![entry("Grantee", g.span, Value::map(g.span, grantee))];
                self.attr(&mut e, &g.body, "permissions", "Permission");
                Value::map(g.span, e)
            })
            .collect();
        if !grants.is_empty() {
            props.push(entry(GRANTS, span, Value::new(span, Kind::Seq(grants))));
        }
        for (block_name, property, inner) in shapes::INLINE {
            match block_name {
                Some(name) => {
                    if let Some(b) = body.blocks(self.ctx, name).first() {
                        let value = Value::map(b.span, shapes::map(self.ctx, &b.body, inner));
                        props.push(entry(property, b.ident, value));
                    }
                }
                None => {
                    let entries = shapes::map(self.ctx, body, inner);
                    if let Some(first) = entries.first().map(|e| e.key_span) {
                        props.push(entry(property, first, Value::map(first, entries)));
                    }
                }
            }
        }
        self.attr(&mut props, body, "object_lock_enabled", "ObjectLockEnabled");
        // bucketlint's extension: Terraform deletes every object with the bucket.
        self.attr(&mut props, body, "force_destroy", "ForceDestroy");
        let index = self.push(id.clone(), "AWS::S3::Bucket", head, span, props, None);
        if let Some(name) = self.model.resources[index]
            .properties
            .get("BucketName")
            .and_then(Value::as_str)
        {
            self.buckets_by_name.insert(name.to_string(), index);
        }
        self.buckets_by_id.insert(id.clone(), index);
        if let Some(doc) = self.policy(body, &id, "aws_s3_bucket") {
            let policy_span = body.policy(self.ctx, "policy").map_or(span, |(_, s, _)| s);
            self.push(
                id,
                "AWS::S3::BucketPolicy",
                head,
                policy_span,
                vec![doc],
                Some(index),
            );
        }
    }

    /// The bucket declared in this module that `bucket = ...` names.
    fn find_bucket(&self, body: &Body) -> Option<usize> {
        let (_, value) = body.attr(self.ctx, "bucket")?;
        // By the reference written first: two buckets may share a name.
        if let Some(i) = self
            .ctx
            .origin(&value)
            .and_then(|id| self.buckets_by_id.get(&id))
        {
            return Some(*i);
        }
        match &value.kind {
            Kind::Ref(Ref { target, .. }) => self.buckets_by_id.get(target).copied(),
            Kind::Str(name) => self
                .buckets_by_name
                .get(name)
                .or_else(|| self.buckets_by_id.get(&format!("aws_s3_bucket.{name}")))
                .copied(),
            _ => None,
        }
    }

    /// Whether a `bucket` argument names a directory bucket: one declared
    /// by `aws_s3_directory_bucket`, or a name in the directory bucket
    /// form (`base--zone--x-s3`).
    fn names_directory_bucket(&self, body: &Body) -> bool {
        if let Some((_, v)) = body.attr(self.ctx, "bucket")
            && let Kind::Ref(Ref { target, .. }) = &v.kind
        {
            return target.starts_with("aws_s3_directory_bucket.");
        }
        body.attr_text(self.ctx, "bucket").is_some_and(|t| {
            t.starts_with("aws_s3_directory_bucket.") || t.trim_matches('"').ends_with("--x-s3")
        })
    }

    /// The bucket that a split resource's `bucket` argument names. When it is
    /// not declared in this module, a stand-in bucket carries the settings.
    fn bucket_ref(&mut self, body: &Body, id: &str, head: Span) -> usize {
        if let Some(i) = self.find_bucket(body) {
            return i;
        }
        // Named by what the configuration says (`var.name`, a literal);
        // without a `bucket` (a plan's value known after apply), by the
        // argument itself, never by the companion's address alone.
        let key = body
            .attr_text(self.ctx, "bucket")
            .unwrap_or_else(|| format!("{id}.bucket"));
        if let Some(&i) = self.external.get(&key) {
            return i;
        }
        // The stand-in is named by what the configuration says: `var.name`,
        // or the literal bucket name.
        let name = key.trim_matches('"').to_string();
        let i = self.push(name, "AWS::S3::Bucket", head, head, Vec::new(), None);
        self.model.resources[i].declared = false;
        self.external.insert(key, i);
        i
    }

    fn merge_into_bucket(&mut self, body: &Body, id: &str, head: Span, props: Vec<Entry>) {
        let i = self.bucket_ref(body, id, head);
        if let Kind::Map(entries) = &mut self.model.resources[i].properties.kind {
            entries.extend(props);
        }
    }
}

/// A bucketlint extension of the bucket's properties: explicit ACL grants,
/// which Terraform can express and CloudFormation cannot.
pub const GRANTS: &str = "AccessControlGrants";

/// `access_control_policy { grant { grantee { type uri id } permission } }`.
fn acl_policy_grants(ctx: &Ctx, body: &Body) -> Option<Entry> {
    let acp = body
        .blocks(ctx, "access_control_policy")
        .into_iter()
        .next()?;
    let grants: Vec<Value> = acp
        .body
        .blocks(ctx, "grant")
        .iter()
        .map(|g| {
            let mut e = Vec::new();
            if let Some(grantee) = g.body.blocks(ctx, "grantee").first() {
                let fields = [("type", "Type"), ("uri", "URI"), ("id", "ID")]
                    .into_iter()
                    .filter_map(|(tf, cfn)| {
                        grantee.body.attr(ctx, tf).map(|(k, v)| entry(cfn, k, v))
                    })
                    .collect();
                e.push(entry(
                    "Grantee",
                    grantee.span,
                    Value::map(grantee.span, fields),
                ));
            }
            if let Some((k, v)) = g.body.attr(ctx, "permission") {
                e.push(entry("Permission", k, v));
            }
            Value::map(g.span, e)
        })
        .collect();
    Some(entry(
        GRANTS,
        acp.span,
        Value::new(acp.span, Kind::Seq(grants)),
    ))
}
