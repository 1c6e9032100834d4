//! bucketlint as people without a Rust toolchain get it: the wheel maturin
//! builds from `pypi/pyproject.toml` (maturin from PyPI), installed with
//! pip into a fresh virtual environment, and the `bucketlint` pre-commit
//! hook (`language: python`), which installs that wheel through the root
//! `pyproject.toml` with no `cargo` on the PATH. The wheel is served from a
//! local folder (`PIP_FIND_LINKS`, `PIP_NO_INDEX`), as a package index
//! would serve it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::Instant;

mod common;
use common::{PUBLIC, git, hook_project, root, text};

fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"))
}

fn ok(cmd: &mut Command) -> Output {
    let shown = format!("{cmd:?}");
    let out = run(cmd);
    assert!(out.status.success(), "{shown}: {}", text(&out));
    out
}

/// Kept under target/, reused between runs.
fn work() -> PathBuf {
    root().join("target/packaging")
}

/// A virtual environment with maturin and pre-commit from PyPI. Made once.
fn tools() -> &'static Path {
    static TOOLS: OnceLock<PathBuf> = OnceLock::new();
    TOOLS.get_or_init(|| {
        let venv = work().join("tools");
        if !venv.join("bin/pre-commit").exists() || !venv.join("bin/maturin").exists() {
            ok(Command::new("python3")
                .args(["-m", "venv", "--clear"])
                .arg(&venv));
            ok(Command::new(venv.join("bin/pip")).args([
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "maturin>=1.5,<2",
                "pre-commit>=3,<5",
            ]));
        }
        venv
    })
}

/// A folder serving the wheel built from this source, and what pip needs
/// to build the root package without an index (setuptools). Built once.
fn wheelhouse() -> &'static Path {
    static HOUSE: OnceLock<PathBuf> = OnceLock::new();
    HOUSE.get_or_init(|| {
        let venv = tools();
        let house = work().join("wheelhouse");
        let _ = fs::remove_dir_all(&house);
        fs::create_dir_all(&house).unwrap();
        ok(Command::new(venv.join("bin/maturin"))
            .args(["build", "--release", "--quiet", "--out"])
            .arg(&house)
            .current_dir(root().join("pypi")));
        ok(Command::new(venv.join("bin/pip"))
            .args([
                "download",
                "--quiet",
                "--disable-pip-version-check",
                "--only-binary",
                ":all:",
                "--dest",
            ])
            .arg(&house)
            .arg("setuptools>=61"));
        house
    })
}

fn wheel_file() -> PathBuf {
    fs::read_dir(wheelhouse())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("bucketlint-"))
        })
        .expect("maturin wrote a bucketlint wheel")
}

/// pip's environment for an offline install from the wheelhouse.
fn offline(cmd: &mut Command) -> &mut Command {
    cmd.env("PIP_FIND_LINKS", wheelhouse())
        .env("PIP_NO_INDEX", "1")
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
}

#[test]
fn the_wheel_installs_the_binary_and_it_checks_templates() {
    let wheel = wheel_file();
    let name = wheel.file_name().unwrap().to_string_lossy().to_string();
    assert!(
        name.starts_with(&format!(
            "bucketlint-{}-py3-none-",
            env!("CARGO_PKG_VERSION")
        )),
        "{name}"
    );

    let scratch = tempfile::tempdir().unwrap();
    let venv = scratch.path().join("venv");
    ok(Command::new("python3").args(["-m", "venv"]).arg(&venv));
    ok(offline(Command::new(venv.join("bin/pip")).args([
        "install",
        "--quiet",
        "bucketlint",
    ])));
    let installed = venv.join("bin/bucketlint");
    let version = ok(Command::new(&installed).arg("--version"));
    assert_eq!(
        text(&version).trim(),
        format!("bucketlint {}", env!("CARGO_PKG_VERSION"))
    );

    let out = run(Command::new(&installed)
        .args([
            "check",
            "--format",
            "concise",
            "--select",
            "acl-public-read",
        ])
        .arg("fixtures/acl-public-read/fail.yaml")
        .current_dir(root()));
    let log = text(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(
        log.contains("fixtures/acl-public-read/fail.yaml:8:")
            && log.contains("BL101 acl-public-read [high]"),
        "{log}"
    );
    let out = run(Command::new(&installed)
        .args(["check", "--select", "acl-public-read"])
        .arg("fixtures/acl-public-read/pass.yaml")
        .current_dir(root()));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // PyPI shows the metadata: summary, licence, project links.
    let meta = run(Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); \
             print(next(z.read(n).decode() for n in z.namelist() if n.endswith('.dist-info/METADATA')))",
        ])
        .arg(&wheel));
    let meta = text(&meta);
    assert!(meta.contains("License-Expression: MIT"), "{meta}");
    assert!(
        meta.contains(&format!(
            "Project-URL: Repository, {}",
            env!("CARGO_PKG_REPOSITORY")
        )),
        "{meta}"
    );
    assert!(meta.contains("Summary: Static policy linter"), "{meta}");
    assert!(
        meta.contains("\n# bucketlint\n"),
        "the README is the description"
    );
}

