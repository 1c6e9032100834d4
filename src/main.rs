//! The `bucketlint` command line. Exit codes: 0 nothing at or above the
//! failure threshold, 1 findings, 2 something could not be checked (bad
//! input, bad usage).

use std::collections::{BTreeMap, HashMap};
use std::fs::OpenOptions;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use bucketlint::check::{self, Options, Report};
use bucketlint::config::{self, Config, matching};
use bucketlint::report::{self, human, text};
use bucketlint::rules::{self, RULES, Rule, Severity};
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "bucketlint",
    version,
    about = "Finds public S3 buckets and over-broad S3 and IAM policies in CloudFormation and Terraform."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check templates and Terraform modules (files or folders; default ".").
    Check(Box<CheckArgs>),
    /// List every rule with its metadata.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Print a rule's documentation.
    Explain {
        /// Rule code (BL201) or name (policy-public-principal).
        rule: String,
    },
    /// Run the language server (LSP) on standard input and output, for
    /// editors: diagnostics as you type, fixes and rule documentation.
    Server {
        /// Accepted for editors that pass it; standard input and output
        /// are the only transport.
        #[arg(long)]
        stdio: bool,
    },
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files or folders to check; `-` reads one template from standard input.
    paths: Vec<PathBuf>,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = Format::Full)]
    format: Format,
    /// Also write a report in another format to a file: FORMAT=PATH
    /// (for example sarif=results.sarif). Repeatable.
    #[arg(long, value_name = "FORMAT=PATH")]
    output_file: Vec<String>,
    /// The name of the template read from standard input: its format is
    /// told from it, and findings are reported against it.
    #[arg(long, value_name = "PATH")]
    stdin_filename: Option<PathBuf>,
    /// Check only these rules: a code, a name, a code prefix such as BL2, or
    /// `all` (also enables rules that are off by default). Repeatable, or
    /// comma-separated.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    select: Vec<String>,
    /// Do not check these rules (code, name or prefix). Repeatable.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    ignore: Vec<String>,
    /// Also list the values that cannot be known statically (rule
    /// unknown-value), which are otherwise never reported.
    #[arg(long)]
    strict_unknown: bool,
    /// CloudFormation parameter values: a file (AWS CLI JSON list, JSON
    /// object, or Key=Value lines) or Key=Value pairs. Repeatable.
    #[arg(long, value_name = "FILE|KEY=VALUE")]
    parameters: Vec<String>,
    /// Terraform variable file applied to every module, after its own
    /// terraform.tfvars and *.auto.tfvars. Repeatable.
    #[arg(long, value_name = "FILE")]
    var_file: Vec<PathBuf>,
    /// Also report suppressions that match no finding (rule
    /// unused-suppression).
    #[arg(long)]
    strict: bool,
    /// Honour checkov, trivy/tfsec and cfn_nag suppressions of checks that
    /// map to a bucketlint rule.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    honor_peer_suppressions: bool,
    /// Report only findings that this baseline file does not accept.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Write the current findings to this baseline file, then exit with 0.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Exit with 1 only for findings at or above this severity (default:
    /// the configuration's `fail-on`, else info).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    fail_on: Option<FailOn>,
    /// The configuration file for every path, instead of the nearest
    /// bucketlint.toml or .bucketlint.toml in or above each.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Use no configuration file.
    #[arg(long, conflicts_with = "config")]
    isolated: bool,
    /// Apply the configuration's `exclude` to files named on the command
    /// line too (for pre-commit hooks and editors, which name every file).
    #[arg(long)]
    force_exclude: bool,
    /// Follow symbolic links inside the checked folders (links named on
    /// the command line are always followed).
    #[arg(long)]
    follow_symlinks: bool,
    /// Do not read files larger than this (bytes, or with a K, M or G
    /// suffix); they are reported as not checked.
    #[arg(long, value_name = "SIZE", default_value = "64M", value_parser = parse_size)]
    max_file_size: u64,
    /// Refuse files nested deeper than this many levels (at most 10000).
    #[arg(long, value_name = "N", default_value_t = bucketlint::parse::DEFAULT_MAX_DEPTH,
          value_parser = parse_depth)]
    max_depth: usize,
    /// Refuse YAML files whose aliases expand to more than this many nodes.
    #[arg(long, value_name = "N", default_value_t = bucketlint::parse::DEFAULT_MAX_ALIAS_NODES)]
    max_alias_nodes: usize,
    /// AWS CloudFormation Guard rules to evaluate too: a `.guard` file or a
    /// folder of them; repeatable.
    #[arg(long, value_name = "PATH")]
    guard_rules: Vec<PathBuf>,
    /// Apply the safe fixes in place, then report what remains.
    #[arg(long)]
    fix: bool,
    /// Also apply the fixes that may change behaviour a deployment relies
    /// on (implies --fix unless --diff is given).
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of writing them.
    #[arg(long)]
    diff: bool,
    /// Exit with 0 even when there are findings (errors still exit with 2).
    #[arg(long)]
    exit_zero: bool,
    /// Print the findings only: no summary line.
    #[arg(short, long)]
    quiet: bool,
    /// Print the number of findings per rule instead of the findings.
    #[arg(long)]
    statistics: bool,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Also list the files passed over as not being templates.
    #[arg(short, long)]
    verbose: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Full,
    Concise,
    Json,
    JsonLines,
    Sarif,
    Github,
    Junit,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Info,
    Low,
    Medium,
    High,
}

