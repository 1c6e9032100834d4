//! AWS CloudFormation Guard rules (`--guard-rules`) over CloudFormation and
//! the equivalent Terraform: the same findings, each at the line of the
//! value the clause inspected in its own file.

mod common;

use std::fs;
use std::path::Path;

use common::{bucketlint, text};

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures"))
}

/// The Guard findings (not the built-in ones) of a check of `target`.
fn guard_findings(target: &str) -> Vec<String> {
    let out = bucketlint(
        &[
            "check",
            "--guard-rules",
            "guard/s3.guard",
            "--format",
            "concise",
            "--quiet",
            target,
        ],
        fixtures(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains(" S3_"))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_same_rules_find_the_same_things_in_each_format() {
    assert_eq!(
        guard_findings("guard/template.yaml"),
        [
            "guard/template.yaml:10:22: S3_NO_PUBLIC_ACL S3_NO_PUBLIC_ACL [medium] Canned ACL must be Private",
            "guard/template.yaml:12:17: S3_VERSIONING_ON S3_VERSIONING_ON [high] Versioning must be Enabled",
            // A bucket without the property: the finding sits on the bucket.
            "guard/template.yaml:13:3: S3_VERSIONING_ON S3_VERSIONING_ON [high] Versioning must be Enabled",
            // `Quiet` suppresses the rule the Guard way (Metadata guard
            // SuppressedRules): nothing at line 15.
        ]
    );
    assert_eq!(
        guard_findings("guard/template.json"),
        [
            "guard/template.json:10:26: S3_NO_PUBLIC_ACL S3_NO_PUBLIC_ACL [medium] Canned ACL must be Private",
            "guard/template.json:11:48: S3_VERSIONING_ON S3_VERSIONING_ON [high] Versioning must be Enabled",
            "guard/template.json:14:5: S3_VERSIONING_ON S3_VERSIONING_ON [high] Versioning must be Enabled",
        ]
    );
    // Terraform: the ACL and the versioning status are set through split
    // resources, which a rule on AWS::S3::Bucket properties sees; `kept`
    // enables versioning through aws_s3_bucket_versioning and passes.
    assert_eq!(
        guard_findings("guard/tf"),
        [
            "guard/tf/main.tf:19:12: S3_NO_PUBLIC_ACL S3_NO_PUBLIC_ACL [medium] Canned ACL must be Private",
            "guard/tf/main.tf:25:14: S3_VERSIONING_ON S3_VERSIONING_ON [high] Versioning must be Enabled",
            "guard/tf/main.tf:29:1: S3_VERSIONING_ON S3_VERSIONING_ON [high] Versioning must be Enabled",
        ]
    );
}

#[test]
fn guard_findings_go_through_outputs_and_suppressions() {
    let dir = tempfile::tempdir().unwrap();
    let rules = fs::read_to_string(fixtures().join("guard/s3.guard")).unwrap();
    fs::write(dir.path().join("s3.guard"), rules).unwrap();
    fs::write(
        dir.path().join("t.yaml"),
        "Resources:\n  Open:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead # bucketlint:ignore[S3_NO_PUBLIC_ACL] reviewed\n      VersioningConfiguration:\n        Status: Enabled\n",
    )
    .unwrap();
    // The inline suppression hides the Guard finding like a built-in one.
    let out = bucketlint(
        &[
            "check",
            "--guard-rules",
            "s3.guard",
            "--select",
            "BL501",
            "--format",
            "concise",
            "t.yaml",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("1 suppressed"), "{}", text(&out));

    // SARIF names the Guard rules with the built-in ones.
    let out = bucketlint(
        &[
            "check",
            "--guard-rules",
            "s3.guard",
            "--format",
            "sarif",
            "--select",
            "BL501",
            "t.yaml",
        ],
        dir.path(),
    );
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"S3_VERSIONING_ON") && ids.contains(&"S3_NO_PUBLIC_ACL"),
        "{ids:?}"
    );
}

#[test]
fn a_rule_file_that_does_not_parse_is_shown_in_place() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("bad.guard"),
        "rule BROKEN {\n  Resources.*.Type == \n}\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("t.yaml"),
        "Resources:\n  B:\n    Type: AWS::S3::Bucket\n",
    )
    .unwrap();
    let out = bucketlint(
        &["check", "--guard-rules", "bad.guard", "t.yaml"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("invalid Guard rule: expecting either a property access"),
        "{t}"
    );
    assert!(t.contains("[bad.guard:2:22]"), "{t}");
}

#[test]
fn guard_rules_come_from_the_configuration_file_too() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("policies")).unwrap();
    let rules = fs::read_to_string(fixtures().join("guard/s3.guard")).unwrap();
    fs::write(dir.path().join("policies/s3.guard"), rules).unwrap();
    fs::write(
        dir.path().join("bucketlint.toml"),
        "guard-rules = [\"policies\"]\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("t.yaml"),
        "Resources:\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n      VersioningConfiguration:\n        Status: Suspended\n",
    )
    .unwrap();
    let out = bucketlint(
        &[
            "check", "--format", "concise", "--select", "BL101", "t.yaml",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains(
            "t.yaml:6:17: S3_VERSIONING_ON S3_VERSIONING_ON [high] Versioning must be Enabled"
        ),
        "{}",
        text(&out)
    );
    // A path that does not exist is an error in the file.
    fs::write(
        dir.path().join("bucketlint.toml"),
        "guard-rules = [\"nowhere\"]\n",
    )
    .unwrap();
    let out = bucketlint(&["check", "t.yaml"], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("no such file or folder"),
        "{}",
        text(&out)
    );
}
