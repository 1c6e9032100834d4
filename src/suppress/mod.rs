//! Suppressions: what a user has accepted, and says so next to the text.
//!
//! - Comments (YAML and HCL): `# bucketlint:ignore[BL201, acl-public-read]
//!   reason`, optionally `until=2027-01-31`, on the offending line, on the
//!   line above it, or on (or above) the header of the resource that holds
//!   it. Without a list they cover every rule.
//! - CloudFormation `Metadata: {bucketlint: {ignore: [...]}}` on the
//!   resource, for JSON templates, which have no comments.
//! - Peers' suppressions, mapped through each rule's declared equivalents:
//!   `checkov:skip=` (anywhere in the resource block), `trivy:ignore:` and
//!   `tfsec:ignore:` comments, `Metadata: checkov: skip`,
//!   `Metadata: cfn_nag: rules_to_suppress` and `Metadata: guard:
//!   SuppressedRules`.
//!
//! Unknown rule names are reported (rule `invalid-suppression`); so are
//! suppressions that matched nothing (`unused-suppression`, opt-in).

pub mod baseline;
pub mod fingerprint;

use std::sync::Arc;

use crate::model::{Block, Model};
use crate::rules::{self, RULES, Rule};
use crate::source::{FileId, SourceFile, Span};
use crate::tree::Value;

/// Rule codes of the two rules this stage reports.
pub const UNUSED: &str = "BL002";
pub const INVALID: &str = "BL003";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    Bucketlint,
    /// Peers' suppressions: never reported as unused (they may be about
    /// checks bucketlint does not have).
    Peer,
}

#[derive(Debug)]
struct Suppression {
    /// Where it is written.
    span: Span,
    /// Rules it covers; `None` for every rule.
    rules: Option<Vec<&'static Rule>>,
    /// Only within this block (`checkov:skip`, `Metadata`).
    block: Option<String>,
    /// A comment: the line it is on (1-based).
    line: Option<usize>,
    /// The comment has its line to itself (it speaks of the next line);
    /// otherwise it trails code (and speaks of that line).
    own_line: bool,
    expired: bool,
    origin: Origin,
    used: bool,
}

/// A finding of the unit before suppressions: enough to match them.
pub struct Candidate<'a> {
    pub rule: &'static Rule,
    pub span: Span,
    pub line: usize,
    pub holder: Option<&'a Block>,
    /// The module calls that made the finding's instance: a suppression
    /// above a call covers what it makes.
    pub calls: Vec<&'a Block>,
}

/// A finding this stage reports itself.
pub struct Reported {
    pub rule: &'static Rule,
    pub span: Span,
    pub message: String,
    pub label: String,
}

pub struct Outcome {
    /// For each candidate, in order: is it suppressed?
    pub suppressed: Vec<bool>,
    pub reported: Vec<Reported>,
}

/// Today, as `YYYY-MM-DD` for comparison with `until=` dates.
pub fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && s.chars()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// The rules a peer's check id stands for.
fn by_peer_id(id: &str) -> Vec<&'static Rule> {
    let id = id.trim();
    RULES
        .iter()
        .copied()
        .filter(|r| {
            let e = &r.equivalents;
            [e.checkov, e.trivy, e.kics, e.cfn_nag, e.guard]
                .iter()
                .any(|ids| ids.iter().any(|x| x.eq_ignore_ascii_case(id)))
        })
        .collect()
}

struct Collector<'a> {
    today: &'a str,
    peers: bool,
    /// Rules outside the registry that suppressions may name (Guard's).
    extra: &'a [&'static Rule],
    found: Vec<Suppression>,
    reported: Vec<Reported>,
}

