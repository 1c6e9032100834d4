//! The human output, rendered without colour at a fixed width, as users
//! see it. Review changes with `cargo insta review`.

use std::path::PathBuf;

use bucketlint::check::{self, Options};
use bucketlint::report::human::{self, Style};
use bucketlint::rules;

fn render(path: &str, rule: &str) -> String {
    let report = check::run(&Options {
        paths: vec![PathBuf::from(path)],
        rules: vec![rules::find(rule).unwrap()],
        ..Default::default()
    });
    let mut out = Vec::new();
    human::render(
        &report,
        &Style {
            color: false,
            width: Some(100),
            summary: true,
        },
        &mut out,
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn public_principal_in_json_labels_the_star() {
    insta::assert_snapshot!(render(
        "fixtures/policy-public-principal/fail.json",
        "BL201"
    ));
}

#[test]
fn public_principal_in_yaml_checks_every_branch() {
    insta::assert_snapshot!(render(
        "fixtures/policy-public-principal/fail.yaml",
        "BL201"
    ));
}

#[test]
fn acl_in_terraform_labels_the_acl_value() {
    insta::assert_snapshot!(render("fixtures/acl-public-read/fail-tf", "BL101"));
}

#[test]
fn partial_tls_deny_says_what_it_misses() {
    insta::assert_snapshot!(render(
        "fixtures/policy-insecure-transport/fail.yaml",
        "BL205"
    ));
}

#[test]
fn parse_errors_point_into_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.yaml");
    std::fs::write(
        &path,
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B: {Type: AWS::S3::Bucket\n",
    )
    .unwrap();
    let out = render(path.to_str().unwrap(), "BL101").replace(dir.path().to_str().unwrap(), "TMP");
    insta::assert_snapshot!(out);
}
