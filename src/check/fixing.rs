//! Fixing a unit: check, apply the fixes allowed, re-check the fixed text,
//! pass after pass; then write the changed files (or show them as diffs).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::options::Options;
use super::unit::{Local, check_unit, parse_docs, read_text};
use crate::boundary::Boundary;
use crate::discover::Unit;
use crate::findings::{Applied, Finding, Problem, Report};
use crate::fix::{self, Fix, Safety};
use crate::source::SourceFile;

/// Fixing converges in a few passes (a fix deferred because it overlaps
/// another is applied in the next, and insertions at one place go one a
/// pass); more passes than this means two fixes undo each other: the last
/// text checked is kept and the run says so.
const MAX_FIX_PASSES: usize = 10;

/// The files a run has fixed so far, in memory: every unit reads them as
/// fixed, and nothing reaches the disk (or a diff) before the run ends.
/// Keys are normalised paths (`./m/a.tf` and `m/a.tf` are one file).
#[derive(Default)]
pub(super) struct Overlay {
    pub texts: Local,
    /// Each changed file as it was read, with its line table.
    originals: BTreeMap<PathBuf, SourceFile>,
    /// The edits of each pass, by file, to place fixes in the original text.
    history: HashMap<PathBuf, Vec<fix::Pass>>,
}

