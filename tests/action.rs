//! The GitHub Action: its scripts run here as the runner would run them,
//! with fake GITHUB_OUTPUT, GITHUB_PATH and GITHUB_STEP_SUMMARY files.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::git;

use bucketlint::parse::yaml;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_bucketlint"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn path_with(dir: &Path) -> String {
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

/// `key=value` lines of a GITHUB_OUTPUT file.
fn outputs(path: &Path) -> Vec<(String, String)> {
    fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn output<'a>(all: &'a [(String, String)], key: &str) -> &'a str {
    all.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no output {key} in {all:?}"))
}

const PUBLIC: &str = "Resources:\n  Site:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n";

fn run_action(dir: &Path, env: &[(&str, &str)]) -> (Output, Vec<(String, String)>) {
    let github_output = dir.join("github-output");
    let _ = fs::remove_file(&github_output);
    let mut cmd = Command::new("bash");
    cmd.arg(root().join("action/run.sh"))
        .current_dir(dir)
        .env("PATH", path_with(&bin_dir()))
        .env("GITHUB_OUTPUT", &github_output)
        .env("GITHUB_STEP_SUMMARY", dir.join("step-summary"))
        .env("RUNNER_TEMP", dir)
        .env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("bash runs");
    (out, outputs(&github_output))
}

