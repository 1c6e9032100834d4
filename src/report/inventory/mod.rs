//! The inventory's renderers: a terminal table, Markdown, JSON, CSV and a
//! self-contained HTML page, all from the same rows and the same cells.

pub mod csv;
pub mod html;
pub mod json;
pub mod markdown;
pub mod table;

use crate::inventory::{Bucket, Level, Setting};

/// Buckets by exposure, in `Level::ALL` order.
pub fn by_level(rows: &[&Bucket]) -> [usize; 5] {
    let mut n = [0; 5];
    for b in rows {
        n[Level::ALL
            .iter()
            .position(|l| *l == b.exposure.level)
            .unwrap_or(4)] += 1;
    }
    n
}

/// Findings of the rows by severity: high, medium, low, info.
pub fn by_severity(rows: &[&Bucket]) -> [usize; 4] {
    let mut n = [0; 4];
    for b in rows {
        for (total, k) in n.iter_mut().zip(b.counts()) {
            *total += k;
        }
    }
    n
}

/// "12 buckets: 2 public, 1 unknown, 1 blocked, 0 cross-account, 8 private".
pub fn summary(rows: &[&Bucket]) -> String {
    let n = by_level(rows);
    let parts: Vec<String> = Level::ALL
        .iter()
        .zip(n)
        .map(|(l, k)| format!("{k} {}", l.as_str()))
        .collect();
    format!(
        "{} bucket{}: {}",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" },
        parts.join(", ")
    )
}

/// Where a bucket is: a deployed bucket's account and region, else
/// [`place`].
pub fn where_cell(b: &Bucket) -> String {
    match (&b.account, &b.region) {
        (Some(a), Some(r)) => format!("{a} {r}"),
        _ => place(b),
    }
}

/// One account's buckets, for `--group-by account`.
#[derive(Debug, PartialEq)]
pub struct Account {
    /// The account id; `-` for buckets of templates (not deployed).
    pub account: String,
    pub regions: Vec<String>,
    pub buckets: usize,
    /// By exposure, in `Level::ALL` order.
    pub levels: [usize; 5],
    /// Findings by severity: high, medium, low, info.
    pub findings: [usize; 4],
}

/// The rows summed up by account, accounts in order, templates last.
pub fn accounts(rows: &[&Bucket]) -> Vec<Account> {
    let mut groups: std::collections::BTreeMap<(bool, String), Vec<&Bucket>> = Default::default();
    for b in rows {
        let key = match &b.account {
            Some(a) => (false, a.clone()),
            None => (true, "-".to_string()),
        };
        groups.entry(key).or_default().push(b);
    }
    groups
        .into_iter()
        .map(|((_, account), rows)| {
            let mut regions: Vec<String> = rows.iter().filter_map(|b| b.region.clone()).collect();
            regions.sort();
            regions.dedup();
            Account {
                account,
                regions,
                buckets: rows.len(),
                levels: by_level(&rows),
                findings: by_severity(&rows),
            }
        })
        .collect()
}

/// Where a cell too long for its column is cut.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// Names: the middle goes, the start and the distinguishing end stay
    /// (`acme-prod-…-orders-eu`).
    Middle,
    /// Places: the start goes (the file name and line matter most).
    Start,
    End,
}

/// Cuts `text` to `width` characters.
pub fn fit(text: &str, width: usize, cut: Cut) -> String {
    let n = text.chars().count();
    if n <= width || width == 0 {
        return text.to_string();
    }
    let keep = width - 1;
    match cut {
        Cut::Start => {
            let tail: String = text.chars().skip(n - keep).collect();
            format!("…{tail}")
        }
        Cut::End => {
            let head: String = text.chars().take(keep).collect();
            format!("{head}…")
        }
        Cut::Middle => {
            let front = keep * 2 / 5;
            let head: String = text.chars().take(front).collect();
            let tail: String = text.chars().skip(n - (keep - front)).collect();
            format!("{head}…{tail}")
        }
    }
}

/// `file:line` of the bucket, with `/` separators.
pub fn place(b: &Bucket) -> String {
    let at = b.place();
    format!(
        "{}:{}",
        at.file.path.to_string_lossy().replace('\\', "/"),
        at.line
    )
}

/// Block Public Access as one cell: "on" (all four), "off" (none), the
/// flags left off ("off: BlockPublicPolicy"), "-" (not declared),
/// "unknown".
pub fn pab_cell(flags: &[Setting; 4]) -> String {
    if flags.iter().all(|f| *f == Setting::Absent) {
        return "-".into();
    }
    if flags.iter().any(|f| matches!(f, Setting::Unknown(_))) {
        return "unknown".into();
    }
    let off: Vec<&str> = crate::model::s3::PAB_FLAGS
        .iter()
        .zip(flags)
        .filter(|(_, f)| !matches!(f, Setting::Known(v) if v == "on"))
        .map(|(name, _)| *name)
        .collect();
    match off.len() {
        0 => "on".into(),
        4 => "off".into(),
        _ => format!("off: {}", off.join(", ")),
    }
}

/// Versioning with MFA delete: "Enabled", "Enabled, MFA delete".
pub fn versioning_cell(b: &Bucket) -> String {
    let s = &b.settings;
    match (&s.versioning, &s.mfa_delete) {
        (Setting::Known(v), Setting::Known(m)) if m == "Enabled" => format!("{v}, MFA delete"),
        (v, _) => v.cell(),
    }
}

/// Findings as "2 high, 1 low" (empty when none).
pub fn findings_cell(b: &Bucket) -> String {
    let [h, m, l, i] = b.counts();
    let mut parts = Vec::new();
    for (n, word) in [(h, "high"), (m, "medium"), (l, "low"), (i, "info")] {
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    parts.join(", ")
}
