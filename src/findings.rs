//! What a run finds, as data: findings with their locations, problems
//! (what could not be checked), the fixes applied and the report that holds
//! them. Every later stage (suppressions, renderers, fixes, the language
//! server) reads these; none of them needs the orchestrator that fills them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::access::Witness;
use crate::fix::Fix;
use crate::rules::rule::{Rule, Severity};
pub use crate::source::Location;
use crate::source::SourceFile;

/// How far (in lines) the bucket may be from the finding to be labelled
/// in the same snippet (and so share the finding's excerpt).
pub const NEAR_LINES: usize = 8;

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
    /// The root module or template whose check found it (a module file
    /// is checked through each root that calls it).
    pub root: Option<PathBuf>,
    /// Other module instances and root modules where the same finding
    /// holds; the message lists them once the report is complete.
    pub also: Vec<Instance>,
    /// Those places as the message lists them ("`x` in `examples/a`"):
    /// JSON `also_in`.
    pub also_in: Vec<String>,
    /// For a public exposure: one concrete request AWS would allow.
    pub witness: Option<Box<Witness>>,
}

/// One place a finding holds: a resource's address, and the root module
/// or template whose check found it (`None`: the finding's own root).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    pub address: String,
    pub root: Option<PathBuf>,
}

impl Finding {
    /// Records that the finding also holds at `address` (another instance
    /// of the module, another bucket sharing the text), found through
    /// `root` when that is another root module calling it.
    pub fn also_in(&mut self, address: &str, root: Option<&Path>) {
        let place = Instance {
            address: address.to_string(),
            root: root.map(Path::to_path_buf),
        };
        if (self.resource != address || root.is_some()) && !self.also.contains(&place) {
            self.also.push(place);
        }
    }

    /// Every place the finding holds, its own first, each with its root.
    pub fn instances(&self) -> Vec<Instance> {
        let own = Instance {
            address: self.resource.clone(),
            root: self.root.clone(),
        };
        std::iter::once(own)
            .chain(self.also.iter().map(|a| Instance {
                address: a.address.clone(),
                root: a.root.clone().or_else(|| self.root.clone()),
            }))
            .collect()
    }

    /// Says in the message where else the finding holds (once); machine
    /// formats list every place.
    fn finish(&mut self) {
        const SHOWN: usize = 10;
        if self.also.is_empty() || !self.also_in.is_empty() {
            return;
        }
        self.also_in = self
            .also
            .iter()
            .map(|a| match &a.root {
                Some(root) => format!("{} in {}", a.address, root.display()),
                None => a.address.clone(),
            })
            .collect();
        let list: Vec<String> = self
            .also_in
            .iter()
            .take(SHOWN)
            .map(|a| format!("`{a}`"))
            .collect();
        let more = match self.also.len().saturating_sub(SHOWN) {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        self.message = format!("{} (Also in {}{more}.)", self.message, list.join(", "));
    }
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
    /// With `--new-since REF`: the revision, and how many findings existed
    /// there already (not shown).
    pub since: Option<(String, usize)>,
    /// Module units: the folder (canonical), and the local modules it
    /// instantiates. A folder instantiated elsewhere is reported through
    /// its callers only.
    pub unit_dir: Option<PathBuf>,
    /// The module folder as it was named.
    pub unit_path: Option<PathBuf>,
    pub instantiated: Vec<PathBuf>,
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
    /// With an inventory asked for: one row per bucket.
    pub buckets: Vec<crate::inventory::Bucket>,
    /// With an inventory asked for: the findings on no listed bucket
    /// (account settings, identity policies), which its rows do not show.
    pub elsewhere: crate::inventory::Elsewhere,
    /// AWS Config exports read.
    pub exports: usize,
    /// Findings each `[[ignore]]` entry of the configuration left out, by
    /// the entry's index.
    pub ignored_by: Vec<usize>,
    /// What this unit says of accounts, for their buckets in the exports of
    /// the run (account, resource type, properties): an export's account
    /// Block Public Access, the organisation's S3 policies and resource
    /// control policies.
    pub accounts: Vec<(String, String, crate::tree::Value)>,
    /// Exports: the accounts whose buckets had no account-level item in the
    /// same export, and every account with buckets here.
    pub accounts_without: Vec<String>,
    pub bucket_accounts: Vec<String>,
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

impl Report {
    /// Adds the results of another unit, or of another run (paths under
    /// another configuration); `sort` puts them in order after.
    pub fn merge(&mut self, other: Report) {
        self.findings.extend(other.findings);
        self.errors.extend(other.errors);
        self.skipped.extend(other.skipped);
        self.buckets.extend(other.buckets);
        self.elsewhere.add(&other.elsewhere);
        self.notes.extend(other.notes);
        self.suppressed += other.suppressed;
        self.baselined += other.baselined;
        self.files += other.files;
        self.resources += other.resources;
        self.fixed += other.fixed;
        // A file reached by two names (`./m/a.tf` from its folder, `m/a.tf`
        // through a caller) counts once.
        for f in other.fixed_files {
            let f = crate::source::normalize(&f);
            if !self.fixed_files.contains(&f) {
                self.fixed_files.push(f);
            }
        }
        self.diffs.extend(other.diffs);
        self.applied.extend(other.applied);
        self.exports += other.exports;
        self.count_ignored(&other.ignored_by);
    }

    /// Counts one finding left out by the `[[ignore]]` entry `entry`.
    pub fn ignored_one(&mut self, entry: usize) {
        if self.ignored_by.len() <= entry {
            self.ignored_by.resize(entry + 1, 0);
        }
        self.ignored_by[entry] += 1;
    }

    /// Adds findings left out by `[[ignore]]` entries, by entry index.
    fn count_ignored(&mut self, by: &[usize]) {
        if self.ignored_by.len() < by.len() {
            self.ignored_by.resize(by.len(), 0);
        }
        for (total, n) in self.ignored_by.iter_mut().zip(by) {
            *total += n;
        }
    }

    /// Keeps, of each file, only the lines its findings and errors show,
    /// so a run over many files does not hold them all until the end.
    pub fn slim(&mut self, show_source: bool) {
        let context = if show_source { 2 } else { 0 };
        let near = NEAR_LINES;
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
        // The inventory's findings keep what the report's keep (the HTML
        // page asks for the lines around them), sharing their excerpts.
        for b in &mut self.buckets {
            b.location.file = excerpt(&b.location.file, b.location.start, b.location.end, 0);
            if let Some(c) = &mut b.called_at {
                c.file = excerpt(&c.file, c.start, c.end, 0);
            }
            for n in b.findings.iter_mut().chain(&mut b.accepted) {
                let l = &n.location;
                n.location.file = excerpt(&l.file, l.start, l.end, context);
            }
        }
        // Held until the end of the run: no room to grow.
        self.findings.shrink_to_fit();
    }

    /// Orders findings and errors by file and position, and completes the
    /// messages of findings that hold in several places.
    pub fn sort(&mut self) {
        self.findings.iter_mut().for_each(Finding::finish);
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
        // A module file is read by each unit that calls it: a note on it
        // is said once, however the units spell its path.
        let mut seen = std::collections::HashSet::new();
        self.notes.retain(|p| {
            let at = p.location.as_ref().map(|l| (l.line, l.column));
            seen.insert((crate::source::normalize(&p.path), at, p.message.clone()))
        });
    }
}
