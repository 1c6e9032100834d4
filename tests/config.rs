//! The configuration file: found above the checked paths, merged with the
//! command line, and wrong settings reported with where they are.

mod common;

use std::fs;
use std::process::Output;

use common::bucketlint;

/// `(rule, path)` of every finding, from the JSON report.
fn findings(o: &Output) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&o.stdout)));
    let mut out: Vec<(String, String)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().replace('\\', "/"),
            )
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A public-read bucket without encryption settings or versioning, and
/// a policy granting to another account.
const TEMPLATE: &str = "\
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicRead
  DataPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Data
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal:
              AWS:
                - arn:aws:iam::111122223333:root
                - arn:aws:iam::444455556666:root
            Action: s3:GetObject
            Resource: !Sub ${Data.Arn}/*
";

fn project(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("bucketlint.toml"), config).unwrap();
    for sub in ["stacks", "vendor", "legacy"] {
        fs::create_dir(dir.path().join(sub)).unwrap();
        fs::write(dir.path().join(sub).join("bucket.yaml"), TEMPLATE).unwrap();
    }
    dir
}

fn rules_of(found: &[(String, String)], path: &str) -> Vec<String> {
    found
        .iter()
        .filter(|(_, p)| p.ends_with(path))
        .map(|(r, _)| r.clone())
        .collect()
}

#[test]
fn settings_apply_from_the_nearest_file_above_the_checked_path() {
    let dir = project(
        r#"
select = ["BL1"]
extend-select = ["policy-cross-account"]
ignore = ["BL104"]
exclude = ["vendor"]

[per-file-ignores]
"legacy/*.yaml" = ["acl-public-read"]

[rules.policy-cross-account]
trusted-accounts = ["111122223333"]
"#,
    );
    let out = bucketlint(&["check", ".", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let found = findings(&out);
    assert_eq!(
        rules_of(&found, "stacks/bucket.yaml"),
        ["BL101", "BL105", "BL206"],
        "{found:?}"
    );
    // per-file-ignores drops BL101 there only.
    assert_eq!(rules_of(&found, "legacy/bucket.yaml"), ["BL105", "BL206"]);
    // Excluded while walking.
    assert!(rules_of(&found, "vendor/bucket.yaml").is_empty());

    // Only the untrusted account is reported.
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let cross: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "BL206")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(cross.len(), 2, "{cross:?}");
    assert!(
        cross.iter().all(|m| m.contains("444455556666")),
        "{cross:?}"
    );

    // Found from a sub-folder too.
    let inner = bucketlint(&["check", "stacks", "--format", "json"], dir.path());
    assert_eq!(
        rules_of(&findings(&inner), "stacks/bucket.yaml"),
        ["BL101", "BL105", "BL206"]
    );
}

#[test]
fn the_command_line_wins_over_the_file() {
    let dir = project("select = [\"BL101\"]\nfail-on = \"high\"\n");
    // --select replaces the file's choice.
    let out = bucketlint(
        &["check", "stacks", "--format", "json", "--select", "BL105"],
        dir.path(),
    );
    assert_eq!(rules_of(&findings(&out), "stacks/bucket.yaml"), ["BL105"]);
    // fail-on high from the file: a medium finding (BL105) passes...
    assert_eq!(out.status.code(), Some(0));
    // ...unless the command line sets a lower threshold.
    let strict = bucketlint(
        &["check", "stacks", "--select", "BL105", "--fail-on", "low"],
        dir.path(),
    );
    assert_eq!(strict.status.code(), Some(1));
    // --isolated ignores the file: the default rules run.
    let isolated = bucketlint(
        &["check", "stacks", "--format", "json", "--isolated"],
        dir.path(),
    );
    let rules = rules_of(&findings(&isolated), "stacks/bucket.yaml");
    assert!(rules.contains(&"BL401".to_string()), "{rules:?}");
}

#[test]
fn named_files_are_excluded_only_with_force_exclude() {
    let dir = project("exclude = [\"vendor/**\"]\n");
    let named = bucketlint(
        &["check", "vendor/bucket.yaml", "--format", "json"],
        dir.path(),
    );
    assert!(!findings(&named).is_empty());
    let forced = bucketlint(
        &[
            "check",
            "vendor/bucket.yaml",
            "stacks/bucket.yaml",
            "--force-exclude",
            "--format",
            "json",
        ],
        dir.path(),
    );
    let found = findings(&forced);
    assert!(
        rules_of(&found, "vendor/bucket.yaml").is_empty(),
        "{found:?}"
    );
    assert!(!rules_of(&found, "stacks/bucket.yaml").is_empty());
}

#[test]
fn a_wrong_setting_is_reported_with_its_place_and_nothing_is_checked() {
    let dir = project("select = [\"BL101\"]\n\nignore = [\"BL101\", \"no-such-rule\"]\n");
    let out = bucketlint(&["check", "."], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bucketlint.toml"), "{err}");
    assert!(err.contains("unknown rule `no-such-rule`"), "{err}");
    // The excerpt shows the offending line with its number.
    assert!(err.contains("3 │ ignore"), "{err}");

    for (text, message) in [
        ("colour = \"red\"\n", "unknown field `colour`"),
        ("fail-on = \"urgent\"\n", "unknown severity `urgent`"),
        ("exclude = [\"a/[\"]\n", "invalid glob"),
        (
            "[rules.policy-public-principal]\nstrict = true\n",
            "has no option `strict`",
        ),
    ] {
        fs::write(dir.path().join("bucketlint.toml"), text).unwrap();
        let out = bucketlint(&["check", "."], dir.path());
        assert_eq!(out.status.code(), Some(2), "{text}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(message), "{text}: {err}");
    }

    // An explicit --config that does not exist is an error too.
    let missing = bucketlint(&["check", ".", "--config", "nope.toml"], dir.path());
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nope.toml"));
}

#[test]
fn each_path_is_checked_under_its_own_configuration() {
    let dir = project("select = [\"BL101\"]\n");
    // `legacy` has a configuration of its own, nearer than the project's.
    fs::write(
        dir.path().join("legacy/bucketlint.toml"),
        "select = [\"BL105\"]\nfail-on = \"high\"\n",
    )
    .unwrap();
    let out = bucketlint(
        &["check", "stacks", "legacy", "--format", "json"],
        dir.path(),
    );
    let found = findings(&out);
    assert_eq!(
        rules_of(&found, "stacks/bucket.yaml"),
        ["BL101"],
        "{found:?}"
    );
    assert_eq!(
        rules_of(&found, "legacy/bucket.yaml"),
        ["BL105"],
        "{found:?}"
    );
    // The high finding under the project's configuration fails the run.
    assert_eq!(out.status.code(), Some(1));
    // Only the medium finding under `fail-on = "high"`: the run passes.
    let legacy = bucketlint(&["check", "legacy"], dir.path());
    assert_eq!(legacy.status.code(), Some(0));
    // --config puts every path under one file.
    let one = bucketlint(
        &[
            "check",
            "stacks",
            "legacy",
            "--format",
            "json",
            "--config",
            "bucketlint.toml",
        ],
        dir.path(),
    );
    assert_eq!(rules_of(&findings(&one), "legacy/bucket.yaml"), ["BL101"]);
}