impl Collector<'_> {
    fn invalid(&mut self, span: Span, message: String) {
        let Some(rule) = rules::find(INVALID) else {
            return;
        };
        self.reported.push(Reported {
            rule,
            span,
            message,
            label: "invalid suppression".into(),
        });
    }

    /// Rule names in a bucketlint suppression, each checked.
    fn names(&mut self, span: Span, names: &[&str]) -> Vec<&'static Rule> {
        let mut out = Vec::new();
        for n in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
            let extra = || self.extra.iter().find(|r| r.name == n).copied();
            match rules::find(n).or_else(extra) {
                Some(r) => out.push(r),
                None => self.invalid(
                    span,
                    format!("Suppression names an unknown rule `{n}` (see `bucketlint rules`)."),
                ),
            }
        }
        out
    }

    fn until(&mut self, span: Span, text: &str) -> bool {
        let Some(rest) = text
            .split_whitespace()
            .find_map(|w| w.strip_prefix("until="))
        else {
            return false;
        };
        if !valid_date(rest) {
            self.invalid(
                span,
                format!("Suppression date `{rest}` is not YYYY-MM-DD."),
            );
            return false;
        }
        rest < self.today
    }

    /// Reads the suppression comments of one file.
    fn comments(&mut self, file: FileId, source: &SourceFile) {
        let mut offset = 0;
        for (i, line) in source.text.split_inclusive('\n').enumerate() {
            let start = offset;
            offset += line.len();
            let comment = match (line.find('#'), line.find("//")) {
                (Some(a), Some(b)) => a.min(b),
                (Some(a), None) | (None, Some(a)) => a,
                (None, None) => continue,
            };
            let text = line[comment..].trim_end();
            let own_line = line[..comment].trim().is_empty();
            let span = Span::new(file, start + comment, start + comment + text.len());
            let line_no = i + 1;
            if let Some(at) = text.find("bucketlint:ignore") {
                let rest = &text[at + "bucketlint:ignore".len()..];
                let (rules, reason) = match rest.strip_prefix('[').and_then(|r| r.split_once(']')) {
                    Some((list, reason)) => {
                        let names: Vec<&str> = list.split(',').collect();
                        (Some(self.names(span, &names)), reason)
                    }
                    None => (None, rest),
                };
                if rules.as_ref().is_some_and(Vec::is_empty) {
                    continue; // every name was invalid, and reported
                }
                let expired = self.until(span, reason);
                self.found.push(Suppression {
                    span,
                    rules,
                    block: None,
                    line: Some(line_no),
                    own_line,
                    expired,
                    origin: Origin::Bucketlint,
                    used: false,
                });
                continue;
            }
            if !self.peers {
                continue;
            }
            // checkov:skip=CKV_AWS_20:reason
            if let Some(at) = text.find("checkov:skip=") {
                let id = text[at + "checkov:skip=".len()..]
                    .split([':', ' ', ','])
                    .next()
                    .unwrap_or("");
                self.peer(span, id, Some(line_no), own_line, true);
            }
            // trivy:ignore:AVD-AWS-0092[:exp:2025-01-01], tfsec:ignore:...
            for tool in ["trivy:ignore:", "tfsec:ignore:"] {
                if let Some(at) = text.find(tool) {
                    let rest = &text[at + tool.len()..];
                    let id = rest.split([':', ' ', '[']).next().unwrap_or("");
                    let expired = rest
                        .split_once(":exp:")
                        .map(|(_, d)| &d[..d.len().min(10)])
                        .is_some_and(|d| valid_date(d) && d < self.today);
                    if !expired {
                        self.peer(span, id, Some(line_no), own_line, false);
                    }
                }
            }
        }
    }

    /// A peer's suppression of `id`; `in_block` for checkov, whose comments
    /// apply anywhere inside the resource.
    fn peer(&mut self, span: Span, id: &str, line: Option<usize>, own_line: bool, in_block: bool) {
        let rules = by_peer_id(id);
        if rules.is_empty() {
            return; // a check bucketlint does not have
        }
        self.found.push(Suppression {
            span,
            rules: Some(rules),
            block: in_block.then(|| "*".to_string()),
            line,
            own_line,
            expired: false,
            origin: Origin::Peer,
            used: false,
        });
    }

    /// `Metadata` of a CloudFormation resource.
    fn metadata(&mut self, resource: &str, metadata: &Value) {
        for item in metadata
            .path(&["bucketlint", "ignore"])
            .map(Value::items)
            .unwrap_or_default()
        {
            let (name, until) = match item.as_str() {
                Some(n) => (Some(n), None),
                None => (
                    item.get("rule").and_then(Value::as_str),
                    item.get("until").and_then(Value::as_str),
                ),
            };
            let Some(name) = name else {
                self.invalid(
                    item.span,
                    "Suppression in Metadata names no rule (`rule: <code or name>`).".into(),
                );
                continue;
            };
            let rules = self.names(item.span, &[name]);
            if rules.is_empty() {
                continue;
            }
            let expired = until.is_some_and(|u| self.until(item.span, &format!("until={u}")));
            self.found.push(Suppression::in_block(
                item.span,
                rules,
                resource,
                expired,
                Origin::Bucketlint,
            ));
        }
        if !self.peers {
            return;
        }
        let peer_lists = [
            &["checkov", "skip"][..],
            &["cfn_nag", "rules_to_suppress"][..],
        ];
        // Guard lists names (`guard: SuppressedRules: [NAME]`), the others
        // objects with an `id`.
        let guard = metadata
            .path(&["guard", "SuppressedRules"])
            .map(Value::items)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|item| Some((item, item.as_str()?)));
        let listed = peer_lists
            .iter()
            .flat_map(|path| metadata.path(path).map(Value::items).unwrap_or_default())
            .filter_map(|item| Some((item, item.get("id").and_then(Value::as_str)?)));
        for (item, id) in listed.chain(guard) {
            let rules = by_peer_id(id);
            if !rules.is_empty() {
                self.found.push(Suppression::in_block(
                    item.span,
                    rules,
                    resource,
                    false,
                    Origin::Peer,
                ));
            }
        }
    }
}

