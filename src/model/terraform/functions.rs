//! Terraform's built-in functions over the value tree, as far as S3
//! modules use them. Each works on known values only: an argument that is
//! unknown where the function needs to look at it makes the result
//! unknown, never a guess. Scalars are `Kind::Str` (numbers and booleans as
//! Terraform prints them). A failure Terraform would report (an index out
//! of range, a missing key) is an unknown value marked [`INVALID`], which
//! `try` and `can` tell from values that are only unknown.

use crate::model::iam::decode_json_string;
use crate::source::Span;
use crate::tree::{Entry, Kind, Value};

/// The reason of an unknown value that is an evaluation error in Terraform.
pub const INVALID: &str = "invalid: ";

pub fn invalid(span: Span, why: impl std::fmt::Display) -> Value {
    Value::unknown(span, format!("{INVALID}{why}"))
}

/// `replace(v, from, to)` where `from` is known: in text, or in every
/// string of a structure. Where `to` is not known, the strings it goes
/// into are partly known (`${?}` in its place). `None` where `v` is not
/// known itself.
fn replace_in(v: &Value, from: &str, to: &Value) -> Option<Value> {
    let put = |s: &str, partial: bool| -> Value {
        if !s.contains(from) {
            return Value::text(v.span, s.to_string(), partial);
        }
        match to.as_str() {
            Some(t) => Value::text(v.span, s.replace(from, t), partial),
            None => Value::text(v.span, s.replace(from, "${?}"), true),
        }
    };
    Some(match &v.kind {
        Kind::Str(s) => put(s, false),
        Kind::Partial(s) => put(s, true),
        Kind::Seq(items) => Value::new(
            v.span,
            Kind::Seq(
                items
                    .iter()
                    .map(|i| replace_in(i, from, to).unwrap_or_else(|| i.clone()))
                    .collect(),
            ),
        ),
        Kind::Map(entries) => Value::new(
            v.span,
            Kind::Map(
                entries
                    .iter()
                    .map(|e| Entry {
                        key: e.key.clone(),
                        key_span: e.key_span,
                        value: replace_in(&e.value, from, to).unwrap_or_else(|| e.value.clone()),
                    })
                    .collect(),
            ),
        ),
        Kind::Null => v.clone(),
        _ => return None,
    })
}

/// Terraform's `title`: the first letter of each word upper case.
fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_word = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if in_word {
                out.push(c);
            } else {
                out.extend(c.to_uppercase());
            }
            in_word = true;
        } else {
            out.push(c);
            in_word = false;
        }
    }
    out
}

/// `v` as JSON text, for a structure interpolated into a string: in
/// Terraform only `jsonencode`'s string can be, and the model keeps
/// `jsonencode`'s argument as structure. True when a part is not known
/// (written `"${?}"`, which later reads as a partly known string).
pub fn json_text(v: &Value) -> (String, bool) {
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    match &v.kind {
        Kind::Str(s) => (quote(s), false),
        Kind::Null | Kind::NoValue => ("null".into(), false),
        Kind::Seq(items) => {
            let mut partial = false;
            let parts: Vec<String> = items
                .iter()
                .map(|i| {
                    let (t, p) = json_text(i);
                    partial |= p;
                    t
                })
                .collect();
            (format!("[{}]", parts.join(",")), partial)
        }
        Kind::Map(entries) => {
            let mut partial = false;
            let parts: Vec<String> = entries
                .iter()
                .map(|e| {
                    let (t, p) = json_text(&e.value);
                    partial |= p;
                    format!("{}:{t}", quote(&e.key))
                })
                .collect();
            (format!("{{{}}}", parts.join(",")), partial)
        }
        Kind::Partial(s) => (quote(s), true),
        _ => ("\"${?}\"".into(), true),
    }
}

pub fn is_invalid(v: &Value) -> bool {
    matches!(&v.kind, Kind::Unknown(why) if why.starts_with(INVALID))
}

/// A value with nothing unknown at its top (its items may still be).
pub fn is_known(v: &Value) -> bool {
    !matches!(
        v.kind,
        Kind::Unknown(_) | Kind::Partial(_) | Kind::Ref(_) | Kind::OneOf(_)
    )
}

