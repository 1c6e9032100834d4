//! Static evaluation of Terraform expressions, keeping spans: literals,
//! variables (caller arguments, variable files, defaults), locals, module
//! outputs, operators, conditionals (the branch a known condition picks,
//! both otherwise), `for` expressions, splats, indexing, templates with
//! directives, built-in functions (`functions`), resource attributes known
//! statically, `aws_iam_policy_document` data sources and `file()`;
//! `count`, `for_each` and `dynamic` blocks expanded over known values.
//! What cannot be known becomes `Unknown`.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

use hcl_edit::expr::{
    BinaryOperator, Expression, ForExpr, FuncCall, ObjectKey, TraversalOperator, UnaryOperator,
};
use hcl_edit::template::{Directive, Element, Template};

use super::body::{Block, Body, Env, bind, entry, span_of};
use super::functions;
use super::index::{Declared, Def, Index};
use super::input::{LoadedFile, Scope};
use crate::boundary::Refusal;
use crate::model::iam::{decode_json_string, mark_interpolations};
use crate::parse::ParseError;
use crate::parse::json::{self, Placement};
use crate::source::{FileId, Span};
use crate::tree::{Entry, Kind, Ref, Value};

/// Evaluation of references deeper than this gives up (cycles in locals).
const MAX_EVAL_DEPTH: usize = 64;

/// A `count`, `for_each`, dynamic block or `for` expression expands to at
/// most this many items; past it a note says what was left out.
pub(super) const MAX_INSTANCES: usize = 10_000;

/// Combinations of unknown conditions an operation is evaluated under
/// before its result is taken as unknown.
const MAX_BRANCHES: usize = 16;

/// One instance of a resource, data source or module call.
#[derive(Clone)]
pub(super) struct Instance<'a> {
    /// The address with its key: `aws_s3_bucket.this[0]`, `module.b["x"]`;
    /// the plain address without `count` or `for_each`, or when they are
    /// not known.
    pub id: String,
    pub key: Option<Value>,
    /// The block's body, with `count` or `each` bound.
    pub body: Body<'a>,
    /// Why the instance may not exist, when its `count` or `for_each` is
    /// not known statically.
    pub uncertain: Option<String>,
}

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
    /// What was not checked, without being an error.
    pub(super) notes: RefCell<Vec<ParseError>>,
    pub(super) depth: Cell<usize>,
    /// This is the root module: its variable defaults may be overridden at
    /// plan time (`-var`), so a condition on one keeps both branches, as a
    /// CloudFormation condition on a parameter default does.
    pub(super) root: bool,
    /// Set when evaluation reads a root module's variable default.
    soft: Cell<bool>,
    /// Set while a `templatefile()` template is rendered.
    in_template: Cell<bool>,
    /// Iterations of template `for` directives so far (budgeted).
    template_steps: Cell<usize>,
    /// Where this module uses a value its caller passed, and the caller's
    /// argument: (used, given).
    pub(super) passed: RefCell<Vec<(Span, Span)>>,
    /// The names in scope: `count`, `each`, iterators, `for` variables.
    env: RefCell<Env>,
    /// Instances of each declared block, by address, once computed.
    instances: RefCell<HashMap<String, Rc<Vec<Instance<'a>>>>>,
    /// Positions in `index.resources`, by address.
    by_id: HashMap<&'a str, usize>,
    /// The outputs of each module call, by call name: an object, or a list
    /// or map of objects for a call with `count` or `for_each`.
    pub(super) module_outputs: RefCell<HashMap<String, Value>>,
    /// Locals and variable values once evaluated (`local.x`, `var.x`),
    /// with whether they read a root variable's default: each is evaluated
    /// once per module instance, not at every reference (chained locals
    /// would otherwise cost 2^n). `None` while being evaluated: a cycle.
    memo: RefCell<HashMap<String, Option<Memo>>>,
    /// The bucket instance each reference to a bucket's `id`, `bucket` or
    /// `arn` names, by the reference's span: a companion belongs to the
    /// bucket it refers to, whatever the bucket's name evaluates to.
    pub(super) origins: RefCell<HashMap<Span, String>>,
    /// Text a variable, `count`, `for_each`, a condition or an error
    /// chooses (a conditional's branches, an element picked by a key that
    /// is not a literal, `each.value`, what `try()`, `lookup()` or
    /// `coalesce()` returned): a fix there would take a choice away.
    pub(super) chosen: RefCell<Vec<Span>>,
    /// Spans handed out by `naming_span`.
    named: Cell<usize>,
}

/// A memoised local or variable: its value, whether it read a root
/// variable's default, and its size in parts (charged at every use, since
/// each use copies it).
struct Memo {
    value: Value,
    soft: bool,
    parts: usize,
}

/// A local or variable made of more parts than this is not known
/// statically: copying it at each use is what doubling attacks exploit,
/// and no real configuration comes near it.
const MAX_PARTS: usize = 200_000;

/// Names bound in an instance's scope for the conditions its existence
/// assumes (never a name HCL can write).
const ASSUME: &str = "\u{0}assume ";

