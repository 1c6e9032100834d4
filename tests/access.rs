//! One verdict per bucket: the access analysis, read by `check` and by
//! `inventory`, on cases in CloudFormation YAML, JSON, Terraform and an
//! AWS Config export (`fixtures/access/`). Each case has a bucket that
//! must be reported (`Open`, `aws_s3_bucket.open`, `acme-...-open`) and a
//! twin that must not (`Quiet`...).

mod common;

use common::{bucketlint, json, root};

/// One bucket as both commands see it.
#[derive(Debug)]
struct Seen {
    level: String,
    summary: String,
    /// (rule, severity, line, message) of the findings on it.
    findings: Vec<(String, String, u64, String)>,
}

impl Seen {
    fn has(&self, rule: &str, severity: &str) -> bool {
        self.findings
            .iter()
            .any(|(r, s, _, _)| r == rule && s == severity)
    }

    fn message(&self, rule: &str) -> &str {
        self.findings
            .iter()
            .find(|(r, _, _, _)| r == rule)
            .map(|(_, _, _, m)| m.as_str())
            .unwrap_or_else(|| panic!("no {rule} in {self:#?}"))
    }

    fn codes(&self) -> Vec<&str> {
        self.findings
            .iter()
            .map(|(r, _, _, _)| r.as_str())
            .collect()
    }
}

