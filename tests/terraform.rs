//! Terraform as public modules write it: the module in
//! `fixtures/terraform-modules/s3-bucket` (a create switch, optional parts
//! switched by `count`, dynamic blocks, a policy composed from counted
//! policy documents) called by its examples with `source = "../../"`, and
//! through a registry source installed by `terraform init`.

use std::fs;
use std::path::{Path, PathBuf};

mod common;
use common::{bucketlint, json, root};

/// (rule, file, line, resource) of each finding, sorted.
fn findings(report: &serde_json::Value) -> Vec<(String, String, u64, String)> {
    let mut out: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["file"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("./")
                    .to_string(),
                f["line"].as_u64().unwrap(),
                f["resource"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn row(rule: &str, file: &str, line: u64, resource: &str) -> (String, String, u64, String) {
    (rule.into(), file.into(), line, resource.into())
}

fn messages(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

const MODULE: &str = "fixtures/terraform-modules/s3-bucket";

/// The examples: a public website is reported where each bad value is
/// set; the locked-down instances, the one with `count = 0`, the one with
/// `create_bucket = false` and the `for_each` pair report nothing.
#[test]
fn module_instances_are_judged_by_their_arguments() {
    let out = bucketlint(
        &[
            "check",
            "--format",
            "json",
            &format!("{MODULE}/examples/complete"),
        ],
        root(),
    );
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let example = format!("{MODULE}/examples/complete/main.tf");
    let main = format!("{MODULE}/main.tf");
    let policy = format!("{MODULE}/policy.tf");
    assert_eq!(
        findings(&report),
        vec![
            // Set by the caller: shown at its argument.
            row(
                "BL101",
                &example,
                8,
                "module.website.aws_s3_bucket_acl.this"
            ),
            row("BL105", &main, 11, "module.website.aws_s3_bucket.this"),
            row(
                "BL109",
                &example,
                10,
                "module.website.aws_s3_bucket_ownership_controls.this"
            ),
            // The website configuration exists: its count is 1 here.
            row(
                "BL110",
                &main,
                38,
                "module.website.aws_s3_bucket_website_configuration.this"
            ),
            // The policy composed from the counted documents: public read,
            // and no TLS-only statement.
            row(
                "BL201",
                &policy,
                54,
                "module.website.data.aws_iam_policy_document.public_read"
            ),
            row(
                "BL205",
                &policy,
                5,
                "module.website.aws_s3_bucket_policy.this"
            ),
        ]
    );
    for m in messages(&report) {
        for silent in ["locked", "per_env", "not_deployed", "disabled"] {
            assert!(!m.contains(&format!("module.{silent}")), "{m}");
        }
    }
    let acl = &report["findings"].as_array().unwrap()[0];
    assert!(
        acl["message"]
            .as_str()
            .unwrap()
            .contains("It is set here for `module.website → aws_s3_bucket_acl.this`"),
        "{acl}"
    );
    assert!(report["errors"].as_array().unwrap().is_empty());
}

/// A module file reached through several root modules is reported once,
/// with a path without `..`, naming the other callers.
#[test]
fn module_files_are_reported_once_with_clean_paths() {
    let out = bucketlint(&["check", "--format", "json", MODULE], root());
    let report = json(&out);
    let all = findings(&report);
    for (_, file, _, _) in &all {
        assert!(!file.contains(".."), "{file}");
    }
    let mut places: Vec<_> = all.iter().map(|(r, f, l, _)| (r, f, l)).collect();
    let n = places.len();
    places.dedup();
    assert_eq!(places.len(), n, "one finding per rule and place: {all:?}");
    // The bare example: the defaults keep the bucket closed; versioning,
    // encryption and the TLS-only policy are missing.
    let main = format!("{MODULE}/main.tf");
    for rule in ["BL205", "BL401", "BL501"] {
        assert!(
            all.contains(&row(rule, &main, 11, "module.bare.aws_s3_bucket.this")),
            "{rule}: {all:?}"
        );
    }
}

/// The same module file called by two root modules with the same
/// shortcoming: one finding that names both.
#[test]
fn a_shared_module_finding_lists_every_caller() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path();
    fs::create_dir(base.join(".git")).unwrap();
    fs::create_dir_all(base.join("modules/bucket")).unwrap();
    fs::write(
        base.join("modules/bucket/main.tf"),
        "variable \"name\" {}\n\nresource \"aws_s3_bucket\" \"this\" {\n  bucket = var.name\n}\n",
    )
    .unwrap();
    let call = |label: &str, name: &str| {
        format!(
            "module \"{label}\" {{\n  source = \"../modules/bucket\"\n  name   = \"{name}\"\n}}\n"
        )
    };
    fs::create_dir_all(base.join("dev")).unwrap();
    fs::create_dir_all(base.join("prod")).unwrap();
    // Two calls in one root module (each reads the module's files anew).
    fs::write(
        base.join("dev/main.tf"),
        call("data", "example-dev") + &call("scratch", "example-scratch"),
    )
    .unwrap();
    fs::write(base.join("prod/main.tf"), call("data", "example-prod")).unwrap();
    let out = bucketlint(
        &[
            "check", "--format", "json", "--select", "BL501", "dev", "prod",
        ],
        base,
    );
    let report = json(&out);
    assert_eq!(
        findings(&report),
        vec![row(
            "BL501",
            "modules/bucket/main.tf",
            3,
            "module.data.aws_s3_bucket.this"
        )]
    );
    let message = &messages(&report)[0];
    assert!(
        message.contains(
            "(Also in `module.scratch.aws_s3_bucket.this`, `module.data.aws_s3_bucket.this in prod`.)"
        ),
        "{message}"
    );
    // Machine formats list every instance, the first too, with its root.
    let instances = &report["findings"][0]["instances"];
    assert_eq!(
        instances,
        &serde_json::json!([
            {"address": "module.data.aws_s3_bucket.this", "root": "dev"},
            {"address": "module.scratch.aws_s3_bucket.this", "root": "dev"},
            {"address": "module.data.aws_s3_bucket.this", "root": "prod"},
        ])
    );
    let sarif = json(&bucketlint(
        &[
            "check", "--format", "sarif", "--select", "BL501", "dev", "prod",
        ],
        base,
    ));
    assert_eq!(
        &sarif["runs"][0]["results"][0]["properties"]["instances"],
        instances
    );
}

#[test]
fn a_merged_finding_lists_more_instances_than_its_message() {
    // Twelve callers: the message names ten, the JSON every one.
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path();
    fs::create_dir(base.join(".git")).unwrap();
    fs::create_dir_all(base.join("modules/bucket")).unwrap();
    fs::write(
        base.join("modules/bucket/main.tf"),
        "variable \"name\" {}\n\nresource \"aws_s3_bucket\" \"this\" {\n  bucket = var.name\n}\n",
    )
    .unwrap();
    let calls: String = (0..12)
        .map(|i| {
            format!("module \"b{i}\" {{\n  source = \"./modules/bucket\"\n  name   = \"example-{i}\"\n}}\n")
        })
        .collect();
    fs::write(base.join("main.tf"), calls).unwrap();
    let report = json(&bucketlint(
        &["check", "--format", "json", "--select", "BL501", "."],
        base,
    ));
    let f = &report["findings"][0];
    assert_eq!(f["instances"].as_array().unwrap().len(), 12, "{f:#}");
    assert!(
        f["message"].as_str().unwrap().contains(" and 1 more.)"),
        "{f:#}"
    );
}

/// Copies the registry root and installs the module where `terraform init`
/// would, with its `modules.json`.
fn registry_root(installed: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = root().join("fixtures/terraform-modules/registry-root");
    fs::copy(src.join("main.tf"), dir.path().join("main.tf")).unwrap();
    if installed {
        let modules = dir.path().join(".terraform/modules");
        for key in ["site", "archive"] {
            fs::create_dir_all(modules.join(key)).unwrap();
            for f in ["main.tf", "policy.tf", "variables.tf", "outputs.tf"] {
                fs::copy(root().join(MODULE).join(f), modules.join(key).join(f)).unwrap();
            }
        }
        fs::copy(
            src.join("terraform-init.json"),
            modules.join("modules.json"),
        )
        .unwrap();
    }
    dir
}

/// A registry module installed by `terraform init` is read from
/// `.terraform/modules`; its findings are shown at the caller's lines,
/// since the module's files are not the user's to edit.
#[test]
fn registry_modules_are_read_where_terraform_init_put_them() {
    let dir = registry_root(true);
    let out = bucketlint(&["check", "--format", "json", "."], dir.path());
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&out);
    let all = findings(&report);
    assert!(
        all.contains(&row(
            "BL101",
            "main.tf",
            10,
            "module.site.aws_s3_bucket_acl.this"
        )),
        "{all:?}"
    );
    // The caller's own policy statement is in the caller's file, in the
    // module block's arguments.
    assert!(
        all.contains(&row("BL201", "main.tf", 18, "module.site")),
        "{all:?}"
    );
    // What the module's code lacks is shown at the module block.
    assert!(
        all.contains(&row(
            "BL205",
            "main.tf",
            5,
            "module.site.aws_s3_bucket_policy.this"
        )),
        "{all:?}"
    );
    for (_, file, _, resource) in &all {
        assert_eq!(file, "main.tf", "never inside .terraform");
        assert!(!resource.starts_with("module.archive"), "{all:?}");
    }
    assert!(report["notes"].as_array().unwrap().is_empty());
}

/// Without `terraform init`, a registry module is a note that says how to
/// make it checkable: exit 0 alone, exit 2 with --strict.
#[test]
fn registry_modules_not_installed_are_notes() {
    let dir = registry_root(false);
    let out = bucketlint(&["check", "--format", "json", "."], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let report = json(&out);
    let notes = report["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 2, "{notes:?}");
    let first = notes[0]["message"].as_str().unwrap();
    assert!(first.contains("module `site`"), "{first}");
    assert!(first.contains("terraform init"), "{first}");
    assert_eq!(notes[0]["line"], 6);
    let strict = bucketlint(&["check", "--strict", "--format", "json", "."], dir.path());
    assert_eq!(strict.status.code(), Some(2));
}

/// A suppression above a module call covers what the call makes.
#[test]
fn a_suppression_on_the_module_block_covers_its_findings() {
    let dir = registry_root(true);
    let main = dir.path().join("main.tf");
    let text = fs::read_to_string(&main).unwrap().replace(
        "module \"site\" {",
        "# bucketlint:ignore[acl-public-read,policy-public-principal] a public site, reviewed\nmodule \"site\" {",
    );
    fs::write(&main, text).unwrap();
    let out = bucketlint(&["check", "--format", "json", "."], dir.path());
    let report = json(&out);
    let rules: Vec<String> = findings(&report).into_iter().map(|f| f.0).collect();
    assert!(!rules.contains(&"BL101".to_string()), "{rules:?}");
    assert!(!rules.contains(&"BL201".to_string()), "{rules:?}");
    assert!(rules.contains(&"BL205".to_string()), "{rules:?}");
    assert_eq!(report["summary"]["suppressed"], 2);
}

/// The report of checking `dir` with the rules `select` only.
fn selected(dir: &Path, select: &str) -> serde_json::Value {
    json(&bucketlint(
        &["check", "--format", "json", "--select", select, "."],
        dir,
    ))
}

fn scratch(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path: PathBuf = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

/// A count known only at plan time keeps the resource, and the finding
/// says it holds only for some inputs; a literal `count = 0` makes nothing.
#[test]
fn unknown_counts_are_said_and_zero_counts_make_nothing() {
    let dir = scratch(&[(
        "main.tf",
        r#"variable "public" {
  type = bool
}

resource "aws_s3_bucket" "site" {
  bucket = "example-site"
}

resource "aws_s3_bucket_acl" "site" {
  count  = var.public ? 1 : 0
  bucket = aws_s3_bucket.site.id
  acl    = "public-read"
}

resource "aws_s3_bucket_acl" "never" {
  count  = 0
  bucket = aws_s3_bucket.site.id
  acl    = "public-read-write"
}
"#,
    )]);
    let report = selected(dir.path(), "BL101,BL102");
    assert_eq!(
        findings(&report),
        vec![row("BL101", "main.tf", 12, "aws_s3_bucket_acl.site")]
    );
    let m = &messages(&report)[0];
    assert!(
        m.contains("This holds only for some inputs: the `count` of `aws_s3_bucket_acl.site` is 0 for some inputs."),
        "{m}"
    );
}

/// for_each over a literal map, each.value, splats, join and a `for`
/// expression: companions are linked to the instance they name.
#[test]
fn for_each_instances_and_their_companions() {
    let dir = scratch(&[(
        "main.tf",
        r#"locals {
  buckets = {
    site = { acl = "public-read" }
    data = { acl = "private" }
  }
  names = [for k, v in local.buckets : "example-${k}"]
}

resource "aws_s3_bucket" "this" {
  for_each = local.buckets
  bucket   = "example-${each.key}"
}

resource "aws_s3_bucket_acl" "this" {
  for_each = local.buckets
  bucket   = aws_s3_bucket.this[each.key].id
  acl      = each.value.acl
}

resource "aws_s3_bucket_versioning" "all" {
  for_each = toset(local.names)
  bucket   = each.value
  versioning_configuration {
    status = "Enabled"
  }
}
"#,
    )]);
    let report = selected(dir.path(), "BL101,BL501");
    assert_eq!(
        findings(&report),
        vec![row("BL101", "main.tf", 17, "aws_s3_bucket_acl.this")]
    );
    let m = &messages(&report)[0];
    assert!(m.contains("aws_s3_bucket.this[\"site\"]"), "{m}");
}

/// A module that calls itself is an error of that call, with the chain;
/// the rest is still checked.
#[test]
fn a_module_calling_itself_is_an_error_not_a_hang() {
    let dir = scratch(&[
        (".git/HEAD", ""),
        (
            "main.tf",
            "module \"again\" {\n  source = \"./\"\n}\n\nresource \"aws_s3_bucket_acl\" \"a\" {\n  bucket = \"example\"\n  acl    = \"public-read\"\n}\n",
        ),
    ]);
    let out = bucketlint(&["check", "--format", "json", "."], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let report = json(&out);
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = errors[0]["message"].as_str().unwrap();
    assert!(e.contains("module `again` (./) calls itself"), "{e}");
    assert!(e.contains(" -> "), "{e}");
    assert!(findings(&report).iter().any(|f| f.0 == "BL101"));
}

/// A plan whose bucket names are known only after apply: companions are
/// linked to their bucket through the plan's `configuration` (its
/// versioning counts, its ACL is the bucket's), also in a counted module.
#[test]
fn plans_link_companions_through_their_configuration() {
    let out = bucketlint(
        &[
            "check",
            "--format",
            "json",
            "--select",
            "BL101,BL501",
            "fixtures/terraform-modules/plans/plan.json",
        ],
        root(),
    );
    let report = json(&out);
    assert_eq!(
        findings(&report),
        vec![row(
            "BL101",
            "fixtures/terraform-modules/plans/plan.json",
            19,
            "aws_s3_bucket_acl.site"
        )]
    );
    let m = &messages(&report)[0];
    assert!(
        m.starts_with("The ACL of bucket `aws_s3_bucket.site` "),
        "{m}"
    );
}

/// Without a configuration, a companion of a bucket known only after apply
/// is not named after itself.
#[test]
fn plans_without_configuration_name_the_unknown_bucket_by_its_argument() {
    let text =
        fs::read_to_string(root().join("fixtures/terraform-modules/plans/plan.json")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc.as_object_mut().unwrap().remove("configuration");
    let dir = scratch(&[("plan.json", &serde_json::to_string_pretty(&doc).unwrap())]);
    let out = bucketlint(
        &[
            "check",
            "--format",
            "json",
            "--select",
            "BL101",
            "plan.json",
        ],
        dir.path(),
    );
    let m = &messages(&json(&out))[0];
    assert!(
        m.starts_with("The ACL of bucket `aws_s3_bucket_acl.site.bucket` "),
        "{m}"
    );
}

/// `terraform show -json` of a state is read like a plan.
#[test]
fn state_files_are_checked() {
    let out = bucketlint(
        &[
            "check",
            "--format",
            "json",
            "--select",
            "BL201,BL501",
            "fixtures/terraform-modules/plans/state.json",
        ],
        root(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        findings(&json(&out)),
        vec![row(
            "BL201",
            "fixtures/terraform-modules/plans/state.json",
            33,
            "module.site.aws_s3_bucket_policy.this"
        )]
    );
}

/// A module's outputs are known to its caller: a companion in the root
/// module configures the bucket the module made, and a count over a list
/// of modules' outputs is known.
#[test]
fn module_outputs_link_companions_to_module_buckets() {
    let dir = scratch(&[
        (".git/HEAD", ""),
        (
            "modules/bucket/main.tf",
            "variable \"name\" {}\n\nresource \"aws_s3_bucket\" \"this\" {\n  bucket = var.name\n}\n\noutput \"id\" {\n  value = aws_s3_bucket.this.id\n}\n",
        ),
        (
            "main.tf",
            r#"module "logs" {
  source = "./modules/bucket"
  name   = "example-logs"
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = module.logs.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_acl" "logs" {
  count  = length([module.logs.id])
  bucket = module.logs.id
  acl    = "public-read"
}
"#,
        ),
    ]);
    let report = selected(dir.path(), "BL101,BL501");
    assert_eq!(
        findings(&report),
        vec![row("BL101", "main.tf", 16, "aws_s3_bucket_acl.logs")]
    );
    let m = &messages(&report)[0];
    assert!(m.contains("bucket `module.logs.aws_s3_bucket.this`"), "{m}");
}

/// Expansion is bounded: past 10,000 instances a note says what was left
/// out, and the first ones are still checked.
#[test]
fn huge_counts_are_bounded_with_a_note() {
    let dir = scratch(&[(
        "main.tf",
        "resource \"aws_s3_bucket_acl\" \"many\" {\n  count  = 20000\n  bucket = \"example-many\"\n  acl    = \"public-read\"\n}\n",
    )]);
    let report = selected(dir.path(), "BL101");
    let notes = report["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    let note = notes[0]["message"].as_str().unwrap();
    assert!(
        note.contains("has a count of 20000: only the first 10000 instances are checked"),
        "{note}"
    );
    assert_eq!(
        findings(&report),
        vec![row("BL101", "main.tf", 4, "aws_s3_bucket_acl.many")]
    );
}

/// A variable file named on the command line (as the pre-commit hook
/// passes a changed `prod.tfvars`) checks the module beside it with its
/// values applied after the module's own, like `-var-file`; one with no
/// module beside it is listed as passed over, and alone it checks nothing.
#[test]
fn a_named_variable_file_checks_its_module_with_its_values() {
    let dir = "fixtures/terraform-inputs/named-tfvars";
    let run = |file: &str| {
        let out = bucketlint(
            &[
                "check",
                "--format",
                "json",
                "--select",
                "BL101,BL104",
                &format!("{dir}/{file}"),
            ],
            root(),
        );
        (out.status.code(), findings(&json(&out)))
    };
    let main = format!("{dir}/main.tf");
    let (code, found) = run("prod.tfvars");
    assert_eq!(code, Some(1));
    assert_eq!(
        found,
        vec![
            row("BL101", &main, 23, "aws_s3_bucket_acl.assets"),
            row(
                "BL104",
                &main,
                14,
                "aws_s3_bucket_public_access_block.assets"
            ),
        ]
    );
    // The twin: staging keeps the defaults.
    let (code, found) = run("staging.tfvars");
    assert_eq!(code, Some(0));
    assert!(found.is_empty(), "{found:?}");

    let out = bucketlint(
        &["check", "-v", &format!("{dir}/envs/shared.tfvars")],
        root(),
    );
    assert_eq!(out.status.code(), Some(2));
    let log = common::text(&out);
    assert!(log.contains("nothing was checked"), "{log}");
    assert!(
        log.contains("skipped fixtures/terraform-inputs/named-tfvars/envs/shared.tfvars: a Terraform variable file with no module"),
        "{log}"
    );
    let out = bucketlint(
        &[
            "check",
            "--allow-empty",
            &format!("{dir}/envs/shared.tfvars"),
        ],
        root(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out));
}

/// `terraform.tfvars.json` and `*.auto.tfvars.json` are loaded by
/// Terraform like their HCL forms, in its order: `terraform.tfvars`,
/// `terraform.tfvars.json`, then the auto files in lexical order.
#[test]
fn json_variable_files_load_in_terraforms_order() {
    let scratch = tempfile::tempdir().unwrap();
    let m = scratch.path();
    fs::write(
        m.join("main.tf"),
        "variable \"acl\" {\n  default = \"private\"\n}\n\nresource \"aws_s3_bucket_acl\" \"data\" {\n  bucket = \"data\"\n  acl    = var.acl\n}\n",
    )
    .unwrap();
    fs::write(m.join("terraform.tfvars"), "acl = \"authenticated-read\"\n").unwrap();
    fs::write(
        m.join("terraform.tfvars.json"),
        "{\"acl\": \"public-read-write\"}\n",
    )
    .unwrap();
    let out = bucketlint(&["check", "--format", "json", "--select", "BL1", "."], m);
    let rules: Vec<_> = findings(&json(&out)).into_iter().map(|f| f.0).collect();
    // public-read-write: everyone reads and writes.
    assert_eq!(rules, ["BL101", "BL102"], "{}", common::text(&out));
    fs::write(m.join("b.auto.tfvars.json"), "{\"acl\": \"public-read\"}\n").unwrap();
    fs::write(m.join("a.auto.tfvars"), "acl = \"private\"\n").unwrap();
    let out = bucketlint(&["check", "--format", "json", "--select", "BL1", "."], m);
    let rules: Vec<_> = findings(&json(&out)).into_iter().map(|f| f.0).collect();
    assert_eq!(rules, ["BL101"], "{}", common::text(&out));
}

/// Checks `fixtures/terraform-modules/s3-bucket-v5/examples/<example>`
/// with `rules`: (rule, file, line) of each finding.
fn v5(example: &str, rules: &str) -> Vec<(String, String, u64)> {
    let at = format!("fixtures/terraform-modules/s3-bucket-v5/examples/{example}");
    let out = bucketlint(
        &["check", "--format", "json", "--select", rules, &at],
        root(),
    );
    findings(&json(&out))
        .into_iter()
        .map(|(rule, file, line, _)| (rule, file, line))
        .collect()
}

fn at(rule: &str, file: &str, line: u64) -> (String, String, u64) {
    (
        rule.into(),
        format!("fixtures/terraform-modules/s3-bucket-v5/{file}"),
        line,
    )
}

#[test]
fn a_policy_filled_in_by_replace_is_judged_at_the_callers_statement() {
    // The module composes every policy with one policy document whose
    // placeholders replace() fills in with values known only at apply: the
    // caller's public statement is still public, reported where it is
    // written; the module's TLS statement still counts.
    let rules = "BL201,BL205,BL206,BL001";
    assert_eq!(
        v5("public-policy", rules),
        [at("BL201", "examples/public-policy/main.tf", 20)]
    );
    // Its twin: one role of the account, Block Public Access on.
    assert_eq!(v5("tls-only", rules), []);
}

#[test]
fn try_falls_through_a_missing_key_and_a_failed_conversion() {
    // `{status = true}`: `var.versioning["enabled"]` is missing, so try()
    // takes `tobool(status)`: Enabled. No policy is attached: BL205.
    assert_eq!(
        v5("versioning-status", "BL501,BL205"),
        [at("BL205", "main.tf", 31)]
    );
    // `{status = "suspended"}`: tobool() fails, title(lower()) gives
    // Suspended.
    assert_eq!(
        v5("versioning-suspended", "BL501,BL205"),
        [at("BL501", "main.tf", 45)]
    );
}

#[test]
fn templatefile_renders_a_policy_with_its_variables() {
    // Two statements from one `for` directive: everyone (public), and
    // everyone through one VPC endpoint (pinned, not public).
    let found = v5("templated-policy", "BL201,BL001");
    assert_eq!(
        found,
        [at("BL201", "examples/templated-policy/main.tf", 15)]
    );
    // A template outside the repository is not read: the value is unknown
    // and says why, naming no content.
    let scratch = scratch(&[(
        "main.tf",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n}\nresource \"aws_s3_bucket_policy\" \"b\" {\n  bucket = aws_s3_bucket.b.id\n  policy = templatefile(\"/etc/passwd\", {})\n}\n",
    )]);
    let out = bucketlint(
        &["check", "--format", "json", "--select", "BL001", "."],
        scratch.path(),
    );
    let report = json(&out);
    let text = messages(&report).join("\n");
    assert!(
        text.contains("templatefile(\"/etc/passwd\") could not be read")
            && text.contains("outside the repository")
            && !text.contains("root:"),
        "{text}"
    );
}

#[test]
fn raw_state_files_are_read_like_terraform_show_json() {
    // `terraform.tfstate` (format 4): a module's counted bucket with a
    // public policy and Block Public Access off; its twin grants one
    // other account's role, with Block Public Access on.
    let out = bucketlint(
        &[
            "check",
            "--format",
            "json",
            "--select",
            "BL201,BL206",
            "fixtures/terraform-modules/state-v4",
        ],
        root(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        findings(&json(&out)),
        vec![
            row(
                "BL201",
                "fixtures/terraform-modules/state-v4/public/terraform.tfstate",
                147,
                "module.assets.aws_s3_bucket_policy.this[0]"
            ),
            row(
                "BL206",
                "fixtures/terraform-modules/state-v4/private/terraform.tfstate",
                147,
                "module.assets.aws_s3_bucket_policy.this[0]"
            ),
        ]
    );
    // Every instance is a bucket of its own, by its address.
    let inventory = json(&bucketlint(
        &[
            "inventory",
            "--format",
            "json",
            "fixtures/terraform-modules/state-v4",
        ],
        root(),
    ));
    let mut ids: Vec<&str> = inventory["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        [
            "acme-open-assets-0",
            "acme-open-assets-1",
            "acme-quiet-assets-0",
            "acme-quiet-assets-1"
        ]
    );
}

#[test]
fn plans_and_states_are_never_edited_by_a_fix() {
    let scratch = tempfile::tempdir().unwrap();
    for name in ["plan.json", "state.json"] {
        fs::copy(
            Path::new("fixtures/terraform-modules/plans").join(name),
            scratch.path().join(name),
        )
        .unwrap();
    }
    fs::create_dir(scratch.path().join("raw")).unwrap();
    fs::copy(
        "fixtures/terraform-modules/state-v4/public/terraform.tfstate",
        scratch.path().join("raw/terraform.tfstate"),
    )
    .unwrap();
    let before: Vec<String> = ["plan.json", "state.json", "raw/terraform.tfstate"]
        .iter()
        .map(|f| fs::read_to_string(scratch.path().join(f)).unwrap())
        .collect();
    let out = bucketlint(
        &["check", "--fix", "--unsafe-fixes", "--format", "json", "."],
        scratch.path(),
    );
    let report = json(&out);
    // The findings stay, without a fix to apply.
    assert!(!findings(&report).is_empty(), "{report:#}");
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["fix"].is_null()),
        "{report:#}"
    );
    let after: Vec<String> = ["plan.json", "state.json", "raw/terraform.tfstate"]
        .iter()
        .map(|f| fs::read_to_string(scratch.path().join(f)).unwrap())
        .collect();
    assert_eq!(before, after);
}

#[test]
fn opentofu_files_are_read_and_take_the_place_of_their_tf_twin() {
    // OpenTofu reads `main.tofu` instead of `main.tf` beside it; a
    // `.tofu` file with no twin is read with the `.tf` files.
    let dir = scratch(&[
        (
            "main.tf",
            "resource \"aws_s3_bucket\" \"site\" {\n  bucket = \"site\"\n}\nresource \"aws_s3_bucket_acl\" \"site\" {\n  bucket = aws_s3_bucket.site.id\n  acl    = \"public-read\"\n}\n",
        ),
        (
            "main.tofu",
            "resource \"aws_s3_bucket\" \"site\" {\n  bucket = \"site\"\n}\nresource \"aws_s3_bucket_acl\" \"site\" {\n  bucket = aws_s3_bucket.site.id\n  acl    = \"private\"\n}\n",
        ),
        (
            "logs.tofu",
            "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n}\nresource \"aws_s3_bucket_acl\" \"logs\" {\n  bucket = aws_s3_bucket.logs.id\n  acl    = \"authenticated-read\"\n}\n",
        ),
    ]);
    let report = selected(dir.path(), "BL101,BL103");
    assert_eq!(
        findings(&report),
        vec![row("BL103", "logs.tofu", 6, "aws_s3_bucket_acl.logs")]
    );
}

#[test]
fn a_condition_deciding_whether_a_resource_exists_holds_inside_it() {
    // `count = local.enabled ? 1 : 0` and, inside, `local.enabled ?
    // "Enabled" : "Suspended"`: whenever the versioning exists, it is
    // Enabled. A second, independent switch still leaves Suspended
    // possible, and is said to hold for some inputs.
    let module = |status: &str| {
        format!(
            "variable \"enabled\" {{\n  type    = bool\n  default = true\n}}\n\nvariable \"versioning_enabled\" {{\n  type    = bool\n  default = true\n}}\n\nlocals {{\n  enabled = var.enabled\n}}\n\nresource \"aws_s3_bucket\" \"this\" {{\n  count  = local.enabled ? 1 : 0\n  bucket = \"example-correlated\"\n}}\n\nresource \"aws_s3_bucket_versioning\" \"this\" {{\n  count  = local.enabled && var.versioning_enabled != null ? 1 : 0\n  bucket = aws_s3_bucket.this[0].id\n  versioning_configuration {{\n    status = {status}\n  }}\n}}\n"
        )
    };
    let same = scratch(&[(
        "main.tf",
        &module("local.enabled ? \"Enabled\" : \"Suspended\""),
    )]);
    assert_eq!(findings(&selected(same.path(), "BL501")), vec![]);
    let other = scratch(&[(
        "main.tf",
        &module("var.versioning_enabled ? \"Enabled\" : \"Suspended\""),
    )]);
    let report = selected(other.path(), "BL501");
    assert_eq!(
        findings(&report),
        vec![row("BL501", "main.tf", 24, "aws_s3_bucket_versioning.this")]
    );
    assert!(
        messages(&report)[0].contains("for some inputs"),
        "{report:#}"
    );
}

#[test]
fn each_key_and_value_are_known_in_every_instance_policy() {
    // Two buckets by for_each, one public: its policy, inline or a
    // for_each policy document picked by key, is public; the other's names
    // one account. One finding per instance, at its own severity.
    let head = "locals {\n  buckets = {\n    site    = { public = true }\n    private = { public = false }\n  }\n}\n\nresource \"aws_s3_bucket\" \"this\" {\n  for_each = local.buckets\n  bucket   = \"example-${each.key}\"\n}\n\nresource \"aws_s3_bucket_public_access_block\" \"this\" {\n  for_each                = local.buckets\n  bucket                  = aws_s3_bucket.this[each.key].id\n  block_public_acls       = !each.value.public\n  block_public_policy     = !each.value.public\n  ignore_public_acls      = !each.value.public\n  restrict_public_buckets = !each.value.public\n}\n";
    let inline = format!(
        "{head}\nresource \"aws_s3_bucket_policy\" \"this\" {{\n  for_each = local.buckets\n  bucket   = aws_s3_bucket.this[each.key].id\n  policy = jsonencode({{\n    Statement = [{{\n      Effect    = \"Allow\"\n      Principal = each.value.public ? \"*\" : {{ AWS = \"arn:aws:iam::111122223333:root\" }}\n      Action    = \"s3:GetObject\"\n      Resource  = \"${{aws_s3_bucket.this[each.key].arn}}/*\"\n    }}]\n  }})\n}}\n"
    );
    let by_key = format!(
        "{head}\ndata \"aws_iam_policy_document\" \"read\" {{\n  for_each = local.buckets\n  statement {{\n    actions   = [\"s3:GetObject\"]\n    resources = [\"${{aws_s3_bucket.this[each.key].arn}}/*\"]\n    principals {{\n      type        = \"AWS\"\n      identifiers = each.value.public ? [\"*\"] : [\"arn:aws:iam::111122223333:root\"]\n    }}\n  }}\n}}\n\nresource \"aws_s3_bucket_policy\" \"this\" {{\n  for_each = local.buckets\n  bucket   = aws_s3_bucket.this[each.key].id\n  policy   = data.aws_iam_policy_document.read[each.key].json\n}}\n"
    );
    for (text, line) in [(inline, 28), (by_key, 29)] {
        let dir = scratch(&[("main.tf", &text)]);
        let report = selected(dir.path(), "BL201,BL206,BL001");
        let found: Vec<(String, String, String)> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["severity"].as_str().unwrap().to_string(),
                    f["bucket"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                (
                    "BL201".into(),
                    "high".into(),
                    "aws_s3_bucket.this[\"site\"]".into()
                ),
                (
                    "BL206".into(),
                    "medium".into(),
                    "aws_s3_bucket.this[\"private\"]".into()
                ),
            ],
            "{report:#}"
        );
        assert_eq!(report["findings"][0]["line"], line, "{report:#}");
    }
}

#[test]
fn a_label_module_with_conditionals_over_lines_is_read_and_its_switch_known() {
    // The label module's `for` objects continue conditionals on the next
    // line: it parses, so `module.this.enabled` is known to its callers.
    let on = selected(
        Path::new("fixtures/terraform-modules/label/enabled"),
        "BL101",
    );
    assert_eq!(
        findings(&on),
        vec![row("BL101", "main.tf", 35, "aws_s3_bucket_acl.site")]
    );
    assert!(on["errors"].as_array().unwrap().is_empty(), "{on:#}");
    let off = selected(
        Path::new("fixtures/terraform-modules/label/disabled"),
        "BL101",
    );
    assert_eq!(findings(&off), vec![]);
    assert!(off["errors"].as_array().unwrap().is_empty(), "{off:#}");
}

#[test]
fn companions_belong_to_the_bucket_their_reference_names() {
    // Three buckets of one literal name: the public ACL is `public`'s, the
    // private one `quiet`'s, the encryption `joined`'s (through a local
    // joining a splat, in a file read first); a name known only at apply
    // keeps its encryption by reference.
    let report = selected(
        Path::new("fixtures/terraform-modules/by-reference"),
        "BL101,BL401",
    );
    assert_eq!(
        findings(&report),
        vec![
            row("BL101", "main.tf", 26, "aws_s3_bucket_acl.public"),
            row("BL401", "main.tf", 5, "aws_s3_bucket.public"),
            row("BL401", "main.tf", 29, "aws_s3_bucket.quiet"),
            row("BL401", "main.tf", 62, "aws_s3_bucket.unnamed_bare"),
        ]
    );
    let public = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "BL101")
        .unwrap();
    assert_eq!(public["severity"], "high");
    assert_eq!(public["bucket"], "aws_s3_bucket.public");
}

/// Copies `from` into `to`, folders included.
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn a_fix_never_edits_a_literal_a_condition_chooses_in_a_shared_module() {
    // A caller suspends versioning (`enabled = false`): the finding is on
    // the module's `"Suspended"` branch, which every caller shares; the
    // fix would remove the choice for all of them. No fix, no edit.
    let dir = tempfile::tempdir().unwrap();
    copy_tree(
        Path::new("fixtures/terraform-modules/s3-bucket-v5"),
        dir.path(),
    );
    fs::create_dir(dir.path().join(".git")).unwrap();
    fs::create_dir_all(dir.path().join("examples/off")).unwrap();
    fs::write(
        dir.path().join("examples/off/main.tf"),
        "module \"off\" {\n  source     = \"../../\"\n  bucket     = \"acme-v5-off\"\n  versioning = { enabled = false }\n}\n",
    )
    .unwrap();
    let before = fs::read_to_string(dir.path().join("main.tf")).unwrap();
    let report = json(&bucketlint(
        &[
            "check",
            "--fix",
            "--unsafe-fixes",
            "--format",
            "json",
            "--select",
            "BL501",
            "examples/off",
        ],
        dir.path(),
    ));
    assert_eq!(
        findings(&report),
        vec![row(
            "BL501",
            "main.tf",
            45,
            "module.off.aws_s3_bucket_versioning.this"
        )]
    );
    assert!(report["findings"][0]["fix"].is_null(), "{report:#}");
    assert_eq!(
        fs::read_to_string(dir.path().join("main.tf")).unwrap(),
        before
    );
}

#[test]
fn a_missing_file_is_an_error_try_falls_through_and_outside_is_never_probed() {
    // Missing in the repository: Terraform's error, so try() takes the
    // next argument (a public policy here). Outside: refused whether or not
    // the file exists, so the result says nothing of it.
    let policy = "jsonencode({ Statement = [{ Effect = \"Allow\", Principal = \"*\", Action = \"s3:GetObject\", Resource = \"arn:aws:s3:::example/*\" }] })";
    let main = |path: &str| {
        format!(
            "resource \"aws_s3_bucket\" \"b\" {{\n  bucket = \"example\"\n}}\n\nresource \"aws_s3_bucket_policy\" \"b\" {{\n  bucket = aws_s3_bucket.b.id\n  policy = try(file(\"{path}\"), {policy})\n}}\n"
        )
    };
    let inside = scratch(&[("main.tf", &main("${path.module}/missing.json"))]);
    fs::create_dir(inside.path().join(".git")).unwrap();
    let found = findings(&selected(inside.path(), "BL201,BL001"));
    assert_eq!(
        found,
        vec![row("BL201", "main.tf", 7, "aws_s3_bucket_policy.b")]
    );
    for outside in ["/etc/hostname", "/nonexistent/bucketlint-probe"] {
        let dir = scratch(&[("main.tf", &main(outside))]);
        fs::create_dir(dir.path().join(".git")).unwrap();
        let report = selected(dir.path(), "BL201,BL001");
        let text = messages(&report).join("\n");
        assert!(
            text.contains("leads outside the repository") && !text.contains("not found"),
            "{outside}: {text}"
        );
        assert!(
            findings(&report).iter().all(|f| f.0 == "BL001"),
            "{report:#}"
        );
    }
}

/// A fixed copy of a fixture folder: (report, the folder).
fn fixed(fixture: &str, args: &[&str]) -> (serde_json::Value, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(Path::new(fixture), dir.path());
    fs::create_dir(dir.path().join(".git")).unwrap();
    let mut all = vec!["check", "--fix", "--unsafe-fixes", "--format", "json"];
    all.extend(args);
    (json(&bucketlint(&all, dir.path())), dir)
}

#[test]
fn a_fix_never_edits_a_value_a_key_an_error_or_for_each_chooses() {
    let fixture = "fixtures/terraform-modules/chosen";
    let (report, dir) = fixed(fixture, &["--select", "BL101", "."]);
    // Every chosen ACL is still reported where it is used, unfixed, with
    // a note each; the ACL written as is was fixed and is gone.
    assert_eq!(
        findings(&report),
        vec![
            row("BL101", "main.tf", 24, "aws_s3_bucket_acl.by_key"),
            row("BL101", "main.tf", 33, "aws_s3_bucket_acl.by_lookup"),
            row("BL101", "main.tf", 42, "aws_s3_bucket_acl.by_try"),
            row("BL101", "main.tf", 53, "aws_s3_bucket_acl.by_each"),
        ]
    );
    let notes: Vec<(u64, bool)> = report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let m = n["message"].as_str().unwrap();
            (
                n["line"].as_u64().unwrap(),
                m.starts_with("no fix: a condition, a variable"),
            )
        })
        .collect();
    assert_eq!(notes, [(24, true), (33, true), (42, true), (53, true)]);
    let before = fs::read_to_string(Path::new(fixture).join("main.tf")).unwrap();
    let after = fs::read_to_string(dir.path().join("main.tf")).unwrap();
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(
        changed,
        [(r#"  acl    = "public-read""#, r#"  acl    = "private""#)]
    );
    // The policy one branch of a condition makes public: reported, the
    // branch untouched.
    let (report, dir) = fixed(fixture, &["--select", "BL201", "."]);
    assert_eq!(
        findings(&report),
        vec![row(
            "BL201",
            "main.tf",
            66,
            "aws_s3_bucket_policy.by_condition"
        )]
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("main.tf")).unwrap(),
        before
    );
}

