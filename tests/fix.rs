//! `--fix` over every failing fixture of every fixable rule, in each
//! format: the fixed findings are gone on re-checking, a second run changes
//! nothing, the lines outside the edits are untouched (comments too), the
//! result parses, fixed CloudFormation gains no cfn-lint error, and fixed
//! Terraform stays `terraform fmt`-clean.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use bucketlint::check::{Options, run};
use bucketlint::rules::{RULES, Rule};
use common::{bucketlint, text};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file under `path` (a file or a folder), sorted.
fn files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut out: Vec<PathBuf> = fs::read_dir(path)
        .unwrap()
        .flat_map(|e| files(&e.unwrap().path()))
        .collect();
    out.sort();
    out
}

fn check(path: &Path, rule: &'static Rule, fix: bool) -> bucketlint::findings::Report {
    run(&Options {
        paths: vec![path.to_path_buf()],
        rules: vec![rule],
        fix: fix.then_some(bucketlint::fix::Safety::Unsafe),
        diff: true,
        ..Options::default()
    })
}

/// A line as the fixes may leave it: values a fix replaces mapped to their
/// replacement, whitespace dropped (Terraform arguments are re-aligned),
/// and a trailing comma (a JSON member gains one when another follows).
fn normalized(line: &str) -> String {
    let s: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    let mut s = s.trim_end_matches(',').to_string();
    for (from, to) in [
        ("PublicReadWrite", "Private"),
        ("PublicRead", "Private"),
        ("AuthenticatedRead", "Private"),
        ("public-read-write", "private"),
        ("public-read", "private"),
        ("authenticated-read", "private"),
        ("Suspended", "Enabled"),
        ("false", "true"),
        ("BucketOwnerPreferred", "BucketOwnerEnforced"),
        ("ObjectWriter", "BucketOwnerEnforced"),
    ] {
        s = s.replace(from, to);
    }
    s
}

/// Every word the fix removed must come back in the same place, changed
/// only in a fixed value or a trailing comma; only spacing may go. So
/// nothing else of the original is lost, comments included.
fn assert_minimal(name: &str, before: &str, after: &str) {
    let diff = similar::TextDiff::from_words(before, after);
    for op in diff.ops() {
        let changes: Vec<_> = diff.iter_changes(op).collect();
        let inserted: BTreeSet<String> = changes
            .iter()
            .filter(|c| c.tag() == similar::ChangeTag::Insert)
            .map(|c| normalized(c.value()))
            .collect();
        for c in changes
            .iter()
            .filter(|c| c.tag() == similar::ChangeTag::Delete)
        {
            let word = c.value();
            // A wildcard action gives way to the actions it covers.
            let bare = word.trim_matches(|c: char| "\"'[],".contains(c));
            let wildcard =
                bare.contains('*') && (bare == "*" || bare.to_ascii_lowercase().starts_with("s3:"));
            assert!(
                word.trim().is_empty() || wildcard || inserted.contains(&normalized(word)),
                "{name}: the fix lost {word:?}\n{}",
                bucketlint::fix::diff(name, before, after)
            );
        }
    }
    for line in before.lines().filter(|l| l.contains('#')) {
        let comment = &line[line.find('#').unwrap()..];
        assert!(after.contains(comment), "{name}: comment lost: {comment}");
    }
}

/// cfn-lint from PyPI, in a virtual environment made once per test run.
fn cfn_lint() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let venv = root().join("target/cfn-lint-venv");
        let bin = venv.join("bin/cfn-lint");
        if !bin.exists() {
            let out = Command::new("python3")
                .args(["-m", "venv"])
                .arg(&venv)
                .output()
                .unwrap();
            assert!(out.status.success(), "venv: {}", text(&out));
            let out = Command::new(venv.join("bin/pip"))
                .args([
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "cfn-lint>=1,<2",
                ])
                .output()
                .unwrap();
            assert!(out.status.success(), "pip install cfn-lint: {}", text(&out));
        }
        bin
    })
}

