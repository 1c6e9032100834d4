//! Static evaluation of CloudFormation intrinsic functions.
//!
//! `Fn::If` keeps every *feasible* branch: a condition known from the
//! parameters given on the command line (or from literals) picks its
//! branch; an unknown one keeps both, and each branch is evaluated assuming
//! the condition's value, so nested `Fn::If`s on related conditions keep
//! only the combinations that can happen. The work is linear in the size of
//! the template: condition combinations are never enumerated.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::model::iam::decode_json_string;
use crate::source::Span;
use crate::tree::{Entry, Kind, Ref, Value};

const PSEUDO: &[&str] = &[
    "AWS::AccountId",
    "AWS::NotificationARNs",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
];

/// Deeper than this, intrinsic functions are left unknown.
const MAX_RESOLVE_DEPTH: usize = 200;

/// What the template and the command line say, read once per template.
pub struct Template<'a> {
    /// Values of parameters: given on the command line, else the default.
    pub params: HashMap<&'a str, Value>,
    /// Parameters whose value is certain (given on the command line).
    pub fixed: Vec<&'a str>,
    /// `AllowedValues` of parameters not given: the only values they take.
    pub allowed: HashMap<&'a str, Vec<String>>,
    /// A set: a template can hold thousands of resources, each referred to.
    pub logical_ids: std::collections::HashSet<&'a str>,
    pub mappings: Option<&'a Value>,
    pub conditions: HashMap<&'a str, &'a Value>,
}

/// What a condition says of a parameter: it equals `value`, or not.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Fact {
    param: String,
    value: String,
    equal: bool,
}

/// Whether some parameter must equal two different values, or equal a
/// value and differ from it.
fn contradictory(facts: &[Fact]) -> bool {
    facts.iter().enumerate().any(|(i, a)| {
        facts[i + 1..].iter().any(|b| {
            a.param == b.param
                && match (a.equal, b.equal) {
                    (true, true) => a.value != b.value,
                    (true, false) | (false, true) => a.value == b.value,
                    (false, false) => false,
                }
        })
    })
}

/// Condition values assumed while evaluating a branch of `Fn::If`.
#[derive(Clone, Default)]
pub struct Assumed(Vec<(String, bool)>);

impl Assumed {
    fn with(&self, name: &str, value: bool) -> Assumed {
        let mut next = self.clone();
        next.0.push((name.to_string(), value));
        next
    }

    fn get(&self, name: &str) -> Option<bool> {
        self.0
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| *v)
    }

    /// Identifies the set of assumptions, for the cache.
    fn key(&self) -> String {
        self.0.iter().map(|(n, v)| format!("{n}={v};")).collect()
    }
}

pub struct Resolver<'a> {
    pub t: &'a Template<'a>,
    /// A parameter whose default is taken as its value while asking
    /// whether that default is possible under the assumed conditions.
    trial: RefCell<Option<String>>,
    /// Condition values already worked out, per set of assumptions: a
    /// condition built from others is evaluated once, however often used.
    cache: RefCell<HashMap<(String, String), Option<bool>>>,
    /// Conditions being evaluated (a cycle makes a condition unknown).
    active: RefCell<Vec<String>>,
    /// `Fn::If` branches kept because their condition is not known.
    pub branches: RefCell<Vec<(Span, String)>>,
}

impl<'a> Resolver<'a> {
    pub fn new(t: &'a Template<'a>) -> Self {
        Resolver {
            t,
            trial: RefCell::new(None),
            cache: RefCell::new(HashMap::new()),
            active: RefCell::new(Vec::new()),
            branches: RefCell::new(Vec::new()),
        }
    }

    /// The value of condition `name`, if it can be known.
    pub fn condition(&self, name: &str, assumed: &Assumed) -> Option<bool> {
        self.condition_at(name, assumed, 0)
    }

