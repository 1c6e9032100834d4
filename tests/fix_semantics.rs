//! A fix is judged by what it does, not by its rule going quiet: for each
//! fixable rule, over its failing CloudFormation fixtures (YAML and JSON),
//! every resource whose finding the fix removed is checked again with the
//! model's and the policy engine's own analysis: the ACL grants nothing to
//! the public, Block Public Access is on, the Deny of plain HTTP covers the
//! bucket and its objects, a narrowed wildcard grants nothing it did not.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use bucketlint::check::{Options, run};
use bucketlint::fix::Safety;
use bucketlint::model::s3::{Access, Audience, PAB_FLAGS, certainly_true, encryption_rules};
use bucketlint::model::{Model, Resource, cfn};
use bucketlint::parse::{json, yaml};
use bucketlint::policy::{self, ActionSet, Level};
use bucketlint::rules::{self, Rule};

fn model_of(path: &Path) -> Model {
    let text = fs::read_to_string(path).unwrap();
    let doc = match path.extension().and_then(|e| e.to_str()) {
        Some("json") => json::parse(&text, json::Placement::At(0, 0)).unwrap().value,
        _ => yaml::parse(&text, 0).unwrap().docs.remove(0),
    };
    cfn::build(&doc, &Default::default())
}

/// The resources the rule reports in `path`.
fn reported(path: &Path, rule: &'static Rule, fix: bool) -> BTreeSet<String> {
    let report = run(&Options {
        paths: vec![path.to_path_buf()],
        rules: vec![rule],
        fix: fix.then_some(Safety::Unsafe),
        ..Options::default()
    });
    assert!(
        report.errors.is_empty(),
        "{}: {:?}",
        path.display(),
        report.errors.iter().map(|e| &e.message).collect::<Vec<_>>()
    );
    report
        .findings
        .iter()
        .map(|f| match f.bucket.as_deref() {
            Some((bucket, _)) if !rule.name.starts_with("iam-") => bucket.clone(),
            _ => f.resource.clone(),
        })
        .collect()
}

/// Every S3 action an Allow statement grants, over a set of statements.
fn allowed(statements: &[policy::Statement]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = statements
        .iter()
        .filter(|s| s.is_allow())
        .flat_map(|s| s.s3_actions().0.iter().map(|a| a.name).collect::<Vec<_>>())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// A wildcard in an Allow that still covers writes or permission changes.
fn broad_wildcard(statements: &[policy::Statement]) -> Option<String> {
    statements
        .iter()
        .filter(|s| s.is_allow())
        .flat_map(|s| s.action_items())
        .filter_map(|item| item.as_str())
        .find(|p| {
            p.contains(['*', '?'])
                && ActionSet::matching(&[p])
                    .any(|a| matches!(a.level, Level::Write | Level::PermissionsManagement))
        })
        .map(str::to_string)
}

fn bucket<'a>(model: &'a Model, id: &str) -> (usize, &'a Resource) {
    model
        .buckets()
        .find(|(_, b)| b.id == id)
        .unwrap_or_else(|| panic!("bucket {id}"))
}

fn policy_statements<'a>(model: &'a Model, index: usize) -> Vec<policy::Statement<'a>> {
    model
        .bucket_policies()
        .filter(|p| p.bucket == Some(index))
        .filter_map(|p| p.properties.get("PolicyDocument"))
        .flat_map(policy::statements)
        .collect()
}

fn identity_statements<'a>(model: &'a Model, id: &str) -> Vec<policy::Statement<'a>> {
    model
        .identity_policies()
        .into_iter()
        .filter(|p| p.resource.id == id)
        .flat_map(|p| policy::statements(p.document))
        .collect()
}

/// A narrowed wildcard: none left that covers writes or permission
/// changes (but `*` when `keep_star`), and no S3 action gained.
fn narrowed(
    now: &[policy::Statement],
    before: &[policy::Statement],
    keep_star: bool,
) -> Result<(), String> {
    if let Some(w) = broad_wildcard(now).filter(|w| !(keep_star && w == "*")) {
        return Err(format!("still allows `{w}`"));
    }
    let gained: Vec<_> = allowed(now)
        .into_iter()
        .filter(|a| !allowed(before).contains(a))
        .collect();
    gained
        .is_empty()
        .then_some(())
        .ok_or(format!("now allows {gained:?}"))
}

