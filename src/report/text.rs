//! Line-oriented formats: `concise` (one line a finding), `json-lines` (one
//! JSON object a line), `github` (workflow commands) and `junit` (XML).

use std::io::{self, Write};

use super::json;
use crate::findings::{Finding, Report};
use crate::rules::Severity;

pub fn concise(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for f in &report.findings {
        writeln!(out, "{}", concise_line(f))?;
    }
    for p in &report.errors {
        let at = p
            .location
            .as_ref()
            .map(|l| format!(":{}:{}", l.line, l.column))
            .unwrap_or_default();
        writeln!(out, "{}{at}: error: {}", p.path.display(), p.message)?;
    }
    Ok(())
}

/// A finding on one line: `path:line:column: CODE name [severity] message`.
pub fn concise_line(f: &Finding) -> String {
    let l = &f.location;
    format!(
        "{}:{}:{}: {} {} [{}] {}",
        l.file.name(),
        l.line,
        l.column,
        f.rule.code,
        f.rule.name,
        f.severity.as_str(),
        f.message
    )
}

pub fn json_lines(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for f in &report.findings {
        let mut v = json::finding(f);
        v["kind"] = "finding".into();
        writeln!(out, "{v}")?;
    }
    for (kind, list) in [("error", &report.errors), ("note", &report.notes)] {
        for p in list {
            let mut v = json::problem(p);
            v["kind"] = kind.into();
            writeln!(out, "{v}")?;
        }
    }
    Ok(())
}

/// Bytes of findings table the step summary gets at most: GitHub takes
/// 1 MiB in a step's summary, and the inventory may be written there too.
pub const SUMMARY_LIMIT: usize = 300_000;

/// GitHub shows at most this many annotations of each level per step.
pub const GITHUB_LIMIT: usize = 10;

/// Escapes workflow-command data (`%`, CR, LF) and, for properties, `:`
/// and `,` too.
fn escape(s: &str, property: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in super::safe::visible(s).chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

fn github_level(s: Severity) -> &'static str {
    match s {
        Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "notice",
    }
}

/// Workflow-command annotations, at most [`GITHUB_LIMIT`] per level; the
/// rest, and every finding as a table, go to `summary` (the step summary).
pub fn github(
    report: &Report,
    paths: &super::Paths,
    out: &mut dyn Write,
    summary: Option<&mut dyn Write>,
) -> io::Result<()> {
    let mut shown = std::collections::HashMap::new();
    let mut overflow: Vec<&Finding> = Vec::new();
    for f in &report.findings {
        let level = github_level(f.severity);
        let n = shown.entry(level).or_insert(0usize);
        if *n >= GITHUB_LIMIT {
            overflow.push(f);
            continue;
        }
        *n += 1;
        let l = &f.location;
        let mut props = format!(
            "file={},line={}",
            escape(&paths.rel(&l.file.path), true),
            l.line
        );
        if l.line == l.end_line {
            props.push_str(&format!(",col={},endColumn={}", l.column, l.end_column));
        } else {
            props.push_str(&format!(",endLine={}", l.end_line));
        }
        let title = escape(&format!("{} {}", f.rule.code, f.rule.name), true);
        writeln!(
            out,
            "::{level} {props},title={title}::{}",
            escape(&f.message, false)
        )?;
    }
    for p in &report.errors {
        let mut props = format!("file={}", escape(&paths.rel(&p.path), true));
        if let Some(l) = &p.location {
            props.push_str(&format!(",line={},col={}", l.line, l.column));
        }
        writeln!(
            out,
            "::error {props},title=could not check::{}",
            escape(&p.message, false)
        )?;
    }
    if let Some(summary) = summary
        && (!report.findings.is_empty() || report.since.is_some())
    {
        writeln!(summary, "### bucketlint\n")?;
        match &report.since {
            Some((rev, existing)) => {
                let n = report.findings.len();
                writeln!(
                    summary,
                    "{n} new {} ({existing} existing at `{rev}` not shown)\n",
                    if n == 1 { "finding" } else { "findings" }
                )?;
            }
            None => writeln!(summary, "{}\n", super::summary(report))?,
        }
        if report.findings.is_empty() {
            return Ok(());
        }
        if !overflow.is_empty() {
            writeln!(
                summary,
                "{} findings past GitHub's annotation limit are listed only here.\n",
                overflow.len()
            )?;
        }
        writeln!(
            summary,
            "| file | line | rule | severity | message |\n| --- | --- | --- | --- | --- |"
        )?;
        let mut written = 0;
        for f in &report.findings {
            let row = format!(
                "| {} | {} | {} {} | {} | {} |\n",
                super::safe::markdown_cell(&f.location.file.name()),
                f.location.line,
                f.rule.code,
                f.rule.name,
                f.severity.as_str(),
                super::safe::markdown_cell(&f.message)
            );
            // GitHub refuses a step summary over 1 MiB; the inventory may
            // share it.
            written += row.len();
            if written > SUMMARY_LIMIT {
                writeln!(
                    summary,
                    "\nThe other findings are not listed here (the summary is cut at {} kB); the annotations and the other outputs hold them all.",
                    SUMMARY_LIMIT / 1000
                )?;
                break;
            }
            summary.write_all(row.as_bytes())?;
        }
    }
    Ok(())
}