#[test]
fn a_value_a_caller_passed_is_fixed_at_the_callers_argument() {
    let fixture = "fixtures/terraform-modules/caller-argument";
    let module = fs::read_to_string(Path::new(fixture).join("module/main.tf")).unwrap();
    let (report, dir) = fixed(fixture, &["--select", "BL101", "."]);
    assert_eq!(report["findings"], serde_json::json!([]), "{report:#}");
    // The caller's line changed, its comment kept; the module every caller
    // shares and the caller that passed nothing are as they were.
    assert_eq!(
        fs::read_to_string(dir.path().join("public/main.tf")).unwrap(),
        fs::read_to_string(Path::new(fixture).join("public/main.tf"))
            .unwrap()
            .replace(r#""public-read" # the"#, r#""private" # the"#)
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("module/main.tf")).unwrap(),
        module
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("private/main.tf")).unwrap(),
        fs::read_to_string(Path::new(fixture).join("private/main.tf")).unwrap()
    );
    // Before the fix: one finding, at the caller's argument, with the fix.
    let report = json(&bucketlint(
        &["check", "--format", "json", "--select", "BL101", fixture],
        root(),
    ));
    assert_eq!(
        findings(&report),
        vec![row(
            "BL101",
            &format!("{fixture}/public/main.tf"),
            4,
            "module.assets.aws_s3_bucket_acl.this"
        )]
    );
    assert_eq!(
        report["findings"][0]["fix"]["edits"][0]["text"],
        "\"private\""
    );
}

