//! YAML (CloudFormation) through saphyr-parser's event stream.
//!
//! Building the tree from events, rather than with saphyr's own loader, lets
//! us turn short-form intrinsic tags into their long forms, bound alias
//! expansion and nesting, and report duplicate keys. saphyr counts
//! characters; offsets become bytes here, once.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

use super::{ParseError, max_alias_nodes, max_depth};
use crate::source::{FileId, Span};
use crate::tree::{Entry, Kind, Value};

pub struct YamlDocs {
    pub docs: Vec<Value>,
    /// Problems that do not stop loading (duplicate keys).
    pub warnings: Vec<ParseError>,
}

/// Maps saphyr's character indices in the text it read to byte offsets in
/// the file: through a table when the text is not ASCII, and back across
/// the spaces a lenient reading inserted (see [`parse`]).
struct Offsets<'a> {
    text: &'a str,
    table: Option<Vec<u32>>,
    /// Where each inserted space stands in the text read, in order.
    inserted: Vec<usize>,
}

impl<'a> Offsets<'a> {
    fn new(text: &'a str, insertions: &[usize]) -> Self {
        let table = (!text.is_ascii()).then(|| {
            let mut t: Vec<u32> = text.char_indices().map(|(i, _)| i as u32).collect();
            t.push(text.len() as u32);
            t
        });
        let inserted = insertions.iter().enumerate().map(|(i, p)| p + i).collect();
        Offsets {
            text,
            table,
            inserted,
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        let read = match &self.table {
            None => char_index.min(self.text.len()),
            Some(t) => t.get(char_index).copied().unwrap_or(self.text.len() as u32) as usize,
        };
        read - self.inserted.partition_point(|&m| m < read)
    }
}

/// Most spaces a lenient reading inserts before it gives up.
const MAX_INSERTED: usize = 256;

/// Text with one space inserted before each of `insertions` (sorted byte
/// offsets of the file, repeats allowed).
fn with_spaces(text: &str, insertions: &[usize]) -> String {
    let mut out = String::with_capacity(text.len() + insertions.len());
    let mut from = 0;
    for &at in insertions {
        out.push_str(&text[from..at]);
        out.push(' ');
        from = at;
    }
    out.push_str(&text[from..]);
    out
}

/// Where to indent so that a line CloudFormation and PyYAML accept reads
/// here too: a flow collection's closing bracket, a flow entry or a quoted
/// scalar's continuation that stands at the indentation of its key. saphyr
/// follows the YAML specification, which wants those lines indented more.
/// Other errors are real.
fn lenient_insertions(text: &str, error: &ParseError, info: &str) -> Vec<usize> {
    let at = (error.span.start as usize).min(text.len());
    let line_start = |i: usize| text[..i].rfind('\n').map_or(0, |n| n + 1);
    match info {
        "invalid indentation" | "invalid indentation in flow construct" => {
            // Only inside a flow collection: a block line out of place is an error.
            let open = text[..at]
                .bytes()
                .filter(|b| matches!(b, b'[' | b'{'))
                .count();
            let close = text[..at]
                .bytes()
                .filter(|b| matches!(b, b']' | b'}'))
                .count();
            if open > close {
                vec![line_start(at)]
            } else {
                Vec::new()
            }
        }
        "invalid indentation in quoted scalar" => {
            // The error points at the opening quote: indent every line the
            // scalar continues on (folding drops leading blanks).
            let bytes = text.as_bytes();
            let quote = bytes.get(at).copied().unwrap_or(b'"');
            let mut out = Vec::new();
            let mut i = at + 1;
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' if quote == b'"' => i += 1,
                    b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 1,
                    b if b == quote => break,
                    b'\n' => out.push(i + 1),
                    _ => {}
                }
                i += 1;
            }
            out
        }
        _ => Vec::new(),
    }
}

pub fn parse(text: &str, file: FileId) -> Result<YamlDocs, ParseError> {
    let mut info = String::new();
    let first = match parse_read(text, text, &[], file, &mut info) {
        Ok(docs) => return Ok(docs),
        Err(e) => e,
    };
    let mut insertions = lenient_insertions(text, &first, &info);
    while !insertions.is_empty() && insertions.len() <= MAX_INSERTED {
        insertions.sort_unstable();
        let read = with_spaces(text, &insertions);
        info.clear();
        match parse_read(text, &read, &insertions, file, &mut info) {
            Ok(docs) => return Ok(docs),
            Err(e) => {
                let more = lenient_insertions(text, &e, &info);
                if more.is_empty() {
                    break;
                }
                insertions.extend(more);
            }
        }
    }
    Err(first)
}

