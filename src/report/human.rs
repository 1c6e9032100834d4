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
use crate::source::{SourceFile, WINDOW};

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
        let text = guarded(
            || render_finding(&handler, f),
            || super::text::concise_line(f),
        );
        write!(out, "{text}")?;
    }
    let problems = report
        .errors
        .iter()
        .map(|p| (p, false))
        .chain(report.notes.iter().map(|p| (p, true)));
    for (p, note) in problems {
        let kind = if note { "note" } else { "error" };
        let text = guarded(
            || render_problem(&handler, p, note),
            || format!("{}: {kind}: {}", p.path.display(), p.message),
        );
        write!(out, "{text}")?;
    }
    if style.summary {
        writeln!(out, "{}", super::summary(report))?;
    }
    Ok(())
}

/// What `render` gives, or, if it panics on some input, the one line
/// `plain` gives: a renderer's failure never loses a finding.
fn guarded(render: impl FnOnce() -> String, plain: impl FnOnce() -> String) -> String {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(render))
        .unwrap_or_else(|_| format!("{}\n\n", plain()))
}

fn span(l: &Location) -> SourceSpan {
    SourceSpan::new((l.start as usize).into(), (l.end - l.start) as usize)
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

/// What a finding's diagnostic shows: its file (or a window of it) and
/// the span its label underlines. A span longer than [`WINDOW`] on one line
/// (a minified template, an export on one line) is underlined for its
/// first [`WINDOW`] bytes, with a window of the line around them: the
/// output stays proportional to the window, not to the line.
fn shown(l: &Location) -> (Arc<SourceFile>, SourceSpan, bool) {
    let file = &l.file;
    let (a, b) = (
        (l.start - file.offset) as usize,
        (l.end - file.offset) as usize,
    );
    let text = file.text.get(a..b.min(file.text.len())).unwrap_or("");
    if text.len() <= WINDOW as usize || text.contains('\n') {
        return (Arc::clone(file), span(l), false);
    }
    let mut cut = WINDOW as usize;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let end = l.start + cut as u32;
    let window = Arc::new(file.excerpt(l.start, end, 2));
    (
        window,
        SourceSpan::new((l.start as usize).into(), cut),
        true,
    )
}

fn render_finding(handler: &GraphicalReportHandler, f: &Finding) -> String {
    let (file, at_span, cut) = shown(&f.location);
    let severity = match f.severity {
        Severity::High => miette::Severity::Error,
        Severity::Medium => miette::Severity::Warning,
        Severity::Low | Severity::Info => miette::Severity::Advice,
    };
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        Some(f.label.clone()),
        at_span,
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
        if same_file && near && !overlaps && !cut {
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
    let report = miette::Report::new(diagnostic).with_source_code(Shown(file));
    let mut s = String::new();
    // Rendering into a String cannot fail for lack of space.
    let _ = handler.render_report(&mut s, report.as_ref());
    s.push('\n');
    s
}

fn render_problem(handler: &GraphicalReportHandler, p: &Problem, note: bool) -> String {
    let (code, severity) = match note {
        true => ("note", miette::Severity::Advice),
        false => ("could-not-check", miette::Severity::Error),
    };
    let mut diagnostic =
        MietteDiagnostic::new(format!("{}: {}", p.path.to_string_lossy(), p.message))
            .with_code(code)
            .with_severity(severity);
    let report = match &p.location {
        Some(l) => {
            let (file, at, _) = shown(l);
            diagnostic =
                diagnostic.with_label(LabeledSpan::new_primary_with_span(Some("here".into()), at));
            miette::Report::new(diagnostic).with_source_code(Shown(file))
        }
        None => miette::Report::new(diagnostic),
    };
    let mut s = String::new();
    let _ = handler.render_report(&mut s, report.as_ref());
    s.push('\n');
    s
}