/// A condition as written, its spacing normalised: the key under which an
/// instance assumes it.
fn condition_text(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The most text one `templatefile()` may render: a policy is at most
/// 20 KiB; a template looping to a gigabyte is an attack.
const MAX_RENDERED: usize = 1 << 20;

/// The most iterations of template `for` directives in one module
/// instance.
const MAX_TEMPLATE_STEPS: usize = 200_000;

/// The parts of a value (each scalar, list, map and entry one), counted up
/// to just past `cap`; without recursion, so depth costs no stack.
fn parts(v: &Value, cap: usize) -> usize {
    let mut n = 0;
    let mut pending = vec![v];
    while let Some(v) = pending.pop() {
        n += 1;
        if n > cap {
            break;
        }
        match &v.kind {
            Kind::Seq(items) | Kind::OneOf(items) => pending.extend(items),
            Kind::Map(entries) => pending.extend(entries.iter().map(|e| &e.value)),
            Kind::Str(s) | Kind::Partial(s) => n += s.len() / 64,
            _ => {}
        }
    }
    n
}

/// Strings longer than this are not known statically: a policy is at most
/// 20 KB, and doubling a string in a chain of locals must not reach GBs.
const MAX_STRING: usize = 1024 * 1024;

/// Spans of expressions parsed out of JSON strings belong to no file.
const DETACHED: FileId = FileId::MAX;

/// Spans that only name a value (a module output naming a bucket) belong
/// to no file either; a file id would leave a gap among the unit's files.
const NAMING: FileId = FileId::MAX - 1;

impl<'a> Ctx<'a> {
    pub(super) fn new(
        index: &'a Index<'a>,
        texts: HashMap<FileId, &'a str>,
        scope: Scope<'a>,
    ) -> Self {
        let next_file = Cell::new(scope.next_id);
        Ctx {
            index,
            texts,
            scope,
            loaded: RefCell::new(Vec::new()),
            next_file,
            inputs: HashMap::new(),
            errors: RefCell::new(Vec::new()),
            notes: RefCell::new(Vec::new()),
            depth: Cell::new(0),
            root: false,
            soft: Cell::new(false),
            in_template: Cell::new(false),
            template_steps: Cell::new(0),
            passed: RefCell::new(Vec::new()),
            env: RefCell::new(Env::default()),
            instances: RefCell::new(HashMap::new()),
            module_outputs: RefCell::new(HashMap::new()),
            memo: RefCell::new(HashMap::new()),
            origins: RefCell::new(HashMap::new()),
            chosen: RefCell::new(Vec::new()),
            named: Cell::new(0),
            by_id: index
                .resources
                .iter()
                .enumerate()
                .map(|(i, d)| (d.id.as_str(), i))
                .collect(),
        }
    }
}

impl<'a> Ctx<'a> {
    /// The value of a variable default, variable file entry, local or
    /// output: no `count`, `each` or iterator is in scope there.
    pub(super) fn definition(&self, def: &Def) -> Value {
        self.with_env(&Env::default(), || match *def {
            Def::Hcl(file, e) => self.eval(e, file),
            Def::Json(v, templates) => json_value(self, v, templates),
        })
    }

    /// Runs `f` with `env` as the names in scope.
    pub(super) fn with_env<T>(&self, env: &Env, f: impl FnOnce() -> T) -> T {
        let saved = self.env.replace(Rc::clone(env));
        let out = f();
        self.env.replace(saved);
        out
    }

    /// A span of no file, unique in this module instance: it names a
    /// value (see `origins`) without pointing at any text.
    pub(super) fn naming_span(&self) -> Span {
        let n = self.named.get();
        self.named.set(n + 1);
        Span::new(NAMING, n, n)
    }

    /// Records text that is chosen, not simply written (see `chosen`).
    fn choice(&self, span: Span) {
        if span.file != DETACHED && span.end > span.start {
            self.chosen.borrow_mut().push(span);
        }
    }

    fn bound(&self, name: &str) -> Option<Value> {
        let env = self.env.borrow();
        env.iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
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

    /// The value of `key` (`local.x`, `var.x`), evaluated by `f` the first
    /// time only.
    fn memoised(&self, key: String, span: Span, f: impl FnOnce() -> Value) -> Value {
        if let Some(known) = self.memo.borrow().get(&key) {
            let Some(m) = known else {
                return Value::unknown(span, format!("{key} refers to itself"));
            };
            if m.soft {
                self.soft.set(true);
            }
            if !self.scope.budget.spend(m.parts as u64) {
                return self.exhausted(span);
            }
            return m.value.clone();
        }
        self.memo.borrow_mut().insert(key.clone(), None);
        let outer = self.soft.replace(false);
        let mut value = self.nested(span, f);
        let soft = self.soft.replace(outer || self.soft.get());
        let parts = parts(&value, MAX_PARTS);
        if parts > MAX_PARTS {
            value = Value::unknown(
                span,
                format!("{key} is made of more than {MAX_PARTS} parts, too large to evaluate"),
            );
        }
        let memo = Memo {
            value: value.clone(),
            soft,
            parts: parts.min(MAX_PARTS),
        };
        self.memo.borrow_mut().insert(key, Some(memo));
        value
    }

    /// Forgets memoised values: a module's outputs became known, and a
    /// local may read them.
    pub(super) fn forget(&self) {
        self.memo.borrow_mut().clear();
    }

    /// Spends the work of one evaluation step that made `v`: more for long
    /// lists, maps and strings, which are copied. Past the unit's budget,
    /// or for a string too long to judge, the value is not known.
    fn charged(&self, v: Value) -> Value {
        let (size, long) = match &v.kind {
            Kind::Seq(items) => (items.len(), false),
            Kind::Map(entries) => (entries.len(), false),
            Kind::Str(s) => (s.len() / 16, s.len() > MAX_STRING),
            _ => (0, false),
        };
        if long {
            return Value::unknown(v.span, "a string longer than 1 MiB");
        }
        if self.scope.budget.spend(1 + size as u64) {
            return v;
        }
        self.exhausted(v.span)
    }

    /// What evaluation gives once the unit's budget is spent; the first
    /// time, a note says where.
    pub(super) fn exhausted(&self, span: Span) -> Value {
        const WHY: &str = "evaluation stopped: this unit took more than its budget of steps (nested counts, for expressions or modules multiply); what is left is not known statically";
        if self.scope.budget.first_told() && span.file != DETACHED {
            self.notes.borrow_mut().push(ParseError::new(span, WHY));
        }
        Value::unknown(span, WHY)
    }

    pub(super) fn eval(&self, e: &Expression, file: FileId) -> Value {
        if self.scope.budget.exhausted() {
            // What is written out is still known: its cost is the text's.
            // A literal public ACL stays public past the budget.
            return match e {
                Expression::Null(_)
                | Expression::Bool(_)
                | Expression::Number(_)
                | Expression::String(_)
                | Expression::Array(_)
                | Expression::Object(_)
                | Expression::Parenthesis(_) => self.eval_step(e, file),
                _ => self.exhausted(span_of(e, file)),
            };
        }
        let v = self.eval_step(e, file);
        self.charged(v)
    }

    fn eval_step(&self, e: &Expression, file: FileId) -> Value {
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
            Expression::Conditional(c) => {
                self.choice(span_of(&c.true_expr, file));
                self.choice(span_of(&c.false_expr, file));
                let outer = self.soft.replace(false);
                let cond = self.eval(&c.cond_expr, file);
                let soft = self.soft.replace(outer || self.soft.get());
                let yes = || self.eval(&c.true_expr, file);
                let no = || self.eval(&c.false_expr, file);
                // The condition that decides whether this resource exists,
                // and holds in it (`count = var.on ? 1 : 0`).
                let decided = functions::boolean(&cond).is_none() || soft;
                match (
                    decided.then(|| self.assumed(&c.cond_expr, file)).flatten(),
                    soft,
                ) {
                    (Some(true), _) => yes(),
                    (Some(false), _) => no(),
                    (None, true) => Value::new(span, Kind::OneOf(vec![yes(), no()])),
                    (None, false) => self.choose(&cond, span, yes, no),
                }
            }
            Expression::FuncCall(call) => self.call(call, span, file),
            Expression::Variable(v) => match self.bound(v.as_str()) {
                Some(value) => Value { span, ..value },
                None => Value::unknown(span, format!("{} is not known statically", v.as_str())),
            },
            Expression::Traversal(t) => self.traversal(t, span, file),
            Expression::UnaryOp(op) => {
                let v = self.eval(&op.expr, file);
                let neg = matches!(op.operator.value(), UnaryOperator::Neg);
                self.distribute(vec![v], span, |a| match neg {
                    true => match functions::number(&a[0]) {
                        Some(n) => Value::str(span, functions::format_number(-n)),
                        None => Value::unknown(span, "computed value"),
                    },
                    false => match functions::boolean(&a[0]) {
                        Some(b) => functions::bool_value(span, !b),
                        None => Value::unknown(span, "computed value"),
                    },
                })
            }
            Expression::BinaryOp(op) => {
                let lhs = self.eval(&op.lhs_expr, file);
                let rhs = self.eval(&op.rhs_expr, file);
                let operator = *op.operator.value();
                self.distribute(vec![lhs, rhs], span, |a| {
                    binary(operator, &a[0], &a[1], span)
                })
            }
            Expression::ForExpr(f) => self.for_expr(f, span, file),
        }
    }

    /// The bucket instance a value refers to, when it came from a
    /// reference to a bucket's `id`, `bucket` or `arn` (through locals,
    /// conditionals, `try` and `one` it keeps the reference's span).
    pub(super) fn origin(&self, v: &Value) -> Option<String> {
        let origins = self.origins.borrow();
        let mut found = v
            .alternatives()
            .into_iter()
            .map(|a| origins.get(&a.span).cloned());
        let first = found.next()??;
        // Every branch must name the same bucket.
        found
            .all(|o| o.as_deref() == Some(first.as_str()))
            .then_some(first)
    }

    /// What the instance being evaluated assumes of condition `e`: a
    /// resource made by `count = cond ? n : 0` exists only where `cond` is
    /// true, so a value chosen by the same `cond` inside it is the true
    /// branch; `!cond` the false one.
    fn assumed(&self, e: &Expression, file: FileId) -> Option<bool> {
        match e {
            Expression::Parenthesis(p) => self.assumed(p.inner(), file),
            Expression::UnaryOp(op) if matches!(op.operator.value(), UnaryOperator::Not) => {
                self.assumed(&op.expr, file).map(|b| !b)
            }
            _ => {
                let name = format!("{ASSUME}{}", condition_text(self.text(span_of(e, file))));
                self.bound(&name).and_then(|v| functions::boolean(&v))
            }
        }
    }

    /// The conditions a `count` of `cond ? n : 0` makes true in every
    /// instance: `cond`, and each side of a top-level `&&` in it.
    fn existence_conditions(&self, body: &Body<'a>) -> Vec<String> {
        let Some((attr, file)) = body.hcl_attr("count") else {
            return Vec::new();
        };
        let mut e = &attr.value;
        while let Expression::Parenthesis(p) = e {
            e = p.inner();
        }
        let Expression::Conditional(c) = e else {
            return Vec::new();
        };
        if functions::number(&self.eval(&c.false_expr, file)) != Some(0.0) {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut stack = vec![&c.cond_expr];
        while let Some(e) = stack.pop() {
            match e {
                Expression::Parenthesis(p) => stack.push(p.inner()),
                Expression::BinaryOp(op) if matches!(op.operator.value(), BinaryOperator::And) => {
                    stack.push(&op.lhs_expr);
                    stack.push(&op.rhs_expr);
                }
                _ => out.push(condition_text(self.text(span_of(e, file)))),
            }
        }
        out
    }

    /// `cond ? yes : no`: the branch the condition picks when it is known,
    /// both (as `OneOf`) when it is not.
    fn choose(
        &self,
        cond: &Value,
        span: Span,
        yes: impl FnOnce() -> Value,
        no: impl FnOnce() -> Value,
    ) -> Value {
        let alts = cond.alternatives();
        // An error in the condition is the conditional's (`try()` falls
        // through it), as is a condition known not to be a boolean.
        if !alts.is_empty() && alts.iter().all(|a| functions::is_invalid(a)) {
            return Value {
                span,
                ..cond.clone()
            };
        }
        if functions::is_whole(cond) && functions::boolean(cond).is_none() {
            return functions::invalid(span, "the condition is not a boolean");
        }
        let known: Vec<Option<bool>> = alts.iter().map(|a| functions::boolean(a)).collect();
        if !known.is_empty() && known.iter().all(|b| *b == Some(true)) {
            yes()
        } else if !known.is_empty() && known.iter().all(|b| *b == Some(false)) {
            no()
        } else {
            Value::new(span, Kind::OneOf(vec![yes(), no()]))
        }
    }

    /// Applies `f` to every combination of the arguments' branches (a
    /// conditional whose condition is not known), bounded.
    fn distribute(&self, args: Vec<Value>, span: Span, f: impl Fn(&[Value]) -> Value) -> Value {
        // An error in an argument is the call's, as in Terraform.
        if let Some(bad) = args.iter().find(|a| functions::is_invalid(a)) {
            return Value {
                span,
                ..bad.clone()
            };
        }
        if !args.iter().any(|a| matches!(a.kind, Kind::OneOf(_))) {
            return f(&args);
        }
        let mut combos: Vec<Vec<Value>> = vec![Vec::new()];
        for a in &args {
            let alts = a.alternatives();
            if combos.len() * alts.len().max(1) > MAX_BRANCHES {
                return Value::unknown(span, "too many combinations of unknown conditions");
            }
            combos = combos
                .into_iter()
                .flat_map(|c| {
                    alts.iter().map(move |x| {
                        let mut c = c.clone();
                        c.push((*x).clone());
                        c
                    })
                })
                .collect();
        }
        let mut out: Vec<Value> = Vec::new();
        for c in combos {
            let v = f(&c);
            if !out.iter().any(|o| functions::same(o, &v) == Some(true)) {
                out.push(v);
            }
        }
        match out.len() {
            1 => out.swap_remove(0),
            _ => Value::new(span, Kind::OneOf(out)),
        }
    }

    fn call(&self, call: &FuncCall, span: Span, file: FileId) -> Value {
        let name = call.name.name.as_str();
        if !call.name.namespace.is_empty() {
            return Value::unknown(span, format!("{name}() is not evaluated"));
        }
        let exprs: Vec<&Expression> = call.args.iter().collect();
        match name {
            // Lazy: the first argument that is not an error.
            "try" => {
                for e in &exprs {
                    let v = self.eval(e, file);
                    if !functions::is_invalid(&v) {
                        if exprs.len() > 1 {
                            self.choice(v.span);
                        }
                        return v;
                    }
                }
                return functions::invalid(span, "no argument of try() is valid");
            }
            "can" => {
                let v = exprs
                    .first()
                    .map(|e| self.eval(e, file))
                    .unwrap_or_else(|| functions::invalid(span, "can() of nothing"));
                return if functions::is_invalid(&v) {
                    functions::bool_value(span, false)
                } else if functions::is_whole(&v) {
                    functions::bool_value(span, true)
                } else {
                    Value::unknown(span, "can() of a value not known statically")
                };
            }
            "file" => {
                return match exprs.first() {
                    Some(a) => self.file(a, span, file),
                    None => Value::unknown(span, "file() of nothing"),
                };
            }
            "templatefile" => {
                return match exprs.first() {
                    Some(a) => {
                        let vars = exprs.get(1).map(|v| self.eval(v, file));
                        self.templatefile(a, vars, span, file)
                    }
                    None => Value::unknown(span, "templatefile() of nothing"),
                };
            }
            _ => {}
        }
        let mut args: Vec<Value> = exprs.iter().map(|e| self.eval(e, file)).collect();
        if call.args.expand_final()
            && let Some(last) = args.pop()
        {
            match last.kind {
                Kind::Seq(items) => args.extend(items),
                _ => return Value::unknown(span, format!("{name}() of a list not known")),
            }
        }
        let out = self.distribute(args, span, |a| {
            functions::call(name, a, span)
                .unwrap_or_else(|| Value::unknown(span, format!("{name}() is not evaluated")))
        });
        if matches!(name, "lookup" | "element" | "coalesce" | "coalescelist") {
            self.choice(out.span);
        }
        out
    }

    /// `[for k, v in coll : value if cond]` and `{for ... : key => value}`.
    fn for_expr(&self, f: &ForExpr, span: Span, file: FileId) -> Value {
        let coll = self.eval(&f.intro.collection_expr, file);
        let Some(pairs) = key_values(&coll) else {
            return Value::unknown(span, "for expression over a value not known statically");
        };
        if pairs.len() > MAX_INSTANCES {
            return Value::unknown(span, "for expression over too many items");
        }
        let key_var = f.intro.key_var.as_ref().map(|k| k.as_str().to_string());
        let value_var = f.intro.value_var.as_str().to_string();
        let base = self.env.borrow().clone();
        let mut seq = Vec::new();
        let mut map: Vec<Entry> = Vec::new();
        for (k, v) in pairs {
            let mut env = bind(&base, &value_var, v);
            if let Some(kv) = &key_var {
                env = bind(&env, kv, k);
            }
            let outcome = self.with_env(&env, || {
                if let Some(cond) = &f.cond {
                    match functions::boolean(&self.eval(&cond.expr, file)) {
                        Some(true) => {}
                        Some(false) => return Ok(None),
                        None => return Err(()),
                    }
                }
                let value = self.eval(&f.value_expr, file);
                let key = f.key_expr.as_ref().map(|k| self.eval(k, file));
                Ok(Some((key, value)))
            });
            match outcome {
                Err(()) => {
                    return Value::unknown(span, "for expression with a condition not known");
                }
                Ok(None) => {}
                Ok(Some((None, value))) => seq.push(value),
                Ok(Some((Some(key), value))) => {
                    let Some(k) = key.as_str().map(str::to_string) else {
                        return Value::unknown(span, "for expression with keys not known");
                    };
                    if f.grouping {
                        match map.iter_mut().find(|e| e.key == k) {
                            Some(e) => {
                                if let Kind::Seq(items) = &mut e.value.kind {
                                    items.push(value);
                                }
                            }
                            None => map.push(entry(
                                &k,
                                key.span,
                                Value::new(span, Kind::Seq(vec![value])),
                            )),
                        }
                    } else {
                        map.retain(|e| e.key != k);
                        map.push(entry(&k, key.span, value));
                    }
                }
            }
        }
        match f.key_expr {
            Some(_) => Value::map(span, map),
            None => Value::new(span, Kind::Seq(seq)),
        }
    }

    /// `root.a[0].b`: the root resolved (a variable, local, module output,
    /// resource, data source or bound name), then each step applied.
    fn traversal(&self, t: &hcl_edit::expr::Traversal, span: Span, file: FileId) -> Value {
        let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
        let Expression::Variable(root) = &t.expr else {
            let base = self.eval(&t.expr, file);
            return self.apply(base, &ops, span, file);
        };
        let root = root.as_str();
        let attr = |i: usize| match ops.get(i) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.as_str()),
            _ => None,
        };
        if let Some(v) = self.bound(root) {
            // Shown where it is used, as a variable is.
            let v = self.apply(v, &ops, span, file);
            if root == "each" {
                self.choice(v.span);
                self.choice(span);
            }
            return Value { span, ..v };
        }
        let (value, used) = match (root, attr(0)) {
            ("var", Some(name)) => {
                let v = if let Some(v) = self.inputs.get(name) {
                    if span.file != DETACHED {
                        self.passed.borrow_mut().push((span, v.span));
                    }
                    v.clone()
                } else {
                    match self.index.values.get(name) {
                        Some(def) => {
                            self.memoised(format!("var.{name}"), span, || self.definition(def))
                        }
                        None => match self.index.vars.get(name) {
                            Some(def) => {
                                if self.root {
                                    self.soft.set(true);
                                }
                                self.memoised(format!("var.{name}"), span, || self.definition(def))
                            }
                            None => Value::unknown(span, format!("var.{name} has no default")),
                        },
                    }
                };
                (v, 1)
            }
            ("local", Some(name)) => match self.index.locals.get(name) {
                Some(def) => (
                    self.memoised(format!("local.{name}"), span, || self.definition(def)),
                    1,
                ),
                None => (
                    Value::unknown(span, format!("local.{name} is not defined")),
                    1,
                ),
            },
            ("module", Some(name)) => match self.module_outputs.borrow().get(name) {
                Some(v) => (v.clone(), 1),
                None => (
                    Value::unknown(span, format!("the outputs of module.{name} are not known")),
                    ops.len(),
                ),
            },
            ("path", Some("module" | "root" | "cwd")) => (Value::str(span, "."), 1),
            ("data", Some(ty)) => match attr(1) {
                Some(name) => {
                    let base = format!("data.{ty}.{name}");
                    return self.resource(&base, &ops[2..], span, file);
                }
                None => (Value::unknown(span, "data source"), ops.len()),
            },
            (ty, Some(name)) if ty.contains('_') && !matches!(ty, "count" | "each") => {
                let base = format!("{ty}.{name}");
                return self.resource(&base, &ops[1..], span, file);
            }
            _ => (
                Value::unknown(span, format!("{root} is known only at plan time")),
                ops.len(),
            ),
        };
        let v = self.apply(value, &ops[used..], span, file);
        // A local, a variable or a module output naming a bucket names it
        // where it is used too.
        if let Some(o) = self.origin(&v) {
            self.origins.borrow_mut().insert(span, o);
        }
        // The value stands where it is used, so a finding points there.
        Value { span, ..v }
    }

    /// Applies traversal steps to a value.
    fn apply(&self, value: Value, ops: &[&TraversalOperator], span: Span, file: FileId) -> Value {
        let mut v = value;
        for (i, op) in ops.iter().enumerate() {
            v = match op {
                TraversalOperator::GetAttr(a) => get(&v, a.as_str(), span),
                TraversalOperator::Index(e) => {
                    let key = self.eval(e, file);
                    let picked = index(&v, &key, span);
                    // `x["a"]` reads; `x[var.k]` and `x[count.index]` choose.
                    if !is_literal(e) {
                        self.choice(picked.span);
                        self.choice(span);
                    }
                    picked
                }
                TraversalOperator::LegacyIndex(n) => {
                    index(&v, &Value::str(span, n.value().to_string()), span)
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let items: Vec<Value> = match &v.kind {
                        Kind::Seq(items) => items.clone(),
                        Kind::Null => Vec::new(),
                        _ if functions::is_known(&v) => vec![v.clone()],
                        _ => return Value::unknown(span, "splat of a value not known"),
                    };
                    let rest = &ops[i + 1..];
                    let out = items
                        .into_iter()
                        .map(|item| self.apply(item, rest, span, file))
                        .collect();
                    return Value::new(span, Kind::Seq(out));
                }
            };
            if !functions::is_known(&v) && !matches!(v.kind, Kind::Ref(_)) {
                return Value { span, ..v };
            }
        }
        v
    }

    fn template(&self, t: &Template, span: Span, file: FileId) -> Value {
        let mut out = String::new();
        let partial = self.render(t, file, &mut out);
        Value::text(span, out, partial)
    }

    /// Appends a template's text; true when a part is not known.
    fn render(&self, t: &Template, file: FileId, out: &mut String) -> bool {
        let mut partial = false;
        for el in t.iter() {
            match el {
                Element::Literal(s) => out.push_str(s.value()),
                Element::Interpolation(i) => {
                    let v = self.eval(&i.expr, file);
                    match &v.kind {
                        Kind::Str(s) => out.push_str(s),
                        Kind::Null => {}
                        // `${jsonencode(x)}`: the model keeps `x` itself.
                        Kind::Map(_) | Kind::Seq(_) => {
                            let (text, unknown) = functions::json_text(&v);
                            out.push_str(&text);
                            partial |= unknown;
                        }
                        _ => {
                            partial = true;
                            out.push_str("${");
                            out.push_str(self.text(span_of(&i.expr, file)));
                            out.push('}');
                        }
                    }
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(d) => {
                        let cond = self.eval(&d.if_expr.cond_expr, file);
                        match functions::boolean(&cond) {
                            Some(true) => partial |= self.render(&d.if_expr.template, file, out),
                            Some(false) => {
                                if let Some(e) = &d.else_expr {
                                    partial |= self.render(&e.template, file, out);
                                }
                            }
                            None => {
                                partial = true;
                                out.push_str("%{...}");
                            }
                        }
                    }
                    Directive::For(d) => {
                        let f = &d.for_expr;
                        let coll = self.eval(&f.collection_expr, file);
                        let Some(pairs) = key_values(&coll) else {
                            partial = true;
                            out.push_str("%{...}");
                            continue;
                        };
                        let base = self.env.borrow().clone();
                        for (k, v) in pairs {
                            // Nested loops multiply: the steps and the text
                            // of every template are budgeted.
                            let steps = self.template_steps.get() + 1;
                            self.template_steps.set(steps);
                            if steps > MAX_TEMPLATE_STEPS || out.len() > MAX_RENDERED {
                                out.push_str("%{...}");
                                return true;
                            }
                            let mut env = bind(&base, f.value_var.as_str(), v);
                            if let Some(kv) = &f.key_var {
                                env = bind(&env, kv.as_str(), k);
                            }
                            partial |= self.with_env(&env, || self.render(&f.template, file, out));
                        }
                    }
                },
            }
        }
        partial
    }

    /// The instances of a declared resource, data source or module call:
    /// one per `count` index or `for_each` key when they are known; one,
    /// which may not exist, when they are not.
    pub(super) fn instances(&self, d: &Declared<'a>) -> Rc<Vec<Instance<'a>>> {
        let body = &d.block.body;
        // Most blocks have neither: nothing to evaluate or remember.
        if !body.has("count") && !body.has("for_each") {
            return Rc::new(vec![Instance {
                id: d.id.clone(),
                key: None,
                body: body.clone(),
                uncertain: None,
            }]);
        }
        if let Some(known) = self.instances.borrow().get(&d.id) {
            return Rc::clone(known);
        }
        let made = Rc::new(self.nested_instances(d));
        self.instances
            .borrow_mut()
            .insert(d.id.clone(), Rc::clone(&made));
        made
    }

    fn nested_instances(&self, d: &Declared<'a>) -> Vec<Instance<'a>> {
        let body = &d.block.body;
        let mut env = body.env().clone();
        for cond in self.existence_conditions(body) {
            env = bind(
                &env,
                &format!("{ASSUME}{cond}"),
                functions::bool_value(d.head, true),
            );
        }
        let env = &env;
        let one = |uncertain: Option<String>, bound: Env| {
            vec![Instance {
                id: d.id.clone(),
                key: None,
                body: body.with_env(bound),
                uncertain,
            }]
        };
        if let Some((_, count)) = body.attr(self, "count") {
            let alts = count.alternatives();
            let nums: Option<Vec<f64>> = alts.iter().map(|a| functions::number(a)).collect();
            let Some(nums) = nums.filter(|n| !n.is_empty()) else {
                let index = Value::unknown(count.span, "count.index of a count not known");
                let bound = bind(
                    env,
                    "count",
                    Value::map(count.span, vec![entry("index", count.span, index)]),
                );
                return one(
                    Some(format!("the `count` of `{}` is not known statically", d.id)),
                    bound,
                );
            };
            let min = nums.iter().cloned().fold(f64::MAX, f64::min).max(0.0) as usize;
            let mut max = nums.iter().cloned().fold(0.0, f64::max).max(0.0) as usize;
            if max > MAX_INSTANCES {
                self.notes.borrow_mut().push(ParseError::new(
                    count.span,
                    format!("`{}` has a count of {max}: only the first {MAX_INSTANCES} instances are checked", d.id),
                ));
                max = MAX_INSTANCES;
            }
            if !self.scope.budget.spend(max as u64) {
                let v = self.exhausted(count.span);
                let bound = bind(
                    env,
                    "count",
                    Value::map(count.span, vec![entry("index", count.span, v)]),
                );
                return one(
                    Some(format!(
                        "the `count` of `{}` is not known: evaluation stopped",
                        d.id
                    )),
                    bound,
                );
            }
            return (0..max)
                .map(|i| {
                    let index = Value::str(count.span, i.to_string());
                    Instance {
                        id: format!("{}[{i}]", d.id),
                        key: Some(index.clone()),
                        body: body.with_env(bind(
                            env,
                            "count",
                            Value::map(count.span, vec![entry("index", count.span, index)]),
                        )),
                        uncertain: (i >= min)
                            .then(|| format!("the `count` of `{}` is {min} for some inputs", d.id)),
                    }
                })
                .collect();
        }
        if let Some((_, each)) = body.attr(self, "for_each") {
            let pairs = match &each.kind {
                Kind::Map(entries) => {
                    let mut e: Vec<&Entry> = entries.iter().collect();
                    e.sort_by(|a, b| a.key.cmp(&b.key));
                    Some(
                        e.into_iter()
                            .map(|e| {
                                (
                                    e.key.clone(),
                                    Value::str(e.key_span, &e.key),
                                    e.value.clone(),
                                )
                            })
                            .collect::<Vec<_>>(),
                    )
                }
                Kind::Seq(items) => items
                    .iter()
                    .map(|i| i.as_str().map(|s| (s.to_string(), i.clone(), i.clone())))
                    .collect(),
                _ => None,
            };
            // `each` bound to values not known.
            let each_unknown = |key: Value, value: Value| {
                bind(
                    env,
                    "each",
                    Value::map(
                        each.span,
                        vec![
                            entry("key", each.span, key),
                            entry("value", each.span, value),
                        ],
                    ),
                )
            };
            let Some(mut pairs) = pairs else {
                let unknown = |what: &str| {
                    Value::unknown(each.span, format!("each.{what} of a for_each not known"))
                };
                let bound = each_unknown(unknown("key"), unknown("value"));
                return one(
                    Some(format!(
                        "the `for_each` of `{}` is not known statically",
                        d.id
                    )),
                    bound,
                );
            };
            if pairs.len() > MAX_INSTANCES {
                self.notes.borrow_mut().push(ParseError::new(
                    each.span,
                    format!(
                        "`{}` has {} instances: only the first {MAX_INSTANCES} are checked",
                        d.id,
                        pairs.len()
                    ),
                ));
                pairs.truncate(MAX_INSTANCES);
            }
            if !self.scope.budget.spend(pairs.len() as u64) {
                let v = self.exhausted(each.span);
                let bound = each_unknown(v.clone(), v);
                return one(
                    Some(format!(
                        "the `for_each` of `{}` is not known: evaluation stopped",
                        d.id
                    )),
                    bound,
                );
            }
            return pairs
                .into_iter()
                .map(|(k, key, value)| Instance {
                    id: format!("{}[{:?}]", d.id, k),
                    key: Some(key.clone()),
                    body: body.with_env(bind(
                        env,
                        "each",
                        Value::map(
                            each.span,
                            vec![
                                entry("key", key.span, key.clone()),
                                entry("value", value.span, value),
                            ],
                        ),
                    )),
                    uncertain: None,
                })
                .collect();
        }
        one(None, Rc::clone(env))
    }

    /// A reference to a resource or data source, `base` its address, `ops`
    /// the steps after its name.
    fn resource(&self, base: &str, ops: &[&TraversalOperator], span: Span, file: FileId) -> Value {
        let Some(d) = self.by_id.get(base).map(|&i| &self.index.resources[i]) else {
            if base.starts_with("data.") {
                return Value::unknown(span, "data source not declared in this module");
            }
            let attr = match ops.first() {
                Some(TraversalOperator::GetAttr(a)) => Some(a.as_str().to_string()),
                _ => None,
            };
            return Value::new(
                span,
                Kind::Ref(Ref {
                    target: base.to_string(),
                    attr,
                }),
            );
        };
        let insts = self.instances(d);
        let keyed = d.block.body.has("count") || d.block.body.has("for_each");
        let by_each = d.block.body.has("for_each");
        let v = match ops.first() {
            Some(TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_)) => {
                let key = match ops[0] {
                    TraversalOperator::Index(e) => self.eval(e, file),
                    TraversalOperator::LegacyIndex(n) => Value::str(span, n.value().to_string()),
                    _ => unreachable!("matched above"),
                };
                if !functions::is_known(&key) {
                    return Value::unknown(
                        span,
                        format!("an instance of {base} chosen by a value not known"),
                    );
                }
                let found = insts
                    .iter()
                    .find(|i| {
                        i.key
                            .as_ref()
                            .is_some_and(|k| functions::same(k, &key) == Some(true))
                    })
                    .or_else(|| {
                        insts
                            .iter()
                            .find(|i| i.key.is_none() && i.uncertain.is_some())
                    });
                match found {
                    Some(inst) => self.instance_value(d, inst, &ops[1..], span, file),
                    None => functions::invalid(span, format!("{base} has no such instance")),
                }
            }
            Some(TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_)) => Value::new(
                span,
                Kind::Seq(
                    insts
                        .iter()
                        .map(|i| self.instance_value(d, i, &ops[1..], span, file))
                        .collect(),
                ),
            ),
            None if keyed => {
                let objects = insts
                    .iter()
                    .map(|i| (i, self.instance_value(d, i, &[], span, file)));
                match by_each {
                    true => Value::map(
                        span,
                        objects
                            .map(|(i, o)| {
                                let key = i.key.as_ref().and_then(Value::as_str).unwrap_or("?");
                                entry(key, span, o)
                            })
                            .collect(),
                    ),
                    false => Value::new(span, Kind::Seq(objects.map(|(_, o)| o).collect())),
                }
            }
            _ => match insts.first() {
                Some(inst) => self.instance_value(d, inst, ops, span, file),
                None => functions::invalid(span, format!("{base} has no instance")),
            },
        };
        Value { span, ..v }
    }

    fn instance_value(
        &self,
        d: &Declared<'a>,
        inst: &Instance<'a>,
        ops: &[&TraversalOperator],
        span: Span,
        file: FileId,
    ) -> Value {
        match ops.first() {
            Some(TraversalOperator::GetAttr(a)) => {
                let v = self.nested(span, || self.instance_attr(d, inst, a.as_str(), span));
                self.apply(v, &ops[1..], span, file)
            }
            _ => {
                let attrs: &[&str] = match d.ty.as_str() {
                    "aws_s3_bucket" => &["id", "bucket", "arn"],
                    _ => &["id"],
                };
                let object = Value::map(
                    span,
                    attrs
                        .iter()
                        .map(|a| {
                            entry(
                                a,
                                span,
                                self.nested(span, || self.instance_attr(d, inst, a, span)),
                            )
                        })
                        .collect(),
                );
                self.apply(object, ops, span, file)
            }
        }
    }

    /// Attribute `attr` of an instance: what its arguments say, the bucket
    /// name and ARN an S3 bucket gets from its `bucket` argument, else a
    /// reference resolved when the model links resources.
    fn instance_attr(
        &self,
        d: &Declared<'a>,
        inst: &Instance<'a>,
        attr: &str,
        span: Span,
    ) -> Value {
        let body = &inst.body;
        if d.id.starts_with("data.") {
            if d.ty == "aws_iam_policy_document" && matches!(attr, "json" | "minified_json") {
                let block = Block {
                    ident: d.block.ident,
                    span: d.block.span,
                    body: body.clone(),
                };
                return self.policy_document(&block);
            }
            return match body.attr(self, attr) {
                Some((_, v)) => v,
                None => Value::unknown(span, "data source attribute"),
            };
        }
        let reference = || {
            Value::new(
                span,
                Kind::Ref(Ref {
                    target: inst.id.clone(),
                    attr: Some(attr.to_string()),
                }),
            )
        };
        if d.ty == "aws_s3_bucket" && matches!(attr, "id" | "bucket" | "arn") {
            self.origins.borrow_mut().insert(span, inst.id.clone());
            return match body.attr(self, "bucket").map(|(_, v)| v) {
                Some(Value {
                    kind: Kind::Str(name),
                    ..
                }) => match attr {
                    "arn" => Value::str(span, format!("arn:aws:s3:::{name}")),
                    _ => Value::str(span, name),
                },
                _ => reference(),
            };
        }
        // A companion's id is the name of the bucket it configures.
        if d.ty.starts_with("aws_s3_")
            && matches!(attr, "id" | "bucket")
            && let Some((_, v)) = body.attr(self, "bucket")
        {
            return v;
        }
        if attr != "id"
            && let Some((_, v)) = body.attr(self, attr)
        {
            return v;
        }
        reference()
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

    /// `file("x.json")`, read only from inside the repository boundary.
    /// A file a function reads, relative to the module, through the
    /// boundary; registered as a source of the unit under a new id.
    fn read_named(
        &self,
        arg: &Expression,
        span: Span,
        file: FileId,
        function: &str,
        policy: bool,
    ) -> Result<(FileId, Arc<str>), Value> {
        let Kind::Str(rel) = self.eval(arg, file).kind else {
            return Err(Value::unknown(
                span,
                format!("{function}() of a computed path"),
            ));
        };
        // `${path.module}/x.json` evaluates to `./x.json`: drop the `.`.
        let path: PathBuf = self
            .scope
            .module_dir
            .join(&rel)
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect();
        // The boundary decides (in `scope.read`); its reasons never quote
        // the file.
        let text: Arc<str> = match self.scope.read(&path) {
            Ok(t) => t.into(),
            // A file missing in the repository is an error in Terraform:
            // `try()` falls through it.
            Err(e) if e.starts_with(&Refusal::Missing.to_string()) => {
                return Err(functions::invalid(
                    span,
                    format!("{function}(\"{rel}\"): no such file"),
                ));
            }
            Err(e) => {
                return Err(Value::unknown(
                    span,
                    format!("{function}(\"{rel}\") could not be read: {e}"),
                ));
            }
        };
        let id = self.alloc_file();
        self.loaded.borrow_mut().push(LoadedFile {
            id,
            path,
            text: Arc::clone(&text),
            policy,
        });
        Ok((id, text))
    }

    /// `templatefile(path, vars)`: the file rendered as a template with
    /// only `vars` in scope. A template cannot call `templatefile` again.
    fn templatefile(
        &self,
        arg: &Expression,
        vars: Option<Value>,
        span: Span,
        file: FileId,
    ) -> Value {
        if self.in_template.get() {
            return functions::invalid(span, "templatefile() cannot be called from a template");
        }
        let (id, text) = match self.read_named(arg, span, file, "templatefile", true) {
            Ok(read) => read,
            Err(unknown) => return unknown,
        };
        let template: Template = match text.parse() {
            Ok(t) => t,
            Err(_) => {
                return Value::unknown(span, "templatefile() of a file that is not a template");
            }
        };
        let mut env: Env = Rc::new(Vec::new());
        match vars.as_ref().map(|v| &v.kind) {
            Some(Kind::Map(entries)) => {
                for e in entries {
                    env = bind(&env, &e.key, e.value.clone());
                }
            }
            None => {}
            // Its names are not known: what the template says of them is
            // not either.
            Some(_) => {}
        }
        self.in_template.set(true);
        let rendered = self.with_env(&env, || self.template(&template, span, id));
        self.in_template.set(false);
        match rendered.as_text() {
            Some(t) if t.len() > MAX_RENDERED => {
                Value::unknown(span, "templatefile() renders too much text")
            }
            _ => rendered,
        }
    }

    fn file(&self, arg: &Expression, span: Span, file: FileId) -> Value {
        let (id, text) = match self.read_named(arg, span, file, "file", true) {
            Ok(read) => read,
            Err(unknown) => return unknown,
        };
        let parsed = json::parse(&text, Placement::At(id, 0));
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
                // The provider skips `""` and null (a switched-off part,
                // often through `compact`); a document in one branch only
                // gives statements that may be absent.
                let alts = doc.alternatives();
                let empty = |d: &Value| match &d.kind {
                    Kind::Null | Kind::NoValue => true,
                    Kind::Str(s) => s.trim().is_empty(),
                    _ => false,
                };
                let present: Vec<Value> = alts
                    .iter()
                    .filter(|d| !empty(d))
                    .map(|d| decode_json_string((*d).clone()))
                    .collect();
                let maybe = present.len() != alts.len() || alts.len() > 1;
                for d in present {
                    match d.get("Statement") {
                        Some(s) => out.extend(s.items().into_iter().map(|st| match maybe {
                            true => Value::new(
                                st.span,
                                Kind::OneOf(vec![st.clone(), Value::new(st.span, Kind::NoValue)]),
                            ),
                            false => st.clone(),
                        })),
                        None => out.push(Value::unknown(d.span, "policy document not evaluated")),
                    }
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
        let sid = |v: &Value| v.get("Sid").and_then(Value::as_str).map(str::to_string);
        // A statement of this document replaces a source statement with
        // the same `sid`, as the provider merges them.
        let (blocks, unknown) = body.expand(self, "statement");
        for block in &blocks {
            let st = self.statement(block);
            let same = sid(&st).and_then(|id| {
                statements.iter().position(|s| {
                    s.alternatives()
                        .iter()
                        .any(|a| sid(a).as_deref() == Some(&id))
                })
            });
            match same {
                Some(i) => statements[i] = st,
                None => statements.push(st),
            }
        }
        for d in unknown {
            statements.push(Value::unknown(
                d,
                "dynamic statement over a value not known",
            ));
        }
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
            let blocks = body.blocks(self, tf);
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
        let conditions = body.blocks(self, "condition");
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

/// Attributes read evaluated, with the names bound where the body is.
impl<'a> Body<'a> {
    /// The value of attribute `name`, and where its name is.
    pub fn attr(&self, ctx: &Ctx, name: &str) -> Option<(Span, Value)> {
        if let Some((a, file)) = self.hcl_attr(name) {
            let value = ctx.with_env(self.env(), || ctx.eval(&a.value, file));
            return Some((span_of(&a.key, file), value));
        }
        let (e, templates) = self.json_entry(name)?;
        let value = ctx.with_env(self.env(), || json_value(ctx, &e.value, templates));
        Some((e.key_span, value))
    }

    /// The nested blocks called `name`: those written out, then those
    /// dynamic blocks make over known collections.
    pub fn blocks(&self, ctx: &Ctx, name: &str) -> Vec<Block<'a>> {
        self.expand(ctx, name).0
    }

    /// The nested blocks called `name`, and where a dynamic block iterates
    /// over a collection not known statically (it may make any number).
    pub fn expand(&self, ctx: &Ctx, name: &str) -> (Vec<Block<'a>>, Vec<Span>) {
        let mut out = self.static_blocks(name);
        let mut unknown = Vec::new();
        for d in self.dynamics(name) {
            let iterator = match d.body.hcl_attr("iterator") {
                Some((a, _)) => match &a.value {
                    Expression::Variable(v) => v.as_str().to_string(),
                    _ => name.to_string(),
                },
                None => d
                    .body
                    .json_entry("iterator")
                    .and_then(|(e, _)| e.value.as_str().map(str::to_string))
                    .unwrap_or_else(|| name.to_string()),
            };
            let Some(content) = d.body.static_blocks("content").into_iter().next() else {
                continue;
            };
            let coll = d.body.attr(ctx, "for_each").map(|(_, v)| v);
            let listed = matches!(coll.as_ref().map(|c| &c.kind), Some(Kind::Seq(_)));
            let Some(pairs) = coll.as_ref().and_then(key_values) else {
                unknown.push(d.span);
                continue;
            };
            for (key, value) in pairs.into_iter().take(MAX_INSTANCES) {
                // Over a set of strings, the key is the value.
                let key = match value.as_str() {
                    Some(_) if listed => value.clone(),
                    _ => key,
                };
                let it = Value::map(
                    content.span,
                    vec![
                        entry("key", key.span, key.clone()),
                        entry("value", value.span, value),
                    ],
                );
                out.push(Block {
                    ident: d.span,
                    span: content.span,
                    body: content
                        .body
                        .with_env(bind(content.body.env(), &iterator, it)),
                });
            }
        }
        (out, unknown)
    }

    /// Attribute `name` read as a policy document (heredoc, JSON string,
    /// `jsonencode`, policy document data source, `file()`).
    pub fn policy(&self, ctx: &Ctx, name: &str) -> Option<(Span, Span, Value)> {
        // In the instance's scope: `each` and `count` are its own.
        ctx.with_env(self.env(), || {
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
        })
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
        ctx.with_env(self.env(), || match self {
            Body::Hcl(body, file, _) => body
                .attributes()
                .map(|a| (a.key.to_string(), ctx.eval(&a.value, *file)))
                .collect(),
            Body::Json {
                value, templates, ..
            } => value
                .entries()
                .iter()
                .filter(|e| !e.value.is_map())
                .map(|e| (e.key.clone(), json_value(ctx, &e.value, *templates)))
                .collect(),
        })
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

/// The keys and values a `for` iterates over: indexes and items of a
/// list, keys and values of a map; `None` when it is not known.
fn key_values(coll: &Value) -> Option<Vec<(Value, Value)>> {
    match &coll.kind {
        Kind::Seq(items) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::str(v.span, i.to_string()), v.clone()))
                .collect(),
        ),
        Kind::Map(entries) => Some(
            entries
                .iter()
                .map(|e| (Value::str(e.key_span, &e.key), e.value.clone()))
                .collect(),
        ),
        _ => None,
    }
}

/// A binary operation on two values, each without branches.
fn binary(op: BinaryOperator, a: &Value, b: &Value, span: Span) -> Value {
    use BinaryOperator::*;
    let unknown = || Value::unknown(span, "computed value");
    match op {
        Eq | NotEq => match functions::same(a, b) {
            Some(x) => functions::bool_value(span, x == (op == Eq)),
            None => unknown(),
        },
        And | Or => {
            let (x, y) = (functions::boolean(a), functions::boolean(b));
            let result = match op {
                And if x == Some(false) || y == Some(false) => Some(false),
                And => x.zip(y).map(|_| true),
                _ if x == Some(true) || y == Some(true) => Some(true),
                _ => x.zip(y).map(|_| false),
            };
            result.map_or_else(unknown, |r| functions::bool_value(span, r))
        }
        _ => {
            let (Some(x), Some(y)) = (functions::number(a), functions::number(b)) else {
                return unknown();
            };
            let num = |n: f64| Value::str(span, functions::format_number(n));
            let cmp = |c: bool| functions::bool_value(span, c);
            match op {
                Less => cmp(x < y),
                LessEq => cmp(x <= y),
                Greater => cmp(x > y),
                GreaterEq => cmp(x >= y),
                Plus => num(x + y),
                Minus => num(x - y),
                Mul => num(x * y),
                Div | Mod if y == 0.0 => functions::invalid(span, "division by zero"),
                Div => num(x / y),
                _ => num(x % y),
            }
        }
    }
}

/// `v.name`.
fn get(v: &Value, name: &str, span: Span) -> Value {
    match &v.kind {
        Kind::Map(_) => match v.get(name) {
            Some(x) => x.clone(),
            None => functions::invalid(span, format!("no attribute `{name}`")),
        },
        Kind::OneOf(alts) => Value::new(
            span,
            Kind::OneOf(alts.iter().map(|a| get(a, name, span)).collect()),
        ),
        Kind::Ref(Ref { target, attr: None }) => Value::new(
            span,
            Kind::Ref(Ref {
                target: target.clone(),
                attr: Some(name.to_string()),
            }),
        ),
        Kind::Unknown(_) | Kind::Partial(_) | Kind::Ref(_) => {
            Value::unknown(span, "computed value")
        }
        _ => functions::invalid(span, format!("no attribute `{name}` on this value")),
    }
}

/// Whether an expression is a literal written in place (a key that reads,
/// not one that chooses).
fn is_literal(e: &Expression) -> bool {
    match e {
        Expression::String(_) | Expression::Number(_) | Expression::Bool(_) => true,
        Expression::StringTemplate(t) => t
            .iter()
            .all(|el| matches!(el, hcl_edit::template::Element::Literal(_))),
        Expression::Parenthesis(p) => is_literal(p.inner()),
        _ => false,
    }
}

/// `v[key]`.
fn index(v: &Value, key: &Value, span: Span) -> Value {
    if !functions::is_known(key) {
        return Value::unknown(span, "index not known statically");
    }
    match &v.kind {
        Kind::Seq(items) => match functions::number(key) {
            Some(i) if i >= 0.0 && (i as usize) < items.len() => items[i as usize].clone(),
            _ => functions::invalid(span, "index out of range"),
        },
        Kind::Map(_) => match key.as_str().and_then(|k| v.get(k)) {
            Some(x) => x.clone(),
            None => functions::invalid(span, "no such key"),
        },
        Kind::OneOf(alts) => Value::new(
            span,
            Kind::OneOf(alts.iter().map(|a| index(a, key, span)).collect()),
        ),
        Kind::Unknown(_) | Kind::Partial(_) | Kind::Ref(_) => {
            Value::unknown(span, "computed value")
        }
        _ => functions::invalid(span, "index into a value that has none"),
    }
}
