//! A Terraform module (every `.tf` and `.tf.json` file of one folder) into
//! the model.
//!
//! Resources become their CloudFormation counterparts. The AWS provider's
//! split bucket resources (`aws_s3_bucket_acl`, `_public_access_block`,
//! `_versioning`, ...) are merged into the bucket they reference, so rules
//! see one `AWS::S3::Bucket`; bucket policies stay separate resources, as in
//! CloudFormation. Expressions are evaluated where the value is known
//! statically (literals, variables, locals, `jsonencode`, heredoc JSON,
//! `aws_iam_policy_document`, `file()`); anything else stays unknown.

mod body;
mod eval;
mod modules;
pub mod plan;
mod shapes;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hcl_edit::expr::Expression;
use hcl_edit::structure::Body as HclBody;

use super::{Block, Format, Model, Resource};
use crate::parse::ParseError;
use crate::source::{FileId, Span};
use crate::tree::{Entry, Kind, Ref, Value};
use body::{Block as TfBlock, Body};
use eval::{Ctx, entry, span_of};

/// The syntax a file of the module is written in.
pub enum Source<'a> {
    Hcl(&'a HclBody),
    /// `.tf.json`, parsed into the value tree.
    Json(&'a Value),
}

/// A parsed Terraform file, owned.
pub enum Parsed {
    Hcl(HclBody),
    Json(Value),
}

impl Parsed {
    pub fn source(&self) -> Source<'_> {
        match self {
            Parsed::Hcl(b) => Source::Hcl(b),
            Parsed::Json(v) => Source::Json(v),
        }
    }
}

/// Parses a `.tf` (HCL) or `.tf.json` file.
pub fn parse_file(path: &Path, text: &str, id: FileId) -> Result<Parsed, ParseError> {
    if path.to_string_lossy().ends_with(".json") {
        let doc = crate::parse::json::parse(text, crate::parse::json::Placement::At(id, 0))?;
        Ok(Parsed::Json(doc.value))
    } else {
        crate::parse::hcl::parse(text, id).map(Parsed::Hcl)
    }
}

/// One parsed file of the module.
pub struct TfFile<'a> {
    pub id: FileId,
    pub source: Source<'a>,
    pub text: &'a str,
    /// A variable definitions file (`terraform.tfvars`, `*.auto.tfvars`,
    /// `--var-file`): its attributes set variables.
    pub vars: bool,
}

/// A file that evaluation read (`file("policy.json")`, a module's files),
/// to be added to the unit's sources under the id it was given.
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

/// A declared block: `resource`, `data`, `module`.
#[derive(Clone)]
struct Declared<'a> {
    /// The address: `aws_s3_bucket.logs`, `data.aws_iam_policy_document.x`.
    pub id: String,
    pub ty: String,
    pub name: String,
    /// The header (`resource "aws_s3_bucket" "logs"`), for labels.
    pub head: Span,
    pub block: TfBlock<'a>,
}

/// A variable default, a variable file entry or a local.
enum Def<'a> {
    Hcl(FileId, &'a Expression),
    Json(&'a Value, bool),
}

#[derive(Default)]
struct Index<'a> {
    resources: Vec<Declared<'a>>,
    data: HashMap<String, TfBlock<'a>>,
    /// Variable defaults.
    vars: HashMap<String, Def<'a>>,
    /// Variable values from variable files; they win over defaults.
    values: HashMap<String, Def<'a>>,
    locals: HashMap<String, Def<'a>>,
    /// `module "name" { ... }` calls.
    modules: Vec<Declared<'a>>,
}

impl<'a> Index<'a> {
    fn add_hcl(&mut self, file: FileId, body: &'a HclBody) {
        for block in body.blocks() {
            let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
            let extent = span_of(block, file);
            let head_end = block
                .labels
                .last()
                .and_then(hcl_edit::Span::span)
                .map_or(extent.start as usize, |r| r.end);
            let tf = TfBlock {
                ident: span_of(&block.ident, file),
                span: extent,
                body: Body::Hcl(&block.body, file),
            };
            let head = Span::new(file, extent.start as usize, head_end);
            match (block.ident.as_str(), labels.as_slice()) {
                ("resource", [ty, name]) => self.resources.push(declared("", ty, name, head, tf)),
                ("data", [ty, name]) => {
                    self.data.insert(format!("data.{ty}.{name}"), tf);
                    self.resources.push(declared("data.", ty, name, head, tf));
                }
                ("variable", [name]) => {
                    if let Some(d) = block.body.get_attribute("default") {
                        self.vars.insert(name.to_string(), Def::Hcl(file, &d.value));
                    }
                }
                ("locals", []) => {
                    for a in block.body.attributes() {
                        self.locals
                            .insert(a.key.to_string(), Def::Hcl(file, &a.value));
                    }
                }
                ("module", [name]) => self
                    .modules
                    .push(declared("module.", "module", name, head, tf)),
                _ => {}
            }
        }
    }