impl FailOn {
    fn severity(self) -> Severity {
        match self {
            FailOn::Info => Severity::Info,
            FailOn::Low => Severity::Low,
            FailOn::Medium => Severity::Medium,
            FailOn::High => Severity::High,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => run_with_stack(*args),
        Command::Rules { format } => list_rules(format),
        Command::Explain { rule } => explain(&rule),
        Command::Server { .. } => serve(),
    };
    match result {
        Ok(code) => code,
        // A closed pipe (`bucketlint check | head`) is not a failure to report.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bucketlint: {e}");
            ExitCode::from(2)
        }
    }
}

/// The rules to run: `--select` replaces the configuration's choice
/// (select, extend-select and ignore); `--ignore` adds to its ignores.
fn selected_rules(args: &CheckArgs, config: &Config) -> Result<Vec<&'static Rule>, String> {
    let mut chosen: Vec<&'static Rule> = if args.select.is_empty() {
        config.rules()
    } else {
        let mut v = Vec::new();
        for s in &args.select {
            let m = matching(s);
            if m.is_empty() {
                return Err(format!(
                    "unknown rule `{s}` in --select (see `bucketlint rules`)"
                ));
            }
            v.extend(m);
        }
        v
    };
    if args.strict_unknown {
        chosen.extend(matching("unknown-value"));
    }
    if args.strict {
        chosen.extend(matching("unused-suppression"));
    }
    for s in &args.ignore {
        let m = matching(s);
        if m.is_empty() {
            return Err(format!(
                "unknown rule `{s}` in --ignore (see `bucketlint rules`)"
            ));
        }
        chosen.retain(|r| !m.iter().any(|x| x.code == r.code));
    }
    chosen.sort_by_key(|r| r.code);
    chosen.dedup_by_key(|r| r.code);
    Ok(chosen)
}

fn usage(message: impl std::fmt::Display) -> io::Result<ExitCode> {
    eprintln!("bucketlint: {message}");
    Ok(ExitCode::from(2))
}

/// Prints a configuration error with the file's text around it.
fn config_error(e: config::Error) -> io::Result<ExitCode> {
    use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic};
    let mut diagnostic = MietteDiagnostic::new(e.message);
    if let Some(span) = e.span {
        diagnostic = diagnostic.with_label(LabeledSpan::at(span, "here"));
    }
    let report = miette::Report::new(diagnostic).with_source_code(miette::NamedSource::new(
        e.path.display().to_string(),
        e.text,
    ));
    let theme = if io::stderr().is_terminal() {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut text = String::new();
    // Wide enough that messages are not wrapped mid-phrase.
    GraphicalReportHandler::new_themed(theme)
        .with_width(200)
        .render_report(&mut text, report.as_ref())
        .map_err(io::Error::other)?;
    eprintln!("bucketlint: configuration file {}", e.path.display());
    eprint!("{text}");
    Ok(ExitCode::from(2))
}

/// `123`, `64K`, `64M`, `1G` (powers of 1024).
/// Guard rule files, and the configuration's severities for them: what
/// loaded rules depend on.
type GuardKey = (Vec<PathBuf>, BTreeMap<String, Severity>);

