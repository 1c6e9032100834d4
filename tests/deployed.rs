//! Deployed buckets from AWS Config exports (`fixtures/deployed/`), in the
//! three shapes users get them: a configuration snapshot (values as
//! objects), `get-resource-config-history` / `batch-get-resource-config`
//! output (values as JSON strings) and `select-resource-config` output
//! (`Results`, each item a JSON string with only the selected properties).

use std::fs;

use serde_json::Value;

mod common;
use common::{bucketlint, inventory_schema_errors, root, text};

/// (rule, line, bucket, severity) of each finding, in order.
fn findings(path: &str) -> Vec<(String, u64, String, String)> {
    let out = bucketlint(&["check", "--format", "json", path], root());
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["resource"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn row(rule: &str, line: u64, bucket: &str, severity: &str) -> (String, u64, String, String) {
    (rule.into(), line, bucket.into(), severity.into())
}

/// The inventory of an export, as JSON.
fn inventory(path: &str) -> Value {
    let out = bucketlint(&["inventory", "--format", "json", path], root());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The inventory's row of a bucket, by name.
fn bucket<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["bucket"] == name)
        .unwrap_or_else(|| panic!("no bucket {name}"))
}

const SITE: &str = "111122223333/eu-west-1/acme-public-site";
const LEGACY: &str = "222233334444/us-east-1/acme-legacy-public";

#[test]
fn a_snapshot_is_judged_by_the_same_rules() {
    let found = findings("fixtures/deployed/snapshot.json");
    assert_eq!(
        found,
        vec![
            row("BL105", 14, SITE, "low"),
            row("BL501", 14, SITE, "medium"),
            // The ACL's grant to AllUsers, where the export holds it.
            row("BL101", 42, SITE, "high"),
            // The policy inside `policyText`: the string's line.
            row("BL201", 52, SITE, "high"),
            row("BL205", 52, SITE, "medium"),
            row(
                "BL205",
                191,
                "111122223333/eu-west-1/acme-partner-share",
                "medium"
            ),
            row("BL205", 281, LEGACY, "medium"),
            row("BL501", 281, LEGACY, "medium"),
            // Stopped by the Block Public Access of its own account (the
            // item of account 222233334444), not by another account's.
            row("BL101", 309, LEGACY, "low"),
        ]
    );
    let out = bucketlint(
        &[
            "check",
            "--format",
            "concise",
            "fixtures/deployed/snapshot.json",
        ],
        root(),
    );
    let log = text(&out);
    assert!(
        log.contains("It has no effect today: IgnorePublicAcls is on at account level"),
        "{log}"
    );
    // The bucket with every protection and a TLS-only policy has nothing;
    // the item recorded without supplementary configuration is not judged
    // on what it does not carry (no "versioning disabled").
    assert!(!log.contains("acme-private-data"), "{log}");
    assert!(!log.contains("acme-unrecorded"), "{log}");
}

#[test]
fn history_and_batch_output_hold_values_as_json_strings() {
    assert_eq!(
        findings("fixtures/deployed/history.json"),
        vec![
            row("BL105", 12, SITE, "low"),
            row("BL501", 12, SITE, "medium"),
            row("BL101", 21, SITE, "high"),
            row("BL201", 22, SITE, "high"),
            row("BL205", 22, SITE, "medium"),
        ]
    );
    assert_eq!(
        findings("fixtures/deployed/batch.json"),
        vec![
            row("BL205", 12, LEGACY, "medium"),
            row("BL501", 12, LEGACY, "medium"),
            row("BL101", 21, LEGACY, "low"),
        ]
    );
}

/// A `select` carries only what it asked for: what it did not select is
/// unknown, never reported as missing.
#[test]
fn a_select_judges_only_what_it_selected() {
    assert_eq!(
        findings("fixtures/deployed/select.json"),
        vec![
            row("BL201", 3, SITE, "high"),
            row("BL205", 3, SITE, "medium")
        ]
    );
    let doc = inventory("fixtures/deployed/select.json");
    let private = bucket(&doc, "acme-private-data");
    assert!(private["settings"]["encryption"]["unknown"].is_string());
    assert_eq!(
        private["settings"]["block_public_access"]["BlockPublicAcls"],
        "on"
    );
    assert_eq!(private["exposure"]["level"], "unknown");
}

#[test]
fn the_inventory_lists_deployed_buckets() {
    let doc = inventory("fixtures/deployed/snapshot.json");
    let level = |name: &str| {
        let b = bucket(&doc, name);
        assert_eq!(b["source"], "AWS Config");
        b["exposure"]["summary"].as_str().unwrap().to_string()
    };
    assert_eq!(
        level("acme-public-site"),
        "public: read, list (ACL, bucket policy)"
    );
    assert_eq!(level("acme-private-data"), "private");
    assert_eq!(
        level("acme-partner-share"),
        "cross-account: account 444455556666"
    );
    assert_eq!(
        level("acme-legacy-public"),
        "blocked: list (ACL); stopped by IgnorePublicAcls (account)"
    );
    assert!(
        level("acme-unrecorded").starts_with("unknown"),
        "{}",
        level("acme-unrecorded")
    );
    let private = bucket(&doc, "acme-private-data");
    assert_eq!(private["id"], "111122223333/eu-west-1/acme-private-data");
    assert_eq!(
        private["settings"]["encryption"],
        "SSE-KMS (arn:aws:kms:eu-west-1:111122223333:key/0a1b2c3d-1111-2222-3333-444455556666)"
    );
    assert_eq!(
        private["settings"]["logging"],
        "acme-access-logs/private-data/"
    );
    assert_eq!(private["settings"]["tls_only"], "yes");
    assert_eq!(private["settings"]["versioning"], "Enabled");
}

/// A truncated or malformed export is an error at its position; the other
/// files are still checked. An export of other resource types checks
/// nothing and says so.
#[test]
fn bad_exports_are_reported_and_others_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    let whole = fs::read_to_string(root().join("fixtures/deployed/history.json")).unwrap();
    fs::write(dir.path().join("cut.json"), &whole[..whole.len() / 2]).unwrap();
    fs::copy(
        root().join("fixtures/deployed/batch.json"),
        dir.path().join("batch.json"),
    )
    .unwrap();
    let out = bucketlint(&["check", "--format", "concise", "."], dir.path());
    let log = text(&out);
    assert_eq!(out.status.code(), Some(2), "{log}");
    assert!(log.contains("cut.json:"), "{log}");
    assert!(log.contains("batch.json:21:30: BL101"), "{log}");

    let other = dir.path().join("ec2");
    fs::create_dir_all(&other).unwrap();
    fs::write(
        other.join("instances.json"),
        r#"{"configurationItems": [{"resourceType": "AWS::EC2::Instance", "resourceId": "i-0123456789abcdef0", "accountId": "111122223333", "awsRegion": "eu-west-1", "configuration": {}, "supplementaryConfiguration": {}}]}"#,
    )
    .unwrap();
    let out = bucketlint(&["check", "-v", "."], &other);
    let log = text(&out);
    assert_eq!(out.status.code(), Some(2), "{log}");
    assert!(
        log.contains(
            "an AWS Config export with no current S3 bucket item (1 items of other resource types)"
        ),
        "{log}"
    );
}

