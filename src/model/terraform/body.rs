//! A Terraform block body as the model builder reads it, whether written in
//! HCL, in JSON syntax (`.tf.json`), or found resolved in a plan file
//! (`terraform show -json`): its attributes and nested blocks, with spans.
//! Evaluating an attribute is `eval`'s (`Body::attr`).

use hcl_edit::structure::{Attribute, Body as HclBody};

use crate::source::{FileId, Span};
use crate::tree::{Entry, Kind, Value};

pub fn span_of(node: &impl hcl_edit::Span, file: FileId) -> Span {
    node.span()
        .map(|r| Span::new(file, r.start, r.end))
        .unwrap_or(Span::new(file, 0, 0))
}

pub fn entry(key: &str, key_span: Span, value: Value) -> Entry {
    Entry {
        key: key.to_string(),
        key_span,
        value,
    }
}

#[derive(Clone, Copy)]
pub enum Body<'a> {
    Hcl(&'a HclBody, FileId),
    /// A JSON object. In `.tf.json` strings may hold `${...}` expressions;
    /// in a plan file every value is final.
    Json {
        value: &'a Value,
        templates: bool,
    },
}

/// A nested block: where its name is, where it is, and its body.
#[derive(Clone, Copy)]
pub struct Block<'a> {
    pub ident: Span,
    pub span: Span,
    pub body: Body<'a>,
}

impl<'a> Body<'a> {
    pub(super) fn hcl_attr(&self, name: &str) -> Option<(&'a Attribute, FileId)> {
        match *self {
            Body::Hcl(body, file) => body.get_attribute(name).map(|a| (a, file)),
            Body::Json { .. } => None,
        }
    }

    pub(super) fn json_entry(&self, name: &str) -> Option<(&'a Entry, bool)> {
        match *self {
            Body::Json { value, templates } => value.entry(name).map(|e| (e, templates)),
            Body::Hcl(..) => None,
        }
    }

    pub fn has(&self, name: &str) -> bool {
        self.hcl_attr(name).is_some() || self.json_entry(name).is_some()
    }

    /// The nested blocks called `name`, in order.
    pub fn blocks(&self, name: &str) -> Vec<Block<'a>> {
        match *self {
            Body::Hcl(body, file) => body
                .blocks()
                .filter(|b| b.ident.as_str() == name)
                .map(|b| Block {
                    ident: span_of(&b.ident, file),
                    span: span_of(b, file),
                    body: Body::Hcl(&b.body, file),
                })
                .collect(),
            Body::Json { value, templates } => {
                let Some(e) = value.entry(name) else {
                    return Vec::new();
                };
                let block = |v: &'a Value| Block {
                    ident: e.key_span,
                    span: v.span,
                    body: Body::Json {
                        value: v,
                        templates,
                    },
                };
                match &e.value.kind {
                    Kind::Map(_) => vec![block(&e.value)],
                    Kind::Seq(items) => items.iter().filter(|v| v.is_map()).map(block).collect(),
                    _ => Vec::new(),
                }
            }
        }
    }

    /// Where `dynamic "<name>" { ... }` is, if the body has one.
    pub fn dynamic(&self, name: &str) -> Option<Span> {
        match *self {
            Body::Hcl(body, file) => body
                .get_blocks("dynamic")
                .find(|b| b.labels.first().is_some_and(|l| l.as_str() == name))
                .map(|b| span_of(b, file)),
            Body::Json { value, .. } => value.path(&["dynamic", name]).map(|v| v.span),
        }
    }
}