    /// A condition reached `depth` levels into another: conditions naming
    /// conditions count as nesting, so a chain of 30,000 is unknown past
    /// the limit instead of exhausting the stack.
    fn condition_at(&self, name: &str, assumed: &Assumed, depth: usize) -> Option<bool> {
        if depth > MAX_RESOLVE_DEPTH {
            return None;
        }
        if let Some(v) = assumed.get(name) {
            return Some(v);
        }
        let key = (
            name.to_string(),
            format!(
                "{}|{}",
                assumed.key(),
                self.trial.borrow().as_deref().unwrap_or("")
            ),
        );
        if let Some(v) = self.cache.borrow().get(&key) {
            return *v;
        }
        if self.active.borrow().iter().any(|n| n == name) {
            return None;
        }
        let expr = self.t.conditions.get(name)?;
        self.active.borrow_mut().push(name.to_string());
        let v = self.truth(expr, assumed, depth + 1);
        self.active.borrow_mut().pop();
        self.cache.borrow_mut().insert(key, v);
        v
    }

    /// Three-valued evaluation of a condition expression.
    fn truth(&self, v: &Value, assumed: &Assumed, depth: usize) -> Option<bool> {
        if depth > MAX_RESOLVE_DEPTH {
            return None;
        }
        let [entry] = v.entries() else {
            return v.as_bool();
        };
        let args: Vec<&Value> = match &entry.value.kind {
            Kind::Seq(items) => items.iter().collect(),
            _ => vec![&entry.value],
        };
        match entry.key.as_str() {
            "Condition" => self.condition_at(entry.value.as_str()?, assumed, depth + 1),
            "Fn::Not" => self.truth(args.first()?, assumed, depth + 1).map(|b| !b),
            "Fn::And" => {
                let vals: Vec<_> = args
                    .iter()
                    .map(|a| self.truth(a, assumed, depth + 1))
                    .collect();
                if vals.contains(&Some(false)) {
                    Some(false)
                } else if vals.iter().all(Option::is_some) {
                    Some(true)
                } else {
                    // Unknown parts may still contradict each other (one
                    // parameter equal to two values): then it is false.
                    let mut facts = self.assumed_facts(assumed, depth);
                    args.iter()
                        .for_each(|a| self.facts(a, true, depth + 1, &mut facts));
                    contradictory(&facts).then_some(false)
                }
            }
            "Fn::Or" => {
                let vals: Vec<_> = args
                    .iter()
                    .map(|a| self.truth(a, assumed, depth + 1))
                    .collect();
                if vals.contains(&Some(true)) {
                    Some(true)
                } else {
                    vals.iter().all(Option::is_some).then_some(false)
                }
            }
            "Fn::Equals" => {
                let [a, b] = args[..] else { return None };
                match (
                    self.certain(a, assumed, depth),
                    self.certain(b, assumed, depth),
                ) {
                    (Some(a), Some(b)) => Some(a == b),
                    // A parameter compared with a value: `AllowedValues`
                    // may decide it (a value it does not allow never
                    // matches), and so may the conditions assumed in the
                    // enclosing `Fn::If` branches.
                    (None, Some(value)) => self
                        .allowed_equals(a, &value)
                        .or_else(|| self.assumed_equals(a, &value, assumed, depth)),
                    (Some(value), None) => self
                        .allowed_equals(b, &value)
                        .or_else(|| self.assumed_equals(b, &value, assumed, depth)),
                    (None, None) => None,
                }
            }
            _ => None,
        }
    }

    /// What an expression says of parameters when it holds (`wanted`
    /// true) or fails: `Fn::Equals` of a parameter and a certain value,
    /// through `Fn::And`, `Fn::Not` and named conditions. Other shapes say
    /// nothing.
    fn facts(&self, v: &Value, wanted: bool, depth: usize, out: &mut Vec<Fact>) {
        if depth > MAX_RESOLVE_DEPTH {
            return;
        }
        let [entry] = v.entries() else { return };
        let args: Vec<&Value> = match &entry.value.kind {
            Kind::Seq(items) => items.iter().collect(),
            _ => vec![&entry.value],
        };
        match (entry.key.as_str(), wanted) {
            ("Condition", _) => {
                if let Some(expr) = entry.value.as_str().and_then(|n| self.t.conditions.get(n)) {
                    self.facts(expr, wanted, depth + 1, out);
                }
            }
            ("Fn::Not", _) => {
                if let Some(inner) = args.first() {
                    self.facts(inner, !wanted, depth + 1, out);
                }
            }
            // Only a conjunction that holds says each of its parts holds.
            ("Fn::And", true) => args
                .iter()
                .for_each(|a| self.facts(a, true, depth + 1, out)),
            ("Fn::Equals", _) => {
                let [a, b] = args[..] else { return };
                let none = Assumed::default();
                let param = |x: &Value| {
                    x.get("Ref")
                        .and_then(Value::as_str)
                        .filter(|n| !self.t.logical_ids.contains(n) && !self.t.fixed.contains(n))
                        .map(str::to_string)
                };
                let fact = match (param(a), param(b)) {
                    (Some(p), None) => self.certain(b, &none, depth).map(|v| (p, v)),
                    (None, Some(p)) => self.certain(a, &none, depth).map(|v| (p, v)),
                    _ => None,
                };
                if let Some((param, value)) = fact {
                    out.push(Fact {
                        param,
                        value,
                        equal: wanted,
                    });
                }
            }
            _ => {}
        }
    }

