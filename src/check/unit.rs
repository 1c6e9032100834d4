//! Checking one unit (a template, or a Terraform module folder): read,
//! parse, build the model, run the rules and Guard, apply suppressions, and
//! turn what is left into findings.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::options::Options;
use crate::access::Fleet;
use crate::boundary::Boundary;
use crate::discover::Unit;
use crate::findings::{Finding, Location, Problem, Report};
use crate::fix;
use crate::inventory::{self, Source};
use crate::model::terraform::{self, Scope, TfFile};
use crate::model::{Model, cfn, deployed};
use crate::parse::{ParseError, json, yaml};
use crate::rules::registry;
use crate::rules::rule::{Rule, Violation};
use crate::source::{FileId, SourceFile, Span};
use crate::suppress;
use crate::tree::Value;

/// A file's text: as fixed so far, else from the overrides (an editor
/// buffer), else from disk.
pub(super) fn read_text(
    path: &Path,
    overrides: &HashMap<PathBuf, String>,
    local: &Local,
) -> Result<String, String> {
    if !local.is_empty()
        && let Some(text) = local.get(&crate::source::normalize(path))
    {
        return Ok(text.clone());
    }
    if let Some(text) = overrides.get(path) {
        return Ok(text.strip_prefix('\u{feff}').unwrap_or(text).to_string());
    }
    crate::source::read_text(path)
}

/// Guard failures as violations, less those the resource suppresses the
/// way Guard does (`Metadata: guard: SuppressedRules: [NAME]`).
fn guard_violations(model: &Model, failures: Vec<crate::guard::Failure>) -> Vec<Violation> {
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
        .map(|f| Violation {
            rule: f.rule,
            severity: f.rule.severity,
            label: format!("Guard rule {}", f.rule.name),
            message: f.message,
            span: f.span,
            bucket: None,
            witness: None,
        })
        .collect()
}

/// Texts that replace what is on disk for one unit: the fixed files.
pub(super) type Local = HashMap<PathBuf, String>;

