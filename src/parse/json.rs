//! JSON (CloudFormation, and JSON policies embedded in other files) through
//! jsonc-parser in strict mode, which reports byte ranges.

use jsonc_parser::ast;
use jsonc_parser::{CollectOptions, ParseOptions};

use super::{ParseError, max_depth};
use crate::source::{FileId, Span};
use crate::tree::{Entry, Kind, Value};

/// Where the parsed text sits in its file.
#[derive(Clone, Copy, Debug)]
pub enum Placement {
    /// The text starts at this byte offset of the file.
    At(FileId, usize),
    /// The text is the decoded content of a string literal: every node gets
    /// the literal's span, since escapes break the offset mapping.
    Inside(Span),
}

impl Placement {
    fn span(&self, start: usize, end: usize) -> Span {
        match *self {
            Placement::At(file, base) => Span::new(file, base + start, base + end),
            Placement::Inside(span) => span,
        }
    }
}

pub struct JsonDoc {
    pub value: Value,
    pub warnings: Vec<ParseError>,
}

pub fn parse(text: &str, place: Placement) -> Result<JsonDoc, ParseError> {
    if let Some(at) = too_deep(text) {
        return Err(ParseError::new(
            place.span(at, at),
            format!("nesting deeper than {} levels", max_depth()),
        ));
    }
    let strict = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let parsed =
        jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &strict).map_err(|e| {
            let r = e.range();
            ParseError::new(
                place.span(r.start, r.end),
                format!("invalid JSON: {}", e.kind()),
            )
        })?;
    let Some(root) = parsed.value else {
        return Err(ParseError::new(place.span(0, 0), "empty JSON document"));
    };
    let mut warnings = Vec::new();
    let value = lower(&root, &place, &mut warnings);
    Ok(JsonDoc { value, warnings })
}

/// The members of a top-level JSON object, each value as its slice of
/// `text`, found without building the document (serde_json validates it):
/// a large file of many items is then parsed an item at a time. `None`
/// when the text is not an object.
pub fn top_level(text: &str) -> Result<Option<TopLevel<'_>>, String> {
    if !text.trim_start().starts_with('{') {
        return Ok(None);
    }
    serde_json::from_str(text)
        .map(|members| Some(TopLevel { text, members }))
        .map_err(|e| e.to_string())
}

type Members<'a> =
    std::collections::HashMap<std::borrow::Cow<'a, str>, &'a serde_json::value::RawValue>;

pub struct TopLevel<'a> {
    text: &'a str,
    members: Members<'a>,
}

impl<'a> TopLevel<'a> {
    /// The text of the member `key`.
    pub fn get(&self, key: &str) -> Option<&'a str> {
        self.members.get(key).map(|raw| raw.get())
    }

    /// The member `key` when it is an object, as its offset in the text
    /// and its slice of it.
    pub fn object(&self, key: &str) -> Option<(usize, &'a str)> {
        let raw = self.get(key)?;
        raw.starts_with('{')
            .then(|| (raw.as_ptr() as usize - self.text.as_ptr() as usize, raw))
    }

    /// The items of the arrays under `keys`, each as its offset in the
    /// text and its slice of it, in the order of the text; `None` when
    /// none of the keys holds an array.
    pub fn arrays(&self, keys: &[&str]) -> Option<Vec<(usize, &'a str)>> {
        use serde_json::value::RawValue;
        let mut out = Vec::new();
        let mut found = false;
        for key in keys {
            let Some(raw) = self.members.get(*key) else {
                continue;
            };
            let Ok(items) = serde_json::from_str::<Vec<&'a RawValue>>(raw.get()) else {
                continue; // not an array
            };
            found = true;
            for item in items {
                // The slice borrows from the text: its offset is where it starts.
                let at = item.get().as_ptr() as usize - self.text.as_ptr() as usize;
                out.push((at, item.get()));
            }
        }
        out.sort_by_key(|(at, _)| *at);
        found.then_some(out)
    }
}