    /// The facts of the conditions assumed in enclosing `Fn::If` branches.
    fn assumed_facts(&self, assumed: &Assumed, depth: usize) -> Vec<Fact> {
        let mut out = Vec::new();
        for (name, value) in &assumed.0 {
            if let Some(expr) = self.t.conditions.get(name.as_str()) {
                self.facts(expr, *value, depth + 1, &mut out);
            }
        }
        out
    }

    /// Whether `Ref` parameter `v` equals `value`, as far as the assumed
    /// conditions tell (`IsProd` assumed true says `Env` is `prod`).
    fn assumed_equals(
        &self,
        v: &Value,
        value: &str,
        assumed: &Assumed,
        depth: usize,
    ) -> Option<bool> {
        let name = v.get("Ref").and_then(Value::as_str)?;
        let facts = self.assumed_facts(assumed, depth);
        let mine = facts.iter().filter(|f| f.param == name);
        let mut answer = None;
        for f in mine {
            match (f.equal, f.value == value) {
                (true, same) => return Some(same),
                (false, true) => answer = Some(false),
                (false, false) => {}
            }
        }
        answer
    }

    /// Whether `Ref` parameter `v` equals `value`, as far as its
    /// `AllowedValues` tell.
    fn allowed_equals(&self, v: &Value, value: &str) -> Option<bool> {
        let name = v.get("Ref").and_then(Value::as_str)?;
        let allowed = self.t.allowed.get(name)?;
        if !allowed.iter().any(|a| a == value) {
            Some(false)
        } else if allowed.len() == 1 {
            Some(true)
        } else {
            None
        }
    }

    /// Whether parameter `name` may hold its default in the branch that
    /// `assumed` describes: false when some assumed condition, evaluated
    /// with that default, comes out the other way (`!If [HasName, !Ref
    /// Name, ...]` with `Name` defaulting to "").
    fn default_possible(&self, name: &str, assumed: &Assumed) -> bool {
        if assumed.0.is_empty() || self.trial.borrow().is_some() {
            return true;
        }
        *self.trial.borrow_mut() = Some(name.to_string());
        let contradicted = assumed.0.iter().any(|(cond, want)| {
            self.t
                .conditions
                .get(cond.as_str())
                .and_then(|expr| self.truth(expr, &Assumed::default(), 0))
                == Some(!want)
        });
        *self.trial.borrow_mut() = None;
        !contradicted
    }