#[test]
fn run_script_annotates_writes_sarif_and_sets_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir_all(d.join("stacks")).unwrap();
    fs::write(d.join("stacks/site.yaml"), PUBLIC).unwrap();
    fs::write(
        d.join("stacks/fixed.yaml"),
        PUBLIC.replace("PublicRead", "Private"),
    )
    .unwrap();

    let (out, outs) = run_action(
        d,
        &[
            // Several paths over lines; arguments split on spaces, with a
            // pattern that must reach bucketlint unexpanded.
            ("INPUT_PATHS", "stacks/site.yaml\n  stacks/fixed.yaml"),
            ("INPUT_ARGS", "--select acl-public-read,BL1* --quiet"),
            ("INPUT_FORMAT", "github"),
        ],
    );
    // `BL1*` is not a rule: it was passed literally, not globbed.
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("unknown rule `BL1*`"));
    assert_eq!(output(&outs, "exit-code"), "2");

    let (out, outs) = run_action(
        d,
        &[
            ("INPUT_PATHS", "stacks/site.yaml\n  stacks/fixed.yaml"),
            ("INPUT_ARGS", "--select acl-public-read  --quiet"),
            ("INPUT_SARIF_FILE", "reports/bucketlint.sarif"),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let log = text(&out.stdout);
    assert!(
        log.starts_with(
            "::error file=stacks/site.yaml,line=5,col=22,endColumn=32,title=BL101 acl-public-read::"
        ),
        "{log}"
    );
    assert_eq!(log.lines().count(), 1, "{log}");
    assert_eq!(output(&outs, "findings"), "1");
    assert_eq!(output(&outs, "exit-code"), "1");
    assert_eq!(output(&outs, "sarif-file"), "reports/bucketlint.sarif");
    let sarif: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(d.join("reports/bucketlint.sarif")).unwrap())
            .unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["ruleId"], "BL101");

    // fail-on above the findings' severity: the step passes, the outputs
    // still count the findings.
    fs::write(d.join("bucketlint.toml"), "select = [\"BL105\"]\n").unwrap();
    let (out, outs) = run_action(
        d,
        &[
            ("INPUT_PATHS", "stacks"),
            ("INPUT_CONFIG", "bucketlint.toml"),
            ("INPUT_FAIL_ON", "high"),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(output(&outs, "findings"), "2");
    assert_eq!(output(&outs, "exit-code"), "0");
    assert_eq!(output(&outs, "sarif-file"), "");

    // No scratch files are left behind.
    let left: Vec<_> = fs::read_dir(d)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("bucketlint-lines.")
        })
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// The version in Cargo.toml, as install.sh reads it.
fn source_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Runs install.sh. pip sees no index, only the folder `wheels` (empty
/// unless a test puts a wheel there), so nothing is fetched from PyPI.
fn install(dir: &Path, env: &[(&str, &str)], path: &str) -> (Output, String) {
    let github_path = dir.join("github-path");
    let _ = fs::remove_file(&github_path);
    fs::create_dir_all(dir.join("wheels")).unwrap();
    let mut cmd = Command::new("bash");
    cmd.arg(root().join("action/install.sh"))
        .current_dir(dir)
        .env("PATH", path)
        .env("PIP_NO_INDEX", "1")
        .env("PIP_FIND_LINKS", dir.join("wheels"))
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        .env("GITHUB_PATH", &github_path)
        .env("BUCKETLINT_ACTION_PATH", root())
        .env("BUCKETLINT_BIN_DIR", dir.join("bin"))
        .env_remove("BUCKETLINT_ACTION_REPOSITORY")
        .env_remove("BUCKETLINT_DOWNLOAD_BASE")
        .env_remove("INPUT_VERSION");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("bash runs");
    (out, fs::read_to_string(&github_path).unwrap_or_default())
}

/// The binary is in the cache folder, which is on the PATH of later steps,
/// and answers with the version asked for.
fn assert_installed(dir: &Path, github_path: &str, version: &str) {
    assert_eq!(github_path.trim(), dir.join("bin").display().to_string());
    let installed = Command::new(dir.join("bin/bucketlint"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        text(&installed.stdout).trim(),
        format!("bucketlint {version}")
    );
}

/// The action as the runner keeps it at `dest` (its Cargo.toml), with the
/// checksums file a release's tagged commit holds.
fn action_at(dest: &Path, checksums: &str) -> String {
    fs::create_dir_all(dest.join("action")).unwrap();
    fs::copy(root().join("Cargo.toml"), dest.join("Cargo.toml")).unwrap();
    fs::write(dest.join("action/checksums.txt"), checksums).unwrap();
    dest.display().to_string()
}

fn sha256(path: &Path) -> String {
    let sum = Command::new("sha256sum").arg(path).output().unwrap();
    text(&sum.stdout)[..64].to_string()
}

/// A release folder laid out as GitHub serves it, with an asset for every
/// runner the script knows, each holding a stand-in `bucketlint` that
/// prints its version; and the action's checksums for it (the assets'
/// wrong with `corrupt_checksum`).
fn fake_release(dir: &Path, version: &str, corrupt_checksum: bool) -> (String, String) {
    let mut checksums = String::from("# test release\n");
    let release = dir.join("releases").join(format!("v{version}"));
    fs::create_dir_all(&release).unwrap();
    let stage = dir.join("stage");
    fs::create_dir_all(&stage).unwrap();
    fs::write(
        stage.join("bucketlint"),
        format!("#!/bin/sh\necho 'bucketlint {version}'\n"),
    )
    .unwrap();
    for target in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
    ] {
        let asset = release.join(format!("bucketlint-{version}-{target}.tar.gz"));
        let ok = Command::new("tar")
            .arg("-czf")
            .arg(&asset)
            .arg("-C")
            .arg(&stage)
            .arg("bucketlint")
            .status()
            .unwrap();
        assert!(ok.success());
        let sum = match corrupt_checksum {
            true => "0".repeat(64),
            false => sha256(&asset),
        };
        checksums.push_str(&format!(
            "{sum}  bucketlint-{version}-{target}.tar.gz\n{}  bucketlint-{version}-{target}/bucketlint\n",
            sha256(&stage.join("bucketlint"))
        ));
    }
    (
        format!("file://{}", dir.join("releases").display()),
        checksums,
    )
}

#[test]
fn install_script_takes_the_release_and_checks_its_checksum() {
    let version = source_version();
    let dir = tempfile::tempdir().unwrap();
    let (base, checksums) = fake_release(dir.path(), &version, false);
    let action = action_at(&dir.path().join("action-src"), &checksums);
    let path = std::env::var("PATH").unwrap_or_default();
    let env = [
        ("BUCKETLINT_DOWNLOAD_BASE", base.as_str()),
        ("BUCKETLINT_ACTION_PATH", action.as_str()),
    ];
    let (out, github_path) = install(dir.path(), &env, &path);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&format!("bucketlint {version} installed (release")),
        "{}",
        text(&out.stdout)
    );
    assert_installed(dir.path(), &github_path, &version);

    // The next run finds it in the (cached) folder, checked.
    let (again, _) = install(dir.path(), &env, &path);
    assert!(
        text(&again.stdout).contains("installed (cached, checksum verified)"),
        "{}",
        text(&again.stdout)
    );
    // A cached binary that is not the expected one is replaced.
    fs::write(
        dir.path().join("bin/bucketlint"),
        format!("#!/bin/sh\necho 'bucketlint {version}'\necho tampered\n"),
    )
    .unwrap();
    let (again, github_path) = install(dir.path(), &env, &path);
    let log = text(&again.stdout);
    assert!(
        log.contains("the cached binary is not the one this action expects"),
        "{log}"
    );
    assert!(log.contains("installed (release"), "{log}");
    assert_installed(dir.path(), &github_path, &version);

    // A release asset whose sum does not match the action's is refused,
    // with no fallback. The release's own `.sha256` files play no part.
    let bad = tempfile::tempdir().unwrap();
    let (base, checksums) = fake_release(bad.path(), &version, true);
    let action = action_at(&bad.path().join("action-src"), &checksums);
    let (out, github_path) = install(
        bad.path(),
        &[
            ("BUCKETLINT_DOWNLOAD_BASE", &base),
            ("BUCKETLINT_ACTION_PATH", &action),
        ],
        &path,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("checksum mismatch"),
        "{}",
        text(&out.stderr)
    );
    assert!(github_path.is_empty());
    assert!(!bad.path().join("bin/bucketlint").exists());
}