enum Frame {
    Seq {
        start: usize,
        anchor: usize,
        tag: Option<Tag>,
        items: Vec<Value>,
    },
    Map {
        start: usize,
        anchor: usize,
        tag: Option<Tag>,
        entries: Vec<Entry>,
        key: Option<(String, Span)>,
        keys: super::KeySet,
    },
}

/// Reads `read` (the file's `text`, with spaces inserted before
/// `insertions`); spans are offsets into `text`. A scanner error leaves
/// saphyr's own message in `scan_error`.
fn parse_read(
    text: &str,
    read: &str,
    insertions: &[usize],
    file: FileId,
    scan_error: &mut String,
) -> Result<YamlDocs, ParseError> {
    let offsets = Offsets::new(read, insertions);
    let span_of = |s: &saphyr_parser::Span| {
        Span::new(
            file,
            offsets.byte(s.start.index()),
            offsets.byte(s.end.index()),
        )
    };
    let mut docs = Vec::new();
    let mut warnings = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Value> = HashMap::new();
    let mut expanded = 0usize;
    let mut last_end = 0usize;

    for event in Parser::new_from_str(read) {
        let (event, span) = event.map_err(|e| {
            let at = offsets.byte(e.marker().index());
            *scan_error = e.info().to_string();
            ParseError::new(
                Span::new(file, at, at),
                format!("invalid YAML: {}", e.info()),
            )
        })?;
        let here = span_of(&span);
        let done: Option<(Value, usize)> = match event {
            Event::Scalar(value, style, anchor, tag) => {
                let here = trim_quoted(text, here, style);
                last_end = last_end.max(here.end as usize);
                check_tag(tag.as_deref(), here, &mut warnings);
                Some((scalar(here, &value, style, tag.as_deref()), anchor))
            }
            Event::Alias(id) => {
                let v = anchors.get(&id).cloned().ok_or_else(|| {
                    ParseError::new(here, "YAML alias refers to an unknown anchor")
                })?;
                expanded += v.size();
                if expanded > max_alias_nodes() {
                    return Err(ParseError::new(
                        here,
                        format!(
                            "YAML aliases expand to more than {} nodes",
                            max_alias_nodes()
                        ),
                    ));
                }
                let v = Value { span: here, ..v };
                Some((v, 0))
            }
            Event::SequenceStart(anchor, tag) => {
                push(
                    &mut stack,
                    here,
                    Frame::Seq {
                        start: here.start as usize,
                        anchor,
                        tag: tag.map(|t| t.into_owned()),
                        items: Vec::new(),
                    },
                )?;
                None
            }
            Event::MappingStart(anchor, tag) => {
                push(
                    &mut stack,
                    here,
                    Frame::Map {
                        start: here.start as usize,
                        anchor,
                        tag: tag.map(|t| t.into_owned()),
                        entries: Vec::new(),
                        key: None,
                        keys: super::KeySet::default(),
                    },
                )?;
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let frame = stack.pop().expect("balanced events");
                // Flow collections end at their bracket; block ones at their
                // last child (saphyr places the end event at the next token).
                let closes = matches!(text.as_bytes().get(here.start as usize), Some(b'}' | b']'));
                let end = if closes { here.end as usize } else { last_end };
                let (value, anchor, tag) = match frame {
                    Frame::Seq {
                        start,
                        anchor,
                        tag,
                        items,
                    } => {
                        let end = if items.is_empty() {
                            here.end as usize
                        } else {
                            end
                        };
                        (
                            Value::new(Span::new(file, start, end), Kind::Seq(items)),
                            anchor,
                            tag,
                        )
                    }
                    Frame::Map {
                        start,
                        anchor,
                        tag,
                        entries,
                        ..
                    } => {
                        let entries = merge_keys(entries);
                        let end = if entries.is_empty() {
                            here.end as usize
                        } else {
                            end
                        };
                        (
                            Value::map(Span::new(file, start, end), entries),
                            anchor,
                            tag,
                        )
                    }
                };
                last_end = last_end.max(value.span.end as usize);
                check_tag(tag.as_ref(), value.span, &mut warnings);
                Some((apply_tag(value, tag.as_ref()), anchor))
            }
            Event::DocumentStart(_) => {
                anchors.clear();
                None
            }
            Event::DocumentEnd | Event::StreamStart | Event::StreamEnd | Event::Nothing => None,
        };
        let Some((value, anchor)) = done else {
            continue;
        };
        if anchor != 0 {
            anchors.insert(anchor, value.clone());
        }
        match stack.last_mut() {
            None => docs.push(value),
            Some(Frame::Seq { items, .. }) => items.push(value),
            Some(Frame::Map {
                entries, key, keys, ..
            }) => {
                match key.take() {
                    None => {
                        let Kind::Str(k) = value.kind else {
                            return Err(ParseError::new(
                                value.span,
                                "mapping keys must be plain scalars in a template",
                            ));
                        };
                        *key = Some((k, value.span));
                    }
                    Some((k, key_span)) => {
                        if keys.repeated(entries, &k) {
                            warnings.push(ParseError::new(
                            key_span,
                            format!("duplicate mapping key `{k}`; CloudFormation rejects the template"),
                        ));
                        }
                        entries.push(Entry {
                            key: k,
                            key_span,
                            value,
                        });
                    }
                }
            }
        }
    }
    Ok(YamlDocs { docs, warnings })
}

