//! Human output: one miette diagnostic per finding, with the source
//! snippet, a label on the offending node and one on the bucket it
//! concerns, then a summary line.

use std::io::{self, Write};
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use crate::findings::{Finding, Location, NEAR_LINES, Problem, Report};
use crate::rules::Severity;
use crate::source::SourceFile;

pub struct Style {
    pub color: bool,
    /// End with the summary line.
    pub summary: bool,
    /// Terminal width; `None` for miette's default.
    pub width: Option<usize>,
}

pub fn render(report: &Report, style: &Style, out: &mut dyn Write) -> io::Result<()> {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut handler = GraphicalReportHandler::new_themed(theme).with_links(false);
    if let Some(w) = style.width {
        handler = handler.with_width(w);
    }
    for f in &report.findings {
        write!(out, "{}", render_finding(&handler, f))?;
    }
    for p in &report.errors {
        write!(out, "{}", render_problem(&handler, p, false))?;
    }
    for p in &report.notes {
        write!(out, "{}", render_problem(&handler, p, true))?;
    }
    if style.summary {
        writeln!(out, "{}", super::summary(report))?;
    }
    Ok(())
}

fn span(l: &Location) -> SourceSpan {
    SourceSpan::new((l.start as usize).into(), (l.end - l.start) as usize)
}

fn source(l: &Location) -> Shown {
    Shown(Arc::clone(&l.file))
}

/// A file, or the excerpt of it a finding keeps, as miette reads it: spans
/// and lines are those of the whole file.
struct Shown(Arc<SourceFile>);

impl SourceCode for Shown {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let file = &self.0;
        let base = file.offset as usize;
        let local = SourceSpan::new(span.offset().saturating_sub(base).into(), span.len());
        let inner = file.text.read_span(&local, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            file.name(),
            inner.data(),
            SourceSpan::new((inner.span().offset() + base).into(), inner.span().len()),
            inner.line() + file.first_line,
            inner.column()
                + match inner.line() {
                    0 => file.first_column,
                    _ => 0,
                },
            // miette counts lines from the start of the source here, and
            // merges two labels' snippets by it.
            inner.line_count() + file.first_line,
        )))
    }
}

fn render_finding(handler: &GraphicalReportHandler, f: &Finding) -> String {
    let severity = match f.severity {
        Severity::High => miette::Severity::Error,
        Severity::Medium => miette::Severity::Warning,
        Severity::Low | Severity::Info => miette::Severity::Advice,
    };
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        Some(f.label.clone()),
        span(&f.location),
    )];
    let mut help = f.rule.fix.to_string();
    if let Some(w) = &f.witness {
        help = format!("{}\n{help}", w.describe());
    }
    if let Some((name, at)) = f.bucket.as_deref() {
        let same_file = at.file.path == f.location.file.path;
        let overlaps = at.start < f.location.end && f.location.start < at.end;
        // A far-away label would pull every line in between into the snippet.
        let near = at.line.abs_diff(f.location.line) <= NEAR_LINES;
        if same_file && near && !overlaps {
            labels.push(LabeledSpan::new_with_span(
                Some(format!("bucket `{name}`")),
                span(at),
            ));
        } else if !overlaps {
            help.push_str(&format!(
                "\nBucket `{name}` is declared at {}:{}:{}.",
                at.file.name(),
                at.line,
                at.column
            ));
        }
    }
    let diagnostic = MietteDiagnostic::new(f.message.clone())
        .with_code(format!(
            "{} {} ({})",
            f.rule.code,
            f.rule.name,
            f.severity.as_str()
        ))
        .with_severity(severity)
        .with_labels(labels)
        .with_help(help);
    let report = miette::Report::new(diagnostic).with_source_code(source(&f.location));
    let mut s = String::new();
    // Rendering into a String cannot fail for lack of space.
    let _ = handler.render_report(&mut s, report.as_ref());
    s.push('\n');
    s
}

fn render_problem(handler: &GraphicalReportHandler, p: &Problem, note: bool) -> String {
    let (code, severity) = match note {
        true => ("not-checked", miette::Severity::Advice),
        false => ("could-not-check", miette::Severity::Error),
    };
    let mut diagnostic =
        MietteDiagnostic::new(format!("{}: {}", p.path.to_string_lossy(), p.message))
            .with_code(code)
            .with_severity(severity);
    let report = match &p.location {
        Some(l) => {
            diagnostic = diagnostic.with_label(LabeledSpan::new_primary_with_span(
                Some("here".into()),
                span(l),
            ));
            miette::Report::new(diagnostic).with_source_code(source(l))
        }
        None => miette::Report::new(diagnostic),
    };
    let mut s = String::new();
    let _ = handler.render_report(&mut s, report.as_ref());
    s.push('\n');
    s
}
