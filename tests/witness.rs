//! AWS's meaning of "public" as a reader sees it: the `aws:SourceIp`
//! breadth threshold in messages, and the witness (one request AWS would
//! allow) in the JSON and human outputs.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn json(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_bucketlint"))
        .args(["check", "--format", "json"])
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

fn findings<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

#[test]
fn a_source_ip_range_broader_than_a_slash_8_is_public_in_every_format() {
    let dir = "fixtures/policy-public-principal";
    let cases = [
        ("fail-source-ip.yaml", 25, "0.0.0.0/1"),
        ("fail-source-ip.json", 13, "8.0.0.0/7"),
        ("fail-source-ip-tf", 12, "0.0.0.0/1"),
    ];
    for (file, line, range) in cases {
        let report = json(&["--select", "BL201", &format!("{dir}/{file}")]);
        let f = findings(&report, "BL201");
        let first = f.first().unwrap_or_else(|| panic!("{file}: no finding"));
        assert_eq!(first["line"], line, "{file}");
        let message = first["message"].as_str().unwrap();
        assert!(
            message.contains(&format!(
                "Its `aws:SourceIp` range `{range}` is broader than /8 (IPv4) or /32 (IPv6), which S3 counts as public"
            )),
            "{file}: {message}"
        );
        // The private range next to it is not named.
        assert!(!message.contains("10.0.0.0/8"), "{message}");
        assert_eq!(
            first["witness"]["condition"],
            format!("from any address in {range}"),
            "{file}"
        );
    }
    let ipv6 = json(&["--select", "BL201", &format!("{dir}/fail-source-ip.yaml")]);
    let second = findings(&ipv6, "BL201")[1];
    assert_eq!(second["line"], 37);
    assert!(second["message"].as_str().unwrap().contains("`2001::/16`"));
    for pass in [
        "pass-source-ip.yaml",
        "pass-source-ip.json",
        "pass-source-ip-tf",
    ] {
        let report = json(&["--select", "BL201", &format!("{dir}/{pass}")]);
        assert!(findings(&report, "BL201").is_empty(), "{pass}");
    }
}

#[test]
fn a_public_policy_finding_carries_a_witness() {
    let report = json(&[
        "--select",
        "BL201",
        "fixtures/policy-public-principal/fail-source-ip.yaml",
    ]);
    let w = &findings(&report, "BL201")[0]["witness"];
    assert_eq!(w["who"], "an anonymous caller");
    assert_eq!(w["action"], "s3:GetObject");
    // `${Assets.Arn}/*` spelled with the bucket's name (the parameter's
    // default, as an example), the key left open.
    assert_eq!(w["resource"], "arn:aws:s3:::acme-assets-prod/any-key");
    assert_eq!(w["stopped_by"], Value::Null);

    let report = json(&[
        "--select",
        "BL201",
        "fixtures/policy-public-principal/fail-federated.yaml",
    ]);
    let w = &findings(&report, "BL201")[0]["witness"];
    assert_eq!(w["who"], "any Facebook user");
    assert_eq!(w["condition"], "none");
    // ForAllValues on an absent key is met by sending nothing.
    let w = &findings(&report, "BL201")[1]["witness"];
    assert_eq!(w["action"], "s3:PutObject");
    assert_eq!(
        w["condition"],
        "by sending no `aws:PrincipalOrgPaths` at all, which `ForAllValues:StringEquals` accepts"
    );
}

#[test]
fn a_neutralised_exposure_names_the_setting_that_stops_it() {
    let report = json(&[
        "--select",
        "BL201",
        "fixtures/policy-public-principal/fail.yaml",
    ]);
    let low: Vec<&Value> = findings(&report, "BL201")
        .into_iter()
        .filter(|f| f["severity"] == "low")
        .collect();
    assert_eq!(low.len(), 1);
    let stop = low[0]["witness"]["stopped_by"].as_str().unwrap();
    assert!(stop.contains("RestrictPublicBuckets is on"), "{stop}");
}

#[test]
fn an_acl_finding_carries_a_witness() {
    let report = json(&["--select", "BL102", "fixtures/acl-public-write/fail.yaml"]);
    let f = findings(&report, "BL102")[0];
    assert_eq!(f["line"], 5);
    let w = &f["witness"];
    assert_eq!(w["who"], "an anonymous caller");
    assert_eq!(w["action"], "s3:PutObject");
    assert_eq!(w["resource"], "arn:aws:s3:::<name of Uploads>/any-key");
    assert_eq!(w["condition"], "none");
}

#[test]
fn the_human_output_shows_the_witness_as_a_help_line() {
    let out = Command::new(env!("CARGO_BIN_EXE_bucketlint"))
        .args([
            "check",
            "--select",
            "BL201",
            "fixtures/policy-public-principal/fail-source-ip.json",
        ])
        .env("NO_COLOR", "1")
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "help: e.g. an anonymous caller may `s3:GetObject` on `arn:aws:s3:::acme-assets/any-key`, from any address in 8.0.0.0/7"
        ),
        "{text}"
    );
}
