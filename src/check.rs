//! The pipeline for one run: discover the units, then for each unit (in
//! parallel) load, parse, build the model and run the rules. Results are
//! data; renderers turn them into text.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::discover::{self, Unit};
use crate::fix::{self, Fix, Safety};
use crate::model::terraform::{self, Scope, TfFile};
use crate::model::{Model, cfn};
use crate::parse::{ParseError, json, yaml};
use crate::rules::{self, Rule, Severity};
use crate::source::{FileId, SourceFile, Span};
use crate::suppress;

pub struct Options {
    pub paths: Vec<PathBuf>,
    pub rules: Vec<&'static Rule>,
    /// CloudFormation parameter values (`--parameters`).
    pub parameters: cfn::Parameters,
    /// Terraform variable files for every module (`--var-file`).
    pub var_files: Vec<PathBuf>,
    /// File contents that replace what is on disk (standard input, editor
    /// buffers); a path here is checked even if it does not exist.
    pub overrides: HashMap<PathBuf, String>,
    /// Honour checkov, trivy/tfsec and cfn_nag suppressions that map to a
    /// bucketlint rule.
    pub honor_peer_suppressions: bool,
    /// The configuration file's settings: exclusions, per-file ignores,
    /// rule options.
    pub config: Arc<Config>,
    /// Apply the configuration's `exclude` to paths named explicitly too
    /// (hooks and editors pass every file by name).
    pub force_exclude: bool,
    /// Follow symbolic links met while walking folders.
    pub follow_symlinks: bool,
    /// Makes checking the unit of this path panic: for the tests of the
    /// guard that turns a panic into an error of that unit only.
    #[doc(hidden)]
    pub panic_on: Option<PathBuf>,
    /// Fix what can be fixed (`--fix`, `--diff`): the most unsafe fix to
    /// apply. `None`: only check.
    pub fix: Option<Safety>,
    /// Show the fixes as a diff instead of writing them.
    pub diff: bool,
    /// AWS CloudFormation Guard rule files (`--guard-rules`), loaded once.
    pub guard: Arc<Vec<crate::guard::GuardFile>>,
    /// Keep the lines around each finding, for a report that shows source
    /// (`--format full`); other formats need only the offending text.
    pub show_source: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            paths: Vec::new(),
            rules: Vec::new(),
            parameters: Default::default(),
            var_files: Vec::new(),
            overrides: HashMap::new(),
            honor_peer_suppressions: true,
            config: Arc::default(),
            force_exclude: false,
            follow_symlinks: false,
            panic_on: None,
            fix: None,
            diff: false,
            guard: Arc::default(),
            show_source: true,
        }
    }
}

