//! The command line as users run it: exit codes, formats, discovery.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn bucketlint(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bucketlint"))
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs")
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

const PUBLIC: &str = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n";

#[test]
fn exit_codes_say_clean_findings_or_could_not_check() {
    let clean = bucketlint(
        &[
            "check",
            "fixtures/acl-public-read/pass.yaml",
            "--select",
            "BL101",
        ],
        root(),
    );
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    assert!(stdout(&clean).contains("No findings in 1 file."));

    let found = bucketlint(
        &[
            "check",
            "fixtures/acl-public-read/fail.yaml",
            "--select",
            "BL101",
        ],
        root(),
    );
    assert_eq!(found.status.code(), Some(1));
    assert!(
        stdout(&found).contains("Found 3 findings (2 high, 1 low) in 1 file."),
        "{}",
        stdout(&found)
    );

    let missing = bucketlint(&["check", "no/such/path"], root());
    assert_eq!(missing.status.code(), Some(2));

    let bad_rule = bucketlint(&["check", "--select", "BL999", "fixtures"], root());
    assert_eq!(bad_rule.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_rule.stderr).contains("unknown rule `BL999`"));

    let bad_flag = bucketlint(&["check", "--no-such-flag"], root());
    assert_eq!(bad_flag.status.code(), Some(2));
}

#[test]
fn a_broken_template_is_an_error_with_its_position_and_the_rest_is_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("broken.yaml"),
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B: [unclosed\n",
    )
    .unwrap();
    fs::write(dir.path().join("public.yaml"), PUBLIC).unwrap();
    fs::create_dir(dir.path().join("tf")).unwrap();
    fs::write(
        dir.path().join("tf/main.tf"),
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \n",
    )
    .unwrap();
    let out = bucketlint(&["check", "--format", "json", "."], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let report = json(&out);
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_eq!(errors[0]["file"], "./broken.yaml");
    assert_eq!(errors[0]["line"], 3);
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("invalid YAML")
    );
    assert_eq!(errors[1]["file"], "./tf/main.tf");
    assert_eq!(errors[1]["line"], 2);
    let findings = report["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "BL101" && f["file"] == "./public.yaml" && f["line"] == 5)
    );
}

#[test]
fn files_that_are_not_templates_are_skipped_quietly() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("package.json"),
        "{\"name\": \"x\", \"version\": \"1.0.0\"}",
    )
    .unwrap();
    fs::write(
        dir.path().join("values.yaml"),
        "Resources: {{ .Values.resources }}\nimage: nginx\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("compose.yml"),
        "services:\n  web:\n    image: nginx\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("bucket.yaml"),
        "Resources:\n  B:\n    Type: AWS::S3::Bucket\n",
    )
    .unwrap();
    let out = bucketlint(&["check", "--select", "BL112", "."], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(!stdout(&out).contains("values.yaml"));
    let verbose = bucketlint(
        &["check", "--select", "BL112", "--verbose", "."],
        dir.path(),
    );
    assert!(
        stdout(&verbose).contains("skipped ./values.yaml: not parsable as a template"),
        "{}",
        stdout(&verbose)
    );
}

#[test]
fn hidden_terraform_cache_and_gitignored_paths_are_not_walked() {
    let dir = tempfile::tempdir().unwrap();
    for sub in [".hidden", ".terraform/modules/m", "ignored", "checked"] {
        fs::create_dir_all(dir.path().join(sub)).unwrap();
        fs::write(dir.path().join(sub).join("t.yaml"), PUBLIC).unwrap();
    }
    fs::write(dir.path().join(".gitignore"), "ignored/\n").unwrap();
    let out = bucketlint(
        &["check", "--format", "json", "--select", "BL101", "."],
        dir.path(),
    );
    let report = json(&out);
    let files: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["./checked/t.yaml"]);
}

#[test]
fn multi_document_streams_are_checked_document_by_document() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("t.yaml"), format!("{PUBLIC}---\n{PUBLIC}")).unwrap();
    let out = bucketlint(
        &["check", "--format", "json", "--select", "BL101", "t.yaml"],
        dir.path(),
    );
    let lines: Vec<u64> = json(&out)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [5, 11]);
}

#[test]
fn a_byte_order_mark_and_crlf_line_endings_do_not_shift_positions() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("\u{feff}{}", PUBLIC.replace('\n', "\r\n"));
    fs::write(dir.path().join("t.yaml"), text).unwrap();
    let out = bucketlint(
        &["check", "--format", "json", "--select", "BL101", "t.yaml"],
        dir.path(),
    );
    let f = &json(&out)["findings"][0];
    assert_eq!(
        (
            f["line"].as_u64(),
            f["column"].as_u64(),
            f["end_column"].as_u64()
        ),
        (Some(5), Some(22), Some(32))
    );
}