#[test]
fn companions_through_module_outputs_belong_to_that_instances_bucket() {
    // Two instances of one module keep one default name: the public ACL
    // attached through `module.site`'s output is the site bucket's, the
    // encryption through `module.archive`'s the archive's.
    let report = selected(
        Path::new("fixtures/terraform-modules/by-output"),
        "BL101,BL401",
    );
    assert_eq!(
        findings(&report),
        vec![
            row("BL101", "main.tf", 30, "aws_s3_bucket_acl.site"),
            row(
                "BL401",
                "bucket/main.tf",
                8,
                "module.site.aws_s3_bucket.this"
            ),
        ]
    );
    let buckets: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["bucket"].as_str().unwrap())
        .collect();
    assert_eq!(buckets, ["module.site.aws_s3_bucket.this"; 2]);
}

/// (rule, file under `module`, line, resource, severity) of the findings of
/// one example of a fixture module, every rule.
fn example(module: &str, name: &str) -> Vec<(String, String, u64, String, String)> {
    let base = format!("fixtures/terraform-modules/{module}");
    let report = json(&bucketlint(
        &[
            "check",
            "--format",
            "json",
            &format!("{base}/examples/{name}"),
        ],
        root(),
    ));
    assert_eq!(report["errors"], serde_json::json!([]), "{report:#}");
    let mut out: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().replace(&format!("{base}/"), ""),
                f["line"].as_u64().unwrap(),
                f["resource"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn seen(
    rule: &str,
    file: &str,
    line: u64,
    resource: &str,
    severity: &str,
) -> (String, String, u64, String, String) {
    (
        rule.into(),
        file.into(),
        line,
        resource.into(),
        severity.into(),
    )
}

#[test]
fn a_label_family_bucket_module_is_judged_per_caller() {
    // Every resource counted by the label's `enabled`, companions linked
    // through `join("", aws_s3_bucket.default[*].id)`, the policy from
    // dynamic statements and the caller's documents.
    let m = "label";
    assert_eq!(example(m, "complete"), vec![]);
    assert_eq!(example(m, "ssl-only"), vec![]);
    assert_eq!(example(m, "disabled"), vec![]);
    // Two instances of one name: each instance's companions are its own.
    assert_eq!(
        example(m, "same-name"),
        vec![seen(
            "BL501",
            "modules/s3-bucket/main.tf",
            29,
            "module.suspended.aws_s3_bucket_versioning.default",
            "medium"
        )]
    );
    let bucket = "module.s3_bucket.aws_s3_bucket.default";
    assert_eq!(
        example(m, "public-policy"),
        vec![
            seen(
                "BL104",
                "examples/public-policy/main.tf",
                8,
                "module.s3_bucket.aws_s3_bucket_public_access_block.default",
                "high"
            ),
            seen(
                "BL201",
                "examples/public-policy/main.tf",
                16,
                "module.s3_bucket",
                "high"
            ),
        ]
    );
    assert_eq!(
        example(m, "versioning-off"),
        vec![
            seen("BL205", "modules/s3-bucket/main.tf", 18, bucket, "medium"),
            seen(
                "BL501",
                "modules/s3-bucket/main.tf",
                29,
                "module.s3_bucket.aws_s3_bucket_versioning.default",
                "medium"
            ),
        ]
    );
}

#[test]
fn a_private_bucket_module_merges_the_callers_policy() {
    // The caller's policy joins the module's TLS statement through
    // `source_policy_documents` (null when empty); Block Public Access
    // decides whether its public grant is live.
    let m = "private-bucket";
    assert_eq!(example(m, "simple"), vec![]);
    let at = "module.private_bucket";
    assert_eq!(
        example(m, "custom-policy"),
        vec![seen(
            "BL201",
            "examples/custom-policy/main.tf",
            14,
            at,
            "low"
        )]
    );
    assert_eq!(
        example(m, "no-public-access-block"),
        vec![
            seen(
                "BL105",
                "main.tf",
                45,
                "module.private_bucket.aws_s3_bucket.private_bucket",
                "low"
            ),
            seen(
                "BL201",
                "examples/no-public-access-block/main.tf",
                14,
                at,
                "high"
            ),
        ]
    );
    assert_eq!(
        example(m, "versioning-suspended"),
        vec![seen(
            "BL501",
            "examples/versioning-suspended/main.tf",
            7,
            "module.private_bucket.aws_s3_bucket_versioning.private_bucket",
            "medium"
        )]
    );
}

/// Every file under `dir`, relative, with its text.
fn texts(dir: &Path) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                pending.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, fs::read_to_string(&p).unwrap());
            }
        }
    }
    out
}

