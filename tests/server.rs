//! `bucketlint server`, driven as an editor would: a child process spoken
//! to with JSON-RPC over its standard input and output.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Long enough for a loaded CI machine; nothing here measures speed.
const PATIENCE: Duration = Duration::from_secs(30);

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Messages read while waiting for another.
    stash: Vec<Value>,
    next_id: i64,
    /// The position encoding the server chose.
    encoding: String,
}

impl Client {
    fn start(dir: &Path) -> Client {
        Client::start_with(dir, json!({}))
    }

    fn start_with(dir: &Path, capabilities: Value) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_bucketlint"))
            .args(["server", "--stdio"])
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                stdout.read_exact(&mut body).unwrap();
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            incoming,
            stash: Vec::new(),
            next_id: 0,
            encoding: String::new(),
        };
        let init = client.request(
            "initialize",
            json!({ "processId": null, "rootUri": null, "capabilities": capabilities }),
        );
        assert_eq!(init["serverInfo"]["name"], "bucketlint");
        client.encoding = init["capabilities"]["positionEncoding"]
            .as_str()
            .unwrap()
            .to_string();
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns its result (panics on an error).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let response = self.wait(|m| m["id"] == id && m.get("method").is_none());
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// The first message (stashed or new) that `matches`.
    fn wait(&mut self, matches: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.stash.iter().position(&matches) {
            return self.stash.remove(i);
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(m) if matches(&m) => return m,
                Ok(m) => self.stash.push(m),
                Err(RecvTimeoutError::Timeout) => panic!("no such message; got {:?}", self.stash),
                Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
            }
        }
    }

    /// The diagnostics published for `uri` at `version`.
    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let m = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
        m["params"]["diagnostics"].as_array().unwrap().clone()
    }

    /// The diagnostics of one rule published for `uri` at `version`.
    fn found(&mut self, uri: &str, version: i64, rule: &str) -> Vec<Value> {
        of(&self.diagnostics(uri, version), rule)
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": language, "version": 1, "text": text } }),
        );
    }

    fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }

    fn code_actions(&mut self, uri: &str, range: &Value) -> Vec<Value> {
        let result = self.request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri }, "range": range, "context": { "diagnostics": [] } }),
        );
        result.as_array().unwrap().clone()
    }

    fn shutdown(mut self) -> ExitStatus {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        wait_exit(&mut self.child)
    }
}

fn wait_exit(child: &mut Child) -> ExitStatus {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn uri(path: &Path) -> String {
    lsp_types::Url::from_file_path(path).unwrap().to_string()
}

fn rule(name: &str) -> &'static bucketlint::rules::Rule {
    bucketlint::rules::find(name).unwrap()
}

/// Diagnostics of one rule.
fn of(diagnostics: &[Value], name: &str) -> Vec<Value> {
    let code = rule(name).code;
    diagnostics
        .iter()
        .filter(|d| d["code"] == code)
        .cloned()
        .collect()
}

/// Applies LSP text edits (ASCII text: characters are bytes) to `text`.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| -> usize {
        let line = p["line"].as_u64().unwrap() as usize;
        let character = p["character"].as_u64().unwrap() as usize;
        text.split_inclusive('\n')
            .take(line)
            .map(str::len)
            .sum::<usize>()
            + character
    };
    let mut edits: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, new) in edits {
        out.replace_range(start..end, new);
    }
    out
}

/// The action whose title starts with `title`.
fn action<'a>(actions: &'a [Value], title: &str) -> &'a Value {
    actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with(title))
        .unwrap_or_else(|| panic!("no `{title}` in {actions:?}"))
}

/// The edits an action makes to `uri`.
fn edits_of(action: &Value, uri: &str) -> Vec<Value> {
    action["edit"]["changes"][uri].as_array().unwrap().clone()
}

const PUBLIC: &str = "\
AWSTemplateFormatVersion: \"2010-09-09\"
Resources:
  # Assets for the site
  Assets:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicRead
";

/// A server with `PUBLIC` open as `template.yaml` in a new folder (never
/// written to disk: the buffer is all there is), and its first diagnostics.
fn public_template() -> (tempfile::TempDir, String, Client, Vec<Value>) {
    let dir = tempfile::tempdir().unwrap();
    let doc = uri(&dir.path().join("template.yaml"));
    let mut client = Client::start(dir.path());
    client.open(&doc, "yaml", PUBLIC);
    let diagnostics = client.diagnostics(&doc, 1);
    (dir, doc, client, diagnostics)
}

