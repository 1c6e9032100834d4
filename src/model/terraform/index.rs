//! What a module declares, by kind: resources and data sources, variable
//! defaults and values, locals, module calls.

use std::collections::HashMap;

use hcl_edit::expr::Expression;
use hcl_edit::structure::Body as HclBody;

use super::body::{Block as TfBlock, Body, Env, span_of};
use crate::source::{FileId, Span};
use crate::tree::Value;

/// A declared block: `resource`, `data`, `module`.
#[derive(Clone)]
pub struct Declared<'a> {
    /// The address: `aws_s3_bucket.logs`, `data.aws_iam_policy_document.x`.
    pub id: String,
    pub ty: String,
    pub name: String,
    /// The header (`resource "aws_s3_bucket" "logs"`), for labels.
    pub head: Span,
    pub block: TfBlock<'a>,
}

/// A variable default, a variable file entry or a local.
pub enum Def<'a> {
    Hcl(FileId, &'a Expression),
    Json(&'a Value, bool),
}

#[derive(Default)]
pub struct Index<'a> {
    pub resources: Vec<Declared<'a>>,
    /// Variable defaults.
    pub vars: HashMap<String, Def<'a>>,
    /// Variable values from variable files; they win over defaults.
    pub values: HashMap<String, Def<'a>>,
    pub locals: HashMap<String, Def<'a>>,
    /// `module "name" { ... }` calls.
    pub modules: Vec<Declared<'a>>,
    /// `output "name" { value = ... }`, in order.
    pub outputs: Vec<(String, Def<'a>)>,
}

impl<'a> Index<'a> {
    pub fn add_hcl(&mut self, file: FileId, body: &'a HclBody) {
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
                body: Body::Hcl(&block.body, file, Env::default()),
            };
            let head = Span::new(file, extent.start as usize, head_end);
            match (block.ident.as_str(), labels.as_slice()) {
                ("resource", [ty, name]) => self.resources.push(declared("", ty, name, head, tf)),
                ("data", [ty, name]) => self.resources.push(declared("data.", ty, name, head, tf)),
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
                ("output", [name]) => {
                    if let Some(v) = block.body.get_attribute("value") {
                        self.outputs
                            .push((name.to_string(), Def::Hcl(file, &v.value)));
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
    pub fn add_json(&mut self, doc: &'a Value) {
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
                env: Env::default(),
            },
        };
        for (ty, name, head, v) in labelled("resource") {
            self.resources
                .push(declared("", ty, name, head, block(head, v)));
        }
        for (ty, name, head, v) in labelled("data") {
            self.resources
                .push(declared("data.", ty, name, head, block(head, v)));
        }
        for section in ["variable", "locals", "module", "output"] {
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
                        "output" => {
                            if let Some(v) = e.value.get("value") {
                                self.outputs.push((e.key.clone(), Def::Json(v, true)));
                            }
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