/// The errors (not warnings) cfn-lint reports for a template, without
/// their positions, so the same error on a shifted line compares equal.
fn cfn_lint_errors(path: &Path) -> BTreeSet<String> {
    let out = Command::new(cfn_lint())
        .args(["--format", "parseable", "--"])
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let fields: Vec<&str> = l.splitn(7, ':').collect();
            let code = fields.get(5)?;
            code.starts_with('E')
                .then(|| format!("{code}: {}", fields.get(6).unwrap_or(&"")))
        })
        .collect()
}

/// `check --fix --unsafe-fixes` of one rule on `target`.
fn fix_all(rule: &Rule, target: &str, cwd: &Path) -> std::process::Output {
    bucketlint(
        &[
            "check",
            "--fix",
            "--unsafe-fixes",
            "--select",
            rule.code,
            target,
        ],
        cwd,
    )
}

fn fmt_clean(path: &Path) -> Option<bool> {
    let out = Command::new("terraform")
        .args(["fmt", "-check", "-list=false"])
        .arg(path)
        .output()
        .ok()?;
    Some(out.status.success())
}

#[test]
fn every_fix_removes_its_findings_and_keeps_the_rest() {
    let scratch = tempfile::tempdir().unwrap();
    let mut fixed_formats: BTreeSet<(String, &str)> = BTreeSet::new();
    let fixable: Vec<&'static Rule> = RULES
        .iter()
        .copied()
        .filter(|r| r.autofix.is_some())
        .collect();
    assert!(fixable.len() >= 8, "{fixable:?}");
    let terraform = fmt_clean(root()).is_some();
    for rule in &fixable {
        let dir = root().join("fixtures").join(rule.name);
        let mut entries: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let name = p.file_name().unwrap().to_string_lossy();
                name.starts_with("fail") && !name.ends_with(".expect")
            })
            .collect();
        entries.sort();
        for entry in entries {
            let name = format!(
                "{}/{}",
                rule.name,
                entry.file_name().unwrap().to_string_lossy()
            );
            let work = scratch
                .path()
                .join(rule.name)
                .join(entry.file_name().unwrap());
            if entry.is_dir() {
                copy_dir(&entry, &work);
            } else {
                fs::create_dir_all(work.parent().unwrap()).unwrap();
                fs::copy(&entry, &work).unwrap();
            }
            let before: Vec<(PathBuf, String)> = files(&work)
                .into_iter()
                .map(|p| {
                    let t = fs::read_to_string(&p).unwrap();
                    (p, t)
                })
                .collect();
            let found = check(&work, rule, true);
            let fixable_found = found.fixed;

            let target = work.to_str().unwrap();
            let out = fix_all(rule, target, scratch.path());
            assert_ne!(out.status.code(), Some(2), "{name}: {}", text(&out));

            // Re-checking: nothing left to fix, nothing broken.
            let after = check(&work, rule, true);
            assert!(after.errors.is_empty(), "{name}: {:?}", after.errors);
            assert_eq!(after.fixed, 0, "{name}: not idempotent: {:?}", after.diffs);
            for f in &after.findings {
                assert!(
                    f.fix.is_none(),
                    "{name}: a fixable finding remains at line {}: {}",
                    f.location.line,
                    f.message
                );
            }
            let left = check(&work, rule, false).findings.len();
            let initially = check(&entry, rule, false).findings.len();
            assert_eq!(
                left + fixable_found,
                initially,
                "{name}: {initially} findings, {fixable_found} fixed, {left} left"
            );

            // A second --fix changes no byte.
            let snapshot: Vec<String> = files(&work)
                .iter()
                .map(|p| fs::read_to_string(p).unwrap())
                .collect();
            let out = fix_all(rule, target, scratch.path());
            assert_ne!(out.status.code(), Some(2), "{name}: {}", text(&out));
            let again: Vec<String> = files(&work)
                .iter()
                .map(|p| fs::read_to_string(p).unwrap())
                .collect();
            assert_eq!(snapshot, again, "{name}: the second --fix changed the file");

            for (path, original) in &before {
                let fixed = fs::read_to_string(path).unwrap();
                if fixed == *original {
                    continue;
                }
                let ext = path.extension().unwrap().to_string_lossy().to_string();
                fixed_formats.insert((
                    rule.name.to_string(),
                    if ext == "tf" {
                        "tf"
                    } else if ext == "json" {
                        "json"
                    } else {
                        "yaml"
                    },
                ));
                assert_minimal(&name, original, &fixed);
                if ext == "tf" && terraform {
                    let was = scratch.path().join("was.tf");
                    fs::write(&was, original).unwrap();
                    if fmt_clean(&was) == Some(true) {
                        assert_eq!(
                            fmt_clean(path),
                            Some(true),
                            "{name}: no longer terraform fmt-clean:\n{fixed}"
                        );
                    }
                } else if ext != "tf" {
                    let was = scratch.path().join(format!("was.{ext}"));
                    fs::write(&was, original).unwrap();
                    let old = cfn_lint_errors(&was);
                    let new = cfn_lint_errors(path);
                    let added: Vec<&String> = new.difference(&old).collect();
                    assert!(
                        added.is_empty(),
                        "{name}: new cfn-lint errors {added:?}\n{fixed}"
                    );
                }
            }
        }
    }
    // Each fixable rule fixes something in each format.
    for rule in &fixable {
        for format in ["yaml", "json", "tf"] {
            assert!(
                fixed_formats.contains(&(rule.name.to_string(), format)),
                "{}: no {format} fixture was fixed ({fixed_formats:?})",
                rule.name
            );
        }
    }
}

