//! Helpers shared by the integration tests that run the binary.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs `bucketlint` with `args` in `cwd`, without colour.
pub fn bucketlint(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bucketlint"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

/// Standard output then standard error, as text.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The repository, where the fixtures are.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Standard output parsed as JSON.
pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&o.stdout)))
}

/// Runs git in `dir` with a fixed identity; panics on failure. Returns its
/// standard output, trimmed.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A template with a public bucket (BL101 at line 5).
pub const PUBLIC: &str = "\
Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicRead
";

/// The scratch project the pre-commit hook tests commit to: a public
/// template in `stacks/`, its copy in `vendor/` that the configuration
/// excludes (pre-commit names it; the hook's --force-exclude leaves it
/// out), and the configuration. Nothing is staged yet.
#[allow(dead_code)]
pub fn hook_project(repo: &Path) {
    for dir in ["stacks", "vendor"] {
        std::fs::create_dir_all(repo.join(dir)).unwrap();
    }
    git(repo, &["init", "--quiet"]);
    std::fs::write(repo.join("stacks/site.yaml"), PUBLIC).unwrap();
    std::fs::write(repo.join("vendor/site.yaml"), PUBLIC).unwrap();
    std::fs::write(
        repo.join("bucketlint.toml"),
        "select = [\"acl-public-read\"]\nexclude = [\"vendor\"]\n",
    )
    .unwrap();
}

/// Where `doc` breaks `docs/inventory.schema.json`: empty when it follows it.
pub fn inventory_schema_errors(doc: &serde_json::Value) -> Vec<String> {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/inventory.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}
