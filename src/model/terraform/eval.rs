//! Static evaluation of Terraform expressions, keeping spans: literals,
//! variable defaults, locals, `jsonencode`, templates, conditionals (both
//! branches), references to resources, `aws_iam_policy_document` data
//! sources and `file()`. What cannot be known becomes `Unknown`.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::template::{Element, Template};

use super::body::{Block, Body, entry, span_of};
use super::index::{Def, Index};
use super::input::{LoadedFile, Scope};
use crate::model::iam::{decode_json_string, mark_interpolations};
use crate::parse::ParseError;
use crate::parse::json::{self, Placement};
use crate::source::{FileId, Span};
use crate::tree::{Entry, Kind, Ref, Value};

/// Evaluation of references deeper than this gives up (cycles in locals).
const MAX_EVAL_DEPTH: usize = 64;

/// What evaluation reads and where it records what it found.
pub(super) struct Ctx<'a> {
    pub(super) index: &'a Index<'a>,
    pub(super) texts: HashMap<FileId, &'a str>,
    pub(super) scope: Scope<'a>,
    pub(super) loaded: RefCell<Vec<LoadedFile>>,
    /// The next free file id of the unit.
    pub(super) next_file: Cell<FileId>,
    /// Variables set by the module call that instantiates this module.
    pub(super) inputs: HashMap<String, Value>,
    pub(super) errors: RefCell<Vec<ParseError>>,
    pub(super) depth: Cell<usize>,
}

/// Spans of expressions parsed out of JSON strings belong to no file.
const DETACHED: FileId = FileId::MAX;

