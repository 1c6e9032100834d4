//! The `drift` rule (BL701): a run that reads templates and an AWS Config
//! export pairs their buckets by name and compares them on what the rules
//! judge, from the inventory's rows of both.

use std::collections::HashMap;

use crate::config::Config;
use crate::findings::{Finding, Report};
use crate::inventory::{Bucket, Level, Setting, Source};
use crate::model::s3::PAB_FLAGS;
use crate::rules::registry;
use crate::rules::rule::Rule;

pub fn rule() -> &'static Rule {
    registry::find("drift").expect("the drift rule is registered")
}

/// Whether the run checks drift: the rule is selected.
pub fn enabled(rules: &[&'static Rule]) -> bool {
    rules.iter().any(|r| r.name == "drift")
}

/// A setting where an absent value means `absent` (`versioning` absent is
/// "off"); `None` when it is known only at deployment.
fn value(s: &Setting, absent: &str, normal: fn(&str) -> String) -> Option<String> {
    match s {
        Setting::Known(v) => Some(normal(v)),
        Setting::Absent => Some(absent.to_string()),
        Setting::Unknown(_) => None,
    }
}

/// A setting where the template's silence leaves it to AWS's default
/// (Block Public Access, default encryption): compared only when the
/// template states it.
fn stated(
    template: &Setting,
    deployed: &Setting,
    absent: &str,
    normal: fn(&str) -> String,
) -> Option<(String, String)> {
    match template {
        Setting::Known(_) => Some((
            value(template, absent, normal)?,
            value(deployed, absent, normal)?,
        )),
        _ => None,
    }
}

fn same(v: &str) -> String {
    v.to_string()
}

fn first_word(v: &str) -> String {
    v.split(' ').next().unwrap_or(v).to_string()
}

fn on(_: &str) -> String {
    "on".into()
}

fn yes_no(v: &str) -> String {
    match v {
        "yes" => "yes".into(),
        _ => "no".into(),
    }
}

/// The properties where the deployed bucket differs from the template:
/// "versioning: template Enabled, deployed off".
pub fn differences(template: &Bucket, deployed: &Bucket) -> Vec<String> {
    let mut out = Vec::new();
    let mut differ = |what: &str, pair: Option<(String, String)>| {
        if let Some((t, d)) = pair
            && t != d
        {
            out.push(format!("{what}: template {t}, deployed {d}"));
        }
    };
    let (t, d) = (template.exposure.level, deployed.exposure.level);
    if t != Level::Unknown && d != Level::Unknown {
        differ("exposure", Some((t.as_str().into(), d.as_str().into())));
    }
    let (ts, ds) = (&template.settings, &deployed.settings);
    for (k, flag) in PAB_FLAGS.iter().enumerate() {
        differ(flag, stated(&ts.pab[k], &ds.pab[k], "off", same));
    }
    differ(
        "encryption",
        stated(&ts.encryption, &ds.encryption, "none", first_word),
    );
    // CloudFormation cannot set MFA delete (only the root user can, by
    // API): compared only where the template sets it (Terraform's
    // `mfa_delete`).
    differ(
        "MFA delete",
        stated(&ts.mfa_delete, &ds.mfa_delete, "Disabled", same),
    );
    // The settings a template's silence does not leave to a default:
    // (name, template, deployed, the value when absent, how compared).
    type Row<'a> = (
        &'a str,
        &'a Setting,
        &'a Setting,
        &'a str,
        fn(&str) -> String,
    );
    let rows: [Row; 6] = [
        ("versioning", &ts.versioning, &ds.versioning, "off", same),
        ("access logging", &ts.logging, &ds.logging, "off", on),
        ("TLS-only policy", &ts.tls_only, &ds.tls_only, "no", yes_no),
        (
            "object lock",
            &ts.object_lock,
            &ds.object_lock,
            "off",
            first_word,
        ),
        ("lifecycle", &ts.lifecycle, &ds.lifecycle, "no rules", same),
        ("replication", &ts.replication, &ds.replication, "off", on),
    ];
    for (what, t, d, absent, normal) in rows {
        differ(what, value(t, absent, normal).zip(value(d, absent, normal)));
    }
    out
}

/// Adds a finding for each template bucket whose deployed bucket of the
/// same name differs, on the template's bucket (where the module call
/// makes it, for a module): the text in the repository, where a pull
/// request or an editor shows it.
pub fn find(report: &mut Report, config: &Config) {
    let rule = rule();
    // Template buckets by name: an export may hold tens of thousands.
    let mut templates: HashMap<&str, Vec<&Bucket>> = HashMap::new();
    for b in report.buckets.iter().filter(|b| b.source != Source::Config) {
        if let Some(name) = &b.name {
            templates.entry(name).or_default().push(b);
        }
    }
    let mut found = Vec::new();
    let mut ignored = Vec::new();
    for deployed in report.buckets.iter().filter(|b| b.source == Source::Config) {
        let Some(same_name) = deployed.name.as_deref().and_then(|n| templates.get(n)) else {
            continue;
        };
        for template in same_name {
            let diffs = differences(template, deployed);
            if diffs.is_empty() {
                continue;
            }
            if let Some(entry) = config.bucket_ignored(&deployed.id, rule) {
                ignored.push(entry);
                continue;
            }
            let at = &deployed.location;
            let message = format!(
                "Bucket `{}` is deployed otherwise: `{}` (AWS Config, {}:{}) differs in {}.",
                deployed.label(),
                deployed.id,
                at.file.name(),
                at.line,
                diffs.join("; ")
            );
            found.push(Finding {
                rule,
                severity: rule.severity,
                message,
                label: "deployed otherwise".into(),
                location: template.place().clone(),
                resource: template.id.clone(),
                resource_type: "AWS::S3::Bucket".into(),
                bucket: Some(Box::new((template.id.clone(), template.location.clone()))),
                fix: None,
                holder_start: None,
                root: None,
                also: Vec::new(),
                also_in: Vec::new(),
                witness: None,
            });
        }
    }
    report.suppressed += ignored.len();
    for entry in ignored {
        report.ignored_one(entry);
    }
    report.findings.extend(found);
}
