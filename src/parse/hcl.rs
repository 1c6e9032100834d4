//! HCL (Terraform) through hcl-edit, which keeps byte spans on every node.
//! The Terraform model reads the syntax tree directly, since expressions
//! (references, `jsonencode(...)`, heredocs) are resolved there.

use hcl_edit::structure::Body;

use super::ParseError;
use crate::source::{FileId, Span};

pub fn parse(text: &str, file: FileId) -> Result<Body, ParseError> {
    if let Some(at) = too_deep(text) {
        return Err(ParseError::new(
            Span::new(file, at, at),
            format!("nesting deeper than {} levels", super::max_depth()),
        ));
    }
    hcl_edit::parser::parse_body(text).map_err(|e| {
        let at = e.location().offset().min(text.len());
        let message = e.message().to_string();
        ParseError::new(Span::new(file, at, at), format!("invalid HCL: {message}"))
    })
}

/// A rough bracket count (strings and comments aside) so the recursive
/// parser never meets input nested deep enough to exhaust the stack.
fn too_deep(text: &str) -> Option<usize> {
    let limit = super::max_depth();
    let (mut depth, mut in_str, mut escaped) = (0usize, false, false);
    for (i, b) in text.bytes().enumerate() {
        if in_str {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' | b'\n' => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' | b'(' => {
                depth += 1;
                if depth > limit {
                    return Some(i);
                }
            }
            b']' | b'}' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}