/// A PATH with what pre-commit needs (python, git) and no cargo.
fn path_without_cargo(venv: &Path) -> String {
    let path = format!(
        "{}:/usr/local/bin:/usr/bin:/bin",
        venv.join("bin").display()
    );
    let found = run(Command::new("sh")
        .args(["-c", "command -v cargo rustc"])
        .env("PATH", &path));
    assert!(
        text(&found).trim().is_empty(),
        "cargo is on {path}: {}",
        text(&found)
    );
    path
}

#[test]
fn the_python_hook_installs_the_wheel_with_no_cargo() {
    let venv = tools();
    wheelhouse();
    let scratch = tempfile::tempdir().unwrap();
    let s = scratch.path();
    let repo = s.join("project");
    hook_project(&repo);
    for dir in [".github/workflows", "infra"] {
        fs::create_dir_all(repo.join(dir)).unwrap();
    }
    fs::write(
        repo.join(".github/workflows/ci.yml"),
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n",
    )
    .unwrap();
    // A Terraform root module deployed with -var-file=prod.tfvars.
    fs::write(
        repo.join("infra/main.tf"),
        "variable \"acl\" {\n  default = \"private\"\n}\n\nresource \"aws_s3_bucket_acl\" \"site\" {\n  bucket = \"site\"\n  acl    = var.acl\n}\n",
    )
    .unwrap();
    fs::write(repo.join("infra/prod.tfvars"), "acl = \"public-read\"\n").unwrap();
    git(&repo, &["add", "."]);

    let path = path_without_cargo(venv);
    let try_repo = |files: &[&str]| {
        let mut cmd = Command::new(venv.join("bin/pre-commit"));
        cmd.arg("try-repo")
            .arg(root())
            .arg("bucketlint")
            .arg("--files")
            .args(files)
            .current_dir(&repo)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", s.join("pre-commit-home"))
            .env("NO_COLOR", "1");
        let started = Instant::now();
        let out = run(offline(&mut cmd));
        (out, started.elapsed())
    };

    let (failed, first) = try_repo(&["stacks/site.yaml", "vendor/site.yaml"]);
    eprintln!(
        "first run of the python hook (installs its environment): {:.1} s",
        first.as_secs_f64()
    );
    let log = text(&failed);
    assert_eq!(failed.status.code(), Some(1), "{log}");
    assert!(log.contains("Failed"), "{log}");
    assert!(
        log.contains("stacks/site.yaml:5:") && log.contains("BL101"),
        "{log}"
    );
    assert!(!log.contains("vendor/site.yaml:"), "{log}");

    // A changed variable file checks the module it belongs to.
    let (failed, _) = try_repo(&["infra/prod.tfvars"]);
    let log = text(&failed);
    assert_eq!(failed.status.code(), Some(1), "{log}");
    assert!(
        log.contains("infra/main.tf:7:") && log.contains("BL101"),
        "{log}"
    );

    // A commit of only a workflow file has no template: it passes.
    fs::write(
        repo.join("stacks/site.yaml"),
        PUBLIC.replace("PublicRead", "Private"),
    )
    .unwrap();
    git(&repo, &["add", "."]);
    let (passed, _) = try_repo(&[".github/workflows/ci.yml"]);
    let log = text(&passed);
    assert_eq!(passed.status.code(), Some(0), "{log}");
    assert!(log.contains("Passed"), "{log}");
    let (passed, _) = try_repo(&["stacks/site.yaml", ".github/workflows/ci.yml"]);
    assert_eq!(passed.status.code(), Some(0), "{}", text(&passed));
}
