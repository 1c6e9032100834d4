//! `bucketlint inventory`: a `check` run that keeps one row per bucket and
//! prints those rather than the findings.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::{Args, FromArgMatches};
use globset::{Glob, GlobMatcher};

use bucketlint::inventory::{Bucket, Elsewhere, Level};
use bucketlint::report::inventory as render;
use bucketlint::report::safe;

use super::args::{CheckArgs, InventoryArgs, InventoryFormat, InventoryRun};

/// `check`'s arguments with their defaults, as clap gives them.
fn check_defaults() -> CheckArgs {
    let command = CheckArgs::augment_args(clap::Command::new("check"));
    let matches = command
        .try_get_matches_from(["check"])
        .expect("check takes no required argument");
    CheckArgs::from_arg_matches(&matches).expect("defaults parse")
}

/// The `check` run that makes the inventory.
pub fn check_args(args: InventoryArgs) -> CheckArgs {
    let mut check = check_defaults();
    check.paths = args.paths;
    check.output_file = args
        .output_file
        .iter()
        .map(|spec| format!("inventory-{spec}"))
        .collect();
    check.read = args.read;
    check.color = args.color;
    check.inventory = Some(InventoryRun {
        format: args.format,
        filters: args.filter,
        group_by: args.group_by,
        wide: args.wide,
    });
    check
}

/// Which buckets to keep: every filter must match.
pub struct Filter {
    levels: Vec<Level>,
    names: Vec<GlobMatcher>,
    sources: Vec<String>,
    accounts: Vec<String>,
}

impl Filter {
    pub fn parse(specs: &[String]) -> Result<Filter, String> {
        let mut f = Filter {
            levels: Vec::new(),
            names: Vec::new(),
            sources: Vec::new(),
            accounts: Vec::new(),
        };
        for spec in specs {
            let Some((key, value)) = spec.split_once('=') else {
                return Err(format!("--filter `{spec}` is not KEY=VALUE"));
            };
            match key.trim() {
                "exposure" => {
                    for v in value.split(',') {
                        let v = v.trim();
                        let Some(level) = Level::ALL.iter().find(|l| l.as_str() == v) else {
                            return Err(format!(
                                "--filter exposure: `{v}` is not one of public, unknown, blocked, cross-account, private"
                            ));
                        };
                        f.levels.push(*level);
                    }
                }
                "name" | "bucket" => match Glob::new(value) {
                    Ok(g) => f.names.push(g.compile_matcher()),
                    Err(e) => return Err(format!("--filter name: {e}")),
                },
                "source" => f.sources.push(value.trim().to_ascii_lowercase()),
                "account" => f
                    .accounts
                    .extend(value.split(',').map(|a| a.trim().to_string())),
                other => {
                    return Err(format!(
                        "--filter: unknown key `{other}` (exposure, name, source, account)"
                    ));
                }
            }
        }
        Ok(f)
    }

    pub fn keeps(&self, b: &Bucket) -> bool {
        (self.levels.is_empty() || self.levels.contains(&b.exposure.level))
            && (self.names.is_empty()
                || self
                    .names
                    .iter()
                    .any(|g| g.is_match(b.label()) || g.is_match(&b.id)))
            && (self.sources.is_empty()
                || self
                    .sources
                    .iter()
                    .any(|s| s.eq_ignore_ascii_case(b.source.as_str())))
            && (self.accounts.is_empty()
                || b.account
                    .as_ref()
                    .is_some_and(|a| self.accounts.contains(a)))
    }
}

/// An inventory format named in `--output-file inventory-FORMAT=PATH`.
pub fn output_format(name: &str) -> Option<InventoryFormat> {
    match name {
        "table" => Some(InventoryFormat::Table),
        "md" | "markdown" => Some(InventoryFormat::Markdown),
        "json" => Some(InventoryFormat::Json),
        "csv" => Some(InventoryFormat::Csv),
        "html" => Some(InventoryFormat::Html),
        _ => None,
    }
}

/// How wide the terminal table is.
#[derive(Clone, Copy, Debug)]
pub struct Table(Option<usize>);

impl Table {
    /// A table written to a file: 120 columns.
    pub const FILE: Table = Table(Some(render::table::WIDTH));

    /// On standard output: as wide as its cells with `--wide`, else the
    /// terminal's `COLUMNS` (at least 80), else 120.
    pub fn terminal(wide: bool) -> Table {
        if wide {
            return Table(None);
        }
        let columns = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<usize>().ok())
            .map(|c| c.clamp(80, 1000));
        Table(Some(columns.unwrap_or(render::table::WIDTH)))
    }
}

/// Writes the rows; `limit` cuts Markdown to about that many bytes.
pub fn write(
    format: InventoryFormat,
    rows: &[&Bucket],
    elsewhere: &Elsewhere,
    color: bool,
    table: Table,
    limit: Option<usize>,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        InventoryFormat::Table => render::table::render(
            rows,
            color,
            table.0,
            elsewhere,
            &mut safe::Neutral::new(out, color),
        ),
        InventoryFormat::Markdown => render::markdown::render(rows, elsewhere, limit, out),
        InventoryFormat::Json => render::json::render(rows, elsewhere, out),
        InventoryFormat::Csv => render::csv::render(rows, out),
        InventoryFormat::Html => render::html::render(rows, elsewhere, out),
    }
}

/// Writes one row per account (`--group-by account`).
pub fn write_accounts(
    format: InventoryFormat,
    rows: &[&Bucket],
    out: &mut dyn Write,
) -> io::Result<()> {
    let accounts = render::accounts(rows);
    match format {
        InventoryFormat::Table => {
            render::table::accounts(&accounts, &mut safe::Neutral::new(out, false))
        }
        InventoryFormat::Markdown => render::markdown::accounts(&accounts, out),
        InventoryFormat::Json => render::json::accounts(&accounts, out),
        InventoryFormat::Csv => render::csv::accounts(&accounts, out),
        InventoryFormat::Html => Err(io::Error::other(
            "--group-by applies to the table, Markdown, JSON and CSV",
        )),
    }
}

/// Files to write, by format.
pub type Outputs = Vec<(InventoryFormat, PathBuf)>;