#[test]
fn diagnostics_follow_the_unsaved_buffer() {
    let (_dir, doc, mut client, diagnostics) = public_template();
    let acl = of(&diagnostics, "acl-public-read");
    assert_eq!(acl.len(), 1, "{diagnostics:?}");
    let d = &acl[0];
    assert_eq!(d["range"]["start"], json!({ "line": 6, "character": 21 }));
    assert_eq!(d["range"]["end"], json!({ "line": 6, "character": 31 }));
    assert_eq!(d["severity"], 1, "high is an error");
    assert_eq!(d["source"], "bucketlint");
    assert!(
        d["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("/rules/acl-public-read.md")
    );
    assert!(d["message"].as_str().unwrap().contains("acl-public-read"));

    // Private: the finding goes.
    client.change(&doc, 2, &PUBLIC.replace("PublicRead", "Private"));
    assert!(client.found(&doc, 2, "acl-public-read").is_empty());

    // An incremental change puts it back.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": doc, "version": 3 },
            "contentChanges": [{
                "range": { "start": { "line": 6, "character": 21 }, "end": { "line": 6, "character": 28 } },
                "text": "PublicReadWrite"
            }]
        }),
    );
    assert_eq!(client.found(&doc, 3, "acl-public-write").len(), 1);

    // Closing clears what was shown.
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": doc } }),
    );
    let m = client.wait(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"].is_null()
    });
    assert_eq!(m["params"]["diagnostics"], json!([]));
    assert!(client.shutdown().success());
}

#[test]
fn the_fix_action_removes_the_finding_and_the_suppression_silences_it() {
    let (_dir, doc, mut client, diagnostics) = public_template();
    let d = of(&diagnostics, "acl-public-read").remove(0);
    let actions = client.code_actions(&doc, &d["range"]);
    let fix = action(&actions, "Fix acl-public-read");
    assert_eq!(fix["kind"], "quickfix");
    // Nothing relies on this bucket being open: the fix is safe.
    assert_eq!(fix["isPreferred"], true, "{fix}");
    assert!(!fix["title"].as_str().unwrap().contains("unsafe"), "{fix}");
    assert_eq!(fix["diagnostics"][0]["code"], rule("acl-public-read").code);
    let fixed = apply(PUBLIC, &edits_of(fix, &doc));
    assert!(fixed.contains("AccessControl: Private"), "{fixed}");
    client.change(&doc, 2, &fixed);
    assert!(of(&client.diagnostics(&doc, 2), "acl-public-read").is_empty());

    client.change(&doc, 3, PUBLIC);
    assert_eq!(of(&client.diagnostics(&doc, 3), "acl-public-read").len(), 1);
    let actions = client.code_actions(&doc, &d["range"]);
    let suppress = action(&actions, "Suppress acl-public-read with a comment");
    // Asked only for other kinds of action: none.
    let only_source = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": doc }, "range": d["range"], "context": { "diagnostics": [], "only": ["source"] } }),
    );
    assert_eq!(only_source, json!([]));
    let suppressed = apply(PUBLIC, &edits_of(suppress, &doc));
    assert!(
        suppressed.contains(
            "      # bucketlint:ignore[acl-public-read]\n      AccessControl: PublicRead\n"
        ),
        "{suppressed}"
    );
    client.change(&doc, 4, &suppressed);
    let diagnostics = client.diagnostics(&doc, 4);
    assert!(
        of(&diagnostics, "acl-public-read").is_empty(),
        "{diagnostics:?}"
    );
    assert!(client.shutdown().success());
}

#[test]
fn unsafe_fixes_are_offered_and_labelled() {
    // A website may rely on the public ACL: closing it is unsafe.
    let text = format!("{PUBLIC}      WebsiteConfiguration:\n        IndexDocument: index.html\n");
    let dir = tempfile::tempdir().unwrap();
    let doc = uri(&dir.path().join("site.yaml"));
    let mut client = Client::start(dir.path());
    client.open(&doc, "yaml", &text);
    let d = of(&client.diagnostics(&doc, 1), "acl-public-read").remove(0);
    let actions = client.code_actions(&doc, &d["range"]);
    let fix = action(&actions, "Fix acl-public-read");
    assert!(
        fix["title"]
            .as_str()
            .unwrap()
            .starts_with("Fix acl-public-read (unsafe): "),
        "{fix}"
    );
    assert_eq!(fix["isPreferred"], false);
    let fixed = apply(&text, &edits_of(fix, &doc));
    client.change(&doc, 2, &fixed);
    assert!(of(&client.diagnostics(&doc, 2), "acl-public-read").is_empty());
    assert!(client.shutdown().success());
}