/// A rule file that does not parse: where, when Guard says, and why.
fn guard_error(e: &bucketlint::guard::RuleError) -> io::Result<ExitCode> {
    let text = std::fs::read_to_string(&e.path).unwrap_or_default();
    match e.position() {
        Some((line, column, what)) if !text.is_empty() => {
            let offset: usize = text
                .split_inclusive('\n')
                .take(line.saturating_sub(1))
                .map(str::len)
                .sum::<usize>()
                + column.saturating_sub(1);
            let offset = offset.min(text.len());
            let diagnostic = miette::MietteDiagnostic::new(format!("invalid Guard rule: {what}"))
                .with_code("guard-rules")
                .with_label(miette::LabeledSpan::at(offset..offset, "here"));
            let report = miette::Report::new(diagnostic)
                .with_source_code(miette::NamedSource::new(e.path.to_string_lossy(), text));
            eprintln!("{report:?}");
        }
        _ => eprintln!(
            "bucketlint: --guard-rules {}: {}",
            e.path.display(),
            e.message
        ),
    }
    Ok(ExitCode::from(2))
}

fn parse_depth(s: &str) -> Result<usize, String> {
    let ceiling = bucketlint::parse::DEPTH_CEILING;
    match s.parse::<usize>() {
        Ok(n) if (1..=ceiling).contains(&n) => Ok(n),
        _ => Err(format!("`{s}` is not a depth from 1 to {ceiling}")),
    }
}

fn parse_size(s: &str) -> Result<u64, String> {
    let (digits, unit) = match s.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => s.split_at(i),
        None => (s, ""),
    };
    let shift = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        _ => return Err(format!("unknown unit `{unit}` (use K, M or G)")),
    };
    let n: u64 = digits.parse().map_err(|_| format!("`{s}` is not a size"))?;
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("`{s}` is too large"))
}

/// rayon's global pool, each worker with `stack` bytes of stack; `threads`
/// 0 for one a core. Building it fails only when a pool already exists,
/// which cannot happen here.
fn build_pool(stack: usize, threads: usize) {
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(stack)
        .build_global();
}