/// A place in a file, ready to show.
#[derive(Clone, Debug)]
pub struct Location {
    pub file: Arc<SourceFile>,
    pub start: u32,
    pub end: u32,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Location {
    fn new(file: &Arc<SourceFile>, span: Span) -> Location {
        let (line, column) = file.position(span.start);
        let (end_line, end_column) = file.position(span.end);
        Location {
            file: Arc::clone(file),
            start: span.start,
            end: span.end,
            line,
            column,
            end_line,
            end_column,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub message: String,
    pub label: String,
    pub location: Location,
    /// Logical id or Terraform address of the block holding the text.
    pub resource: String,
    pub resource_type: String,
    /// The bucket concerned: its name and where it is declared. (Boxed,
    /// as are fixes: a run may hold a hundred thousand findings.)
    pub bucket: Option<Box<(String, Location)>>,
    /// How to fix it, when fixes were asked for and the rule has one.
    pub fix: Option<Box<Fix>>,
    /// Where the resource holding it starts, when in the same file: a
    /// comment above it suppresses the finding.
    pub holder_start: Option<u32>,
}

/// Something that could not be checked.
#[derive(Clone, Debug)]
pub struct Problem {
    pub path: PathBuf,
    pub location: Option<Location>,
    pub message: String,
}

#[derive(Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub errors: Vec<Problem>,
    /// Files passed over because they are not templates (shown with --verbose).
    pub skipped: Vec<(PathBuf, String)>,
    /// What was not checked, without being an error (a remote module).
    pub notes: Vec<Problem>,
    /// Findings left out by suppressions, and by the baseline.
    pub suppressed: usize,
    pub baselined: usize,
    /// Module units: the folder (canonical), and the local modules it
    /// instantiates. A folder instantiated elsewhere is reported through
    /// its callers only.
    unit_dir: Option<PathBuf>,
    instantiated: Vec<PathBuf>,
    pub files: usize,
    pub resources: usize,
    /// Fixes applied (or, with `--diff`, that would be), the files they
    /// change, and the diffs.
    pub fixed: usize,
    pub fixed_files: Vec<PathBuf>,
    pub diffs: Vec<String>,
    /// Each fix applied: where its finding was (before fixing) and what
    /// the fix did.
    pub applied: Vec<Applied>,
}

/// A fix that was applied, for the report.
#[derive(Clone, Debug)]
pub struct Applied {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub rule: &'static Rule,
    pub note: String,
}

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
        let unit = discover::unit_for(path);
        found.units.retain(|u| *u != unit);
        found.units.push(unit);
    }
    let mut report = Report::default();
    for (path, message) in found.errors {
        report.errors.push(Problem {
            path,
            location: None,
            message,
        });
    }
    let results: Vec<Report> = found
        .units
        .par_iter()
        .map(|unit| {
            let path = match unit {
                Unit::Template(p) => p,
                Unit::Module { dir, .. } => dir,
            };
            catch_unwind(AssertUnwindSafe(|| {
                if options.panic_on.as_ref() == Some(path) {
                    panic!("panic_on: {}", path.display());
                }
                let mut report = match options.fix {
                    Some(_) => fix::passes::fix_unit(unit, options),
                    None => check_unit(unit, options, &HashMap::new()),
                };
                report.slim(options.show_source);
                report
            }))
            .unwrap_or_else(|_| {
                let path = path.clone();
                Report {
                    errors: vec![Problem {
                        path,
                        location: None,
                        message: "internal error while checking this file; please report it".into(),
                    }],
                    ..Report::default()
                }
            })
        })
        .collect();
    let instantiated: std::collections::HashSet<PathBuf> = results
        .iter()
        .flat_map(|r| r.instantiated.iter().cloned())
        .collect();
    // Sized once: growing by doubling would hold up to twice the findings.
    report
        .findings
        .reserve_exact(results.iter().map(|r| r.findings.len()).sum());
    for mut r in results {
        if r.unit_dir
            .as_ref()
            .is_some_and(|d| instantiated.contains(d))
        {
            r.findings.clear();
        }
        report.merge(r);
    }
    if !config.per_file_ignores.is_empty() {
        let before = report.findings.len();
        report
            .findings
            .retain(|f| !config.ignored_for(&f.location.file.path, f.rule));
        report.suppressed += before - report.findings.len();
    }
    report.sort();
    report
}

impl Report {
    /// Adds the results of another unit, or of another run (paths under
    /// another configuration); `sort` puts them in order after.
    pub fn merge(&mut self, other: Report) {
        self.findings.extend(other.findings);
        self.errors.extend(other.errors);
        self.skipped.extend(other.skipped);
        self.notes.extend(other.notes);
        self.suppressed += other.suppressed;
        self.baselined += other.baselined;
        self.files += other.files;
        self.resources += other.resources;
        self.fixed += other.fixed;
        self.fixed_files.extend(other.fixed_files);
        self.diffs.extend(other.diffs);
        self.applied.extend(other.applied);
    }

