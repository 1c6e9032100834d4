//! The output formats and the flags that shape a run, through the binary.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bucketlint"))
        .args(args)
        .current_dir(root())
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const FAIL: &str = "fixtures/policy-public-principal/fail.yaml";

#[test]
fn sarif_is_valid_against_the_official_schema_and_typed() {
    let out = run(&[
        "check",
        "--format",
        "sarif",
        FAIL,
        "fixtures/acl-public-read/fail-tf",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(root().join("tests/data/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let typed: serde_sarif::sarif::Sarif = serde_json::from_value(sarif.clone()).unwrap();
    assert_eq!(typed.runs.len(), 1);

    let run = &sarif["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let enabled = bucketlint::rules::RULES
        .iter()
        .filter(|r| r.default_enabled)
        .count();
    assert_eq!(rules.len(), enabled, "every enabled rule is described");
    let bl201 = rules.iter().find(|r| r["id"] == "BL201").unwrap();
    assert_eq!(bl201["properties"]["security-severity"], "8.0");
    assert!(
        bl201["help"]["markdown"]
            .as_str()
            .unwrap()
            .starts_with("# BL201 policy-public-principal")
    );
    assert!(
        bl201["helpUri"]
            .as_str()
            .unwrap()
            .ends_with("rules/policy-public-principal.md")
    );
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "BL201")
        .unwrap();
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], FAIL);
    assert_eq!(location["region"]["startLine"], 16);
    assert_eq!(location["region"]["startColumn"], 24);
    assert_eq!(location["region"]["endColumn"], 27);
    assert_eq!(result["level"], "error");
    assert!(result["partialFingerprints"]["bucketlint/v1"].is_string());
}

#[test]
fn fingerprints_survive_line_shifts() {
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(root().join(FAIL)).unwrap();
    let fingerprints = |content: &str| -> Vec<String> {
        fs::write(dir.path().join("t.yaml"), content).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_bucketlint"))
            .args(["check", "--format", "sarif", "t.yaml"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["bucketlint/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let before = fingerprints(&text);
    let after = fingerprints(&format!("# a comment\n\n{text}"));
    assert!(!before.is_empty());
    assert_eq!(before, after);
    let mut unique = before.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), before.len(), "fingerprints are distinct");
}

#[test]
fn github_annotations_are_escaped_limited_and_the_rest_summarised() {
    let dir = tempfile::tempdir().unwrap();
    // Twelve public buckets: two more than GitHub shows at one level.
    let mut t = String::from("Resources:\n");
    for i in 0..12 {
        t.push_str(&format!(
            "  B{i}:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n"
        ));
    }
    fs::write(dir.path().join("t.yaml"), t).unwrap();
    let summary = dir.path().join("summary.md");
    let out = Command::new(env!("CARGO_BIN_EXE_bucketlint"))
        .args(["check", "--format", "github", "--select", "BL101", "t.yaml"])
        .current_dir(dir.path())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    let lines: Vec<String> = stdout(&out).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 10, "{lines:#?}");
    assert!(lines[0].starts_with(
        "::error file=t.yaml,line=5,col=22,endColumn=32,title=BL101 acl-public-read::"
    ));
    let table = fs::read_to_string(&summary).unwrap();
    assert!(table.contains("2 findings past GitHub's annotation limit"));
    assert_eq!(
        table
            .lines()
            .filter(|l| l.starts_with("| t.yaml |"))
            .count(),
        12
    );

    let escaped = run(&[
        "check",
        "--format",
        "github",
        "--select",
        "BL205",
        "fixtures/policy-insecure-transport/fail.yaml",
    ]);
    for line in stdout(&escaped).lines() {
        let (props, message) = line.split_once("::").unwrap().1.split_once("::").unwrap();
        assert!(
            !message.contains('\n') && !props.contains("title=BL205 policy-insecure-transport:")
        );
    }
}

#[test]
fn junit_and_json_lines() {
    let junit = stdout(&run(&[
        "check", "--format", "junit", "--select", "BL201", FAIL,
    ]));
    assert!(junit.starts_with("<?xml"));
    assert!(
        junit.contains(r#"<testsuite name="bucketlint" tests="5" failures="5" errors="0">"#),
        "{junit}"
    );
    assert_eq!(junit.matches("<failure ").count(), 5);
    assert!(!junit.contains("`Site` & "), "XML is escaped");

    let lines = stdout(&run(&[
        "check",
        "--format",
        "json-lines",
        "--select",
        "BL201",
        FAIL,
    ]));
    let objects: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objects.len(), 5);
    assert!(
        objects
            .iter()
            .all(|o| o["kind"] == "finding" && o["rule"] == "BL201")
    );
}

#[test]
fn one_run_writes_several_formats() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("out.sarif");
    let spec = format!("sarif={}", sarif.display());
    let out = run(&[
        "check",
        "--format",
        "concise",
        "--output-file",
        &spec,
        "--select",
        "BL201",
        FAIL,
    ]);
    assert!(
        stdout(&out)
            .lines()
            .next()
            .unwrap()
            .starts_with(&format!("{FAIL}:16:24: BL201"))
    );
    let written: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(written["runs"][0]["results"].as_array().unwrap().len(), 5);
    assert_eq!(
        run(&["check", "--output-file", "sarif", FAIL])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn thresholds_quiet_and_statistics() {
    // Findings: 4 high and 1 low.
    assert_eq!(
        run(&["check", "--select", "BL201", FAIL]).status.code(),
        Some(1)
    );
    assert_eq!(
        run(&["check", "--select", "BL201", "--exit-zero", FAIL])
            .status
            .code(),
        Some(0)
    );
    let low_only = "fixtures/public-access-block-missing/fail.yaml";
    assert_eq!(
        run(&[
            "check",
            "--select",
            "BL105",
            "--fail-on",
            "medium",
            low_only
        ])
        .status
        .code(),
        Some(0)
    );
    assert_eq!(
        run(&["check", "--select", "BL105", "--fail-on", "low", low_only])
            .status
            .code(),
        Some(1)
    );
    let quiet = stdout(&run(&[
        "check", "--quiet", "--format", "concise", "--select", "BL201", FAIL,
    ]));
    assert_eq!(quiet.lines().count(), 5);
    let stats = stdout(&run(&[
        "check",
        "--statistics",
        "--select",
        "BL201,BL205",
        FAIL,
    ]));
    // Each finding counts at its own severity: the grant that
    // RestrictPublicBuckets stops is low.
    let lines: Vec<String> = stats
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(lines[0], "4 BL201 policy-public-principal high", "{stats}");
    assert!(
        lines.contains(&"1 BL201 policy-public-principal low".to_string()),
        "{stats}"
    );
}

#[test]
fn standard_input_with_a_name() {
    let template = fs::read_to_string(root().join(FAIL)).unwrap();
    let check = |args: &[&str]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_bucketlint"))
            .args(args)
            .current_dir(root())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(template.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let out = check(&[
        "check",
        "--format",
        "concise",
        "--select",
        "BL201",
        "-",
        "--stdin-filename",
        "stack.yaml",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).starts_with("stack.yaml:16:24: BL201"));
    let unnamed = check(&["check", "-"]);
    assert_eq!(unnamed.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unnamed.stderr).contains("--stdin-filename"));
}

/// The JSON report gives each fix as edits a tool can apply itself: applied
/// from the report alone, they leave the finding fixed.
#[test]
fn json_fixes_apply_without_bucketlint() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("template.yaml");
    fs::copy(root().join("fixtures/acl-public-read/fail.yaml"), &path).unwrap();
    let out = run(&[
        "check",
        "--format",
        "json",
        "--select",
        "BL101",
        path.to_str().unwrap(),
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let with_fix: Vec<&serde_json::Value> =
        findings.iter().filter(|f| f["fix"].is_object()).collect();
    assert!(!with_fix.is_empty());
    let mut text = fs::read_to_string(&path).unwrap();
    // Edits from the end, so earlier offsets stay valid.
    let mut edits: Vec<&serde_json::Value> = with_fix
        .iter()
        .flat_map(|f| f["fix"]["edits"].as_array().unwrap())
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e["offset"].as_u64().unwrap()));
    for e in &edits {
        assert_eq!(e["file"], path.to_str().unwrap());
        let (start, end) = (
            e["offset"].as_u64().unwrap() as usize,
            e["end_offset"].as_u64().unwrap() as usize,
        );
        // Line and column name the same place as the offset.
        let line = text[..start].matches('\n').count() + 1;
        assert_eq!(e["line"].as_u64().unwrap() as usize, line);
        text.replace_range(start..end, e["text"].as_str().unwrap());
    }
    let f = with_fix[0];
    assert_eq!(f["fix"]["applicability"], "safe");
    assert_eq!(f["fix"]["message"], "made the canned ACL private");
    fs::write(&path, text).unwrap();
    let again = run(&[
        "check",
        "--format",
        "json",
        "--select",
        "BL101",
        path.to_str().unwrap(),
    ]);
    let after: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    let left: Vec<u64> = after["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    let fixed: Vec<u64> = with_fix
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert!(
        left.iter().all(|l| !fixed.contains(l)),
        "{left:?} {fixed:?}"
    );
}

/// Reports for code hosts name files relative to the repository's top
/// folder, whatever folder bucketlint runs in; SARIF says its category.
#[test]
fn code_host_reports_use_repository_paths_and_a_sarif_category() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    let ok = Command::new("git")
        .args(["init", "-q"])
        .current_dir(repo)
        .status()
        .unwrap();
    assert!(ok.success());
    fs::create_dir_all(repo.join("infra/stacks")).unwrap();
    fs::copy(
        root().join("fixtures/acl-public-read/fail.yaml"),
        repo.join("infra/stacks/site.yaml"),
    )
    .unwrap();
    let run_in = |dir: &Path, args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_bucketlint"))
            .args(args)
            .current_dir(dir)
            .env_remove("GITHUB_STEP_SUMMARY")
            .output()
            .unwrap()
    };
    let infra = repo.join("infra");
    let sarif = run_in(
        &infra,
        &["check", "--format", "sarif", "--select", "BL101", "stacks"],
    );
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let run = &sarif["runs"][0];
    assert_eq!(run["automationDetails"]["id"], "bucketlint/");
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
    assert_eq!(
        run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "infra/stacks/site.yaml"
    );
    let named = run_in(
        &infra,
        &[
            "check",
            "--format",
            "sarif",
            "--sarif-category",
            "iac/s3",
            "--select",
            "BL101",
            "stacks",
        ],
    );
    let named: serde_json::Value = serde_json::from_slice(&named.stdout).unwrap();
    assert_eq!(named["runs"][0]["automationDetails"]["id"], "iac/s3/");

    let github = run_in(
        &infra.join("stacks"),
        &["check", "--format", "github", "--select", "BL101", "."],
    );
    let annotations = String::from_utf8_lossy(&github.stdout);
    assert!(
        annotations.contains("file=infra/stacks/site.yaml,line=8"),
        "{annotations}"
    );

    let gitlab = run_in(
        &infra,
        &[
            "check",
            "--format",
            "gitlab",
            "--select",
            "BL101",
            "../infra/stacks",
        ],
    );
    let issues: serde_json::Value = serde_json::from_slice(&gitlab.stdout).unwrap();
    let first = &issues[0];
    assert_eq!(first["check_name"], "BL101");
    assert_eq!(first["severity"], "critical");
    assert_eq!(first["location"]["path"], "infra/stacks/site.yaml");
    assert_eq!(first["location"]["lines"]["begin"], 8);
    assert!(first["fingerprint"].as_str().unwrap().len() > 16);
    assert!(
        first["description"]
            .as_str()
            .unwrap()
            .starts_with("BL101 acl-public-read: ")
    );
}
