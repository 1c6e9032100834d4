//! The whole pipeline on one file given as an editor buffer: parse, model,
//! every rule, suppressions, and the renderers. The first byte picks the
//! format. Nothing may panic (a panic inside a unit would only show as an
//! "internal error", so that is checked too).
#![no_main]

use std::collections::HashMap;
use std::path::PathBuf;

use bucketlint::check::{Options, run};
use bucketlint::report::human;
use bucketlint::rules::RULES;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let name = match pick % 4 {
        0 => "fuzz/template.yaml",
        1 => "fuzz/template.json",
        2 => "fuzz/main.tf",
        _ => "fuzz/main.tf.json",
    };
    let path = PathBuf::from(name);
    let options = Options {
        paths: vec![path.clone()],
        rules: RULES.to_vec(),
        overrides: HashMap::from([(path, text.to_string())]),
        ..Options::default()
    };
    let report = run(&options);
    for e in &report.errors {
        assert!(!e.message.contains("internal error"), "{}", e.message);
    }
    let style = human::Style {
        color: false,
        width: Some(80),
        summary: true,
    };
    let mut out = Vec::new();
    human::render(&report, &style, &mut out).expect("render to memory");
    let paths = bucketlint::report::Paths {
        root: PathBuf::from("/repo"),
        cwd: PathBuf::from("/repo"),
    };
    let sarif = bucketlint::report::sarif::SarifReport {
        report: &report,
        rules: RULES,
        paths: &paths,
        category: "bucketlint",
    };
    serde_json::to_vec(&sarif).expect("SARIF serialises");
});
