//! Usage and configuration errors, printed for the user; each is exit 2.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use bucketlint::config;

pub fn usage(message: impl std::fmt::Display) -> io::Result<ExitCode> {
    eprintln!("bucketlint: {message}");
    Ok(ExitCode::from(2))
}

/// Writes an error that quotes a file of the repository to standard error:
/// shown, never run by a terminal or CI.
fn show(text: &str) -> io::Result<()> {
    let mut stderr = io::stderr();
    let mut out = bucketlint::report::safe::Neutral::new(&mut stderr, false);
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Prints a configuration error with the file's text around it.
pub fn config_error(e: config::Error) -> io::Result<ExitCode> {
    use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic};
    let mut diagnostic = MietteDiagnostic::new(e.message);
    if let Some(span) = e.span {
        diagnostic = diagnostic.with_label(LabeledSpan::at(span, "here"));
    }
    let report = miette::Report::new(diagnostic).with_source_code(miette::NamedSource::new(
        e.path.display().to_string(),
        e.text,
    ));
    let theme = if io::stderr().is_terminal() {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut text = String::new();
    // Wide enough that messages are not wrapped mid-phrase.
    GraphicalReportHandler::new_themed(theme)
        .with_width(200)
        .render_report(&mut text, report.as_ref())
        .map_err(io::Error::other)?;
    show(&format!(
        "bucketlint: configuration file {}\n{text}",
        e.path.display()
    ))?;
    Ok(ExitCode::from(2))
}

/// A rule file that does not parse: where, when Guard says, and why.
pub fn guard_error(e: &bucketlint::guard::RuleError) -> io::Result<ExitCode> {
    let text = e.text.clone().unwrap_or_default();
    match e.position() {
        Some((line, column, what)) if !text.is_empty() => {
            let offset: usize = text
                .split_inclusive('\n')
                .take(line.saturating_sub(1))
                .map(str::len)
                .sum::<usize>()
                + column.saturating_sub(1);
            let offset = offset.min(text.len());
            let diagnostic = miette::MietteDiagnostic::new(format!("invalid Guard rule: {what}"))
                .with_code("guard-rules")
                .with_label(miette::LabeledSpan::at(offset..offset, "here"));
            let report = miette::Report::new(diagnostic)
                .with_source_code(miette::NamedSource::new(e.path.to_string_lossy(), text));
            show(&format!("{report:?}\n"))?;
        }
        _ => eprintln!(
            "bucketlint: --guard-rules {}: {}",
            e.path.display(),
            e.message
        ),
    }
    Ok(ExitCode::from(2))
}
