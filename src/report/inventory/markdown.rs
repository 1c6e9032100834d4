//! The inventory as Markdown: a summary line, a table of every bucket,
//! the exposure of the buckets that are not private. For a pull request
//! comment or GitHub's job summary, which accepts up to 1 MiB: a cap in
//! bytes leaves rows out and says how many.

use std::io::{self, Write};

use super::{Account, findings_cell, pab_cell, place, summary, versioning_cell};
use crate::inventory::{Bucket, Elsewhere, Level, Setting};
use crate::report::safe::code_cell;

/// Text safe inside a table cell: nothing in it is Markdown.
fn cell(text: &str) -> String {
    crate::report::safe::markdown_cell(text)
}

fn value(s: &Setting) -> String {
    match s {
        Setting::Absent => "-".into(),
        Setting::Known(v) => v.clone(),
        Setting::Unknown(why) => format!("unknown ({why})"),
    }
}

/// A table row; `deployed`: the table has account and region columns.
fn row(b: &Bucket, deployed: bool) -> String {
    let s = &b.settings;
    let mut findings = findings_cell(b);
    let codes = b.codes();
    if !codes.is_empty() {
        findings = format!("{findings}: {}", codes.join(" "));
    }
    // Names are shown as code; the exposure is bucketlint's word, in bold
    // when public; the rest is text.
    let exposure = match b.exposure.level {
        Level::Public => format!("**{}**", b.exposure.level.as_str()),
        _ => b.exposure.level.as_str().to_string(),
    };
    let text = [
        value(&s.encryption),
        versioning_cell(b),
        value(&s.logging),
        value(&s.tls_only),
        value(&s.ownership),
        pab_cell(&s.pab),
        pab_cell(&s.account_pab),
        findings,
    ];
    let mut cells = vec![
        code_cell(b.label()),
        code_cell(&place(b)),
        cell(b.source.as_str()),
        exposure,
    ];
    cells.extend(text.iter().map(|c| cell(c)));
    if deployed {
        let or_dash = |v: &Option<String>| v.as_deref().map_or("-".to_string(), code_cell);
        cells.insert(2, or_dash(&b.account));
        cells.insert(3, or_dash(&b.region));
    }
    format!("| {} |\n", cells.join(" | "))
}

/// Renders at most `limit` bytes (about: the last line may pass it by the
/// length of the note).
pub fn render(
    rows: &[&Bucket],
    elsewhere: &Elsewhere,
    limit: Option<usize>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut text = String::new();
    text.push_str("## bucketlint inventory\n\n");
    text.push_str(&format!("{}.\n\n", summary(rows)));
    if let Some(note) = elsewhere.sentence() {
        text.push_str(&format!("{note}\n\n"));
    }
    if rows.is_empty() {
        return out.write_all(text.as_bytes());
    }
    // Deployed buckets (AWS Config) have an account and a region.
    let deployed = rows.iter().any(|b| b.account.is_some());
    let (extra, rule) = match deployed {
        true => (" Account | Region |", " --- | --- |"),
        false => ("", ""),
    };
    text.push_str(&format!("| Bucket | Where |{extra} Source | Exposure | Encryption | Versioning | Logging | TLS only | Ownership | Block Public Access | Account BPA | Findings |\n"));
    text.push_str(&format!(
        "| --- | --- |{rule} --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
    ));
    let limit = limit.unwrap_or(usize::MAX);
    let mut shown = 0;
    for b in rows {
        let line = row(b, deployed);
        if text.len() + line.len() > limit {
            break;
        }
        text.push_str(&line);
        shown += 1;
    }
    let exposed: Vec<&&Bucket> = rows[..shown]
        .iter()
        .filter(|b| b.exposure.level != Level::Private)
        .collect();
    if !exposed.is_empty() {
        let mut details = String::from("\n**Exposure**\n\n");
        for b in exposed {
            let when = b
                .condition
                .as_deref()
                .map(|c| format!(" ({})", cell(c)))
                .unwrap_or_default();
            details.push_str(&format!(
                "- {} ({}): {}{when}\n",
                code_cell(b.label()),
                code_cell(&place(b)),
                cell(&b.exposure.summary())
            ));
        }
        if text.len() + details.len() <= limit {
            text.push_str(&details);
        }
    }
    if shown < rows.len() {
        text.push_str(&format!(
            "\n_{} more bucket{} not shown: this summary is cut to fit the size allowed. Run `bucketlint inventory` for all of them._\n",
            rows.len() - shown,
            if rows.len() - shown == 1 { "" } else { "s" }
        ));
    }
    out.write_all(text.as_bytes())
}

/// One row per account (`--group-by account`).
pub fn accounts(accounts: &[Account], out: &mut dyn Write) -> io::Result<()> {
    let mut text = String::from("## bucketlint inventory by account\n\n");
    text.push_str("| Account | Regions | Buckets | Public | Unknown | Blocked | Cross-account | Private | Findings (high/medium/low) |\n");
    text.push_str("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
    for a in accounts {
        let [public, unknown, blocked, cross, private] = a.levels;
        let [h, m, l, _] = a.findings;
        let public = match public {
            0 => "0".to_string(),
            n => format!("**{n}**"),
        };
        text.push_str(&format!(
            "| {} | {} | {} | {public} | {unknown} | {blocked} | {cross} | {private} | {h}/{m}/{l} |\n",
            code_cell(&a.account),
            cell(&a.regions.join(" ")),
            a.buckets
        ));
    }
    out.write_all(text.as_bytes())
}
