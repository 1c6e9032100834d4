//! The terminal table: one line per bucket within the width asked (120
//! columns by default; as wide as its cells when none is), then the
//! exposure of every bucket that is not private, in full, and a summary.

use std::io::{self, Write};

use super::{Account, Cut, fit, pab_cell, place, summary, where_cell};
use crate::inventory::{Bucket, Elsewhere, Level, Setting, Source};

/// Columns: heading and width at 120 columns. The first two (name and
/// place) grow and shrink with the width; the last takes what is left.
const COLUMNS: [(&str, usize); 10] = [
    ("BUCKET", 22),
    ("WHERE", 27),
    ("SRC", 4),
    ("EXPOSURE", 13),
    ("ENCRYPT", 8),
    ("VERSIONS", 9),
    ("LOGS", 4),
    ("TLS", 3),
    ("BPA", 7),
    ("FINDINGS", 14),
];

pub const WIDTH: usize = 120;

/// The widths of the name and place columns: at `width`, what the fixed
/// columns leave, shared as at 120; without a width, their longest cells.
fn flexible(width: Option<usize>, cells: &[[String; 10]]) -> (usize, usize) {
    let Some(width) = width else {
        let longest = |k: usize| {
            cells
                .iter()
                .map(|c| c[k].chars().count())
                .max()
                .unwrap_or(0)
                .max(COLUMNS[k].0.len())
        };
        return (longest(0), longest(1));
    };
    let fixed: usize = COLUMNS[2..].iter().map(|(_, w)| w).sum::<usize>() + COLUMNS.len() - 1;
    let room = width.saturating_sub(fixed).max(24);
    let (name, place) = (COLUMNS[0].1, COLUMNS[1].1);
    let first = room * name / (name + place);
    (first, room - first)
}

/// Lines of at most `width` characters (continuations get 4 fewer, for
/// their indent), broken at spaces where there are any.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let room = if lines.is_empty() { width } else { width - 4 };
        let len = line.chars().count();
        if !line.is_empty() && len + 1 + word.chars().count() > room {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

fn short_source(s: Source) -> &'static str {
    match s {
        Source::CloudFormation => "CFN",
        Source::Sam => "SAM",
        Source::Terraform => "TF",
        Source::Plan => "plan",
        Source::State => "tfst",
        Source::Config => "cfg",
    }
}

fn short(setting: &Setting) -> String {
    match setting {
        Setting::Absent => "-".into(),
        Setting::Unknown(_) => "?".into(),
        Setting::Known(v) => v.clone(),
    }
}

fn cells(b: &Bucket) -> [String; 10] {
    let s = &b.settings;
    let encryption = match &s.encryption {
        Setting::Known(v) => v.split(' ').next().unwrap_or("").to_string(),
        Setting::Absent => "none".into(),
        other => short(other),
    };
    let versioning = match &s.versioning {
        Setting::Known(v) if v == "Enabled" => match &s.mfa_delete {
            Setting::Known(m) if m == "Enabled" => "on+MFA".into(),
            _ => "on".into(),
        },
        Setting::Known(v) if v == "Suspended" => "susp.".into(),
        other => short(other),
    };
    let logs = match &s.logging {
        Setting::Known(_) => "yes".into(),
        other => short(other),
    };
    let tls = match &s.tls_only {
        Setting::Known(v) if v == "yes" => "yes".into(),
        Setting::Known(_) => "no".into(),
        other => short(other),
    };
    let bpa = match pab_cell(&s.pab).as_str() {
        "on" | "off" | "-" => pab_cell(&s.pab),
        "unknown" => "?".into(),
        _ => "partial".into(),
    };
    let [h, m, l, i] = b.counts();
    let mut findings = Vec::new();
    for (n, c) in [(h, 'H'), (m, 'M'), (l, 'L'), (i, 'I')] {
        if n > 0 {
            findings.push(format!("{n}{c}"));
        }
    }
    [
        b.label().to_string(),
        where_cell(b),
        short_source(b.source).into(),
        b.exposure.level.as_str().into(),
        encryption,
        versioning,
        logs,
        tls,
        bpa,
        findings.join(" "),
    ]
}