/// Website, CORS, lifecycle, object lock, replication and notifications as
/// Config records them; a deployed bucket has no stack deletion policy to
/// miss.
#[test]
fn recorded_settings_are_judged_and_unread_ones_are_not() {
    let out = bucketlint(
        &[
            "check",
            "--select",
            "all",
            "--format",
            "concise",
            "fixtures/deployed/website.json",
        ],
        root(),
    );
    let log = text(&out);
    assert!(
        log.contains("website.json:52:39: BL110 website-hosting"),
        "{log}"
    );
    assert!(
        log.contains("website.json:66:17: BL111 cors-wildcard-origin"),
        "{log}"
    );
    assert!(
        log.contains("website.json:35:33: BL502 mfa-delete-disabled"),
        "{log}"
    );
    // BL603: the export holds no CloudTrail trail, so whether one records
    // the bucket's objects is not known from it.
    for silent in [
        "BL503", "BL504", "BL505", "BL506", "BL507", "BL508", "BL603",
    ] {
        assert!(!log.contains(silent), "{silent}: {log}");
    }
    let doc = inventory("fixtures/deployed/website.json");
    let s = &bucket(&doc, "acme-www")["settings"];
    assert_eq!(s["object_lock"], "on (COMPLIANCE)");
    assert_eq!(s["lifecycle"], "1 rule");
    assert_eq!(s["mfa_delete"], "Disabled");
    assert_eq!(s["replication"], "to acme-www-replica");
}

/// A whole item without replication has none (BL506 fires); a `select`
/// that did not ask says nothing. No recorded notification is not known to
/// be none (delivery to EventBridge may leave no configuration in the
/// record), so BL507 stays silent.
#[test]
fn replication_is_missing_only_where_the_item_says_so() {
    let run = |path: &str| {
        let out = bucketlint(
            &[
                "check",
                "--select",
                "replication-missing,event-notifications-missing",
                "--format",
                "concise",
                path,
            ],
            root(),
        );
        text(&out)
    };
    let log = run("fixtures/deployed/snapshot.json");
    assert!(
        log.contains(&format!(
            "snapshot.json:14:23: BL506 replication-missing [low] Bucket `{SITE}` is not replicated"
        )),
        "{log}"
    );
    assert_eq!(log.matches("BL506").count(), 4, "{log}");
    assert!(!log.contains("BL507"), "{log}");
    let log = run("fixtures/deployed/select.json");
    assert!(!log.contains("BL506") && !log.contains("BL507"), "{log}");
}

/// An export records deployed buckets: `--fix` has nothing to edit there,
/// and the JSON report offers no fix.
#[test]
fn exports_are_never_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("snapshot.json");
    fs::copy(root().join("fixtures/deployed/snapshot.json"), &export).unwrap();
    let before = fs::read_to_string(&export).unwrap();
    let out = bucketlint(&["check", "--fix", "snapshot.json"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(fs::read_to_string(&export).unwrap(), before);
    let out = bucketlint(&["check", "--format", "json", "snapshot.json"], dir.path());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f.get("fix").is_none()),
        "{report:#}"
    );
}

/// The message of the first finding of `rule` in a JSON report.
fn message(path: &str, rule: &str) -> String {
    let out = bucketlint(&["check", "--format", "json", path], root());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} in {path}"))["message"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A finding inside a JSON string points at the string and names the
/// path inside it, through every level of strings.
#[test]
fn findings_inside_json_strings_quote_the_embedded_path() {
    assert!(
        message("fixtures/deployed/snapshot.json", "BL201").ends_with(
            "(In the export: `supplementaryConfiguration.BucketPolicy.policyText` → `Statement[0].Principal`.)"
        )
    );
    assert!(
        message("fixtures/deployed/history.json", "BL201").ends_with(
            "(In the export: `supplementaryConfiguration.BucketPolicy` → `policyText` → `Statement[0].Principal`.)"
        )
    );
    assert!(message("fixtures/deployed/history.json", "BL101").ends_with(
        "(In the export: `supplementaryConfiguration.AccessControlList` → `grantList[1].permission`.)"
    ));
    assert!(
        message("fixtures/deployed/select.json", "BL201").ends_with(
            "(In the export: `Results[0]` → `supplementaryConfiguration.BucketPolicy.policyText` → `Statement[0].Principal`.)"
        )
    );
    // A value in the export's own text needs no path.
    assert!(!message("fixtures/deployed/snapshot.json", "BL101").contains("In the export"));
}

/// Access points are judged with their bucket: an internet access point
/// with Block Public Access off is reported, its public policy stopped by
/// the bucket's RestrictPublicBuckets; the VPC one and the one that keeps
/// its settings on stay silent.
#[test]
fn access_points_are_judged_with_their_bucket() {
    let ap = "444455556666/eu-west-1/datasets-public";
    assert_eq!(
        findings("fixtures/deployed/access-points.json"),
        vec![row("BL108", 107, ap, "high"), row("BL201", 119, ap, "low")]
    );
    assert!(
        message("fixtures/deployed/access-points.json", "BL201")
            .contains("(bucket `444455556666/eu-west-1/acme-shared-datasets`)")
    );
    let doc = inventory("fixtures/deployed/access-points.json");
    let row = bucket(&doc, "acme-shared-datasets");
    assert_eq!(row["exposure"]["level"], "blocked", "{row}");
}

