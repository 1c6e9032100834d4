//! The `bucketlint-src` pre-commit hook (`language: rust`), installed the
//! way users install it: pre-commit (from PyPI, in a scratch virtual
//! environment) builds the hook from this repository with `try-repo` and
//! runs it on a scratch git repository.
//!
//! It compiles the whole tool again (minutes on two cores), so it is left
//! out of `cargo test` and run by `.ci/run` with `--ignored`. The hook most
//! users take, `bucketlint` (`language: python`), is tested in
//! tests/packaging.rs.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Instant;

mod common;
use common::{PUBLIC, git, hook_project, root, text};

fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"))
}

#[test]
#[ignore = "compiles the tool again; run by .ci/run"]
fn hook_fails_on_a_public_bucket_and_passes_once_fixed() {
    let scratch = tempfile::tempdir().unwrap();
    let s = scratch.path();

    let venv = s.join("venv");
    let out = run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
    assert!(out.status.success(), "python3 -m venv: {}", text(&out));
    let out = run(Command::new(venv.join("bin/pip")).args([
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "pre-commit>=3,<5",
    ]));
    assert!(
        out.status.success(),
        "pip install pre-commit: {}",
        text(&out)
    );

    let repo = s.join("project");
    hook_project(&repo);
    git(&repo, &["add", "."]);

    // The hook is built from this repository into a folder kept under
    // target/, so that later runs reuse the compiled dependencies.
    let build = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/pre-commit-hook");
    let try_repo = |files: &[&str]| {
        let mut cmd = Command::new(venv.join("bin/pre-commit"));
        cmd.arg("try-repo")
            .arg(root())
            .arg("bucketlint-src")
            .arg("--files")
            .args(files)
            .current_dir(&repo)
            .env("PRE_COMMIT_HOME", s.join("pre-commit-home"))
            .env("CARGO_TARGET_DIR", &build)
            .env("NO_COLOR", "1");
        run(&mut cmd)
    };

    let started = Instant::now();
    let failed = try_repo(&["stacks/site.yaml", "vendor/site.yaml"]);
    eprintln!(
        "first run of the rust hook (builds its environment): {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let log = text(&failed);
    assert_eq!(failed.status.code(), Some(1), "{log}");
    assert!(
        log.contains("bucketlint") && log.contains("Failed"),
        "{log}"
    );
    assert!(log.contains("BL101"), "{log}");
    assert!(log.contains("stacks/site.yaml"), "{log}");
    assert!(!log.contains("vendor/site.yaml:"), "{log}");

    fs::write(
        repo.join("stacks/site.yaml"),
        PUBLIC.replace("PublicRead", "Private"),
    )
    .unwrap();
    git(&repo, &["add", "."]);
    let passed = try_repo(&["stacks/site.yaml", "vendor/site.yaml"]);
    let log = text(&passed);
    assert_eq!(passed.status.code(), Some(0), "{log}");
    assert!(log.contains("Passed"), "{log}");
}