pub(super) fn check_unit(unit: &Unit, options: &Options, local: &Local) -> Report {
    match unit {
        Unit::Template(path, root) => check_template(path, root, options, local),
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

fn check_template(path: &Path, root: &Boundary, options: &Options, local: &Local) -> Report {
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
    // a Terraform plan `planned_values`, a state `root_module`, an AWS
    // Config export `resourceType`.
    if !text.contains("Resources")
        && !text.contains("AWSTemplateFormatVersion")
        && !text.contains("planned_values")
        && !text.contains("root_module")
        && !text.contains("\"lineage\"")
        && !deployed::might_be_export(&text)
        && !crate::source::looks_like_export(path, text.as_bytes())
    {
        report
            .skipped
            .push((path.to_path_buf(), "not a CloudFormation template".into()));
        return report;
    }
    let file = Arc::new(SourceFile::new(path.to_path_buf(), text));
    let files = [Arc::clone(&file)];
    // An AWS Config export: deployed buckets, read an item at a time.
    if let Some(export) = deployed::items(&file.text) {
        report.exports = 1;
        let mut summary = deployed::read(0, &export, &options.accounts, |model| {
            report.resources += model.resources.len();
            collect(&mut report, &model, &files, options, Source::Config);
        });
        report.accounts = std::mem::take(&mut summary.accounts);
        report.accounts_without = std::mem::take(&mut summary.accounts_without);
        if !summary.not_recorded.is_empty() {
            let n = summary.not_recorded.len();
            let mut names = summary.not_recorded[..n.min(10)].join(", ");
            if n > 10 {
                names.push_str(&format!(" and {} more", n - 10));
            }
            report.notes.push(Problem {
                path: path.to_path_buf(),
                location: None,
                message: format!(
                    "{n} bucket item{} that AWS Config does not record (ResourceNotRecorded, ResourceDeletedNotRecorded) say nothing of {}, so nothing is judged: {names}",
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "its bucket" } else { "their buckets" },
                ),
            });
        }
        if summary.without_account > 0 {
            report.notes.push(Problem {
                path: path.to_path_buf(),
                location: None,
                message: format!(
                    "{} bucket item{} no account (neither `accountId` nor `awsAccountId`): {} judged as `{}`, which filters, groups and ignore entries by account cannot match",
                    summary.without_account,
                    if summary.without_account == 1 { " names" } else { "s name" },
                    if summary.without_account == 1 { "it is" } else { "they are" },
                    deployed::UNKNOWN_ACCOUNT,
                ),
            });
        }
        report.bucket_accounts = std::mem::take(&mut summary.bucket_accounts);
        for e in &summary.errors {
            report.errors.push(problem(&files, path, e));
        }
        report.files =
            usize::from(summary.buckets > 0 || summary.errors.is_empty() && report.resources > 0);
        if report.resources == 0 && summary.errors.is_empty() {
            let mut why = format!(
                "an AWS Config export with no current S3 bucket item ({} items of other resource types",
                summary.other
            );
            if summary.deleted > 0 {
                why.push_str(&format!(
                    ", {} buckets recorded as deleted",
                    summary.deleted
                ));
            }
            report.skipped.push((path.to_path_buf(), why + ")"));
        }
        return report;
    }
    let (docs, warnings) = match parse_docs(&file) {
        Ok(p) => p,
        Err(e)
            if looks_like_template(&file.text)
                || crate::source::looks_like_export(path, file.text.as_bytes()) =>
        {
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
        let source = match doc.get("planned_values") {
            Some(_) => Source::Plan,
            None => Source::State,
        };
        collect(&mut report, &model, &files, options, source);
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
    report.unit_dir = path.canonicalize().ok();
    report.unit_path = Some(path.to_path_buf());
    for w in &warnings {
        report.errors.push(problem(&files, path, w));
    }
    for doc in templates {
        let model = cfn::build(doc, parameters);
        report.resources += model.resources.len();
        collect(&mut report, &model, &files, options, cfn_source(doc));
        // Fixes apply to each file in its own unit.
        if options.fix.is_none() {
            let mut seen = report.unit_dir.iter().cloned().collect();
            let mut nest = Nest {
                root,
                options,
                local,
                visited: Default::default(),
                told: Default::default(),
            };
            nest.check(&file, &model, &mut report, &mut seen);
        }
    }
    report
}

/// What the inventory says a template is: SAM when it declares the
/// serverless transform.
fn cfn_source(doc: &Value) -> Source {
    if cfn::is_sam(doc) {
        Source::Sam
    } else {
        Source::CloudFormation
    }
}

/// The documents of a JSON or YAML file, and the problems that did not
/// stop reading it.
pub(super) fn parse_docs(file: &SourceFile) -> Result<(Vec<Value>, Vec<ParseError>), ParseError> {
    if file.is_json() {
        json::parse(&file.text, json::Placement::At(0, 0)).map(|d| (vec![d.value], d.warnings))
    } else {
        yaml::parse(&file.text, 0).map(|d| (d.docs, d.warnings))
    }
}

/// The construct path the AWS CDK records on each resource it synthesized
/// (`Metadata: aws:cdk:path`), by logical id; read once per model, empty
/// for anything the CDK did not write.
fn cdk_paths(model: &Model) -> HashMap<&str, &str> {
    model
        .resources
        .iter()
        .filter_map(|r| {
            let path = r.attributes.path(&["Metadata", "aws:cdk:path"])?.as_str()?;
            Some((r.id.as_str(), path))
        })
        .collect()
}

/// Whether a file is in a CDK output folder (`cdk.out`).
fn in_cdk_out(path: &Path) -> bool {
    path.components().any(|c| c.as_os_str() == "cdk.out")
}

/// Deepest chain of local nested stacks followed.
const MAX_NESTING: usize = 8;

/// Nested stack checks one template makes at most, at every level.
const MAX_NESTED_VISITS: usize = 1_000;

/// What checking nested stacks needs: the boundary their templates must
/// stay in, and how the run reads files.
struct Nest<'a> {
    root: &'a Boundary,
    options: &'a Options,
    local: &'a Local,
    /// Templates checked, with the parameters they were given.
    visited: std::collections::HashSet<(PathBuf, Vec<String>)>,
    /// Whether the note on too many nested stacks was given.
    told: bool,
}

impl Nest<'_> {
    /// Nested stacks whose template is a local file (`TemplateURL:
    /// ./child.yaml`, as `aws cloudformation package` and SAM accept before
    /// packaging): each child is checked with the parameters its parent
    /// passes, and its findings say so. The child's own unit then reports
    /// through its parents only (`instantiated`). A template the repository
    /// names is read only inside its boundary.
    fn check(
        &mut self,
        parent: &Arc<SourceFile>,
        model: &Model,
        report: &mut Report,
        seen: &mut Vec<PathBuf>,
    ) {
        let (options, local) = (self.options, self.local);
        for r in &model.resources {
            let key = match r.cfn_type.as_str() {
                "AWS::CloudFormation::Stack" => "TemplateURL",
                "AWS::Serverless::Application" => "Location",
                _ => continue,
            };
            let Some(url) = r.properties.get(key) else {
                continue;
            };
            let Some(target) = url.as_str() else {
                continue;
            };
            let not_checked = |why: String| Problem {
                path: parent.path.clone(),
                location: Some(Location::new(parent, url.span)),
                message: format!("nested stack `{}` {why}, so it is not checked", r.id),
            };
            if target.contains("://") || target.starts_with("s3:") {
                report.notes.push(not_checked(format!(
                    "comes from `{target}`, which bucketlint does not fetch"
                )));
                continue;
            }
            let parent_line = parent.position(r.head.start).0;
            let parent_name = parent.name();
            // `./stacks/x.yaml` is named as discovery names it: without `.`.
            let path: PathBuf = parent
                .path
                .parent()
                .unwrap_or(Path::new("."))
                .join(target)
                .components()
                .filter(|c| !matches!(c, std::path::Component::CurDir))
                .collect();
            let canonical = match self.root.admit(&path) {
                Ok(c) => c,
                Err(why) => {
                    report.notes.push(not_checked(format!(
                        "names a template, `{target}`, that {why}"
                    )));
                    continue;
                }
            };
            if seen.contains(&canonical) || seen.len() > MAX_NESTING {
                continue;
            }
            // What the parent passes: known values, and names set to values
            // not known statically.
            let mut given = cfn::Parameters::new();
            let mut unknown = Vec::new();
            let mut shown = Vec::new();
            for e in r
                .properties
                .get("Parameters")
                .map(Value::entries)
                .unwrap_or_default()
            {
                match e.value.as_str() {
                    Some(v) => {
                        given.insert(e.key.clone(), v.to_string());
                        shown.push((e.key.clone(), format!("`{v}`")));
                    }
                    None => {
                        unknown.push(e.key.clone());
                        shown.push((e.key.clone(), "a value not known statically".into()));
                    }
                }
            }
            // A template is checked once per set of parameters: the same
            // child reached through many parents gives the same findings,
            // and fanning out must not multiply across levels.
            let mut key: Vec<String> = given.iter().map(|(k, v)| format!("{k}={v}")).collect();
            key.extend(unknown.iter().map(|k| format!("{k}?")));
            key.sort();
            if !self.visited.insert((canonical.clone(), key)) {
                continue;
            }
            if self.visited.len() > MAX_NESTED_VISITS {
                if !std::mem::replace(&mut self.told, true) {
                    report.notes.push(not_checked(format!(
                        "would make more than {MAX_NESTED_VISITS} nested stack checks in this template, counting every level"
                    )));
                }
                continue;
            }
            let text = match read_text(&path, &options.overrides, local) {
                Ok(t) => t,
                Err(message) => {
                    report.errors.push(Problem {
                        path,
                        location: None,
                        message,
                    });
                    continue;
                }
            };
            let child = Arc::new(SourceFile::new(path.clone(), text));
            let files = [Arc::clone(&child)];
            let docs = match parse_docs(&child) {
                Ok((d, _)) => d,
                Err(e) => {
                    report.errors.push(problem(&files, &path, &e));
                    continue;
                }
            };
            let Some(doc) = docs.iter().find(|d| cfn::is_template(d)) else {
                continue;
            };
            let child_model = cfn::build_nested(doc, &given, &unknown);
            let mut found = Report::default();
            collect(&mut found, &child_model, &files, options, cfn_source(doc));
            // The child's buckets, as the parent deploys them.
            for mut b in found.buckets {
                b.id = format!("{}/{}", r.id, b.id);
                report.buckets.push(b);
            }
            for mut f in found.findings {
                let text = &child.text[f.location.start as usize..f.location.end as usize];
                let from: Vec<String> = shown
                    .iter()
                    .filter(|(name, _)| text.contains(name.as_str()))
                    .map(|(name, v)| format!("parameter `{name}` ({v})"))
                    .collect();
                f.message = if from.is_empty() {
                    format!(
                        "{} Checked as nested stack `{}` of {parent_name}:{parent_line}, with the parameters it passes.",
                        f.message, r.id
                    )
                } else {
                    format!(
                        "{} The value comes from {}, which nested stack `{}` passes in {parent_name}:{parent_line}.",
                        f.message,
                        from.join(", "),
                        r.id
                    )
                };
                report.findings.push(f);
            }
            report.errors.extend(found.errors);
            report.notes.extend(found.notes);
            report.suppressed += found.suppressed;
            report.instantiated.push(canonical.clone());
            seen.push(canonical);
            self.check(&child, &child_model, report, seen);
            seen.pop();
        }
    }
}

fn check_module(
    dir: &Path,
    paths: &[PathBuf],
    var_paths: &[PathBuf],
    root: &Boundary,
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
    let installed = match terraform::Installed::read(dir, root) {
        Ok(i) => i,
        Err(message) => {
            report.errors.push(Problem {
                path: dir.join(".terraform/modules/modules.json"),
                location: None,
                message: format!(
                    "the modules `terraform init` installed cannot be read: {message}"
                ),
            });
            terraform::Installed::default()
        }
    };
    // Modules and policy files read through the same replacements as the
    // unit's own files: a fix pass must check the text it fixed.
    let texts: terraform::Texts = options
        .overrides
        .iter()
        .chain(local.iter())
        .map(|(p, t)| (crate::source::normalize(p), t.clone()))
        .collect();
    let budget = terraform::Budget::default();
    let out = terraform::build(
        &tf_files,
        Scope {
            module_dir: dir,
            root,
            next_id: files.len() as FileId,
            installed: &installed,
            key: "",
            texts: &texts,
            budget: &budget,
        },
    );
    let mut loaded = out.loaded;
    loaded.sort_by_key(|f| f.id);
    for f in loaded {
        debug_assert_eq!(f.id as usize, files.len());
        files.push(Arc::new(SourceFile::new(f.path, f.text.to_string())));
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
    report.unit_path = Some(dir.to_path_buf());
    report.instantiated = out.modules;
    collect(&mut report, &out.model, &files, options, Source::Terraform);
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

fn collect(
    report: &mut Report,
    model: &Model,
    files: &[Arc<SourceFile>],
    options: &Options,
    source: Source,
) {
    // Accounts whose Block Public Access the organisation sets: for their
    // buckets in the exports of the run.
    let pab = "AWS::S3::AccountPublicAccessBlock".to_string();
    report.accounts.extend(
        model
            .named_account_blocks()
            .into_iter()
            .chain(model.organisation_blocks())
            .map(|(account, v)| (account, pab.clone(), v)),
    );
    report.accounts.extend(crate::access::kept_out(model));
    // Who can reach each bucket, decided once for the rules and the rows.
    let access = Fleet::of(model, &options.config.options.trusted_accounts);
    let mut violations = registry::run(model, &access, &options.rules, &options.config.options);
    // The inventory's rows, by bucket index; each finding is listed on its
    // bucket's row, instance by instance.
    // The drift rule compares rows of templates and exports.
    let rows_wanted = options.inventory || super::drift::enabled(&options.rules);
    let mut rows: HashMap<usize, inventory::Bucket> = match rows_wanted {
        true => inventory::buckets(model, &access, files, source)
            .into_iter()
            .collect(),
        false => HashMap::new(),
    };
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
    let placed: Vec<Placed> = violations.iter().map(|v| place(model, files, v)).collect();
    let candidates: Vec<suppress::Candidate> = violations
        .iter()
        .zip(&placed)
        .map(|(v, p)| suppress::Candidate {
            rule: v.rule,
            span: p.span,
            line: files
                .get(p.span.file as usize)
                .map_or(0, |f| f.position(p.span.start).0),
            holder: model.holder(p.span),
            calls: p.calls.clone(),
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
    // By path: each module call reads the module's files under ids of its
    // own; `same` maps each file id to the first id with its path.
    let same: Vec<usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            files[..i]
                .iter()
                .position(|g| g.path == f.path)
                .unwrap_or(i)
        })
        .collect();
    let mut seen: HashMap<(&'static str, crate::rules::Severity, usize, u32, u32), usize> =
        HashMap::new();
    // Files of generated output whose findings had a fix to offer.
    let mut withheld: Vec<PathBuf> = Vec::new();
    // Findings a fix would have closed by taking a choice away.
    let mut chosen: Vec<Location> = Vec::new();
    let constructs = cdk_paths(model);
    for ((v, suppressed), p) in violations.into_iter().zip(outcome.suppressed).zip(placed) {
        // Exports have no comments: `[[ignore]]` entries name their buckets.
        let ignored = match source {
            Source::Config => v
                .bucket
                .and_then(|i| model.resources.get(i))
                .and_then(|b| options.config.bucket_ignored(&b.id, v.rule)),
            _ => None,
        };
        if let Some(entry) = ignored {
            report.ignored_one(entry);
        }
        let Some(file) = files.get(p.span.file as usize) else {
            continue;
        };
        // A finding in a block that exists only for some inputs says so.
        let mut message = match p.holder.and_then(|h| h.condition.as_deref()) {
            Some(condition) => format!(
                "{} This holds only for some inputs: {condition}.",
                v.message
            ),
            None => v.message.clone(),
        };
        // So does one in a branch of `Fn::If` kept because its condition
        // is not known.
        if let Some(when) = model.branch_of(v.span) {
            message = format!("{message} This holds only when {when}.");
        }
        if let Some(note) = &p.note {
            message = format!("{message} {note}");
        }
        let accepted = suppressed || ignored.is_some();
        // The row lists what was found on its bucket, accepted or not: a
        // suppression accepts a finding, it does not change the bucket.
        if let Some(row) = v.bucket.and_then(|i| rows.get_mut(&i)) {
            let noted = inventory::Noted {
                rule: v.rule,
                severity: v.severity,
                message: message.clone(),
                location: Location::new(file, p.span),
            };
            match accepted {
                true => row.accepted.push(noted),
                false => row.findings.push(noted),
            }
        } else if rows_wanted && !accepted && v.bucket.is_none_or(|i| !model.resources[i].declared)
        {
            report.elsewhere.note(v.rule.code, v.severity);
        }
        if accepted {
            report.suppressed += 1;
            continue;
        }
        if !options.findings {
            continue;
        }
        // The same finding in several instances of a module is one finding
        // that lists them; at another severity it is another finding (one
        // instance public, another blocked), never hidden in a list.
        let key = (
            v.rule.code,
            v.severity,
            same[p.span.file as usize],
            p.span.start,
            p.span.end,
        );
        if let Some(&first) = seen.get(&key) {
            // Another instance, or another bucket sharing the text (a YAML
            // anchor merged into several resources).
            let bucket = v
                .bucket
                .and_then(|i| model.resources.get(i))
                .map(|b| b.id.as_str());
            let f = &mut report.findings[first];
            match p.holder {
                Some(h) if h.id != f.resource => f.also_in(&h.id, None),
                _ => {
                    if let Some(b) = bucket
                        && f.bucket.as_deref().is_none_or(|(id, _)| id != b)
                    {
                        f.also_in(b, None);
                    }
                }
            }
            continue;
        }
        seen.insert(key, report.findings.len());
        let bucket = v.bucket.and_then(|i| model.resources.get(i));
        let (resource, resource_type) = match p.holder {
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
            .holder(p.span)
            .filter(|h| h.head.file == p.span.file)
            .map(|h| h.head.start);
        // Generated CDK output is fixed in the construct that makes it: a
        // finding there names the construct, and gets no fix.
        let construct = p
            .holder
            .and_then(|h| constructs.get(h.id.as_str()).copied());
        let generated = construct.is_some() || in_cdk_out(&file.path);
        // An AWS Config export, a plan and a state record what Terraform or
        // AWS wrote: nothing to edit (the fix belongs in the configuration).
        let fixable = !matches!(source, Source::Config | Source::Plan | Source::State);
        let fix = match (
            fixable && (options.fix.is_some() || options.offer_fixes),
            v.rule.autofix,
        ) {
            (true, Some(autofix)) if !generated => {
                // Values callers passed, on this instance's chain of calls.
                let chain = p.instance.as_str();
                let passed = model
                    .passed
                    .iter()
                    .filter(|x| {
                        chain == x.instance
                            || chain
                                .strip_prefix(x.instance.as_str())
                                .is_some_and(|rest| rest.starts_with('.'))
                    })
                    .map(|x| (x.used, x.given))
                    .collect();
                let ctx = fix::Context::new(model, files, passed);
                let made = (autofix.make)(&v, &ctx);
                if made.is_none() && model.is_chosen(ctx.written(v.span)) {
                    chosen.push(Location::new(file, p.span));
                }
                made
            }
            (true, Some(_)) => {
                withheld.push(file.path.clone());
                None
            }
            _ => None,
        };
        if let Some(construct) = construct {
            message = format!("{message} (CDK construct `{construct}`)");
        }
        report.findings.push(Finding {
            rule: v.rule,
            severity: v.severity,
            message,
            label: v.label,
            location: Location::new(file, p.span),
            resource,
            resource_type,
            bucket: bucket.map(Box::new),
            fix: fix.map(Box::new),
            holder_start,
            root: None,
            also: Vec::new(),
            also_in: Vec::new(),
            witness: v.witness,
        });
    }
    let mut rows: Vec<inventory::Bucket> = rows.into_values().collect();
    rows.sort_by_key(|b| (b.location.file.path.clone(), b.location.start, b.id.clone()));
    report.buckets.extend(rows);
    withheld.dedup();
    for path in withheld {
        if options.fix.is_some() {
            report.notes.push(Problem {
                path,
                location: None,
                message: "generated by the AWS CDK: no fix is applied here; change the construct each finding names, then synthesize again".into(),
            });
        }
    }
    // Said once each, whatever the instances (`Report::sort`).
    if options.fix.is_some() {
        for at in chosen {
            report.notes.push(Problem {
                path: at.file.path.clone(),
                location: Some(at),
                message: "no fix: a condition, a variable, `count` or `for_each` chooses this value, and editing it would take the choice away from every other input; change the input that chooses it".into(),
            });
        }
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
            root: None,
            also: Vec::new(),
            also_in: Vec::new(),
            witness: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover;
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
            rules: crate::rules::registry::RULES.to_vec(),
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

/// Where a violation is shown, and the block it is about.
struct Placed<'m> {
    /// The primary location: the violation's own span, or the caller's
    /// argument that set the value, or the call of a module the user
    /// cannot edit.
    span: Span,
    /// The block the finding names (a module's resource).
    holder: Option<&'m crate::model::Block>,
    /// The module calls of the instance it is in, outermost first.
    calls: Vec<&'m crate::model::Block>,
    /// Said after the message when the finding is shown away from the
    /// resource.
    note: Option<String>,
    /// The module instance the finding is in (empty at the root).
    instance: String,
}

/// Places a violation: in a module instance, at the caller's argument
/// when the offending value came from it (following it up the calls), or
/// at the outermost call the user can edit when the module is one that
/// `terraform init` downloaded.
fn place<'m>(model: &'m Model, files: &[Arc<SourceFile>], v: &Violation) -> Placed<'m> {
    // A value inside a JSON string of an export is shown at the string,
    // the message saying where inside it is.
    let (real, inside) = model.unembed(v.span);
    if let Some(path) = inside {
        return Placed {
            span: real,
            holder: model.holders(real).first().copied(),
            calls: Vec::new(),
            note: Some(format!("(In the export: {path}.)")),
            instance: String::new(),
        };
    }
    let holders = model.holders(v.span);
    let bucket_instance = v
        .bucket
        .and_then(|i| model.resources.get(i))
        .map(|b| instance_of(&b.id));
    let holder = holders
        .iter()
        .copied()
        .find(|h| Some(instance_of(&h.id)) == bucket_instance)
        .or_else(|| holders.first().copied());
    let instance = holder
        .map(|h| instance_of(&h.id))
        .or(bucket_instance)
        .unwrap_or("");
    let calls = call_blocks(model, instance);
    let mut span = v.span;
    let mut at = instance.to_string();
    // Follow the value up the calls while a caller passed it.
    while !at.is_empty() {
        match model
            .passed
            .iter()
            .find(|p| p.instance == at && p.used == span)
        {
            Some(p) => {
                span = p.given;
                at = parent_instance(&at).to_string();
            }
            None => break,
        }
    }
    let downloaded = |s: Span| {
        files
            .get(s.file as usize)
            .is_some_and(|f| f.path.components().any(|c| c.as_os_str() == ".terraform"))
    };
    let passed = span != v.span;
    // Only a module's files can be ones `terraform init` installed.
    if !calls.is_empty()
        && downloaded(span)
        && let Some(call) = calls.iter().find(|c| !downloaded(c.head))
    {
        span = call.head;
    }
    let note = match (span != v.span, holder, files.get(v.span.file as usize)) {
        (true, Some(h), Some(f)) => {
            let (line, _) = f.position(v.span.start);
            let chain =
                h.id.replace(".aws_", " → aws_")
                    .replace(".data.", " → data.");
            let at = format!("{}:{line}", f.path.to_string_lossy().replace('\\', "/"));
            Some(match passed && !downloaded(v.span) {
                true => format!("It is set here for `{chain}` ({at})."),
                false if passed => format!(
                    "It is set here for `{chain}` ({at}, in a module `terraform init` installed)."
                ),
                false => format!(
                    "It comes from `{chain}` ({at}), in a module `terraform init` installed."
                ),
            })
        }
        _ => None,
    };
    Placed {
        span,
        holder,
        calls,
        note,
        instance: instance.to_string(),
    }
}

/// The module instance an address is in: `module.a.module.b["x"]` of
/// `module.a.module.b["x"].aws_s3_bucket.this[0]`; empty at the root.
fn instance_of(id: &str) -> &str {
    let mut end = 0;
    let mut rest = id;
    while let Some(after) = rest.strip_prefix("module.") {
        let name_len = after.find(['.', '[']).unwrap_or(after.len());
        let mut len = "module.".len() + name_len;
        let mut tail = &after[name_len..];
        if tail.starts_with('[') {
            // A key may hold dots: skip to the closing bracket.
            let close = tail.find(']').map_or(tail.len(), |i| i + 1);
            len += close;
            tail = &tail[close..];
        }
        if !tail.starts_with('.') {
            break;
        }
        end += len + usize::from(end > 0);
        rest = &tail[1..];
    }
    &id[..end]
}

/// The instance that called `instance`: `module.a` of `module.a.module.b`.
fn parent_instance(instance: &str) -> &str {
    match instance.rfind(".module.") {
        Some(i) => &instance[..i],
        None => "",
    }
}

/// The blocks of the module calls making `instance`, outermost first.
fn call_blocks<'m>(model: &'m Model, instance: &str) -> Vec<&'m crate::model::Block> {
    let mut out = Vec::new();
    let mut at = instance;
    while !at.is_empty() {
        // A call's block has the address without the instance key.
        let parent = parent_instance(at);
        let own = &at[if parent.is_empty() {
            0
        } else {
            parent.len() + 1
        }..];
        let base = own.find('[').map_or(own, |i| &own[..i]);
        let id = match parent.is_empty() {
            true => base.to_string(),
            false => format!("{parent}.{base}"),
        };
        if let Some(b) = model.block(&id) {
            out.push(b);
        }
        at = parent;
    }
    out.reverse();
    out
}

#[cfg(test)]
mod placing {
    use super::{instance_of, parent_instance};

    #[test]
    fn instances_of_addresses() {
        assert_eq!(instance_of("aws_s3_bucket.this"), "");
        assert_eq!(instance_of("module.a.aws_s3_bucket.this[0]"), "module.a");
        assert_eq!(
            instance_of("module.a[0].module.b[\"x.y\"].aws_s3_bucket.this"),
            "module.a[0].module.b[\"x.y\"]"
        );
        assert_eq!(parent_instance("module.a[0].module.b"), "module.a[0]");
        assert_eq!(parent_instance("module.a"), "");
    }
}