#[test]
fn invalid_utf8_is_an_error_not_a_skip() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("t.yaml"), b"Resources:\n  B: \xff\xfe\n").unwrap();
    let out = bucketlint(&["check", "--format", "json", "t.yaml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        json(&out)["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not UTF-8")
    );
}

#[test]
fn json_report_follows_the_documented_schema() {
    let out = bucketlint(
        &[
            "check",
            "--format",
            "json",
            "--select",
            "BL201",
            "fixtures/policy-public-principal/fail.yaml",
        ],
        root(),
    );
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert_eq!(report["version"], 1);
    let f = &report["findings"][0];
    let keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "rule",
            "name",
            "severity",
            "message",
            "file",
            "line",
            "column",
            "end_line",
            "end_column",
            "offset",
            "end_offset",
            "resource",
            "bucket",
            "resource_type",
            "bucket_file",
            "bucket_line",
            "witness"
        ]
    );
    assert_eq!(f["rule"], "BL201");
    assert_eq!(f["bucket_line"], 5);
    assert_eq!(f["name"], "policy-public-principal");
    assert_eq!(f["severity"], "high");
    assert_eq!(f["file"], "fixtures/policy-public-principal/fail.yaml");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(16), Some(24))
    );
    assert_eq!(
        (f["end_line"].as_u64(), f["end_column"].as_u64()),
        (Some(16), Some(27))
    );
    assert_eq!(f["resource"], "SitePolicy");
    assert_eq!(f["bucket"], "Site");
    assert_eq!(f["resource_type"], "AWS::S3::BucketPolicy");
    assert_eq!(
        f["witness"],
        serde_json::json!({
            "who": "an anonymous caller", "action": "s3:GetObject",
            "resource": "arn:aws:s3:::<name of Site>/any-key",
            "condition": "none", "stopped_by": null
        })
    );
    assert_eq!(report["summary"]["files"], 1);
    assert_eq!(report["summary"]["findings"], 5);
    assert_eq!(report["summary"]["errors"], 0);
}

#[test]
fn rules_lists_every_rule_with_metadata() {
    let out = bucketlint(&["rules", "--format", "json"], root());
    assert_eq!(out.status.code(), Some(0));
    let rules = json(&out)["rules"].as_array().unwrap().clone();
    assert_eq!(rules.len(), bucketlint::rules::RULES.len());
    let r = rules.iter().find(|r| r["code"] == "BL201").unwrap();
    assert_eq!(r["name"], "policy-public-principal");
    assert_eq!(r["severity"], "high");
    assert_eq!(r["fixable"], false);
    assert!(
        r["equivalents"]["checkov"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "CKV_AWS_70")
    );
    assert!(
        r["equivalents"]["cfn_nag"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "F16")
    );
    let text = bucketlint(&["rules"], root());
    assert!(
        stdout(&text)
            .lines()
            .any(|l| l.starts_with("BL105  public-access-block-missing") && l.contains("low"))
    );
}

#[test]
fn explain_prints_the_rule_page_by_code_or_name() {
    let by_code = bucketlint(&["explain", "BL204"], root());
    let by_name = bucketlint(&["explain", "policy-allow-not-principal"], root());
    assert_eq!(by_code.status.code(), Some(0));
    assert_eq!(stdout(&by_code), stdout(&by_name));
    assert_eq!(
        stdout(&by_code),
        fs::read_to_string(root().join("rules/policy-allow-not-principal.md")).unwrap()
    );
    assert_eq!(
        bucketlint(&["explain", "nope"], root()).status.code(),
        Some(2)
    );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let args = [
        "check",
        "--select",
        "BL101",
        "fixtures/acl-public-read/fail.yaml",
    ];
    let piped = bucketlint(&args, root());
    assert!(
        !stdout(&piped).contains('\u{1b}'),
        "no escape codes when piped"
    );
    let forced = bucketlint(&[&args[..], &["--color", "always"]].concat(), root());
    assert!(stdout(&forced).contains('\u{1b}'));
}

