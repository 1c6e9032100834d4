//! AWS CloudFormation Guard rules over the model. Each template's model,
//! Terraform's included, is rendered as a CloudFormation document (resources
//! under their CloudFormation types and property names) with a map from
//! each value's path to its source span; the `cfn-guard` crate evaluates
//! the rules, and each failing clause becomes a finding at the span of the
//! value it inspected, or of the nearest value it reached.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value as Json};

use crate::boundary::Boundary;
use crate::model::Model;
use crate::rules::rule::{BOTH, Equivalents, Rule, Severity, Sink};
use crate::source::Span;
use crate::tree::{Kind, Value};

/// The rules of one `.guard` file, and the findings' rule entries.
pub struct GuardFile {
    pub path: PathBuf,
    pub text: String,
    /// Each named rule of the file, as a registry entry (made once per run).
    pub rules: Vec<&'static Rule>,
}

/// A problem with a rule file: it does not parse, or cannot be read.
#[derive(Debug)]
pub struct RuleError {
    pub path: PathBuf,
    pub message: String,
    /// The file's text, when it was read: shown around the error (never
    /// read again, so what is shown is what was judged).
    pub text: Option<String>,
}

/// Where Guard rules come from: a file or a folder of `*.guard` files,
/// and, when a configuration named it, the boundary its files must stay
/// in (`None`: named on the command line).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RulePath {
    pub path: PathBuf,
    pub within: Option<Boundary>,
}

impl RuleError {
    /// Where in the rule file Guard's parser stopped (1-based line and
    /// column), and what it expected, when its message says so.
    pub fn position(&self) -> Option<(usize, usize, String)> {
        let m = &self.message;
        let at = m.find(" at line ")?;
        let rest = &m[at + " at line ".len()..];
        let line: usize = rest
            .split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()?;
        let col_at = rest.find("at column ")? + "at column ".len();
        let column: usize = rest[col_at..]
            .split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()?;
        let what = rest
            .split_once("when handling ")
            .map(|(_, w)| w.split(", fragment").next().unwrap_or(w).trim().to_string())
            .unwrap_or_else(|| "invalid Guard rule".into());
        Some((line, column, what))
    }
}

/// Reads the rule files under `paths` (files, or folders of `*.guard`
/// files). Each file is checked once here, against an empty template, so
/// a syntax error is reported once, not per template.
/// `severity` maps rule names to severities that win over the files'
/// comments (the configuration's `[guard-severity]`).
pub fn load(
    paths: &[RulePath],
    default: Severity,
    severity: &std::collections::BTreeMap<String, Severity>,
) -> Result<Vec<GuardFile>, RuleError> {
    let mut files = Vec::new();
    for source in paths {
        let path = &source.path;
        let mut found = Vec::new();
        if path.is_dir() {
            found = walk(path);
            found.sort();
        } else {
            found.push(path.clone());
        }
        for file in found {
            let read = match &source.within {
                Some(boundary) => boundary.read(&file),
                None => crate::source::read_text(&file),
            };
            let text = read.map_err(|message| RuleError {
                path: file.clone(),
                message,
                text: None,
            })?;
            if let Err(e) = run(&text, &file, "{}") {
                return Err(RuleError {
                    path: file.clone(),
                    message: e,
                    text: Some(text),
                });
            }
            let rules = declared(&text, default)
                .into_iter()
                .map(|(name, s, message)| {
                    let s = severity.get(&name).copied().unwrap_or(s);
                    leak_rule(name, s, message)
                })
                .collect();
            files.push(GuardFile {
                path: file,
                text,
                rules,
            });
        }
    }
    Ok(files)
}

/// The `*.guard` files under `dir`, links to folders not followed (so a
/// loop of links cannot hang the run); with a stack, not recursion, so
/// nesting depth costs no stack.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() => pending.push(p),
                Ok(_) if p.extension().is_some_and(|x| x == "guard") => out.push(p),
                _ => {}
            }
        }
    }
    out
}

/// The rules a file declares, with the severity of a `# severity:` comment
/// on the lines just above each, and the text of a `# message:` one.
fn declared(text: &str, default: Severity) -> Vec<(String, Severity, String)> {
    let mut out = Vec::new();
    let (mut severity, mut message) = (None, None);
    for line in text.lines() {
        let t = line.trim();
        if let Some(c) = t.strip_prefix('#') {
            let c = c.trim();
            if let Some(s) = c.strip_prefix("severity:") {
                severity = match s.trim().to_ascii_lowercase().as_str() {
                    "high" | "critical" => Some(Severity::High),
                    "medium" => Some(Severity::Medium),
                    "low" => Some(Severity::Low),
                    "info" => Some(Severity::Info),
                    _ => None,
                };
            } else if let Some(m) = c.strip_prefix("message:") {
                message = Some(m.trim().to_string());
            }
            continue;
        }
        if let Some(rest) = t.strip_prefix("rule ") {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect();
            if !name.is_empty() {
                out.push((
                    name.clone(),
                    severity.take().unwrap_or(default),
                    message.take().unwrap_or_default(),
                ));
            }
        }
        if !t.is_empty() {
            (severity, message) = (None, None);
        }
    }
    out
}

