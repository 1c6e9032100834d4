//! The versioned JSON report: a contract with editors and scripts.
//! Fields are only ever added within a version.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Value, json};

use super::Lazy;

use crate::findings::{Finding, Problem, Report};
use crate::rules::Rule;

pub const VERSION: u32 = 1;

/// The report, serialized finding by finding as it is written.
pub struct JsonReport<'a>(pub &'a Report);

impl Serialize for JsonReport<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("version", &VERSION)?;
        map.serialize_entry("findings", &Lazy::new(report.findings.iter().map(finding)))?;
        map.serialize_entry("errors", &Lazy::new(report.errors.iter().map(problem)))?;
        map.serialize_entry("notes", &Lazy::new(report.notes.iter().map(problem)))?;
        if !report.skipped.is_empty() {
            map.serialize_entry(
                "skipped",
                &Lazy::new(report.skipped.iter().map(|(path, why)| {
                    json!({"file": path.to_string_lossy().replace('\\', "/"), "reason": why})
                })),
            )?;
        }
        map.serialize_entry(
            "summary",
            &json!({
                "files": report.files,
                "resources": report.resources,
                "findings": report.findings.len(),
                "errors": report.errors.len(),
                "suppressed": report.suppressed,
                "baselined": report.baselined,
            }),
        )?;
        map.end()
    }
}

pub fn finding(f: &Finding) -> Value {
    let l = &f.location;
    let mut v = json!({
        "rule": f.rule.code,
        "name": f.rule.name,
        "severity": f.severity.as_str(),
        "message": f.message,
        "file": l.file.name(),
        "line": l.line,
        "column": l.column,
        "end_line": l.end_line,
        "end_column": l.end_column,
        "offset": l.start,
        "end_offset": l.end,
        "resource": f.resource,
        "bucket": f.bucket.as_deref().map(|(name, _)| name),
        "resource_type": f.resource_type,
    });
    // Where the bucket is declared: two buckets may share an id (a logical
    // id, and a bucket a policy names by that literal name).
    if let Some((_, at)) = f.bucket.as_deref() {
        v["bucket_file"] = json!(at.file.name());
        v["bucket_line"] = json!(at.line);
    }
    // The other buckets, module instances or root modules where the same
    // finding holds (the message says "Also in ...").
    if !f.also_in.is_empty() {
        v["also_in"] = json!(f.also_in);
        v["instances"] = instances(f);
    }
    if let Some(fix) = &f.fix {
        v["fix"] = json!({
            "applicability": fix.safety.as_str(),
            "message": fix.note,
            "edits": fix.edits.iter().zip(&fix.places).map(|(e, p)| json!({
                "file": fix.path.to_string_lossy().replace('\\', "/"),
                "offset": e.start,
                "end_offset": e.end,
                "line": p[0],
                "column": p[1],
                "end_line": p[2],
                "end_column": p[3],
                "text": e.text,
            })).collect::<Vec<_>>(),
        });
    }
    if let Some(w) = &f.witness {
        v["witness"] = json!({
            "who": w.who,
            "action": w.action,
            "resource": w.resource,
            "condition": w.condition,
            "stopped_by": w.stopped_by,
        });
    }
    v
}

pub fn problem(p: &Problem) -> Value {
    json!({
        "file": p.path.to_string_lossy().replace('\\', "/"),
        "line": p.location.as_ref().map(|l| l.line),
        "column": p.location.as_ref().map(|l| l.column),
        "message": p.message,
    })
}

/// `rules --format json`.
pub fn rules(rules: &[&'static Rule]) -> Value {
    json!({
        "rules": rules.iter().map(|r| json!({
            "code": r.code,
            "name": r.name,
            "severity": r.severity.as_str(),
            "summary": r.summary,
            "fix": r.fix,
            "default": r.default_enabled,
            "formats": r.formats.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
            "fixable": r.autofix.is_some(),
            "fix_safety": r.autofix.map(|f| f.safety.as_str()),
            "autofix": r.autofix.map(|f| f.describe),
            "help_url": r.help_url(),
            "equivalents": r.equivalents,
        })).collect::<Vec<_>>(),
    })
}

/// Every place a merged finding holds, its own first: the address and the
/// root module or template it was found through.
pub fn instances(f: &Finding) -> serde_json::Value {
    json!(
        f.instances()
            .iter()
            .map(|i| json!({
                "address": i.address,
                "root": i.root.as_ref().map(|r| r.to_string_lossy().replace('\\', "/")),
            }))
            .collect::<Vec<_>>()
    )
}