    /// Keeps, of each file, only the lines its findings and errors show,
    /// so a run over many files does not hold them all until the end.
    pub fn slim(&mut self, show_source: bool) {
        let context = if show_source { 2 } else { 0 };
        let near = crate::report::human::NEAR_LINES;
        // Findings on the same lines (several rules on one bucket) share
        // one excerpt.
        let mut excerpts: HashMap<(PathBuf, u32, u32, usize), Arc<SourceFile>> = HashMap::new();
        let mut excerpt = |file: &Arc<SourceFile>, start: u32, end: u32, context: usize| {
            let key = (file.path.clone(), start, end, context);
            Arc::clone(
                excerpts
                    .entry(key)
                    .or_insert_with(|| Arc::new(file.excerpt(start, end, context))),
            )
        };
        for f in &mut self.findings {
            let l = &f.location;
            let (mut start, mut end) = (l.start, l.end);
            let mut shared = false;
            if let Some((_, at)) = f.bucket.as_deref()
                && show_source
                && at.file.path == l.file.path
                && at.line.abs_diff(l.line) <= near
            {
                (start, end) = (start.min(at.start), end.max(at.end));
                shared = true;
            }
            let held = excerpt(&l.file, start, end, context);
            if let Some((_, at)) = f.bucket.as_deref_mut() {
                at.file = match shared {
                    true => Arc::clone(&held),
                    false => excerpt(&at.file, at.start, at.end, 0),
                };
            }
            f.location.file = held;
        }
        for p in self.errors.iter_mut().chain(&mut self.notes) {
            if let Some(l) = &mut p.location {
                l.file = excerpt(&l.file, l.start, l.end, context);
            }
        }
        // Held until the end of the run: no room to grow.
        self.findings.shrink_to_fit();
    }

    /// Orders findings and errors by file and position.
    pub fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            (
                a.location.file.path.as_path(),
                a.location.line,
                a.location.column,
                a.rule.code,
            )
                .cmp(&(
                    b.location.file.path.as_path(),
                    b.location.line,
                    b.location.column,
                    b.rule.code,
                ))
        });
        self.errors.sort_by(|a, b| {
            let key = |p: &Problem| {
                (
                    p.path.clone(),
                    p.location.as_ref().map(|l| (l.line, l.column)),
                )
            };
            key(a).cmp(&key(b))
        });
    }
}

/// A file's text: as fixed so far, else from the overrides (an editor
/// buffer), else from disk.
pub(crate) fn read_text(
    path: &Path,
    overrides: &HashMap<PathBuf, String>,
    local: &Local,
) -> Result<String, String> {
    if let Some(text) = local.get(path) {
        return Ok(text.clone());
    }
    if let Some(text) = overrides.get(path) {
        return Ok(text.strip_prefix('\u{feff}').unwrap_or(text).to_string());
    }
    crate::source::read_text(path)
}

/// Guard failures as violations, less those the resource suppresses the
/// way Guard does (`Metadata: guard: SuppressedRules: [NAME]`).
fn guard_violations(model: &Model, failures: Vec<crate::guard::Failure>) -> Vec<rules::Violation> {
    failures
        .into_iter()
        .filter(|f| {
            let Some(id) = &f.resource else {
                return true;
            };
            let suppressed = model
                .resources
                .iter()
                .filter(|r| &r.id == id)
                .filter_map(|r| r.attributes.path(&["Metadata", "guard", "SuppressedRules"]))
                .flat_map(|list| list.items())
                .any(|item| item.as_str() == Some(f.rule.name));
            !suppressed
        })
        .map(|f| rules::Violation {
            rule: f.rule,
            severity: f.rule.severity,
            label: format!("Guard rule {}", f.rule.name),
            message: f.message,
            span: f.span,
            bucket: None,
        })
        .collect()
}

