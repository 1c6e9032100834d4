//! A Terraform module (every `.tf` file of one folder) into the model.
//!
//! Resources become their CloudFormation counterparts. The AWS provider's
//! split bucket resources (`aws_s3_bucket_acl`, `_public_access_block`,
//! `_ownership_controls`) are merged into the bucket they reference, so
//! rules see one `AWS::S3::Bucket`; bucket policies stay separate resources,
//! as in CloudFormation. Expressions are evaluated where the value is known
//! statically (literals, variable defaults, locals, `jsonencode`, heredoc
//! JSON, `aws_iam_policy_document`, `file()`); anything else stays unknown.

mod eval;
mod modules;
mod shapes;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hcl_edit::Span as _;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block as HclBlock, Body};

use super::{Block, Format, Model, Resource};
use crate::parse::ParseError;
use crate::source::{FileId, Span};
use crate::tree::{Entry, Kind, Ref, Value};
use eval::{Ctx, entry, span_of};

/// One parsed `.tf` file of the module.
pub struct TfFile<'a> {
    pub id: FileId,
    pub body: &'a Body,
    pub text: &'a str,
    /// A variable definitions file (`terraform.tfvars`, `*.auto.tfvars`,
    /// `--var-file`): its attributes set variables.
    pub vars: bool,
}

/// A file that evaluation read (`file("policy.json")`), to be added to the
/// unit's sources under the id it was given.
pub struct LoadedFile {
    pub id: FileId,
    pub path: PathBuf,
    pub text: Arc<str>,
    /// Read by `file()` for a policy (rather than a module's `.tf` file).
    pub policy: bool,
}

pub struct TfOutput {
    pub model: Model,
    pub loaded: Vec<LoadedFile>,
    pub errors: Vec<ParseError>,
    /// Things not checked, such as modules from a registry.
    pub notes: Vec<ParseError>,
    /// Folders of the local modules instantiated (canonical paths).
    pub modules: Vec<PathBuf>,
}

/// Where evaluation may read files from.
pub struct Scope<'a> {
    /// The module's folder, as shown to the user.
    pub module_dir: &'a Path,
    /// Nothing outside this folder is read.
    pub root: &'a Path,
    /// The first free file id.
    pub next_id: FileId,
}

pub fn build(files: &[TfFile], scope: Scope) -> TfOutput {
    build_module(files, scope, HashMap::new(), 0)
}

/// Builds one module; `inputs` are the variables its caller sets.
fn build_module(
    files: &[TfFile],
    scope: Scope,
    inputs: HashMap<String, Value>,
    depth: usize,
) -> TfOutput {
    let mut index = Index::default();
    // Later variable files win, as in Terraform.
    for f in files.iter().filter(|f| f.vars) {
        for a in f.body.attributes() {
            index.values.insert(a.key.as_str(), (f.id, &a.value));
        }
    }
    for f in files.iter().filter(|f| !f.vars) {
        for block in f.body.blocks() {
            let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
            match (block.ident.as_str(), labels.as_slice()) {
                ("resource", [ty, name]) => index.resources.push((f.id, block, ty, name)),
                ("data", [ty, name]) => {
                    index
                        .data
                        .insert(format!("data.{ty}.{name}"), (f.id, block));
                }
                ("variable", [name]) => {
                    if let Some(d) = block.body.get_attribute("default") {
                        index.vars.insert(name, (f.id, &d.value));
                    }
                }
                ("locals", []) => {
                    for a in block.body.attributes() {
                        index.locals.insert(a.key.as_str(), (f.id, &a.value));
                    }
                }
                ("module", [name]) => index.modules.push((f.id, block, name)),
                _ => {}
            }
        }
    }
    let next_file = Cell::new(scope.next_id);
    let ctx = Ctx {
        index: &index,
        texts: files.iter().map(|f| (f.id, f.text)).collect(),
        scope,
        loaded: RefCell::new(Vec::new()),
        next_file,
        inputs,
        errors: RefCell::new(Vec::new()),
        depth: Cell::new(0),
    };
    let mut model = Model::new(Format::Terraform);
    for f in files {
        for block in f.body.blocks() {
            let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
            let (kind, ty, name) = match (block.ident.as_str(), labels.as_slice()) {
                ("resource", [ty, name]) => ("", *ty, *name),
                ("data", [ty, name]) => ("data.", *ty, *name),
                _ => continue,
            };
            let extent = span_of(block, f.id);
            let head_end = block
                .labels
                .last()
                .and_then(|l| l.span())
                .map_or(extent.start as usize, |r| r.end);
            model.blocks.push(Block {
                id: format!("{kind}{ty}.{name}"),
                source_type: ty.to_string(),
                head: Span::new(f.id, extent.start as usize, head_end),
                extent,
            });
        }
    }
    let heads = model
        .blocks
        .iter()
        .map(|b| (b.id.clone(), b.head))
        .collect();
    Builder {
        ctx: &ctx,
        model: &mut model,
        heads,
        buckets_by_id: HashMap::new(),
        buckets_by_name: HashMap::new(),
        external: HashMap::new(),
    }
    .run();
    let mut notes = Vec::new();
    let mut instantiated = Vec::new();
    for &(file, call, name) in &index.modules {
        let out = modules::instantiate(&ctx, &mut model, file, call, name, depth);
        notes.extend(out.notes);
        instantiated.extend(out.modules);
    }
    model.index_blocks();
    let Ctx { loaded, errors, .. } = ctx;
    TfOutput {
        model,
        loaded: loaded.into_inner(),
        errors: errors.into_inner(),
        notes,
        modules: instantiated,
    }
}