/// Checks a unit and applies the fixes allowed to the overlay, pass after
/// pass, each pass re-checking the fixed text, until nothing more is
/// fixed. The findings reported are those of the fixed text.
pub(super) fn fix_unit(unit: &Unit, options: &Options, overlay: &mut Overlay) -> Report {
    let allowed = options.fix.unwrap_or(Safety::Safe);
    let Overlay {
        texts: local,
        originals,
        history,
    } = overlay;
    let mut fixed = 0;
    let mut applied_notes = Vec::new();
    let mut report = check_unit(unit, options, local);
    // Problems the files had before any fix: a fix must not add one.
    let known: HashSet<(PathBuf, String)> = report
        .errors
        .iter()
        .map(|e| (e.path.clone(), e.message.clone()))
        .collect();
    // Files whose fixes broke them: left as they were, fixed no further.
    let mut frozen: Vec<Problem> = Vec::new();
    let mut settled = false;
    for _ in 0..MAX_FIX_PASSES {
        let mut by_path: BTreeMap<&Path, Vec<&Finding>> = Default::default();
        for f in &report.findings {
            if let Some(fix) = f.fix.as_ref().filter(|x| x.safety <= allowed)
                && !frozen.iter().any(|p| p.path == fix.path)
            {
                by_path.entry(&fix.path).or_default().push(f);
            }
        }
        // Each file changed in this pass: its text before, the rules whose
        // fixes changed it, and where its notes start.
        let mut pass: Vec<(PathBuf, String, Vec<&'static str>, usize, usize)> = Vec::new();
        let mut changed = false;
        for (path, found) in by_path {
            let key = crate::source::normalize(path);
            let Ok(current) = read_text(path, &options.overrides, local) else {
                continue;
            };
            let fixes: Vec<&Fix> = found.iter().filter_map(|f| f.fix.as_deref()).collect();
            let (new, applied) = fix::apply(&current, &fixes);
            if !applied.is_empty() && new != current {
                let mut rules: Vec<&'static str> =
                    applied.iter().map(|i| found[*i].rule.code).collect();
                rules.dedup();
                pass.push((
                    key.clone(),
                    current.clone(),
                    rules,
                    applied_notes.len(),
                    applied.len(),
                ));
                for i in &applied {
                    let f = found[*i];
                    // Where the finding was in the file as it was read.
                    let at = &f.location;
                    let at_key = crate::source::normalize(&at.file.path);
                    let (line, column) = match (history.get(&at_key), originals.get(&at_key)) {
                        (Some(passes), Some(original)) => {
                            let o = passes.iter().rev().fold(at.start, |o, p| p.unshift(o));
                            original.position(o)
                        }
                        _ => (at.line, at.column),
                    };
                    applied_notes.push(Applied {
                        path: at.file.path.clone(),
                        line,
                        column,
                        rule: f.rule,
                        note: fixes[*i].note.clone(),
                    });
                }
                let mut edits: Vec<fix::Shift> = applied
                    .iter()
                    .flat_map(|i| &fixes[*i].edits)
                    .map(|e| (e.start, e.end, e.text.len() as u32))
                    .collect();
                edits.sort();
                history
                    .entry(key.clone())
                    .or_default()
                    .push(fix::Pass::new(edits));
                originals
                    .entry(key.clone())
                    .or_insert_with(|| SourceFile::new(path.to_path_buf(), current));
                local.insert(key, new);
                fixed += applied.len();
                changed = true;
            }
        }
        if !changed {
            settled = true;
            break;
        }
        report = check_unit(unit, options, local);
        // A fixed file that no longer reads is put back as it was, and the
        // run reports the fixes' rules: a fixer's bug never reaches the disk.
        // Read by the check, and parsed again in its own syntax, since a
        // broken file may no longer look like one the check reads.
        let broken: Vec<(usize, String)> = pass
            .iter()
            .enumerate()
            .filter_map(|(k, (path, before, ..))| {
                let syntax = local
                    .get(path)
                    .and_then(|now| syntax_error(path, before, now));
                report
                    .errors
                    .iter()
                    .find(|e| {
                        &e.path == path && !known.contains(&(e.path.clone(), e.message.clone()))
                    })
                    .map(|e| e.message.clone())
                    .or(syntax)
                    .map(|m| (k, m))
            })
            .collect();
        if broken.is_empty() {
            continue;
        }
        for (k, message) in broken.into_iter().rev() {
            let (path, before, rules, notes_at, count) = pass.swap_remove(k);
            applied_notes.drain(notes_at..notes_at + count);
            fixed -= count;
            local.insert(path.clone(), before);
            if let Some(h) = history.get_mut(&path) {
                h.pop();
            }
            frozen.push(Problem {
                path,
                location: None,
                message: format!(
                    "internal error: the fixes of {} would leave this file unreadable ({message}); they were not applied, please report it",
                    rules.join(", ")
                ),
            });
        }
        report = check_unit(unit, options, local);
    }
    if !settled {
        report.errors.push(Problem {
            path: match unit {
                Unit::Template(p, _) => p.clone(),
                Unit::Module { dir, .. } => dir.clone(),
            },
            location: None,
            message: format!(
                "fixes did not settle after {MAX_FIX_PASSES} passes (two fixes may undo each other); the text of the last pass is kept, please report it"
            ),
        });
    }
    report.errors.extend(frozen);
    report.fixed = fixed;
    report.applied = applied_notes;
    report
}

/// Why `now`, the fixed text of `path`, no longer parses in the syntax it
/// was written in when `before` did: HCL for Terraform, JSON when the text
/// is an object, YAML otherwise. `None` when it parses (or never did).
fn syntax_error(path: &Path, before: &str, now: &str) -> Option<String> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    let hcl = [".tf", ".tofu"].iter().any(|e| name.ends_with(e));
    let parse = |text: &str| -> Result<(), String> {
        let result = match hcl {
            true => crate::parse::hcl::parse(text, 0).map(drop),
            false => parse_docs(&SourceFile::new(path.to_path_buf(), text)).map(drop),
        };
        result.map_err(|e| e.message)
    };
    match (parse(before), parse(now)) {
        (Ok(()), Err(e)) => Some(e),
        _ => None,
    }
}

