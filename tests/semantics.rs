//! Policy semantics as findings show them: severity by who receives a
//! grant, and messages that say why.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn findings(args: &[&str]) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_bucketlint"))
        .args(["check", "--format", "json"])
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    report["findings"].as_array().unwrap().clone()
}

/// (line, severity, a part of the message) of each finding.
fn summary(found: &[Value]) -> Vec<(u64, String, String)> {
    found
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["severity"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A finding's line, severity and a part of its message.
type Expected = (u64, &'static str, &'static str);

#[test]
fn a_wildcard_action_is_as_severe_as_the_reach_of_its_grantee() {
    let dir = "fixtures/policy-wildcard-action";
    let cases: [(&str, &[Expected]); 3] = [
        (
            "fail-cdk-auto-delete.json",
            &[
                (
                    18,
                    "low",
                    "to `CustomS3AutoDeleteObjectsCustomResourceProviderRole3B1BD092` of this template. The grantee is in this account",
                ),
                (29, "high", "to account 444455556666."),
            ],
        ),
        (
            "fail-own-role.yaml",
            &[
                (26, "low", "to `CleanupRole` of this template."),
                (31, "low", "to this account."),
                (
                    36,
                    "high",
                    "to a principal known only at deploy time. Who receives it depends on inputs",
                ),
            ],
        ),
        (
            "fail-own-role-tf",
            &[
                (22, "low", "to `aws_iam_role.cleanup` of this template."),
                (32, "low", "to this account."),
                (42, "high", "to account 444455556666."),
            ],
        ),
    ];
    for (file, want) in cases {
        let got = summary(&findings(&["--select", "BL202", &format!("{dir}/{file}")]));
        assert_eq!(got.len(), want.len(), "{file}: {got:#?}");
        for ((line, severity, message), (wl, ws, wm)) in got.iter().zip(want.iter()) {
            assert_eq!((line, severity.as_str()), (wl, *ws), "{file}: {message}");
            assert!(message.contains(wm), "{file}:{line}: {message}");
        }
    }
}

#[test]
fn a_finding_in_one_branch_of_fn_if_says_when_it_holds() {
    let got = summary(&findings(&[
        "--select",
        "BL101,BL112",
        "fixtures/acl-public-read/fail-allowed-values.yaml",
        "fixtures/dns-compliant-name/fail-guarded-name.yaml",
    ]));
    let messages: Vec<(u64, &str)> = got.iter().map(|(l, _, m)| (*l, m.as_str())).collect();
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert_eq!(messages[0].0, 13);
    assert!(
        messages[0]
            .1
            .ends_with("This holds only when condition `IsProd` is false."),
        "{}",
        messages[0].1
    );
    assert_eq!(messages[1].0, 16);
    assert!(
        messages[1]
            .1
            .ends_with("This holds only when condition `Custom` is true."),
        "{}",
        messages[1].1
    );
}

#[test]
fn a_finding_in_a_resource_created_under_a_condition_says_so() {
    let got = summary(&findings(&[
        "--select",
        "BL101",
        "fixtures/acl-public-read/fail-conditional-resource.yaml",
    ]));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, 11);
    assert!(
        got[0]
            .2
            .ends_with("This holds only for some inputs: `Site` is created only when condition `MakePublic` is true."),
        "{}",
        got[0].2
    );
}

#[test]
fn branches_that_cannot_happen_are_not_evaluated() {
    // `AllowedValues` rule out `staging`; a name guarded by "not empty" is
    // never the empty default.
    for file in [
        "fixtures/acl-public-read/pass-allowed-values.yaml",
        "fixtures/acl-public-read/pass-allowed-values.json",
        "fixtures/dns-compliant-name/pass-guarded-name.yaml",
        "fixtures/dns-compliant-name/pass-guarded-name.json",
    ] {
        let got = findings(&["--select", "BL101,BL112", file]);
        assert!(got.is_empty(), "{file}: {got:#?}");
    }
}

#[test]
fn a_nested_stack_is_checked_with_the_parameters_its_parent_passes() {
    let out = Command::new(env!("CARGO_BIN_EXE_bucketlint"))
        .args([
            "check",
            "--format",
            "json",
            "--select",
            "BL101",
            "fixtures/acl-public-read/fail-nested",
            "fixtures/acl-public-read/pass-nested",
        ])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = report["findings"].as_array().unwrap();
    // The child's default is `Private`; the parent passes `PublicRead`. In
    // the twin, the child's default `PublicRead` is overridden by `Private`.
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert_eq!(
        f["file"],
        "fixtures/acl-public-read/fail-nested/stacks/website.yaml"
    );
    assert_eq!(f["line"], 13);
    assert_eq!(f["resource"], "Content");
    assert!(
        f["message"].as_str().unwrap().ends_with(
            "The value comes from parameter `AccessControl` (`PublicRead`), which nested stack `Website` passes in fixtures/acl-public-read/fail-nested/template.yaml:8."
        ),
        "{}",
        f["message"]
    );
    let notes = report["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["line"], 18);
    assert!(
        notes[0]["message"]
            .as_str()
            .unwrap()
            .contains("nested stack `Missing` comes from `https://")
    );
    // Alone, the child is checked with its own defaults.
    let alone = findings(&[
        "--select",
        "BL101",
        "fixtures/acl-public-read/pass-nested/stacks",
    ]);
    assert_eq!(alone.len(), 1);
}

#[test]
fn a_block_public_access_configuration_is_one_finding_naming_its_settings() {
    let cases = [
        (
            "BL104",
            "fixtures/public-access-block-disabled/fail-four-off.yaml",
            9,
            "Bucket `Website` turns off BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets in its Block Public Access configuration.",
        ),
        (
            "BL107",
            "fixtures/account-public-access-block-disabled/fail-tf",
            3,
            "The account's Block Public Access turns off BlockPublicPolicy and leaves IgnorePublicAcls, RestrictPublicBuckets unset (false by default), for every bucket without its own setting.",
        ),
        (
            "BL108",
            "fixtures/access-point-public/fail.yaml",
            11,
            "Access point `DataAccessPoint` is reachable from the internet and turns off BlockPublicPolicy, RestrictPublicBuckets.",
        ),
    ];
    for (rule, path, line, message) in cases {
        let got = summary(&findings(&["--select", rule, path]));
        assert_eq!(got.len(), 1, "{path}: {got:#?}");
        assert_eq!(got[0].0, line, "{path}");
        assert_eq!(got[0].2, message, "{path}");
    }
}

#[test]
fn cdk_output_names_the_construct_and_is_not_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("cdk.out");
    std::fs::create_dir(&out_dir).unwrap();
    let path = out_dir.join("AppStack.template.json");
    let original = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/versioning-disabled/fail-cdk/AppStack.template.json"),
    )
    .unwrap();
    std::fs::write(&path, &original).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_bucketlint"))
        .args(["check", "--format", "json", "--fix", "--select", "BL501"])
        .arg(&path)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &report["findings"][0];
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .ends_with("(CDK construct `AppStack/Reports/Resource`)"),
        "{}",
        f["message"]
    );
    assert!(f.get("fix").is_none());
    assert!(
        report["notes"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("generated by the AWS CDK: no fix is applied here")
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original);
}
