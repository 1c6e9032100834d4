//! What a new user copies: the README's commands and snippets, and the files
//! that package and release bucketlint, agree with Cargo.toml (the one place
//! the project's address and version are written) and with each other.

use std::fs;
use std::process::Command;

mod common;
use common::{root, text};

use bucketlint::parse::yaml;

const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn read(path: &str) -> String {
    fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every `https://github.com/<owner>/bucketlint` address in these files is
/// the repository of Cargo.toml; no placeholder is left.
#[test]
fn the_project_address_is_cargos_everywhere() {
    for path in [
        "README.md",
        "pypi/pyproject.toml",
        ".pre-commit-hooks.yaml",
        "action.yml",
    ] {
        let text = read(path);
        assert!(!text.contains("<owner>"), "{path} has a placeholder");
        for (at, _) in text.match_indices("github.com/") {
            let rest = &text[at + "github.com/".len()..];
            let repo: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || "-_./".contains(*c))
                .collect();
            let mut parts = repo.split('/');
            let (owner, name) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            if name.trim_end_matches('.') == "bucketlint" {
                assert_eq!(
                    format!("https://github.com/{owner}/bucketlint"),
                    REPOSITORY,
                    "{path}"
                );
            }
        }
    }
    // Rule help links (SARIF helpUri, `explain`) point at this version's tag.
    let out = common::bucketlint(&["rules", "--format", "json"], root());
    let rules: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let url = rules["rules"][0]["help_url"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        url.starts_with(&format!("{REPOSITORY}/blob/v{VERSION}/rules/")),
        "{url}"
    );
}