/// The line (1-based) of a byte offset in a file.
fn line_of(files: &[Arc<SourceFile>], span: Span) -> usize {
    files
        .get(span.file as usize)
        .map_or(0, |f| f.position(span.start).0)
}

impl Suppression {
    /// One declared in a resource's `Metadata`: it holds in that resource.
    fn in_block(
        span: Span,
        rules: Vec<&'static Rule>,
        resource: &str,
        expired: bool,
        origin: Origin,
    ) -> Suppression {
        Suppression {
            span,
            rules: Some(rules),
            block: Some(resource.to_string()),
            line: None,
            own_line: false,
            expired,
            origin,
            used: false,
        }
    }

    fn covers(&self, c: &Candidate, files: &[Arc<SourceFile>]) -> bool {
        if self.expired
            || !self
                .rules
                .as_ref()
                .is_none_or(|r| r.iter().any(|r| r.code == c.rule.code))
        {
            return false;
        }
        match (&self.block, self.line) {
            // checkov: anywhere in the resource block.
            (Some(star), Some(_)) if star == "*" => {
                c.holder.is_some_and(|h| h.extent.contains(self.span))
            }
            // Metadata: the resource it is declared on.
            (Some(resource), None) => c.holder.is_some_and(|h| h.id == *resource),
            (_, Some(line)) => {
                // A comment on its own line speaks of the line below (the
                // finding's, or the resource header's, or a module call's
                // that made it); one after code, of its own line.
                let target = if self.own_line { line + 1 } else { line };
                let call = c
                    .calls
                    .iter()
                    .any(|b| b.head.file == self.span.file && line_of(files, b.head) == target);
                if call {
                    return true;
                }
                if self.span.file != c.span.file {
                    return false;
                }
                let head = c.holder.map(|h| line_of(files, h.head));
                target == c.line || head == Some(target)
            }
            _ => false,
        }
    }
}

/// Matches suppressions against the unit's findings.
pub fn apply(
    model: &Model,
    files: &[Arc<SourceFile>],
    candidates: &[Candidate],
    enabled: &[&'static Rule],
    extra: &[&'static Rule],
    honor_peers: bool,
) -> Outcome {
    let today = today();
    let mut c = Collector {
        today: &today,
        peers: honor_peers,
        extra,
        found: Vec::new(),
        reported: Vec::new(),
    };
    for (id, file) in files.iter().enumerate() {
        // JSON has no comments (an AWS Config export may be gzipped).
        let name = file.path.to_string_lossy();
        if !name.ends_with(".json") && !name.ends_with(".json.gz") {
            c.comments(id as FileId, file);
        }
    }
    for r in &model.resources {
        if let Some(metadata) = r.attributes.get("Metadata") {
            c.metadata(&r.id, metadata);
        }
    }
    let suppressed = candidates
        .iter()
        .map(|cand| {
            let mut hit = false;
            for s in c.found.iter_mut().filter(|s| s.covers(cand, files)) {
                s.used = true;
                hit = true;
            }
            hit
        })
        .collect();
    // Unused: only where every rule it names was checked (else it may be
    // used by a rule that is off in this run).
    let is_on = |r: &Rule| enabled.iter().any(|e| e.code == r.code);
    if let Some(unused) = rules::find(UNUSED).filter(|r| is_on(r)) {
        for s in c
            .found
            .iter()
            .filter(|s| !s.used && s.origin == Origin::Bucketlint && !s.expired)
        {
            let Some(named) = &s.rules else { continue };
            if named.iter().all(|r| is_on(r)) {
                let list: Vec<&str> = named.iter().map(|r| r.name).collect();
                c.reported.push(Reported {
                    rule: unused,
                    span: s.span,
                    message: format!("Suppression of {} matches no finding.", list.join(", ")),
                    label: "unused".into(),
                });
            }
        }
    }
    let invalid_on = rules::find(INVALID).is_some_and(is_on);
    let reported = c
        .reported
        .into_iter()
        .filter(|r| r.rule.code != INVALID || invalid_on)
        .collect();
    Outcome {
        suppressed,
        reported,
    }
}
