//! Rendering a run's report in the formats asked for.

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::PathBuf;

use bucketlint::findings::Report;
use bucketlint::report::{self, human, text};
use bucketlint::rules::{Rule, Severity};

use super::args::{CheckArgs, Format};

pub fn render(
    format: Format,
    report: &Report,
    rules: &[&'static Rule],
    args: &CheckArgs,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    // What people and CI logs read shows the repository's text, never
    // runs it.
    let mut neutral;
    let out: &mut dyn Write = match format {
        Format::Full | Format::Concise => {
            neutral = report::safe::Neutral::new(out, color);
            &mut neutral
        }
        _ => out,
    };
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
            let paths = repository_paths();
            serde_json::to_writer_pretty(
                &mut *out,
                &report::sarif::SarifReport {
                    report,
                    rules,
                    paths: &paths,
                    category: &args.sarif_category,
                },
            )?;
            writeln!(out)
        }
        Format::Github => {
            // Past the annotation limit, findings go to the step summary.
            let summary = std::env::var_os("GITHUB_STEP_SUMMARY")
                .and_then(|p| OpenOptions::new().create(true).append(true).open(p).ok());
            let paths = repository_paths();
            match summary {
                Some(mut file) => text::github(report, &paths, out, Some(&mut file)),
                None => text::github(report, &paths, out, None),
            }
        }
        Format::Junit => text::junit(report, out),
        Format::Gitlab => text::gitlab(report, &repository_paths(), out),
    }
}

/// Paths for code hosts: relative to the git repository's top folder, else
/// to the folder bucketlint runs in.
fn repository_paths() -> report::Paths {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let top = std::process::Command::new("git")
        .args(["rev-parse", "--show-toplevel"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    let root = top
        .and_then(|t| t.canonicalize().ok())
        .unwrap_or_else(|| cwd.clone());
    let cwd = cwd.canonicalize().unwrap_or(cwd);
    report::Paths { root, cwd }
}

/// Findings per rule and severity, most frequent first. A finding's own
/// severity counts, not the rule's default: a public grant that a setting
/// stops is low, not high.
fn statistics(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut counts: BTreeMap<(&str, std::cmp::Reverse<Severity>), (usize, &'static Rule)> =
        BTreeMap::new();
    for f in &report.findings {
        counts
            .entry((f.rule.code, std::cmp::Reverse(f.severity)))
            .or_insert((0, f.rule))
            .0 += 1;
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(&b.0)));
    for ((_, severity), (n, r)) in rows {
        writeln!(
            out,
            "{n:>5}  {}  {:<36} {}",
            r.code,
            r.name,
            severity.0.as_str()
        )?;
    }
    writeln!(out, "{}", report::summary(report))
}
