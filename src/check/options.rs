//! What a run is asked to do.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::config::Config;
use crate::fix::Safety;
use crate::model::cfn;
use crate::rules::rule::Rule;

#[derive(Clone)]
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
    /// Give each finding its fix, safe or not, without applying it (for
    /// the JSON report: tools apply fixes themselves).
    pub offer_fixes: bool,
    /// AWS CloudFormation Guard rule files (`--guard-rules`), loaded once.
    pub guard: Arc<Vec<crate::guard::GuardFile>>,
    /// Keep the lines around each finding, for a report that shows source
    /// (`--format full`); other formats need only the offending text.
    pub show_source: bool,
    /// Also list every bucket with its exposure and settings
    /// (`Report::buckets`), for `bucketlint inventory`.
    pub inventory: bool,
    /// Keep the findings in the report; `bucketlint inventory` lists them
    /// on their buckets only.
    pub findings: bool,
    /// What the files of the run say of each account, as resources of the
    /// account (type, properties): Block Public Access recorded by an
    /// export, an organisation's layers (filled by the run itself).
    pub accounts: Arc<HashMap<String, Vec<(String, crate::tree::Value)>>>,
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
            offer_fixes: false,
            guard: Arc::default(),
            show_source: true,
            inventory: false,
            findings: true,
            accounts: Arc::default(),
        }
    }
}