fn check_none(_: &Model, _: &mut Sink) {}

/// A registry entry for a Guard rule, so its findings go through the same
/// selection, suppressions, baselines and outputs as built-in rules. Made
/// once per rule and run, so leaking it is bounded.
fn leak_rule(name: String, severity: Severity, message: String) -> &'static Rule {
    let name: &'static str = Box::leak(name.into_boxed_str());
    let summary: &'static str = match message.is_empty() {
        true => "A rule of the AWS CloudFormation Guard files given with --guard-rules.",
        false => Box::leak(message.into_boxed_str()),
    };
    Box::leak(Box::new(Rule {
        code: name,
        name,
        severity,
        summary,
        fix: "See the Guard rule's message.",
        docs: "A rule from an AWS CloudFormation Guard file given with `--guard-rules`.\n",
        default_enabled: true,
        formats: BOTH,
        autofix: None,
        equivalents: Equivalents::NONE,
        check: check_none,
    }))
}

/// Runs one rule file over one document: cfn-guard's record of the whole
/// evaluation. (Its summary report is cut short past 8 KiB, as it returns
/// only what its writer had not flushed; the record is complete.)
fn run(rules: &str, path: &Path, data: &str) -> Result<String, String> {
    let name = path.to_string_lossy();
    cfn_guard::run_checks(
        cfn_guard::ValidateInput {
            content: data,
            file_name: "template.json",
        },
        cfn_guard::ValidateInput {
            content: rules,
            file_name: &name,
        },
        true,
    )
    .map_err(|e| e.to_string())
}

/// The model as a CloudFormation document, and the span of each value by
/// its path (`/Resources/B/Properties/VersioningConfiguration/Status`).
pub fn document(model: &Model) -> (Json, HashMap<String, Span>) {
    let mut spans = HashMap::new();
    let mut resources = Map::new();
    for r in &model.resources {
        let base = format!("/Resources/{}", escape(&r.id));
        spans.insert(base.clone(), r.head);
        let mut res = Map::new();
        res.insert("Type".into(), Json::String(r.cfn_type.clone()));
        spans.insert(format!("{base}/Type"), r.head);
        if r.declared || !r.properties.entries().is_empty() {
            let props = json(&r.properties, &format!("{base}/Properties"), &mut spans);
            res.insert(
                "Properties".into(),
                props.unwrap_or(Json::Object(Map::new())),
            );
        }
        for e in r.attributes.entries() {
            if let Some(v) = json(&e.value, &format!("{base}/{}", escape(&e.key)), &mut spans) {
                res.insert(e.key.clone(), v);
            }
        }
        resources.insert(r.id.clone(), Json::Object(res));
    }
    let mut doc = Map::new();
    doc.insert("Resources".into(), Json::Object(resources));
    (Json::Object(doc), spans)
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A value as JSON; `None` for what is absent (`AWS::NoValue`). Values not
/// known statically become null, which a rule can test for.
fn json(v: &Value, path: &str, spans: &mut HashMap<String, Span>) -> Option<Json> {
    spans.insert(path.to_string(), v.span);
    Some(match &v.kind {
        Kind::Null | Kind::Unknown(_) => Json::Null,
        Kind::NoValue => return None,
        Kind::Str(s) => scalar(s),
        Kind::Partial(s) => Json::String(s.clone()),
        Kind::Seq(items) => Json::Array(
            items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| json(item, &format!("{path}/{i}"), spans))
                .collect(),
        ),
        Kind::Map(entries) => {
            let mut m = Map::new();
            for e in entries {
                let p = format!("{path}/{}", escape(&e.key));
                if let Some(j) = json(&e.value, &p, spans) {
                    m.insert(e.key.clone(), j);
                }
            }
            Json::Object(m)
        }
        // Of several possible values, the first: Guard has no notion of
        // branches.
        Kind::OneOf(vs) => return vs.first().and_then(|x| json(x, path, spans)),
        Kind::Ref(r) => match &r.attr {
            None => serde_json::json!({ "Ref": r.target }),
            Some(a) => serde_json::json!({ "Fn::GetAtt": [r.target, a] }),
        },
    })
}

/// Scalars are kept as written; `true` and `false` are booleans and plain
/// numbers numbers, as YAML and JSON would load them.
fn scalar(s: &str) -> Json {
    match s {
        "true" => Json::Bool(true),
        "false" => Json::Bool(false),
        _ => match s.parse::<i64>() {
            Ok(n) if !s.starts_with('0') || s == "0" => Json::from(n),
            _ => Json::String(s.to_string()),
        },
    }
}