/// Applies YAML merge keys (`<<: *base`, `<<: [*a, *b]`), as
/// CloudFormation's YAML reader does: the merged mappings' entries join the
/// mapping where the `<<` stood, unless the mapping sets the key itself;
/// of several merged mappings, the first that has a key wins.
fn merge_keys(entries: Vec<Entry>) -> Vec<Entry> {
    if !entries.iter().any(|e| e.key == "<<") {
        return entries;
    }
    let own: Vec<String> = entries
        .iter()
        .filter(|e| e.key != "<<")
        .map(|e| e.key.clone())
        .collect();
    let mut out: Vec<Entry> = Vec::with_capacity(entries.len());
    let mut merged: Vec<String> = Vec::new();
    for e in entries {
        if e.key != "<<" {
            out.push(e);
            continue;
        }
        let sources: Vec<Value> = match e.value.kind {
            Kind::Map(_) => vec![e.value],
            Kind::Seq(items) => items,
            // Not a mapping: kept as written, for the rules to see.
            kind => {
                out.push(Entry {
                    value: Value::new(e.value.span, kind),
                    ..e
                });
                continue;
            }
        };
        for source in sources {
            for m in source.entries() {
                if !own.contains(&m.key) && !merged.contains(&m.key) {
                    merged.push(m.key.clone());
                    out.push(m.clone());
                }
            }
        }
    }
    out
}

/// saphyr ends a quoted scalar's span after trailing blanks and comments;
/// end it at the closing quote instead.
fn trim_quoted(text: &str, span: Span, style: ScalarStyle) -> Span {
    let quote = match style {
        ScalarStyle::DoubleQuoted => b'"',
        ScalarStyle::SingleQuoted => b'\'',
        _ => return span,
    };
    let bytes = &text.as_bytes()[span.start as usize..(span.end as usize).min(text.len())];
    let Some(open) = bytes.iter().position(|&b| b == quote) else {
        return span;
    };
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => {
                return Span {
                    end: span.start + i as u32 + 1,
                    ..span
                };
            }
            _ => i += 1,
        }
    }
    span
}

fn push(stack: &mut Vec<Frame>, at: Span, frame: Frame) -> Result<(), ParseError> {
    if stack.len() >= max_depth() {
        return Err(ParseError::new(
            at,
            format!("nesting deeper than {} levels", max_depth()),
        ));
    }
    stack.push(frame);
    Ok(())
}

fn scalar(span: Span, text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    let plain = matches!(style, ScalarStyle::Plain);
    let kind = if plain && matches!(text, "" | "~" | "null" | "Null" | "NULL") && tag.is_none() {
        Kind::Null
    } else {
        Kind::Str(text.to_string())
    };
    apply_tag(Value::new(span, kind), tag)
}