#[test]
fn fixing_the_public_modules_and_their_examples_edits_callers_only() {
    // `--fix --unsafe-fixes` over each module with its examples: what a
    // caller chose is fixed in the caller; no module file every caller
    // shares changes.
    for (module, changed) in [
        (
            "s3-bucket-v5",
            vec![
                "examples/public-policy/main.tf",
                "examples/templated-policy/main.tf",
            ],
        ),
        (
            "label",
            vec!["enabled/main.tf", "examples/public-policy/main.tf"],
        ),
        (
            "private-bucket",
            vec!["examples/versioning-suspended/main.tf"],
        ),
    ] {
        let fixture = format!("fixtures/terraform-modules/{module}");
        let (_, dir) = fixed(&fixture, &["."]);
        let before = texts(Path::new(&fixture));
        let after = texts(dir.path());
        let edited: Vec<&str> = before
            .iter()
            .filter(|(k, v)| after.get(*k) != Some(v))
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(edited, changed, "{module}");
    }
}

#[test]
fn a_module_terraform_init_installed_is_never_edited_by_a_fix() {
    // Its findings are shown at the caller's module block; a fix would
    // edit generated files the next `terraform init` replaces.
    let dir = registry_root(true);
    fs::create_dir(dir.path().join(".git")).unwrap();
    // A literal no caller chooses, which a fix would otherwise edit.
    let installed = dir.path().join(".terraform/modules/site/main.tf");
    let mut text = fs::read_to_string(&installed).unwrap();
    text.push_str("\nresource \"aws_s3_bucket_versioning\" \"extra\" {\n  count  = local.create_bucket ? 1 : 0\n  bucket = aws_s3_bucket.this[0].id\n  versioning_configuration {\n    status = \"Suspended\"\n  }\n}\n");
    fs::write(&installed, text).unwrap();
    let before = texts(dir.path());
    let report = json(&bucketlint(
        &["check", "--fix", "--unsafe-fixes", "--format", "json", "."],
        dir.path(),
    ));
    assert!(
        !report["findings"].as_array().unwrap().is_empty(),
        "{report:#}"
    );
    let after = texts(dir.path());
    let edited: Vec<&String> = before
        .keys()
        .filter(|k| after.get(*k) != before.get(*k))
        .collect();
    assert!(
        edited.iter().all(|k| !k.starts_with(".terraform/")),
        "{edited:?}"
    );
}

