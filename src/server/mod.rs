//! `bucketlint server`: a language server over standard input and output.
//!
//! The main loop only keeps the open buffers and answers the editor; checks
//! run on rayon's pool, on the unsaved text (and, for Terraform, the rest of
//! the module folder, open buffers first). Every buffer carries a
//! generation, bumped by each edit: a check that is overtaken never starts,
//! and its result, if it was already running, is dropped, so a slow file
//! never holds back a newer one.

mod actions;
mod convert;
mod lines;
mod settings;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, select};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{self as lsp, Url};

use crate::check;
use crate::config;
use crate::findings::{Finding, Report};
use lines::Encoding;
use settings::SettingsCache;

/// Edits closer together than this are checked once, after the last.
const DEBOUNCE: Duration = Duration::from_millis(120);

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Serves one editor until it says `exit` or closes the stream.
pub fn serve() -> Result<(), Error> {
    let (connection, io) = Connection::stdio();
    let (id, params) = connection.initialize_start()?;
    let init: lsp::InitializeParams = serde_json::from_value(params)?;
    let encoding = negotiate(&init);
    let result = serde_json::json!({
        "capabilities": capabilities(encoding),
        "serverInfo": { "name": "bucketlint", "version": env!("CARGO_PKG_VERSION") },
    });
    connection.initialize_finish(id, result)?;
    let watch = init
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files)
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false);
    let mut server = Server::new(connection.sender.clone(), encoding);
    if watch {
        server.watch_settings();
    }
    let clean = server.run(&connection)?;
    // The writer thread ends when the last sender is gone.
    drop(server);
    drop(connection);
    io.join()?;
    if clean {
        Ok(())
    } else {
        Err("exit without shutdown".into())
    }
}

fn negotiate(init: &lsp::InitializeParams) -> Encoding {
    let offered = init
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(list) if list.contains(&lsp::PositionEncodingKind::UTF8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    }
}

fn capabilities(encoding: Encoding) -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => lsp::PositionEncodingKind::UTF8,
            Encoding::Utf16 => lsp::PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
                ..Default::default()
            },
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        ..Default::default()
    }
}

struct Doc {
    path: PathBuf,
    text: String,
    version: i32,
    generation: u64,
}

/// A finished check of one buffer; no report when it was overtaken
/// before it started.
struct Checked {
    uri: Url,
    generation: u64,
    version: i32,
    report: Option<Report>,
    problem: Option<String>,
}

/// The last check shown for a buffer: what code actions and hovers use.
pub(crate) struct Shown {
    generation: u64,
    findings: Arc<Vec<Finding>>,
    /// Problems in the buffer itself.
    errors: usize,
}

struct Server {
    sender: Sender<Message>,
    encoding: Encoding,
    docs: HashMap<Url, Doc>,
    shown: HashMap<Url, Shown>,
    /// Each buffer's current generation, read by checks on the pool.
    latest: Arc<Mutex<HashMap<Url, u64>>>,
    next_generation: u64,
    /// Checks waiting for edits to pause.
    due: HashMap<Url, Instant>,
    /// Buffers with a check on the pool, and those to check again when it
    /// ends: one check per buffer at a time, so a slow file typed into
    /// does not fill the pool with checks of versions already gone.
    running: HashSet<Url>,
    again: HashSet<Url>,
    settings: Arc<SettingsCache>,
    done_tx: Sender<Checked>,
    done_rx: Receiver<Checked>,
    next_request: i32,
}

impl Server {
    fn new(sender: Sender<Message>, encoding: Encoding) -> Server {
        let (done_tx, done_rx) = crossbeam_channel::unbounded();
        Server {
            sender,
            encoding,
            docs: HashMap::new(),
            shown: HashMap::new(),
            latest: Arc::default(),
            next_generation: 0,
            due: HashMap::new(),
            running: HashSet::new(),
            again: HashSet::new(),
            settings: Arc::default(),
            done_tx,
            done_rx,
            next_request: 0,
        }
    }

