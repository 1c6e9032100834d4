//! Suppressions and baselines, through the binary.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bucketlint"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap()
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn suppressed_findings_are_counted_and_peer_ones_can_be_ignored() {
    let report = json(&run(
        root(),
        &[
            "check",
            "--format",
            "json",
            "--select",
            "BL101",
            "fixtures/suppressions/tf",
        ],
    ));
    assert_eq!(report["summary"]["findings"], 1);
    assert_eq!(report["summary"]["suppressed"], 3);
    let without_peers = json(&run(
        root(),
        &[
            "check",
            "--format",
            "json",
            "--select",
            "BL101",
            "--honor-peer-suppressions=false",
            "fixtures/suppressions/tf",
        ],
    ));
    assert_eq!(
        without_peers["summary"]["findings"], 3,
        "checkov and trivy comments no longer count"
    );
    let text = run(
        root(),
        &[
            "check",
            "--select",
            "BL101",
            "--color",
            "never",
            "fixtures/suppressions/tf",
        ],
    );
    assert!(
        String::from_utf8_lossy(&text.stdout)
            .contains("Found 1 finding (1 high) in 1 file (3 suppressed).")
    );
}

#[test]
fn strict_reports_unused_suppressions() {
    let path = "fixtures/unused-suppression/fail.yaml";
    let names = |args: &[&str]| -> Vec<String> {
        json(&run(
            root(),
            &[&["check", "--format", "json"], args, &[path]].concat(),
        ))["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(!names(&[]).contains(&"unused-suppression".to_string()));
    assert!(names(&["--strict"]).contains(&"unused-suppression".to_string()));
}

#[test]
fn a_baseline_hides_accepted_findings_across_line_shifts_and_shows_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    let template = "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n";
    fs::write(dir.path().join("t.yaml"), template).unwrap();
    let write = run(
        dir.path(),
        &[
            "check",
            "--select",
            "BL101",
            "--write-baseline",
            "baseline.json",
            "t.yaml",
        ],
    );
    assert_eq!(write.status.code(), Some(0));
    let baseline: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("baseline.json")).unwrap())
            .unwrap();
    assert_eq!(baseline["version"], 1);
    assert_eq!(baseline["findings"].as_array().unwrap().len(), 1);

    // Lines move; a second public bucket appears.
    let changed = format!(
        "# moved down\n\n{template}  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n"
    );
    fs::write(dir.path().join("t.yaml"), changed).unwrap();
    let out = run(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--select",
            "BL101",
            "--baseline",
            "baseline.json",
            "t.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert_eq!(report["summary"]["baselined"], 1);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["resource"], "B");

    let bad = run(dir.path(), &["check", "--baseline", "t.yaml", "t.yaml"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[cfg(unix)]
#[test]
fn a_baseline_is_replaced_atomically_keeping_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("t.yaml"),
        "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n",
    )
    .unwrap();
    let args = [
        "check",
        "--select",
        "BL101",
        "--write-baseline",
        "baseline.json",
        "t.yaml",
    ];
    // A new file is readable by all, like any file the user writes.
    assert_eq!(run(dir.path(), &args).status.code(), Some(0));
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let path = dir.path().join("baseline.json");
    assert_eq!(mode(&path), 0o644);
    // An existing one keeps its mode, and no temporary file is left.
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    assert_eq!(run(dir.path(), &args).status.code(), Some(0));
    assert_eq!(mode(&path), 0o640);
    let mut names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["baseline.json", "t.yaml"]);
    assert!(fs::read_to_string(&path).unwrap().ends_with("}\n"));
}

/// A peer's id suppresses the finding wherever bucketlint reports it: a
/// `public-read-write` ACL is checkov's public-read check too, and a bucket
/// without Block Public Access fails each of trivy's per-setting checks.
#[test]
fn peer_ids_suppress_every_rule_that_can_receive_their_finding() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("main.tf"),
        r#"resource "aws_s3_bucket" "uploads" {
  bucket = "example-uploads"
}

resource "aws_s3_bucket_acl" "uploads" {
  #checkov:skip=CKV_AWS_20:drop box for partners
  bucket = aws_s3_bucket.uploads.id
  acl    = "public-read-write"
}

#trivy:ignore:AVD-AWS-0086
resource "aws_s3_bucket" "legacy" {
  bucket = "example-legacy"
}
"#,
    )
    .unwrap();
    let args = [
        "check",
        "--format",
        "json",
        "--select",
        "BL102,BL105",
        "main.tf",
    ];
    let report = json(&run(dir.path(), &args));
    let left: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap(), f["resource"].as_str().unwrap()))
        .collect();
    // `uploads` still lacks Block Public Access; `legacy`'s is suppressed.
    assert_eq!(left, [("BL105", "aws_s3_bucket.uploads")]);
    assert_eq!(report["summary"]["suppressed"], 2);
}

/// The peers' own words for the questions bucketlint answers suppress its
/// findings: the Guard registry's elevated-managed-policy rule on a role
/// given PowerUserAccess (BL306), checkov's customer-key check on an
/// object (BL405).
#[test]
fn peer_ids_of_the_same_question_suppress() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("roles.yaml"),
        "Resources:
  Builder:
    Type: AWS::IAM::Role
    Metadata:
      guard:
        SuppressedRules:
          - IAM_ROLE_ELEVATED_MANAGED_POLICY_RULE
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: codebuild.amazonaws.com}, Action: sts:AssumeRole}]}
      ManagedPolicyArns: [arn:aws:iam::aws:policy/PowerUserAccess]
  Deployer:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: codebuild.amazonaws.com}, Action: sts:AssumeRole}]}
      ManagedPolicyArns: [arn:aws:iam::aws:policy/PowerUserAccess]
",
    )
    .unwrap();
    fs::create_dir(dir.path().join("tf")).unwrap();
    fs::write(
        dir.path().join("tf/main.tf"),
        r#"resource "aws_s3_object" "seed" {
  #checkov:skip=CKV_AWS_186:the bucket's default key applies
  bucket = "example-seed"
  key    = "seed.csv"
  source = "seed.csv"
}

resource "aws_s3_object" "other" {
  bucket = "example-seed"
  key    = "other.csv"
  source = "other.csv"
}
"#,
    )
    .unwrap();
    let report = json(&run(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--select",
            "BL306,BL405",
            "roles.yaml",
            "tf",
        ],
    ));
    let left: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap(), f["resource"].as_str().unwrap()))
        .collect();
    assert_eq!(
        left,
        [("BL306", "Deployer"), ("BL405", "aws_s3_object.other")]
    );
    assert_eq!(report["summary"]["suppressed"], 2);
}