#[test]
fn install_script_builds_with_cargo_when_there_is_no_release() {
    let dir = tempfile::tempdir().unwrap();
    // A stand-in cargo that records its arguments and "builds" a copy of
    // this binary where `--root` says.
    let fake = dir.path().join("fake-bin");
    fs::create_dir_all(&fake).unwrap();
    let log = dir.path().join("cargo-args");
    fs::write(
        fake.join("cargo"),
        format!(
            "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > '{log}'\nwhile [ $# -gt 0 ]; do if [ \"$1\" = --root ]; then root=$2; fi; shift; done\nmkdir -p \"$root/bin\" && cp '{bin}' \"$root/bin/bucketlint\"\n",
            log = log.display(),
            bin = env!("CARGO_BIN_EXE_bucketlint"),
        ),
    )
    .unwrap();
    Command::new("chmod")
        .arg("+x")
        .arg(fake.join("cargo"))
        .status()
        .unwrap();
    let path = path_with(&fake);

    // No release to download (an empty release folder): build the action's
    // own source, locked.
    let empty = format!("file://{}", dir.path().join("no-releases").display());
    let (out, github_path) = install(dir.path(), &[("BUCKETLINT_DOWNLOAD_BASE", &empty)], &path);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    // The release, then the wheel, then cargo: the action's files hold
    // no checksum of this version's assets, so neither is used.
    let release = said.find("hold no checksum for bucketlint-").expect(&said);
    let wheel = said.find("wheel: pip is not used").expect(&said);
    let cargo = said.find("from source").expect(&said);
    assert!(release < wheel && wheel < cargo, "{said}");
    assert!(said.contains("installed (built with cargo)"), "{said}");
    let args: Vec<String> = fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(args[..2], ["install", "--locked"]);
    let at = args.iter().position(|a| a == "--path").expect("--path");
    assert_eq!(Path::new(&args[at + 1]), root());
    assert!(dir.path().join("bin/bucketlint").exists());
    assert!(!github_path.is_empty());

    // Another version than the source: from crates.io, still locked.
    fs::remove_dir_all(dir.path().join("bin")).unwrap();
    let (out, _) = install(dir.path(), &[("INPUT_VERSION", "v9.9.9")], &path);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let args = fs::read_to_string(&log).unwrap();
    let args: Vec<&str> = args.lines().collect();
    assert!(args.contains(&"--locked"));
    assert!(
        args.ends_with(&["bucketlint", "--version", "9.9.9"]),
        "{args:?}"
    );
}

