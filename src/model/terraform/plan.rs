//! Terraform plan and state files (`terraform show -json plan.out`, and
//! `terraform show -json` on a state): the values are resolved, so every
//! value is known but those computed at apply time; findings point into
//! the file. A companion whose `bucket` is known only after apply is
//! linked to its bucket through the plan's `configuration`, which keeps
//! the references of each expression.

use std::collections::HashMap;
use std::path::Path;

use super::body::{Block as TfBlock, Body, Env};
use super::eval::Ctx;
use super::index::{Declared, Index};
use super::input::Scope;
use super::resources::build_resources;
use crate::boundary::Boundary;
use crate::model::{Format, Model};
use crate::source::FileId;
use crate::tree::{Kind, Value};

/// True when a JSON document is a plan or a state in Terraform's JSON
/// format, or a raw state file (`terraform.tfstate`, version 4).
pub fn is_plan(doc: &Value) -> bool {
    (doc.get("format_version").is_some()
        && (doc.get("planned_values").is_some() || doc.path(&["values", "root_module"]).is_some()))
        || is_raw_state(doc)
}

/// A state file as Terraform writes it (`terraform.tfstate`, format 4):
/// `resources[].instances[].attributes`.
fn is_raw_state(doc: &Value) -> bool {
    doc.get("version").and_then(Value::as_str) == Some("4")
        && doc.get("lineage").is_some()
        && doc.get("resources").is_some()
}

/// The resource instances of a raw state, addressed as `terraform show`
/// addresses them (`module.a.aws_s3_bucket.b["k"]`).
fn collect_raw<'a>(doc: &'a Value, out: &mut Vec<Declared<'a>>) {
    for r in doc.get("resources").map(Value::items).unwrap_or_default() {
        let field = |k: &str| r.get(k).and_then(Value::as_str);
        let (Some(ty), Some(name)) = (field("type"), field("name")) else {
            continue;
        };
        let mut base = String::new();
        if let Some(module) = field("module") {
            base.push_str(module);
            base.push('.');
        }
        if field("mode") == Some("data") {
            base.push_str("data.");
        }
        base.push_str(&format!("{ty}.{name}"));
        let name_span = r.entry("name").map_or(r.span, |e| e.value.span);
        for instance in r.get("instances").map(Value::items).unwrap_or_default() {
            let Some(values) = instance.get("attributes") else {
                continue;
            };
            // Each instance is named where its key is written.
            let head = instance
                .entry("index_key")
                .map_or(name_span, |e| e.value.span);
            let key = instance.get("index_key");
            let id = match key.map(|k| (&k.kind, k.as_str())) {
                None => base.clone(),
                Some((Kind::Str(k), _)) if k.parse::<u64>().is_err() => {
                    format!("{base}[{}]", serde_json::to_string(k).unwrap_or_default())
                }
                Some((_, Some(n))) => format!("{base}[{n}]"),
                Some(_) => base.clone(),
            };
            out.push(Declared {
                id,
                ty: ty.to_string(),
                name: name.to_string(),
                head,
                block: TfBlock {
                    ident: head,
                    span: instance.span,
                    body: Body::Json {
                        value: values,
                        templates: false,
                        env: Env::default(),
                    },
                },
            });
        }
    }
}

/// The resources of a module in the plan (`planned_values` or
/// `prior_state.values`), child modules included.
fn collect<'a>(module: &'a Value, out: &mut Vec<Declared<'a>>) {
    for r in module
        .get("resources")
        .map(Value::items)
        .unwrap_or_default()
    {
        let field = |k: &str| r.get(k).and_then(Value::as_str);
        let (Some(address), Some(ty), Some(name), Some(values)) = (
            field("address"),
            field("type"),
            field("name"),
            r.get("values"),
        ) else {
            continue;
        };
        let head = r.entry("address").map_or(r.span, |e| e.value.span);
        out.push(Declared {
            id: address.to_string(),
            ty: ty.to_string(),
            name: name.to_string(),
            head,
            block: TfBlock {
                ident: head,
                span: r.span,
                body: Body::Json {
                    value: values,
                    templates: false,
                    env: Env::default(),
                },
            },
        });
    }
    for child in module
        .get("child_modules")
        .map(Value::items)
        .unwrap_or_default()
    {
        collect(child, out);
    }
}

