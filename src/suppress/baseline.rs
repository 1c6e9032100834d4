//! Baselines: the findings a team has accepted, by fingerprint, so that a
//! run reports only new ones. Fingerprints ignore line numbers, so edits
//! elsewhere in a file do not bring accepted findings back.

use std::collections::HashSet;
use std::path::Path;

use serde_json::json;

use super::fingerprint;
use crate::findings::Finding;

pub const VERSION: u32 = 1;

/// Writes the findings' fingerprints to `path`, atomically: a temporary file
/// in the same folder, renamed over the old one.
pub fn write(path: &Path, findings: &[Finding]) -> std::io::Result<()> {
    let entries: Vec<_> = findings
        .iter()
        .zip(fingerprint::all(findings))
        .map(|(f, fp)| {
            json!({
                "fingerprint": fp,
                "rule": f.rule.code,
                "file": f.location.file.name(),
                "resource": f.resource,
                "message": f.message,
            })
        })
        .collect();
    let doc = json!({"version": VERSION, "findings": entries});
    let mut text = serde_json::to_vec_pretty(&doc)?;
    text.push(b'\n');
    crate::source::write_atomic(path, &text)
}

/// The fingerprints a baseline file accepts.
pub fn read(path: &Path) -> Result<HashSet<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let doc: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not a baseline: {e}", path.display()))?;
    if doc.get("version").and_then(|v| v.as_u64()) != Some(u64::from(VERSION)) {
        return Err(format!(
            "{}: not a version {VERSION} baseline",
            path.display()
        ));
    }
    Ok(doc["findings"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["fingerprint"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default())
}

/// Drops the findings a baseline accepts; returns how many.
pub fn filter(findings: &mut Vec<Finding>, accepted: &HashSet<String>) -> usize {
    let prints = fingerprint::all(findings);
    let before = findings.len();
    let mut keep = prints.iter().map(|p| !accepted.contains(p));
    findings.retain(|_| keep.next().unwrap_or(true));
    before - findings.len()
}