/// Checks and lists `path` (relative to `fixtures/access/`); returns the
/// bucket whose id or name ends with `which` ("open", "quiet", ...).
fn seen(path: &str, which: &str) -> Seen {
    let at = format!("fixtures/access/{path}");
    let check = json(&bucketlint(
        &["check", "--format", "json", "--select", "all", &at],
        root(),
    ));
    let inventory = json(&bucketlint(
        &["inventory", "--format", "json", "--select", "all", &at],
        root(),
    ));
    let want = |id: &str| {
        let id = id.to_ascii_lowercase();
        id.ends_with(which)
            || id.ends_with(&format!("-{which}"))
            || id.ends_with(&format!(".{which}"))
    };
    let row = inventory["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| {
            [&b["id"], &b["name"], &b["bucket"]]
                .iter()
                .filter_map(|v| v.as_str())
                .any(want)
        })
        .unwrap_or_else(|| panic!("no bucket `{which}` in {path}: {inventory:#}"));
    // The row's own findings: a finding that holds for several buckets
    // (one policy reaching two) is listed on each row.
    let findings: Vec<(String, String, u64, String)> = row["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // And `check` reports them: every row finding is one of its findings.
    for (rule, _, line, _) in &findings {
        assert!(
            check["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["rule"] == rule.as_str() && f["line"].as_u64() == Some(*line)),
            "{rule} at line {line} of {path} is not in check's output"
        );
    }
    Seen {
        level: row["exposure"]["level"].as_str().unwrap().to_string(),
        summary: row["exposure"]["summary"].as_str().unwrap().to_string(),
        findings,
    }
}

const FORMATS: [&str; 3] = ["{}.yaml", "{}.json", "{}-tf"];

fn each_format(case: &str) -> Vec<String> {
    FORMATS.iter().map(|f| f.replace("{}", case)).collect()
}

#[test]
fn a_wildcard_pinned_by_a_fixed_condition_is_not_public() {
    for path in each_format("pinned") {
        let open = seen(&path, "open");
        assert_eq!(open.level, "public", "{path}: {open:#?}");
        assert!(open.has("BL201", "high"), "{path}: {open:#?}");
        assert_eq!(open.summary, "public: read (bucket policy)", "{path}");

        let quiet = seen(&path, "quiet");
        assert_eq!(quiet.level, "cross-account", "{path}: {quiet:#?}");
        assert!(!quiet.codes().contains(&"BL201"), "{path}: {quiet:#?}");
        assert!(
            quiet
                .summary
                .starts_with("cross-account: callers pinned by `"),
            "{path}: {}",
            quiet.summary
        );
    }
}

#[test]
fn a_known_public_acl_wins_over_an_unknown_policy() {
    for path in each_format("known-wins") {
        let open = seen(&path, "open");
        assert_eq!(open.level, "public", "{path}: {open:#?}");
        assert!(open.has("BL101", "high"), "{path}: {open:#?}");
        assert!(
            open.summary.starts_with("public: list (ACL)"),
            "{path}: {}",
            open.summary
        );

        let unsure = seen(&path, "unsure");
        assert_eq!(unsure.level, "unknown", "{path}: {unsure:#?}");
        assert!(
            unsure.summary.contains("principal"),
            "{path}: {}",
            unsure.summary
        );

        // Every setting on and a service grant pinned to the owning
        // account: nothing unknown can change who gets in.
        let quiet = seen(&path, "quiet");
        assert_eq!(quiet.level, "cross-account", "{path}: {quiet:#?}");
        assert_eq!(
            quiet.summary, "cross-account: logging.s3.amazonaws.com",
            "{path}"
        );
    }
}

#[test]
fn deny_subtracts_from_a_public_allow() {
    for path in each_format("deny") {
        let open = seen(&path, "open");
        assert_eq!(open.level, "public", "{path}: {open:#?}");
        assert_eq!(open.summary, "public: read (bucket policy)", "{path}");
        assert!(open.has("BL201", "high"), "{path}: {open:#?}");
        let m = open.message("BL201");
        assert!(
            m.contains("The Deny statement `NoWrites` takes part of it away; what remains lets anyone read."),
            "{path}: {m}"
        );

        let quiet = seen(&path, "quiet");
        assert_eq!(quiet.level, "private", "{path}: {quiet:#?}");
        assert!(quiet.has("BL201", "low"), "{path}: {quiet:#?}");
        assert!(!quiet.has("BL201", "high"), "{path}: {quiet:#?}");
        let m = quiet.message("BL201");
        assert!(
            m.contains("The Deny statement `NoReads` takes all of it away from everyone")
                && m.contains("BlockPublicPolicy would refuse it"),
            "{path}: {m}"
        );
    }
}

#[test]
fn a_bucket_policy_deny_binds_what_an_acl_lets_through() {
    for path in each_format("deny-acl") {
        // public-read-write: writes denied to everyone, listing stays.
        let open = seen(&path, "open");
        assert_eq!(open.level, "public", "{path}: {open:#?}");
        assert_eq!(open.summary, "public: list (ACL)", "{path}");
        assert!(open.has("BL101", "high"), "{path}: {open:#?}");
        assert!(open.has("BL102", "low"), "{path}: {open:#?}");
        assert!(
            open.message("BL102").contains(
                "the bucket policy's Deny statement `NoAnonymousWrites` takes it away from everyone"
            ),
            "{path}: {open:#?}"
        );
        // public-read: listing denied to everyone.
        let quiet = seen(&path, "quiet");
        assert_eq!(quiet.level, "private", "{path}: {quiet:#?}");
        assert!(quiet.has("BL101", "low"), "{path}: {quiet:#?}");
        assert!(!quiet.has("BL101", "high"), "{path}: {quiet:#?}");
    }
}

#[test]
fn full_control_is_every_acl_permission() {
    let open = seen("full-control-tf", "open");
    assert_eq!(open.level, "public", "{open:#?}");
    for rule in ["BL101", "BL102", "BL106"] {
        assert!(open.has(rule, "high"), "{rule}: {open:#?}");
    }
    assert_eq!(
        open.summary,
        "public: list, write, delete, permissions (ACL)"
    );
    let quiet = seen("full-control-tf", "quiet");
    assert_eq!(quiet.level, "private", "{quiet:#?}");
    for rule in ["BL101", "BL102", "BL103", "BL106"] {
        assert!(!quiet.codes().contains(&rule), "{rule}: {quiet:#?}");
    }
}

#[test]
fn allow_with_not_principal_is_public() {
    for path in ["fail.yaml", "fail.json", "fail-tf"] {
        let at = format!("../policy-allow-not-principal/{path}");
        let open = seen(&at, "data");
        assert_eq!(open.level, "public", "{path}: {open:#?}");
        assert!(
            open.has("BL201", "high") && open.has("BL204", "high"),
            "{path}: {open:#?}"
        );
        assert!(
            open.message("BL201")
                .contains("lets everyone but the principals `NotPrincipal` names read"),
            "{path}: {open:#?}"
        );
    }
    for path in ["pass.yaml", "pass.json", "pass-tf"] {
        let at = format!("../policy-allow-not-principal/{path}");
        let quiet = seen(&at, "data");
        assert_ne!(quiet.level, "public", "{path}: {quiet:#?}");
        assert!(!quiet.codes().contains(&"BL201"), "{path}: {quiet:#?}");
    }
}

#[test]
fn deployed_buckets_keep_grants_that_block_settings_only_refuse_anew() {
    // BlockPublicPolicy and BlockPublicAcls refuse new public policies and
    // ACLs; grants a deployed bucket already has stay.
    let open = seen("deployed.json", "timing-open");
    assert_eq!(open.level, "public", "{open:#?}");
    assert!(
        open.has("BL101", "high") && open.has("BL201", "high"),
        "{open:#?}"
    );
    assert!(
        open.message("BL201")
            .contains("BlockPublicPolicy is on, but it only refuses new public policies"),
        "{open:#?}"
    );
    assert!(
        open.message("BL101")
            .contains("BlockPublicAcls is on, but it only refuses new public ACLs"),
        "{open:#?}"
    );
    // RestrictPublicBuckets and IgnorePublicAcls stop what exists.
    let quiet = seen("deployed.json", "timing-quiet");
    assert_eq!(quiet.level, "blocked", "{quiet:#?}");
    assert!(
        quiet.has("BL101", "low") && quiet.has("BL201", "low"),
        "{quiet:#?}"
    );
}

#[test]
fn a_deployed_full_control_grant_to_everyone_is_public_read_write_and_permissions() {
    let open = seen("deployed.json", "shared-open");
    assert_eq!(open.level, "public", "{open:#?}");
    for rule in ["BL101", "BL102", "BL106"] {
        assert!(open.has(rule, "high"), "{rule}: {open:#?}");
    }
    let quiet = seen("deployed.json", "shared-quiet");
    assert_eq!(quiet.level, "private", "{quiet:#?}");
}

#[test]
fn the_owning_account_of_a_deployed_bucket_is_not_another_account() {
    let own = seen("deployed.json", "own-account");
    assert_eq!(own.level, "private", "{own:#?}");
    assert!(!own.codes().contains(&"BL206"), "{own:#?}");
    let other = seen("deployed.json", "other-account");
    assert_eq!(other.level, "cross-account", "{other:#?}");
    assert!(other.has("BL206", "medium"), "{other:#?}");
}

#[test]
fn an_account_setting_in_one_file_holds_for_the_accounts_buckets_in_an_export() {
    // All four settings on for account 111122223333: recorded by another
    // export (`accounts`), or declared for the account by Terraform
    // (`accounts-tf`); its bucket is in the export beside them.
    layer_stops(
        &["accounts", "accounts-tf"],
        "layer-quiet",
        "RestrictPublicBuckets is on at account level",
        &["layer-open"],
    );
    // Without them, nothing stops the grant.
    let alone = seen(
        "accounts/eu-west-1_ConfigSnapshot_buckets.json",
        "layer-quiet",
    );
    assert_eq!(alone.level, "public", "{alone:#?}");
}

/// In each of `dirs`: the bucket `quiet` is blocked, BL201 low saying
/// `why`; each of `open` stays public, BL201 high.
fn layer_stops(dirs: &[&str], quiet: &str, why: &str, open: &[&str]) {
    for dir in dirs {
        let q = seen(dir, quiet);
        assert_eq!(q.level, "blocked", "{dir}: {q:#?}");
        assert!(q.has("BL201", "low"), "{dir}: {q:#?}");
        assert!(q.message("BL201").contains(why), "{dir}: {q:#?}");
        for o in open {
            let o = seen(dir, o);
            assert_eq!(o.level, "public", "{dir}: {o:#?}");
            assert!(o.has("BL201", "high"), "{dir}: {o:#?}");
        }
    }
}

#[test]
fn an_organisation_s3_policy_blocks_public_access_for_the_accounts_it_targets() {
    // The policy targets account 111122223333 (and an organisational
    // unit, whose accounts are not known); the export beside it holds one
    // bucket of that account and one of another.
    layer_stops(
        &["organisation-yaml", "organisation-json", "organisation-tf"],
        "org-quiet",
        "RestrictPublicBuckets is on at account level, by the organisation's S3 policy `",
        &["org-open"],
    );
}

#[test]
fn a_resource_control_policy_that_denies_outsiders_keeps_the_public_out() {
    // AWS's data-perimeter RCP on account 111122223333; buckets tagged
    // `dp:exclude:identity = true` are left out of it, and another
    // account's are not under it.
    layer_stops(
        &["rcp-yaml", "rcp-json", "rcp-tf"],
        "rcp-quiet",
        "(statement `EnforceOrgIdentities`) denies every request from outside the organisation",
        &["rcp-open", "elsewhere-open"],
    );
}

#[test]
fn impossible_conditions_prune_what_they_guard() {
    for path in ["impossible.yaml", "impossible.json"] {
        // Possible: public whenever it is created, which depends on inputs.
        let open = seen(path, "open");
        assert_eq!(open.level, "unknown", "{path}: {open:#?}");
        assert!(
            open.summary.contains("public (list) whenever it exists")
                && open.summary.contains("`ProdInIreland`"),
            "{path}: {}",
            open.summary
        );
        assert!(open.has("BL101", "high"), "{path}: {open:#?}");
        assert!(
            open.message("BL101")
                .contains("This holds only for some inputs"),
            "{path}: {open:#?}"
        );
        // `Env` cannot be both prod and dev: no such bucket, no such
        // statement.
        let doc = json(&bucketlint(
            &[
                "inventory",
                "--format",
                "json",
                &format!("fixtures/access/{path}"),
            ],
            root(),
        ));
        let ids: Vec<&str> = doc["buckets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["Open", "Shared"], "{path}");
        let shared = seen(path, "shared");
        assert_eq!(shared.level, "private", "{path}: {shared:#?}");
        assert!(
            shared.findings.iter().all(|(r, ..)| r != "BL201"),
            "{path}: {shared:#?}"
        );
    }
}

#[test]
fn an_account_setting_made_through_another_provider_is_another_accounts() {
    let open = seen("account-alias-tf", "open");
    assert_eq!(open.level, "public", "{open:#?}");
    assert!(
        open.has("BL101", "high") && open.has("BL105", "low"),
        "{open:#?}"
    );
    let quiet = seen("account-alias-tf", "quiet");
    assert_eq!(quiet.level, "blocked", "{quiet:#?}");
    assert_eq!(
        quiet.summary,
        "blocked: list (ACL); stopped by IgnorePublicAcls (account)"
    );
    assert!(
        quiet.has("BL101", "low") && !quiet.codes().contains(&"BL105"),
        "{quiet:#?}"
    );
}

#[test]
fn an_object_with_a_public_acl_makes_its_bucket_public_for_that_key() {
    let open = seen("object-acl-tf", "open");
    assert_eq!(open.level, "public", "{open:#?}");
    assert_eq!(
        open.summary,
        "public: read (ACL of object `index.html`, ACL of object `img/logo.png`)"
    );
    let lines: Vec<u64> = open
        .findings
        .iter()
        .filter(|(r, s, ..)| r == "BL101" && s == "high")
        .map(|(_, _, l, _)| *l)
        .collect();
    // At the objects' ACLs; the private object says nothing.
    assert_eq!(lines, [28, 38], "{open:#?}");
    assert!(
        open.message("BL101")
            .starts_with("The ACL of object `index.html` in bucket `aws_s3_bucket.open` lets everyone (AllUsers) read it"),
        "{open:#?}"
    );
    let quiet = seen("object-acl-tf", "quiet");
    assert_eq!(quiet.level, "blocked", "{quiet:#?}");
    assert!(
        quiet.has("BL101", "low") && !quiet.has("BL101", "high"),
        "{quiet:#?}"
    );
}

#[test]
fn an_access_point_policy_attached_on_its_own_is_the_access_points() {
    let open = seen("../access-point-policy/fail-tf", "data");
    assert_eq!(open.level, "public", "{open:#?}");
    assert!(
        open.summary
            .contains("access point `aws_s3_access_point.shared`"),
        "{}",
        open.summary
    );
    let quiet = seen("../access-point-policy/pass-tf", "data");
    assert_eq!(quiet.level, "cross-account", "{quiet:#?}");
    assert_eq!(
        quiet.summary,
        "cross-account: callers pinned by `aws:PrincipalOrgID` (access point `aws_s3_access_point.shared`)"
    );
    assert!(!quiet.codes().contains(&"BL201"), "{quiet:#?}");
}

#[test]
fn a_multi_region_access_point_reaches_every_bucket_it_lists() {
    for path in each_format("multi-region") {
        for which in ["open-eu", "open-us", "open_eu", "open_us"] {
            if path.ends_with("-tf") != which.contains('_') {
                continue;
            }
            let open = seen(&path, which);
            assert_eq!(open.level, "public", "{path} {which}: {open:#?}");
            assert!(
                open.summary.contains("Multi-Region Access Point `"),
                "{path}: {}",
                open.summary
            );
            assert!(
                open.findings.iter().any(|(r, s, _, m)| r == "BL201"
                    && s == "high"
                    && m.starts_with("Policy of Multi-Region Access Point `")),
                "{path} {which}: {open:#?}"
            );
        }
        // The default settings of a Multi-Region Access Point stop it.
        let quiet = seen(&path, "quiet");
        assert_eq!(quiet.level, "blocked", "{path}: {quiet:#?}");
        assert!(
            quiet.has("BL201", "low") && !quiet.has("BL201", "high"),
            "{path}: {quiet:#?}"
        );
    }
}

/// A finding that holds for several buckets is printed once; JSON lists
/// the others, so a machine reading `check` sees every bucket.
#[test]
fn one_finding_for_several_buckets_lists_them_all() {
    let check = json(&bucketlint(
        &[
            "check",
            "--format",
            "json",
            "--select",
            "BL201",
            "fixtures/access/multi-region.yaml",
        ],
        root(),
    ));
    let open = check["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["severity"] == "high")
        .expect("the open point's finding");
    assert_eq!(open["bucket"], "Reports");
    assert_eq!(open["also_in"], serde_json::json!(["ReportsReplica"]));
    assert!(
        open["message"]
            .as_str()
            .unwrap()
            .ends_with("(Also in `ReportsReplica`.)")
    );
}

#[test]
fn directory_table_vector_bucket_and_object_lambda_policies_cannot_be_public() {
    for path in each_format("always-private") {
        let at = format!("fixtures/access/{path}");
        let check = json(&bucketlint(
            &["check", "--format", "json", "--select", "all", &at],
            root(),
        ));
        let found: Vec<(String, String, String)> = check["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["severity"].as_str().unwrap().to_string(),
                    f["message"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        // Each public policy is refused: low, saying why.
        for kind in [
            "directory bucket",
            "table bucket",
            "vector bucket",
            "Object Lambda Access Point",
        ] {
            let refused = found
                .iter()
                .find(|(r, _, m)| r == "BL201" && m.starts_with(&format!("Policy of {kind} `")));
            let (_, severity, message) =
                refused.unwrap_or_else(|| panic!("{path}: no BL201 on the {kind}: {found:#?}"));
            assert_eq!(severity, "low", "{path}: {message}");
            let why = match kind {
                "Object Lambda Access Point" => "an Object Lambda Access Point made from a template keeps every Block Public Access setting on".to_string(),
                _ => format!("S3 always blocks public access to a {kind}"),
            };
            assert!(
                message.contains(&format!("{why}, so S3 refuses the policy")),
                "{path}: {message}"
            );
        }
        // The twins: one named account (another account: BL206), and
        // callers pinned to the organisation (nothing).
        let public: Vec<_> = found.iter().filter(|(r, _, _)| r == "BL201").collect();
        assert_eq!(public.len(), 4, "{path}: {found:#?}");
        let shared: Vec<_> = found.iter().filter(|(r, _, _)| r == "BL206").collect();
        assert_eq!(shared.len(), 1, "{path}: {found:#?}");
        assert!(
            shared[0].2.starts_with("Policy of directory bucket `")
                && shared[0]
                    .2
                    .ends_with("grants access to account 444455556666."),
            "{path}: {found:#?}"
        );
        // None of them is a bucket of the general kind: no companion
        // rules, no inventory row.
        assert!(
            found.iter().all(|(r, _, _)| r == "BL201" || r == "BL206"),
            "{path}: {found:#?}"
        );
        let inventory = json(&bucketlint(&["inventory", "--format", "json", &at], root()));
        assert_eq!(inventory["buckets"].as_array().unwrap().len(), 0, "{path}");
    }
}
