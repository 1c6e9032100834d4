//! Corrective side: fixes that edit the original text. A fixable rule
//! names its `AutoFix` in its metadata (`rules::rule`); the fix is computed for each
//! violation from the model and the source, as a set of byte-range edits
//! that leave every other byte alone. `apply` composes the fixes of a file,
//! deferring any that overlap an earlier one to the next pass.

pub mod edit;

use std::cell::Cell;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use crate::model::Model;
use crate::source::{FileId, SourceFile, Span};

/// Whether a fix may change behaviour a deployment relies on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Safety {
    /// Only closes the gap the rule reports.
    Safe,
    /// May break something that relies on the current setting (applied
    /// with `--unsafe-fixes`).
    Unsafe,
}

impl Safety {
    pub fn as_str(self) -> &'static str {
        match self {
            Safety::Safe => "safe",
            Safety::Unsafe => "unsafe",
        }
    }
}

/// What a fix may read: the unit's model and its files, by file id.
pub struct Context<'a> {
    pub model: &'a Model,
    pub files: &'a [Arc<SourceFile>],
    /// Terraform: where the module instance of the finding uses a value a
    /// caller passed, and the caller's argument, (used, given), every
    /// level of calls: a literal is edited where the caller wrote it.
    pub passed: Vec<(Span, Span)>,
    /// The file a literal was followed into (a caller's), once one was.
    moved: Cell<Option<FileId>>,
}

impl<'a> Context<'a> {
    pub fn new(model: &'a Model, files: &'a [Arc<SourceFile>], passed: Vec<(Span, Span)>) -> Self {
        Context {
            model,
            files,
            passed,
            moved: Cell::new(None),
        }
    }

    /// Where the value used at `span` was written: the caller's argument
    /// that passed it, followed up the calls, or `span` itself.
    pub fn written(&self, mut span: Span) -> Span {
        // Each level is one step; the bound stops a cycle.
        for _ in 0..=self.passed.len() {
            match self.passed.iter().find(|(used, _)| *used == span) {
                Some((_, given)) => span = *given,
                None => break,
            }
        }
        span
    }

    /// Records that an edit went to `file`, a caller's, instead of the
    /// file the rule named.
    pub(crate) fn moved_to(&self, file: FileId) {
        self.moved.set(Some(file));
    }

    /// A fix made of `edits` in file `file` (or the caller's file the
    /// literal was followed into).
    /// `None` when an edit falls in text a condition, a variable, `count`
    /// or `for_each` chooses (the fix would take that choice away from
    /// every other input and caller), or in a module `terraform init`
    /// installed (generated: the next init would undo it).
    pub fn fix(&self, file: FileId, safety: Safety, note: &str, edits: Vec<Edit>) -> Option<Fix> {
        let file = self.moved.get().unwrap_or(file);
        let source = self.files.get(file as usize)?;
        if source
            .path
            .components()
            .any(|c| c.as_os_str() == ".terraform")
        {
            return None;
        }
        // A literal a condition chooses (`var.on ? "Enabled" : "Suspended"`,
        // `!If [Cond, ..., ...]`) is a choice the configuration offers.
        let chosen = |e: &Edit| {
            let at = Span::new(file, e.start as usize, e.end as usize);
            self.model.is_chosen(at)
        };
        if edits.iter().any(chosen) {
            return None;
        }
        let places = edits
            .iter()
            .map(|e| {
                let (line, column) = source.position(e.start);
                let (end_line, end_column) = source.position(e.end);
                [line, column, end_line, end_column]
            })
            .collect();
        Some(Fix {
            safety,
            path: source.path.clone(),
            edits,
            note: note.to_string(),
            places,
        })
    }