/// The offset where nesting first exceeds the limit, ignoring strings.
fn too_deep(text: &str) -> Option<usize> {
    let limit = max_depth();
    let (mut depth, mut in_str, mut escaped) = (0usize, false, false);
    for (i, b) in text.bytes().enumerate() {
        if in_str {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn lower(v: &ast::Value, place: &Placement, warnings: &mut Vec<ParseError>) -> Value {
    let span = |r: &jsonc_parser::common::Range| place.span(r.start, r.end);
    match v {
        ast::Value::StringLit(s) => Value::str(span(&s.range), s.value.to_string()),
        ast::Value::NumberLit(n) => Value::str(span(&n.range), n.value),
        ast::Value::BooleanLit(b) => Value::str(span(&b.range), b.value.to_string()),
        ast::Value::NullKeyword(n) => Value::new(span(&n.range), Kind::Null),
        ast::Value::Array(a) => Value::new(
            span(&a.range),
            Kind::Seq(
                a.elements
                    .iter()
                    .map(|e| lower(e, place, warnings))
                    .collect(),
            ),
        ),
        ast::Value::Object(o) => {
            let mut entries: Vec<Entry> = Vec::with_capacity(o.properties.len());
            let mut keys = super::KeySet::default();
            for p in &o.properties {
                let (key, key_range) = match &p.name {
                    ast::ObjectPropName::String(s) => (s.value.to_string(), s.range),
                    ast::ObjectPropName::Word(w) => (w.value.to_string(), w.range),
                };
                let key_span = span(&key_range);
                if keys.repeated(&entries, &key) {
                    warnings.push(ParseError::new(
                        key_span,
                        format!("duplicate key `{key}`; CloudFormation rejects the template"),
                    ));
                }
                entries.push(Entry {
                    key,
                    key_span,
                    value: lower(&p.value, place, warnings),
                });
            }
            Value::map(span(&o.range), entries)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_byte_ranges_with_the_base_offset() {
        let text = r#"{"a": {"b": "*"}}"#;
        let v = parse(text, Placement::At(0, 10)).unwrap().value;
        let b = v.path(&["a", "b"]).unwrap();
        assert_eq!(b.as_str(), Some("*"));
        assert_eq!((b.span.start, b.span.end), (22, 25));
    }

    #[test]
    fn strict_mode_rejects_comments_and_trailing_commas() {
        assert!(parse("{\"a\": 1,}", Placement::At(0, 0)).is_err());
        assert!(parse("{// x\n}", Placement::At(0, 0)).is_err());
    }

    #[test]
    fn deep_nesting_is_refused_without_recursing() {
        let text = "[".repeat(100_000);
        let e = parse(&text, Placement::At(0, 0)).err().unwrap();
        assert!(e.message.contains("nesting"));
    }

    fn top_level_arrays<'a>(
        text: &'a str,
        keys: &[&str],
    ) -> Result<Option<Vec<(usize, &'a str)>>, String> {
        Ok(top_level(text)?.and_then(|top| top.arrays(keys)))
    }

    #[test]
    fn top_level_arrays_are_slices_of_the_text() {
        let text = r#"{"x": 1, "items": [{"a": 1}, "s"], "other": [2]}"#;
        let items = top_level_arrays(text, &["items"]).unwrap().unwrap();
        assert_eq!(items, vec![(19, r#"{"a": 1}"#), (29, r#""s""#)]);
        assert_eq!(top_level_arrays(text, &["none"]).unwrap(), None);
        assert_eq!(top_level_arrays("[1]", &["items"]).unwrap(), None);
        assert!(top_level_arrays(r#"{"items": [1"#, &["items"]).is_err());
    }

    #[test]
    fn duplicate_keys_are_reported() {
        let d = parse(
            r#"{"Effect": "Deny", "Effect": "Allow"}"#,
            Placement::At(0, 0),
        )
        .unwrap();
        assert_eq!(d.warnings.len(), 1);
        assert_eq!(d.value.get("Effect").unwrap().as_str(), Some("Allow"));
    }
}
