//! The `bucketlint` command line. Exit codes: 0 no findings, 1 findings,
//! 2 something could not be checked (bad input, bad usage).

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use bucketlint::check::{self, Options};
use bucketlint::report::{self, human};
use bucketlint::rules::{self, RULES, Rule};

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
    Check(CheckArgs),
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
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files or folders to check.
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Full)]
    format: Format,
    /// Check only these rules: a code, a name, a code prefix such as BL2, or
    /// `all` (also enables rules that are off by default). Repeatable, or
    /// comma-separated.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    select: Vec<String>,
    /// Also list the values that cannot be known statically (rule
    /// unknown-value), which are otherwise never reported.
    #[arg(long)]
    strict_unknown: bool,
    /// Do not check these rules (code, name or prefix). Repeatable.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    ignore: Vec<String>,
    /// CloudFormation parameter values: a file (AWS CLI JSON list, JSON
    /// object, or Key=Value lines) or Key=Value pairs. Repeatable.
    #[arg(long, value_name = "FILE|KEY=VALUE")]
    parameters: Vec<String>,
    /// Terraform variable file applied to every module, after its own
    /// terraform.tfvars and *.auto.tfvars. Repeatable.
    #[arg(long, value_name = "FILE")]
    var_file: Vec<PathBuf>,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Also list the files passed over as not being templates.
    #[arg(short, long)]
    verbose: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Full,
    Json,
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
        Command::Check(args) => run_check(args),
        Command::Rules { format } => list_rules(format),
        Command::Explain { rule } => explain(&rule),
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

/// Rules matching a selector: `all`, a code, a name or a code prefix.
fn matching(selector: &str) -> Vec<&'static Rule> {
    if selector.eq_ignore_ascii_case("all") {
        return RULES.to_vec();
    }
    if let Some(r) = rules::find(selector) {
        return vec![r];
    }
    let upper = selector.to_ascii_uppercase();
    RULES
        .iter()
        .copied()
        .filter(|r| r.code.starts_with(&upper))
        .collect()
}

fn selected_rules(args: &CheckArgs) -> Result<Vec<&'static Rule>, String> {
    let mut chosen: Vec<&'static Rule> = if args.select.is_empty() {
        RULES
            .iter()
            .copied()
            .filter(|r| r.default_enabled)
            .collect()
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

fn run_check(args: CheckArgs) -> io::Result<ExitCode> {
    let rules = match selected_rules(&args) {
        Ok(r) => r,
        Err(message) => {
            eprintln!("bucketlint: {message}");
            return Ok(ExitCode::from(2));
        }
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut parameters = Default::default();
    for arg in &args.parameters {
        if let Err(message) = bucketlint::params::read(arg, &mut parameters) {
            eprintln!("bucketlint: --parameters {message}");
            return Ok(ExitCode::from(2));
        }
    }
    let report = check::run(&Options {
        paths,
        rules,
        parameters,
        var_files: args.var_file.clone(),
    });
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match args.format {
        Format::Full => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            let color = match args.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => io::stdout().is_terminal() && !no_color,
            };
            human::render(&report, &human::Style { color, width: None }, &mut out)?;
            if args.verbose {
                for (path, why) in &report.skipped {
                    writeln!(out, "skipped {}: {why}", path.display())?;
                }
            }
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &report::json::report(&report))?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(if !report.errors.is_empty() {
        ExitCode::from(2)
    } else if !report.findings.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
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
                writeln!(
                    out,
                    "{}  {:<30} {:<6} {}{default}",
                    r.code,
                    r.name,
                    r.severity.as_str(),
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
        eprintln!("bucketlint: unknown rule `{key}` (see `bucketlint rules`)");
        return Ok(ExitCode::from(2));
    };
    let mut out = io::stdout().lock();
    write!(out, "{}", rule.docs)?;
    Ok(ExitCode::SUCCESS)
}
