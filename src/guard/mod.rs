//! AWS CloudFormation Guard rules over the model. Each template's model,
//! Terraform's included, is rendered as a CloudFormation document (resources
//! under their CloudFormation types and property names) with a map from
//! each value's path to its source span; the `cfn-guard` crate evaluates
//! the rules, and each failing clause becomes a finding at the span of the
//! value it inspected, or of the nearest value it reached.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value as Json};

use crate::model::Model;
use crate::rules::{Equivalents, Rule, Severity, Sink};
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
    paths: &[PathBuf],
    default: Severity,
    severity: &std::collections::BTreeMap<String, Severity>,
) -> Result<Vec<GuardFile>, RuleError> {
    let mut files = Vec::new();
    for path in paths {
        let mut found = Vec::new();
        if path.is_dir() {
            for entry in walk(path) {
                found.push(entry);
            }
            found.sort();
        } else {
            found.push(path.clone());
        }
        for file in found {
            let text = std::fs::read_to_string(&file).map_err(|e| RuleError {
                path: file.clone(),
                message: e.to_string(),
            })?;
            // Guard says where a rule file is wrong only when it parses
            // one on its own: checked here once, against an empty document.
            let checked = cfn_guard::run_checks(
                cfn_guard::ValidateInput {
                    content: "{}",
                    file_name: "template.json",
                },
                cfn_guard::ValidateInput {
                    content: &text,
                    file_name: &file.to_string_lossy(),
                },
                true,
            );
            if let Err(e) = checked {
                return Err(RuleError {
                    path: file.clone(),
                    message: e.to_string(),
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

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "guard") {
            out.push(p);
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
        formats: crate::rules::BOTH,
        autofix: None,
        equivalents: Equivalents::NONE,
        check: check_none,
    }))
}

/// Runs one rule file over documents, its rules parsed once: cfn-guard's
/// structured report, one entry per document, in order. (The `Validate`
/// command's payload mode; `run_checks` would parse the rules for each
/// document, and its summary report is cut short past 8 KiB.)
fn run(rules: &str, docs: &[String]) -> Result<Vec<Json>, String> {
    use cfn_guard::CommandBuilder;
    use cfn_guard::commands::Executable;
    use cfn_guard::commands::validate::{OutputFormatType, ShowSummaryType};
    use cfn_guard::utils::reader::{ReadBuffer, Reader};
    use cfn_guard::utils::writer::{WriteBuffer, Writer};

    let payload = serde_json::json!({ "rules": [rules], "data": docs }).to_string();
    let command = cfn_guard::ValidateBuilder::default()
        .payload(true)
        .structured(true)
        .show_summary(vec![ShowSummaryType::None])
        .output_format(OutputFormatType::JSON)
        .try_build()
        .map_err(|e| e.to_string())?;
    let mut writer =
        Writer::new_with_err(WriteBuffer::Vec(Vec::new()), WriteBuffer::Vec(Vec::new()))
            .map_err(|e| e.to_string())?;
    let mut reader = Reader::new(ReadBuffer::Cursor(std::io::Cursor::new(
        payload.into_bytes(),
    )));
    command
        .execute(&mut writer, &mut reader)
        .map_err(|e| e.to_string())?;
    let out = writer.into_string().map_err(|e| e.to_string())?;
    match serde_json::from_str::<Json>(&out) {
        Ok(Json::Array(reports)) if reports.len() == docs.len() => Ok(reports),
        Ok(_) => Err("Guard gave no result for some templates".into()),
        Err(e) => Err(format!("unreadable Guard result: {e}")),
    }
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
    evaluate_batch(files, &[model]).remove(0)
}

/// Evaluates every rule file over several models, each file's rules parsed
/// once for all of them: the failures of each model, in order.
pub fn evaluate_batch(
    files: &[GuardFile],
    models: &[&Model],
) -> Vec<Result<Vec<Failure>, RuleError>> {
    let (docs, spans): (Vec<String>, Vec<HashMap<String, Span>>) = models
        .iter()
        .map(|m| {
            let (doc, spans) = document(m);
            (doc.to_string(), spans)
        })
        .unzip();
    let mut out: Vec<Result<Vec<Failure>, RuleError>> =
        models.iter().map(|_| Ok(Vec::new())).collect();
    if docs.is_empty() {
        return out;
    }
    for f in files {
        let reports = match run(&f.text, &docs) {
            Ok(r) => r,
            Err(message) => {
                for o in out.iter_mut().filter(|o| o.is_ok()) {
                    *o = Err(RuleError {
                        path: f.path.clone(),
                        message: message.clone(),
                    });
                }
                continue;
            }
        };
        for ((report, spans), o) in reports.iter().zip(&spans).zip(&mut out) {
            if let Ok(found) = o {
                found.extend(file_failures(f, report, spans));
            }
        }
    }
    out
}

/// The failures one rule file's report gives for one document.
fn file_failures(f: &GuardFile, report: &Json, spans: &HashMap<String, Span>) -> Vec<Failure> {
    let mut out = Vec::new();
    for item in report["not_compliant"].as_array().into_iter().flatten() {
        let Some(rule) = item.get("Rule") else {
            continue;
        };
        let name = rule["name"].as_str().unwrap_or_default();
        let Some(entry) = f.rules.iter().find(|r| r.name == name) else {
            continue;
        };
        let mut seen = std::collections::HashSet::new();
        for (path, message) in failures(&rule["checks"]) {
            let Some(span) = locate(spans, &path) else {
                continue;
            };
            // A clause failing on several values of one node says it once.
            if !seen.insert((span, message.clone())) {
                continue;
            }
            out.push(Failure {
                rule: entry,
                span,
                message: message.unwrap_or_else(|| format!("Guard rule {name} is not satisfied")),
                resource: resource_of(&path),
            });
        }
    }
    out
}

fn resource_of(path: &str) -> Option<String> {
    path.strip_prefix("/Resources/")
        .and_then(|r| r.split('/').next())
        .map(|r| r.replace("~1", "/").replace("~0", "~"))
}

/// A failing check: the path it inspected and its message, if any.
type Found = (String, Option<String>);

/// The failing checks of a rule in Guard's report: the path each
/// inspected (or the last it reached) and the clause's message. The report
/// holds no `when` conditions. A disjunction lists the failures of all its
/// branches together; it fails for a resource only when every branch (told
/// apart by their text) fails for it.
fn failures(checks: &Json) -> Vec<Found> {
    let mut out = Vec::new();
    for check in checks.as_array().into_iter().flatten() {
        if let Some(clause) = check.get("Clause") {
            out.extend(clause_failure(clause));
        } else if let Some(block) = check.get("Block") {
            out.extend(unresolved(&block["unresolved"]).map(|p| (p, message(&block["messages"]))));
        } else if let Some(rule) = check.get("Rule") {
            out.extend(failures(&rule["checks"]));
        } else if let Some(disjunction) = check.get("Disjunctions") {
            out.extend(disjunction_failures(&disjunction["checks"]));
        }
    }
    out
}

fn disjunction_failures(checks: &Json) -> Vec<Found> {
    let mut branches: Vec<(String, Vec<Found>)> = Vec::new();
    for check in checks.as_array().into_iter().flatten() {
        let key = branch_key(check);
        let found = failures(&Json::Array(vec![check.clone()]));
        match branches.iter_mut().find(|(k, _)| *k == key) {
            Some((_, b)) => b.extend(found),
            None => branches.push((key, found)),
        }
    }
    let fails_everywhere = |path: &str| {
        let r = resource_of(path);
        branches
            .iter()
            .all(|(_, b)| b.iter().any(|(p, _)| resource_of(p) == r))
    };
    // The last branch's failures: usually the positive requirement, with
    // the rule's message.
    branches
        .last()
        .map(|(_, b)| {
            b.iter()
                .filter(|(p, _)| fails_everywhere(p))
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

/// What tells one branch of a disjunction from another: its text.
fn branch_key(check: &Json) -> String {
    let inner = check
        .as_object()
        .and_then(|m| m.values().next())
        .unwrap_or(&Json::Null);
    let clause = inner
        .as_object()
        .and_then(|m| m.values().next())
        .unwrap_or(&Json::Null);
    [&inner["context"], &clause["context"], &inner["name"]]
        .into_iter()
        .find_map(|c| c.as_str())
        .map_or_else(|| check.to_string(), str::to_string)
}

/// A failing clause (`Binary` or `Unary`): its path and message.
fn clause_failure(clause: &Json) -> Option<Found> {
    let inner = clause
        .as_object()
        .and_then(|m| m.values().next())
        .unwrap_or(&Json::Null);
    let check = &inner["check"];
    let path = [
        &check["Resolved"]["from"]["path"],
        &check["Resolved"]["value"]["path"],
        &check["InComparable"]["from"]["path"],
    ]
    .into_iter()
    .find_map(|p| p.as_str())
    .map(str::to_string)
    .or_else(|| unresolved(&check["UnResolved"]))
    .unwrap_or_default();
    Some((path, message(&inner["messages"])))
}

/// The path an unresolved query reached.
fn unresolved(u: &Json) -> Option<String> {
    [
        &u["value"]["traversed_to"]["path"],
        &u["traversed_to"]["path"],
    ]
    .into_iter()
    .find_map(|p| p.as_str())
    .map(str::to_string)
}

fn message(messages: &Json) -> Option<String> {
    [&messages["custom_message"], &messages["error_message"]]
        .into_iter()
        .find_map(|m| m.as_str())
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty())
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
