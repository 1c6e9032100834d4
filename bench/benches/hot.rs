//! The functions a run spends its time in, on one generated template per
//! format (the benchmark corpus, `python3 scripts/bench.py --sets syn100`
//! makes it): each parser alone, then the whole check of the file (parse,
//! model, every rule, suppressions).

use std::collections::HashMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};

use bucketlint::check::{Options, run};
use bucketlint::parse::{hcl, json, yaml};
use bucketlint::rules::RULES;
use criterion::{Criterion, criterion_group, criterion_main};

/// The first file of the corpus ending in `suffix` (a `.tf` one inside a
/// module folder).
fn fixture(suffix: &str) -> (PathBuf, String) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../bench-data/syn100/s000");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the corpus: run `python3 scripts/bench.py --sets syn100` first")
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    let path = entries
        .iter()
        .flat_map(|p| match p.is_dir() {
            true => vec![p.join("main.tf")],
            false => vec![p.clone()],
        })
        .find(|p| p.to_string_lossy().ends_with(suffix) && p.is_file())
        .expect("a file of each format");
    let text = std::fs::read_to_string(&path).unwrap();
    (path, text)
}

fn parsers(c: &mut Criterion) {
    let (_, y) = fixture(".yaml");
    let (_, j) = fixture(".json");
    let (_, h) = fixture(".tf");
    c.bench_function("parse yaml", |b| b.iter(|| yaml::parse(black_box(&y), 0)));
    c.bench_function("parse json", |b| {
        b.iter(|| json::parse(black_box(&j), json::Placement::At(0, 0)))
    });
    c.bench_function("parse hcl", |b| b.iter(|| hcl::parse(black_box(&h), 0)));
}

fn whole_check(c: &mut Criterion) {
    for name in ["yaml", "json", "tf"] {
        let (path, text) = fixture(name);
        let options = Options {
            paths: vec![path.clone()],
            rules: RULES.to_vec(),
            overrides: HashMap::from([(path, text)]),
            ..Options::default()
        };
        c.bench_function(&format!("check {name}"), |b| {
            b.iter(|| {
                let report = run(black_box(&options));
                assert!(report.errors.is_empty());
                report
            })
        });
    }
}

criterion_group!(benches, parsers, whole_check);
criterion_main!(benches);