fn paint(text: &str, level: Level, color: bool) -> String {
    if !color {
        return text.to_string();
    }
    let code = match level {
        Level::Public => "1;31",
        Level::Unknown => "33",
        Level::Blocked => "36",
        Level::CrossAccount => "35",
        Level::Private => "32",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// The table; `width` in columns, `None` for as wide as its cells.
pub fn render(
    rows: &[&Bucket],
    color: bool,
    width: Option<usize>,
    elsewhere: &Elsewhere,
    out: &mut dyn Write,
) -> io::Result<()> {
    if rows.is_empty() {
        writeln!(out, "No buckets.")?;
        if let Some(note) = elsewhere.sentence() {
            writeln!(out, "{note}")?;
        }
        return Ok(());
    }
    let all: Vec<[String; 10]> = rows.iter().map(|b| cells(b)).collect();
    let (name_width, place_width) = flexible(width, &all);
    let widths: Vec<usize> = COLUMNS
        .iter()
        .enumerate()
        .map(|(k, (_, w))| match k {
            0 => name_width,
            1 => place_width,
            _ => *w,
        })
        .collect();
    let heading: Vec<String> = COLUMNS
        .iter()
        .zip(&widths)
        .map(|((h, _), w)| format!("{h:<w$}"))
        .collect();
    writeln!(out, "{}", heading.join(" ").trim_end())?;
    for (b, cells) in rows.iter().zip(&all) {
        let mut line = Vec::new();
        for (k, (width, text)) in widths.iter().zip(cells).enumerate() {
            let cut = match k {
                0 => Cut::Middle,
                1 => Cut::Start,
                _ => Cut::End,
            };
            let text = fit(text, *width, cut);
            let padded = format!("{text:<width$}");
            line.push(if k == 3 {
                paint(&padded, b.exposure.level, color)
            } else {
                padded
            });
        }
        writeln!(out, "{}", line.join(" ").trim_end())?;
    }
    let exposed: Vec<&&Bucket> = rows
        .iter()
        .filter(|b| b.exposure.level != Level::Private)
        .collect();
    if !exposed.is_empty() {
        writeln!(out)?;
        for b in exposed {
            let summary = b.exposure.summary();
            let mut line = format!("{} ({}): {summary}", b.label(), place(b));
            if let Some(c) = b
                .condition
                .as_ref()
                .filter(|c| !summary.contains(c.as_str()))
            {
                line.push_str(&format!(" ({c})"));
            }
            for (k, part) in wrap(&line, width.unwrap_or(usize::MAX)).iter().enumerate() {
                let indent = if k == 0 { "" } else { "    " };
                writeln!(out, "{indent}{}", paint(part, b.exposure.level, color))?;
            }
        }
    }
    writeln!(out)?;
    writeln!(out, "{}", summary(rows))?;
    if let Some(note) = elsewhere.sentence() {
        for (k, part) in wrap(&note, width.unwrap_or(usize::MAX)).iter().enumerate() {
            let indent = if k == 0 { "" } else { "    " };
            writeln!(out, "{indent}{part}")?;
        }
    }
    Ok(())
}

/// One line per account (`--group-by account`).
pub fn accounts(accounts: &[Account], out: &mut dyn Write) -> io::Result<()> {
    if accounts.is_empty() {
        return writeln!(out, "No buckets.");
    }
    writeln!(
        out,
        "{:<14} {:>7} {:>6} {:>7} {:>7} {:>13} {:>7}  {:<14} REGIONS",
        "ACCOUNT",
        "BUCKETS",
        "PUBLIC",
        "UNKNOWN",
        "BLOCKED",
        "CROSS-ACCOUNT",
        "PRIVATE",
        "FINDINGS H/M/L"
    )?;
    let mut total = [0usize; 5];
    for a in accounts {
        let [public, unknown, blocked, cross, private] = a.levels;
        for (t, n) in total.iter_mut().zip(a.levels) {
            *t += n;
        }
        let [h, m, l, _] = a.findings;
        let line = format!(
            "{:<14} {:>7} {:>6} {:>7} {:>7} {:>13} {:>7}  {:<14} {}",
            a.account,
            a.buckets,
            public,
            unknown,
            blocked,
            cross,
            private,
            format!("{h}/{m}/{l}"),
            a.regions.join(" ")
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    let buckets: usize = accounts.iter().map(|a| a.buckets).sum();
    let deployed = accounts.iter().filter(|a| a.account != "-").count();
    let templates = match deployed < accounts.len() {
        true => " and templates",
        false => "",
    };
    writeln!(out)?;
    writeln!(
        out,
        "{deployed} account{}{templates}, {buckets} bucket{}: {} public, {} unknown, {} blocked, {} cross-account, {} private",
        if deployed == 1 { "" } else { "s" },
        if buckets == 1 { "" } else { "s" },
        total[0],
        total[1],
        total[2],
        total[3],
        total[4]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitting_keeps_the_end_of_places_and_both_ends_of_names() {
        assert_eq!(fit("short", 8, Cut::Middle), "short");
        assert_eq!(fit("modules/s3/main.tf:12", 10, Cut::Start), "…ain.tf:12");
        assert_eq!(
            fit("acme-production-assets-eu-west-1", 16, Cut::Middle),
            "acme-p…eu-west-1"
        );
        assert_eq!(fit("acme-production-assets", 10, Cut::End), "acme-prod…");
        let widths: usize = COLUMNS.iter().map(|(_, w)| w).sum::<usize>() + COLUMNS.len() - 1;
        assert!(widths <= WIDTH, "{widths}");
        let long = "a ".repeat(100);
        let lines = wrap(long.trim(), 120);
        assert!(
            lines.len() == 2 && lines.iter().all(|l| l.len() <= 120),
            "{lines:?}"
        );
    }

    #[test]
    fn names_and_places_take_the_width_given() {
        let cells = [std::array::from_fn(|k| {
            if k < 2 { "x".repeat(90) } else { String::new() }
        })];
        assert_eq!(flexible(Some(120), &cells), (22, 27));
        let (name, place) = flexible(Some(200), &cells);
        assert_eq!(name + place, 49 + 80);
        assert!(name > 22 && place > 27);
        // As wide as the cells.
        assert_eq!(flexible(None, &cells), (90, 90));
    }
}