const OPEN: &str = "\
# The site bucket.
Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicRead # was public
      OwnershipControls:
        Rules:
          - ObjectOwnership: ObjectWriter
";

#[test]
fn diff_shows_the_fixes_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("t.yaml"), OPEN).unwrap();
    let out = bucketlint(
        &["check", "--diff", "--select", "BL101,BL109", "t.yaml"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("--- a/t.yaml\n+++ b/t.yaml\n@@ "),
        "{stdout}"
    );
    assert!(
        stdout.contains("-      AccessControl: PublicRead # was public\n+      AccessControl: Private # was public\n"),
        "{stdout}"
    );
    // The ownership fix is unsafe: not in the diff, but announced.
    assert!(!stdout.contains("BucketOwnerEnforced"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("would fix 1 finding in 1 file; 1 more fixable with --unsafe-fixes"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(dir.path().join("t.yaml")).unwrap(), OPEN);
}

#[test]
fn fix_applies_safe_fixes_and_reports_what_remains() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.yaml");
    fs::write(&path, OPEN).unwrap();
    let out = bucketlint(
        &[
            "check",
            "--fix",
            "--format",
            "concise",
            "--select",
            "BL101,BL109",
            "t.yaml",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("t.yaml:9:30: BL109 object-ownership-acls-enabled"),
        "{}",
        text(&out)
    );
    assert!(
        text(&out)
            .starts_with("fixed t.yaml:6:22: BL101 acl-public-read: made the canned ACL private\n"),
        "{}",
        text(&out)
    );
    assert!(
        text(&out).contains("Found 1 finding (1 medium) in 1 file; fixed 1 finding in 1 file; 1 more fixable with --unsafe-fixes."),
        "{}",
        text(&out)
    );
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        OPEN.replace("PublicRead", "Private")
    );
    // Unsafe fixes on request; then nothing remains.
    let out = bucketlint(
        &[
            "check",
            "--fix",
            "--unsafe-fixes",
            "--format",
            "concise",
            "--select",
            "BL101,BL109",
            "t.yaml",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        OPEN.replace("PublicRead", "Private")
            .replace("ObjectWriter", "BucketOwnerEnforced")
    );
}

#[test]
fn styles_are_kept_flow_yaml_byte_order_mark_and_crlf() {
    let dir = tempfile::tempdir().unwrap();
    // Flow-style Properties, an anchor, a BOM and CRLF line endings.
    let text_in = "\u{feff}Resources:\r\n  Logs:\r\n    Type: AWS::S3::Bucket\r\n    Properties: {BucketName: &n logs, Tags: [{Key: k, Value: *n}]}\r\n";
    fs::write(dir.path().join("t.yaml"), text_in).unwrap();
    let out = bucketlint(
        &["check", "--fix", "--select", "BL401", "t.yaml"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let fixed = fs::read_to_string(dir.path().join("t.yaml")).unwrap();
    assert_eq!(
        fixed,
        "\u{feff}Resources:\r\n  Logs:\r\n    Type: AWS::S3::Bucket\r\n    Properties: {BucketName: &n logs, Tags: [{Key: k, Value: *n}], BucketEncryption: {\"ServerSideEncryptionConfiguration\":[{\"ServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"AES256\"}}]}}\r\n"
    );
    // A resource without Properties, in block style with CRLF.
    let text_in = "Resources:\r\n  Logs:\r\n    Type: AWS::S3::Bucket\r\n";
    fs::write(dir.path().join("u.yaml"), text_in).unwrap();
    let out = bucketlint(
        &["check", "--fix", "--select", "BL501", "u.yaml"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        fs::read_to_string(dir.path().join("u.yaml")).unwrap(),
        "Resources:\r\n  Logs:\r\n    Type: AWS::S3::Bucket\r\n    Properties:\r\n      VersioningConfiguration:\r\n        Status: Enabled\r\n"
    );
}

#[test]
fn a_read_only_file_is_reported_not_written() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.yaml");
    fs::write(&path, OPEN).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
    let out = bucketlint(
        &["check", "--fix", "--select", "BL101", "t.yaml"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("the fixes could not be written: the file is read-only"),
        "{}",
        text(&out)
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), OPEN);
    let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o444);
}

#[test]
fn standard_input_is_fixed_only_as_a_diff() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    for (flag, code) in [("--fix", 2), ("--diff", 1)] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_bucketlint"))
            .args([
                "check",
                flag,
                "--select",
                "BL101",
                "--stdin-filename",
                "t.yaml",
                "-",
            ])
            .current_dir(dir.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(OPEN.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{flag}: {}", text(&out));
        match flag {
            "--fix" => assert!(
                text(&out).contains("fixes for standard input are not written; use --diff"),
                "{}",
                text(&out)
            ),
            _ => assert!(
                text(&out).contains("+      AccessControl: Private # was public"),
                "{}",
                text(&out)
            ),
        }
    }
    assert!(!dir.path().join("t.yaml").exists());
}

#[test]
fn fixes_over_several_passes_are_placed_in_the_original_text() {
    let dir = tempfile::tempdir().unwrap();
    // Three properties go to the same place: one per pass. Each fix is
    // reported at the bucket's line as the user saw it, not where later
    // passes found it.
    let bare = "# Logs.\nResources:\n  Logs:\n    Type: AWS::S3::Bucket\n  Other:\n    Type: AWS::SNS::Topic\n";
    fs::write(dir.path().join("t.yaml"), bare).unwrap();
    let out = bucketlint(
        &[
            "check",
            "--fix",
            "--format",
            "concise",
            "--select",
            "BL105,BL401,BL501",
            "t.yaml",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "fixed t.yaml:3:3: BL105 public-access-block-missing: blocked public access\n\
         fixed t.yaml:3:3: BL401 encryption-missing: added default encryption (SSE-S3)\n\
         fixed t.yaml:3:3: BL501 versioning-disabled: enabled versioning\n\
         No findings in 1 file; fixed 3 findings in 1 file.\n"
    );
    let fixed = fs::read_to_string(dir.path().join("t.yaml")).unwrap();
    assert!(
        fixed.ends_with("        Status: Enabled\n  Other:\n    Type: AWS::SNS::Topic\n"),
        "{fixed}"
    );
}
