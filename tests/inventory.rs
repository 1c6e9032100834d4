//! `bucketlint inventory`: one row per bucket with its exposure, settings
//! and findings, on the fixtures in `fixtures/inventory/` (a CloudFormation
//! stack with a bucket of every exposure, a SAM template, Terraform root
//! modules calling a module with `count` and `for_each`) and the plans of
//! `fixtures/terraform-modules/plans/`.

use std::fs;

use serde_json::Value;

mod common;
use common::{bucketlint, root, text};

const CFN: &str = "fixtures/inventory/cloudformation";
const TF: &str = "fixtures/inventory/terraform";

fn inventory(args: &[&str]) -> Value {
    let mut all = vec!["inventory", "--format", "json"];
    all.extend_from_slice(args);
    let out = bucketlint(&all, root());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)))
}

fn by_id<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == id)
        .unwrap_or_else(|| panic!("no bucket {id} in {doc:#}"))
}

fn ids(doc: &Value) -> Vec<String> {
    doc["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_exposure_in_cloudformation() {
    let doc = inventory(&[CFN]);
    let storage = format!("{CFN}/storage.yaml");

    let site = by_id(&doc, "Site");
    assert_eq!(site["bucket"], "acme-shop-site");
    assert_eq!(
        (site["file"].as_str(), site["line"].as_u64()),
        (Some(storage.as_str()), Some(11))
    );
    assert_eq!(site["exposure"]["level"], "public");
    assert_eq!(site["exposure"]["summary"], "public: read (bucket policy)");
    assert_eq!(site["exposure"]["grants"][0]["who"], "everyone");
    assert_eq!(site["exposure"]["grants"][0]["stopped_by"], Value::Null);

    let legacy = by_id(&doc, "Legacy");
    assert_eq!(legacy["exposure"]["level"], "blocked");
    assert_eq!(
        legacy["exposure"]["summary"],
        "blocked: list (ACL); stopped by IgnorePublicAcls"
    );

    let exchange = by_id(&doc, "Exchange");
    assert_eq!(exchange["exposure"]["level"], "cross-account");
    assert_eq!(
        exchange["exposure"]["grantees"],
        serde_json::json!(["account 111122223333", "logging.s3.amazonaws.com"])
    );

    // A parameter without a default: unknown, and why; never private.
    let uploads = by_id(&doc, "Uploads");
    assert_eq!(uploads["bucket"], "Uploads");
    assert_eq!(uploads["name"], Value::Null);
    assert_eq!(uploads["exposure"]["level"], "unknown");
    assert_eq!(
        uploads["exposure"]["unknown"],
        serde_json::json!(["AccessControl: parameter UploadAcl has no default"])
    );

    for private in ["Archive", "Logs", "Thumbnails"] {
        assert_eq!(
            by_id(&doc, private)["exposure"]["level"],
            "private",
            "{private}"
        );
    }
    assert_eq!(by_id(&doc, "Thumbnails")["source"], "SAM");
    assert_eq!(by_id(&doc, "Archive")["source"], "CloudFormation");
    assert_eq!(
        doc["summary"]["exposure"],
        serde_json::json!({"public": 1, "unknown": 1, "blocked": 1, "cross-account": 1, "private": 3})
    );
    assert_eq!(
        doc["summary"]["source"],
        serde_json::json!({"CloudFormation": 6, "SAM": 1})
    );
}

#[test]
fn every_setting_in_cloudformation() {
    let doc = inventory(&[CFN]);
    let archive = &by_id(&doc, "Archive")["settings"];
    let on = serde_json::json!({
        "BlockPublicAcls": "on", "IgnorePublicAcls": "on",
        "BlockPublicPolicy": "on", "RestrictPublicBuckets": "on",
    });
    assert_eq!(
        *archive,
        serde_json::json!({
            "encryption": "SSE-KMS (ArchiveKey.Arn)",
            "bucket_key": "on",
            "versioning": "Enabled",
            "mfa_delete": null,
            "logging": "acme-shop-logs/archive/",
            "tls_only": "yes",
            "object_ownership": "BucketOwnerEnforced",
            "block_public_access": on,
            "account_block_public_access": {
                "BlockPublicAcls": null, "IgnorePublicAcls": null,
                "BlockPublicPolicy": null, "RestrictPublicBuckets": null,
            },
            "object_lock": "on (GOVERNANCE)",
            "lifecycle": "2 rules",
            "replication": "to acme-shop-archive-replica",
        })
    );
    let logs = &by_id(&doc, "Logs")["settings"];
    assert_eq!(logs["encryption"], "SSE-S3");
    assert_eq!(logs["versioning"], "Suspended");
    assert_eq!(logs["tls_only"], "no (no bucket policy)");
    assert_eq!(logs["block_public_access"]["BlockPublicAcls"], Value::Null);
    let site = &by_id(&doc, "Site")["settings"];
    assert_eq!(site["encryption"], Value::Null);
    assert_eq!(site["tls_only"], "no");
    assert_eq!(site["block_public_access"]["BlockPublicPolicy"], "off");
    assert_eq!(
        by_id(&doc, "Thumbnails")["settings"]["encryption"],
        "DSSE-KMS (AWS managed key)"
    );
    assert_eq!(
        by_id(&doc, "Legacy")["settings"]["object_ownership"],
        "ObjectWriter"
    );
}

#[test]
fn findings_are_counted_on_their_bucket() {
    let doc = inventory(&[CFN]);
    let site = by_id(&doc, "Site");
    assert_eq!(site["counts"]["high"], 2);
    let rules: Vec<&str> = site["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"BL201") && rules.contains(&"BL104"),
        "{rules:?}"
    );
    let bl201 = site["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "BL201")
        .unwrap();
    assert_eq!(bl201["line"], 30); // Principal: "*"
    assert_eq!(bl201["severity"], "high");
    // A configured bucket has nothing to report.
    assert_eq!(by_id(&doc, "Archive")["findings"], serde_json::json!([]));
    // The rules counted follow --select, as in `check`.
    let doc = inventory(&["--select", "BL201", CFN]);
    assert_eq!(by_id(&doc, "Site")["rules"], serde_json::json!(["BL201"]));
    assert_eq!(by_id(&doc, "Logs")["counts"]["medium"], 0);
}

#[test]
fn terraform_instances_after_count_and_for_each() {
    let doc = inventory(&[TF]);
    let mut found = ids(&doc);
    found.sort();
    // `scratch` is called with create = false: no bucket.
    assert_eq!(
        found,
        [
            "aws_s3_bucket.reports",
            "module.data[\"invoices\"].aws_s3_bucket.this[0]",
            "module.data[\"orders\"].aws_s3_bucket.this[0]",
            "module.site.aws_s3_bucket.this[0]",
            "module.uploads.aws_s3_bucket.this[0]",
        ]
    );
    let prod = format!("{TF}/envs/prod/main.tf");
    let orders = by_id(&doc, "module.data[\"orders\"].aws_s3_bucket.this[0]");
    assert_eq!(orders["bucket"], "acme-prod-orders");
    assert_eq!(orders["file"], format!("{TF}/modules/bucket/main.tf"));
    assert_eq!(orders["called_at"]["file"], prod);
    assert_eq!(orders["called_at"]["line"], 3);
    assert_eq!(orders["exposure"]["level"], "private");
    assert_eq!(
        orders["settings"]["encryption"],
        "SSE-KMS (arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab)"
    );
    assert_eq!(orders["settings"]["bucket_key"], "on");
    assert_eq!(orders["settings"]["versioning"], "Enabled");

    let site = by_id(&doc, "module.site.aws_s3_bucket.this[0]");
    assert_eq!(site["called_at"]["line"], 11);
    assert_eq!(site["exposure"]["summary"], "public: read (bucket policy)");
    assert_eq!(site["settings"]["encryption"], "SSE-S3");
    assert_eq!(site["settings"]["bucket_key"], "off");
    assert_eq!(site["settings"]["versioning"], Value::Null);
    assert_eq!(
        site["settings"]["block_public_access"]["RestrictPublicBuckets"],
        "off"
    );

    // `public = var.uploads_public`, set at apply time: unknown, and why.
    let uploads = by_id(&doc, "module.uploads.aws_s3_bucket.this[0]");
    assert_eq!(uploads["exposure"]["level"], "unknown");
    let why = uploads["exposure"]["unknown"].to_string();
    assert!(why.contains("aws_s3_bucket_policy.public_read"), "{why}");
    assert!(uploads["settings"]["block_public_access"]["BlockPublicPolicy"]["unknown"].is_string());

    // The account's Block Public Access stops the public ACL.
    let reports = by_id(&doc, "aws_s3_bucket.reports");
    assert_eq!(reports["exposure"]["level"], "blocked");
    assert_eq!(
        reports["exposure"]["summary"],
        "blocked: list (ACL); stopped by IgnorePublicAcls (account)"
    );
    assert_eq!(
        reports["settings"]["account_block_public_access"]["IgnorePublicAcls"],
        "on"
    );
    assert_eq!(reports["settings"]["logging"], "acme-shared-logs/reports/");
    assert_eq!(reports["called_at"], Value::Null);
}

#[test]
fn plans_and_state_are_sources_of_their_own() {
    let doc = inventory(&["fixtures/terraform-modules/plans"]);
    let sources: Vec<(&str, &str)> = doc["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["file"].as_str().unwrap(), b["source"].as_str().unwrap()))
        .collect();
    assert!(
        sources.contains(&("fixtures/terraform-modules/plans/plan.json", "plan")),
        "{sources:?}"
    );
    assert!(
        sources.contains(&("fixtures/terraform-modules/plans/state.json", "state")),
        "{sources:?}"
    );
}

#[test]
fn filters_keep_what_they_name() {
    let doc = inventory(&["--filter", "exposure=public,unknown", CFN, TF]);
    let mut found = ids(&doc);
    found.sort();
    assert_eq!(
        found,
        [
            "Site",
            "Uploads",
            "module.site.aws_s3_bucket.this[0]",
            "module.uploads.aws_s3_bucket.this[0]"
        ]
    );
    let doc = inventory(&[
        "--filter",
        "name=acme-prod-*",
        "--filter",
        "exposure=private",
        TF,
    ]);
    let mut found = ids(&doc);
    found.sort();
    assert_eq!(
        found,
        [
            "module.data[\"invoices\"].aws_s3_bucket.this[0]",
            "module.data[\"orders\"].aws_s3_bucket.this[0]",
        ]
    );
    let doc = inventory(&["--filter", "source=sam", CFN]);
    assert_eq!(ids(&doc), ["Thumbnails"]);
    for bad in ["exposure=open", "colour=red", "name"] {
        let out = bucketlint(&["inventory", "--filter", bad, CFN], root());
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(text(&out).contains("--filter"), "{}", text(&out));
    }
}

#[test]
fn the_json_follows_its_schema() {
    for path in [
        CFN,
        TF,
        "fixtures/terraform-modules",
        "fixtures/acl-public-read",
    ] {
        let doc = inventory(&[path]);
        let errors = common::inventory_schema_errors(&doc);
        assert!(errors.is_empty(), "{path}: {errors:#?}");
        assert_eq!(doc["version"], 1);
    }
}

#[test]
fn a_check_run_writes_the_inventory_too() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("inventory.md");
    let json = dir.path().join("inventory.json");
    let html = dir.path().join("inventory.html");
    let out = bucketlint(
        &[
            "check",
            "--format",
            "concise",
            "--output-file",
            &format!("inventory-md={}", md.display()),
            "--output-file",
            &format!("inventory-json={}", json.display()),
            "--output-file",
            &format!("inventory-html={}", html.display()),
            CFN,
        ],
        root(),
    );
    // The check itself is unchanged: findings, exit 1.
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("BL201 policy-public-principal"));
    let md = fs::read_to_string(&md).unwrap();
    assert!(
        md.starts_with("## bucketlint inventory\n\n7 buckets: 1 public"),
        "{md}"
    );
    let doc: Value = serde_json::from_str(&fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(doc["summary"]["buckets"], 7);
    let html = fs::read_to_string(&html).unwrap();
    assert_eq!(html.matches("<tbody data-exposure=").count(), 7);
    let out = bucketlint(
        &["check", "--output-file", "inventory-pdf=x.pdf", CFN],
        root(),
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn exit_codes_say_whether_everything_was_read() {
    // Public buckets are listed, not failed.
    let out = bucketlint(&["inventory", CFN], root());
    assert_eq!(out.status.code(), Some(0));
    let empty = tempfile::tempdir().unwrap();
    let out = bucketlint(&["inventory", "."], empty.path());
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("nothing was checked"));
    let out = bucketlint(&["inventory", "--allow-empty", "."], empty.path());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "No buckets.");
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let out = bucketlint(&["inventory", CFN], root());
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\x1b'));
    let out = bucketlint(&["inventory", "--color", "always", CFN], root());
    assert!(String::from_utf8_lossy(&out.stdout).contains("\x1b[1;31mpublic"));
}

fn rendered(format: &str, paths: &[&str]) -> String {
    let mut args = vec!["inventory", "--format", format];
    args.extend_from_slice(paths);
    let out = bucketlint(&args, root());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn table_snapshot() {
    let table = rendered("table", &[CFN, TF]);
    assert!(table.lines().all(|l| l.chars().count() <= 120), "{table}");
    insta::assert_snapshot!(table);
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!(rendered("markdown", &[CFN, TF]));
}

#[test]
fn csv_snapshot() {
    let csv = rendered("csv", &[CFN]);
    assert!(csv.lines().count() == 8, "{csv}");
    insta::assert_snapshot!(csv);
}

/// A Markdown inventory written for a job summary is cut at whole rows,
/// and says how many it leaves out.
#[test]
fn markdown_is_cut_to_the_size_asked() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("summary.md");
    let out = bucketlint(
        &[
            "check",
            "--quiet",
            "--markdown-limit",
            "1500",
            "--output-file",
            &format!("inventory-md={}", md.display()),
            CFN,
            TF,
        ],
        root(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let md = fs::read_to_string(&md).unwrap();
    let rows = md.lines().filter(|l| l.starts_with("| `")).count();
    assert!((1..12).contains(&rows), "{rows} rows:\n{md}");
    assert!(
        md.contains(&format!("_{} more buckets not shown", 12 - rows)),
        "{md}"
    );
    assert!(md.len() < 1500 + 200, "{}", md.len());
    assert!(!md.contains("http"), "the note has no link");
}

/// Access points: an internet-facing one whose policy admits anyone makes
/// its bucket public unless a setting stops it; one bound to a VPC does
/// not.
#[test]
fn access_points_expose_their_bucket() {
    let dir = tempfile::tempdir().unwrap();
    let template = |restrict: bool, vpc: bool| {
        format!(
            "Resources:
  Reports:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: acme-reports
  ReportsAccessPoint:
    Type: AWS::S3::AccessPoint
    Properties:
      Bucket: !Ref Reports
      Name: reports{vpc}
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        IgnorePublicAcls: true
        BlockPublicPolicy: false
        RestrictPublicBuckets: {restrict}
      Policy:
        Statement:
          - Effect: Allow
            Principal: \"*\"
            Action: s3:GetObject
            Resource: arn:aws:s3:eu-west-1:123456789012:accesspoint/reports/object/*
",
            vpc = if vpc {
                "\n      VpcConfiguration:\n        VpcId: vpc-0123456789abcdef0"
            } else {
                ""
            }
        )
    };
    let path = dir.path().join("reports.yaml");
    let path = path.to_str().unwrap();
    let level = |text: String| {
        fs::write(path, text).unwrap();
        let doc = inventory(&[path]);
        let b = by_id(&doc, "Reports").clone();
        (
            b["exposure"]["level"].as_str().unwrap().to_string(),
            b["exposure"]["summary"].as_str().unwrap().to_string(),
        )
    };
    assert_eq!(
        level(template(false, false)),
        (
            "public".to_string(),
            "public: read (access point `ReportsAccessPoint`)".to_string()
        )
    );
    let (blocked, summary) = level(template(true, false));
    assert_eq!(blocked, "blocked");
    assert!(
        summary.contains("stopped by RestrictPublicBuckets"),
        "{summary}"
    );
    assert_eq!(level(template(false, true)).0, "private");
}

#[test]
fn html_snapshot() {
    let html = rendered("html", &[&format!("{CFN}/uploads-sam.yaml")]);
    insta::assert_snapshot!(html);
}

#[test]
fn the_table_fits_columns_or_is_as_wide_as_asked() {
    let table = |env: Option<&str>, wide: bool| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_bucketlint"));
        cmd.args(["inventory", "fixtures/inventory"])
            .current_dir(root())
            .env("NO_COLOR", "1")
            .env_remove("COLUMNS");
        if wide {
            cmd.arg("--wide");
        }
        if let Some(c) = env {
            cmd.env("COLUMNS", c);
        }
        let out = cmd.output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let widest = |t: &str| {
        t.lines()
            .take_while(|l| !l.is_empty())
            .map(|l| l.chars().count())
            .max()
            .unwrap()
    };
    assert!(widest(&table(None, false)) <= 120);
    assert!(widest(&table(Some("90"), false)) <= 90);
    let wide = table(Some("90"), true);
    // Whole places, and the worst exposure first.
    assert!(
        wide.contains("fixtures/inventory/cloudformation/storage.yaml:11"),
        "{wide}"
    );
    let exposures: Vec<&str> = wide
        .lines()
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_whitespace().nth(3))
        .collect();
    let rank = |e: &str| {
        ["public", "unknown", "blocked", "cross-account", "private"]
            .iter()
            .position(|x| *x == e)
            .unwrap_or(9)
    };
    assert!(
        exposures.windows(2).all(|w| rank(w[0]) <= rank(w[1])),
        "{exposures:?}"
    );
}

/// Findings on no listed bucket (an account's settings, identity
/// policies) are counted with a note, never silently left out.
#[test]
fn findings_on_no_bucket_are_counted() {
    let paths = [
        "fixtures/account-public-access-block-disabled/fail-tf",
        "fixtures/public-access-block-missing/fail-tf",
    ];
    let mut args = vec!["inventory"];
    args.extend(paths);
    let out = bucketlint(&args, root());
    let table = text(&out);
    assert!(
        table.contains("1 finding is on no bucket listed here (1 high: BL107)"),
        "{table}"
    );
    let doc = inventory(&paths);
    assert_eq!(doc["summary"]["elsewhere"]["high"], 1);
    assert_eq!(
        doc["summary"]["elsewhere"]["rules"],
        serde_json::json!(["BL107"])
    );
    // A bucket's own findings are on its row, not counted again.
    let all: u64 = doc["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["findings"].as_array().unwrap().len() as u64)
        .sum();
    assert!(all > 0);
    assert_eq!(doc["summary"]["elsewhere"]["medium"], 0);
}
