//! `bucketlint rules` and `bucketlint explain`.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use bucketlint::report;
use bucketlint::rules::{self, RULES};

use super::args::ListFormat;
use super::errors::usage;

pub fn list_rules(format: ListFormat) -> io::Result<ExitCode> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match format {
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &report::json::rules(RULES))?;
            writeln!(out)?;
        }
        ListFormat::Markdown => write!(out, "{}", report::markdown::rules_table(RULES))?,
        ListFormat::Text => {
            for r in RULES {
                let default = if r.default_enabled { "" } else { " (opt-in)" };
                let fix = r.autofix.map_or("-", |f| f.safety.as_str());
                writeln!(
                    out,
                    "{}  {:<36} {:<6} {:<6} {}{default}",
                    r.code,
                    r.name,
                    r.severity.as_str(),
                    fix,
                    r.summary
                )?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn explain(key: &str) -> io::Result<ExitCode> {
    let Some(rule) = rules::find(key) else {
        return usage(format!("unknown rule `{key}` (see `bucketlint rules`)"));
    };
    let mut out = io::stdout().lock();
    write!(out, "{}", rule.docs)?;
    if let Some(fix) = rule.autofix {
        let how = match fix.safety {
            bucketlint::fix::Safety::Safe => "`--fix`",
            bucketlint::fix::Safety::Unsafe => "`--fix --unsafe-fixes` when unsafe",
        };
        writeln!(
            out,
            "\n## Automatic fix ({})\n\n{}\nApplied by {how}; `--diff` shows it first.",
            fix.safety.as_str(),
            fix.describe
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
