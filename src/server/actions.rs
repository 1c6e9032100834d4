//! Code actions (each finding's fix, and a suppression comment) and hovers.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use lsp_types::{self as lsp, Url};

use super::lines::{Encoding, Lines};
use super::settings::SettingsCache;
use crate::check;
use crate::findings::Finding;
use crate::fix::Safety;

/// What answering a code action request needs, taken off the main loop.
pub struct ActionJob {
    pub uri: Url,
    pub path: PathBuf,
    pub range: lsp::Range,
    /// The findings shown for the buffer's current text.
    pub findings: Arc<Vec<Finding>>,
    /// Problems shown for it: a suppression may not add one.
    pub errors: usize,
    pub overrides: HashMap<PathBuf, String>,
    pub encoding: Encoding,
    pub settings: Arc<SettingsCache>,
}

impl ActionJob {
    pub fn actions(&self) -> Vec<lsp::CodeActionOrCommand> {
        let Some(text) = self.overrides.get(&self.path) else {
            return Vec::new();
        };
        let lines = Lines::new(text, self.encoding);
        let (from, to) = (lines.offset(self.range.start), lines.offset(self.range.end));
        let mut out = Vec::new();
        for f in self.findings.iter() {
            let (start, end) = (f.location.start as usize, f.location.end as usize);
            // Touching counts: a cursor at either end of the finding.
            if end < from || start > to {
                continue;
            }
            let diagnostic = lsp::Diagnostic {
                range: lines.range(start, end),
                code: Some(lsp::NumberOrString::String(f.rule.code.to_string())),
                source: Some("bucketlint".into()),
                message: f.message.clone(),
                ..Default::default()
            };
            if let Some(action) = self.fix(f, text, &diagnostic) {
                out.push(lsp::CodeActionOrCommand::CodeAction(action));
            }
            if let Some(action) = self.suppress(f, text, &diagnostic) {
                out.push(lsp::CodeActionOrCommand::CodeAction(action));
            }
        }
        out
    }

    fn fix(
        &self,
        f: &Finding,
        text: &str,
        diagnostic: &lsp::Diagnostic,
    ) -> Option<lsp::CodeAction> {
        let fix = f.fix.as_ref()?;
        let (uri, other);
        let target: &str = if fix.path == self.path {
            uri = self.uri.clone();
            text
        } else {
            uri = Url::from_file_path(&fix.path).ok()?;
            other = match self.overrides.get(&fix.path) {
                Some(t) => t.clone(),
                None => std::fs::read_to_string(&fix.path).ok()?,
            };
            &other
        };
        let lines = Lines::new(target, self.encoding);
        let edits = fix
            .edits
            .iter()
            .map(|e| lsp::TextEdit {
                range: lines.range(e.start as usize, e.end as usize),
                new_text: e.text.clone(),
            })
            .collect();
        let safe = fix.safety == Safety::Safe;
        let title = format!(
            "Fix {}{}: {}",
            f.rule.name,
            if safe { "" } else { " (unsafe)" },
            fix.note
        );
        Some(quickfix(title, diagnostic, uri, edits, safe))
    }

    /// A `# bucketlint:ignore[rule]` line above the finding, or else above
    /// its resource: the first that, checked, suppresses it and breaks
    /// nothing (a line inside a heredoc or block scalar would). JSON has no
    /// comments, so none is offered there.
    fn suppress(
        &self,
        f: &Finding,
        text: &str,
        diagnostic: &lsp::Diagnostic,
    ) -> Option<lsp::CodeAction> {
        if f.location.file.is_json() {
            return None;
        }
        let newline = f.location.file.newline();
        let mut places = vec![line_start(text, f.location.start as usize)];
        places.extend(f.holder_start.map(|h| line_start(text, h as usize)));
        places.dedup();
        let before = self.count(f);
        for at in places {
            let line = &text[at..];
            let indent = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
            let comment = format!("{indent}# bucketlint:ignore[{}]{newline}", f.rule.name);
            let mut edited = text.to_string();
            edited.insert_str(at, &comment);
            if !self.suppresses(edited, f, before) {
                continue;
            }
            let lines = Lines::new(text, self.encoding);
            let position = lines.position(at);
            let edit = lsp::TextEdit {
                range: lsp::Range::new(position, position),
                new_text: comment,
            };
            let title = format!("Suppress {} with a comment", f.rule.name);
            return Some(quickfix(
                title,
                diagnostic,
                self.uri.clone(),
                vec![edit],
                false,
            ));
        }
        None
    }

    /// Findings of `f`'s rule shown now.
    fn count(&self, f: &Finding) -> usize {
        self.findings
            .iter()
            .filter(|g| g.rule.code == f.rule.code)
            .count()
    }

    /// Whether the edited buffer has one finding of the rule fewer and no
    /// new problem.
    fn suppresses(&self, edited: String, f: &Finding, before: usize) -> bool {
        let mut overrides = self.overrides.clone();
        overrides.insert(self.path.clone(), edited);
        let settings = self.settings.get(&self.path);
        let mut options = settings.options(&self.path, overrides);
        options.fix = None;
        let report = check::check_file(&self.path, &options);
        let errors = report.errors.iter().filter(|e| e.path == self.path).count();
        let after = report
            .findings
            .iter()
            .filter(|g| g.rule.code == f.rule.code && g.location.file.path == self.path)
            .count();
        errors <= self.errors && after < before
    }
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1)
}

/// A quick fix of `diagnostic` making `edits` to `uri`.
fn quickfix(
    title: String,
    diagnostic: &lsp::Diagnostic,
    uri: Url,
    edits: Vec<lsp::TextEdit>,
    preferred: bool,
) -> lsp::CodeAction {
    lsp::CodeAction {
        title,
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(lsp::WorkspaceEdit {
            changes: Some(HashMap::from([(uri, edits)])),
            ..Default::default()
        }),
        is_preferred: Some(preferred),
        ..Default::default()
    }
}

/// The documentation of the rules flagged at `position`.
pub fn hover(
    text: &str,
    findings: &[Finding],
    position: lsp::Position,
    encoding: Encoding,
) -> Option<lsp::Hover> {
    let lines = Lines::new(text, encoding);
    let at = lines.offset(position);
    let here: Vec<&Finding> = findings
        .iter()
        .filter(|f| (f.location.start as usize) <= at && at <= f.location.end as usize)
        .collect();
    let first = here.first()?;
    let mut seen = Vec::new();
    let mut value = String::new();
    for f in &here {
        if seen.contains(&f.rule.code) {
            continue;
        }
        seen.push(f.rule.code);
        if !value.is_empty() {
            value.push_str("\n\n---\n\n");
        }
        value.push_str(&format!(
            "**{} {}** ({})\n\n{}",
            f.rule.code,
            f.rule.name,
            f.severity.as_str(),
            f.rule.docs.trim()
        ));
    }
    Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value,
        }),
        range: Some(lines.range(first.location.start as usize, first.location.end as usize)),
    })
}