#[test]
fn a_named_terraform_file_is_checked_with_its_module_but_reports_only_itself() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("main.tf"), "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n}\nresource \"aws_s3_bucket\" \"c\" {\n  bucket = \"y\"\n}\n").unwrap();
    fs::write(
        dir.path().join("access.tf"),
        "resource \"aws_s3_bucket_public_access_block\" \"b\" {\n  bucket = aws_s3_bucket.b.id\n  block_public_acls = false\n}\n",
    )
    .unwrap();
    let out = bucketlint(
        &[
            "check",
            "--format",
            "json",
            "--select",
            "BL104,BL105",
            "main.tf",
        ],
        dir.path(),
    );
    let report = json(&out);
    let found: Vec<(String, u64, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // Bucket `b` is protected from access.tf (not reported here); `c` is not.
    assert_eq!(found, [("main.tf".to_string(), 4, "BL105".to_string())]);
}

#[test]
fn exposure_neutralised_by_the_bucket_settings_is_low_severity_with_the_reason() {
    let severities = |path: &str, rule: &str| -> Vec<(u64, String, String)> {
        let out = bucketlint(
            &["check", "--format", "json", "--select", rule, path],
            root(),
        );
        json(&out)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["line"].as_u64().unwrap(),
                    f["severity"].as_str().unwrap().to_string(),
                    f["message"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let acl = severities("fixtures/acl-public-read/fail.yaml", "BL101");
    assert_eq!(
        acl.iter()
            .map(|(l, s, _)| (*l, s.as_str()))
            .collect::<Vec<_>>(),
        [(8, "high"), (13, "high"), (17, "low")]
    );
    assert!(
        acl[2]
            .2
            .ends_with("It has no effect today: IgnorePublicAcls is on, so S3 ignores it."),
        "{}",
        acl[2].2
    );
    let account = severities("fixtures/acl-public-read/fail-account-tf", "BL101");
    assert_eq!(account[0].1, "low");
    assert!(
        account[0]
            .2
            .contains("IgnorePublicAcls is on at account level"),
        "{}",
        account[0].2
    );
    let policy = severities("fixtures/policy-public-principal/fail.yaml", "BL201");
    let last = policy.last().unwrap();
    assert_eq!((last.0, last.1.as_str()), (62, "low"));
    assert!(last.2.contains("RestrictPublicBuckets is on"), "{}", last.2);
}

#[test]
fn parameters_from_the_command_line_decide_conditions() {
    let dir = tempfile::tempdir().unwrap();
    let template = "Parameters:\n  Env:\n    Type: String\n    Default: public\nConditions:\n  IsPublic: !Equals [!Ref Env, public]\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: !If [IsPublic, PublicRead, Private]\n";
    fs::write(dir.path().join("t.yaml"), template).unwrap();
    fs::write(
        dir.path().join("private.json"),
        r#"[{"ParameterKey": "Env", "ParameterValue": "private"}]"#,
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["check", "--select", "BL101", "t.yaml"];
        args.extend_from_slice(extra);
        bucketlint(&args, dir.path()).status.code()
    };
    // A default can be overridden at deploy time: every branch counts.
    assert_eq!(run(&[]), Some(1));
    assert_eq!(run(&["--parameters", "private.json"]), Some(0));
    assert_eq!(run(&["--parameters", "Env=public"]), Some(1));
    assert_eq!(run(&["--parameters", "Env"]), Some(2));
}

#[test]
fn variable_files_set_terraform_variables() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("m")).unwrap();
    fs::write(
        dir.path().join("m/main.tf"),
        "variable \"acl\" {\n  type = string\n}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n  acl    = var.acl\n}\n",
    )
    .unwrap();
    fs::write(dir.path().join("public.tfvars"), "acl = \"public-read\"\n").unwrap();
    fs::write(dir.path().join("m/z.auto.tfvars"), "acl = \"private\"\n").unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["check", "--select", "BL101", "--format", "json", "m"];
        args.extend_from_slice(extra);
        json(&bucketlint(&args, dir.path()))["findings"]
            .as_array()
            .unwrap()
            .len()
    };
    // The module's own *.auto.tfvars says private; --var-file comes last and wins.
    assert_eq!(run(&[]), 0);
    assert_eq!(run(&["--var-file", "public.tfvars"]), 1);
}