/// The short-form tags CloudFormation accepts, without their `!`.
/// The last six are the functions of a template's `Rules` section.
const TAGS: [&str; 26] = [
    "Ref",
    "Condition",
    "Sub",
    "GetAtt",
    "If",
    "Join",
    "Select",
    "Split",
    "FindInMap",
    "Equals",
    "Not",
    "And",
    "Or",
    "Base64",
    "ImportValue",
    "GetAZs",
    "Cidr",
    "Transform",
    "ToJsonString",
    "Length",
    "Contains",
    "EachMemberEquals",
    "EachMemberIn",
    "RefAll",
    "ValueOf",
    "ValueOfAll",
];

/// A `!Tag` CloudFormation does not know makes the template invalid; the
/// value is still read as it stands, so the rest can be checked.
fn check_tag(tag: Option<&Tag>, span: Span, warnings: &mut Vec<ParseError>) {
    if let Some(tag) = tag
        && tag.handle == "!"
        && !TAGS.contains(&tag.suffix.as_str())
        && !tag.suffix.starts_with("Rain::")
    {
        warnings.push(ParseError::new(
            span,
            format!(
                "unknown tag `!{}`; CloudFormation accepts only its intrinsic function tags",
                tag.suffix
            ),
        ));
    }
}

/// `!Ref x` becomes `{Ref: x}`, `!Sub s` becomes `{Fn::Sub: s}`, and so on.
fn apply_tag(value: Value, tag: Option<&Tag>) -> Value {
    let Some(tag) = tag else { return value };
    if tag.handle != "!" {
        return value; // `!!str` and friends: the value is already right
    }
    let key = match tag.suffix.as_str() {
        s @ ("Ref" | "Condition") => s.to_string(),
        // Directives of the `rain` packager, replaced before deployment.
        s if s.starts_with("Rain::") => {
            return Value::unknown(value.span, format!("`!{s}` is replaced by `rain pkg`"));
        }
        s if TAGS.contains(&s) => format!("Fn::{s}"),
        _ => return value,
    };
    let span = value.span;
    Value::map(
        span,
        vec![Entry {
            key,
            key_span: span,
            value,
        }],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Value {
        parse(text, 0).unwrap().docs.remove(0)
    }

    #[test]
    fn spans_are_bytes_even_after_multibyte_text() {
        let text = "a: é\nb: !Ref X\n";
        let v = one(text);
        let b = v.get("b").unwrap();
        let r = b.get("Ref").unwrap();
        assert_eq!(r.as_str(), Some("X"));
        assert_eq!(&text[r.span.start as usize..r.span.end as usize], "!Ref X");
        let e = &v.entries()[1];
        assert_eq!(
            &text[e.key_span.start as usize..e.key_span.end as usize],
            "b"
        );
    }

    #[test]
    fn short_form_tags_become_long_form() {
        let v = one("x: !GetAtt B.Arn\ny: !If [C, a, b]\nz: !Sub '${A}'\n");
        assert_eq!(
            v.path(&["x", "Fn::GetAtt"]).unwrap().as_str(),
            Some("B.Arn")
        );
        assert!(matches!(
            v.path(&["y", "Fn::If"]).unwrap().kind,
            Kind::Seq(_)
        ));
        assert_eq!(v.path(&["z", "Fn::Sub"]).unwrap().as_str(), Some("${A}"));
    }

    #[test]
    fn multi_document_streams_give_each_document() {
        let d = parse("a: 1\n---\nb: 2\n", 0).unwrap();
        assert_eq!(d.docs.len(), 2);
        assert!(d.docs[1].get("b").is_some());
    }

    #[test]
    fn merge_keys_are_applied() {
        let text = "base: &base\n  AccessControl: PublicRead\n  Tags: []\nother: &other\n  Tags: [x]\n  VersioningConfiguration: {Status: Enabled}\nsite:\n  <<: [*base, *other]\n  Tags: [own]\n";
        let doc = parse(text, 0).unwrap().docs.remove(0);
        let site = doc.get("site").unwrap();
        let keys: Vec<&str> = site.entries().iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["AccessControl", "VersioningConfiguration", "Tags"]);
        assert_eq!(
            site.get("AccessControl").and_then(Value::as_str),
            Some("PublicRead")
        );
        // The mapping's own key wins over merged ones.
        assert_eq!(site.get("Tags").unwrap().items()[0].as_str(), Some("own"));
        // The merged value points where it is written (the anchor).
        let acl = site.entry("AccessControl").unwrap();
        assert_eq!(
            &text[acl.value.span.start as usize..acl.value.span.end as usize],
            "PublicRead"
        );
    }

    #[test]
    fn duplicate_keys_are_reported() {
        let d = parse("a: 1\na: 2\n", 0).unwrap();
        assert_eq!(d.warnings.len(), 1);
        assert_eq!(d.warnings[0].span.start, 5);
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = parse(&text, 0).err().unwrap();
        assert!(err.message.contains("aliases expand"), "{}", err.message);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "[".repeat(10_000);
        assert!(parse(&text, 0).is_err());
    }

    #[test]
    fn quoted_scalars_end_at_their_closing_quote() {
        let text = "a: \"*\" # comment\nb: 'it''s'  \nc: !Sub \"x\\\"y\" # c\n";
        let v = one(text);
        let at = |k: &str| {
            let s = v.get(k).unwrap().span;
            &text[s.start as usize..s.end as usize]
        };
        assert_eq!(at("a"), "\"*\"");
        assert_eq!(at("b"), "'it''s'");
        assert_eq!(at("c"), "!Sub \"x\\\"y\"");
    }

    #[test]
    fn flow_collections_end_at_their_bracket() {
        let text = "a: {b: [1, 2]}\n";
        let v = one(text);
        let a = v.get("a").unwrap();
        assert_eq!(
            &text[a.span.start as usize..a.span.end as usize],
            "{b: [1, 2]}"
        );
    }

    #[test]
    fn block_map_span_covers_its_entries() {
        let text = "R:\n  Type: X\n  Properties:\n    A: b\n";
        let v = one(text);
        let r = v.get("R").unwrap();
        assert_eq!(
            &text[r.span.start as usize..r.span.end as usize],
            "Type: X\n  Properties:\n    A: b"
        );
    }
}