pub fn build(doc: &Value, file: FileId, text: &str) -> Model {
    let mut declared = Vec::new();
    let root = doc
        .path(&["planned_values", "root_module"])
        .or_else(|| doc.path(&["values", "root_module"]));
    if let Some(root) = root {
        collect(root, &mut declared);
    }
    if is_raw_state(doc) {
        collect_raw(doc, &mut declared);
    }
    // Data sources are read at plan time: they appear in the prior state.
    if let Some(prior) = doc.path(&["prior_state", "values", "root_module"]) {
        let mut data = Vec::new();
        collect(prior, &mut data);
        declared.extend(data.into_iter().filter(|d| d.id.contains("data.")));
    }
    // Companions whose bucket is known only after apply: their `bucket`
    // becomes a reference to the bucket the configuration names.
    let ids: Vec<String> = declared.iter().map(|d| d.id.clone()).collect();
    let patched: Vec<(usize, Value)> = declared
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let Body::Json { value, .. } = &d.block.body else {
                return None;
            };
            if value.get("bucket").is_some_and(|b| !b.is_absent()) || d.ty == "aws_s3_bucket" {
                return None;
            }
            let target = configured_bucket(doc, &d.id, &ids)?;
            let mut v = (*value).clone();
            if let crate::tree::Kind::Map(entries) = &mut v.kind {
                entries.retain(|e| e.key != "bucket");
                entries.push(crate::tree::Entry {
                    key: "bucket".into(),
                    key_span: d.head,
                    value: Value::new(
                        d.head,
                        crate::tree::Kind::Ref(crate::tree::Ref {
                            target,
                            attr: Some("id".into()),
                        }),
                    ),
                });
            }
            Some((i, v))
        })
        .collect();
    for (i, v) in &patched {
        if let Body::Json { value, .. } = &mut declared[*i].block.body {
            *value = v;
        }
    }
    // Resources are linked by the (resolved) bucket name, as written in the
    // plan: `bucket = "logs"`; the address stands for the Terraform name.
    let index = Index::default();
    let installed = super::input::Installed::default();
    let texts = super::input::Texts::default();
    let dir = Path::new(".");
    let nothing = Boundary::nothing();
    let budget = super::input::Budget::default();
    let ctx = Ctx::new(
        &index,
        HashMap::from([(file, text)]),
        Scope {
            module_dir: dir,
            root: &nothing,
            next_id: file + 1,
            installed: &installed,
            key: "",
            texts: &texts,
            budget: &budget,
        },
    );
    let mut model = Model::new(Format::Terraform);
    build_resources(&ctx, &mut model, &declared);
    model.index_blocks();
    model
}

/// The planned address of the bucket that the configuration of companion
/// `address` names in its `bucket` expression, among `planned` addresses.
fn configured_bucket(doc: &Value, address: &str, planned: &[String]) -> Option<String> {
    // `module.a[0].module.b.aws_x.y[1]`: the module path and the resource.
    let mut module = doc.path(&["configuration", "root_module"])?;
    let mut prefix = String::new();
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let end = after.find('.')?;
        let call = &after[..end];
        let name = call.split('[').next()?;
        module = module.path(&["module_calls", name, "module"])?;
        prefix.push_str(&format!("module.{call}."));
        rest = &after[end + 1..];
    }
    let base = rest.split('[').next()?;
    let index = rest.get(base.len()..).unwrap_or("");
    let config = module
        .get("resources")
        .map(Value::items)
        .unwrap_or_default()
        .into_iter()
        .find(|r| r.get("address").and_then(Value::as_str) == Some(base))?;
    let references = config.path(&["expressions", "bucket", "references"])?;
    for r in references.items() {
        let Some(r) = r.as_str() else { continue };
        // `aws_s3_bucket.b.id`, `aws_s3_bucket.b[0].id`, `aws_s3_bucket.b`.
        let target = r
            .strip_suffix(".id")
            .or(r.strip_suffix(".bucket"))
            .unwrap_or(r);
        if !target.starts_with("aws_s3_bucket.") {
            continue;
        }
        // A reference without an index from an instance with one names
        // the bucket of the same index (`count` on both).
        let candidates = [
            format!("{prefix}{target}"),
            format!("{prefix}{target}{index}"),
        ];
        if let Some(found) = candidates.into_iter().find(|c| planned.contains(c)) {
            return Some(found);
        }
    }
    None
}
