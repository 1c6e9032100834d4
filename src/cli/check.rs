//! `bucketlint check`: one run over the paths, each under its own
//! configuration, then the reports and the exit code.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::ValueEnum;

use bucketlint::check::{self, Options};
use bucketlint::config::{self, Config, matching};
use bucketlint::findings::Report;
use bucketlint::guard::RulePath;
use bucketlint::report;
use bucketlint::rules::{Rule, Severity};

use super::args::{CheckArgs, Color, Format};
use super::errors::{config_error, guard_error, usage};
use super::output::render;
use super::threads::build_pool;

/// The rules to run: `--select` replaces the configuration's choice
/// (select, extend-select and ignore); `--extend-select` adds to either;
/// `--ignore` adds to its ignores.
fn selected_rules(args: &CheckArgs, config: &Config) -> Result<Vec<&'static Rule>, String> {
    // The rules a flag names, each selector matching at least one.
    let named = |list: &[String], flag: &str| -> Result<Vec<&'static Rule>, String> {
        let mut v = Vec::new();
        for s in list {
            let m = matching(s);
            if m.is_empty() {
                return Err(format!(
                    "unknown rule `{s}` in --{flag} (see `bucketlint rules`)"
                ));
            }
            v.extend(m);
        }
        Ok(v)
    };
    let mut chosen: Vec<&'static Rule> = if args.read.select.is_empty() {
        config.rules()
    } else {
        named(&args.read.select, "select")?
    };
    chosen.extend(named(&args.read.extend_select, "extend-select")?);
    if args.strict_unknown {
        chosen.extend(matching("unknown-value"));
    }
    if args.strict {
        chosen.extend(matching("unused-suppression"));
    }
    let ignored = named(&args.read.ignore, "ignore")?;
    chosen.retain(|r| !ignored.iter().any(|x| x.code == r.code));
    chosen.sort_by_key(|r| r.code);
    chosen.dedup_by_key(|r| r.code);
    Ok(chosen)
}

/// Guard rule files, and the configuration's severities for them: what
/// loaded rules depend on.
type GuardKey = (Vec<RulePath>, BTreeMap<String, Severity>);

