//! Renderers: each output format turns a [`Report`](crate::findings::Report)
//! into text. miette lives only in the human renderer.

pub mod human;
pub mod inventory;
pub mod json;
pub mod markdown;
pub mod safe;
pub mod sarif;
pub mod text;

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use serde::{Serialize, Serializer};

use crate::findings::Report;
use crate::rules::Severity;

/// A sequence serialized item by item as it is written, so a large report
/// is never held whole as a JSON value.
pub struct Lazy<I>(RefCell<Option<I>>);

impl<I> Lazy<I> {
    pub fn new(items: I) -> Lazy<I> {
        Lazy(RefCell::new(Some(items)))
    }
}

impl<I, T> Serialize for Lazy<I>
where
    I: Iterator<Item = T>,
    T: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.borrow_mut().take() {
            Some(items) => serializer.collect_seq(items),
            None => Err(serde::ser::Error::custom("a lazy sequence is written once")),
        }
    }
}

/// "3 findings (2 high, 1 low) in 4 files; 1 error."
/// How reports for code hosts name files: relative to the repository's
/// top folder (or the folder bucketlint ran in), normalised, whatever the
/// folder it ran in; a file outside it keeps the name it was given.
pub struct Paths {
    pub root: PathBuf,
    pub cwd: PathBuf,
}

impl Paths {
    pub fn rel(&self, path: &Path) -> String {
        let abs = crate::source::normalize(&self.cwd.join(path));
        let name = match abs.strip_prefix(&self.root) {
            Ok(rel) => rel.to_path_buf(),
            Err(_) => crate::source::normalize(path),
        };
        name.to_string_lossy().replace('\\', "/")
    }
}

pub fn summary(report: &Report) -> String {
    let n = report.findings.len();
    let mut line = if n == 0 {
        format!(
            "No findings in {} {}",
            report.files,
            plural(report.files, "file")
        )
    } else {
        let counts: Vec<String> = [
            Severity::High,
            Severity::Medium,
            Severity::Low,
            Severity::Info,
        ]
        .into_iter()
        .filter_map(|s| {
            let c = report.findings.iter().filter(|f| f.severity == s).count();
            (c > 0).then(|| format!("{c} {}", s.as_str()))
        })
        .collect();
        format!(
            "Found {n} {} ({}) in {} {}",
            plural(n, "finding"),
            counts.join(", "),
            report.files,
            plural(report.files, "file")
        )
    };
    let hidden: Vec<String> = [
        (report.suppressed, "suppressed"),
        (report.baselined, "in the baseline"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .chain(
        report
            .since
            .iter()
            .map(|(rev, n)| format!("{n} existing at `{rev}` not shown")),
    )
    .collect();
    if !hidden.is_empty() {
        line.push_str(&format!(" ({})", hidden.join(", ")));
    }
    if report.fixed > 0 {
        let (n, m) = (report.fixed, report.fixed_files.len());
        let verb = if report.diffs.is_empty() {
            "fixed"
        } else {
            "would fix"
        };
        line.push_str(&format!(
            "; {verb} {n} {} in {m} {}",
            plural(n, "finding"),
            plural(m, "file")
        ));
    }
    let unsafe_left = report
        .findings
        .iter()
        .filter(|f| {
            f.fix
                .as_ref()
                .is_some_and(|x| x.safety == crate::fix::Safety::Unsafe)
        })
        .count();
    if unsafe_left > 0 {
        line.push_str(&format!("; {unsafe_left} more fixable with --unsafe-fixes"));
    }
    if !report.errors.is_empty() {
        let e = report.errors.len();
        line.push_str(&format!(
            "; {e} {}, so not everything was checked",
            plural(e, "error")
        ));
    }
    line.push('.');
    line
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}
