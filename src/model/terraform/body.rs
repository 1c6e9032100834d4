//! A Terraform block body as the model builder reads it, whether written in
//! HCL, in JSON syntax (`.tf.json`), or found resolved in a plan file
//! (`terraform show -json`). Attributes come out evaluated, with spans.

use hcl_edit::structure::{Attribute, Body as HclBody};

use super::eval::{Ctx, span_of};
use crate::model::iam::decode_json_string;
use crate::source::{FileId, Span};
use crate::tree::{Entry, Kind, Value};

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
    fn hcl_attr(&self, name: &str) -> Option<(&'a Attribute, FileId)> {
        match *self {
            Body::Hcl(body, file) => body.get_attribute(name).map(|a| (a, file)),
            Body::Json { .. } => None,
        }
    }

    fn json_entry(&self, name: &str) -> Option<(&'a Entry, bool)> {
        match *self {
            Body::Json { value, templates } => value.entry(name).map(|e| (e, templates)),
            Body::Hcl(..) => None,
        }
    }

    pub fn has(&self, name: &str) -> bool {
        self.hcl_attr(name).is_some() || self.json_entry(name).is_some()
    }

    /// The value of attribute `name`, and where its name is.
    pub fn attr(&self, ctx: &Ctx, name: &str) -> Option<(Span, Value)> {
        if let Some((a, file)) = self.hcl_attr(name) {
            return Some((span_of(&a.key, file), ctx.eval(&a.value, file)));
        }
        let (e, templates) = self.json_entry(name)?;
        Some((e.key_span, json_value(ctx, &e.value, templates)))
    }

    /// Attribute `name` read as a policy document (heredoc, JSON string,
    /// `jsonencode`, policy document data source, `file()`).
    pub fn policy(&self, ctx: &Ctx, name: &str) -> Option<(Span, Span, Value)> {
        if let Some((a, file)) = self.hcl_attr(name) {
            return Some((
                span_of(&a.key, file),
                span_of(a, file),
                ctx.policy(&a.value, file),
            ));
        }
        let (e, templates) = self.json_entry(name)?;
        let span = Span {
            end: e.value.span.end,
            ..e.key_span
        };
        Some((
            e.key_span,
            span,
            decode_json_string(json_value(ctx, &e.value, templates)),
        ))
    }

    /// The source text of attribute `name`'s value, to name what it refers to.
    pub fn attr_text(&self, ctx: &Ctx, name: &str) -> Option<String> {
        if let Some((a, file)) = self.hcl_attr(name) {
            return Some(ctx.text(span_of(&a.value, file)).to_string());
        }
        let (e, _) = self.json_entry(name)?;
        Some(match &e.value.kind {
            Kind::Str(s) => s.clone(),
            _ => ctx.text(e.value.span).to_string(),
        })
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

    /// Every attribute, in order (for module arguments).
    pub fn attributes(&self, ctx: &Ctx) -> Vec<(String, Value)> {
        match *self {
            Body::Hcl(body, file) => body
                .attributes()
                .map(|a| (a.key.to_string(), ctx.eval(&a.value, file)))
                .collect(),
            Body::Json { value, templates } => value
                .entries()
                .iter()
                .filter(|e| !e.value.is_map())
                .map(|e| (e.key.clone(), json_value(ctx, &e.value, templates)))
                .collect(),
        }
    }
}

/// A value of a JSON body: `${...}` in strings are evaluated as Terraform
/// templates when `templates` is on. Evaluated parts take the string's span.
pub fn json_value(ctx: &Ctx, v: &Value, templates: bool) -> Value {
    match &v.kind {
        Kind::Str(s) if templates && s.contains("${") => {
            let value = match hcl_edit::parser::parse_template(s) {
                Ok(t) => ctx.detached_template(&t),
                Err(_) => Value::unknown(v.span, "template not parsed"),
            };
            respan(value, v.span)
        }
        Kind::Seq(items) => Value::new(
            v.span,
            Kind::Seq(
                items
                    .iter()
                    .map(|i| json_value(ctx, i, templates))
                    .collect(),
            ),
        ),
        Kind::Map(entries) => Value::map(
            v.span,
            entries
                .iter()
                .map(|e| Entry {
                    key: e.key.clone(),
                    key_span: e.key_span,
                    value: json_value(ctx, &e.value, templates),
                })
                .collect(),
        ),
        _ => v.clone(),
    }
}

/// Every node of `v` gets `span` (the JSON string the value came from).
fn respan(mut v: Value, span: Span) -> Value {
    fn walk(v: &mut Value, span: Span) {
        v.span = span;
        match &mut v.kind {
            Kind::Seq(items) | Kind::OneOf(items) => items.iter_mut().for_each(|i| walk(i, span)),
            Kind::Map(entries) => entries.iter_mut().for_each(|e| {
                e.key_span = span;
                walk(&mut e.value, span)
            }),
            _ => {}
        }
    }
    walk(&mut v, span);
    v
}