/// Checks one file, with its Terraform module when it is part of one
/// (the rest read from `options.overrides`, else from disk), for an
/// editor: fixes are offered on the findings, never applied. A file the
/// configuration excludes gives an empty report.
pub fn check_file(path: &Path, options: &Options) -> Report {
    if options.config.excluded(path) {
        return Report::default();
    }
    let unit = discover::unit_for(path);
    catch_unwind(AssertUnwindSafe(|| {
        check_unit(&unit, options, &HashMap::new())
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

/// Texts that replace what is on disk for one unit: the fixed files.
pub(crate) type Local = HashMap<PathBuf, String>;

pub(crate) fn check_unit(unit: &Unit, options: &Options, local: &Local) -> Report {
    match unit {
        Unit::Template(path) => check_template(path, options, local),
        Unit::Module {
            dir,
            files,
            var_files,
            root,
            only,
        } => {
            let vars: Vec<PathBuf> = var_files
                .iter()
                .chain(&options.var_files)
                .cloned()
                .collect();
            let mut report = check_module(dir, files, &vars, root, options, local);
            if let Some(only) = only {
                report
                    .findings
                    // Findings in the modules it calls stay: they name the call.
                    .retain(|f| {
                        only.contains(&f.location.file.path)
                            || f.location.file.path.parent() != Some(dir.as_path())
                    });
                report.files = only.len();
            }
            report
        }
    }
}

/// Signs that a file that failed to parse was meant to be a template.
fn looks_like_template(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion") || text.contains("AWS::")
}

fn check_template(path: &Path, options: &Options, local: &Local) -> Report {
    let parameters = &options.parameters;
    let mut report = Report::default();
    let text = match read_text(path, &options.overrides, local) {
        Ok(t) => t,
        Err(message) => {
            report.errors.push(Problem {
                path: path.to_path_buf(),
                location: None,
                message,
            });
            return report;
        }
    };
    // Cheap sniff: a template must say `Resources` or its format version;
    // a Terraform plan, `planned_values`.
    if !text.contains("Resources")
        && !text.contains("AWSTemplateFormatVersion")
        && !text.contains("planned_values")
    {
        report
            .skipped
            .push((path.to_path_buf(), "not a CloudFormation template".into()));
        return report;
    }
    let file = Arc::new(SourceFile::new(path.to_path_buf(), text));
    let files = [Arc::clone(&file)];
    let parsed = if file.is_json() {
        json::parse(&file.text, json::Placement::At(0, 0)).map(|d| (vec![d.value], d.warnings))
    } else {
        yaml::parse(&file.text, 0).map(|d| (d.docs, d.warnings))
    };
    let (docs, warnings) = match parsed {
        Ok(p) => p,
        Err(e) if looks_like_template(&file.text) => {
            report.errors.push(problem(&files, path, &e));
            return report;
        }
        Err(e) => {
            report.skipped.push((
                path.to_path_buf(),
                format!("not parsable as a template: {}", e.message),
            ));
            return report;
        }
    };
    // A Terraform plan (`terraform show -json`) in a .json file.
    if let [doc] = docs.as_slice()
        && terraform::plan::is_plan(doc)
    {
        report.files = 1;
        let model = terraform::plan::build(doc, 0, &file.text);
        report.resources += model.resources.len();
        collect(&mut report, &model, &files, options);
        return report;
    }
    let templates: Vec<_> = docs.iter().filter(|d| cfn::is_template(d)).collect();
    if templates.is_empty() {
        report
            .skipped
            .push((path.to_path_buf(), "not a CloudFormation template".into()));
        return report;
    }
    report.files = 1;
    for w in &warnings {
        report.errors.push(problem(&files, path, w));
    }
    for doc in templates {
        let model = cfn::build(doc, parameters);
        report.resources += model.resources.len();
        collect(&mut report, &model, &files, options);
    }
    report
}

fn check_module(
    dir: &Path,
    paths: &[PathBuf],
    var_paths: &[PathBuf],
    root: &Path,
    options: &Options,
    local: &Local,
) -> Report {
    let mut report = Report::default();
    let mut files: Vec<Arc<SourceFile>> = Vec::new();
    let mut bodies = Vec::new();
    let all = paths
        .iter()
        .map(|p| (p, false))
        .chain(var_paths.iter().map(|p| (p, true)));
    for (path, vars) in all {
        let text = match read_text(path, &options.overrides, local) {
            Ok(t) => t,
            Err(message) => {
                report.errors.push(Problem {
                    path: path.clone(),
                    location: None,
                    message,
                });
                continue;
            }
        };
        let id = files.len() as FileId;
        files.push(Arc::new(SourceFile::new(path.clone(), text)));
        report.files += 1;
        match terraform::parse_file(path, &files[id as usize].text, id) {
            Ok(parsed) => bodies.push((id, parsed, vars)),
            Err(e) => report.errors.push(problem(&files, path, &e)),
        }
    }
    let tf_files: Vec<TfFile> = bodies
        .iter()
        .map(|(id, parsed, vars)| TfFile {
            id: *id,
            source: parsed.source(),
            text: &files[*id as usize].text,
            vars: *vars,
        })
        .collect();
    let out = terraform::build(
        &tf_files,
        Scope {
            module_dir: dir,
            root,
            next_id: files.len() as FileId,
        },
    );
    let mut loaded = out.loaded;
    loaded.sort_by_key(|f| f.id);
    for f in loaded {
        debug_assert_eq!(f.id as usize, files.len());
        files.push(Arc::new(SourceFile::new(f.path, f.text)));
    }
    let path_of = |e: &ParseError| {
        files
            .get(e.span.file as usize)
            .map(|f| f.path.clone())
            .unwrap_or_else(|| dir.to_path_buf())
    };
    for e in &out.errors {
        report.errors.push(problem(&files, &path_of(e), e));
    }
    for n in &out.notes {
        report.notes.push(problem(&files, &path_of(n), n));
    }
    report.resources += out.model.resources.len();
    report.unit_dir = dir.canonicalize().ok();
    report.instantiated = out.modules;
    collect(&mut report, &out.model, &files, options);
    report
}

fn problem(files: &[Arc<SourceFile>], path: &Path, e: &ParseError) -> Problem {
    let location = files.get(e.span.file as usize).map(|f| {
        // An error at the very end (an unclosed bracket) is shown on the
        // last character, so the snippet has something to point at.
        let mut span = e.span;
        let body = f.text.trim_end();
        if span.start as usize >= body.len()
            && let Some((i, c)) = body.char_indices().last()
        {
            span = Span::new(span.file, i, i + c.len_utf8());
        }
        Location::new(f, span)
    });
    Problem {
        path: path.to_path_buf(),
        location,
        message: e.message.clone(),
    }
}

fn collect(report: &mut Report, model: &Model, files: &[Arc<SourceFile>], options: &Options) {
    let mut violations = rules::run(model, &options.rules, &options.config.options);
    if !options.guard.is_empty() {
        match crate::guard::evaluate(&options.guard, model) {
            Ok(failures) => violations.extend(guard_violations(model, failures)),
            Err(e) => report.errors.push(Problem {
                path: e.path,
                location: None,
                message: format!("Guard rules could not be evaluated: {}", e.message),
            }),
        }
    }
    let candidates: Vec<suppress::Candidate> = violations
        .iter()
        .map(|v| suppress::Candidate {
            rule: v.rule,
            span: v.span,
            line: files
                .get(v.span.file as usize)
                .map_or(0, |f| f.position(v.span.start).0),
            holder: model.holder(v.span),
        })
        .collect();
    let guard_rules: Vec<&'static Rule> = options
        .guard
        .iter()
        .flat_map(|g| g.rules.iter().copied())
        .collect();
    let outcome = suppress::apply(
        model,
        files,
        &candidates,
        &options.rules,
        &guard_rules,
        options.honor_peer_suppressions,
    );
    for (v, suppressed) in violations.into_iter().zip(outcome.suppressed) {
        if suppressed {
            report.suppressed += 1;
            continue;
        }
        let Some(file) = files.get(v.span.file as usize) else {
            continue;
        };
        let bucket = v.bucket.and_then(|i| model.resources.get(i));
        let (resource, resource_type) = match model.holder(v.span) {
            Some(b) => (b.id.clone(), b.source_type.clone()),
            None => match bucket {
                Some(b) => (b.id.clone(), b.cfn_type.clone()),
                None => (String::new(), String::new()),
            },
        };
        let bucket = bucket.and_then(|b| {
            Some((
                b.id.clone(),
                Location::new(files.get(b.head.file as usize)?, b.head),
            ))
        });
        let holder_start = model
            .holder(v.span)
            .filter(|h| h.head.file == v.span.file)
            .map(|h| h.head.start);
        let fix = match (options.fix, v.rule.autofix) {
            (Some(_), Some(autofix)) => (autofix.make)(&v, &fix::Context { model, files }),
            _ => None,
        };
        report.findings.push(Finding {
            rule: v.rule,
            severity: v.severity,
            message: v.message,
            label: v.label,
            location: Location::new(file, v.span),
            resource,
            resource_type,
            bucket: bucket.map(Box::new),
            fix: fix.map(Box::new),
            holder_start,
        });
    }
    for r in outcome.reported {
        let Some(file) = files.get(r.span.file as usize) else {
            continue;
        };
        // A comment trailing the last line of a resource lies past its
        // extent: the code it follows tells the resource.
        let line_start = file.text[..r.span.start as usize]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let code =
            line_start + file.text[line_start..].len() - file.text[line_start..].trim_start().len();
        let (resource, resource_type) = model
            .holder(r.span)
            .or_else(|| model.holder(Span::new(r.span.file, code, code)))
            .map(|b| (b.id.clone(), b.source_type.clone()))
            .unwrap_or_default();
        report.findings.push(Finding {
            rule: r.rule,
            severity: r.rule.severity,
            message: r.message,
            label: r.label,
            location: Location::new(file, r.span),
            resource,
            resource_type,
            bucket: None,
            fix: None,
            holder_start: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    const PUBLIC: &str = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n";
    const PUBLIC_TF: &str =
        "resource \"aws_s3_bucket_acl\" \"a\" {\n  bucket = \"b\"\n  acl    = \"public-read\"\n}\n";

    /// Files found by discovery that vanish, or are replaced by a FIFO,
    /// before they are read: each is an error naming it (never a hang or a
    /// silent skip) and the other files are still checked.
    #[test]
    fn files_that_change_between_discovery_and_reading() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join("kept.yaml"), PUBLIC).unwrap();
        fs::write(root.join("vanish.yaml"), PUBLIC).unwrap();
        fs::write(root.join("fifo.yaml"), PUBLIC).unwrap();
        fs::create_dir(root.join("m")).unwrap();
        fs::write(root.join("m/kept.tf"), PUBLIC_TF).unwrap();
        fs::write(root.join("m/vanish.tf"), PUBLIC_TF).unwrap();
        let options = Options {
            rules: crate::rules::RULES.to_vec(),
            ..Options::default()
        };
        let exclude: discover::Exclude = Arc::new(|_: &Path, _: bool| false);
        let found = discover::discover(&[root.to_path_buf()], &exclude, false);
        assert_eq!(found.units.len(), 4, "{:?}", found.units);

        fs::remove_file(root.join("vanish.yaml")).unwrap();
        fs::remove_file(root.join("m/vanish.tf")).unwrap();
        fs::remove_file(root.join("fifo.yaml")).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(root.join("fifo.yaml"))
            .status()
            .unwrap();
        assert!(made.success());

        let mut report = Report::default();
        for unit in &found.units {
            report.merge(check_unit(unit, &options, &HashMap::new()));
        }
        let mut errors: Vec<(String, String)> = report
            .errors
            .iter()
            .map(|e| {
                let name = e.path.strip_prefix(root).unwrap().display().to_string();
                (name, e.message.clone())
            })
            .collect();
        errors.sort();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert_eq!(errors[0], ("fifo.yaml".into(), "not a regular file".into()));
        assert_eq!(errors[1].0, "m/vanish.tf");
        assert!(errors[1].1.contains("No such file"), "{errors:?}");
        assert_eq!(errors[2].0, "vanish.yaml");
        assert!(errors[2].1.contains("No such file"), "{errors:?}");

        let mut flagged: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.rule.name == "acl-public-read")
            .map(|f| {
                let path = &f.location.file.path;
                path.strip_prefix(root).unwrap().display().to_string()
            })
            .collect();
        flagged.sort();
        assert_eq!(flagged, ["kept.yaml", "m/kept.tf"]);
    }
}