/// Writes the files the run changed, atomically (or, with `--diff`, shows
/// them), once every unit is fixed.
pub(super) fn finish(overlay: Overlay, options: &Options) -> Report {
    let mut report = Report::default();
    for (key, original) in overlay.originals {
        let new = &overlay.texts[&key];
        if *new == *original.text {
            continue;
        }
        let path = original.path.clone();
        let name = path.to_string_lossy().replace('\\', "/");
        let name = name.trim_start_matches("./");
        if options.diff {
            report.diffs.push(fix::diff(name, &original.text, new));
            report.fixed_files.push(path);
        } else if options.overrides.contains_key(&path) {
            report.errors.push(Problem {
                path,
                location: None,
                message: "fixes for standard input are not written; use --diff".into(),
            });
        } else {
            match write_fixed(&path, new) {
                Ok(()) => report.fixed_files.push(path),
                Err(e) => report.errors.push(Problem {
                    path,
                    location: None,
                    message: format!("the fixes could not be written: {e}"),
                }),
            }
        }
    }
    report
}

/// Writes a fixed file in place, atomically, keeping its byte-order mark.
/// A read-only file is refused rather than replaced: the rename would
/// succeed in a writable folder. A link is written through, to the file it
/// leads to, when that file is inside the repository; a file with hard
/// links is written in place when every link is inside it. Anything else
/// is refused: a fix never writes outside the repository.
fn write_fixed(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Read;
    let boundary = Boundary::around(path);
    let target = boundary.admit(path).map_err(|why| {
        std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!("the file {why}; it is not written"),
        )
    })?;
    let path = target.as_path();
    let meta = std::fs::metadata(path)?;
    if meta.permissions().readonly() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "the file is read-only",
        ));
    }
    let mut head = [0u8; 3];
    let n = std::fs::File::open(path)?.read(&mut head)?;
    let bom = n == 3 && head == [0xef, 0xbb, 0xbf];
    let bytes = match bom {
        true => [&head[..], text.as_bytes()].concat(),
        false => text.as_bytes().to_vec(),
    };
    if hard_links(&meta) > 1 {
        // Renaming over the file would cut it from its other names.
        let inside = links_inside(&boundary, &meta);
        if inside < hard_links(&meta) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "the file has hard links outside the repository; it is not written",
            ));
        }
        return std::fs::write(path, &bytes);
    }
    crate::source::write_atomic(path, &bytes)
}

#[cfg(unix)]
fn hard_links(meta: &std::fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    meta.nlink()
}

#[cfg(not(unix))]
fn hard_links(_: &std::fs::Metadata) -> u64 {
    1
}

/// How many names of the file `meta` describes are inside the boundary.
#[cfg(unix)]
fn links_inside(boundary: &Boundary, meta: &std::fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let walk = ignore::WalkBuilder::new(boundary.root())
        .standard_filters(false)
        .follow_links(false)
        .build();
    walk.filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.dev() == meta.dev() && m.ino() == meta.ino())
        .count() as u64
}

#[cfg(not(unix))]
fn links_inside(_: &Boundary, _: &std::fs::Metadata) -> u64 {
    1
}

#[cfg(test)]
mod tests {
    use super::syntax_error;
    use std::path::Path;

    #[test]
    fn a_fixed_text_that_no_longer_parses_in_its_syntax_is_caught() {
        let tf = Path::new("m/main.tf");
        assert!(syntax_error(tf, "a = 1\n", "a = 1\n").is_none());
        assert!(syntax_error(tf, "a = 1\n", "a = {\n").is_some());
        // A plan or a template in JSON given an HCL block.
        let plan = Path::new("plan.json");
        let broken = "{\"a\": 1,\nresource \"x\" \"y\" {}\n}";
        assert!(syntax_error(plan, "{\"a\": 1}", broken).is_some());
        let yaml = Path::new("t.yaml");
        assert!(syntax_error(yaml, "a: 1\n", "a: 1\n b: [\n").is_some());
        // A file that never parsed is not the fix's doing.
        assert!(syntax_error(tf, "a = {\n", "a = {\n").is_none());
    }
}