    /// Whether something may rely on bucket `index` being reachable from
    /// outside: a website, or a bucket policy that allows anything (which
    /// may grant the public what a change would take away; a policy of
    /// Deny statements only grants nothing). Closing such a bucket is
    /// unsafe.
    pub fn may_serve_public(&self, index: usize) -> bool {
        let Some(bucket) = self.model.resources.get(index) else {
            return true;
        };
        let allows = |p: &crate::model::Resource| {
            p.properties.get("PolicyDocument").is_none_or(|d| {
                crate::policy::statements(d)
                    .iter()
                    .any(|s| s.effect != crate::policy::Effect::Deny)
            })
        };
        bucket.properties.get("WebsiteConfiguration").is_some()
            || self
                .model
                .bucket_policies()
                .any(|p| p.bucket == Some(index) && allows(p))
    }

    /// The safety of a fix that closes bucket `index` to the public, and
    /// its note: unsafe when something may rely on the bucket being open.
    pub fn closing(&self, index: usize, done: &str) -> (Safety, String) {
        match self.may_serve_public(index) {
            true => (
                Safety::Unsafe,
                format!(
                    "{done}; the bucket has a website or a policy that may rely on it: check them"
                ),
            ),
            false => (Safety::Safe, done.to_string()),
        }
    }

    /// The name of a CloudFormation value as this model's input spells it
    /// (`private` in Terraform, `Private` in CloudFormation).
    pub fn spelled<'s>(&self, cloudformation: &'s str, terraform: &'s str) -> &'s str {
        match self.model.format {
            crate::model::Format::CloudFormation => cloudformation,
            crate::model::Format::Terraform => terraform,
        }
    }
}

/// Replace `start..end` of a file by `text` (an insertion when empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub start: u32,
    pub end: u32,
    pub text: String,
}

/// The edits that fix one finding, all in one file.
#[derive(Clone, Debug)]
pub struct Fix {
    pub safety: Safety,
    pub path: PathBuf,
    pub edits: Vec<Edit>,
    /// Shown with the fix: what it does, and for an unsafe one, what to
    /// check.
    pub note: String,
    /// Each edit's start and end as line and column (1-based, columns in
    /// characters), for tools that apply fixes themselves.
    pub places: Vec<[usize; 4]>,
}

/// Applies the fixes (all for the same file) to its text. A fix whose
/// edits overlap, or touch, an edit already taken is left for the next
/// pass, as is a second fix making the same edit. Returns the new text and
/// the indices of the fixes applied.
pub fn apply(text: &str, fixes: &[&Fix]) -> (String, Vec<usize>) {
    let mut taken: Vec<&Edit> = Vec::new();
    // The ends of the edits taken, by start: taken edits never touch, so
    // an edit clashes with one of them only if it clashes with the last
    // that starts before it ends (a search, not a scan: 60,000 buckets
    // give 180,000 edits).
    let mut by_start: std::collections::BTreeMap<u32, u32> = Default::default();
    let mut applied = Vec::new();
    for (i, fix) in fixes.iter().enumerate() {
        let clashes = fix.edits.iter().any(|e| {
            by_start
                .range(..=e.end)
                .next_back()
                .is_some_and(|(_, &end)| e.start <= end)
        });
        let in_bounds = fix
            .edits
            .iter()
            .all(|e| e.start <= e.end && text.get(e.start as usize..e.end as usize).is_some());
        if clashes || !in_bounds {
            continue;
        }
        for e in &fix.edits {
            let end = by_start.entry(e.start).or_insert(e.end);
            *end = (*end).max(e.end);
        }
        taken.extend(&fix.edits);
        applied.push(i);
    }
    taken.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(text.len() + 256);
    let mut at = 0usize;
    for e in taken {
        out.push_str(&text[at..e.start as usize]);
        out.push_str(&e.text);
        at = e.end as usize;
    }
    out.push_str(&text[at..]);
    (out, applied)
}

/// An edit as it moves offsets: `(start, end, new length)`.
pub type Shift = (u32, u32, u32);