    /// Runs until `exit`; true when `shutdown` came first.
    fn run(&mut self, connection: &Connection) -> Result<bool, Error> {
        loop {
            let wait = self
                .due
                .values()
                .min()
                .map(|t| t.saturating_duration_since(Instant::now()));
            let timer = match wait {
                Some(d) => crossbeam_channel::after(d),
                None => crossbeam_channel::never(),
            };
            select! {
                recv(connection.receiver) -> message => {
                    let Ok(message) = message else { return Ok(false) };
                    match message {
                        Message::Request(req) => {
                            if connection.handle_shutdown(&req)? {
                                return Ok(true);
                            }
                            self.request(req);
                        }
                        Message::Notification(n) => {
                            if n.method == lsp::notification::Exit::METHOD {
                                return Ok(false);
                            }
                            self.notification(n);
                        }
                        Message::Response(_) => {}
                    }
                }
                recv(self.done_rx) -> checked => {
                    if let Ok(checked) = checked {
                        let uri = checked.uri.clone();
                        self.running.remove(&uri);
                        self.publish(checked);
                        if self.again.remove(&uri) {
                            self.check(&uri);
                        }
                    }
                }
                recv(timer) -> _ => {
                    let now = Instant::now();
                    let ready: Vec<Url> = self
                        .due
                        .iter()
                        .filter(|(_, t)| **t <= now)
                        .map(|(u, _)| u.clone())
                        .collect();
                    for uri in ready {
                        self.due.remove(&uri);
                        self.check(&uri);
                    }
                }
            }
        }
    }

    /// Asks the editor to report changes to configuration and Guard files.
    fn watch_settings(&mut self) {
        let watchers: Vec<lsp::FileSystemWatcher> =
            ["**/bucketlint.toml", "**/.bucketlint.toml", "**/*.guard"]
                .into_iter()
                .map(|glob| lsp::FileSystemWatcher {
                    glob_pattern: lsp::GlobPattern::String(glob.into()),
                    kind: None,
                })
                .collect();
        let params = lsp::RegistrationParams {
            registrations: vec![lsp::Registration {
                id: "bucketlint-settings".into(),
                method: lsp::notification::DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(
                    lsp::DidChangeWatchedFilesRegistrationOptions { watchers },
                )
                .ok(),
            }],
        };
        self.next_request += 1;
        let req = Request::new(
            self.next_request.into(),
            lsp::request::RegisterCapability::METHOD.into(),
            params,
        );
        let _ = self.sender.send(req.into());
    }

