//! The inventory as JSON, version 1 of the schema in
//! `docs/inventory.schema.json`. A setting is `null` when not declared, a
//! string when known, and `{"unknown": "why"}` when known only at
//! deployment.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use super::{Account, by_level, by_severity};
use crate::inventory::{Bucket, Elsewhere, Level, Noted, Setting};
use crate::model::s3::PAB_FLAGS;
use crate::report::Lazy;

pub const SCHEMA_VERSION: u32 = 1;

fn setting(s: &Setting) -> Value {
    match s {
        Setting::Absent => Value::Null,
        Setting::Known(v) => Value::String(v.clone()),
        Setting::Unknown(why) => json!({ "unknown": why }),
    }
}

fn flags(f: &[Setting; 4]) -> Value {
    let mut m = Map::new();
    for (name, s) in PAB_FLAGS.iter().zip(f) {
        m.insert((*name).to_string(), setting(s));
    }
    Value::Object(m)
}

fn noted(f: &Noted) -> Value {
    json!({
        "rule": f.rule.code,
        "name": f.rule.name,
        "severity": f.severity.as_str(),
        "file": f.location.file.path.to_string_lossy().replace('\\', "/"),
        "line": f.location.line,
        "column": f.location.column,
        "message": f.message,
    })
}

pub fn bucket(b: &Bucket) -> Value {
    let s = &b.settings;
    let [high, medium, low, info] = b.counts();
    json!({
        "bucket": b.label(),
        "name": b.name,
        "id": b.id,
        "file": b.location.file.path.to_string_lossy().replace('\\', "/"),
        "line": b.location.line,
        "column": b.location.column,
        "called_at": b.called_at.as_ref().map(|c| json!({
            "file": c.file.path.to_string_lossy().replace('\\', "/"),
            "line": c.line,
            "column": c.column,
        })),
        "source": b.source.as_str(),
        "account": b.account,
        "region": b.region,
        "condition": b.condition,
        "exposure": {
            "level": b.exposure.level.as_str(),
            "summary": b.exposure.summary(),
            "grants": b.exposure.grants.iter().map(|g| json!({
                "through": g.through,
                "who": g.who,
                "access": g.access,
                "when": g.when,
                "stopped_by": g.stopped_by,
                "cancelled": g.cancelled,
            })).collect::<Vec<_>>(),
            "grantees": b.exposure.grantees,
            "unknown": b.exposure.unknown,
        },
        "settings": {
            "encryption": setting(&s.encryption),
            "bucket_key": setting(&s.bucket_key),
            "versioning": setting(&s.versioning),
            "mfa_delete": setting(&s.mfa_delete),
            "logging": setting(&s.logging),
            "tls_only": setting(&s.tls_only),
            "object_ownership": setting(&s.ownership),
            "block_public_access": flags(&s.pab),
            "account_block_public_access": flags(&s.account_pab),
            "object_lock": setting(&s.object_lock),
            "lifecycle": setting(&s.lifecycle),
            "replication": setting(&s.replication),
        },
        "counts": { "high": high, "medium": medium, "low": low, "info": info },
        "rules": b.codes(),
        "findings": b.findings.iter().map(noted).collect::<Vec<_>>(),
        "accepted": b.accepted.iter().map(noted).collect::<Vec<_>>(),
    })
}

/// The summary part of the document.
fn summary(rows: &[&Bucket], elsewhere: &Elsewhere) -> Value {
    let levels = by_level(rows);
    let mut exposure = Map::new();
    for (l, n) in Level::ALL.iter().zip(levels) {
        exposure.insert(l.as_str().to_string(), json!(n));
    }
    let mut sources = Map::new();
    for b in rows {
        let n = sources
            .entry(b.source.as_str().to_string())
            .or_insert(json!(0));
        *n = json!(n.as_u64().unwrap_or(0) + 1);
    }
    let severity = by_severity(rows);
    json!({
        "buckets": rows.len(),
        "exposure": exposure,
        "source": sources,
        "findings": {
            "high": severity[0], "medium": severity[1], "low": severity[2], "info": severity[3],
        },
        "elsewhere": {
            "high": elsewhere.counts[0], "medium": elsewhere.counts[1],
            "low": elsewhere.counts[2], "info": elsewhere.counts[3],
            "rules": elsewhere.codes,
        },
    })
}

/// The document; its buckets are made one at a time as they are written,
/// so a large inventory is never held whole as JSON values.
#[derive(serde::Serialize)]
#[serde(bound = "Lazy<I>: serde::Serialize")]
struct Document<I> {
    version: u32,
    tool: Value,
    summary: Value,
    buckets: Lazy<I>,
}

pub fn render(rows: &[&Bucket], elsewhere: &Elsewhere, out: &mut dyn Write) -> io::Result<()> {
    let doc = Document {
        version: SCHEMA_VERSION,
        tool: json!({ "name": "bucketlint", "version": env!("CARGO_PKG_VERSION") }),
        summary: summary(rows, elsewhere),
        buckets: Lazy::new(rows.iter().map(|b| bucket(b))),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// One entry per account (`--group-by account`).
pub fn accounts(accounts: &[Account], out: &mut dyn Write) -> io::Result<()> {
    let list: Vec<Value> = accounts
        .iter()
        .map(|a| {
            let mut exposure = Map::new();
            for (l, n) in Level::ALL.iter().zip(a.levels) {
                exposure.insert(l.as_str().to_string(), json!(n));
            }
            let [high, medium, low, info] = a.findings;
            json!({
                "account": a.account,
                "regions": a.regions,
                "buckets": a.buckets,
                "exposure": exposure,
                "findings": { "high": high, "medium": medium, "low": low, "info": info },
            })
        })
        .collect();
    let doc = json!({
        "version": SCHEMA_VERSION,
        "tool": { "name": "bucketlint", "version": env!("CARGO_PKG_VERSION") },
        "accounts": list,
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