/// Whether the exposure rule `rule` describes is gone from `id` in the
/// fixed model, judged by the analysis itself; `was` is the model before.
fn exposure_gone(rule: &str, fixed: &Model, was: &Model, id: &str) -> Result<(), String> {
    let flag_on = |b: &Resource| {
        PAB_FLAGS
            .iter()
            .all(|f| certainly_true(b.properties.path(&["PublicAccessBlockConfiguration", f])))
    };
    match rule {
        "acl-public-read" | "acl-public-write" | "acl-authenticated-read" => {
            let (_, b) = bucket(fixed, id);
            let left: Vec<_> = b
                .public_acl_grants()
                .into_iter()
                .filter(|g| match rule {
                    "acl-public-read" => {
                        g.audience == Audience::AllUsers && g.access == Access::Read
                    }
                    "acl-public-write" => {
                        g.audience == Audience::AllUsers
                            && matches!(g.access, Access::Write | Access::FullControl)
                    }
                    _ => g.audience == Audience::AuthenticatedUsers,
                })
                .collect();
            left.is_empty()
                .then_some(())
                .ok_or(format!("still grants {left:?}"))
        }
        "public-access-block-missing" | "public-access-block-disabled" => {
            let (_, b) = bucket(fixed, id);
            flag_on(b).then_some(()).ok_or("a setting is not on".into())
        }
        "versioning-disabled" => {
            let (_, b) = bucket(fixed, id);
            let status = b.properties.path(&["VersioningConfiguration", "Status"]);
            (status.and_then(|s| s.as_str()) == Some("Enabled"))
                .then_some(())
                .ok_or(format!("status {status:?}"))
        }
        "encryption-missing" => {
            let (_, b) = bucket(fixed, id);
            encryption_rules(b)
                .iter()
                .any(|r| {
                    r.path(&["ServerSideEncryptionByDefault", "SSEAlgorithm"])
                        .is_some()
                })
                .then_some(())
                .ok_or("no algorithm".into())
        }
        "object-ownership-acls-enabled" => {
            let (_, b) = bucket(fixed, id);
            let rules = b.properties.path(&["OwnershipControls", "Rules"]);
            rules
                .map(|r| r.items())
                .unwrap_or_default()
                .iter()
                .all(|r| {
                    r.get("ObjectOwnership").and_then(|o| o.as_str()) == Some("BucketOwnerEnforced")
                })
                .then_some(())
                .ok_or("ACLs still enabled".into())
        }
        "policy-insecure-transport" => {
            let (i, _) = bucket(fixed, id);
            policy_statements(fixed, i)
                .iter()
                .filter_map(policy::tls_deny)
                .any(|d| d.is_complete())
                .then_some(())
                .ok_or("no complete Deny of plain HTTP".into())
        }
        "policy-wildcard-action" => {
            let (i, _) = bucket(fixed, id);
            let (j, _) = bucket(was, id);
            narrowed(
                &policy_statements(fixed, i),
                &policy_statements(was, j),
                false,
            )
        }
        "iam-s3-wildcard-action" => {
            // `*` in an IAM policy is left alone by the fix.
            narrowed(
                &identity_statements(fixed, id),
                &identity_statements(was, id),
                true,
            )
        }
        other => Err(format!("no semantic check for fixable rule {other}")),
    }
}

#[test]
fn every_fix_removes_the_exposure_by_the_engines_own_analysis() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for rule in rules::RULES.iter().copied().filter(|r| r.autofix.is_some()) {
        let dir = root.join("fixtures").join(rule.name);
        let mut files: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                let name = p.file_name().unwrap().to_string_lossy().to_string();
                name.starts_with("fail") && (name.ends_with(".yaml") || name.ends_with(".json"))
            })
            .collect();
        files.sort();
        let mut fixed_here = 0;
        for fixture in files {
            let scratch = tempfile::tempdir().unwrap();
            let path = scratch.path().join(fixture.file_name().unwrap());
            fs::copy(&fixture, &path).unwrap();
            let was = model_of(&path);
            let before = reported(&path, rule, false);
            reported(&path, rule, true);
            let after = reported(&path, rule, false);
            let fixed = model_of(&path);
            for id in before.difference(&after) {
                if let Err(why) = exposure_gone(rule.name, &fixed, &was, id) {
                    panic!(
                        "{} fixed `{id}` in {}, but {why}",
                        rule.name,
                        fixture.display()
                    );
                }
                fixed_here += 1;
            }
        }
        assert!(
            fixed_here > 0,
            "{}: no fixture finding was fixed",
            rule.name
        );
        checked += fixed_here;
    }
    assert!(checked >= 11);
}

/// One `--fix` run reaches the fixed point: a bucket needing five fixes of
/// five rules gets them all, and a second run changes nothing.
#[test]
fn one_fix_run_applies_every_fix_a_bucket_needs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scratch = tempfile::tempdir().unwrap();
    let path = scratch.path().join("template.yaml");
    fs::copy(
        root.join("fixtures/versioning-disabled/fail-document-start.yaml"),
        &path,
    )
    .unwrap();
    let fix = || {
        run(&Options {
            paths: vec![path.clone()],
            rules: rules::RULES
                .iter()
                .copied()
                .filter(|r| r.default_enabled)
                .collect(),
            fix: Some(Safety::Unsafe),
            ..Options::default()
        })
    };
    let first = fix();
    assert!(first.fixed >= 5, "fixed {}", first.fixed);
    let once = fs::read_to_string(&path).unwrap();
    let second = fix();
    assert_eq!(second.fixed, 0);
    assert_eq!(fs::read_to_string(&path).unwrap(), once);
    let model = model_of(&path);
    let (_, b) = bucket(&model, "MyBucket");
    for property in [
        "VersioningConfiguration",
        "BucketEncryption",
        "PublicAccessBlockConfiguration",
    ] {
        assert!(b.properties.get(property).is_some(), "{property}");
    }
}
