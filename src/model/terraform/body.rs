//! A Terraform block body as the model builder reads it, whether written in
//! HCL, in JSON syntax (`.tf.json`), or found resolved in a plan file
//! (`terraform show -json`): its attributes and nested blocks, with spans.
//! Evaluating an attribute is `eval`'s (`Body::attr`). A body carries the
//! names bound where it is instantiated (`count`, `each`, a dynamic block's
//! iterator), so its attributes are evaluated with them.

use std::rc::Rc;

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

/// Names bound for a body's expressions: `count`, `each`, the iterator of
/// a dynamic block. Shared by a body and the blocks nested in it.
pub type Env = Rc<Vec<(String, Value)>>;

/// `env` with `name` bound to `value` as well.
pub fn bind(env: &Env, name: &str, value: Value) -> Env {
    let mut vars: Vec<(String, Value)> = env.iter().filter(|(n, _)| n != name).cloned().collect();
    vars.push((name.to_string(), value));
    Rc::new(vars)
}

#[derive(Clone)]
pub enum Body<'a> {
    Hcl(&'a HclBody, FileId, Env),
    /// A JSON object. In `.tf.json` strings may hold `${...}` expressions;
    /// in a plan file every value is final.
    Json {
        value: &'a Value,
        templates: bool,
        env: Env,
    },
}

/// A nested block: where its name is, where it is, and its body.
#[derive(Clone)]
pub struct Block<'a> {
    pub ident: Span,
    pub span: Span,
    pub body: Body<'a>,
}

/// A `dynamic "<name>" { for_each = ... iterator = ... content { ... } }`
/// block, as written: `eval` expands it.
pub struct Dynamic<'a> {
    pub span: Span,
    /// The block holding `for_each`, `iterator` and `content`.
    pub body: Body<'a>,
}

impl<'a> Body<'a> {
    pub fn env(&self) -> &Env {
        match self {
            Body::Hcl(_, _, env) | Body::Json { env, .. } => env,
        }
    }

    /// The same body with other names bound.
    pub fn with_env(&self, env: Env) -> Body<'a> {
        match *self {
            Body::Hcl(b, f, _) => Body::Hcl(b, f, env),
            Body::Json {
                value, templates, ..
            } => Body::Json {
                value,
                templates,
                env,
            },
        }
    }

    pub(super) fn hcl_attr(&self, name: &str) -> Option<(&'a Attribute, FileId)> {
        match *self {
            Body::Hcl(body, file, _) => body.get_attribute(name).map(|a| (a, file)),
            Body::Json { .. } => None,
        }
    }

    pub(super) fn json_entry(&self, name: &str) -> Option<(&'a Entry, bool)> {
        match *self {
            Body::Json {
                value, templates, ..
            } => value.entry(name).map(|e| (e, templates)),
            Body::Hcl(..) => None,
        }
    }

    /// The provider configuration the block names (`aws.audit`), as
    /// written; `None` for the default one.
    pub fn provider(&self) -> Option<String> {
        if let Some((a, _)) = self.hcl_attr("provider") {
            return Some(a.value.to_string().trim().to_string());
        }
        let (e, _) = self.json_entry("provider")?;
        e.value.as_text().map(str::to_string)
    }

    pub fn has(&self, name: &str) -> bool {
        self.hcl_attr(name).is_some() || self.json_entry(name).is_some()
    }

    /// The nested blocks called `name` written out, in order (dynamic
    /// blocks are `eval`'s `Body::blocks`).
    pub fn static_blocks(&self, name: &str) -> Vec<Block<'a>> {
        match self {
            Body::Hcl(body, file, env) => body
                .blocks()
                .filter(|b| b.ident.as_str() == name)
                .map(|b| Block {
                    ident: span_of(&b.ident, *file),
                    span: span_of(b, *file),
                    body: Body::Hcl(&b.body, *file, Rc::clone(env)),
                })
                .collect(),
            Body::Json {
                value,
                templates,
                env,
            } => {
                let Some(e) = value.entry(name) else {
                    return Vec::new();
                };
                let block = |v: &'a Value| Block {
                    ident: e.key_span,
                    span: v.span,
                    body: Body::Json {
                        value: v,
                        templates: *templates,
                        env: Rc::clone(env),
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

    /// The `dynamic "<name>"` blocks of this body.
    pub fn dynamics(&self, name: &str) -> Vec<Dynamic<'a>> {
        match self {
            Body::Hcl(body, file, env) => body
                .get_blocks("dynamic")
                .filter(|b| b.labels.first().is_some_and(|l| l.as_str() == name))
                .map(|b| Dynamic {
                    span: span_of(b, *file),
                    body: Body::Hcl(&b.body, *file, Rc::clone(env)),
                })
                .collect(),
            Body::Json {
                value,
                templates,
                env,
            } => value
                .path(&["dynamic", name])
                .into_iter()
                .flat_map(|v| v.alternatives())
                .flat_map(|v| match &v.kind {
                    Kind::Seq(items) => items.iter().collect(),
                    _ => vec![v],
                })
                .map(|v| Dynamic {
                    span: v.span,
                    body: Body::Json {
                        value: v,
                        templates: *templates,
                        env: Rc::clone(env),
                    },
                })
                .collect(),
        }
    }
}