#[test]
fn remote_modules_are_noted_not_errors_and_local_ones_are_checked_through_the_call() {
    let out = bucketlint(
        &[
            "check",
            "--format",
            "json",
            "--select",
            "BL101",
            "fixtures/terraform-inputs/modules",
        ],
        root(),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "a note does not make the run fail"
    );
    let report = json(&out);
    let notes = report["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["line"], 16);
    assert!(
        notes[0]["message"]
            .as_str()
            .unwrap()
            .contains("does not fetch")
    );
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(
        findings.len(),
        1,
        "the private instance and the module on its own add nothing"
    );
    assert_eq!(
        findings[0]["resource"],
        "module.site.aws_s3_bucket_acl.this"
    );
    // The public ACL is the caller's argument: it is shown there.
    assert_eq!(
        findings[0]["file"],
        "fixtures/terraform-inputs/modules/main.tf"
    );
    assert_eq!(findings[0]["line"], 5);
}

#[test]
fn strict_unknown_lists_what_could_not_be_judged() {
    let path = "fixtures/unknown-value/fail-tf";
    let rules = |args: &[&str]| -> Vec<String> {
        let out = bucketlint(
            &[&["check", "--format", "json"], args, &[path]].concat(),
            root(),
        );
        json(&out)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(
        !rules(&[]).contains(&"unknown-value".to_string()),
        "never by default"
    );
    assert!(rules(&["--strict-unknown"]).contains(&"unknown-value".to_string()));
}

#[test]
fn access_point_policies_are_high_only_when_the_access_point_lets_them_apply() {
    let out = bucketlint(
        &[
            "check",
            "fixtures/access-point-policy/fail.yaml",
            "--select",
            "policy-public-principal",
            "--format",
            "json",
        ],
        root(),
    );
    let report = json(&out);
    let found: Vec<(&str, &str, u64, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["resource"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(
        (found[0].0, found[0].1, found[0].2),
        ("OpenAccessPoint", "high", 18)
    );
    assert_eq!(
        (found[1].0, found[1].1, found[1].2),
        ("DefaultAccessPoint", "low", 29)
    );
    assert!(
        found[1]
            .3
            .contains("It has no effect today: the access point's RestrictPublicBuckets is on (the default for access points)"),
        "{}",
        found[1].3
    );
}

/// A public canned ACL on a new bucket without ownership controls that
/// allow ACLs does not deploy since April 2023: the message says so, and
/// does not when the controls allow ACLs.
#[test]
fn a_canned_acl_that_cannot_deploy_says_so() {
    let message = |path: &str| -> String {
        let out = bucketlint(
            &["check", "--format", "json", "--select", "BL101", path],
            root(),
        );
        json(&out)["findings"][0]["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let note = "As written, the template does not deploy a new bucket";
    let bare = message("fixtures/acl-public-read/fail-tf");
    assert!(bare.contains(note), "{bare}");
    // SiteA sets OwnershipControls to ObjectWriter: the ACL applies.
    let allowed = message("fixtures/acl-public-read/fail-merge.yaml");
    assert!(!allowed.contains(note), "{allowed}");
}

/// A run that checked nothing is not a pass: no template in the paths
/// given exits 2 and says so, unless `--allow-empty`; `-v` lists what was
/// passed over, in the JSON report too.
#[test]
fn a_run_that_checked_nothing_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("compose.yml"), "services: {}\n").unwrap();
    let out = bucketlint(&["check", "--format", "json", "-v", "."], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let report = json(&out);
    let message = report["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "no CloudFormation template or Terraform file found in `.`: nothing was checked"
        ),
        "{message}"
    );
    assert_eq!(report["skipped"][0]["file"], "./compose.yml");
    let empty = tempfile::tempdir().unwrap();
    let out = bucketlint(&["check", "."], empty.path());
    assert_eq!(out.status.code(), Some(2));
    let allowed = bucketlint(&["check", "--allow-empty", "."], empty.path());
    assert_eq!(allowed.status.code(), Some(0));
}

#[test]
fn the_tls_fix_never_puts_a_statement_into_a_policy_built_as_text() {
    // The policy is JSON text built by Fn::Join: a statement mapping
    // appended to its string parts would make a template CloudFormation
    // rejects. The finding stays, without a fix; the file is unchanged.
    let dir = tempfile::tempdir().unwrap();
    let template = "Resources:\n  Data:\n    Type: AWS::S3::Bucket\n  DataPolicy:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref Data\n      PolicyDocument: !Join\n        - ''\n        - - '{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:root\"}, \"Action\": \"s3:GetObject\", \"Resource\": \"'\n          - !GetAtt Data.Arn\n          - '/*\"}]}'\n";
    fs::write(dir.path().join("t.yaml"), template).unwrap();
    let out = bucketlint(
        &[
            "check",
            "--fix",
            "--unsafe-fixes",
            "--format",
            "json",
            "--select",
            "BL205",
            "t.yaml",
        ],
        dir.path(),
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{report:#}");
    assert_eq!(findings[0]["rule"], "BL205");
    assert!(findings[0]["fix"].is_null(), "{report:#}");
    assert_eq!(
        fs::read_to_string(dir.path().join("t.yaml")).unwrap(),
        template
    );
}
