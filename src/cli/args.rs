//! The command line's arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use bucketlint::rules::Severity;

#[derive(Parser)]
#[command(
    name = "bucketlint",
    version,
    about = "Finds public S3 buckets and over-broad S3 and IAM policies in CloudFormation and Terraform."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Check templates and Terraform modules (files or folders; default ".").
    Check(Box<CheckArgs>),
    /// List every bucket with how it is exposed and configured (files or
    /// folders; default "."): the same reading and evaluation as `check`.
    Inventory(Box<InventoryArgs>),
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

/// What to read and how, shared by `check` and `inventory`.
#[derive(clap::Args)]
pub struct ReadArgs {
    /// Check only these rules: a code, a name, a code prefix such as BL2, or
    /// `all` (also enables rules that are off by default). Repeatable, or
    /// comma-separated.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Check these rules too, beside those selected (by `--select`, else
    /// by the configuration): for example `drift`. Repeatable, or
    /// comma-separated.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub extend_select: Vec<String>,
    /// Do not check these rules (code, name or prefix). Repeatable.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// CloudFormation parameter values: a file (AWS CLI JSON list, JSON
    /// object, or Key=Value lines) or Key=Value pairs. Repeatable.
    #[arg(long, value_name = "FILE|KEY=VALUE")]
    pub parameters: Vec<String>,
    /// Terraform variable file applied to every module, after its own
    /// terraform.tfvars and *.auto.tfvars. Repeatable.
    #[arg(long, value_name = "FILE")]
    pub var_file: Vec<PathBuf>,
    /// The configuration file for every path, instead of the nearest
    /// bucketlint.toml or .bucketlint.toml in or above each.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Use no configuration file.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
    /// Apply the configuration's `exclude` to files named on the command
    /// line too (for pre-commit hooks and editors, which name every file).
    #[arg(long)]
    pub force_exclude: bool,
    /// Follow symbolic links inside the checked folders (links named on
    /// the command line are always followed).
    #[arg(long)]
    pub follow_symlinks: bool,
    /// Pass when the paths hold no template or Terraform file at all
    /// (otherwise a run that checked nothing exits 2).
    #[arg(long)]
    pub allow_empty: bool,
    /// Do not read files larger than this (bytes, or with a K, M or G
    /// suffix); they are reported as not checked.
    #[arg(long, value_name = "SIZE", default_value = "64M", value_parser = parse_size)]
    pub max_file_size: u64,
    /// Do not read AWS Config exports larger than this (their text,
    /// decompressed): an export is read an item at a time, so 100,000
    /// buckets (about 200 MB) fit the default.
    #[arg(long, value_name = "SIZE", default_value = "1G", value_parser = parse_size)]
    pub max_export_size: u64,
    /// Refuse files nested deeper than this many levels (at most 10000).
    #[arg(long, value_name = "N", default_value_t = bucketlint::parse::DEFAULT_MAX_DEPTH,
          value_parser = parse_depth)]
    pub max_depth: usize,
    /// Refuse YAML files whose aliases expand to more than this many nodes.
    #[arg(long, value_name = "N", default_value_t = bucketlint::parse::DEFAULT_MAX_ALIAS_NODES)]
    pub max_alias_nodes: usize,
}

