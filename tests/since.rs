//! `--new-since REF` in scratch git repositories: only the findings a
//! change introduces, matched across moved lines and renamed files, read
//! from git without touching the working tree or the index.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::git;

fn bucketlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bucketlint"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

const BASE: &str = "Resources:\n  Site:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n";

/// A repository whose base commit has one public bucket, and whose head
/// renames the file, moves the bucket 20 lines down and adds a second.
fn repository() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    fs::create_dir(root.join("stacks")).unwrap();
    fs::write(root.join("stacks/site.yaml"), BASE).unwrap();
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "base"]);
    let base = git(root, &["rev-parse", "HEAD"]);
    git(root, &["mv", "stacks/site.yaml", "stacks/website.yaml"]);
    let queues: String = (0..10)
        .map(|i| format!("  Queue{i}:\n    Type: AWS::SQS::Queue\n"))
        .collect();
    let head = BASE.replace("Resources:\n", &format!("Resources:\n{queues}"))
        + "  Uploads:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicReadWrite\n";
    fs::write(root.join("stacks/website.yaml"), head).unwrap();
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "head"]);
    (dir, base)
}

fn found(out: &Output) -> Vec<(String, u64, String)> {
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["resource"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn only_the_findings_a_change_introduces_are_reported() {
    let (dir, base) = repository();
    let root = dir.path();
    let status = git(root, &["status", "--porcelain"]);
    let args = [
        "check",
        "--format",
        "json",
        "--select",
        "BL101,BL102",
        "--new-since",
        &base,
        ".",
    ];
    let out = bucketlint(root, &args);
    assert_eq!(out.status.code(), Some(1));
    // The renamed, moved `Site` existed at the base; `Uploads` is new.
    assert_eq!(
        found(&out),
        [
            ("BL101".to_string(), 29, "Uploads".to_string()),
            ("BL102".to_string(), 29, "Uploads".to_string())
        ]
    );
    // Without --new-since all are there: `Site`'s too.
    let all = bucketlint(
        root,
        &["check", "--format", "json", "--select", "BL101,BL102", "."],
    );
    assert_eq!(found(&all).len(), 3);
    // The summary says how many existed before.
    let text = bucketlint(
        root,
        &[
            "check",
            "--format",
            "concise",
            "--select",
            "BL101,BL102",
            "--new-since",
            &base,
            ".",
        ],
    );
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.contains(&format!("(1 existing at `{base}` not shown)")),
        "{stdout}"
    );
    // Neither the working tree nor the index moved.
    assert_eq!(git(root, &["status", "--porcelain"]), status);
    assert_eq!(git(root, &["rev-parse", "HEAD~1"]), base);
}

#[test]
fn an_unknown_revision_or_no_repository_is_an_error() {
    let (dir, _) = repository();
    let out = bucketlint(dir.path(), &["check", "--new-since", "no-such-branch", "."]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("`no-such-branch` is not a commit of this repository"),
        "{err}"
    );

    let plain = tempfile::tempdir().unwrap();
    fs::write(plain.path().join("t.yaml"), BASE).unwrap();
    let out = bucketlint(plain.path(), &["check", "--new-since", "main", "."]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--new-since needs a git repository"), "{err}");
}

#[test]
fn a_shallow_clone_works_once_the_base_is_fetched() {
    let (dir, base) = repository();
    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", dir.path().display());
    git(clones.path(), &["clone", "-q", "--depth=1", &url, "work"]);
    let work = clones.path().join("work");
    let args = [
        "check",
        "--format",
        "json",
        "--select",
        "BL101,BL102",
        "--new-since",
        &base,
        ".",
    ];
    // The base is not in a depth-1 clone yet.
    assert_eq!(bucketlint(&work, &args).status.code(), Some(2));
    git(&work, &["fetch", "-q", "--depth=1", "origin", &base]);
    let out = bucketlint(&work, &args);
    assert_eq!(
        found(&out),
        [
            ("BL101".to_string(), 29, "Uploads".to_string()),
            ("BL102".to_string(), 29, "Uploads".to_string())
        ]
    );
}