#[test]
fn a_module_source_built_from_variables_is_resolved_or_read_where_init_put_it() {
    // OpenTofu evaluates variables and locals in `source` and `version`
    // early: one known from a default is a path like any other; one not
    // known here was known to `terraform init`, which says where it went.
    let dir = registry_root(true);
    let main = fs::read_to_string(dir.path().join("main.tf")).unwrap();
    let computed = main
        .replacen(
            r#"source  = "example-org/s3-bucket/aws""#,
            r#"source  = "${var.registry}/s3-bucket/aws""#,
            1,
        )
        .replacen(
            r#"source  = "example-org/s3-bucket/aws""#,
            r#"source  = local.archive_source"#,
            1,
        );
    assert_ne!(computed, main);
    let extra = "\nvariable \"registry\" {\n  type = string\n}\n\nlocals {\n  archive_source = \"example-org/s3-bucket/aws\"\n}\n";
    fs::write(dir.path().join("main.tf"), format!("{computed}{extra}")).unwrap();
    let report = json(&bucketlint(&["check", "--format", "json", "."], dir.path()));
    let all = findings(&report);
    assert!(
        all.contains(&row(
            "BL101",
            "main.tf",
            10,
            "module.site.aws_s3_bucket_acl.this"
        )),
        "{all:?}"
    );
    assert!(report["notes"].as_array().unwrap().is_empty(), "{report:#}");
    // Not installed: a note says so, and nothing is guessed.
    fs::remove_dir_all(dir.path().join(".terraform")).unwrap();
    let report = json(&bucketlint(&["check", "--format", "json", "."], dir.path()));
    assert_eq!(findings(&report), vec![]);
    let notes: Vec<&str> = report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["message"].as_str().unwrap())
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes[0].contains("source not known statically"),
        "{notes:?}"
    );
    assert!(
        notes[1].contains("`example-org/s3-bucket/aws`"),
        "{notes:?}"
    );
}

