//! Terraform plan files (`terraform show -json plan.out`): the planned
//! values are fully resolved, so every value is known; findings point into
//! the plan file.

use std::collections::HashMap;
use std::path::Path;

use super::body::{Block as TfBlock, Body, Env};
use super::eval::Ctx;
use super::index::{Declared, Index};
use super::input::Scope;
use super::resources::build_resources;
use crate::model::{Format, Model};
use crate::source::FileId;
use crate::tree::Value;

/// True when a JSON document is a plan in Terraform's JSON format.
pub fn is_plan(doc: &Value) -> bool {
    doc.get("planned_values").is_some() && doc.get("format_version").is_some()
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
    if let Some(root) = doc.path(&["planned_values", "root_module"]) {
        collect(root, &mut declared);
    }
    // Data sources are read at plan time: they appear in the prior state.
    if let Some(prior) = doc.path(&["prior_state", "values", "root_module"]) {
        let mut data = Vec::new();
        collect(prior, &mut data);
        declared.extend(data.into_iter().filter(|d| d.id.contains("data.")));
    }
    // Resources are linked by the (resolved) bucket name, as written in the
    // plan: `bucket = "logs"`; the address stands for the Terraform name.
    let index = Index::default();
    let installed = super::input::Installed::default();
    let dir = Path::new(".");
    let ctx = Ctx::new(
        &index,
        HashMap::from([(file, text)]),
        Scope {
            module_dir: dir,
            root: dir,
            next_id: file + 1,
            installed: &installed,
            key: "",
        },
    );
    let mut model = Model::new(Format::Terraform);
    build_resources(&ctx, &mut model, &declared);
    model.index_blocks();
    model
}
