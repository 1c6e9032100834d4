//! SARIF 2.1.0, as GitHub code scanning reads it: every enabled rule in
//! `tool.driver.rules` (help text, help URI, security severity, tags),
//! results with full regions in code points, relative URIs, and a
//! fingerprint of our own that survives line shifts.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Value, json};

use super::{Lazy, Paths};

use crate::findings::{Finding, Report};
use crate::rules::{Rule, Severity};
use crate::suppress::fingerprint;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub sorts and labels alerts by this number (critical ≥ 9, high ≥ 7,
/// medium ≥ 4, low below).
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// A relative path as a URI reference: forward slashes, no `./`,
/// percent-encoded as RFC 3986 asks (control characters included).
pub fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.trim_start_matches("./");
    super::safe::uri_path(path)
}

fn rule(r: &Rule) -> Value {
    let mut tags = vec!["security", "s3"];
    if r.code.starts_with("BL3") {
        tags.push("iam");
    }
    json!({
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": r.summary},
        "help": {"text": r.fix, "markdown": r.docs},
        "helpUri": r.help_url(),
        "defaultConfiguration": {"level": level(r.severity), "enabled": r.default_enabled},
        "properties": {
            "security-severity": security_severity(r.severity),
            "precision": "high",
            "tags": tags,
        },
    })
}

fn result(f: &Finding, rule_index: usize, fingerprint: &str, paths: &Paths) -> Value {
    let l = &f.location;
    let mut properties = json!({"resource": f.resource, "resourceType": f.resource_type});
    if !f.also_in.is_empty() {
        properties["instances"] = super::json::instances(f);
    }
    if let Some(w) = &f.witness {
        properties["witness"] = json!(w.describe());
    }
    if let Some((bucket, _)) = f.bucket.as_deref() {
        properties["bucket"] = json!(bucket);
    }
    json!({
        "ruleId": f.rule.code,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": {"text": f.message},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": uri(&paths.rel(&l.file.path)), "uriBaseId": "%SRCROOT%"},
                "region": {
                    "startLine": l.line,
                    "startColumn": l.column,
                    "endLine": l.end_line,
                    "endColumn": l.end_column,
                    "charOffset": l.start,
                    "charLength": l.end - l.start,
                },
            },
        }],
        "partialFingerprints": {"bucketlint/v1": fingerprint},
        "properties": properties,
    })
}

/// The SARIF log, serialized result by result as it is written.
pub struct SarifReport<'a> {
    pub report: &'a Report,
    pub rules: &'a [&'static Rule],
    pub paths: &'a Paths,
    /// GitHub code scanning keeps one analysis per category: the run's
    /// `automationDetails.id` is `<category>/`.
    pub category: &'a str,
}

impl Serialize for SarifReport<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (report, rules, paths) = (self.report, self.rules, self.paths);
        let fingerprints = fingerprint::all(&report.findings);
        let results = report.findings.iter().zip(&fingerprints).map(|(f, fp)| {
            let index = rules
                .iter()
                .position(|r| r.code == f.rule.code)
                .unwrap_or(0);
            result(f, index, fp, paths)
        });
        let notifications = report.errors.iter().map(|p| {
            let mut n = json!({"level": "error", "message": {"text": p.message}});
            let mut location = json!({"physicalLocation": {"artifactLocation": {
                "uri": uri(&paths.rel(&p.path)), "uriBaseId": "%SRCROOT%"}}});
            if let Some(l) = &p.location {
                location["physicalLocation"]["region"] =
                    json!({"startLine": l.line, "startColumn": l.column});
            }
            n["locations"] = json!([location]);
            n
        });
        let run = Run {
            tool: json!({"driver": {
                "name": "bucketlint",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": crate::rules::rule::DOCS_BASE,
                "rules": rules.iter().map(|r| rule(r)).collect::<Vec<_>>(),
            }}),
            results: Lazy::new(results),
            successful: report.errors.is_empty(),
            notifications: Lazy::new(notifications),
            automation: json!({"id": format!("{}/", self.category.trim_end_matches('/'))}),
            base: json!({"%SRCROOT%": {"uri": root_uri(&paths.root)}}),
        };
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("$schema", SCHEMA)?;
        map.serialize_entry("version", "2.1.0")?;
        map.serialize_entry("runs", &[run])?;
        map.end()
    }
}

struct Run<R, N> {
    tool: Value,
    results: Lazy<R>,
    successful: bool,
    notifications: Lazy<N>,
    automation: Value,
    base: Value,
}

/// The repository's top folder as a `file:` URI ending in `/`.
fn root_uri(root: &std::path::Path) -> String {
    let path = root.to_string_lossy().replace('\\', "/");
    let path = if path.starts_with('/') {
        path
    } else {
        format!("/{path}")
    };
    format!("file://{}/", uri(&path).trim_end_matches('/'))
}

impl<R, N> Serialize for Run<R, N>
where
    R: Iterator<Item = Value>,
    N: Iterator<Item = Value>,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("tool", &self.tool)?;
        map.serialize_entry("automationDetails", &self.automation)?;
        map.serialize_entry("originalUriBaseIds", &self.base)?;
        map.serialize_entry("columnKind", "unicodeCodePoints")?;
        map.serialize_entry("results", &self.results)?;
        map.serialize_entry(
            "invocations",
            &[Invocation {
                successful: self.successful,
                notifications: &self.notifications,
            }],
        )?;
        map.end()
    }
}

struct Invocation<'a, N> {
    successful: bool,
    notifications: &'a Lazy<N>,
}

impl<N: Iterator<Item = Value>> Serialize for Invocation<'_, N> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("executionSuccessful", &self.successful)?;
        map.serialize_entry("toolExecutionNotifications", self.notifications)?;
        map.end()
    }
}