fn serve() -> io::Result<ExitCode> {
    // Two threads at least: one file's check never waits for another's.
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().max(2));
    build_pool(
        bucketlint::parse::stack_size(bucketlint::parse::DEFAULT_MAX_DEPTH),
        threads,
    );
    match bucketlint::server::serve() {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("bucketlint server: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

/// Runs the check on a thread, and rayon's workers, with stack room for
/// the nesting depth allowed, since the parsers recurse once per level.
fn run_with_stack(args: CheckArgs) -> io::Result<ExitCode> {
    bucketlint::source::set_max_file_size(args.max_file_size);
    bucketlint::parse::set_limits(args.max_depth, args.max_alias_nodes);
    let stack = bucketlint::parse::stack_size(args.max_depth);
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
    for arg in &args.parameters {
        if let Err(message) = bucketlint::params::read(arg, &mut parameters) {
            return usage(format!("--parameters {message}"));
        }
    }
    let mut outputs = Vec::new();
    for spec in &args.output_file {
        let Some((format, path)) = spec.split_once('=') else {
            return usage(format!("--output-file `{spec}` is not FORMAT=PATH"));
        };
        let Ok(format) = Format::from_str(format, true) else {
            return usage(format!("--output-file: unknown format `{format}`"));
        };
        outputs.push((format, PathBuf::from(path)));
    }
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
        let config = if args.isolated {
            None
        } else if let Some(c) = &args.config {
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
    for (config_path, paths) in groups {
        let config = Arc::new(match config_path {
            Some(path) => match config::load(&path) {
                Ok(c) => c,
                Err(e) => return config_error(e),
            },
            None => Config::default(),
        });
        let chosen = match selected_rules(&args, &config) {
            Ok(r) => r,
            Err(message) => return usage(message),
        };
        let guard_paths: Vec<PathBuf> = args
            .guard_rules
            .iter()
            .chain(&config.guard_rules)
            .cloned()
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
        let overrides = overrides
            .iter()
            .filter(|(p, _)| paths.contains(p))
            .map(|(p, t)| (p.clone(), t.clone()))
            .collect();
        let mut part = check::run(&Options {
            paths,
            rules: chosen.clone(),
            parameters: parameters.clone(),
            var_files: args.var_file.clone(),
            overrides,
            honor_peer_suppressions: args.honor_peer_suppressions,
            config: Arc::clone(&config),
            force_exclude: args.force_exclude,
            follow_symlinks: args.follow_symlinks,
            panic_on: None,
            fix: match (
                args.fix || args.diff || args.unsafe_fixes,
                args.unsafe_fixes,
            ) {
                (false, _) => None,
                (true, false) => Some(bucketlint::fix::Safety::Safe),
                (true, true) => Some(bucketlint::fix::Safety::Unsafe),
            },
            diff: args.diff,
            guard: Arc::clone(&guard),
            show_source: args.format == Format::Full
                || outputs.iter().any(|(f, _)| *f == Format::Full),
        });
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
    rules.sort_by_key(|r| r.code);
    rules.dedup_by_key(|r| r.code);
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

    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => io::stdout().is_terminal() && !no_color,
    };
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
        return Ok(if !report.errors.is_empty() {
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
    if args.verbose && args.format == Format::Full {
        for (path, why) in &report.skipped {
            writeln!(out, "skipped {}: {why}", path.display())?;
        }
    }
    out.flush()?;

    Ok(if !report.errors.is_empty() {
        ExitCode::from(2)
    } else if !args.exit_zero && failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn render(
    format: Format,
    report: &Report,
    rules: &[&'static Rule],
    args: &CheckArgs,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    if args.statistics && matches!(format, Format::Full | Format::Concise) {
        return statistics(report, out);
    }
    match format {
        Format::Full => {
            let style = human::Style {
                color,
                width: None,
                summary: !args.quiet,
            };
            human::render(report, &style, out)
        }
        Format::Concise => {
            text::concise(report, out)?;
            if !args.quiet {
                writeln!(out, "{}", report::summary(report))?;
            }
            Ok(())
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &report::json::JsonReport(report))?;
            writeln!(out)
        }
        Format::JsonLines => text::json_lines(report, out),
        Format::Sarif => {
            serde_json::to_writer_pretty(&mut *out, &report::sarif::SarifReport { report, rules })?;
            writeln!(out)
        }
        Format::Github => {
            // Past the annotation limit, findings go to the step summary.
            let summary = std::env::var_os("GITHUB_STEP_SUMMARY")
                .and_then(|p| OpenOptions::new().create(true).append(true).open(p).ok());
            match summary {
                Some(mut file) => text::github(report, out, Some(&mut file)),
                None => text::github(report, out, None),
            }
        }
        Format::Junit => text::junit(report, out),
    }
}

/// Findings per rule, most frequent first.
fn statistics(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut counts: BTreeMap<&str, (usize, &'static Rule)> = BTreeMap::new();
    for f in &report.findings {
        counts.entry(f.rule.code).or_insert((0, f.rule)).0 += 1;
    }
    let mut rows: Vec<_> = counts.into_values().collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.code.cmp(b.1.code)));
    for (n, r) in rows {
        writeln!(
            out,
            "{n:>5}  {}  {:<36} {}",
            r.code,
            r.name,
            r.severity.as_str()
        )?;
    }
    writeln!(out, "{}", report::summary(report))
}

fn list_rules(format: ListFormat) -> io::Result<ExitCode> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match format {
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &report::json::rules(RULES))?;
            writeln!(out)?;
        }
        ListFormat::Markdown => write!(out, "{}", report::markdown::rules_table(RULES))?,
        ListFormat::Text => {
            for r in RULES {
                let default = if r.default_enabled { "" } else { " (opt-in)" };
                let fix = r.autofix.map_or("-", |f| f.safety.as_str());
                writeln!(
                    out,
                    "{}  {:<36} {:<6} {:<6} {}{default}",
                    r.code,
                    r.name,
                    r.severity.as_str(),
                    fix,
                    r.summary
                )?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn explain(key: &str) -> io::Result<ExitCode> {
    let Some(rule) = rules::find(key) else {
        return usage(format!("unknown rule `{key}` (see `bucketlint rules`)"));
    };
    let mut out = io::stdout().lock();
    write!(out, "{}", rule.docs)?;
    if let Some(fix) = rule.autofix {
        let how = match fix.safety {
            bucketlint::fix::Safety::Safe => "`--fix`",
            bucketlint::fix::Safety::Unsafe => "`--fix --unsafe-fixes` when unsafe",
        };
        writeln!(
            out,
            "\n## Automatic fix ({})\n\n{}\nApplied by {how}; `--diff` shows it first.",
            fix.safety.as_str(),
            fix.describe
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

// Most of the run is small allocations for syntax trees, spread over the
// worker threads; mimalloc serves them faster than the system allocator
// and returns memory freed by one file before the next is read.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