    /// A value known for certain (literals, fixed parameters, mappings), as
    /// text for comparisons. Parameter defaults are not certain: the
    /// deployment may override them (except the one under trial).
    fn certain(&self, v: &Value, assumed: &Assumed, depth: usize) -> Option<String> {
        if let Some(name) = v.get("Ref").and_then(Value::as_str)
            && !self.t.fixed.contains(&name)
            && self.trial.borrow().as_deref() != Some(name)
        {
            return None;
        }
        let resolved = self.resolve_in(v, assumed, depth + 1);
        match resolved.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn resolve(&self, v: &Value) -> Value {
        self.resolve_in(v, &Assumed::default(), 0)
    }

    fn resolve_in(&self, v: &Value, assumed: &Assumed, depth: usize) -> Value {
        if depth > MAX_RESOLVE_DEPTH {
            return Value::unknown(v.span, "nested too deeply to evaluate");
        }
        match &v.kind {
            Kind::Map(entries) if entries.len() == 1 && is_intrinsic(&entries[0].key) => {
                self.intrinsic(&entries[0].key, &entries[0].value, v.span, assumed, depth)
            }
            Kind::Map(entries) => Value::map(
                v.span,
                entries
                    .iter()
                    .map(|e| {
                        let mut value = self.resolve_in(&e.value, assumed, depth + 1);
                        // Policy documents may be written as JSON text.
                        if matches!(
                            e.key.as_str(),
                            "PolicyDocument" | "ResourcePolicy" | "Policy" | "Content"
                        ) {
                            value = decode_json_string(value);
                        }
                        Entry {
                            key: e.key.clone(),
                            key_span: e.key_span,
                            value,
                        }
                    })
                    .collect(),
            ),
            Kind::Seq(items) => Value::new(
                v.span,
                Kind::Seq(
                    items
                        .iter()
                        .map(|i| self.resolve_in(i, assumed, depth + 1))
                        .filter(|i| !matches!(i.kind, Kind::NoValue))
                        .collect(),
                ),
            ),
            _ => v.clone(),
        }
    }

    fn intrinsic(
        &self,
        name: &str,
        arg: &Value,
        span: Span,
        assumed: &Assumed,
        depth: usize,
    ) -> Value {
        let args: Vec<&Value> = match &arg.kind {
            Kind::Seq(items) => items.iter().collect(),
            _ => Vec::new(),
        };
        match name {
            "Ref" => match arg.as_str() {
                Some(target) => self.reference(target, span, assumed),
                None => Value::unknown(span, "Ref to a computed name"),
            },
            "Fn::GetAtt" => {
                let (target, attr) = match arg.as_str() {
                    Some(s) => match s.split_once('.') {
                        Some((t, a)) => (Some(t.to_string()), Some(a.to_string())),
                        None => (Some(s.to_string()), None),
                    },
                    None => (
                        args.first().and_then(|v| v.as_str()).map(str::to_string),
                        args.get(1).and_then(|v| v.as_str()).map(str::to_string),
                    ),
                };
                match target {
                    Some(target) => Value::new(span, Kind::Ref(Ref { target, attr })),
                    None => Value::unknown(span, "Fn::GetAtt of a computed name"),
                }
            }
            "Fn::If" => {
                let (Some(cond), Some(yes), Some(no)) = (
                    args.first().and_then(|c| c.as_str()),
                    args.get(1),
                    args.get(2),
                ) else {
                    return Value::unknown(span, "malformed Fn::If");
                };
                match self.condition_at(cond, assumed, depth + 1) {
                    Some(true) => self.resolve_in(yes, assumed, depth + 1),
                    Some(false) => self.resolve_in(no, assumed, depth + 1),
                    None => {
                        let mut branches = self.branches.borrow_mut();
                        for (branch, truth) in [(yes, true), (no, false)] {
                            let when = format!("condition `{cond}` is {truth}");
                            if !branches
                                .iter()
                                .any(|(s, w)| *s == branch.span && *w == when)
                            {
                                branches.push((branch.span, when));
                            }
                        }
                        drop(branches);
                        Value::new(
                            span,
                            Kind::OneOf(vec![
                                self.resolve_in(yes, &assumed.with(cond, true), depth + 1),
                                self.resolve_in(no, &assumed.with(cond, false), depth + 1),
                            ]),
                        )
                    }
                }
            }
            "Fn::Sub" => self.sub(arg, span, assumed, depth),
            "Fn::Join" => self.join(&args, span, assumed, depth),
            "Fn::Select" => {
                let (Some(index), Some(list)) = (args.first(), args.get(1)) else {
                    return Value::unknown(span, "malformed Fn::Select");
                };
                let index = self.resolve_in(index, assumed, depth + 1);
                let list = self.resolve_in(list, assumed, depth + 1);
                match (
                    index.as_str().and_then(|i| i.parse::<usize>().ok()),
                    &list.kind,
                ) {
                    (Some(i), Kind::Seq(items)) if i < items.len() => Value {
                        span,
                        ..items[i].clone()
                    },
                    _ => Value::unknown(span, "Fn::Select of a computed list or index"),
                }
            }
            "Fn::Split" => {
                let (Some(delim), Some(text)) =
                    (args.first().and_then(|d| d.as_str()), args.get(1))
                else {
                    return Value::unknown(span, "malformed Fn::Split");
                };
                match self.resolve_in(text, assumed, depth + 1).kind {
                    Kind::Str(s) if !delim.is_empty() => Value::new(
                        span,
                        Kind::Seq(s.split(delim).map(|p| Value::str(span, p)).collect()),
                    ),
                    _ => Value::unknown(span, "Fn::Split of a computed string"),
                }
            }
            "Fn::FindInMap" => {
                let keys: Vec<Option<String>> = args
                    .iter()
                    .map(|k| {
                        self.resolve_in(k, assumed, depth + 1)
                            .as_str()
                            .map(str::to_string)
                    })
                    .collect();
                let found = match (self.t.mappings, keys.as_slice()) {
                    (Some(m), [Some(map), Some(top), Some(second), ..]) => {
                        m.path(&[map, top, second])
                    }
                    _ => None,
                };
                match found {
                    Some(v) => Value {
                        span,
                        ..self.resolve_in(v, assumed, depth + 1)
                    },
                    None => Value::unknown(span, "Fn::FindInMap with keys not known"),
                }
            }
            _ => Value::unknown(span, format!("{name} is not evaluated")),
        }
    }

    fn reference(&self, target: &str, span: Span, assumed: &Assumed) -> Value {
        if target == "AWS::NoValue" {
            return Value::new(span, Kind::NoValue);
        }
        if let Some(value) = self.t.params.get(target) {
            if !self.t.fixed.contains(&target) && !self.default_possible(target, assumed) {
                return Value::unknown(
                    span,
                    format!("parameter {target} is not its default in this branch"),
                );
            }
            // The parameter's value, at the place that uses it.
            return Value {
                span,
                ..value.clone()
            };
        }
        if PSEUDO.contains(&target) {
            return Value::unknown(span, format!("{target} is known only at deploy time"));
        }
        if self.t.logical_ids.contains(target) {
            return Value::new(
                span,
                Kind::Ref(Ref {
                    target: target.to_string(),
                    attr: None,
                }),
            );
        }
        Value::unknown(span, format!("parameter {target} has no default"))
    }

    fn sub(&self, arg: &Value, span: Span, assumed: &Assumed, depth: usize) -> Value {
        let (template, vars) = match &arg.kind {
            Kind::Str(s) => (s.as_str(), None),
            Kind::Seq(items) if !items.is_empty() => match items[0].as_str() {
                Some(s) => (s, items.get(1)),
                None => return Value::unknown(span, "Fn::Sub of a computed template"),
            },
            _ => return Value::unknown(span, "malformed Fn::Sub"),
        };
        let mut out = String::new();
        let mut partial = false;
        let mut rest = template;
        while let Some(at) = rest.find("${") {
            out.push_str(&rest[..at]);
            let after = &rest[at + 2..];
            let Some(close) = after.find('}') else {
                out.push_str(&rest[at..]);
                rest = "";
                break;
            };
            let name = &after[..close];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else {
                let value = match vars.and_then(|m| m.get(name)) {
                    Some(v) => self.resolve_in(v, assumed, depth + 1),
                    None if name.contains('.') => Value::unknown(span, "attribute"),
                    None => self.reference(name, span, assumed),
                };
                match value.kind {
                    Kind::Str(t) => out.push_str(&t),
                    _ => {
                        partial = true;
                        out.push_str(&format!("${{{name}}}"));
                    }
                }
            }
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        Value::text(span, out, partial)
    }

    fn join(&self, args: &[&Value], span: Span, assumed: &Assumed, depth: usize) -> Value {
        let (Some(delim), Some(list)) = (args.first().and_then(|d| d.as_str()), args.get(1)) else {
            return Value::unknown(span, "malformed Fn::Join");
        };
        let list = self.resolve_in(list, assumed, depth + 1);
        let Kind::Seq(parts) = &list.kind else {
            return Value::unknown(span, "Fn::Join of a computed list");
        };
        let mut partial = false;
        let texts: Vec<String> = parts
            .iter()
            .map(|p| match &p.kind {
                Kind::Str(s) => s.clone(),
                Kind::Partial(s) => {
                    partial = true;
                    s.clone()
                }
                _ => {
                    partial = true;
                    "${?}".to_string()
                }
            })
            .collect();
        Value::text(span, texts.join(delim), partial)
    }
}

fn is_intrinsic(key: &str) -> bool {
    key == "Ref" || key.starts_with("Fn::")
}
