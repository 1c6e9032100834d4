//! A check's report as LSP diagnostics for one buffer.

use std::collections::HashMap;
use std::path::Path;

use lsp_types::{self as lsp, Url};

use super::lines::{Encoding, Lines};
use crate::findings::{Finding, Report};
use crate::rules::{RULES, Severity};

pub fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::High => lsp::DiagnosticSeverity::ERROR,
        Severity::Medium => lsp::DiagnosticSeverity::WARNING,
        Severity::Low => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Info => lsp::DiagnosticSeverity::HINT,
    }
}

/// The diagnostics of the buffer at `path` (text `text`), and its findings
/// in the same order, for code actions and hovers.
pub fn diagnostics(
    path: &Path,
    text: &str,
    report: Report,
    settings_problem: Option<&str>,
    encoding: Encoding,
) -> (Vec<lsp::Diagnostic>, Vec<Finding>) {
    let lines = Lines::new(text, encoding);
    let mut out = Vec::new();
    let top = lsp::Range::default();
    if let Some(problem) = settings_problem {
        out.push(plain(
            top,
            lsp::DiagnosticSeverity::WARNING,
            problem.to_string(),
        ));
    }
    for e in &report.errors {
        let here = e.path == path;
        match &e.location {
            Some(l) if l.file.path == path => out.push(plain(
                lines.range(l.start as usize, l.end as usize),
                lsp::DiagnosticSeverity::ERROR,
                e.message.clone(),
            )),
            // A sibling file that could not be read or parsed: this
            // buffer's module is checked without it.
            _ if !here => out.push(plain(
                top,
                lsp::DiagnosticSeverity::WARNING,
                format!("{}: {}", e.path.display(), e.message),
            )),
            _ => out.push(plain(
                top,
                lsp::DiagnosticSeverity::ERROR,
                e.message.clone(),
            )),
        }
    }
    for n in &report.notes {
        if let Some(l) = n.location.as_ref().filter(|l| l.file.path == path) {
            out.push(plain(
                lines.range(l.start as usize, l.end as usize),
                lsp::DiagnosticSeverity::INFORMATION,
                n.message.clone(),
            ));
        }
    }
    // Other files' texts, for the bucket a finding names.
    let mut elsewhere: HashMap<&Path, Lines> = HashMap::new();
    let mut findings: Vec<Finding> = report
        .findings
        .into_iter()
        .filter(|f| f.location.file.path == path)
        .collect();
    findings.sort_by_key(|f| (f.location.start, f.rule.code));
    for f in &findings {
        let related = f.bucket.as_deref().and_then(|(name, at)| {
            let same = at.file.path == path;
            if same && at.start <= f.location.start && f.location.end <= at.end {
                return None; // the finding is on the bucket itself
            }
            let range = if same {
                lines.range(at.start as usize, at.end as usize)
            } else {
                elsewhere
                    .entry(&at.file.path)
                    .or_insert_with(|| Lines::new(&at.file.text, encoding))
                    .range(at.start as usize, at.end as usize)
            };
            Some(vec![lsp::DiagnosticRelatedInformation {
                location: lsp::Location {
                    uri: Url::from_file_path(&at.file.path).ok()?,
                    range,
                },
                message: format!("bucket `{name}` is declared here"),
            }])
        });
        // Guard rules have no page of their own.
        let page = RULES
            .iter()
            .any(|r| std::ptr::eq(*r, f.rule))
            .then(|| Url::parse(&f.rule.help_url()).ok())
            .flatten();
        out.push(lsp::Diagnostic {
            range: lines.range(f.location.start as usize, f.location.end as usize),
            severity: Some(severity(f.severity)),
            code: Some(lsp::NumberOrString::String(f.rule.code.to_string())),
            code_description: page.map(|href| lsp::CodeDescription { href }),
            source: Some("bucketlint".into()),
            message: format!("{} [{}]", f.message, f.rule.name),
            related_information: related,
            tags: None,
            data: None,
        });
    }
    (out, findings)
}

fn plain(range: lsp::Range, severity: lsp::DiagnosticSeverity, message: String) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range,
        severity: Some(severity),
        source: Some("bucketlint".into()),
        message,
        ..Default::default()
    }
}