#[test]
fn in_a_heredoc_the_suppression_goes_above_the_resource() {
    let dir = tempfile::tempdir().unwrap();
    let text = "\
resource \"aws_s3_bucket\" \"uploads\" {
  bucket = \"example-uploads\"
}

resource \"aws_s3_bucket_policy\" \"uploads\" {
  bucket = aws_s3_bucket.uploads.id
  policy = <<EOF
{
  \"Version\": \"2012-10-17\",
  \"Statement\": [{
    \"Effect\": \"Allow\",
    \"Principal\": \"*\",
    \"Action\": \"s3:PutObject\",
    \"Resource\": \"${aws_s3_bucket.uploads.arn}/*\"
  }]
}
EOF
}
";
    let path = dir.path().join("main.tf");
    std::fs::write(&path, text).unwrap();
    let doc = uri(&path);
    let mut client = Client::start(dir.path());
    client.open(&doc, "terraform", text);
    let found = of(&client.diagnostics(&doc, 1), "policy-public-principal");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["range"]["start"]["line"], 11);
    let actions = client.code_actions(&doc, &found[0]["range"]);
    let suppress = action(&actions, "Suppress policy-public-principal with a comment");
    let edits = edits_of(suppress, &doc);
    assert_eq!(
        edits[0]["range"]["start"],
        json!({ "line": 4, "character": 0 })
    );
    let suppressed = apply(text, &edits);
    client.change(&doc, 2, &suppressed);
    let diagnostics = client.diagnostics(&doc, 2);
    assert!(
        of(&diagnostics, "policy-public-principal").is_empty(),
        "{diagnostics:?}"
    );
    // No parse error: every diagnostic is a rule's.
    assert!(
        diagnostics.iter().all(|d| d["code"].is_string()),
        "{diagnostics:?}"
    );
    assert!(client.shutdown().success());
}

#[test]
fn terraform_buffers_are_checked_with_their_module_and_win_over_disk() {
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("main.tf");
    std::fs::write(
        &main,
        "resource \"aws_s3_bucket\" \"site\" {\n  bucket = \"example-site\"\n}\n",
    )
    .unwrap();
    let policy = dir.path().join("policy.tf");
    let policy_text = "\
resource \"aws_s3_bucket_policy\" \"site\" {
  bucket = aws_s3_bucket.site.id
  policy = jsonencode({
    Version = \"2012-10-17\"
    Statement = [{
      Effect    = \"Allow\"
      Principal = \"*\"
      Action    = \"s3:GetObject\"
      Resource  = \"${aws_s3_bucket.site.arn}/*\"
    }]
  })
}
";
    let (main_uri, policy_uri) = (uri(&main), uri(&policy));
    let mut client = Client::start(dir.path());
    // policy.tf exists only in the editor; main.tf is read from disk.
    client.open(&policy_uri, "terraform", policy_text);
    let found = of(
        &client.diagnostics(&policy_uri, 1),
        "policy-public-principal",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["range"]["start"]["line"], 6);
    let related = &found[0]["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], main_uri);
    assert_eq!(related["location"]["range"]["start"]["line"], 0);
    assert!(related["message"].as_str().unwrap().contains("site"));

    // Opened with unsaved lines above the bucket: the buffer, not the
    // disk, tells where it is, and the policy's buffer is checked again.
    let edited = format!(
        "# the site\n# served by CloudFront\n{}",
        std::fs::read_to_string(&main).unwrap()
    );
    client.open(&main_uri, "terraform", &edited);
    let found = client.wait(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == policy_uri
            && m["params"]["diagnostics"][0]["relatedInformation"][0]["location"]["range"]["start"]
                ["line"]
                == 2
    });
    assert_eq!(found["params"]["version"], 1);
    assert!(client.shutdown().success());
}

#[test]
fn hover_shows_the_rule_documentation() {
    let (_dir, doc, mut client, _) = public_template();
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": doc }, "position": { "line": 6, "character": 25 } }),
    );
    assert_eq!(hover["contents"]["kind"], "markdown");
    let value = hover["contents"]["value"].as_str().unwrap();
    let docs = rule("acl-public-read").docs;
    assert!(value.contains(docs.lines().nth(2).unwrap()), "{value}");
    assert_eq!(
        hover["range"]["start"],
        json!({ "line": 6, "character": 21 })
    );
    // Nothing flagged there: no hover.
    let none = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": doc }, "position": { "line": 0, "character": 2 } }),
    );
    assert!(none.is_null(), "{none}");
    assert!(client.shutdown().success());
}