/// A pass of edits (sorted, in the text before it), ready to map offsets
/// of the text after it back: where each edit starts after the pass, so a
/// search finds the edit before an offset (a scan per finding was
/// quadratic on a template with 60,000 buckets).
#[derive(Debug, Clone)]
pub struct Pass {
    edits: Vec<Shift>,
    /// Where each edit starts in the text after the pass.
    starts: Vec<u32>,
    /// How much the edits before each one moved the text.
    deltas: Vec<i64>,
}

impl Pass {
    pub fn new(edits: Vec<Shift>) -> Pass {
        let mut delta = 0i64;
        let mut starts = Vec::with_capacity(edits.len());
        let mut deltas = Vec::with_capacity(edits.len());
        for &(start, end, len) in &edits {
            starts.push((i64::from(start) + delta) as u32);
            deltas.push(delta);
            delta += i64::from(len) - i64::from(end - start);
        }
        Pass {
            edits,
            starts,
            deltas,
        }
    }

    /// The offset in the text before the pass of offset `o` in the text
    /// after it; an offset inside inserted text maps to where the insertion
    /// was made.
    pub fn unshift(&self, o: u32) -> u32 {
        let k = self.starts.partition_point(|&s| s <= o);
        if k == 0 {
            return o;
        }
        let (start, end, len) = self.edits[k - 1];
        if o < self.starts[k - 1] + len {
            return start;
        }
        let delta = self.deltas[k - 1] + i64::from(len) - i64::from(end - start);
        (i64::from(o) - delta) as u32
    }
}

/// A unified diff of a file before and after fixing, with three lines of
/// context, as `git diff` shows it.
pub fn diff(name: &str, before: &str, after: &str) -> String {
    // Past the deadline the diff is coarser (larger hunks) but still
    // exact: a template with thousands of fixes would otherwise take
    // Myers' quadratic worst case.
    similar::TextDiff::configure()
        .timeout(std::time::Duration::from_millis(500))
        .diff_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(edits: &[(u32, u32, &str)]) -> Fix {
        Fix {
            places: Vec::new(),
            safety: Safety::Safe,
            path: "t".into(),
            edits: edits
                .iter()
                .map(|&(start, end, text)| Edit {
                    start,
                    end,
                    text: text.into(),
                })
                .collect(),
            note: String::new(),
        }
    }

    #[test]
    fn fixes_compose_and_overlaps_wait_for_the_next_pass() {
        let text = "alpha beta gamma";
        let a = fix(&[(0, 5, "ALPHA")]);
        let b = fix(&[(11, 16, "GAMMA"), (16, 16, "!")]);
        // Overlaps a: deferred, never half-applied.
        let c = fix(&[(3, 8, "x"), (11, 11, "y")]);
        let (out, applied) = apply(text, &[&a, &c, &b]);
        assert_eq!(out, "ALPHA beta GAMMA!");
        assert_eq!(applied, [0, 2]);
        // Out of bounds: skipped.
        let d = fix(&[(10, 99, "z")]);
        assert_eq!(apply(text, &[&d]), (text.to_string(), vec![]));
    }

    #[test]
    fn offsets_map_back_through_a_pass() {
        // "abcdef" -> "aXYZcdEF": b replaced by XYZ, ef by EF.
        let pass = Pass::new(vec![(1, 2, 3), (4, 6, 2)]);
        assert_eq!(pass.unshift(0), 0); // a
        assert_eq!(pass.unshift(1), 1); // X: where b was
        assert_eq!(pass.unshift(2), 1); // inside XYZ: where b was
        assert_eq!(pass.unshift(4), 2); // c
        assert_eq!(pass.unshift(5), 3); // d
        assert_eq!(pass.unshift(6), 4); // inside EF
        assert_eq!(pass.unshift(8), 6); // past the end
    }

    #[test]
    fn diffs_are_unified() {
        let d = diff("t.yaml", "a\nb\nc\n", "a\nB\nc\n");
        assert!(
            d.starts_with("--- a/t.yaml\n+++ b/t.yaml\n@@ -1,3 +1,3 @@\n"),
            "{d}"
        );
        assert!(d.contains("-b\n+B\n"), "{d}");
    }
}
