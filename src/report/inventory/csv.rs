//! The inventory as CSV (RFC 4180): one row per bucket, a header first.
//! An unknown setting reads `unknown: <why>`.

use std::io::{self, Write};

use super::{Account, findings_cell, pab_cell, place};
use crate::inventory::{Bucket, Setting};

const HEADER: [&str; 21] = [
    "bucket",
    "id",
    "where",
    "source",
    "account",
    "region",
    "exposure",
    "exposure_detail",
    "encryption",
    "bucket_key",
    "versioning",
    "mfa_delete",
    "logging",
    "tls_only",
    "object_ownership",
    "block_public_access",
    "account_block_public_access",
    "object_lock",
    "lifecycle",
    "replication",
    "findings",
];

/// A field: quoted when it must be, and never a formula a spreadsheet
/// would run.
fn field(text: &str) -> String {
    let text = crate::report::safe::csv_text(text);
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn value(s: &Setting) -> String {
    match s {
        Setting::Absent => String::new(),
        Setting::Known(v) => v.clone(),
        Setting::Unknown(why) => format!("unknown: {why}"),
    }
}

pub fn render(rows: &[&Bucket], out: &mut dyn Write) -> io::Result<()> {
    write!(out, "{}\r\n", HEADER.join(","))?;
    for b in rows {
        let s = &b.settings;
        let mut findings = findings_cell(b);
        let codes = b.codes();
        if !codes.is_empty() {
            findings = format!("{findings} ({})", codes.join(" "));
        }
        let cells = [
            b.label().to_string(),
            b.id.clone(),
            place(b),
            b.source.as_str().to_string(),
            b.account.clone().unwrap_or_default(),
            b.region.clone().unwrap_or_default(),
            b.exposure.level.as_str().to_string(),
            b.exposure.summary(),
            value(&s.encryption),
            value(&s.bucket_key),
            value(&s.versioning),
            value(&s.mfa_delete),
            value(&s.logging),
            value(&s.tls_only),
            value(&s.ownership),
            pab_cell(&s.pab),
            pab_cell(&s.account_pab),
            value(&s.object_lock),
            value(&s.lifecycle),
            value(&s.replication),
            findings,
        ];
        let line: Vec<String> = cells.iter().map(|c| field(c)).collect();
        write!(out, "{}\r\n", line.join(","))?;
    }
    Ok(())
}

/// One row per account (`--group-by account`).
pub fn accounts(accounts: &[Account], out: &mut dyn Write) -> io::Result<()> {
    write!(
        out,
        "account,regions,buckets,public,unknown,blocked,cross_account,private,high,medium,low,info\r\n"
    )?;
    for a in accounts {
        let mut cells = vec![
            field(&a.account),
            field(&a.regions.join(" ")),
            a.buckets.to_string(),
        ];
        cells.extend(a.levels.iter().map(usize::to_string));
        cells.extend(a.findings.iter().map(usize::to_string));
        write!(out, "{}\r\n", cells.join(","))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn fields_are_quoted_when_they_must_be() {
        assert_eq!(super::field("plain"), "plain");
        assert_eq!(super::field("a, b"), "\"a, b\"");
        assert_eq!(super::field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