#[derive(clap::Args)]
pub struct InventoryArgs {
    /// Files or folders to read.
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = InventoryFormat::Table)]
    pub format: InventoryFormat,
    /// Keep only the buckets that match: `exposure=public` (or several,
    /// comma-separated: `exposure=public,unknown`), `name=GLOB` (the name, or
    /// the id when the name is not known), `source=terraform`,
    /// `account=ID` (deployed buckets; comma-separated for several).
    /// Repeatable; every filter must match.
    #[arg(long, value_name = "KEY=VALUE")]
    pub filter: Vec<String>,
    /// Also write the inventory in another format to a file: FORMAT=PATH
    /// (for example html=inventory.html). Repeatable.
    #[arg(long, value_name = "FORMAT=PATH")]
    pub output_file: Vec<String>,
    /// One row per account instead of per bucket: buckets by exposure and
    /// findings by severity (deployed buckets; templates count as one
    /// group, `-`). Table, Markdown, JSON and CSV.
    #[arg(long, value_enum, value_name = "KEY")]
    pub group_by: Option<GroupBy>,
    /// Colour in the table.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Never cut names and places in the table (it is as wide as they
    /// are). Otherwise the table fits `COLUMNS`, or 120 columns.
    #[arg(long)]
    pub wide: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GroupBy {
    Account,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum InventoryFormat {
    /// A table for the terminal (120 columns).
    Table,
    /// A Markdown table, for a pull request or `$GITHUB_STEP_SUMMARY`.
    #[value(alias = "md")]
    Markdown,
    /// JSON (schema: docs/inventory.schema.json).
    Json,
    Csv,
    /// One self-contained page: summary, chart, a sortable and filterable table.
    Html,
}

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Files or folders to check; `-` reads one template from standard input.
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = Format::Full)]
    pub format: Format,
    /// Also write a report in another format to a file: FORMAT=PATH
    /// (for example sarif=results.sarif). Repeatable.
    #[arg(long, value_name = "FORMAT=PATH")]
    pub output_file: Vec<String>,
    /// The name of the template read from standard input: its format is
    /// told from it, and findings are reported against it.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// Also list the values that cannot be known statically (rule
    /// unknown-value), which are otherwise never reported.
    #[arg(long)]
    pub strict_unknown: bool,
    /// Also report suppressions that match no finding (rule
    /// unused-suppression), and exit with 2 when something was not checked
    /// (a module `terraform init` has not installed).
    #[arg(long)]
    pub strict: bool,
    /// Honour checkov, trivy/tfsec and cfn_nag suppressions of checks that
    /// map to a bucketlint rule.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub honor_peer_suppressions: bool,
    /// Report only findings that this baseline file does not accept.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// The SARIF report's category (`automationDetails.id` is
    /// `<category>/`): GitHub code scanning keeps one analysis per category.
    #[arg(long, value_name = "CATEGORY", default_value = "bucketlint")]
    pub sarif_category: String,
    /// Report only the findings that did not exist at this git revision
    /// (a branch, tag or commit; a pull request's base). Its files are read
    /// from git, never checked out.
    #[arg(long, value_name = "REF")]
    pub new_since: Option<String>,
    /// Write the current findings to this baseline file, then exit with 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Exit with 1 only for findings at or above this severity (default:
    /// the configuration's `fail-on`, else info).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,
    /// AWS CloudFormation Guard rules to evaluate too: a `.guard` file or a
    /// folder of them; repeatable.
    #[arg(long, value_name = "PATH")]
    pub guard_rules: Vec<PathBuf>,
    /// Apply the safe fixes in place, then report what remains.
    #[arg(long)]
    pub fix: bool,
    /// Also apply the fixes that may change behaviour a deployment relies
    /// on (implies --fix unless --diff is given).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of writing them.
    #[arg(long)]
    pub diff: bool,
    /// Exit with 0 even when there are findings (errors still exit with 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Print the findings only: no summary line.
    #[arg(short, long)]
    pub quiet: bool,
    /// Print the number of findings per rule instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Also list the files passed over as not being templates (in every
    /// format; the JSON report gets a `skipped` list).
    #[arg(short, long)]
    pub verbose: bool,
    /// Cut a Markdown inventory written with `--output-file inventory-md=`
    /// to about this many bytes (whole rows, with a note saying how many
    /// were left out): GitHub's job summary takes at most 1 MiB.
    #[arg(long, value_name = "BYTES")]
    pub markdown_limit: Option<usize>,
    /// Set by `bucketlint inventory`: the run lists buckets instead of
    /// findings.
    #[arg(skip)]
    pub inventory: Option<InventoryRun>,
}

/// What `bucketlint inventory` asks of the run.
pub struct InventoryRun {
    pub format: InventoryFormat,
    pub filters: Vec<String>,
    pub group_by: Option<GroupBy>,
    pub wide: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Full,
    Concise,
    Json,
    JsonLines,
    Sarif,
    Github,
    Junit,
    Gitlab,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FailOn {
    Info,
    Low,
    Medium,
    High,
}

impl FailOn {
    pub fn severity(self) -> Severity {
        match self {
            FailOn::Info => Severity::Info,
            FailOn::Low => Severity::Low,
            FailOn::Medium => Severity::Medium,
            FailOn::High => Severity::High,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

fn parse_depth(s: &str) -> Result<usize, String> {
    let ceiling = bucketlint::parse::DEPTH_CEILING;
    match s.parse::<usize>() {
        Ok(n) if (1..=ceiling).contains(&n) => Ok(n),
        _ => Err(format!("`{s}` is not a depth from 1 to {ceiling}")),
    }
}

/// `123`, `64K`, `64M`, `1G` (powers of 1024).
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
