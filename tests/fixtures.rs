//! Every rule against its fixtures: findings must match the expectations
//! written in the fixture files (see `fixtures/README.md`).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use bucketlint::check::{self, Options};
use bucketlint::model::Format;
use bucketlint::rules::{self, RULES, Rule};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// (file, line, rule code, resource) expected in a fixture folder.
type Expect = (PathBuf, usize, &'static str, Option<String>);

fn parse_marker(spec: &str) -> (&'static Rule, Option<String>) {
    let mut words = spec.split_whitespace();
    let name = words.next().expect("a rule after `expect:`");
    let rule = rules::find(name).unwrap_or_else(|| panic!("unknown rule `{name}` in a marker"));
    let resource = words
        .find_map(|w| w.strip_prefix("resource="))
        .map(str::to_string);
    (rule, resource)
}

fn expectations(dir: &Path) -> Vec<Expect> {
    let mut out = Vec::new();
    for file in files_under(dir) {
        let text = fs::read_to_string(&file).unwrap_or_default();
        let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
        match ext {
            "yaml" | "yml" | "tf" => {
                for (i, line) in text.lines().enumerate() {
                    if let Some((_, spec)) = line.split_once("# expect:") {
                        let (rule, resource) = parse_marker(spec);
                        assert!(
                            resource.is_some(),
                            "{}:{}: the marker names no resource",
                            file.display(),
                            i + 1
                        );
                        out.push((file.clone(), i + 1, rule.code, resource));
                    }
                }
            }
            "expect" => {
                let target = file.with_extension("");
                let lines: Vec<String> = fs::read_to_string(&target)
                    .unwrap()
                    .lines()
                    .map(str::to_string)
                    .collect();
                let mut used = BTreeSet::new();
                for spec in text.lines().filter(|l| !l.trim().is_empty()) {
                    let (name, needle) = spec
                        .split_once(' ')
                        .expect("`<rule> [resource=<id>] <text>`");
                    let (rule, _) = parse_marker(name);
                    let (resource, needle) = match needle.strip_prefix("resource=") {
                        Some(rest) => {
                            let (id, text) = rest.split_once(' ').expect("text after resource=");
                            (Some(id.to_string()), text)
                        }
                        None => panic!("{}: `{spec}` names no resource", file.display()),
                    };
                    let line = (0..lines.len())
                        .find(|i| !used.contains(i) && lines[*i].contains(needle))
                        .unwrap_or_else(|| {
                            panic!("{}: no unused line holds {needle:?}", file.display())
                        });
                    used.insert(line);
                    out.push((target.clone(), line + 1, rule.code, resource));
                }
            }
            _ => {}
        }
    }
    out
}

fn rule_of_folder(dir: &Path) -> &'static Rule {
    let name = dir.file_name().unwrap().to_str().unwrap();
    rules::find(name)
        .or_else(|| {
            fs::read_to_string(dir.join("rule.txt"))
                .ok()
                .and_then(|r| rules::find(r.trim()))
        })
        .unwrap_or_else(|| panic!("fixtures/{name} is not a rule name and has no rule.txt"))
}

fn check_folder(dir: &Path) {
    let rule = rule_of_folder(dir);
    // `enable.txt` lists rules to run alongside (their findings are not
    // compared): suppressions of them, for instance.
    let mut enabled = vec![rule];
    if let Ok(extra) = fs::read_to_string(dir.join("enable.txt")) {
        enabled.extend(
            extra
                .split_whitespace()
                .map(|n| rules::find(n).expect("a rule in enable.txt")),
        );
    }
    let report = check::run(&Options {
        paths: vec![dir.to_path_buf()],
        rules: enabled,
        ..Default::default()
    });
    assert!(
        report.errors.is_empty(),
        "{}: errors {:?}",
        dir.display(),
        report.errors
    );
    let expected = expectations(dir);
    let actual: BTreeSet<(PathBuf, usize, &str)> = report
        .findings
        .iter()
        .filter(|f| f.rule.code == rule.code)
        .map(|f| (f.location.file.path.clone(), f.location.line, f.rule.code))
        .collect();
    let wanted: BTreeSet<(PathBuf, usize, &str)> = expected
        .iter()
        .map(|(f, l, r, _)| (f.clone(), *l, *r))
        .collect();
    let missing: Vec<_> = wanted.difference(&actual).collect();
    let extra: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule.code == rule.code)
        .filter(|f| !wanted.contains(&(f.location.file.path.clone(), f.location.line, f.rule.code)))
        .map(|f| {
            format!(
                "{}:{}: {} {}",
                f.location.file.path.display(),
                f.location.line,
                f.rule.code,
                f.message
            )
        })
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{}:\n missing {missing:#?}\n unexpected {extra:#?}",
        dir.display()
    );
    for (file, line, code, resource) in &expected {
        if let Some(resource) = resource {
            let f = report
                .findings
                .iter()
                .find(|f| {
                    &f.location.file.path == file
                        && f.location.line == *line
                        && f.rule.code == *code
                })
                .unwrap();
            assert_eq!(&f.resource, resource, "{}:{line}", file.display());
        }
    }
}

#[test]
fn every_fixture_folder_matches_its_expectations() {
    let mut dirs: Vec<PathBuf> = fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        // `guard/` holds Guard rules and their templates (tests/guard.rs);
        // `terraform-modules/` a module and its callers (tests/terraform.rs);
        // `inventory/` buckets of every exposure (tests/inventory.rs);
        // `deployed/` AWS Config exports (tests/deployed.rs); `access/` who
        // can reach each bucket, by check and inventory (tests/access.rs).
        .filter(|p| {
            p.is_dir()
                && !p.ends_with("guard")
                && !p.ends_with("terraform-modules")
                && !p.ends_with("inventory")
                && !p.ends_with("deployed")
                && !p.ends_with("access")
        })
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty());
    for dir in dirs {
        check_folder(&dir);
    }
}

/// A rule is done when it fires and stays silent in every input format
/// that can express what it checks.
#[test]
fn every_rule_has_failing_and_passing_twins_in_each_format() {
    for rule in RULES {
        let dir = fixtures().join(rule.name);
        let mut fails = Vec::new();
        let mut passes = Vec::new();
        if rule.formats.contains(&Format::CloudFormation) {
            fails.extend(["fail.yaml", "fail.json"]);
            passes.extend(["pass.yaml", "pass.json"]);
        }
        if rule.formats.contains(&Format::Terraform) {
            fails.push("fail-tf");
            passes.push("pass-tf");
        }
        for twin in fails.iter().chain(&passes) {
            let path = if twin.ends_with("-tf") {
                dir.join(twin).join("main.tf")
            } else {
                dir.join(twin)
            };
            assert!(path.is_file(), "fixtures/{}/{twin} is missing", rule.name);
        }
        let expected = expectations(&dir);
        for fail in fails {
            assert!(
                expected.iter().any(|(f, ..)| f.starts_with(dir.join(fail))),
                "fixtures/{}/{fail} expects no finding",
                rule.name
            );
        }
        for pass in passes {
            assert!(
                !expected.iter().any(|(f, ..)| f.starts_with(dir.join(pass))),
                "fixtures/{}/{pass} must expect nothing",
                rule.name
            );
        }
    }
}