/// A history holds several items of a bucket: only the latest counts, and
/// a bucket whose latest item records its deletion is passed over.
#[test]
fn only_the_latest_item_of_a_bucket_counts() {
    assert_eq!(findings("fixtures/deployed/changes.json"), vec![]);
    let doc = inventory("fixtures/deployed/changes.json");
    let names: Vec<&str> = column(&doc["buckets"], "bucket");
    assert_eq!(names, ["acme-reports"]);
    assert_eq!(bucket(&doc, "acme-reports")["exposure"]["level"], "private");
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

/// Config delivers snapshots gzipped: a `.json.gz` is found in a folder
/// and read like the JSON; a truncated one is an error naming the file,
/// and the other files are still checked.
#[test]
fn gzipped_exports_are_read_and_truncated_ones_reported() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = fs::read(root().join("fixtures/deployed/snapshot.json")).unwrap();
    let name = "111122223333_Config_eu-west-1_ConfigSnapshot_20261128T020000Z_5e6f7a8b.json.gz";
    fs::write(dir.path().join(name), gzip(&snapshot)).unwrap();
    let out = bucketlint(&["check", "--format", "concise", "."], dir.path());
    let log = text(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(
        log.contains(&format!(
            "{name}:52:25: BL201 policy-public-principal [high] Bucket policy of `{SITE}`"
        )),
        "{log}"
    );

    let zipped = gzip(&snapshot);
    fs::write(dir.path().join("cut.json.gz"), &zipped[..zipped.len() / 2]).unwrap();
    let out = bucketlint(&["check", "--format", "concise", "."], dir.path());
    let log = text(&out);
    assert_eq!(out.status.code(), Some(2), "{log}");
    assert!(log.contains("cut.json.gz"), "{log}");
    assert!(
        log.contains("the gzip data ends early: the file is truncated"),
        "{log}"
    );
    assert!(log.contains(&format!("{name}:52:25: BL201")), "{log}");
}

/// Exports have no comments: `[[ignore]]` entries in bucketlint.toml name
/// deployed buckets by ARN, `account/region/name` or glob, with a reason;
/// a `[[ignore]]` with rules and no bucket ignores those rules everywhere.
#[test]
fn ignore_entries_name_deployed_buckets() {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(
        root().join("fixtures/deployed/snapshot.json"),
        dir.path().join("snapshot.json"),
    )
    .unwrap();
    let config = r#"
[[ignore]]
rules = ["BL105"]
reason = "Block Public Access is enforced for every account by an SCP"

[[ignore]]
bucket = "arn:aws:s3:::acme-public-*"
rules = ["acl-public-read"]
reason = "The public website; reviewed in SEC-142"

[[ignore]]
bucket = "222233334444/*"
reason = "Sandbox account, emptied nightly"
"#;
    fs::write(dir.path().join("bucketlint.toml"), config).unwrap();
    let out = bucketlint(&["check", "--format", "concise", "."], dir.path());
    let log = text(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(!log.contains("BL105"), "{log}");
    assert!(!log.contains("BL101"), "{log}");
    assert!(!log.contains(LEGACY), "{log}");
    // The site's policy is not covered: that entry names the ACL rule.
    assert!(
        log.contains(&format!(
            "snapshot.json:52:25: BL201 policy-public-principal [high] Bucket policy of `{SITE}`"
        )),
        "{log}"
    );
    assert!(log.contains("(4 suppressed)"), "{log}");

    // An entry that leaves nothing out is worth removing: a note says so.
    let stale = "\n[[ignore]]\nbucket = \"acme-retired-*\"\nreason = \"Retired in 2025\"\n";
    fs::write(
        dir.path().join("bucketlint.toml"),
        format!("{config}{stale}"),
    )
    .unwrap();
    let out = bucketlint(&["check", "--format", "json", "."], dir.path());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let notes = note_messages(&report);
    assert_eq!(
        notes,
        [
            "the `[[ignore]]` entry for `acme-retired-*` (Retired in 2025) matched no finding: the bucket is fixed, gone, or not in these exports"
        ]
    );

    fs::write(
        dir.path().join("bucketlint.toml"),
        "[[ignore]]\nbucket = \"acme-public-site\"\n",
    )
    .unwrap();
    let out = bucketlint(&["check", "."], dir.path());
    let log = text(&out);
    assert_eq!(out.status.code(), Some(2), "{log}");
    assert!(log.contains("needs a `reason`"), "{log}");
    assert!(log.contains("bucketlint.toml:1:1"), "{log}");
}

/// Deployed buckets carry their account and region: in the table's WHERE
/// column, as JSON and CSV fields, and as a filter.
#[test]
fn the_inventory_names_account_and_region() {
    let doc = inventory("fixtures/deployed/snapshot.json");
    let legacy = bucket(&doc, "acme-legacy-public");
    assert_eq!(legacy["account"], "222233334444");
    assert_eq!(legacy["region"], "us-east-1");
    let out = bucketlint(&["inventory", "fixtures/deployed/snapshot.json"], root());
    let table = text(&out);
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("acme-legacy-public") && l.contains(" 222233334444 us-east-1 ")),
        "{table}"
    );
    let out = bucketlint(
        &[
            "inventory",
            "--format",
            "markdown",
            "fixtures/deployed/snapshot.json",
        ],
        root(),
    );
    let md = text(&out);
    assert!(
        md.contains("| Bucket | Where | Account | Region | Source | Exposure |"),
        "{md}"
    );
    assert!(
        md.contains("| `acme-legacy-public` | `fixtures/deployed/snapshot.json:281` | `222233334444` | `us-east-1` | AWS Config | blocked |"),
        "{md}"
    );
    let out = bucketlint(
        &[
            "inventory",
            "--format",
            "csv",
            "--filter",
            "account=222233334444",
            "fixtures/deployed/snapshot.json",
        ],
        root(),
    );
    let csv = text(&out);
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].starts_with("bucket,id,where,source,account,region,"),
        "{csv}"
    );
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(
        lines[1].starts_with("acme-legacy-public,222233334444/us-east-1/acme-legacy-public,fixtures/deployed/snapshot.json:281,AWS Config,222233334444,us-east-1,"),
        "{csv}"
    );
}