#[test]
fn action_yml_declares_the_inputs_and_never_interpolates_them_into_scripts() {
    let text = fs::read_to_string(root().join("action.yml")).unwrap();
    let docs = yaml::parse(&text, 0).expect("action.yml parses");
    let action = &docs.docs[0];
    let inputs = action.get("inputs").expect("inputs");
    for name in [
        "paths",
        "args",
        "config",
        "format",
        "sarif-file",
        "fail-on",
        "version",
        "working-directory",
        "only-new",
    ] {
        assert!(inputs.get(name).is_some(), "input {name}");
    }
    let outputs = action.get("outputs").expect("outputs");
    for name in ["findings", "sarif-file"] {
        assert!(outputs.get(name).is_some(), "output {name}");
    }
    let runs = action.get("runs").unwrap();
    assert_eq!(
        runs.get("using").and_then(|v| v.as_str()),
        Some("composite")
    );
    let steps = runs.get("steps").unwrap().items();
    let mut scripts = 0;
    for step in steps {
        if let Some(run) = step.get("run") {
            scripts += 1;
            let run = run.as_str().unwrap();
            assert!(!run.contains("${{"), "interpolation in run: {run}");
            // The script it names exists.
            let file = run.split('/').next_back().unwrap().trim_end_matches('"');
            assert!(root().join("action").join(file).is_file(), "{file}");
        }
    }
    assert_eq!(scripts, 3);
    // The cache is keyed on the version, not on hashFiles() of the action's
    // files (which sees only the workspace).
    assert!(!text_of_action().contains("${{ hashFiles"));
}