#[derive(Default)]
struct Index<'a> {
    resources: Vec<(FileId, &'a HclBlock, &'a str, &'a str)>,
    data: HashMap<String, (FileId, &'a HclBlock)>,
    /// Variable defaults.
    vars: HashMap<&'a str, (FileId, &'a Expression)>,
    /// Variable values from variable files; they win over defaults.
    values: HashMap<&'a str, (FileId, &'a Expression)>,
    locals: HashMap<&'a str, (FileId, &'a Expression)>,
    /// `module "name" { ... }` calls.
    modules: Vec<(FileId, &'a HclBlock, &'a str)>,
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
    fn run(mut self) {
        let index = self.ctx.index;
        // Buckets first, so that everything else can be linked to them.
        for &(file, block, ty, name) in &index.resources {
            if ty == "aws_s3_bucket" {
                self.bucket(file, block, name);
            }
        }
        for &(file, block, ty, name) in &index.resources {
            let id = format!("{ty}.{name}");
            let head = self.head_of(&id);
            let body = &block.body;
            let span = span_of(block, file);
            if let Some(split) = shapes::split(ty) {
                let value = Value::map(span, shapes::map(self.ctx, body, file, split.shapes));
                let props = vec![entry(split.property, head, value)];
                self.merge_into_bucket(body, file, &id, head, props);
                continue;
            }
            if let Some(kind) = shapes::standalone(ty) {
                let props = shapes::map(self.ctx, body, file, kind.shapes);
                let bucket = self.find_bucket(body, file);
                self.push(id, kind.cfn_type, head, span, props, bucket);
                continue;
            }
            match ty {
                "aws_s3_bucket_acl" => {
                    let mut props = Vec::new();
                    self.attr(&mut props, body, file, "acl", "AccessControl");
                    if let Some(grants) = acl_policy_grants(self.ctx, body, file) {
                        props.push(grants);
                    }
                    self.merge_into_bucket(body, file, &id, head, props);
                }
                "aws_s3_bucket_policy" => {
                    let bucket = self.bucket_ref(body, file, &id, head);
                    let mut props = Vec::new();
                    self.attr(&mut props, body, file, "bucket", "Bucket");
                    if let Some(p) = body.get_attribute("policy") {
                        props.push(self.policy(p, file, &id, ty));
                    }
                    self.push(
                        id,
                        "AWS::S3::BucketPolicy",
                        head,
                        span_of(block, file),
                        props,
                        Some(bucket),
                    );
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
                    let mut props = Vec::new();
                    if let Some(p) = body.get_attribute("policy") {
                        props.push(self.policy(p, file, &id, ty));
                    }
                    self.push(id, cfn, head, span_of(block, file), props, None);
                }
                "aws_iam_role" => {
                    let mut policies = Vec::new();
                    for b in body.get_blocks("inline_policy") {
                        let Some(p) = b.body.get_attribute("policy") else {
                            continue;
                        };
                        let mut e = Vec::new();
                        self.attr(&mut e, &b.body, file, "name", "PolicyName");
                        e.push(self.policy(p, file, &id, ty));
                        policies.push(Value::map(span_of(b, file), e));
                    }
                    let mut props = vec![entry(
                        "Policies",
                        span,
                        Value::new(span, Kind::Seq(policies)),
                    )];
                    self.attr(
                        &mut props,
                        body,
                        file,
                        "managed_policy_arns",
                        "ManagedPolicyArns",
                    );
                    self.push(id, "AWS::IAM::Role", head, span, props, None);
                }
                _ => {}
            }
        }
    }

    /// A policy read from another file (`file("policy.json")`) belongs to
    /// the resource that reads it: findings there name that resource.
    fn policy(
        &mut self,
        p: &hcl_edit::structure::Attribute,
        file: FileId,
        id: &str,
        ty: &str,
    ) -> Entry {
        let doc = self.ctx.policy(&p.value, file);
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
            });
        }
        entry("PolicyDocument", span_of(&p.key, file), doc)
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
    fn attr(&self, out: &mut Vec<Entry>, body: &Body, file: FileId, tf_name: &str, cfn_name: &str) {
        if let Some(a) = body.get_attribute(tf_name) {
            out.push(Entry {
                key: cfn_name.to_string(),
                key_span: span_of(&a.key, file),
                value: self.ctx.eval(&a.value, file),
            });
        }
    }

    fn bucket(&mut self, file: FileId, block: &HclBlock, name: &str) {
        let id = format!("aws_s3_bucket.{name}");
        let head = self.head_of(&id);
        let body = &block.body;
        let mut props = Vec::new();
        self.attr(&mut props, body, file, "bucket", "BucketName");
        // Provider v3 inline arguments.
        self.attr(&mut props, body, file, "acl", "AccessControl");
        let grants: Vec<Value> = body
            .get_blocks("grant")
            .map(|g| {
                let mut grantee = Vec::new();
                self.attr(&mut grantee, &g.body, file, "type", "Type");
                self.attr(&mut grantee, &g.body, file, "uri", "URI");
                self.attr(&mut grantee, &g.body, file, "id", "ID");
                let span = span_of(g, file);
                let mut e = vec![entry("Grantee", span, Value::map(span, grantee))];
                self.attr(&mut e, &g.body, file, "permissions", "Permission");
                Value::map(span, e)
            })
            .collect();
        if !grants.is_empty() {
            let span = span_of(block, file);
            props.push(entry(GRANTS, span, Value::new(span, Kind::Seq(grants))));
        }
        for (block_name, property, inner) in shapes::INLINE {
            match block_name {
                Some(name) => {
                    if let Some(b) = body.get_blocks(name).next() {
                        let value = Value::map(
                            span_of(b, file),
                            shapes::map(self.ctx, &b.body, file, inner),
                        );
                        props.push(entry(property, span_of(&b.ident, file), value));
                    }
                }
                None => {
                    let entries = shapes::map(self.ctx, body, file, inner);
                    if let Some(first) = entries.first().map(|e| e.key_span) {
                        props.push(entry(property, first, Value::map(first, entries)));
                    }
                }
            }
        }
        self.attr(
            &mut props,
            body,
            file,
            "object_lock_enabled",
            "ObjectLockEnabled",
        );
        // bucketlint's extension: Terraform deletes every object with the bucket.
        self.attr(&mut props, body, file, "force_destroy", "ForceDestroy");
        let index = self.push(
            id.clone(),
            "AWS::S3::Bucket",
            head,
            span_of(block, file),
            props,
            None,
        );
        if let Some(name) = self.model.resources[index]
            .properties
            .get("BucketName")
            .and_then(Value::as_str)
        {
            self.buckets_by_name.insert(name.to_string(), index);
        }
        self.buckets_by_id.insert(id.clone(), index);
        if let Some(p) = body.get_attribute("policy") {
            let props = vec![self.policy(p, file, &id, "aws_s3_bucket")];
            self.push(
                id,
                "AWS::S3::BucketPolicy",
                head,
                span_of(p, file),
                props,
                Some(index),
            );
        }
    }

    /// The bucket declared in this module that `bucket = ...` names.
    fn find_bucket(&self, body: &Body, file: FileId) -> Option<usize> {
        let value = self.ctx.eval(&body.get_attribute("bucket")?.value, file);
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

    /// The bucket that a split resource's `bucket` argument names. When it is
    /// not declared in this module, a stand-in bucket carries the settings.
    fn bucket_ref(&mut self, body: &Body, file: FileId, id: &str, head: Span) -> usize {
        if let Some(i) = self.find_bucket(body, file) {
            return i;
        }
        let key = body
            .get_attribute("bucket")
            .map(|a| self.ctx.text(span_of(&a.value, file)).to_string())
            .unwrap_or_else(|| id.to_string());
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

    fn merge_into_bucket(
        &mut self,
        body: &Body,
        file: FileId,
        id: &str,
        head: Span,
        props: Vec<Entry>,
    ) {
        let i = self.bucket_ref(body, file, id, head);
        if let Kind::Map(entries) = &mut self.model.resources[i].properties.kind {
            entries.extend(props);
        }
    }
}

/// A bucketlint extension of the bucket's properties: explicit ACL grants,
/// which Terraform can express and CloudFormation cannot.
pub const GRANTS: &str = "AccessControlGrants";

/// `access_control_policy { grant { grantee { type uri id } permission } }`.
fn acl_policy_grants(ctx: &Ctx, body: &Body, file: FileId) -> Option<Entry> {
    let acp = body.get_blocks("access_control_policy").next()?;
    let grants: Vec<Value> = acp
        .body
        .get_blocks("grant")
        .map(|g| {
            let span = span_of(g, file);
            let mut e = Vec::new();
            if let Some(grantee) = g.body.get_blocks("grantee").next() {
                let gs = span_of(grantee, file);
                let fields = [("type", "Type"), ("uri", "URI"), ("id", "ID")]
                    .into_iter()
                    .filter_map(|(tf, cfn)| {
                        let a = grantee.body.get_attribute(tf)?;
                        Some(entry(cfn, span_of(&a.key, file), ctx.eval(&a.value, file)))
                    })
                    .collect();
                e.push(entry("Grantee", gs, Value::map(gs, fields)));
            }
            if let Some(p) = g.body.get_attribute("permission") {
                e.push(entry(
                    "Permission",
                    span_of(&p.key, file),
                    ctx.eval(&p.value, file),
                ));
            }
            Value::map(span, e)
        })
        .collect();
    let span = span_of(acp, file);
    Some(entry(GRANTS, span, Value::new(span, Kind::Seq(grants))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(text: &str) -> Model {
        let body = crate::parse::hcl::parse(text, 0).unwrap();
        let files = [TfFile {
            id: 0,
            body: &body,
            text,
            vars: false,
        }];
        let dir = Path::new(".");
        build(
            &files,
            Scope {
                module_dir: dir,
                root: dir,
                next_id: 1,
            },
        )
        .model
    }

    #[test]
    fn split_resources_merge_into_their_bucket() {
        let m = model(
            r#"
resource "aws_s3_bucket" "b" { bucket = "logs" }
resource "aws_s3_bucket_acl" "a" {
  bucket = aws_s3_bucket.b.id
  acl    = "public-read"
}
resource "aws_s3_bucket_public_access_block" "p" {
  bucket            = "logs"
  block_public_acls = false
}
"#,
        );
        let b = &m.resources[0];
        assert_eq!(
            b.properties.get("AccessControl").unwrap().as_str(),
            Some("public-read")
        );
        let pab = b.properties.get("PublicAccessBlockConfiguration").unwrap();
        assert_eq!(pab.get("BlockPublicAcls").unwrap().as_bool(), Some(false));
        assert_eq!(
            m.holder(pab.get("BlockPublicAcls").unwrap().span)
                .unwrap()
                .id,
            "aws_s3_bucket_public_access_block.p"
        );
    }

    #[test]
    fn unknown_buckets_get_a_stand_in() {
        let m = model(
            "resource \"aws_s3_bucket_acl\" \"a\" {\n bucket = var.name\n acl = \"public-read\"\n}\n",
        );
        assert_eq!(m.resources.len(), 1);
        assert!(!m.resources[0].declared);
        assert_eq!(m.resources[0].id, "var.name");
        assert_eq!(
            m.holder(m.resources[0].head).unwrap().id,
            "aws_s3_bucket_acl.a"
        );
    }

    #[test]
    fn policies_from_jsonencode_heredoc_and_documents() {
        let text = r#"
locals { who = "*" }
resource "aws_s3_bucket_policy" "a" {
  bucket = aws_s3_bucket.b.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = local.who }] })
}
resource "aws_s3_bucket_policy" "h" {
  bucket = aws_s3_bucket.b.id
  policy = <<EOF
{"Statement": [{"Effect": "Allow", "Principal": "*", "Resource": "${aws_s3_bucket.b.arn}/*"}]}
EOF
}
data "aws_iam_policy_document" "d" {
  statement {
    actions = ["s3:*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}
resource "aws_s3_bucket_policy" "d" {
  bucket = aws_s3_bucket.b.id
  policy = data.aws_iam_policy_document.d.json
}
"#;
        let m = model(text);
        let st = |i: usize| {
            m.bucket_policies()
                .nth(i)
                .unwrap()
                .properties
                .path(&["PolicyDocument", "Statement"])
                .unwrap()
                .items()[0]
                .clone()
        };
        assert_eq!(st(0).get("Principal").unwrap().as_str(), Some("*"));
        let p = st(1).get("Principal").unwrap().clone();
        assert_eq!(&text[p.span.start as usize..p.span.end as usize], "\"*\"");
        assert!(matches!(
            st(1).get("Resource").unwrap().kind,
            Kind::Partial(_)
        ));
        assert_eq!(st(2).get("Effect").unwrap().as_str(), Some("Allow"));
        assert_eq!(st(2).get("Principal").unwrap().as_str(), Some("*"));
        assert_eq!(
            m.holder(st(2).get("Principal").unwrap().span).unwrap().id,
            "data.aws_iam_policy_document.d"
        );
    }

    #[test]
    fn v3_blocks_and_split_resources_become_cloudformation_properties() {
        let m = model(
            r#"
resource "aws_s3_bucket" "b" {
  bucket = "x"
  versioning {
    enabled = false
  }
  cors_rule {
    allowed_origins = ["*"]
    allowed_methods = ["GET"]
  }
  lifecycle_rule {
    enabled                                = true
    abort_incomplete_multipart_upload_days = 7
  }
}
resource "aws_s3_bucket_server_side_encryption_configuration" "b" {
  bucket = aws_s3_bucket.b.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
    bucket_key_enabled = true
  }
}
resource "aws_s3_bucket_lifecycle_configuration" "b" {
  bucket = aws_s3_bucket.b.id
  dynamic "rule" {
    for_each = var.rules
    content {
      status = "Enabled"
    }
  }
}
"#,
        );
        let p = &m.resources[0].properties;
        assert_eq!(
            p.path(&["VersioningConfiguration", "Status"])
                .unwrap()
                .as_str(),
            Some("Suspended")
        );
        let cors = p.path(&["CorsConfiguration", "CorsRules"]).unwrap().items();
        assert_eq!(
            cors[0].get("AllowedOrigins").unwrap().items()[0].as_str(),
            Some("*")
        );
        let sse = p
            .path(&["BucketEncryption", "ServerSideEncryptionConfiguration"])
            .unwrap()
            .items();
        assert_eq!(
            sse[0]
                .path(&["ServerSideEncryptionByDefault", "SSEAlgorithm"])
                .unwrap()
                .as_str(),
            Some("aws:kms")
        );
        assert_eq!(
            sse[0].get("BucketKeyEnabled").unwrap().as_bool(),
            Some(true)
        );
        // The split resource comes later and wins; its rules are dynamic.
        let rules = p
            .path(&["LifecycleConfiguration", "Rules"])
            .unwrap()
            .items();
        assert!(matches!(rules[0].kind, Kind::Unknown(_)));
    }
}