/// `--group-by account`: one row per account, buckets by exposure and
/// findings by severity; templates' buckets as `-`; HTML refused.
#[test]
fn the_inventory_groups_by_account() {
    let args = |format: &str| {
        let out = bucketlint(
            &[
                "inventory",
                "--group-by",
                "account",
                "--format",
                format,
                "fixtures/deployed/snapshot.json",
                "fixtures/deployed/access-points.json",
                "fixtures/acl-public-read/fail.yaml",
            ],
            root(),
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    let doc: Value = serde_json::from_str(&args("json")).unwrap();
    let accounts = doc["accounts"].as_array().unwrap();
    let ids: Vec<&str> = accounts
        .iter()
        .map(|a| a["account"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["111122223333", "222233334444", "444455556666", "-"]);
    let first = &accounts[0];
    assert_eq!(first["buckets"], 4);
    assert_eq!(first["regions"], serde_json::json!(["eu-west-1"]));
    assert_eq!(first["exposure"]["public"], 1);
    assert_eq!(first["exposure"]["cross-account"], 1);
    assert_eq!(first["exposure"]["unknown"], 1);
    assert_eq!(first["exposure"]["private"], 1);
    assert_eq!(accounts[1]["exposure"]["blocked"], 1);
    assert_eq!(accounts[3]["exposure"]["public"], 1);
    let whole = inventory("fixtures/deployed");
    for d in [&doc, &whole] {
        let errors = inventory_schema_errors(d);
        assert!(errors.is_empty(), "{errors:#?}");
    }

    let table = args("table");
    assert!(
        table.lines().next().unwrap().starts_with("ACCOUNT "),
        "{table}"
    );
    assert!(
        table
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == [
                    "111122223333",
                    "4",
                    "1",
                    "1",
                    "0",
                    "1",
                    "1",
                    "2/3/1",
                    "eu-west-1"
                ]),
        "{table}"
    );
    assert!(
        table.contains(
            "3 accounts and templates, 9 buckets: 2 public, 2 unknown, 3 blocked, 1 cross-account, 1 private"
        ),
        "{table}"
    );
    let csv = args("csv");
    assert!(csv.starts_with("account,regions,buckets,public,unknown,blocked,cross_account,private,high,medium,low,info\r\n111122223333,eu-west-1,4,1,1,0,1,1,2,3,1,0\r\n"), "{csv}");
    let md = args("markdown");
    assert!(
        md.contains("| `111122223333` | eu-west-1 | 4 | **1** | 1 | 0 | 1 | 1 | 2/3/1 |"),
        "{md}"
    );

    let out = bucketlint(
        &[
            "inventory",
            "--group-by",
            "account",
            "--format",
            "html",
            "fixtures/deployed",
        ],
        root(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("--group-by applies to the table, Markdown, JSON and CSV"));
}

/// `drift` (opt-in): a template bucket and a deployed bucket of the same
/// name, compared on what the rules judge, reported on the template. The
/// site's template blocks public access and versions; the deployed site
/// does neither. The data bucket is deployed as declared, and the second
/// Terraform bucket's versioning is known only when applied (a variable
/// without default): not compared, so both stay silent
/// (`fixtures/drift`, with the fixture harness's markers).
#[test]
fn drift_compares_templates_with_deployed_buckets() {
    let out = bucketlint(
        &[
            "check",
            "--select",
            "drift",
            "--format",
            "json",
            "fixtures/drift",
        ],
        root(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, u64, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["resource"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let at = |f: &str, l: u64, r: &str| (f.to_string(), l, r.to_string());
    assert_eq!(
        found,
        [
            at(
                "fixtures/drift/fail-tf/main.tf",
                3,
                "module.partner_share.aws_s3_bucket.this"
            ),
            at("fixtures/drift/fail.json", 5, "Exports"),
            at("fixtures/drift/fail.yaml", 5, "Site"),
        ]
    );
    assert_eq!(
        report["findings"][2]["message"],
        "Bucket `acme-site-yaml` is deployed otherwise: `111122223333/eu-west-1/acme-site-yaml` \
         (AWS Config, fixtures/drift/exports/config-snapshot.json:14) differs in exposure: template \
         private, deployed public; BlockPublicAcls: template on, deployed off; IgnorePublicAcls: \
         template on, deployed off; BlockPublicPolicy: template on, deployed off; \
         RestrictPublicBuckets: template on, deployed off; versioning: template Enabled, deployed off."
    );
    assert!(
        report["findings"][0]["message"]
            .as_str()
            .unwrap()
            .ends_with("differs in versioning: template Suspended, deployed Enabled.")
    );

    // Opt-in: not in a default run; `--extend-select` adds it to the
    // default rules.
    let out = bucketlint(&["check", "--format", "concise", "fixtures/drift"], root());
    assert!(!text(&out).contains("BL701"), "{}", text(&out));
    let out = bucketlint(
        &[
            "check",
            "--extend-select",
            "drift",
            "--format",
            "concise",
            "fixtures/drift",
        ],
        root(),
    );
    let log = text(&out);
    assert!(log.contains("fail.yaml:5:3: BL701 drift"), "{log}");
    assert!(log.contains("BL101 acl-public-read"), "{log}");
    // Without the export, nothing to compare.
    let out = bucketlint(
        &["check", "--select", "drift", "fixtures/drift/fail.yaml"],
        root(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // The site is ignored by name in bucketlint.toml, with a reason.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bucketlint.toml");
    fs::write(
        &config,
        "[[ignore]]\nbucket = \"acme-site-*\"\nrules = [\"drift\"]\nreason = \"being rebuilt, SEC-150\"\n",
    )
    .unwrap();
    let out = bucketlint(
        &[
            "check",
            "--config",
            config.to_str().unwrap(),
            "--select",
            "drift",
            "--format",
            "concise",
            "fixtures/drift",
        ],
        root(),
    );
    let log = text(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(!log.contains("fail.yaml"), "{log}");
    assert!(log.contains("fail.json:5:5: BL701"), "{log}");
    assert!(log.contains("(1 suppressed)"), "{log}");
}

/// A deployed bucket without settings of its own is told as it is, not as
/// a template a deployment would complete with defaults.
#[test]
fn messages_speak_of_deployed_buckets() {
    assert_eq!(
        message("fixtures/deployed/snapshot.json", "BL105"),
        format!(
            "Bucket `{SITE}` has no Block Public Access settings of its own; the export holds no item of its account's settings to say whether they cover it."
        )
    );
}

/// The same organisation in the three shapes (snapshot, batch output with
/// values as JSON strings, a `select` that asked for the whole
/// `supplementaryConfiguration`): the same findings on the same buckets,
/// and the same exposure of each — public through ACL and policy, made
/// safe by its account's Block Public Access, cross-account, private, and
/// unknown for the item recorded without its supplementary configuration.
#[test]
fn the_three_shapes_agree() {
    let judged = |path: &str| {
        let out = bucketlint(&["check", "--format", "json", path], root());
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut found: Vec<(String, String)> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["resource"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        found.sort();
        let doc = inventory(path);
        let levels: Vec<(String, String, String)> = doc["buckets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                (
                    b["account"].as_str().unwrap().to_string(),
                    b["bucket"].as_str().unwrap().to_string(),
                    b["exposure"]["level"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        (found, levels)
    };
    let snapshot = judged("fixtures/deployed/snapshot.json");
    assert_eq!(
        judged("fixtures/deployed/organisation-batch.json"),
        snapshot
    );
    assert_eq!(
        judged("fixtures/deployed/organisation-select.json"),
        snapshot
    );
    let level = |name: &str| {
        snapshot
            .1
            .iter()
            .find(|(_, b, _)| b == name)
            .map(|(a, _, l)| (a.as_str(), l.as_str()))
            .unwrap()
    };
    assert_eq!(level("acme-public-site"), ("111122223333", "public"));
    assert_eq!(level("acme-legacy-public"), ("222233334444", "blocked"));
    assert_eq!(
        level("acme-partner-share"),
        ("111122223333", "cross-account")
    );
    assert_eq!(level("acme-private-data"), ("111122223333", "private"));
    assert_eq!(level("acme-unrecorded"), ("111122223333", "unknown"));
    assert!(snapshot.0.contains(&("BL201".into(), SITE.into())));
    assert!(snapshot.0.contains(&("BL101".into(), LEGACY.into())));
}

/// An empty answer (an account with no bucket, a query that matched
/// nothing) is an export of nothing: said so, and nothing checked.
#[test]
fn an_empty_export_checks_nothing_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("snapshot.json"),
        r#"{"fileVersion": "1.0", "configSnapshotId": "5e6f7a8b", "configurationItems": []}"#,
    )
    .unwrap();
    let out = bucketlint(&["check", "-v", "."], dir.path());
    let log = text(&out);
    assert_eq!(out.status.code(), Some(2), "{log}");
    assert!(
        log.contains("snapshot.json: an AWS Config export with no current S3 bucket item (0 items of other resource types)"),
        "{log}"
    );
}

/// A `select` that did not ask for the resource ids still lists every
/// bucket: items that do not say which resource they are are never taken
/// for versions of one another.
#[test]
fn items_without_ids_are_not_merged() {
    let snapshot: Value = serde_json::from_str(
        &fs::read_to_string(root().join("fixtures/deployed/snapshot.json")).unwrap(),
    )
    .unwrap();
    let results: Vec<String> = snapshot["configurationItems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["resourceType"] == "AWS::S3::Bucket")
        .map(|i| {
            serde_json::json!({
                "resourceType": i["resourceType"],
                "accountId": i["accountId"],
                "awsRegion": i["awsRegion"],
                "supplementaryConfiguration": i["supplementaryConfiguration"],
            })
            .to_string()
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("select.json");
    fs::write(&path, serde_json::json!({ "Results": results }).to_string()).unwrap();
    let out = bucketlint(
        &["inventory", "--format", "json", path.to_str().unwrap()],
        root(),
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["buckets"].as_array().unwrap().len(), 5, "{doc}");
}

/// With every rule on, what an item does not carry gives no finding but
/// `unknown-value` (said in an export's words): the item recorded without
/// its supplementary configuration, and a `select` of two parts only.
#[test]
fn every_rule_leaves_what_an_item_lacks_unknown() {
    let run = |path: &str| {
        let out = bucketlint(
            &["check", "--select", "all", "--format", "json", path],
            root(),
        );
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["resource"].as_str().unwrap().to_string(),
                    f["message"].as_str().unwrap().to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    let unrecorded = "111122223333/eu-west-1/acme-unrecorded";
    let found = run("fixtures/deployed/snapshot.json");
    let on_it: Vec<&(String, String, String)> =
        found.iter().filter(|(_, r, _)| r == unrecorded).collect();
    assert!(!on_it.is_empty());
    assert!(
        on_it.iter().all(|(rule, _, _)| rule == "BL001"),
        "{on_it:#?}"
    );
    assert!(
        on_it
            .iter()
            .all(|(_, _, m)| m.starts_with("This value is not known from the export (")),
        "{on_it:#?}"
    );
    let selected = run("fixtures/deployed/select.json");
    let rules: Vec<&str> = selected
        .iter()
        .map(|(r, _, _)| r.as_str())
        .filter(|r| *r != "BL001")
        .map(|r| match r {
            "BL201" | "BL205" | "BL404" => r,
            other => panic!("{other} judged what the select did not carry"),
        })
        .collect();
    assert_eq!(rules, ["BL201", "BL205", "BL404"]);
}

const DELIVERED: &str = "fixtures/deployed/delivered/111122223333_Config_eu-west-1_ConfigSnapshot_20261128T020000Z_5bd1a2c7.json";

/// (rule, bucket, severity) of the findings on one bucket of an export.
fn judged(path: &str, bucket: &str) -> Vec<(String, String, String)> {
    findings(path)
        .into_iter()
        .filter(|(_, _, b, _)| b == bucket)
        .map(|(rule, _, b, severity)| (rule, b, severity))
        .collect()
}

#[test]
fn delivered_snapshot_files_keep_the_account_they_name_aws_account_id() {
    // The delivery channel writes `awsAccountId`, `ARN` and
    // `configurationItemVersion`: the bucket is the same bucket, in its
    // account, judged the same as in the API's answer.
    let delivered = judged(DELIVERED, SITE);
    assert!(!delivered.is_empty());
    assert_eq!(delivered, judged("fixtures/deployed/snapshot.json", SITE));
    let private = "111122223333/eu-west-1/acme-private-data";
    assert_eq!(
        judged(DELIVERED, private),
        judged("fixtures/deployed/snapshot.json", private)
    );
    let doc = inventory(DELIVERED);
    let site = bucket(&doc, "acme-public-site");
    assert_eq!(site["account"], "111122223333");
    assert_eq!(site["region"], "eu-west-1");
    // Filters, groups and ignore entries by account find it.
    let out = bucketlint(
        &[
            "inventory",
            "--group-by",
            "account",
            "--format",
            "json",
            DELIVERED,
        ],
        root(),
    );
    let grouped: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(grouped["accounts"][0]["account"], "111122223333");
    assert_eq!(grouped["accounts"][0]["buckets"], 2);
    // Every format names the account.
    let said = |args: &[&str]| {
        let out = bucketlint(args, root());
        String::from_utf8(out.stdout).unwrap()
    };
    let sarif = said(&["check", "--format", "sarif", DELIVERED]);
    assert!(sarif.contains(SITE), "{sarif}");
    let csv = said(&["inventory", "--format", "csv", DELIVERED]);
    assert!(
        csv.lines()
            .any(|l| l.starts_with(&format!("acme-public-site,{SITE},"))
                && l.contains(",AWS Config,111122223333,eu-west-1,public,")),
        "{csv}"
    );
    for format in ["markdown", "table", "html"] {
        let shown = said(&["inventory", "--wide", "--format", format, DELIVERED]);
        assert!(shown.contains("111122223333"), "{format}: {shown}");
    }
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("bucketlint.toml"),
        "[[ignore]]\nbucket = \"111122223333/eu-west-1/acme-public-site\"\nreason = \"a website, reviewed\"\n",
    )
    .unwrap();
    let export = dir.path().join("snapshot.json");
    fs::copy(root().join(DELIVERED), &export).unwrap();
    let out = bucketlint(&["check", "--format", "json", "snapshot.json"], dir.path());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["resource"] != SITE),
        "{report:#}"
    );
}

#[test]
fn buckets_aws_config_does_not_record_make_nothing_and_are_named_in_a_note() {
    let out = bucketlint(&["check", "--format", "json", DELIVERED], root());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let resources: Vec<&str> = column(&report["findings"], "resource");
    assert!(
        resources.iter().all(|r| !r.contains("not-recorded")),
        "{resources:?}"
    );
    let notes = note_messages(&report);
    assert_eq!(
        notes,
        [
            "2 bucket items that AWS Config does not record (ResourceNotRecorded, ResourceDeletedNotRecorded) say nothing of their buckets, so nothing is judged: 111122223333/eu-west-1/acme-gone-not-recorded, 111122223333/eu-west-1/acme-not-recorded"
        ]
    );
    let doc = inventory(DELIVERED);
    let names: Vec<&str> = column(&doc["buckets"], "bucket");
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        names.iter().all(|n| !n.contains("not-recorded")),
        "{names:?}"
    );
}

#[test]
fn an_aggregators_batch_answer_is_read_like_an_accounts() {
    // `batch-get-aggregate-resource-config` names its list
    // `BaseConfigurationItems`.
    let batch = findings("fixtures/deployed/batch.json");
    assert!(!batch.is_empty());
    assert_eq!(findings("fixtures/deployed/aggregate-batch.json"), batch);
}

#[test]
fn an_export_cut_anywhere_is_an_error_next_to_a_good_one() {
    let dir = tempfile::tempdir().unwrap();
    let whole = fs::read_to_string(root().join(DELIVERED)).unwrap();
    // Cut before the first item: only the export's own keys are there.
    let early = whole.find("\"configurationItems\"").unwrap() + 25;
    fs::write(dir.path().join("cut.json"), &whole[..early]).unwrap();
    // A file the delivery channel names, cut before any key.
    fs::write(
        dir.path().join(
            "111122223333_Config_eu-west-1_ConfigHistory_AWS::S3::Bucket_20261128T020000Z.json",
        ),
        &whole[..10],
    )
    .unwrap();
    fs::copy(
        root().join("fixtures/deployed/batch.json"),
        dir.path().join("batch.json"),
    )
    .unwrap();
    let out = bucketlint(
        &[
            "check",
            "--format",
            "concise",
            "cut.json",
            "111122223333_Config_eu-west-1_ConfigHistory_AWS::S3::Bucket_20261128T020000Z.json",
            "batch.json",
        ],
        dir.path(),
    );
    let log = text(&out);
    assert_eq!(out.status.code(), Some(2), "{log}");
    assert!(log.contains("cut.json:4:"), "{log}");
    assert!(
        log.contains(
            "ConfigHistory_AWS::S3::Bucket_20261128T020000Z.json:2:3: error: invalid JSON"
        ),
        "{log}"
    );
    assert!(log.contains("batch.json:21:30: BL101"), "{log}");
}

#[test]
fn an_item_without_an_account_is_a_note() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("select.json"),
        r#"{"Results": ["{\"resourceType\":\"AWS::S3::Bucket\",\"resourceName\":\"acme-anonymous\",\"awsRegion\":\"eu-west-1\",\"supplementaryConfiguration\":{\"AccessControlList\":\"{\\\"grantList\\\":[{\\\"grantee\\\":\\\"AllUsers\\\",\\\"permission\\\":\\\"Read\\\"}]}\"}}"], "QueryInfo": {"SelectFields": [{"Name": "resourceType"}, {"Name": "resourceName"}, {"Name": "awsRegion"}, {"Name": "supplementaryConfiguration.AccessControlList"}]}}"#,
    )
    .unwrap();
    let out = bucketlint(&["check", "--format", "json", "select.json"], dir.path());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["findings"][0]["resource"], "unknown-account/eu-west-1/acme-anonymous",
        "{report:#}"
    );
    let note = report["notes"][0]["message"].as_str().unwrap();
    assert!(
        note.starts_with("1 bucket item names no account (neither `accountId` nor `awsAccountId`)"),
        "{note}"
    );
}

#[test]
fn exports_have_a_size_limit_of_their_own_and_inventory_takes_every_reading_option() {
    // A template over --max-file-size is not read; an export is read up to
    // --max-export-size, whatever --max-file-size says, so the default
    // fits 100,000 buckets while templates stay bounded.
    let template = "fixtures/acl-public-read/fail.yaml";
    let export = "fixtures/deployed/snapshot.json";
    for command in ["check", "inventory"] {
        let out = bucketlint(
            &[
                command,
                "--max-file-size",
                "200",
                "--format",
                "json",
                template,
                export,
            ],
            root(),
        );
        let log = text(&out);
        assert_eq!(out.status.code(), Some(2), "{command}: {log}");
        assert!(
            log.contains("larger than the 200-byte limit (--max-file-size)")
                && log.contains(template),
            "{command}: {log}"
        );
        // The export is read in full, beside.
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        let listed = match command {
            "check" => doc["findings"].as_array().unwrap().len(),
            _ => doc["buckets"].as_array().unwrap().len(),
        };
        assert!(listed > 3, "{command}: {doc:#}");
        let out = bucketlint(
            &[
                command,
                "--max-export-size",
                "2K",
                "--format",
                "json",
                export,
            ],
            root(),
        );
        let log = text(&out);
        assert_eq!(out.status.code(), Some(2), "{command}: {log}");
        assert!(
            log.contains("larger than the 2048-byte limit (--max-export-size)"),
            "{command}: {log}"
        );
    }
    // Nesting limits apply to the inventory too.
    let out = bucketlint(
        &["inventory", "--max-depth", "3", "--format", "json", export],
        root(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

/// A snapshot item of a bucket with versioning on and MFA delete as given.
fn versioned_item(name: &str, mfa: bool) -> serde_json::Value {
    serde_json::json!({
        "version": "1.3", "accountId": "111122223333",
        "configurationItemCaptureTime": "2026-11-28T02:00:00.000Z",
        "configurationItemStatus": "OK", "resourceType": "AWS::S3::Bucket",
        "resourceId": name, "resourceName": name, "awsRegion": "eu-west-1",
        "resourceCreationTime": "2025-01-10T10:00:00.000Z",
        "configuration": {"name": name},
        "supplementaryConfiguration": {
            "BucketVersioningConfiguration": {"status": "Enabled", "isMfaDeleteEnabled": mfa}
        }
    })
}

#[test]
fn drift_compares_only_what_the_template_can_set_and_the_export_records() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    // CloudFormation cannot set MFA delete: a deployed bucket with it on
    // has not drifted. Terraform can: there it is compared.
    fs::write(
        p.join("template.yaml"),
        "Resources:\n  Vault:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: acme-mfa-cfn\n      VersioningConfiguration:\n        Status: Enabled\n",
    )
    .unwrap();
    fs::create_dir(p.join("tf")).unwrap();
    fs::write(
        p.join("tf/main.tf"),
        "resource \"aws_s3_bucket\" \"vault\" {\n  bucket = \"acme-mfa-tf\"\n}\n\nresource \"aws_s3_bucket_versioning\" \"vault\" {\n  bucket = aws_s3_bucket.vault.id\n  mfa    = \"arn:aws:iam::111122223333:mfa/root-account-mfa-device 123456\"\n  versioning_configuration {\n    status     = \"Enabled\"\n    mfa_delete = \"Enabled\"\n  }\n}\n",
    )
    .unwrap();
    let snapshot = serde_json::json!({"configurationItems": [
        versioned_item("acme-mfa-cfn", true),
        versioned_item("acme-mfa-tf", false),
    ]});
    fs::write(p.join("snapshot.json"), snapshot.to_string()).unwrap();
    // A bucket without replication, deployed, read from a select that
    // asked for its versioning only: its replication is not known, so not
    // compared (not taken for a replication without destination).
    fs::write(
        p.join("replicated.yaml"),
        "Resources:\n  Replicated:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: acme-replicated\n      VersioningConfiguration:\n        Status: Enabled\n",
    )
    .unwrap();
    let item = serde_json::json!({
        "accountId": "111122223333", "resourceType": "AWS::S3::Bucket",
        "resourceName": "acme-replicated", "awsRegion": "eu-west-1",
        "supplementaryConfiguration": {"BucketVersioningConfiguration": "{\"status\":\"Enabled\"}"}
    });
    let select = serde_json::json!({
        "Results": [item.to_string()],
        "QueryInfo": {"SelectFields": [
            {"Name": "accountId"}, {"Name": "resourceType"}, {"Name": "resourceName"},
            {"Name": "awsRegion"}, {"Name": "supplementaryConfiguration.BucketVersioningConfiguration"}
        ]}
    });
    fs::write(p.join("select.json"), select.to_string()).unwrap();
    let out = bucketlint(&["check", "--select", "drift", "--format", "json", "."], p);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let messages: Vec<&str> = column(&report["findings"], "message");
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert!(
        messages[0].starts_with("Bucket `acme-mfa-tf` is deployed otherwise")
            && messages[0].ends_with("differs in MFA delete: template Enabled, deployed Disabled."),
        "{messages:#?}"
    );
}

#[test]
fn a_deployed_bucket_created_since_january_2023_has_sse_s3_when_the_record_says_nothing() {
    let item = |name: &str, created: serde_json::Value, encryption: Option<&str>| {
        let mut supplementary = serde_json::json!({
            "BucketVersioningConfiguration": {"status": "Enabled", "isMfaDeleteEnabled": null}
        });
        if let Some(algorithm) = encryption {
            supplementary["ServerSideEncryptionConfiguration"] = serde_json::json!({"rules": [
                {"applyServerSideEncryptionByDefault": {"sseAlgorithm": algorithm}, "bucketKeyEnabled": true}
            ]});
        }
        serde_json::json!({
            "version": "1.3", "accountId": "111122223333",
            "configurationItemCaptureTime": "2026-11-28T02:00:00.000Z",
            "configurationItemStatus": "OK", "resourceType": "AWS::S3::Bucket",
            "resourceId": name, "resourceName": name, "awsRegion": "eu-west-1",
            "resourceCreationTime": created,
            "configuration": {"name": name},
            "supplementaryConfiguration": supplementary
        })
    };
    let snapshot = serde_json::json!({"configurationItems": [
        // Created since: SSE-S3 whatever the record says.
        item("acme-new", serde_json::json!("2024-06-01T09:00:00.000Z"), None),
        // The same, as an API answer writes the time (seconds).
        item("acme-new-epoch", serde_json::json!(1717232400.0), None),
        // Created before: not recorded, so not known.
        item("acme-old", serde_json::json!("2019-03-01T09:00:00.000Z"), None),
        // The twin: KMS, recorded.
        item("acme-kms", serde_json::json!("2019-03-01T09:00:00.000Z"), Some("aws:kms")),
    ]});
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("snapshot.json"), snapshot.to_string()).unwrap();
    let out = bucketlint(
        &[
            "check",
            "--select",
            "BL401,BL402",
            "--format",
            "json",
            "snapshot.json",
        ],
        dir.path(),
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    // No bucket lacks encryption; the new ones use S3's keys (BL402), the
    // old one's key is not known, the KMS one is what BL402 asks.
    let judged: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap(), f["resource"].as_str().unwrap()))
        .collect();
    assert_eq!(
        judged,
        [
            ("BL402", "111122223333/eu-west-1/acme-new"),
            ("BL402", "111122223333/eu-west-1/acme-new-epoch"),
        ],
        "{report:#}"
    );
    let out = bucketlint(
        &["inventory", "--format", "json", "snapshot.json"],
        dir.path(),
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let encryption = |name: &str| bucket(&doc, name)["settings"]["encryption"].clone();
    assert_eq!(encryption("acme-new"), "SSE-S3", "{doc:#}");
    assert_eq!(encryption("acme-new-epoch"), "SSE-S3");
    assert!(
        encryption("acme-old")["unknown"]
            .as_str()
            .unwrap()
            .starts_with("default encryption is not recorded"),
        "{doc:#}"
    );
    assert!(
        encryption("acme-kms")
            .as_str()
            .unwrap()
            .starts_with("SSE-KMS")
    );
}

#[test]
fn an_ignore_glob_over_every_bucket_leaves_every_deployed_finding_out() {
    // Every export of the fixtures: buckets, access points and account
    // settings of six accounts, in every shape.
    let dir = tempfile::tempdir().unwrap();
    for e in fs::read_dir(root().join("fixtures/deployed")).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_some_and(|x| x == "json") {
            fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let run = || {
        let out = bucketlint(&["check", "--format", "json", "."], dir.path());
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let all = run()["findings"].as_array().unwrap().len();
    assert!(all > 30, "{all}");
    for glob in ["*", "arn:aws:s3:::*", "*/*/*"] {
        fs::write(
            dir.path().join("bucketlint.toml"),
            format!("[[ignore]]\nbucket = \"{glob}\"\nreason = \"a sandbox organisation\"\n"),
        )
        .unwrap();
        let report = run();
        assert_eq!(
            report["findings"],
            serde_json::json!([]),
            "{glob}: {report:#}"
        );
        assert_eq!(report["summary"]["suppressed"], all, "{glob}");
    }
}

#[test]
fn the_documented_access_point_delegation_policy_is_not_public() {
    // AWS's "delegating access control to access points" bucket policy:
    // `*` for every principal, pinned to the owner's access points by
    // `s3:DataAccessPointAccount`. Not public, and the action is still
    // too wide (BL202 medium), said without "to anyone".
    let found = findings("fixtures/deployed/access-point-delegation.json");
    let id = "111122223333/eu-west-1/acme-delegated";
    assert!(found.contains(&row("BL202", 15, id, "medium")), "{found:?}");
    assert!(found.iter().all(|(rule, ..)| rule != "BL201"), "{found:?}");
    let message = message("fixtures/deployed/access-point-delegation.json", "BL202");
    assert!(
        message.contains("pinned by `s3:DataAccessPointAccount`"),
        "{message}"
    );
    assert!(!message.contains("anyone"), "{message}");
    // Other accounts get in only through the owner's access points, as
    // their policies allow: cross-account at most, never public.
    let doc = inventory("fixtures/deployed/access-point-delegation.json");
    assert_eq!(
        bucket(&doc, "acme-delegated")["exposure"]["level"],
        "cross-account",
        "{doc:#}"
    );
}

#[test]
fn an_aggregators_answer_for_one_resource_is_read() {
    // `get-aggregate-resource-config` answers with one `ConfigurationItem`:
    // judged as the same item in a batch answer of its own.
    let single = judged_all("fixtures/deployed/aggregate-item.json");
    assert!(
        single.iter().any(|(rule, ..)| rule == "BL101"),
        "{single:?}"
    );
    let doc: Value = serde_json::from_str(
        &fs::read_to_string(root().join("fixtures/deployed/aggregate-item.json")).unwrap(),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let batch = serde_json::json!({"baseConfigurationItems": [doc["ConfigurationItem"]]});
    fs::write(dir.path().join("batch.json"), batch.to_string()).unwrap();
    let path = dir.path().join("batch.json");
    assert_eq!(judged_all(path.to_str().unwrap()), single);
}

/// (rule, bucket, severity) of every finding of an export.
fn judged_all(path: &str) -> Vec<(String, String, String)> {
    findings(path)
        .into_iter()
        .map(|(rule, _, b, severity)| (rule, b, severity))
        .collect()
}

/// The messages of a JSON report's notes.
fn note_messages(report: &Value) -> Vec<&str> {
    column(&report["notes"], "message")
}

/// One text field of each object of a JSON list.
fn column<'a>(list: &'a Value, field: &str) -> Vec<&'a str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|x| x[field].as_str().unwrap())
        .collect()
}