/// On a pull request the Action reports only what the pull request adds:
/// it fetches the base commit the shallow checkout lacks, passes it to
/// `--new-since`, and says in the step summary how many were not shown.
#[test]
fn on_a_pull_request_only_new_findings_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The "remote": a base commit with one public bucket, a head with two.
    let upstream = d.join("upstream");
    fs::create_dir_all(upstream.join("stacks")).unwrap();
    git(&upstream, &["init", "-q"]);
    fs::write(upstream.join("stacks/site.yaml"), PUBLIC).unwrap();
    git(&upstream, &["add", "-A"]);
    git(&upstream, &["commit", "-qm", "base"]);
    let base = git(&upstream, &["rev-parse", "HEAD"]);
    fs::write(
        upstream.join("stacks/uploads.yaml"),
        PUBLIC.replace("Site", "Uploads"),
    )
    .unwrap();
    git(&upstream, &["add", "-A"]);
    git(&upstream, &["commit", "-qm", "head"]);
    // The runner's checkout: depth 1, without the base commit.
    let url = format!("file://{}", upstream.display());
    git(d, &["clone", "-q", "--depth=1", &url, "work"]);
    let work = d.join("work");
    assert!(
        Command::new("git")
            .args(["cat-file", "-e", &format!("{base}^{{commit}}")])
            .current_dir(&work)
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap()
            .code()
            != Some(0)
    );
    let event = d.join("event.json");
    fs::write(
        &event,
        format!("{{\"pull_request\": {{\"base\": {{\"sha\": \"{base}\"}}}}}}"),
    )
    .unwrap();
    let summary = d.join("step-summary");
    let event_path = event.to_string_lossy().to_string();
    let (out, outs) = run_action(
        &work,
        &[
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_EVENT_PATH", &event_path),
            ("GITHUB_STEP_SUMMARY", &summary.to_string_lossy()),
            ("INPUT_ARGS", "--select BL101"),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(output(&outs, "findings"), "1");
    let annotations = text(&out.stdout);
    assert!(
        annotations.contains("file=stacks/uploads.yaml"),
        "{annotations}"
    );
    assert!(!annotations.contains("site.yaml"), "{annotations}");
    let written = fs::read_to_string(&summary).unwrap();
    assert!(
        written.contains(&format!("1 new finding (1 existing at `{base}` not shown)")),
        "{written}"
    );

    // `only-new: false`, or another event: every finding.
    let (_, outs) = run_action(
        &work,
        &[
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_EVENT_PATH", &event_path),
            ("INPUT_ONLY_NEW", "false"),
            ("INPUT_ARGS", "--select BL101"),
        ],
    );
    assert_eq!(output(&outs, "findings"), "2");
    let (_, outs) = run_action(
        &work,
        &[
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_EVENT_PATH", &event_path),
            ("INPUT_ARGS", "--select BL101"),
        ],
    );
    assert_eq!(output(&outs, "findings"), "2");
}

/// With `working-directory`, the `sarif-file` output is still a path from
/// the workspace root, where upload-sarif looks for it.
#[test]
fn the_sarif_output_is_a_path_from_the_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let workspace = dir.path();
    let sub = workspace.join("infra");
    fs::create_dir_all(&sub).unwrap();
    fs::write(sub.join("site.yaml"), PUBLIC).unwrap();
    let (_, outs) = run_action(
        &sub,
        &[
            ("GITHUB_WORKSPACE", &workspace.to_string_lossy()),
            ("INPUT_SARIF_FILE", "reports/bucketlint.sarif"),
            ("INPUT_ARGS", "--select BL101"),
        ],
    );
    assert_eq!(
        output(&outs, "sarif-file"),
        "infra/reports/bucketlint.sarif"
    );
    assert!(sub.join("reports/bucketlint.sarif").is_file());
}

fn text_of_action() -> String {
    fs::read_to_string(root().join("action.yml")).unwrap()
}

/// Inside a composite action the repository is not given: it is read from
/// the folder the runner keeps the action in, to build the release URL.
#[test]
fn install_script_finds_its_repository_from_the_action_path() {
    let dir = tempfile::tempdir().unwrap();
    let action = dir.path().join("_actions/acme/bucketlint");
    let v = source_version();
    action_at(
        &action.join("v1"),
        &format!(
            "{z}  bucketlint-{v}-x86_64-unknown-linux-musl.tar.gz\n{z}  bucketlint-{v}-aarch64-unknown-linux-musl.tar.gz\n",
            z = "0".repeat(64)
        ),
    );
    // A curl that records the URLs it is asked for, and fails; no cargo.
    let fake = dir.path().join("fake-bin");
    fs::create_dir_all(&fake).unwrap();
    let log = dir.path().join("urls");
    fs::write(
        fake.join("curl"),
        format!("#!/usr/bin/env bash\nfor a in \"$@\"; do case $a in http*) echo \"$a\" >> '{}';; esac; done\nexit 22\n", log.display()),
    )
    .unwrap();
    Command::new("chmod")
        .arg("+x")
        .arg(fake.join("curl"))
        .status()
        .unwrap();
    let action_path = action.join("v1").to_string_lossy().to_string();
    let (out, _) = install(
        dir.path(),
        &[("BUCKETLINT_ACTION_PATH", &action_path)],
        &format!("{}:/usr/bin:/bin", fake.display()),
    );
    let urls = fs::read_to_string(&log).unwrap_or_default();
    if cfg!(all(
        target_os = "linux",
        any(target_arch = "x86_64", target_arch = "aarch64")
    )) {
        assert!(
            urls.starts_with(&format!(
                "https://github.com/acme/bucketlint/releases/download/v{}/bucketlint-{}-",
                source_version(),
                source_version()
            )),
            "{urls} {}",
            text(&out.stdout)
        );
    }
}

