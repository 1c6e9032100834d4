//! Rendering a run's report in the formats asked for.

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::{self, Write};

use bucketlint::findings::Report;
use bucketlint::report::{self, human, text};
use bucketlint::rules::Rule;

use super::args::{CheckArgs, Format};

pub fn render(
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