    /// JSON syntax: `{"resource": {"<type>": {"<name>": {...}}}}` and so on.
    fn add_json(&mut self, doc: &'a Value) {
        let labelled = |section: &str| -> Vec<(&'a str, &'a str, Span, &'a Value)> {
            let mut out = Vec::new();
            for types in doc
                .get(section)
                .map(|v| v.alternatives())
                .unwrap_or_default()
            {
                for ty in types.entries() {
                    for item in ty.value.items() {
                        for name in item.entries() {
                            out.push((
                                ty.key.as_str(),
                                name.key.as_str(),
                                name.key_span,
                                &name.value,
                            ));
                        }
                    }
                }
            }
            out
        };
        let block = |head: Span, v: &'a Value| TfBlock {
            ident: head,
            span: v.span,
            body: Body::Json {
                value: v,
                templates: true,
            },
        };
        for (ty, name, head, v) in labelled("resource") {
            self.resources
                .push(declared("", ty, name, head, block(head, v)));
        }
        for (ty, name, head, v) in labelled("data") {
            self.data
                .insert(format!("data.{ty}.{name}"), block(head, v));
            self.resources
                .push(declared("data.", ty, name, head, block(head, v)));
        }
        for section in ["variable", "locals", "module"] {
            for item in doc.get(section).map(Value::items).unwrap_or_default() {
                for e in item.entries() {
                    match section {
                        "variable" => {
                            if let Some(d) = e.value.get("default") {
                                self.vars.insert(e.key.clone(), Def::Json(d, true));
                            }
                        }
                        "locals" => {
                            self.locals.insert(e.key.clone(), Def::Json(&e.value, true));
                        }
                        _ => self.modules.push(declared(
                            "module.",
                            "module",
                            &e.key,
                            e.key_span,
                            block(e.key_span, &e.value),
                        )),
                    }
                }
            }
        }
    }
}

fn declared<'a>(
    prefix: &str,
    ty: &str,
    name: &str,
    head: Span,
    block: TfBlock<'a>,
) -> Declared<'a> {
    Declared {
        id: if prefix == "module." {
            format!("module.{name}")
        } else {
            format!("{prefix}{ty}.{name}")
        },
        ty: ty.to_string(),
        name: name.to_string(),
        head,
        block,
    }
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
        if let Source::Hcl(body) = f.source {
            for a in body.attributes() {
                index
                    .values
                    .insert(a.key.to_string(), Def::Hcl(f.id, &a.value));
            }
        }
    }
    for f in files.iter().filter(|f| !f.vars) {
        match f.source {
            Source::Hcl(body) => index.add_hcl(f.id, body),
            Source::Json(doc) => index.add_json(doc),
        }
    }
    let declared: Vec<Declared> = index.resources.clone();
    let modules: Vec<Declared> = index.modules.clone();
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
    build_resources(&ctx, &mut model, &declared);
    let mut notes = Vec::new();
    let mut instantiated = Vec::new();
    for call in &modules {
        let out = modules::instantiate(&ctx, &mut model, call, depth);
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

/// Turns declared resources and data sources into the model's resources.
fn build_resources(ctx: &Ctx, model: &mut Model, declared: &[Declared]) {
    for d in declared {
        model.blocks.push(Block {
            id: d.id.clone(),
            source_type: d.ty.clone(),
            head: d.head,
            extent: d.block.span,
        });
    }
    let heads = declared.iter().map(|d| (d.id.clone(), d.head)).collect();
    Builder {
        ctx,
        model,
        heads,
        buckets_by_id: HashMap::new(),
        buckets_by_name: HashMap::new(),
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
        let resources = || declared.iter().filter(|d| !d.id.starts_with("data."));
        // Buckets first, so that everything else can be linked to them.
        for d in resources().filter(|d| d.ty == "aws_s3_bucket") {
            self.bucket(d);
        }
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
                "aws_s3_bucket_policy" => {
                    let bucket = self.bucket_ref(body, &id, head);
                    let mut props = Vec::new();
                    self.attr(&mut props, body, "bucket", "Bucket");
                    props.extend(self.policy(body, &id, ty));
                    self.push(id, "AWS::S3::BucketPolicy", head, span, props, Some(bucket));
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
                "aws_iam_role" => {
                    let mut policies = Vec::new();
                    for b in body.blocks("inline_policy") {
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
    }

    /// The `policy` argument as a `PolicyDocument`. A policy read from
    /// another file (`file("policy.json")`) belongs to the resource that
    /// reads it: findings there name that resource.
    fn policy(&mut self, body: &Body, id: &str, ty: &str) -> Option<Entry> {
        let (key, _, doc) = body.policy(self.ctx, "policy")?;
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
            .blocks("grant")
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
                    if let Some(b) = body.blocks(name).first() {
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
    fn bucket_ref(&mut self, body: &Body, id: &str, head: Span) -> usize {
        if let Some(i) = self.find_bucket(body) {
            return i;
        }
        let key = body
            .attr_text(self.ctx, "bucket")
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
    let acp = *body.blocks("access_control_policy").first()?;
    let grants: Vec<Value> = acp
        .body
        .blocks("grant")
        .iter()
        .map(|g| {
            let mut e = Vec::new();
            if let Some(grantee) = g.body.blocks("grantee").first() {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn model(text: &str) -> Model {
        let body = crate::parse::hcl::parse(text, 0).unwrap();
        let files = [TfFile {
            id: 0,
            source: Source::Hcl(&body),
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