impl Ctx<'_> {
    /// The value of a variable default, variable file entry or local.
    fn definition(&self, def: &Def) -> Value {
        match *def {
            Def::Hcl(file, e) => self.eval(e, file),
            Def::Json(v, templates) => json_value(self, v, templates),
        }
    }

    /// A file id for a file read during evaluation.
    pub(super) fn alloc_file(&self) -> FileId {
        let id = self.next_file.get();
        self.next_file.set(id + 1);
        id
    }

    pub(super) fn text(&self, span: Span) -> &str {
        self.texts
            .get(&span.file)
            .and_then(|t| t.get(span.start as usize..span.end as usize))
            .unwrap_or("")
    }

    /// Runs `f` one level deeper, or gives up past the limit.
    fn nested(&self, span: Span, f: impl FnOnce() -> Value) -> Value {
        if self.depth.get() >= MAX_EVAL_DEPTH {
            return Value::unknown(span, "references nest too deeply (a cycle?)");
        }
        self.depth.set(self.depth.get() + 1);
        let v = f();
        self.depth.set(self.depth.get() - 1);
        v
    }

    pub(super) fn eval(&self, e: &Expression, file: FileId) -> Value {
        let span = span_of(e, file);
        match e {
            Expression::Null(_) => Value::new(span, Kind::Null),
            Expression::Bool(b) => Value::str(span, b.value().to_string()),
            Expression::Number(n) => Value::str(span, n.value().to_string()),
            Expression::String(s) => Value::str(span, s.value().clone()),
            Expression::Array(a) => Value::new(
                span,
                Kind::Seq(a.iter().map(|x| self.eval(x, file)).collect()),
            ),
            Expression::Object(o) => Value::map(
                span,
                o.iter()
                    .map(|(k, v)| {
                        let key = match k {
                            ObjectKey::Ident(i) => i.as_str().to_string(),
                            ObjectKey::Expression(x) => match self.eval(x, file).kind {
                                Kind::Str(s) => s,
                                _ => format!("${{{}}}", self.text(span_of(x, file))),
                            },
                        };
                        entry(&key, span_of(k, file), self.eval(v.expr(), file))
                    })
                    .collect(),
            ),
            Expression::StringTemplate(t) => self.template(t, span, file),
            Expression::HeredocTemplate(h) => self.template(&h.template, span, file),
            Expression::Parenthesis(p) => self.eval(p.inner(), file),
            Expression::Conditional(c) => Value::new(
                span,
                Kind::OneOf(vec![
                    self.eval(&c.true_expr, file),
                    self.eval(&c.false_expr, file),
                ]),
            ),
            Expression::FuncCall(call) => {
                let name = call.name.name.as_str();
                let arg = call.args.iter().next();
                match (name, arg) {
                    ("jsonencode" | "tostring", Some(a)) => self.eval(a, file),
                    ("file", Some(a)) => self.file(a, span, file),
                    _ => Value::unknown(span, format!("{name}() is not evaluated")),
                }
            }
            Expression::Traversal(t) => {
                let Expression::Variable(root) = &t.expr else {
                    return Value::unknown(span, "computed value");
                };
                let names: Vec<Option<&str>> = t
                    .operators
                    .iter()
                    .map(|op| match op.value() {
                        TraversalOperator::GetAttr(i) => Some(i.as_str()),
                        _ => None,
                    })
                    .collect();
                self.traversal(root.as_str(), &names, span)
            }
            Expression::Variable(_)
            | Expression::UnaryOp(_)
            | Expression::BinaryOp(_)
            | Expression::ForExpr(_) => Value::unknown(span, "computed value"),
        }
    }

    /// `root.a.b[0].c`: `names` holds each step (None for an index).
    fn traversal(&self, root: &str, names: &[Option<&str>], span: Span) -> Value {
        let first = names.first().copied().flatten();
        match (root, first) {
            ("var", Some(name)) if names.len() == 1 && self.inputs.contains_key(name) => Value {
                span,
                ..self.inputs[name].clone()
            },
            ("var", Some(name)) if names.len() == 1 => match self
                .index
                .values
                .get(name)
                .or_else(|| self.index.vars.get(name))
            {
                Some(def) => self.nested(span, || Value {
                    span,
                    ..self.definition(def)
                }),
                None => Value::unknown(span, format!("var.{name} has no default")),
            },
            ("local", Some(name)) if names.len() == 1 => match self.index.locals.get(name) {
                Some(def) => self.nested(span, || Value {
                    span,
                    ..self.definition(def)
                }),
                None => Value::unknown(span, format!("local.{name} is not defined")),
            },
            ("path", Some("module" | "root" | "cwd")) => Value::str(span, "."),
            ("data", Some(ty)) => {
                let rest: Vec<&str> = names[1..].iter().flatten().copied().collect();
                match (ty, rest.as_slice()) {
                    ("aws_iam_policy_document", [name, "json" | "minified_json", ..]) => {
                        match self.index.data.get(&format!("data.{ty}.{name}")) {
                            Some(b) => self.nested(span, || self.policy_document(b)),
                            None => {
                                Value::unknown(span, "policy document not found in this module")
                            }
                        }
                    }
                    _ => Value::unknown(span, "data source attribute"),
                }
            }
            (ty, Some(name)) if ty.starts_with("aws_") => {
                let attr = names[1..].iter().flatten().next().map(|a| a.to_string());
                Value::new(
                    span,
                    Kind::Ref(Ref {
                        target: format!("{ty}.{name}"),
                        attr,
                    }),
                )
            }
            _ => Value::unknown(span, format!("{root} is known only at plan time")),
        }
    }

    fn template(&self, t: &Template, span: Span, file: FileId) -> Value {
        let mut out = String::new();
        let mut partial = false;
        for el in t.iter() {
            match el {
                Element::Literal(s) => out.push_str(s.value()),
                Element::Interpolation(i) => match self.eval(&i.expr, file).kind {
                    Kind::Str(s) => out.push_str(&s),
                    _ => {
                        partial = true;
                        out.push_str("${");
                        out.push_str(self.text(span_of(&i.expr, file)));
                        out.push('}');
                    }
                },
                Element::Directive(_) => {
                    partial = true;
                    out.push_str("%{...}");
                }
            }
        }
        Value::text(span, out, partial)
    }

    /// A policy argument: a heredoc or string of JSON, `jsonencode({...})`,
    /// a policy document data source, or a file.
    pub(super) fn policy(&self, e: &Expression, file: FileId) -> Value {
        if let Expression::HeredocTemplate(h) = e {
            let span = span_of(h.as_ref(), file);
            let text = self.text(span);
            // The JSON lies between the opening line and the closing delimiter.
            if let (Some(open), Some(close)) = (text.find('\n'), text.trim_end().rfind('\n'))
                && open < close
            {
                let base = span.start as usize + open + 1;
                return match json::parse(&text[open + 1..close], Placement::At(file, base)) {
                    Ok(doc) => mark_interpolations(doc.value),
                    Err(err) => {
                        self.errors.borrow_mut().push(err);
                        Value::unknown(span, "policy heredoc is not valid JSON")
                    }
                };
            }
        }
        decode_json_string(self.eval(e, file))
    }

    /// `file("x.json")`, read only from inside the scanned tree.
    fn file(&self, arg: &Expression, span: Span, file: FileId) -> Value {
        let Kind::Str(rel) = self.eval(arg, file).kind else {
            return Value::unknown(span, "file() of a computed path");
        };
        // `${path.module}/x.json` evaluates to `./x.json`: drop the `.`.
        let path: PathBuf = self
            .scope
            .module_dir
            .join(&rel)
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect();
        let inside = match (path.canonicalize(), self.scope.root.canonicalize()) {
            (Ok(p), Ok(root)) => p.starts_with(root),
            _ => false,
        };
        if !inside {
            return Value::unknown(
                span,
                format!("file(\"{rel}\") is outside the checked folder"),
            );
        }
        let text: Arc<str> = match crate::source::read_text(&path) {
            Ok(t) => t.into(),
            Err(e) => {
                return Value::unknown(span, format!("file(\"{rel}\") could not be read: {e}"));
            }
        };
        let id = self.alloc_file();
        let parsed = json::parse(&text, Placement::At(id, 0));
        self.loaded.borrow_mut().push(LoadedFile {
            id,
            path,
            text,
            policy: true,
        });
        match parsed {
            Ok(doc) => mark_interpolations(doc.value),
            Err(err) => {
                self.errors.borrow_mut().push(err);
                Value::unknown(span, "file is not valid JSON")
            }
        }
    }

    /// `data "aws_iam_policy_document"` as the JSON document it renders.
    pub(super) fn policy_document(&self, block: &Block) -> Value {
        let span = block.span;
        let body = &block.body;
        let mut statements: Vec<Value> = Vec::new();
        let list_docs = |name: &str| -> Vec<Value> {
            let Some((_, list)) = body.attr(self, name) else {
                return Vec::new();
            };
            let mut out = Vec::new();
            for doc in list.items() {
                match doc.get("Statement") {
                    Some(s) => out.extend(s.items().into_iter().cloned()),
                    None => out.push(Value::unknown(doc.span, "policy document not evaluated")),
                }
            }
            out
        };
        statements.extend(list_docs("source_policy_documents"));
        let overrides = list_docs("override_policy_documents");
        if let Some((_, v)) = body.attr(self, "source_json") {
            let doc = decode_json_string(v);
            statements.extend(
                doc.get("Statement")
                    .map(|s| s.items().into_iter().cloned().collect::<Vec<_>>())
                    .unwrap_or_default(),
            );
        }
        statements.extend(body.blocks("statement").iter().map(|s| self.statement(s)));
        if let Some(d) = body.dynamic("statement") {
            statements.push(Value::unknown(d, "dynamic statement"));
        }
        let sid = |v: &Value| v.get("Sid").and_then(Value::as_str).map(str::to_string);
        for o in overrides {
            match sid(&o).and_then(|id| {
                statements
                    .iter()
                    .position(|s| sid(s).as_deref() == Some(&id))
            }) {
                Some(i) => statements[i] = o,
                None => statements.push(o),
            }
        }
        Value::map(
            span,
            vec![
                entry("Version", span, Value::str(span, "2012-10-17")),
                entry("Statement", span, Value::new(span, Kind::Seq(statements))),
            ],
        )
    }

    fn statement(&self, block: &Block) -> Value {
        let span = block.span;
        let body = &block.body;
        let mut e = Vec::new();
        let attr = |tf: &str, cfn: &str, e: &mut Vec<Entry>| {
            if let Some((key, v)) = body.attr(self, tf) {
                e.push(entry(cfn, key, v));
            }
        };
        attr("sid", "Sid", &mut e);
        if body.has("effect") {
            attr("effect", "Effect", &mut e);
        } else {
            e.push(entry("Effect", span, Value::str(span, "Allow")));
        }
        attr("actions", "Action", &mut e);
        attr("not_actions", "NotAction", &mut e);
        attr("resources", "Resource", &mut e);
        attr("not_resources", "NotResource", &mut e);
        for (tf, cfn) in [
            ("principals", "Principal"),
            ("not_principals", "NotPrincipal"),
        ] {
            let blocks = body.blocks(tf);
            let Some(first) = blocks.first() else {
                continue;
            };
            let mut map: Vec<Entry> = Vec::new();
            let mut star = None;
            for p in &blocks {
                let ty = p.body.attr(self, "type").map(|(_, v)| v);
                let ids = p.body.attr(self, "identifiers").map(|(_, v)| v);
                let (Some(ty), Some(ids)) = (ty, ids) else {
                    continue;
                };
                match ty.as_str() {
                    // `type = "*"` renders as `"Principal": "*"`.
                    Some("*") => star = Some(Value::str(ids.span, "*")),
                    Some(t) => map.push(entry(t, ty.span, ids)),
                    None => map.push(entry(
                        "?",
                        ty.span,
                        Value::unknown(ty.span, "computed principal type"),
                    )),
                }
            }
            let value = star.unwrap_or_else(|| Value::map(first.span, map));
            e.push(entry(cfn, first.span, value));
        }
        let conditions = body.blocks("condition");
        if let Some(first) = conditions.first() {
            let mut by_test: Vec<Entry> = Vec::new();
            for c in &conditions {
                let get = |k: &str| c.body.attr(self, k).map(|(_, v)| v);
                let (Some(test), Some(var), Some(values)) =
                    (get("test"), get("variable"), get("values"))
                else {
                    continue;
                };
                let test_name = test.as_str().unwrap_or("?").to_string();
                let var_entry = entry(var.as_str().unwrap_or("?"), var.span, values);
                match by_test.iter_mut().find(|t| t.key == test_name) {
                    Some(t) => {
                        if let Kind::Map(m) = &mut t.value.kind {
                            m.push(var_entry);
                        }
                    }
                    None => by_test.push(entry(
                        &test_name,
                        test.span,
                        Value::map(c.span, vec![var_entry]),
                    )),
                }
            }
            e.push(entry(
                "Condition",
                first.span,
                Value::map(first.span, by_test),
            ));
        }
        Value::map(span, e)
    }

    /// A template parsed from a JSON string (`.tf.json`): spans are not in
    /// any file; the caller gives them the string's. A lone `${expr}` is the
    /// expression's value, as in Terraform.
    pub(super) fn detached_template(&self, t: &Template) -> Value {
        if let Some(Element::Interpolation(i)) = t.as_single_element() {
            return self.eval(&i.expr, DETACHED);
        }
        self.template(t, Span::default(), DETACHED)
    }
}

/// Attributes read evaluated.
impl Body<'_> {
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