    fn notification(&mut self, n: Notification) {
        use lsp::notification::*;
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => params::<DidOpenTextDocument>(n).map(|p| self.opened(p)),
            DidChangeTextDocument::METHOD => {
                params::<DidChangeTextDocument>(n).map(|p| self.changed(p))
            }
            DidSaveTextDocument::METHOD => params::<DidSaveTextDocument>(n).map(|p| self.saved(p)),
            DidCloseTextDocument::METHOD => {
                params::<DidCloseTextDocument>(n).map(|p| self.closed(p))
            }
            DidChangeWatchedFiles::METHOD => params::<DidChangeWatchedFiles>(n).map(|p| {
                if p.changes.iter().any(|c| is_settings(&c.uri)) {
                    self.settings_changed();
                }
            }),
            _ => None,
        };
    }

    fn opened(&mut self, p: lsp::DidOpenTextDocumentParams) {
        let Ok(path) = p.text_document.uri.to_file_path() else {
            return;
        };
        let uri = p.text_document.uri;
        self.docs.insert(
            uri.clone(),
            Doc {
                path,
                text: p.text_document.text,
                version: p.text_document.version,
                generation: 0,
            },
        );
        self.check(&uri);
        self.recheck_module_of(&uri);
    }

    fn changed(&mut self, p: lsp::DidChangeTextDocumentParams) {
        let uri = p.text_document.uri;
        let encoding = self.encoding;
        let Some(doc) = self.docs.get_mut(&uri) else {
            return;
        };
        for change in p.content_changes {
            match change.range {
                Some(range) => {
                    let lines = lines::Lines::new(&doc.text, encoding);
                    let (start, end) = (lines.offset(range.start), lines.offset(range.end));
                    doc.text.replace_range(start..end.max(start), &change.text);
                }
                None => doc.text = change.text,
            }
        }
        doc.version = p.text_document.version;
        self.bump(&uri);
        let at = Instant::now() + DEBOUNCE;
        self.due.insert(uri.clone(), at);
        for sibling in self.module_siblings(&uri) {
            self.due.insert(sibling, at);
        }
    }

    fn saved(&mut self, p: lsp::DidSaveTextDocumentParams) {
        let uri = p.text_document.uri;
        if is_settings(&uri) {
            self.settings_changed();
        } else if self.docs.contains_key(&uri) {
            self.due.remove(&uri);
            self.check(&uri);
            self.recheck_module_of(&uri);
        }
    }

    fn closed(&mut self, p: lsp::DidCloseTextDocumentParams) {
        let uri = p.text_document.uri;
        let siblings = self.module_siblings(&uri);
        self.docs.remove(&uri);
        self.shown.remove(&uri);
        self.due.remove(&uri);
        self.again.remove(&uri);
        self.latest.lock().unwrap().remove(&uri);
        self.send_diagnostics(uri, Vec::new(), None);
        // The siblings now read this file from disk.
        for sibling in siblings {
            self.check(&sibling);
        }
    }

    fn request(&mut self, req: Request) {
        use lsp::request::*;
        match req.method.as_str() {
            CodeActionRequest::METHOD => {
                let Ok((id, p)) = req.extract::<lsp::CodeActionParams>(CodeActionRequest::METHOD)
                else {
                    return;
                };
                let uri = p.text_document.uri.clone();
                // Every action here is a quick fix: none when the editor
                // asks only for other kinds (`source.organizeImports`...).
                let wanted = p.context.only.as_ref().is_none_or(|kinds| {
                    kinds
                        .iter()
                        .any(|k| k.as_str().is_empty() || *k == lsp::CodeActionKind::QUICKFIX)
                });
                let (true, Some(doc), Some(shown)) =
                    (wanted, self.docs.get(&uri), self.shown.get(&uri))
                else {
                    let _ = self
                        .sender
                        .send(Response::new_ok(id, Vec::<()>::new()).into());
                    return;
                };
                if shown.generation != doc.generation {
                    // The buffer changed since: its findings are stale.
                    let _ = self
                        .sender
                        .send(Response::new_ok(id, Vec::<()>::new()).into());
                    return;
                }
                let job = actions::ActionJob {
                    uri,
                    path: doc.path.clone(),
                    range: p.range,
                    findings: Arc::clone(&shown.findings),
                    errors: shown.errors,
                    overrides: self.overrides_for(&doc.path),
                    encoding: self.encoding,
                    settings: Arc::clone(&self.settings),
                };
                let sender = self.sender.clone();
                // Offering a suppression checks the edited text: off the loop.
                rayon::spawn(move || {
                    let actions = job.actions();
                    let _ = sender.send(Response::new_ok(id, actions).into());
                });
            }
            HoverRequest::METHOD => {
                let Ok((id, p)) = req.extract::<lsp::HoverParams>(HoverRequest::METHOD) else {
                    return;
                };
                let uri = p.text_document_position_params.text_document.uri;
                let position = p.text_document_position_params.position;
                let hover = match (self.docs.get(&uri), self.shown.get(&uri)) {
                    (Some(doc), Some(shown)) if shown.generation == doc.generation => {
                        actions::hover(&doc.text, &shown.findings, position, self.encoding)
                    }
                    _ => None,
                };
                let _ = self.sender.send(Response::new_ok(id, hover).into());
            }
            _ => {
                let _ = self.sender.send(
                    Response::new_err(
                        req.id,
                        ErrorCode::MethodNotFound as i32,
                        format!("bucketlint does not handle {}", req.method),
                    )
                    .into(),
                );
            }
        }
    }

    /// A new generation for a buffer: checks of older ones are dropped.
    fn bump(&mut self, uri: &Url) -> u64 {
        self.next_generation += 1;
        let generation = self.next_generation;
        if let Some(doc) = self.docs.get_mut(uri) {
            doc.generation = generation;
        }
        self.latest.lock().unwrap().insert(uri.clone(), generation);
        generation
    }

    /// Open buffers of the same Terraform module folder, but `uri`.
    fn module_siblings(&self, uri: &Url) -> Vec<Url> {
        let Some(doc) = self.docs.get(uri) else {
            return Vec::new();
        };
        if !is_terraform(&doc.path) {
            return Vec::new();
        }
        self.docs
            .iter()
            .filter(|(u, d)| {
                *u != uri && is_terraform(&d.path) && d.path.parent() == doc.path.parent()
            })
            .map(|(u, _)| u.clone())
            .collect()
    }

    fn recheck_module_of(&mut self, uri: &Url) {
        for sibling in self.module_siblings(uri) {
            self.check(&sibling);
        }
    }

    /// The open buffers that stand in for files on disk when checking
    /// `path`: itself, and the rest of its module folder.
    fn overrides_for(&self, path: &Path) -> HashMap<PathBuf, String> {
        self.docs
            .values()
            .filter(|d| d.path == path || (is_terraform(path) && d.path.parent() == path.parent()))
            .map(|d| (d.path.clone(), d.text.clone()))
            .collect()
    }

    fn check(&mut self, uri: &Url) {
        if !self.docs.contains_key(uri) {
            return;
        }
        // The running check's result, if any, is now stale.
        let generation = self.bump(uri);
        let Some(doc) = self.docs.get(uri) else {
            return;
        };
        if self.running.contains(uri) {
            self.again.insert(uri.clone());
            return;
        }
        self.running.insert(uri.clone());
        let path = doc.path.clone();
        let version = doc.version;
        let overrides = self.overrides_for(&path);
        let latest = Arc::clone(&self.latest);
        let settings = Arc::clone(&self.settings);
        let done = self.done_tx.clone();
        let uri = uri.clone();
        rayon::spawn(move || {
            let current = latest.lock().unwrap().get(&uri) == Some(&generation);
            let mut checked = Checked {
                uri,
                generation,
                version,
                report: None,
                problem: None,
            };
            // Not started when overtaken while waiting for a thread.
            if current {
                let settings = settings.get(&path);
                checked.report = Some(check::check_file(
                    &path,
                    &settings.options(&path, overrides),
                ));
                checked.problem = settings.problem.clone();
            }
            let _ = done.send(checked);
        });
    }

    fn publish(&mut self, checked: Checked) {
        let Some(doc) = self.docs.get(&checked.uri) else {
            return;
        };
        let Some(report) = checked.report else {
            return;
        };
        if doc.generation != checked.generation {
            return;
        }
        let errors = report.errors.iter().filter(|e| e.path == doc.path).count();
        let (diagnostics, findings) = convert::diagnostics(
            &doc.path,
            &doc.text,
            report,
            checked.problem.as_deref(),
            self.encoding,
        );
        self.shown.insert(
            checked.uri.clone(),
            Shown {
                generation: checked.generation,
                findings: Arc::new(findings),
                errors,
            },
        );
        self.send_diagnostics(checked.uri, diagnostics, Some(checked.version));
    }

    fn send_diagnostics(&self, uri: Url, diagnostics: Vec<lsp::Diagnostic>, version: Option<i32>) {
        let params = lsp::PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        let n = Notification::new(lsp::notification::PublishDiagnostics::METHOD.into(), params);
        let _ = self.sender.send(n.into());
    }

    /// A configuration or Guard file changed: every open buffer again.
    fn settings_changed(&mut self) {
        self.settings.clear();
        let uris: Vec<Url> = self.docs.keys().cloned().collect();
        for uri in uris {
            self.due.remove(&uri);
            self.check(&uri);
        }
    }
}

/// A notification's parameters; a malformed one is ignored, as LSP asks.
fn params<N: lsp::notification::Notification>(n: Notification) -> Option<N::Params> {
    n.extract(N::METHOD).ok()
}

/// A file of a Terraform module folder, variables included.
fn is_terraform(path: &Path) -> bool {
    let name = path.to_string_lossy();
    crate::discover::is_tf(path) || name.ends_with(".tfvars") || name.ends_with(".tfvars.json")
}

fn is_settings(uri: &Url) -> bool {
    let path = uri.path();
    path.ends_with(".guard")
        || config::NAMES
            .iter()
            .any(|n| path.ends_with(&format!("/{n}")))
}
