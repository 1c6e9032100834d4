//! Front-ends: each turns text into the spanned value tree (YAML, JSON) or,
//! for HCL, into hcl-edit's syntax tree that the Terraform model reads.

pub mod hcl;
pub mod json;
pub mod yaml;

use crate::source::Span;

use std::sync::atomic::{AtomicUsize, Ordering};

/// Nesting deeper than this is refused by default: no real template comes
/// close, and the parsers and the model walk trees recursively.
pub const DEFAULT_MAX_DEPTH: usize = 256;

/// The most `--max-depth` accepts. Each level costs stack in the recursive
/// parsers; `stack_size` gives the worker threads room for this many.
pub const DEPTH_CEILING: usize = 10_000;

/// YAML aliases may expand to at most this many nodes by default (the
/// "billion laughs" guard).
pub const DEFAULT_MAX_ALIAS_NODES: usize = 1_000_000;

static MAX_DEPTH: AtomicUsize = AtomicUsize::new(DEFAULT_MAX_DEPTH);
static MAX_ALIAS_NODES: AtomicUsize = AtomicUsize::new(DEFAULT_MAX_ALIAS_NODES);

/// The nesting limit for this process (`--max-depth`).
pub fn max_depth() -> usize {
    MAX_DEPTH.load(Ordering::Relaxed)
}

/// The alias expansion limit for this process (`--max-alias-nodes`).
pub fn max_alias_nodes() -> usize {
    MAX_ALIAS_NODES.load(Ordering::Relaxed)
}

/// Sets the limits for the whole process; `depth` is capped at
/// [`DEPTH_CEILING`].
pub fn set_limits(depth: usize, alias_nodes: usize) {
    MAX_DEPTH.store(depth.min(DEPTH_CEILING), Ordering::Relaxed);
    MAX_ALIAS_NODES.store(alias_nodes, Ordering::Relaxed);
}

/// Stack for a thread that parses and checks files nested `depth` deep.
/// Measured: hcl-edit, the deepest recursion, needs under 4 KiB a level in
/// release builds and under 40 KiB in debug builds; the space is reserved,
/// not touched, until a file nests that deep.
pub fn stack_size(depth: usize) -> usize {
    8 * 1024 * 1024 + depth * 64 * 1024
}

/// Finds repeated mapping keys in linear time: a scan while a mapping is
/// small, a hash set once it grows (a `Resources` section can hold
/// thousands of entries).
#[derive(Default)]
pub(crate) struct KeySet {
    seen: Option<std::collections::HashSet<String>>,
}

impl KeySet {
    /// Whether `key` is among `entries`; call it before pushing the key.
    pub(crate) fn repeated(&mut self, entries: &[crate::tree::Entry], key: &str) -> bool {
        const SMALL: usize = 16;
        if entries.len() < SMALL && self.seen.is_none() {
            return entries.iter().any(|e| e.key == key);
        }
        let seen = self
            .seen
            .get_or_insert_with(|| entries.iter().map(|e| e.key.clone()).collect());
        !seen.insert(key.to_string())
    }
}

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