/// A value with nothing unknown anywhere in it.
pub fn is_whole(v: &Value) -> bool {
    is_known(v)
        && match &v.kind {
            Kind::Seq(items) => items.iter().all(is_whole),
            Kind::Map(entries) => entries.iter().all(|e| is_whole(&e.value)),
            _ => true,
        }
}

pub fn number(v: &Value) -> Option<f64> {
    v.as_str()?.trim().parse::<f64>().ok()
}

pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

pub fn boolean(v: &Value) -> Option<bool> {
    match v.as_str()? {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

pub fn bool_value(span: Span, b: bool) -> Value {
    Value::str(span, if b { "true" } else { "false" })
}

fn num_value(span: Span, n: f64) -> Value {
    Value::str(span, format_number(n))
}

fn seq(span: Span, items: Vec<Value>) -> Value {
    Value::new(span, Kind::Seq(items))
}

/// Items of a known list, tuple or set.
fn items(v: &Value) -> Option<&[Value]> {
    match &v.kind {
        Kind::Seq(items) => Some(items),
        _ => None,
    }
}

fn entries(v: &Value) -> Option<&[Entry]> {
    match &v.kind {
        Kind::Map(e) => Some(e),
        _ => None,
    }
}

/// Whether two known values are equal (spans aside); `None` when either
/// is not known through and through.
pub fn same(a: &Value, b: &Value) -> Option<bool> {
    if !is_known(a) || !is_known(b) {
        return None;
    }
    match (&a.kind, &b.kind) {
        (Kind::Str(x), Kind::Str(y)) => Some(match (x.parse::<f64>(), y.parse::<f64>()) {
            (Ok(m), Ok(n)) => m == n,
            _ => x == y,
        }),
        (Kind::Null, Kind::Null) | (Kind::NoValue, Kind::NoValue) => Some(true),
        (Kind::Seq(x), Kind::Seq(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            let mut all = true;
            for (p, q) in x.iter().zip(y) {
                match same(p, q)? {
                    true => {}
                    false => all = false,
                }
            }
            Some(all)
        }
        (Kind::Map(x), Kind::Map(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            let mut all = true;
            for e in x {
                let Some(f) = y.iter().find(|f| f.key == e.key) else {
                    return Some(false);
                };
                if !same(&e.value, &f.value)? {
                    all = false;
                }
            }
            Some(all)
        }
        _ => Some(false),
    }
}

fn unknown_arg(span: Span, name: &str) -> Value {
    Value::unknown(span, format!("{name}() of a value not known statically"))
}

/// Calls built-in `name` on evaluated arguments. `None` for a function
/// bucketlint does not evaluate.
pub fn call(name: &str, args: &[Value], span: Span) -> Option<Value> {
    // Functions that look inside every argument need them known at the top.
    let known_args = args.iter().all(is_known);
    let unknown = || unknown_arg(span, name);
    let arg = |i: usize| args.get(i);
    let v = match name {
        "length" => match arg(0).map(|a| &a.kind) {
            Some(Kind::Seq(i)) => num_value(span, i.len() as f64),
            Some(Kind::Map(e)) => num_value(span, e.len() as f64),
            Some(Kind::Str(s)) => num_value(span, s.chars().count() as f64),
            _ => unknown(),
        },
        "keys" => match arg(0).and_then(entries) {
            Some(e) => {
                let mut keys: Vec<&Entry> = e.iter().collect();
                keys.sort_by(|a, b| a.key.cmp(&b.key));
                seq(
                    span,
                    keys.iter()
                        .map(|e| Value::str(e.key_span, &e.key))
                        .collect(),
                )
            }
            None => unknown(),
        },
        "values" => match arg(0).and_then(entries) {
            Some(e) => {
                let mut sorted: Vec<&Entry> = e.iter().collect();
                sorted.sort_by(|a, b| a.key.cmp(&b.key));
                seq(span, sorted.iter().map(|e| e.value.clone()).collect())
            }
            None => unknown(),
        },
        "lookup" => {
            let (Some(map), Some(key)) = (arg(0), arg(1)) else {
                return Some(unknown());
            };
            match (entries(map), key.as_str()) {
                (Some(_), Some(k)) => match map.get(k) {
                    Some(v) => v.clone(),
                    None => match arg(2) {
                        Some(d) => d.clone(),
                        None => invalid(span, format!("no key `{k}`")),
                    },
                },
                _ => unknown(),
            }
        }
        "coalesce" => {
            for a in args {
                if !is_known(a) {
                    return Some(unknown());
                }
                let empty = matches!(&a.kind, Kind::Null) || a.as_str() == Some("");
                if !empty {
                    return Some(a.clone());
                }
            }
            invalid(span, "no non-empty argument")
        }
        "coalescelist" => {
            for a in args {
                match items(a) {
                    Some([]) => continue,
                    Some(_) => return Some(a.clone()),
                    None => return Some(unknown()),
                }
            }
            invalid(span, "no non-empty list")
        }
        "compact" => match arg(0).and_then(items) {
            Some(list) => {
                let mut out = Vec::new();
                for item in list {
                    match &item.kind {
                        Kind::Null => {}
                        Kind::Str(s) if s.is_empty() => {}
                        Kind::Str(_) | Kind::Map(_) | Kind::Seq(_) => out.push(item.clone()),
                        // May or may not be empty: the list's length is unknown.
                        _ => return Some(unknown()),
                    }
                }
                seq(span, out)
            }
            None => unknown(),
        },
        "concat" => {
            let mut out = Vec::new();
            for a in args {
                match items(a) {
                    Some(list) => out.extend(list.iter().cloned()),
                    None => return Some(unknown()),
                }
            }
            seq(span, out)
        }
        "merge" => {
            let mut out: Vec<Entry> = Vec::new();
            for a in args {
                match &a.kind {
                    Kind::Null => {}
                    Kind::Map(e) => {
                        for entry in e {
                            out.retain(|x| x.key != entry.key);
                            out.push(entry.clone());
                        }
                    }
                    _ => return Some(unknown()),
                }
            }
            Value::map(span, out)
        }
        "flatten" => {
            fn flat(v: &Value, out: &mut Vec<Value>) -> bool {
                match &v.kind {
                    Kind::Seq(items) => items.iter().all(|i| flat(i, out)),
                    _ if is_known(v) => {
                        out.push(v.clone());
                        true
                    }
                    _ => false,
                }
            }
            match arg(0) {
                Some(a) if items(a).is_some() => {
                    let mut out = Vec::new();
                    if !flat(a, &mut out) {
                        return Some(unknown());
                    }
                    seq(span, out)
                }
                _ => unknown(),
            }
        }
        "distinct" | "toset" => match arg(0).and_then(items) {
            Some(list) => {
                let mut out: Vec<Value> = Vec::new();
                for item in list {
                    let mut seen = false;
                    for o in &out {
                        match same(o, item) {
                            Some(true) => seen = true,
                            Some(false) => {}
                            None => return Some(unknown()),
                        }
                    }
                    if !seen {
                        out.push(item.clone());
                    }
                }
                if name == "toset" {
                    out.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                }
                seq(span, out)
            }
            None => unknown(),
        },
        "contains" => match (arg(0).and_then(items), arg(1)) {
            (Some(list), Some(x)) => {
                let mut found = Some(false);
                for item in list {
                    match same(item, x) {
                        Some(true) => {
                            found = Some(true);
                            break;
                        }
                        Some(false) => {}
                        None => found = None,
                    }
                }
                match found {
                    Some(b) => bool_value(span, b),
                    None => unknown(),
                }
            }
            _ => unknown(),
        },
        "index" => match (arg(0).and_then(items), arg(1)) {
            (Some(list), Some(x)) => {
                for (i, item) in list.iter().enumerate() {
                    match same(item, x) {
                        Some(true) => return Some(num_value(span, i as f64)),
                        Some(false) => {}
                        None => return Some(unknown()),
                    }
                }
                invalid(span, "item not in the list")
            }
            _ => unknown(),
        },
        "element" => match (arg(0).and_then(items), arg(1).and_then(number)) {
            (Some([]), _) => invalid(span, "element() of an empty list"),
            (Some(list), Some(i)) => list[(i as usize) % list.len()].clone(),
            _ => unknown(),
        },
        "one" => match arg(0).map(|a| &a.kind) {
            Some(Kind::Seq(list)) => match list.as_slice() {
                [] => Value::new(span, Kind::Null),
                [x] => x.clone(),
                _ => invalid(span, "one() of a list of several items"),
            },
            Some(Kind::Null) => Value::new(span, Kind::Null),
            _ => unknown(),
        },
        "tolist" => match arg(0) {
            Some(a) if items(a).is_some() => a.clone(),
            _ => unknown(),
        },
        "tomap" => match arg(0) {
            Some(a) if a.is_map() => a.clone(),
            _ => unknown(),
        },
        "tostring" => match arg(0) {
            Some(a) if a.as_str().is_some() || matches!(a.kind, Kind::Null) => a.clone(),
            Some(a) if !is_known(a) => a.clone(),
            _ => unknown(),
        },
        "tonumber" => match arg(0) {
            Some(a) if number(a).is_some() => num_value(a.span, number(a)?),
            Some(Value {
                kind: Kind::Null, ..
            }) => Value::new(span, Kind::Null),
            Some(a) if known_args && a.as_str().is_some() => invalid(span, "not a number"),
            _ => unknown(),
        },
        "tobool" => match arg(0) {
            Some(a) if boolean(a).is_some() => a.clone(),
            Some(Value {
                kind: Kind::Null, ..
            }) => Value::new(span, Kind::Null),
            // A string or number that is not a boolean fails, as in
            // Terraform: `try()` falls through it.
            Some(a) if known_args && is_whole(a) => invalid(span, "not a boolean"),
            _ => unknown(),
        },
        // The model keeps the structure: policies are read from it, and
        // strings of JSON are decoded where a document is expected.
        "jsonencode" => arg(0).cloned().unwrap_or_else(unknown),
        "jsondecode" => match arg(0) {
            Some(a) if a.as_str().is_some() => decode_json_string(a.clone()),
            Some(a) if a.is_map() || items(a).is_some() => a.clone(),
            _ => unknown(),
        },
        "format" => match args.split_first() {
            Some((f, rest)) if f.as_str().is_some() => format(f.as_str()?, rest)
                .map_or_else(unknown, |(s, partial)| Value::text(span, s, partial)),
            _ => unknown(),
        },
        "formatlist" => {
            let Some((f, rest)) = args.split_first() else {
                return Some(unknown());
            };
            let Some(f) = f.as_str() else {
                return Some(unknown());
            };
            let n = rest.iter().filter_map(items).map(<[Value]>::len).max();
            let Some(n) = n else {
                return Some(unknown());
            };
            let mut out = Vec::new();
            for i in 0..n {
                let row: Vec<Value> = rest
                    .iter()
                    .map(|a| match items(a) {
                        Some(list) => list.get(i).cloned().unwrap_or_else(unknown),
                        None => a.clone(),
                    })
                    .collect();
                match format(f, &row) {
                    Some((s, partial)) => out.push(Value::text(span, s, partial)),
                    None => return Some(unknown()),
                }
            }
            seq(span, out)
        }
        "join" => match (arg(0).and_then(Value::as_str), arg(1).and_then(items)) {
            // One item joined is the item: keeps a reference that links a
            // companion to its bucket (`join("", aws_s3_bucket.this[*].id)`).
            (Some(_), Some([only])) if matches!(only.kind, Kind::Str(_)) || !is_known(only) => {
                only.clone()
            }
            // Unknown items leave the rest known (`${?}` in their place).
            (Some(sep), Some(list)) => {
                let mut parts = Vec::new();
                let mut partial = false;
                for item in list {
                    match piece(item) {
                        Some((s, p)) => {
                            partial |= p;
                            parts.push(s);
                        }
                        None => return Some(unknown()),
                    }
                }
                Value::text(span, parts.join(sep), partial)
            }
            _ => unknown(),
        },
        "split" => match (
            arg(0).and_then(Value::as_str),
            arg(1).and_then(Value::as_str),
        ) {
            (Some(sep), Some(s)) => seq(span, s.split(sep).map(|p| Value::str(span, p)).collect()),
            _ => unknown(),
        },
        "replace" => match (arg(0), arg(1).and_then(Value::as_str), arg(2)) {
            // A `/regex/` pattern is not evaluated.
            (Some(_), Some(from), Some(_)) if from.starts_with('/') && from.ends_with('/') => {
                unknown()
            }
            (Some(_), Some(""), Some(_)) => unknown(),
            // Text, or a document the model keeps as structure (the `json`
            // of a policy document, `jsonencode`): each string of it, so an
            // unknown value put in leaves the rest known.
            (Some(s), Some(from), Some(to)) => match replace_in(s, from, to) {
                Some(v) => Value { span, ..v },
                None => unknown(),
            },
            _ => unknown(),
        },
        "title" => match arg(0).and_then(Value::as_str) {
            Some(s) => Value::str(span, title(s)),
            None => unknown(),
        },
        // Whitespace around a document is not part of it.
        "trimspace" | "chomp" if arg(0).is_some_and(|a| a.is_map()) => arg(0)?.clone(),
        // Partly known text keeps its known parts (`${?}` is unchanged).
        "lower" | "upper" | "trimspace" | "chomp" => match arg(0).map(|a| &a.kind) {
            Some(Kind::Str(s) | Kind::Partial(s)) => Value::text(
                span,
                match name {
                    "lower" => s.to_lowercase(),
                    "upper" => s.to_uppercase(),
                    "trimspace" => s.trim().to_string(),
                    _ => s.trim_end_matches(['\n', '\r']).to_string(),
                },
                matches!(arg(0).map(|a| &a.kind), Some(Kind::Partial(_))),
            ),
            _ => unknown(),
        },
        "trimprefix" | "trimsuffix" | "startswith" | "endswith" => {
            match (
                arg(0).and_then(Value::as_str),
                arg(1).and_then(Value::as_str),
            ) {
                (Some(s), Some(x)) => match name {
                    "trimprefix" => Value::str(span, s.strip_prefix(x).unwrap_or(s)),
                    "trimsuffix" => Value::str(span, s.strip_suffix(x).unwrap_or(s)),
                    "startswith" => bool_value(span, s.starts_with(x)),
                    _ => bool_value(span, s.ends_with(x)),
                },
                _ => unknown(),
            }
        }
        "substr" => match (
            arg(0).and_then(Value::as_str),
            arg(1).and_then(number),
            arg(2).and_then(number),
        ) {
            (Some(s), Some(offset), Some(length)) => {
                let chars: Vec<char> = s.chars().collect();
                let start = (offset.max(0.0) as usize).min(chars.len());
                let end = if length < 0.0 {
                    chars.len()
                } else {
                    (start + length as usize).min(chars.len())
                };
                Value::str(span, chars[start..end].iter().collect::<String>())
            }
            _ => unknown(),
        },
        "range" => {
            let nums: Option<Vec<f64>> = args.iter().map(number).collect();
            let (start, end, step) = match nums.as_deref() {
                Some([end]) => (0.0, *end, 1.0),
                Some([start, end]) => (*start, *end, if start <= end { 1.0 } else { -1.0 }),
                Some([start, end, step]) => (*start, *end, *step),
                _ => return Some(unknown()),
            };
            if step == 0.0 {
                return Some(invalid(span, "range() with a step of 0"));
            }
            let mut out = Vec::new();
            let mut x = start;
            while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
                if out.len() >= 10_000 {
                    return Some(unknown());
                }
                out.push(num_value(span, x));
                x += step;
            }
            seq(span, out)
        }
        // Every combination of one item of each list, bounded like range().
        "setproduct" => {
            let lists: Option<Vec<&[Value]>> = args.iter().map(items).collect();
            let Some(lists) = lists.filter(|l| !l.is_empty()) else {
                return Some(unknown());
            };
            let total = lists.iter().try_fold(1usize, |n, l| n.checked_mul(l.len()));
            if total.is_none_or(|n| n > 10_000) {
                return Some(unknown());
            }
            let mut out: Vec<Vec<Value>> = vec![Vec::new()];
            for list in lists {
                out = out
                    .into_iter()
                    .flat_map(|combo| {
                        list.iter().map(move |x| {
                            let mut c = combo.clone();
                            c.push(x.clone());
                            c
                        })
                    })
                    .collect();
            }
            seq(span, out.into_iter().map(|c| seq(span, c)).collect())
        }
        // Marks Terraform keeps on values, not values.
        "sensitive" | "nonsensitive" => arg(0).cloned().unwrap_or_else(unknown),
        "zipmap" => match (arg(0).and_then(items), arg(1).and_then(items)) {
            (Some(k), Some(v)) if k.len() == v.len() => {
                let mut out = Vec::new();
                for (key, value) in k.iter().zip(v) {
                    let Some(key_text) = key.as_str() else {
                        return Some(unknown());
                    };
                    out.push(Entry {
                        key: key_text.to_string(),
                        key_span: key.span,
                        value: value.clone(),
                    });
                }
                Value::map(span, out)
            }
            _ => unknown(),
        },
        "setunion" | "setintersection" | "setsubtract" => {
            let lists: Option<Vec<&[Value]>> = args.iter().map(items).collect();
            let Some(lists) = lists else {
                return Some(unknown());
            };
            if !lists.iter().all(|l| l.iter().all(is_whole)) {
                return Some(unknown());
            }
            let has = |l: &[Value], x: &Value| l.iter().any(|y| same(x, y) == Some(true));
            let mut out: Vec<Value> = Vec::new();
            match name {
                "setunion" => {
                    for l in &lists {
                        for x in *l {
                            if !has(&out, x) {
                                out.push(x.clone());
                            }
                        }
                    }
                }
                "setintersection" => {
                    if let Some((first, rest)) = lists.split_first() {
                        for x in *first {
                            if rest.iter().all(|l| has(l, x)) && !has(&out, x) {
                                out.push(x.clone());
                            }
                        }
                    }
                }
                _ => {
                    if let [a, b] = lists.as_slice() {
                        for x in *a {
                            if !has(b, x) && !has(&out, x) {
                                out.push(x.clone());
                            }
                        }
                    }
                }
            }
            seq(span, out)
        }
        "alltrue" | "anytrue" => match arg(0).and_then(items) {
            Some(list) => {
                let bools: Option<Vec<bool>> = list.iter().map(boolean).collect();
                match bools {
                    Some(b) if name == "alltrue" => bool_value(span, b.iter().all(|x| *x)),
                    Some(b) => bool_value(span, b.iter().any(|x| *x)),
                    // One known deciding item is enough.
                    None if name == "alltrue" && list.iter().any(|i| boolean(i) == Some(false)) => {
                        bool_value(span, false)
                    }
                    None if name == "anytrue" && list.iter().any(|i| boolean(i) == Some(true)) => {
                        bool_value(span, true)
                    }
                    None => unknown(),
                }
            }
            None => unknown(),
        },
        "sort" => match arg(0).and_then(items) {
            Some(list) => {
                let texts: Option<Vec<&str>> = list.iter().map(Value::as_str).collect();
                match texts {
                    Some(_) => {
                        let mut out = list.to_vec();
                        out.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                        seq(span, out)
                    }
                    None => unknown(),
                }
            }
            None => unknown(),
        },
        "reverse" => match arg(0).and_then(items) {
            Some(list) => seq(span, list.iter().rev().cloned().collect()),
            None => unknown(),
        },
        "slice" => match (
            arg(0).and_then(items),
            arg(1).and_then(number),
            arg(2).and_then(number),
        ) {
            (Some(list), Some(a), Some(b)) if a <= b && (b as usize) <= list.len() => {
                seq(span, list[a as usize..b as usize].to_vec())
            }
            (Some(_), Some(_), Some(_)) => invalid(span, "slice() out of range"),
            _ => unknown(),
        },
        "max" | "min" => {
            let nums: Option<Vec<f64>> = args.iter().map(number).collect();
            match nums {
                Some(n) if !n.is_empty() => {
                    let pick = if name == "max" {
                        n.iter().cloned().fold(f64::MIN, f64::max)
                    } else {
                        n.iter().cloned().fold(f64::MAX, f64::min)
                    };
                    num_value(span, pick)
                }
                _ => unknown(),
            }
        }
        "abs" | "ceil" | "floor" => match arg(0).and_then(number) {
            Some(n) => num_value(
                span,
                match name {
                    "abs" => n.abs(),
                    "ceil" => n.ceil(),
                    _ => n.floor(),
                },
            ),
            None => unknown(),
        },
        _ => return None,
    };
    Some(v)
}

/// `format`'s verbs `%s`, `%d`, `%v`, `%q` and `%%`; `None` for anything
/// else, or an argument not known.
/// A value as text put into a string (`format`'s `%s`, `join`): known
/// text, a document as its JSON (the model keeps `jsonencode`'s string
/// as structure), `${?}` for what is not known. True when partly known;
/// `None` for what Terraform cannot put into a string (null).
fn piece(v: &Value) -> Option<(String, bool)> {
    match &v.kind {
        Kind::Str(s) => Some((s.clone(), false)),
        Kind::Partial(s) => Some((s.clone(), true)),
        Kind::Map(_) | Kind::Seq(_) => Some(json_text(v)),
        Kind::Null | Kind::NoValue => None,
        _ => Some(("${?}".into(), true)),
    }
}

/// Terraform's `format`: the text, and whether part of it is not known
/// (an unknown argument of `%s`, `%v` or `%d` is `${?}` in its place).
fn format(f: &str, args: &[Value]) -> Option<(String, bool)> {
    let mut out = String::new();
    let mut partial = false;
    let mut rest = args.iter();
    let mut chars = f.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '%' => out.push('%'),
            's' | 'v' => {
                let (text, p) = piece(rest.next()?)?;
                partial |= p;
                out.push_str(&text);
            }
            'd' => match rest.next()? {
                a if is_known(a) => out.push_str(&format_number(number(a)?.trunc())),
                _ => {
                    partial = true;
                    out.push_str("${?}");
                }
            },
            'q' => out.push_str(&format!("{:?}", rest.next()?.as_str()?)),
            _ => return None,
        }
    }
    Some((out, partial))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::str(Span::default(), x)
    }
    fn list(xs: &[&str]) -> Value {
        seq(Span::default(), xs.iter().map(|x| s(x)).collect())
    }
    fn run(name: &str, args: &[Value]) -> Value {
        call(name, args, Span::default()).unwrap()
    }
    fn strs(v: &Value) -> Vec<&str> {
        v.items().iter().filter_map(|i| i.as_str()).collect()
    }

    #[test]
    fn string_functions_keep_what_is_known() {
        let unknown = Value::unknown(Span::default(), "var.account has no default");
        let formatted = run(
            "format",
            &[
                s("arn:aws:iam::%s:root/%d"),
                unknown.clone(),
                unknown.clone(),
            ],
        );
        assert!(matches!(&formatted.kind, Kind::Partial(t) if t == "arn:aws:iam::${?}:root/${?}"));
        let joined = run(
            "join",
            &[s(":"), seq(Span::default(), vec![s("a"), unknown.clone()])],
        );
        assert!(matches!(&joined.kind, Kind::Partial(t) if t == "a:${?}"));
        let lowered = run(
            "lower",
            &[Value::text(Span::default(), "ARN:${?}".into(), true)],
        );
        assert!(matches!(&lowered.kind, Kind::Partial(t) if t == "arn:${?}"));
        // A document put into text is its JSON.
        let doc = Value::map(
            Span::default(),
            vec![Entry {
                key: "A".into(),
                key_span: Span::default(),
                value: s("b"),
            }],
        );
        assert_eq!(
            run("format", &[s("%s"), doc]).as_str(),
            Some(r#"{"A":"b"}"#)
        );
        // Null cannot be put into text: not known, never a guess.
        let null = Value::new(Span::default(), Kind::Null);
        assert!(!is_known(&run("format", &[s("%s"), null])));
    }

    #[test]
    fn functions_real_modules_use() {
        assert_eq!(run("title", &[s("suspended")]).as_str(), Some("Suspended"));
        assert_eq!(
            run("title", &[s("hello big-world")]).as_str(),
            Some("Hello Big-World")
        );
        let product = run("setproduct", &[list(&["a", "b"]), list(&["1", "2"])]);
        let pairs: Vec<Vec<&str>> = product.items().iter().map(|p| strs(p)).collect();
        assert_eq!(pairs, [["a", "1"], ["a", "2"], ["b", "1"], ["b", "2"]]);
        assert_eq!(run("nonsensitive", &[s("x")]).as_str(), Some("x"));
        // tobool of text that is not a boolean is an error try() skips.
        assert!(is_invalid(&run("tobool", &[s("suspended")])));
        assert_eq!(run("tobool", &[s("true")]).as_str(), Some("true"));
    }

    #[test]
    fn replace_over_a_document_keeps_what_is_known() {
        let doc = Value::map(
            Span::default(),
            vec![Entry {
                key: "Resource".into(),
                key_span: Span::default(),
                value: list(&["arn:aws:s3:::_ID_/*", "*"]),
            }],
        );
        // A known value put in.
        let known = run("replace", &[doc.clone(), s("_ID_"), s("logs")]);
        assert_eq!(
            strs(known.get("Resource").unwrap()),
            ["arn:aws:s3:::logs/*", "*"]
        );
        // An unknown one: only the strings it goes into are partly known.
        let unknown = run(
            "replace",
            &[doc, s("_ID_"), Value::unknown(Span::default(), "computed")],
        );
        let items = unknown.get("Resource").unwrap().items();
        assert!(matches!(&items[0].kind, Kind::Partial(t) if t == "arn:aws:s3:::${?}/*"));
        assert_eq!(items[1].as_str(), Some("*"));
    }

    #[test]
    fn collections() {
        assert_eq!(run("length", &[list(&["a", "b"])]).as_str(), Some("2"));
        assert_eq!(strs(&run("compact", &[list(&["a", "", "b"])])), ["a", "b"]);
        assert_eq!(
            strs(&run("concat", &[list(&["a"]), list(&["b", "c"])])),
            ["a", "b", "c"]
        );
        assert_eq!(
            strs(&run("distinct", &[list(&["a", "b", "a"])])),
            ["a", "b"]
        );
        assert_eq!(
            run("contains", &[list(&["a"]), s("a")]).as_str(),
            Some("true")
        );
        assert_eq!(
            run("element", &[list(&["a", "b"]), s("3")]).as_str(),
            Some("b")
        );
        assert!(is_invalid(&run("one", &[list(&["a", "b"])])));
        assert_eq!(strs(&run("range", &[s("3")])), ["0", "1", "2"]);
        assert_eq!(
            strs(&run("setsubtract", &[list(&["a", "b"]), list(&["b"])])),
            ["a"]
        );
        let m = run("zipmap", &[list(&["k"]), list(&["v"])]);
        assert_eq!(m.get("k").and_then(Value::as_str), Some("v"));
        assert_eq!(strs(&run("keys", std::slice::from_ref(&m))), ["k"]);
        assert_eq!(run("lookup", &[m, s("x"), s("d")]).as_str(), Some("d"));
    }

    #[test]
    fn strings() {
        assert_eq!(
            run("format", &[s("%s-%d"), s("a"), s("2")]).as_str(),
            Some("a-2")
        );
        assert_eq!(
            run("join", &[s(","), list(&["a", "b"])]).as_str(),
            Some("a,b")
        );
        assert_eq!(strs(&run("split", &[s(","), s("a,b")])), ["a", "b"]);
        assert_eq!(run("trimsuffix", &[s("ab"), s("b")]).as_str(), Some("a"));
        assert_eq!(
            run("substr", &[s("hello"), s("1"), s("3")]).as_str(),
            Some("ell")
        );
        assert_eq!(run("startswith", &[s("ab"), s("a")]).as_str(), Some("true"));
    }

    #[test]
    fn unknown_stays_unknown() {
        let u = Value::unknown(Span::default(), "var.x");
        assert!(!is_known(&run("length", std::slice::from_ref(&u))));
        assert!(!is_known(&run(
            "compact",
            &[seq(Span::default(), vec![u.clone()])]
        )));
        assert!(!is_known(&run(
            "contains",
            &[seq(Span::default(), vec![u.clone()]), s("a")]
        )));
        // A single reference joined stays the reference.
        let r = Value::new(
            Span::default(),
            Kind::Ref(crate::tree::Ref {
                target: "aws_s3_bucket.b".into(),
                attr: Some("id".into()),
            }),
        );
        let joined = run("join", &[s(""), seq(Span::default(), vec![r.clone()])]);
        assert_eq!(joined, r);
        assert!(call("nope", &[], Span::default()).is_none());
    }
}