/// One failing clause: the Guard rule, where, and what it says.
pub struct Failure {
    pub rule: &'static Rule,
    pub span: Span,
    pub message: String,
    /// The resource the failing value belongs to (its logical id).
    pub resource: Option<String>,
}

/// Evaluates every rule file over one model.
pub fn evaluate(files: &[GuardFile], model: &Model) -> Result<Vec<Failure>, RuleError> {
    let (doc, spans) = document(model);
    let data = doc.to_string();
    let mut out = Vec::new();
    for f in files {
        let record = run(&f.text, &f.path, &data).map_err(|message| RuleError {
            text: None,
            path: f.path.clone(),
            message,
        })?;
        let record: Json = serde_json::from_str(&record).map_err(|e| RuleError {
            text: None,
            path: f.path.clone(),
            message: format!("unreadable Guard result: {e}"),
        })?;
        for rule in record["children"].as_array().into_iter().flatten() {
            let check = &rule["container"]["RuleCheck"];
            if check["status"] != "FAIL" {
                continue;
            }
            let name = check["name"].as_str().unwrap_or_default();
            let Some(entry) = f.rules.iter().find(|r| r.name == name) else {
                continue;
            };
            let mut seen = std::collections::HashSet::new();
            for (path, message) in failures(rule) {
                let Some(span) = locate(&spans, &path) else {
                    continue;
                };
                // A clause failing on several values of one node says it once.
                if !seen.insert((span, message.clone())) {
                    continue;
                }
                out.push(Failure {
                    rule: entry,
                    span,
                    message: message
                        .unwrap_or_else(|| format!("Guard rule {name} is not satisfied")),
                    resource: resource_of(&path),
                });
            }
        }
    }
    Ok(out)
}

fn resource_of(path: &str) -> Option<String> {
    path.strip_prefix("/Resources/")
        .and_then(|r| r.split('/').next())
        .map(|r| r.replace("~1", "/").replace("~0", "~"))
}

/// The failing clauses under a node of the record: the path each
/// inspected (or the last it reached) and the rule's message for it. A
/// rule's `when` condition is not a failure; a disjunction fails for a
/// resource only when every branch fails for it.
fn failures(node: &Json) -> Vec<(String, Option<String>)> {
    let container = &node["container"];
    let children = node["children"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    if container.get("RuleCondition").is_some() {
        return Vec::new();
    }
    if let Some(check) = container.get("ClauseValueCheck") {
        if check == "Success" {
            return Vec::new();
        }
        return vec![clause(check)];
    }
    if container.get("Disjunction").is_some() {
        let branches: Vec<Vec<(String, Option<String>)>> = children.iter().map(failures).collect();
        let fails_everywhere = |path: &str| {
            let r = resource_of(path);
            branches
                .iter()
                .all(|b| b.iter().any(|(p, _)| resource_of(p) == r))
        };
        // The last branch's failures: usually the positive requirement,
        // with the rule's message.
        return branches
            .last()
            .map(|b| {
                b.iter()
                    .filter(|(p, _)| fails_everywhere(p))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
    }
    children.iter().flat_map(failures).collect()
}

fn clause(check: &Json) -> (String, Option<String>) {
    let inner = check
        .as_object()
        .and_then(|m| m.values().next())
        .unwrap_or(&Json::Null);
    let value = inner.get("value").unwrap_or(inner);
    let from = &value["from"];
    let path = [
        &from["Resolved"]["path"],
        &from["UnResolved"]["traversed_to"]["path"],
    ]
    .into_iter()
    .find_map(|p| p.as_str())
    .unwrap_or("")
    .to_string();
    let message = [&value["custom_message"], &value["message"]]
        .into_iter()
        .find_map(|m| m.as_str())
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty());
    (path, message)
}

/// The span of `path`, or of its nearest ancestor the document has.
fn locate(spans: &HashMap<String, Span>, path: &str) -> Option<Span> {
    let mut p = path;
    loop {
        if let Some(s) = spans.get(p) {
            return Some(*s);
        }
        p = &p[..p.rfind('/')?];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_and_message_comments_belong_to_the_next_rule() {
        let text =
            "# severity: high\n# message: Keep versions\nrule A { x == 1 }\n\nrule B { y == 2 }\n";
        let got = declared(text, Severity::Medium);
        assert_eq!(
            got,
            vec![
                ("A".to_string(), Severity::High, "Keep versions".to_string()),
                ("B".to_string(), Severity::Medium, String::new()),
            ]
        );
    }

    #[test]
    fn paths_fall_back_to_the_nearest_value() {
        let mut spans = HashMap::new();
        spans.insert("/Resources/B".to_string(), Span::new(0, 1, 2));
        assert_eq!(
            locate(&spans, "/Resources/B/Properties/X"),
            Some(Span::new(0, 1, 2))
        );
        assert_eq!(locate(&spans, "/Other"), None);
    }
}
