//! Front-ends: each turns text into the spanned value tree (YAML, JSON) or,
//! for HCL, into hcl-edit's syntax tree that the Terraform model reads.

pub mod hcl;
pub mod json;
pub mod yaml;

use crate::source::Span;

/// Nesting deeper than this is refused: no real template comes close, and
/// the model walks trees recursively.
pub const MAX_DEPTH: usize = 256;

/// A problem in a file's text, at a position.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    pub span: Span,
    pub message: String,
}

impl ParseError {
    pub fn new(span: Span, message: impl Into<String>) -> ParseError {
        ParseError {
            span,
            message: message.into(),
        }
    }
}