#[cfg(test)]
mod lenient {
    use super::*;

    /// Drops spans, to compare what two texts mean.
    fn plain(v: &Value) -> serde_json::Value {
        match &v.kind {
            Kind::Str(s) => serde_json::Value::String(s.clone()),
            Kind::Seq(items) => items.iter().map(plain).collect(),
            Kind::Map(entries) => entries
                .iter()
                .map(|e| (e.key.clone(), plain(&e.value)))
                .collect::<serde_json::Map<_, _>>()
                .into(),
            _ => serde_json::Value::Null,
        }
    }

    fn read(text: &str) -> Value {
        parse(text, 0).unwrap().docs.remove(0)
    }

    /// Lines CloudFormation and PyYAML accept at the key's indentation read
    /// as their strictly indented twins, and spans still point into the file.
    #[test]
    fn closing_brackets_and_quoted_lines_at_the_key_indentation() {
        let lenient = "P:\n  - Statement:\n    - Effect: Allow\n      Action: [\n        \"s3:GetObject\"\n      ]\n      Env: {\n        A: 1\n      }\n      Note: \"a long\n      line\"\n      Last: [\n      x,\n      y\n      ]\n";
        let strict = "P:\n  - Statement:\n    - Effect: Allow\n      Action: [\n        \"s3:GetObject\"\n       ]\n      Env: {\n        A: 1\n       }\n      Note: \"a long\n       line\"\n      Last: [\n       x,\n       y\n       ]\n";
        let (l, s) = (read(lenient), read(strict));
        assert_eq!(plain(&l), plain(&s));
        let st = &l.get("P").unwrap().items()[0]
            .get("Statement")
            .unwrap()
            .items()[0];
        assert_eq!(st.get("Note").unwrap().as_str(), Some("a long line"));
        // Spans are offsets of the file as written.
        let action = st.get("Action").unwrap();
        assert_eq!(
            &lenient[action.span.start as usize..action.span.end as usize],
            "[\n        \"s3:GetObject\"\n      ]"
        );
        let y = &st.get("Last").unwrap().items()[1];
        assert_eq!(&lenient[y.span.start as usize..y.span.end as usize], "y");
    }

    #[test]
    fn invalid_yaml_keeps_its_error_and_position() {
        for (text, line_start) in [("a:\n    b: 1\n  c: 2\n", 12), ("a: [1, 2\nb: 3\n", 9)] {
            let Err(err) = parse(text, 0) else {
                panic!("{text:?} read");
            };
            assert!(err.message.starts_with("invalid YAML"), "{}", err.message);
            assert!(
                err.span.start as usize >= line_start,
                "{text:?}: {:?}",
                err.span
            );
        }
    }
}