#[test]
fn provider_v6_region_arguments_change_nothing_a_bucket_is() {
    // `region` on each resource and the computed `bucket_region` leave
    // companions with their bucket: the eu bucket is public, us is not.
    let report = selected(
        Path::new("fixtures/terraform-modules/provider-v6"),
        "BL101,BL104,BL105,BL109",
    );
    assert_eq!(
        findings(&report),
        vec![
            row("BL101", "main.tf", 42, "aws_s3_bucket_acl.eu"),
            row(
                "BL104",
                "main.tf",
                33,
                "aws_s3_bucket_public_access_block.eu"
            ),
            row(
                "BL109",
                "main.tf",
                26,
                "aws_s3_bucket_ownership_controls.eu"
            ),
        ]
    );
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["bucket"] == "aws_s3_bucket.eu")
    );
}

#[test]
fn test_query_and_stack_files_are_not_configuration() {
    // Terraform reads `.tftest.hcl`, `.tfquery.hcl`, `.tfcomponent.hcl`
    // and `.tfdeploy.hcl` with other commands: their blocks are not
    // resources of the module, and their syntax is not a module's.
    let public = "resource \"aws_s3_bucket_acl\" \"x\" {\n  bucket = \"acme-test\"\n  acl    = \"public-read\"\n}\n";
    let dir = scratch(&[
        (
            "main.tf",
            "resource \"aws_s3_bucket\" \"x\" {\n  bucket = \"acme-test\"\n}\n",
        ),
        (
            "tests/acl.tftest.hcl",
            "run \"acl\" {\n  command = plan\n}\n",
        ),
        ("acl.tftest.hcl", public),
        ("list.tfquery.hcl", public),
        ("stack.tfcomponent.hcl", public),
        (
            "deployments.tfdeploy.hcl",
            "deployment \"prod\" {\n  inputs = {}\n}\n",
        ),
    ]);
    fs::create_dir(dir.path().join(".git")).unwrap();
    let report = selected(dir.path(), "BL101");
    assert_eq!(findings(&report), vec![]);
    assert_eq!(report["errors"], serde_json::json!([]));
    assert_eq!(report["summary"]["files"], 1, "{report:#}");
}
