//! The top of the library: one run of the pipeline. Discover the units,
//! then for each unit (in parallel) load, parse, build the model, run the
//! rules and apply suppressions (`unit`), fixing when asked (`fixing`);
//! merge and sort what they found. Results are data
//! ([`crate::findings`]); renderers turn them into text.
//!
//! Nothing below this module imports it.

mod drift;
mod fixing;
mod options;
mod unit;

pub use options::Options;

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::discover::{self, Unit};
use crate::findings::{Problem, Report};
use crate::rules::Severity;

pub fn run(options: &Options) -> Report {
    let on_disk: Vec<PathBuf> = options
        .paths
        .iter()
        .filter(|p| !options.overrides.contains_key(*p))
        .cloned()
        .collect();
    let config = &options.config;
    let excluded: discover::Exclude = {
        let config = Arc::clone(config);
        let force = options.force_exclude;
        Arc::new(move |path: &Path, named: bool| (!named || force) && config.excluded(path))
    };
    let mut found = discover::discover(&on_disk, &excluded, options.follow_symlinks);
    for path in options.overrides.keys() {
        if excluded(path, true) {
            continue;
        }
        let (unit, errors) = discover::unit_for(path);
        found.units.retain(|u| *u != unit);
        found.units.push(unit);
        found.errors.extend(errors);
    }
    let mut report = Report {
        skipped: std::mem::take(&mut found.skipped),
        ..Report::default()
    };
    for (path, message) in found.errors {
        report.errors.push(Problem {
            path,
            location: None,
            message,
        });
    }
    // Fixing runs one unit after another over one in-memory overlay: units
    // share files (a module and the roots that call it), and each must fix
    // the text the one before it left.
    let mut results: Vec<Report> = match options.fix {
        Some(_) => fix_rounds(&found.units, options),
        None => found
            .units
            .par_iter()
            .map(|unit| {
                guarded(unit, options, || {
                    unit::check_unit(unit, options, &HashMap::new())
                })
            })
            .collect(),
    };
    with_accounts_elsewhere(&found.units, options, &mut results);
    let instantiated: std::collections::HashSet<PathBuf> = results
        .iter()
        .flat_map(|r| r.instantiated.iter().cloned())
        .collect();
    // Sized once: growing by doubling would hold up to twice the findings.
    report
        .findings
        .reserve_exact(results.iter().map(|r| r.findings.len()).sum());
    // A module file checked through several root modules (examples calling
    // `../../`) gives each finding once, naming the other callers.
    let mut first: HashMap<(&'static str, Severity, PathBuf, u32, u32), usize> = HashMap::new();
    for mut r in results {
        if r.unit_dir
            .as_ref()
            .is_some_and(|d| instantiated.contains(d))
        {
            r.findings.clear();
            r.buckets.clear();
        }
        let unit = r.unit_path.clone();
        let mut kept = Vec::with_capacity(r.findings.len());
        for mut f in r.findings.drain(..) {
            f.root = unit.clone();
            // Only a module's findings outside its own folder can come from
            // another unit too (a module both call).
            let own = unit.as_ref().is_none_or(|u| {
                f.location.file.path.parent() == Some(u.as_path()) || f.location.file.path == *u
            });
            if own {
                kept.push(f);
                continue;
            }
            let key = (
                f.rule.code,
                f.severity,
                f.location.file.path.clone(),
                f.location.start,
                f.location.end,
            );
            match (first.get(&key), &unit) {
                (Some(&i), Some(unit)) => {
                    // The first is merged already, or kept from this unit.
                    let n = report.findings.len();
                    let first = match i.checked_sub(n) {
                        Some(k) => &mut kept[k],
                        None => &mut report.findings[i],
                    };
                    first.also_in(&f.resource, Some(unit));
                    // Its own other instances, through this root.
                    for a in f.also {
                        first.also_in(&a.address, Some(a.root.as_deref().unwrap_or(unit)));
                    }
                }
                _ => {
                    if unit.is_some() {
                        first.insert(key, report.findings.len() + kept.len());
                    }
                    kept.push(f);
                }
            }
        }
        r.findings = kept;
        report.merge(r);
    }
    // Findings by now pass the inventory rows of every unit; drift
    // compares the templates' with the exports'.
    if drift::enabled(&options.rules) && options.findings {
        drift::find(&mut report, config);
    }
    // An `[[ignore]]` entry that left out nothing in a run that read
    // exports names a bucket since fixed or gone: worth removing.
    if report.exports > 0 {
        for (i, entry) in config.bucket_ignores.iter().enumerate() {
            if report.ignored_by.get(i).copied().unwrap_or(0) == 0 {
                report.notes.push(Problem {
                    path: config.path.clone().unwrap_or_default(),
                    location: None,
                    message: format!(
                        "the `[[ignore]]` entry for `{}` ({}) matched no finding: the bucket is fixed, gone, or not in these exports",
                        entry.bucket, entry.reason
                    ),
                });
            }
        }
    }
    if !config.per_file_ignores.is_empty() {
        let before = report.findings.len();
        // Matched once per file, not per finding.
        let mut by_file: HashMap<PathBuf, std::collections::HashSet<&str>> = HashMap::new();
        report.findings.retain(|f| {
            let path = &f.location.file.path;
            if !by_file.contains_key(path) {
                by_file.insert(path.clone(), config.ignored_rules(path));
            }
            !by_file[path].contains(f.rule.code)
        });
        report.suppressed += before - report.findings.len();
    }
    report.sort();
    report
}

/// What one file says of an account holds for the account's buckets in
/// every export of the run: its Block Public Access recorded by an export
/// (for exports with no record of their own), the organisation's S3
/// policies and resource control policies. Exports it concerns are checked
/// again with it; the first file that says a thing of an account gives it.
fn with_accounts_elsewhere(units: &[Unit], options: &Options, results: &mut [Report]) {
    const PAB: &str = "AWS::S3::AccountPublicAccessBlock";
    let mut accounts: HashMap<String, Vec<(String, crate::tree::Value)>> = HashMap::new();
    for r in results.iter() {
        for (account, kind, settings) in &r.accounts {
            let layers = accounts.entry(account.clone()).or_default();
            if !layers.iter().any(|(k, _)| k == kind) {
                layers.push((kind.clone(), settings.clone()));
            }
        }
    }
    // An export that records an account's own setting keeps it; layers
    // above the account reach every export of its buckets.
    let wants = |r: &Report, account: &String| {
        accounts.get(account).is_some_and(|layers| {
            layers
                .iter()
                .any(|(k, _)| k != PAB || r.accounts_without.contains(account))
        })
    };
    let again: Vec<usize> = (0..results.len())
        .filter(|&i| {
            results[i]
                .bucket_accounts
                .iter()
                .any(|a| wants(&results[i], a))
        })
        .collect();
    if again.is_empty() {
        return;
    }
    let mut with = options.clone();
    with.accounts = Arc::new(accounts);
    let redone: Vec<(usize, Report)> = again
        .par_iter()
        .map(|&i| {
            let unit = &units[i];
            let report = guarded(unit, &with, || {
                unit::check_unit(unit, &with, &HashMap::new())
            });
            (i, report)
        })
        .collect();
    for (i, report) in redone {
        results[i] = report;
    }
}

/// Runs `work` on a unit, turning a panic into an error of that unit only.
fn guarded(unit: &Unit, options: &Options, work: impl FnOnce() -> Report) -> Report {
    let path = match unit {
        Unit::Template(p, _) => p,
        Unit::Module { dir, .. } => dir,
    };
    catch_unwind(AssertUnwindSafe(|| {
        if options.panic_on.as_ref() == Some(path) {
            panic!("panic_on: {}", path.display());
        }
        let mut report = work();
        report.slim(options.show_source);
        report
    }))
    .unwrap_or_else(|_| Report {
        errors: vec![Problem {
            path: path.clone(),
            location: None,
            message: "internal error while checking this file; please report it".into(),
        }],
        ..Report::default()
    })
}

/// Most rounds of fixing every unit: a unit's fixes can change a file
/// another unit checked before them (a module its callers reach), so the
/// units are fixed again until a round fixes nothing.
const MAX_FIX_ROUNDS: usize = 4;

/// Fixes the units one after another over one overlay, round after round
/// until nothing more is fixed, then writes (or diffs) the changed files.
/// The reports are those of the last round, with what every round fixed;
/// the last one holds the writing's outcome.
fn fix_rounds(units: &[Unit], options: &Options) -> Vec<Report> {
    let mut overlay = fixing::Overlay::default();
    let round = |overlay: &mut fixing::Overlay| -> Vec<Report> {
        units
            .iter()
            .map(|unit| guarded(unit, options, || fixing::fix_unit(unit, options, overlay)))
            .collect()
    };
    let mut results = round(&mut overlay);
    let mut fixed_last = results.iter().map(|r| r.fixed).sum::<usize>();
    let mut rounds = 1;
    while fixed_last > 0 && rounds < MAX_FIX_ROUNDS {
        let mut next = round(&mut overlay);
        fixed_last = next.iter().map(|r| r.fixed).sum();
        for (prev, r) in results.into_iter().zip(next.iter_mut()) {
            r.fixed += prev.fixed;
            let mut applied = prev.applied;
            applied.append(&mut r.applied);
            r.applied = applied;
        }
        results = next;
        rounds += 1;
    }
    results.push(fixing::finish(overlay, options));
    results
}

/// Checks one file, with its Terraform module when it is part of one
/// (the rest read from `options.overrides`, else from disk), for an
/// editor: fixes are offered on the findings, never applied. A file the
/// configuration excludes gives an empty report.
pub fn check_file(path: &Path, options: &Options) -> Report {
    if options.config.excluded(path) {
        return Report::default();
    }
    let (unit, refused) = discover::unit_for(path);
    catch_unwind(AssertUnwindSafe(|| {
        let mut report = unit::check_unit(&unit, options, &HashMap::new());
        for (path, message) in refused {
            report.errors.push(Problem {
                path,
                location: None,
                message,
            });
        }
        report.sort();
        report
    }))
    .unwrap_or_else(|_| Report {
        errors: vec![Problem {
            path: path.to_path_buf(),
            location: None,
            message: "internal error while checking this file; please report it".into(),
        }],
        ..Report::default()
    })
}