/// The cache key's version: the input, else the action's own source.
#[test]
fn version_script_gives_the_cache_key_version() {
    let dir = tempfile::tempdir().unwrap();
    for (input, want) in [("", source_version()), ("v2.3.4", "2.3.4".to_string())] {
        let out_file = dir.path().join("out");
        let _ = fs::remove_file(&out_file);
        let status = Command::new("bash")
            .arg(root().join("action/version.sh"))
            .env("BUCKETLINT_ACTION_PATH", root())
            .env("INPUT_VERSION", input)
            .env("GITHUB_OUTPUT", &out_file)
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(output(&outputs(&out_file), "version"), want);
    }
}

/// Makes a script executable.
fn executable(path: &Path, script: &str) {
    fs::write(path, script).unwrap();
    Command::new("chmod").arg("+x").arg(path).status().unwrap();
}

/// A wheel of `bucketlint` as maturin lays it out (the binary as the
/// package's one script), holding a stand-in that prints its version.
fn fake_wheel(folder: &Path, version: &str) {
    let script = format!("#!/bin/sh\necho 'bucketlint {version}'\n");
    let out = Command::new("python3")
        .args([
            "-c",
            r#"
import sys, zipfile
folder, version, script = sys.argv[1:]
name = f"bucketlint-{version}"
files = {
    f"{name}.data/scripts/bucketlint": script,
    f"{name}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: bucketlint\nVersion: {version}\n",
    f"{name}.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: false\nTag: py3-none-any\n",
}
record = "".join(f"{n},,\n" for n in files) + f"{name}.dist-info/RECORD,,\n"
with zipfile.ZipFile(f"{folder}/{name}-py3-none-any.whl", "w") as z:
    for n, text in files.items():
        info = zipfile.ZipInfo(n)
        info.external_attr = 0o755 << 16
        z.writestr(info, text)
    z.writestr(f"{name}.dist-info/RECORD", record)
"#,
        ])
        .arg(folder)
        .arg(version)
        .arg(script)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// With no release asset, the wheel from the package index comes before
/// any build: cargo is never called.
#[test]
fn install_script_takes_the_wheel_when_there_is_no_release() {
    let version = source_version();
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("fake-bin");
    fs::create_dir_all(&fake).unwrap();
    let called = dir.path().join("cargo-called");
    executable(
        &fake.join("cargo"),
        &format!("#!/bin/sh\ntouch '{}'\nexit 1\n", called.display()),
    );
    fs::create_dir_all(dir.path().join("wheels")).unwrap();
    fake_wheel(&dir.path().join("wheels"), &version);
    let wheel = dir
        .path()
        .join(format!("wheels/bucketlint-{version}-py3-none-any.whl"));
    let action = action_at(
        &dir.path().join("action-src"),
        &format!(
            "{}  bucketlint-{version}-py3-none-any.whl\n",
            sha256(&wheel)
        ),
    );
    let empty = format!("file://{}", dir.path().join("no-releases").display());
    let (out, github_path) = install(
        dir.path(),
        &[
            ("BUCKETLINT_DOWNLOAD_BASE", &empty),
            ("BUCKETLINT_ACTION_PATH", &action),
        ],
        &path_with(&fake),
    );
    let log = text(&out.stdout);
    assert!(out.status.success(), "{log}{}", text(&out.stderr));
    assert!(
        log.contains("this action's files hold no checksum for bucketlint-"),
        "{log}"
    );
    assert!(
        log.contains(&format!(
            "bucketlint {version} installed (pip bucketlint=={version})"
        )),
        "{log}"
    );
    assert!(!called.exists(), "cargo was called");
    assert_installed(dir.path(), &github_path, &version);

    // Another version than the wheels on offer: pip finds none, and with
    // no cargo either the step fails and says why.
    let other = tempfile::tempdir().unwrap();
    fs::create_dir_all(other.path().join("wheels")).unwrap();
    fake_wheel(&other.path().join("wheels"), &version);
    let (out, github_path) = install(
        other.path(),
        &[
            ("BUCKETLINT_DOWNLOAD_BASE", &empty),
            ("BUCKETLINT_ACTION_PATH", &action),
            ("INPUT_VERSION", "9.9.9"),
        ],
        "/usr/bin:/bin",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("no bucketlint release or wheel for this runner, and no cargo"),
        "{}",
        text(&out.stderr)
    );
    assert!(github_path.is_empty());
}

/// On a Windows runner (Git Bash) the release asset is a zip holding
/// bucketlint.exe.
#[test]
fn install_script_takes_the_windows_zip() {
    let version = source_version();
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("fake-bin");
    fs::create_dir_all(&fake).unwrap();
    executable(
        &fake.join("uname"),
        "#!/bin/sh\ncase \"$1\" in -s) echo MINGW64_NT-10.0-20348 ;; -m) echo x86_64 ;; *) echo MINGW64_NT-10.0-20348 ;; esac\n",
    );
    let release = dir.path().join("releases").join(format!("v{version}"));
    let stage = dir.path().join("stage");
    fs::create_dir_all(stage.join(format!("bucketlint-{version}-x86_64-pc-windows-msvc"))).unwrap();
    let folder = format!("bucketlint-{version}-x86_64-pc-windows-msvc");
    executable(
        &stage.join(&folder).join("bucketlint.exe"),
        &format!("#!/bin/sh\necho 'bucketlint {version}'\n"),
    );
    fs::create_dir_all(&release).unwrap();
    let asset = release.join(format!("{folder}.zip"));
    let ok = Command::new("zip")
        .arg("-qr")
        .arg(&asset)
        .arg(&folder)
        .current_dir(&stage)
        .status()
        .unwrap();
    assert!(ok.success());
    let action = action_at(
        &dir.path().join("action-src"),
        &format!("{}  {folder}.zip\n", sha256(&asset)),
    );
    let base = format!("file://{}", dir.path().join("releases").display());
    let (out, _) = install(
        dir.path(),
        &[
            ("BUCKETLINT_DOWNLOAD_BASE", &base),
            ("BUCKETLINT_ACTION_PATH", &action),
        ],
        &path_with(&fake),
    );
    let log = text(&out.stdout);
    assert!(out.status.success(), "{log}{}", text(&out.stderr));
    assert!(
        log.contains(&format!("installed (release {folder}.zip)")),
        "{log}"
    );
    let installed = Command::new(dir.path().join("bin/bucketlint.exe"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        text(&installed.stdout).trim(),
        format!("bucketlint {version}")
    );
}

/// The job summary shows the inventory by default, cut to a size GitHub
/// accepts; `summary: findings` and `none` leave it out.
#[test]
fn the_job_summary_holds_the_inventory() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("stacks")).unwrap();
    fs::write(dir.path().join("stacks/site.yaml"), PUBLIC).unwrap();
    let summary = dir.path().join("step-summary");
    for (mode, inventory) in [
        ("", true),
        ("inventory", true),
        ("findings", false),
        ("none", false),
    ] {
        let _ = fs::remove_file(&summary);
        let (out, outputs) = run_action(
            dir.path(),
            &[("INPUT_PATHS", "stacks"), ("INPUT_SUMMARY", mode)],
        );
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        assert_eq!(output(&outputs, "findings"), "5");
        let written = fs::read_to_string(&summary).unwrap_or_default();
        assert_eq!(
            written.contains("## bucketlint inventory"),
            inventory,
            "{mode}: {written}"
        );
        if inventory {
            assert!(written.contains("1 bucket: 1 public"), "{written}");
            assert!(
                written.contains("| `Site` | `stacks/site.yaml:2` | CloudFormation | **public** |"),
                "{written}"
            );
        }
    }
    let (out, _) = run_action(
        dir.path(),
        &[("INPUT_PATHS", "stacks"), ("INPUT_SUMMARY", "all")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stdout).contains("summary must be inventory, findings or none"));
}
