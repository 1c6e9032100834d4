//! The spanned value tree every front-end produces and the model refines.
//!
//! Parsers produce `Null`, `Str`, `Seq` and `Map`. The model stage adds what
//! static evaluation learns: `Partial` strings, `OneOf` branches (`Fn::If`,
//! `a ? b : c`), references to other resources, and `Unknown` values.

use crate::source::Span;

#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub span: Span,
    pub kind: Kind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Null,
    /// Any scalar as written: string, number or boolean.
    Str(String),
    /// A string with unresolved `${...}` parts (kept verbatim).
    Partial(String),
    Seq(Vec<Value>),
    Map(Vec<Entry>),
    /// Each branch is possible; rules check every one.
    OneOf(Vec<Value>),
    /// A reference to another resource of the unit, optionally an attribute.
    Ref(Ref),
    /// Not statically known; the text says why.
    Unknown(String),
    /// CloudFormation's `AWS::NoValue`: the property is absent.
    NoValue,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ref {
    /// CloudFormation logical id, or Terraform address such as `aws_s3_bucket.logs`.
    pub target: String,
    pub attr: Option<String>,
}

impl Value {
    pub fn new(span: Span, kind: Kind) -> Value {
        Value { span, kind }
    }

    pub fn str(span: Span, s: impl Into<String>) -> Value {
        Value::new(span, Kind::Str(s.into()))
    }

    /// A string built from pieces, some of which may be unknown.
    pub fn text(span: Span, s: String, partial: bool) -> Value {
        Value::new(
            span,
            if partial {
                Kind::Partial(s)
            } else {
                Kind::Str(s)
            },
        )
    }

    pub fn unknown(span: Span, why: impl Into<String>) -> Value {
        Value::new(span, Kind::Unknown(why.into()))
    }

    pub fn map(span: Span, entries: Vec<Entry>) -> Value {
        Value::new(span, Kind::Map(entries))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The text of a string, known or partial.
    pub fn as_text(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) | Kind::Partial(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.as_str()?.to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.kind {
            Kind::Map(e) => e,
            _ => &[],
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.kind, Kind::Map(_))
    }

    pub fn is_absent(&self) -> bool {
        matches!(self.kind, Kind::NoValue | Kind::Null)
    }

    /// The value of `key` in a map; the last one wins, as in CloudFormation.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries()
            .iter()
            .rev()
            .find(|e| e.key == key && !matches!(e.value.kind, Kind::NoValue))
    }

    /// Follow a path of map keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Value> {
        keys.iter().try_fold(self, |v, k| v.get(k))
    }

    /// Every possible concrete form of this value: `OneOf` branches are
    /// flattened; `NoValue` branches are dropped.
    pub fn alternatives(&self) -> Vec<&Value> {
        let mut out = Vec::new();
        self.collect_alternatives(&mut out);
        out
    }

    fn collect_alternatives<'a>(&'a self, out: &mut Vec<&'a Value>) {
        match &self.kind {
            Kind::OneOf(vs) => vs.iter().for_each(|v| v.collect_alternatives(out)),
            Kind::NoValue => {}
            _ => out.push(self),
        }
    }

    /// True when some branch of this value is absent.
    pub fn may_be_absent(&self) -> bool {
        match &self.kind {
            Kind::OneOf(vs) => vs.iter().any(Value::may_be_absent),
            Kind::NoValue | Kind::Null => true,
            _ => false,
        }
    }

    /// The items of an IAM-style "string or list" field, every branch of
    /// every item included.
    pub fn items(&self) -> Vec<&Value> {
        let mut out = Vec::new();
        for alt in self.alternatives() {
            match &alt.kind {
                Kind::Seq(items) => {
                    for item in items {
                        out.extend(item.alternatives());
                    }
                }
                _ => out.push(alt),
            }
        }
        out
    }

    /// Number of nodes below and including this one.
    pub fn size(&self) -> usize {
        1 + match &self.kind {
            Kind::Seq(vs) | Kind::OneOf(vs) => vs.iter().map(Value::size).sum(),
            Kind::Map(es) => es.iter().map(|e| e.value.size()).sum(),
            _ => 0,
        }
    }
}