/// Runs the check on a thread, and rayon's workers, with stack room for
/// the nesting depth allowed, since the parsers recurse once per level.
pub fn run_with_stack(args: CheckArgs) -> io::Result<ExitCode> {
    let read = &args.read;
    bucketlint::source::set_max_file_size(read.max_file_size, read.max_export_size);
    bucketlint::parse::set_limits(read.max_depth, read.max_alias_nodes);
    let stack = bucketlint::parse::stack_size(read.max_depth);
    build_pool(stack, 0);
    std::thread::Builder::new()
        .name("check".into())
        .stack_size(stack)
        .spawn(move || run_check(args))?
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

fn run_check(args: CheckArgs) -> io::Result<ExitCode> {
    let mut parameters = Default::default();
    for arg in &args.read.parameters {
        if let Err(message) = bucketlint::params::read(arg, &mut parameters) {
            return usage(format!("--parameters {message}"));
        }
    }
    let mut outputs = Vec::new();
    let mut inventory_outputs: super::inventory::Outputs = Vec::new();
    for spec in &args.output_file {
        let Some((format, path)) = spec.split_once('=') else {
            return usage(format!("--output-file `{spec}` is not FORMAT=PATH"));
        };
        if let Some(name) = format.strip_prefix("inventory-") {
            let Some(format) = super::inventory::output_format(name) else {
                return usage(format!(
                    "--output-file: unknown inventory format `{name}` (table, md, json, csv, html)"
                ));
            };
            inventory_outputs.push((format, PathBuf::from(path)));
            continue;
        }
        let Ok(format) = Format::from_str(format, true) else {
            return usage(format!("--output-file: unknown format `{format}`"));
        };
        outputs.push((format, PathBuf::from(path)));
    }
    if let Some(run) = &args.inventory
        && run.group_by.is_some()
        && run.format == super::args::InventoryFormat::Html
    {
        return usage("--group-by applies to the table, Markdown, JSON and CSV, not HTML");
    }
    let filter = match &args.inventory {
        Some(run) => match super::inventory::Filter::parse(&run.filters) {
            Ok(f) => Some(f),
            Err(message) => return usage(message),
        },
        None => None,
    };
    let inventory = args.inventory.is_some() || !inventory_outputs.is_empty();
    // The HTML page shows the lines around each finding.
    let inventory_html = args
        .inventory
        .as_ref()
        .is_some_and(|r| r.format == super::args::InventoryFormat::Html)
        || inventory_outputs
            .iter()
            .any(|(f, _)| *f == super::args::InventoryFormat::Html);
    let mut paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut overrides = HashMap::new();
    if let Some(i) = paths.iter().position(|p| p.as_os_str() == "-") {
        let Some(name) = args.stdin_filename.clone() else {
            return usage("reading standard input (`-`) needs --stdin-filename to tell the format");
        };
        let mut text = String::new();
        if let Err(e) = io::stdin().read_to_string(&mut text) {
            return usage(format!("standard input: {e}"));
        }
        paths[i] = name.clone();
        overrides.insert(name, text);
    }
    let shown_paths = paths
        .iter()
        .map(|p| format!("`{}`", p.display()))
        .collect::<Vec<_>>()
        .join(", ");
    // The repository at the revision the findings are compared with.
    let earlier = match &args.new_since {
        Some(rev) => match super::since::read(rev) {
            Ok(e) => Some(e),
            Err(message) => return usage(message),
        },
        None => None,
    };
    let mut existing = 0;
    let accepted = match &args.baseline {
        Some(path) => match bucketlint::suppress::baseline::read(path) {
            Ok(a) => Some(a),
            Err(message) => return usage(format!("--baseline {message}")),
        },
        None => None,
    };
    // Paths are checked under the configuration found for each of them.
    let mut groups: BTreeMap<Option<PathBuf>, Vec<PathBuf>> = BTreeMap::new();
    for path in paths {
        let config = if args.read.isolated {
            None
        } else if let Some(c) = &args.read.config {
            Some(c.clone())
        } else {
            config::for_path(&path)
        };
        groups.entry(config).or_default().push(path);
    }
    // Guard rule files are read and checked once per set of files.
    let mut guard_sets: HashMap<GuardKey, Arc<Vec<bucketlint::guard::GuardFile>>> = HashMap::new();
    let mut report = Report::default();
    let mut rules: Vec<&'static Rule> = Vec::new();
    let mut failing = false;
    let origin = match args.read.config.is_some() {
        true => config::Origin::Named,
        false => config::Origin::Found,
    };
    for (config_path, paths) in groups {
        let config = Arc::new(match config_path {
            Some(path) => match config::load(&path, origin) {
                Ok(c) => c,
                Err(e) => return config_error(e),
            },
            None => Config::default(),
        });
        let chosen = match selected_rules(&args, &config) {
            Ok(r) => r,
            Err(message) => return usage(message),
        };
        let guard_paths: Vec<RulePath> = args
            .guard_rules
            .iter()
            .map(|p| RulePath {
                path: p.clone(),
                within: None,
            })
            .chain(config.guard_rules.iter().map(|p| RulePath {
                path: p.clone(),
                within: config.boundary.clone(),
            }))
            .collect();
        let key = (guard_paths, config.guard_severity.clone());
        let guard = match guard_sets.get(&key) {
            Some(g) => Arc::clone(g),
            None => match bucketlint::guard::load(&key.0, Severity::Medium, &key.1) {
                Ok(g) => {
                    let g = Arc::new(g);
                    rules.extend(g.iter().flat_map(|f| f.rules.iter().copied()));
                    guard_sets.insert(key, Arc::clone(&g));
                    g
                }
                Err(e) => return guard_error(&e),
            },
        };
        let threshold = match args.fail_on {
            Some(f) => f.severity(),
            None => config.fail_on.unwrap_or(Severity::Info),
        };
        let overrides: HashMap<PathBuf, String> = overrides
            .iter()
            .filter(|(p, _)| paths.contains(p))
            .map(|(p, t)| (p.clone(), t.clone()))
            .collect();
        let options = |paths: Vec<PathBuf>, current: bool| Options {
            paths,
            rules: chosen.clone(),
            parameters: parameters.clone(),
            var_files: args.read.var_file.clone(),
            overrides: if current {
                overrides.clone()
            } else {
                HashMap::new()
            },
            honor_peer_suppressions: args.honor_peer_suppressions,
            config: Arc::clone(&config),
            force_exclude: args.read.force_exclude,
            follow_symlinks: args.read.follow_symlinks,
            panic_on: None,
            fix: match (
                current && (args.fix || args.diff || args.unsafe_fixes),
                args.unsafe_fixes,
            ) {
                (false, _) => None,
                (true, false) => Some(bucketlint::fix::Safety::Safe),
                (true, true) => Some(bucketlint::fix::Safety::Unsafe),
            },
            diff: current && args.diff,
            // JSON reports carry each finding's fix for tools to apply.
            offer_fixes: current
                && (matches!(args.format, Format::Json | Format::JsonLines)
                    || outputs
                        .iter()
                        .any(|(f, _)| matches!(f, Format::Json | Format::JsonLines))),
            guard: Arc::clone(&guard),
            show_source: args.format == Format::Full
                || outputs.iter().any(|(f, _)| *f == Format::Full)
                || inventory_html,
            inventory,
            findings: args.inventory.is_none(),
            accounts: Arc::default(),
        };
        let mut part = check::run(&options(paths.clone(), true));
        // Only what the revision did not have: its files checked the same
        // way, matched to today's by what the finding is about and git's
        // renames.
        if let Some(e) = &earlier {
            let then: Vec<PathBuf> = paths
                .iter()
                .filter_map(|p| e.then(p))
                .filter(|p| p.exists())
                .collect();
            if !then.is_empty() {
                let before = check::run(&options(then, false));
                existing += bucketlint::suppress::fingerprint::drop_existing(
                    &mut part.findings,
                    &before.findings,
                    |f| e.name_now(&f.location.file.path),
                );
            }
        }
        if let Some(accepted) = &accepted
            && args.write_baseline.is_none()
        {
            part.baselined = bucketlint::suppress::baseline::filter(&mut part.findings, accepted);
        }
        failing |= part.findings.iter().any(|f| f.severity >= threshold);
        report.merge(part);
        rules.extend(chosen);
    }
    report.sort();
    if let Some(rev) = &args.new_since {
        report.since = Some((rev.clone(), existing));
    }
    // A run that checked nothing is not a pass: an empty folder, a typo in
    // a path, only files that are not templates.
    if report.files == 0 && report.errors.is_empty() && !args.read.allow_empty {
        report.errors.push(bucketlint::findings::Problem {
            path: args.paths.first().cloned().unwrap_or_else(|| PathBuf::from(".")),
            location: None,
            message: format!(
                "no CloudFormation template or Terraform file found in {shown_paths}: nothing was checked (--allow-empty accepts that{})",
                if report.skipped.is_empty() { "" } else { "; -v lists the files passed over" }
            ),
        });
    }
    if !args.verbose {
        report.skipped.clear();
    }
    // With --strict, what was not checked (a module not installed) also
    // means the run could not check everything.
    let incomplete = !report.errors.is_empty() || (args.strict && !report.notes.is_empty());
    rules.sort_by_key(|r| r.code);
    rules.dedup_by_key(|r| r.code);
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => io::stdout().is_terminal() && !no_color,
    };
    if inventory {
        let mut rows: Vec<&bucketlint::inventory::Bucket> = report
            .buckets
            .iter()
            .filter(|b| filter.as_ref().is_none_or(|f| f.keeps(b)))
            .collect();
        // Worst exposure first (public, unknown, blocked, cross-account,
        // private), then by place.
        rows.sort_by(|a, b| {
            (
                a.exposure.level,
                &a.location.file.path,
                a.location.start,
                &a.id,
            )
                .cmp(&(
                    b.exposure.level,
                    &b.location.file.path,
                    b.location.start,
                    &b.id,
                ))
        });
        for (format, path) in &inventory_outputs {
            let mut file = BufWriter::new(std::fs::File::create(path)?);
            let table = super::inventory::Table::FILE;
            super::inventory::write(
                *format,
                &rows,
                &report.elsewhere,
                false,
                table,
                args.markdown_limit,
                &mut file,
            )?;
            file.flush()?;
        }
        if let Some(run) = &args.inventory {
            // What could not be read goes to standard error; the listing
            // stays whole on standard output.
            let problems = report.errors.iter().map(|p| ("error", p));
            for (kind, p) in problems.chain(report.notes.iter().map(|p| ("note", p))) {
                let at = p
                    .location
                    .as_ref()
                    .map(|l| format!(":{}:{}", l.line, l.column))
                    .unwrap_or_default();
                eprintln!("{}{at}: {kind}: {}", p.path.display(), p.message);
            }
            let stdout = io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            match run.group_by {
                Some(_) => super::inventory::write_accounts(run.format, &rows, &mut out)?,
                None => {
                    let table = super::inventory::Table::terminal(run.wide);
                    super::inventory::write(
                        run.format,
                        &rows,
                        &report.elsewhere,
                        color,
                        table,
                        None,
                        &mut out,
                    )?
                }
            }
            out.flush()?;
            return Ok(if incomplete {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            });
        }
    }
    if let Some(path) = &args.write_baseline {
        bucketlint::suppress::baseline::write(path, &report.findings)?;
        eprintln!(
            "bucketlint: wrote {} findings to {}",
            report.findings.len(),
            path.display()
        );
        return Ok(if report.errors.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(2)
        });
    }

    for (format, path) in &outputs {
        let mut file = BufWriter::new(std::fs::File::create(path)?);
        render(*format, &report, &rules, &args, false, &mut file)?;
        file.flush()?;
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let fixes_done = |verb: &str| -> String {
        let mut applied = report.applied.clone();
        applied.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
        applied
            .iter()
            .map(|a| {
                format!(
                    "{verb} {}:{}:{}: {} {}: {}\n",
                    a.path.to_string_lossy().replace('\\', "/"),
                    a.line,
                    a.column,
                    a.rule.code,
                    a.rule.name,
                    a.note
                )
            })
            .collect()
    };
    if args.diff {
        // The diff is the output; what it leaves goes to standard error.
        for d in &report.diffs {
            write!(out, "{d}")?;
        }
        out.flush()?;
        if !args.quiet {
            eprint!("{}", fixes_done("would fix"));
            eprintln!("{}", report::summary(&report));
        }
        return Ok(if incomplete {
            ExitCode::from(2)
        } else if !args.exit_zero && (failing || !report.diffs.is_empty()) {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        });
    }
    if matches!(args.format, Format::Full | Format::Concise) && !args.quiet {
        write!(out, "{}", fixes_done("fixed"))?;
    }
    render(args.format, &report, &rules, &args, color, &mut out)?;
    // The JSON report lists them itself; other formats keep their
    // output machine-readable and say it on standard error.
    if !matches!(args.format, Format::Json) {
        for (path, why) in &report.skipped {
            match args.format {
                Format::Full => writeln!(out, "skipped {}: {why}", path.display())?,
                _ => eprintln!("skipped {}: {why}", path.display()),
            }
        }
    }
    out.flush()?;

    Ok(if incomplete {
        ExitCode::from(2)
    } else if !args.exit_zero && failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