#[test]
fn a_configuration_change_rechecks_open_files() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bucketlint.toml");
    std::fs::write(&config, "").unwrap();
    let doc = uri(&dir.path().join("template.yaml"));
    let capabilities =
        json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    let mut client = Client::start_with(dir.path(), capabilities);
    let register = client.wait(|m| m["method"] == "client/registerCapability");
    let watchers = &register["params"]["registrations"][0]["registerOptions"]["watchers"];
    assert!(
        watchers
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["globPattern"] == "**/bucketlint.toml")
    );
    client.send(json!({ "jsonrpc": "2.0", "id": register["id"], "result": null }));

    client.open(&doc, "yaml", PUBLIC);
    assert_eq!(of(&client.diagnostics(&doc, 1), "acl-public-read").len(), 1);
    std::fs::write(&config, "ignore = [\"acl-public-read\"]\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&config), "type": 2 }] }),
    );
    let diagnostics = client.diagnostics(&doc, 1);
    assert!(
        of(&diagnostics, "acl-public-read").is_empty(),
        "{diagnostics:?}"
    );

    // A broken configuration is said on the file, which is still checked.
    std::fs::write(&config, "ignore = [\"no-such-rule\"]\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&config), "type": 2 }] }),
    );
    let diagnostics = client.diagnostics(&doc, 1);
    assert!(
        diagnostics
            .iter()
            .any(|d| d["message"].as_str().unwrap().contains("bucketlint.toml")),
        "{diagnostics:?}"
    );
    assert_eq!(of(&diagnostics, "acl-public-read").len(), 1);
    assert!(client.shutdown().success());
}

#[test]
fn json_and_broken_buffers() {
    let dir = tempfile::tempdir().unwrap();
    let json_doc = uri(&dir.path().join("template.json"));
    let text = "{\n  \"Resources\": {\n    \"Assets\": {\n      \"Type\": \"AWS::S3::Bucket\",\n      \"Properties\": { \"AccessControl\": \"PublicRead\" }\n    }\n  }\n}\n";
    let mut client = Client::start(dir.path());
    client.open(&json_doc, "json", text);
    let found = of(&client.diagnostics(&json_doc, 1), "acl-public-read");
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0]["range"]["start"],
        json!({ "line": 4, "character": 39 })
    );
    let actions = client.code_actions(&json_doc, &found[0]["range"]);
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    // JSON has no comments: a fix, no suppression comment.
    assert!(
        titles.iter().any(|t| t.starts_with("Fix acl-public-read")),
        "{titles:?}"
    );
    assert!(
        !titles.iter().any(|t| t.starts_with("Suppress")),
        "{titles:?}"
    );

    let broken = uri(&dir.path().join("broken.yaml"));
    client.open(
        &broken,
        "yaml",
        "Resources:\n  Assets:\n    Type: AWS::S3::Bucket\n    Properties: {AccessControl: PublicRead\n",
    );
    let diagnostics = client.diagnostics(&broken, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["severity"], 1);
    assert!(
        diagnostics[0]["range"]["start"]["line"].as_u64().unwrap() >= 3,
        "{diagnostics:?}"
    );
    assert!(client.shutdown().success());
}

#[test]
fn the_newest_version_wins() {
    let (_dir, doc, mut client, _) = public_template();
    let private = PUBLIC.replace("PublicRead", "Private");
    for version in 2..=20 {
        let text = if version % 2 == 0 { &private } else { PUBLIC };
        client.change(&doc, version, text);
    }
    client.change(&doc, 21, PUBLIC);
    let last = client.diagnostics(&doc, 21);
    assert_eq!(of(&last, "acl-public-read").len(), 1);
    // Whatever was published on the way came in order: never an older
    // version after a newer one.
    let versions: Vec<i64> = client
        .stash
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .filter_map(|m| m["params"]["version"].as_i64())
        .collect();
    assert!(versions.windows(2).all(|w| w[0] <= w[1]), "{versions:?}");
    assert!(versions.iter().all(|v| *v < 21), "{versions:?}");
    assert!(client.shutdown().success());
}