/// Text for an XML attribute or element: control characters shown, a
/// newline as a character reference (so no line of the file is the
/// repository's), markup escaped.
fn xml(s: &str) -> String {
    super::safe::xml_text(&super::safe::visible(s))
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\n', "&#10;")
}

pub fn junit(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let failures = report.findings.len();
    let errors = report.errors.len();
    let tests = (failures + errors).max(1);
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="bucketlint" tests="{tests}" failures="{failures}" errors="{errors}">"#
    )?;
    writeln!(
        out,
        r#"  <testsuite name="bucketlint" tests="{tests}" failures="{failures}" errors="{errors}">"#
    )?;
    for f in &report.findings {
        let l = &f.location;
        writeln!(
            out,
            r#"    <testcase name="{} {} at {}:{}" classname="{}">"#,
            f.rule.code,
            f.rule.name,
            xml(&l.file.name()),
            l.line,
            xml(&l.file.name())
        )?;
        writeln!(
            out,
            r#"      <failure type="{}" message="{}">{}:{}:{}: {}</failure>"#,
            f.severity.as_str(),
            xml(&f.message),
            xml(&l.file.name()),
            l.line,
            l.column,
            xml(&f.message)
        )?;
        writeln!(out, "    </testcase>")?;
    }
    for p in &report.errors {
        let name = xml(&p.path.to_string_lossy());
        writeln!(
            out,
            r#"    <testcase name="check {name}" classname="{name}">"#
        )?;
        writeln!(out, r#"      <error message="{}"/>"#, xml(&p.message))?;
        writeln!(out, "    </testcase>")?;
    }
    if tests > failures + errors {
        writeln!(
            out,
            r#"    <testcase name="no findings" classname="bucketlint"/>"#
        )?;
    }
    writeln!(out, "  </testsuite>\n</testsuites>")
}

/// GitLab Code Quality: the CodeClimate JSON subset GitLab reads, one issue
/// per finding, paths relative to the repository.
pub fn gitlab(report: &Report, paths: &super::Paths, out: &mut dyn Write) -> io::Result<()> {
    let prints = crate::suppress::fingerprint::all(&report.findings);
    let issues: Vec<serde_json::Value> = report
        .findings
        .iter()
        .zip(prints)
        .map(|(f, fp)| {
            serde_json::json!({
                "description": format!("{} {}: {}", f.rule.code, f.rule.name, f.message),
                "check_name": f.rule.code,
                "fingerprint": fp,
                "severity": match f.severity {
                    Severity::High => "critical",
                    Severity::Medium => "major",
                    Severity::Low => "minor",
                    Severity::Info => "info",
                },
                "location": {
                    "path": paths.rel(&f.location.file.path),
                    "lines": {"begin": f.location.line},
                },
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}