/// The README's pre-commit and Action snippets name a tag the release
/// workflow creates (v<version>), and hooks that exist.
#[test]
fn the_readme_snippets_name_this_version_and_real_hooks() {
    let readme = read("README.md");
    assert!(
        readme.contains(&format!(
            "  - repo: {REPOSITORY}\n    rev: v{VERSION}\n    hooks:\n      - id: bucketlint\n"
        )),
        "pre-commit snippet"
    );
    let owner_repo = REPOSITORY.trim_start_matches("https://github.com/");
    assert!(
        readme.contains(&format!("- uses: {owner_repo}@v{VERSION}\n")),
        "Action snippet"
    );
    let release = read(".github/workflows/release.yml");
    // The release tags `v<version>` itself, after writing the checksums
    // the Action at that tag expects, and never over an existing one.
    assert!(release.contains("workflow_dispatch:"), "run by hand");
    assert!(
        release.contains(r#"git tag "v$VERSION""#)
            && release.contains("commit --quiet -m \"Release v$VERSION: checksums of its assets\" action/checksums.txt"),
        "the release commits the checksums and tags v<version>"
    );
    assert!(release.contains("releases are never overwritten"));

    let hooks_text = read(".pre-commit-hooks.yaml");
    let docs = yaml::parse(&hooks_text, 0).expect(".pre-commit-hooks.yaml parses");
    let hooks = docs.docs[0].items();
    // (language, entry, files, types, require_serial) of a hook.
    let hook = |id: &str| {
        let h = hooks
            .iter()
            .find(|h| h.get("id").and_then(|v| v.as_str()) == Some(id))
            .unwrap_or_else(|| panic!("no hook {id}"));
        let s = |k: &str| h.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
        let types: Vec<String> = h
            .get("types")
            .map(|t| {
                t.items()
                    .iter()
                    .filter_map(|v| v.as_str())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        let serial = h.get("require_serial").and_then(|v| v.as_bool());
        (s("language"), s("entry"), s("files"), types, serial)
    };
    let python = hook("bucketlint");
    let rust = hook("bucketlint-src");
    assert_eq!(python.0, "python");
    assert_eq!(rust.0, "rust");
    assert_eq!(
        (&python.1, &python.2, &python.3, python.4),
        (&rust.1, &rust.2, &rust.3, rust.4),
        "the two hooks differ only in how they install"
    );
    assert_eq!(python.4, Some(true));
    assert!(readme.contains("id: bucketlint-src"));
    assert!(python.2.contains("tfvars"), "{}", python.2);
    let entry = &python.1;
    assert!(entry.contains("--force-exclude") && entry.contains("--allow-empty"));
}

/// The root package pre-commit installs pins the wheel of this version.
#[test]
fn the_hook_package_pins_this_version() {
    let root_package = read("pyproject.toml");
    let parsed: toml::Table = root_package.parse().unwrap();
    assert_eq!(parsed["project"]["version"].as_str(), Some(VERSION));
    let deps = parsed["project"]["dependencies"].as_array().unwrap();
    assert_eq!(
        deps.iter().map(|d| d.as_str().unwrap()).collect::<Vec<_>>(),
        [format!("bucketlint=={VERSION}")]
    );
    let wheel: toml::Table = read("pypi/pyproject.toml").parse().unwrap();
    assert_eq!(wheel["project"]["name"].as_str(), Some("bucketlint"));
    assert_eq!(wheel["tool"]["maturin"]["bindings"].as_str(), Some("bin"));
    assert_eq!(
        wheel["tool"]["maturin"]["manifest-path"].as_str(),
        Some("../Cargo.toml")
    );
}

/// The release workflow publishes, for every target install.sh asks for, an
/// asset under the name install.sh builds.
#[test]
fn the_release_assets_are_the_ones_the_action_downloads() {
    let release = read(".github/workflows/release.yml");
    let install = read("action/install.sh");
    assert!(install.contains(r#"asset="bucketlint-$version-$target.tar.gz""#));
    assert!(install.contains(r#"asset="bucketlint-$version-$target.zip""#));
    assert!(install.contains(r#"url="$base/v$version/$asset""#));
    assert!(release.contains(r#"name="bucketlint-$VERSION-$TARGET""#));
    assert!(release.contains(r#""$name.tar.gz""#) && release.contains(r#""$name.zip""#));
    assert!(release.contains(r#""$asset.sha256""#));
    for line in install.lines() {
        if let Some((_, target)) = line.split_once(") target=") {
            let target = target.trim_end_matches(" ;;").trim();
            if !target.is_empty() && target != "\"\"" {
                assert!(
                    release.contains(&format!("target: {target}, os:")),
                    "release.yml builds no binary for {target}"
                );
            }
        }
    }
}

/// The README's first command prints a short, readable result: one page,
/// with the findings it promises and the exit code it states.
#[test]
fn the_readme_first_command_prints_one_page() {
    let readme = read("README.md");
    let quick = &readme[readme.find("## Quick start").unwrap()..];
    let block = &quick[quick.find("```sh\n").unwrap() + 6..];
    let block = &block[..block.find("```").unwrap()];
    let first = block
        .lines()
        .find(|l| l.starts_with("cargo run --release -- "))
        .expect("a cargo run command");
    let args: Vec<&str> = first
        .trim_start_matches("cargo run --release -- ")
        .split_whitespace()
        .collect();
    let out = Command::new(env!("CARGO_BIN_EXE_bucketlint"))
        .args(&args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .output()
        .unwrap();
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(block.contains("exits 1"));
    let lines = shown.lines().count();
    assert!((5..=40).contains(&lines), "{lines} lines:\n{shown}");
    assert!(
        shown.contains("Found 2 findings") && block.contains("two findings"),
        "{shown}"
    );
}

/// Every action a workflow or the Action uses is pinned to a full commit,
/// with the tag it stands for as a comment: a tag can be moved to other
/// code, a commit cannot.
#[test]
fn every_action_used_is_pinned_to_a_commit() {
    let mut files = vec![root().join("action.yml")];
    for e in fs::read_dir(root().join(".github/workflows")).unwrap() {
        files.push(e.unwrap().path());
    }
    let mut seen = 0;
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        for line in text.lines() {
            let Some((_, used)) = line.split_once("uses:") else {
                continue;
            };
            let used = used.trim();
            if used.starts_with("./") {
                continue;
            }
            seen += 1;
            let (action, rest) = used
                .split_once('@')
                .unwrap_or_else(|| panic!("{}: {line}", file.display()));
            let (commit, tag) = rest
                .split_once(" # ")
                .unwrap_or_else(|| panic!("{}: no tag comment: {line}", file.display()));
            assert!(
                commit.len() == 40 && commit.chars().all(|c| c.is_ascii_hexdigit()),
                "{}: {action} is not pinned to a commit: {line}",
                file.display()
            );
            assert!(tag.trim().starts_with('v'), "{}: {line}", file.display());
        }
    }
    assert!(seen >= 10, "{seen}");
}