#[test]
fn a_slow_file_does_not_hold_back_the_others() {
    let dir = tempfile::tempdir().unwrap();
    // Hundreds of public buckets: long to check, and to convert.
    let mut big = String::from("Resources:\n");
    for i in 0..600 {
        big.push_str(&format!(
            "  B{i}:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n"
        ));
    }
    let (big_doc, small_doc) = (
        uri(&dir.path().join("big.yaml")),
        uri(&dir.path().join("small.yaml")),
    );
    let mut client = Client::start(dir.path());
    client.open(&big_doc, "yaml", &big);
    // Saved twice while the first check runs: those versions are checked
    // once, after it, and the first version's result is never shown.
    for version in 2..=3 {
        client.change(&big_doc, version, &format!("{big}# edit {version}\n"));
        client.notify(
            "textDocument/didSave",
            json!({ "textDocument": { "uri": big_doc } }),
        );
    }
    client.open(&small_doc, "yaml", PUBLIC);
    let first = client.wait(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && (m["params"]["uri"] == small_doc || m["params"]["uri"] == big_doc)
    });
    assert_eq!(first["params"]["uri"], small_doc, "the small file waited");
    let big_found = client.diagnostics(&big_doc, 3);
    assert_eq!(of(&big_found, "acl-public-read").len(), 600);
    assert!(
        !client
            .stash
            .iter()
            .any(|m| m["params"]["uri"] == big_doc && m["params"]["version"] != 3),
        "an overtaken version was shown"
    );
    assert!(client.shutdown().success());
}

#[test]
fn columns_are_utf16_unless_the_client_takes_utf8() {
    // `é` is one UTF-16 unit and two UTF-8 bytes; `𝄞` two units, four bytes.
    let text = "Resources:\n  Assets:\n    Type: AWS::S3::Bucket\n    Properties: {Tags: [{Key: é𝄞, Value: x}], AccessControl: PublicRead}\n";
    let line = text.lines().nth(3).unwrap();
    let bytes = line.find("PublicRead").unwrap() as u64;
    let units = line[..bytes as usize].encode_utf16().count() as u64;
    assert_eq!(bytes - units, 3);
    for (offered, encoding, column) in [
        (json!(["utf-16"]), "utf-16", units),
        (json!(["utf-8", "utf-16"]), "utf-8", bytes),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let doc = uri(&dir.path().join("template.yaml"));
        let mut client = Client::start_with(
            dir.path(),
            json!({ "general": { "positionEncodings": offered } }),
        );
        assert_eq!(client.encoding, encoding);
        client.open(&doc, "yaml", text);
        let found = of(&client.diagnostics(&doc, 1), "acl-public-read");
        assert_eq!(
            found[0]["range"]["start"],
            json!({ "line": 3, "character": column })
        );
        assert!(client.shutdown().success());
    }
}

#[test]
fn exit_without_shutdown_is_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::start(dir.path());
    client.notify("exit", Value::Null);
    assert_eq!(wait_exit(&mut client.child).code(), Some(1));
}

#[test]
fn unknown_requests_are_answered_with_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::start(dir.path());
    client.next_id += 1;
    let id = client.next_id;
    client.send(
        json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/definition", "params": {} }),
    );
    let response = client.wait(|m| m["id"] == id);
    assert_eq!(response["error"]["code"], -32601);
    assert!(client.shutdown().success());
}

/// 30,000 conditions, each naming the one before: the server answers with
/// the public ACL instead of overflowing its stack.
#[test]
fn a_chain_of_thirty_thousand_conditions_is_answered() {
    let dir = tempfile::tempdir().unwrap();
    let doc = uri(&dir.path().join("chain.yaml"));
    let mut text = String::from(
        "Parameters:\n  P:\n    Type: String\nConditions:\n  C0: !Equals [!Ref P, a]\n",
    );
    for i in 1..30_000 {
        text.push_str(&format!("  C{i}: !Not [!Condition C{}]\n", i - 1));
    }
    text.push_str("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Condition: C29999\n    Properties:\n      AccessControl: PublicRead\n");
    let mut client = Client::start(dir.path());
    client.open(&doc, "yaml", &text);
    let diagnostics = client.diagnostics(&doc, 1);
    let acl = of(&diagnostics, "acl-public-read");
    assert_eq!(acl.len(), 1, "{diagnostics:?}");
    assert_eq!(acl[0]["range"]["start"]["line"], 30_009);
    assert!(client.shutdown().success());
}
