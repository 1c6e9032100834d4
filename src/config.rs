//! `bucketlint.toml` (or `.bucketlint.toml`): the project's settings,
//! found by walking up from each checked path. Command-line flags win
//! over it. Unknown keys and unknown rule names are errors that point into
//! the file.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobMatcher, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::boundary::Boundary;
use crate::rules::registry::{self as rules, RULES};
use crate::rules::rule::{Rule, RuleOptions, Severity};

pub const NAMES: [&str; 2] = ["bucketlint.toml", ".bucketlint.toml"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Raw {
    select: Option<Vec<Spanned<String>>>,
    extend_select: Option<Vec<Spanned<String>>>,
    /// Rule names, or tables (`[[ignore]]`) naming deployed buckets.
    ignore: Option<Vec<Spanned<toml::Value>>>,
    exclude: Option<Vec<Spanned<String>>>,
    per_file_ignores: Option<BTreeMap<Spanned<String>, Vec<Spanned<String>>>>,
    fail_on: Option<Spanned<String>>,
    guard_rules: Option<Vec<Spanned<String>>>,
    guard_severity: Option<BTreeMap<String, Spanned<String>>>,
    rules: Option<BTreeMap<Spanned<String>, Spanned<toml::Table>>>,
}

/// The settings, resolved against the registry.
#[derive(Debug, Default)]
pub struct Config {
    pub path: Option<PathBuf>,
    /// The folder the file is in: globs are relative to it.
    pub dir: PathBuf,
    pub select: Option<Vec<&'static Rule>>,
    pub extend_select: Vec<&'static Rule>,
    pub ignore: Vec<&'static Rule>,
    /// `[[ignore]]` entries: deployed buckets whose findings are ignored.
    pub bucket_ignores: Vec<BucketIgnore>,
    pub exclude: Option<GlobSet>,
    /// `per-file-ignores`: the rules of each entry, in the order of the
    /// globs in `per_file_set`.
    pub per_file_ignores: Vec<Vec<&'static Rule>>,
    /// The entries' globs as one set: a path is matched against all of
    /// them at once (thousands of entries times thousands of findings).
    per_file_set: GlobSet,
    pub fail_on: Option<Severity>,
    /// `guard-rules`: Guard rule files or folders, relative to the file.
    pub guard_rules: Vec<PathBuf>,
    /// What the file may name (its Guard rules): its repository.
    pub boundary: Option<Boundary>,
    /// `[guard-severity]`: the severity of Guard rules by name (over their
    /// `# severity:` comments).
    pub guard_severity: BTreeMap<String, Severity>,
    pub options: RuleOptions,
}

/// An `[[ignore]]` entry: findings on deployed buckets (AWS Config
/// exports) that match, by ARN, `account/region/name` or name, for the
/// rules listed (all when none), are ignored, for the reason given.
#[derive(Debug)]
pub struct BucketIgnore {
    pub bucket: String,
    matcher: GlobMatcher,
    /// `None`: every rule.
    pub rules: Option<Vec<&'static Rule>>,
    pub reason: String,
}

impl BucketIgnore {
    /// Whether the entry covers `rule` on the deployed bucket `id`
    /// (`account/region/name`).
    pub fn covers(&self, id: &str, rule: &Rule) -> bool {
        let name = id.rsplit('/').next().unwrap_or(id);
        let arn = format!("arn:aws:s3:::{name}");
        let rule_ok = self
            .rules
            .as_ref()
            .is_none_or(|list| list.iter().any(|r| r.code == rule.code));
        rule_ok
            && [id, name, arn.as_str()]
                .iter()
                .any(|s| self.matcher.is_match(s))
    }
}

/// A configuration error, with where it is.
#[derive(Debug)]
pub struct Error {
    pub path: PathBuf,
    pub text: String,
    pub span: Option<Range<usize>>,
    pub message: String,
}

/// Rules matching a selector: `all`, a code, a name or a code prefix.
pub fn matching(selector: &str) -> Vec<&'static Rule> {
    if selector.eq_ignore_ascii_case("all") {
        return RULES.to_vec();
    }
    if let Some(r) = rules::find(selector) {
        return vec![r];
    }
    let upper = selector.to_ascii_uppercase();
    RULES
        .iter()
        .copied()
        .filter(|r| r.code.starts_with(&upper))
        .collect()
}

/// The configuration file for `start`: the nearest one in it or above it.
/// A name that is there but is not a plain file (a link, a folder) is
/// still the one found, so that reading it says why it is refused rather
/// than a configuration further up being used in silence.
pub fn find(start: &Path) -> Option<PathBuf> {
    let start = start.canonicalize().ok()?;
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(d) = dir {
        for name in NAMES {
            let candidate = d.join(name);
            if std::fs::symlink_metadata(&candidate).is_ok_and(|m| !m.is_dir()) {
                return Some(candidate);
            }
        }
        dir = d.parent();
    }
    None
}

/// The configuration file for a checked path: the nearest one in or above
/// it. A path that does not exist (an editor buffer) is looked up from its
/// folder.
pub fn for_path(path: &Path) -> Option<PathBuf> {
    find(path).or_else(|| {
        let dir = path.parent()?;
        find(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        })
    })
}

/// How a configuration file came to be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Found beside or above a checked path: the repository's, read only
    /// inside its boundary.
    Found,
    /// Named with `--config` by whoever runs bucketlint.
    Named,
}

/// Reads and resolves a configuration file. Whatever its origin, the Guard
/// rules it names must lie inside its repository boundary (the file's
/// contents are the repository's even when its name is not).
pub fn load(path: &Path, origin: Origin) -> Result<Config, Error> {
    let boundary = Boundary::around(path);
    let read = match origin {
        Origin::Found => boundary.read(path),
        Origin::Named => crate::source::read_text(path),
    };
    let text = read.map_err(|message| Error {
        path: path.to_path_buf(),
        text: String::new(),
        span: None,
        message,
    })?;
    let fail = |span: Option<Range<usize>>, message: String| Error {
        path: path.to_path_buf(),
        text: text.clone(),
        span,
        message,
    };
    let raw: Raw = toml::from_str(&text).map_err(|e| fail(e.span(), e.message().to_string()))?;
    let rules = |list: &Option<Vec<Spanned<String>>>| -> Result<Vec<&'static Rule>, Error> {
        let mut out = Vec::new();
        for s in list.iter().flatten() {
            let m = matching(s.get_ref());
            if m.is_empty() {
                return Err(fail(
                    Some(s.span()),
                    format!("unknown rule `{}`", s.get_ref()),
                ));
            }
            out.extend(m);
        }
        Ok(out)
    };
    let glob = |s: &Spanned<String>| {
        Glob::new(s.get_ref()).map_err(|e| fail(Some(s.span()), format!("invalid glob: {e}")))
    };
    let mut config = Config {
        path: Some(path.to_path_buf()),
        // Canonical once here, not for every path matched against it.
        dir: {
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            dir.canonicalize().unwrap_or(dir)
        },
        select: raw
            .select
            .is_some()
            .then(|| rules(&raw.select))
            .transpose()?,
        extend_select: rules(&raw.extend_select)?,
        boundary: Some(boundary.clone()),
        guard_rules: {
            let base = path.parent().unwrap_or(Path::new("."));
            let mut out = Vec::new();
            for p in raw.guard_rules.iter().flatten() {
                let full = base.join(p.get_ref());
                if !full.exists() {
                    return Err(fail(
                        Some(p.span()),
                        format!("no such file or folder: {}", full.display()),
                    ));
                }
                if !boundary.holds(&full) {
                    return Err(fail(
                        Some(p.span()),
                        format!(
                            "{} leads outside the repository (or the configuration's folder, outside a repository); name rules outside it with --guard-rules",
                            full.display()
                        ),
                    ));
                }
                out.push(full);
            }
            out
        },
        ..Config::default()
    };
    for entry in raw.ignore.iter().flatten() {
        let at = Some(entry.span());
        match entry.get_ref() {
            toml::Value::String(name) => {
                let name = Some(vec![Spanned::new(entry.span(), name.clone())]);
                config.ignore.extend(rules(&name)?);
            }
            // `[[ignore]]` with rules and no bucket: those rules everywhere
            // (TOML forbids `ignore = [...]` beside `[[ignore]]` tables).
            toml::Value::Table(table) if !table.contains_key("bucket") => {
                let Some(list) = table.get("rules") else {
                    return Err(fail(
                        at,
                        "an `[[ignore]]` entry needs `bucket` (an ARN, `account/region/name` or a name, globs allowed) or `rules`".into(),
                    ));
                };
                config
                    .ignore
                    .extend(rule_list(list).map_err(|m| fail(at, m))?);
            }
            toml::Value::Table(table) => config
                .bucket_ignores
                .push(bucket_ignore(table).map_err(|m| fail(at, m))?),
            _ => {
                return Err(fail(
                    at,
                    "an `ignore` entry is a rule name or a table with `bucket` and `reason`".into(),
                ));
            }
        }
    }
    if let Some(list) = &raw.exclude {
        let mut set = GlobSetBuilder::new();
        for g in list {
            set.add(glob(g)?);
        }
        config.exclude = Some(set.build().map_err(|e| fail(None, e.to_string()))?);
    }
    let mut set = GlobSetBuilder::new();
    for (pattern, names) in raw.per_file_ignores.iter().flatten() {
        set.add(glob(pattern)?);
        config.per_file_ignores.push(rules(&Some(names.clone()))?);
    }
    config.per_file_set = set
        .build()
        .map_err(|e| fail(None, format!("per-file-ignores: {e}")))?;
    let severity = |s: &Spanned<String>| match s.get_ref().as_str() {
        "info" => Ok(Severity::Info),
        "low" => Ok(Severity::Low),
        "medium" => Ok(Severity::Medium),
        "high" => Ok(Severity::High),
        other => Err(fail(
            Some(s.span()),
            format!("unknown severity `{other}` (info, low, medium, high)"),
        )),
    };
    if let Some(s) = &raw.fail_on {
        config.fail_on = Some(severity(s)?);
    }
    for (name, s) in raw.guard_severity.iter().flatten() {
        config.guard_severity.insert(name.clone(), severity(s)?);
    }
    for (name, table) in raw.rules.iter().flatten() {
        let Some(rule) = rules::find(name.get_ref()) else {
            return Err(fail(
                Some(name.span()),
                format!("unknown rule `{}`", name.get_ref()),
            ));
        };
        for (key, value) in table.get_ref() {
            match (rule.name, key.as_str()) {
                ("policy-cross-account", "trusted-accounts") => {
                    let accounts = value.as_array().map(|a| {
                        a.iter()
                            .filter_map(|v| v.as_str().map(str::to_string))
                            .collect()
                    });
                    match accounts {
                        Some(a) => config.options.trusted_accounts = a,
                        None => {
                            return Err(fail(
                                Some(table.span()),
                                "trusted-accounts must be a list of account ids".into(),
                            ));
                        }
                    }
                }
                _ => {
                    return Err(fail(
                        Some(table.span()),
                        format!("rule `{}` has no option `{key}`", rule.name),
                    ));
                }
            }
        }
    }
    Ok(config)
}

/// The rules of an `[[ignore]]` table's `rules`: a list of rule names.
fn rule_list(list: &toml::Value) -> Result<Vec<&'static Rule>, String> {
    let names = list.as_array().ok_or("`rules` is a list of rule names")?;
    let mut out = Vec::new();
    for v in names {
        let name = v.as_str().ok_or("`rules` is a list of rule names")?;
        let m = matching(name);
        if m.is_empty() {
            return Err(format!("unknown rule `{name}`"));
        }
        out.extend(m);
    }
    Ok(out)
}

/// An `[[ignore]]` table: `bucket` (ARN, `account/region/name` or name, a
/// glob), `reason`, and optionally `rules`.
fn bucket_ignore(table: &toml::Table) -> Result<BucketIgnore, String> {
    let text = |key: &str| table.get(key).and_then(toml::Value::as_str);
    if let Some(key) = table
        .keys()
        .find(|k| !["bucket", "rules", "reason"].contains(&k.as_str()))
    {
        return Err(format!(
            "unknown key `{key}` in an `[[ignore]]` entry (bucket, rules, reason)"
        ));
    }
    let bucket = text("bucket")
        .ok_or("`bucket` is an ARN, `account/region/name` or a name, globs allowed")?;
    let reason = text("reason")
        .filter(|r| !r.trim().is_empty())
        .ok_or_else(|| format!("the `[[ignore]]` entry for `{bucket}` needs a `reason`"))?;
    let matcher = Glob::new(bucket)
        .map_err(|e| format!("invalid glob `{bucket}`: {e}"))?
        .compile_matcher();
    let rules = table.get("rules").map(rule_list).transpose()?;
    Ok(BucketIgnore {
        bucket: bucket.to_string(),
        matcher,
        rules,
        reason: reason.to_string(),
    })
}

impl Config {
    /// The index of the `[[ignore]]` entry that covers `rule` on the
    /// deployed bucket `id`.
    pub fn bucket_ignored(&self, id: &str, rule: &Rule) -> Option<usize> {
        self.bucket_ignores.iter().position(|b| b.covers(id, rule))
    }

    /// The path relative to the configuration's folder, for globs.
    fn relative(&self, path: &Path) -> PathBuf {
        let abs = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        abs.strip_prefix(&self.dir)
            .map(Path::to_path_buf)
            .unwrap_or(abs)
    }

    /// The rules this configuration selects: `select` (or the rules on by
    /// default), plus `extend-select`, less `ignore`.
    pub fn rules(&self) -> Vec<&'static Rule> {
        let mut v: Vec<&'static Rule> = match &self.select {
            Some(list) => list.clone(),
            None => RULES
                .iter()
                .copied()
                .filter(|r| r.default_enabled)
                .collect(),
        };
        v.extend(&self.extend_select);
        v.retain(|r| !self.ignore.iter().any(|x| x.code == r.code));
        v
    }

    pub fn excluded(&self, path: &Path) -> bool {
        self.exclude.as_ref().is_some_and(|set| {
            let rel = self.relative(path);
            set.is_match(&rel)
                || rel
                    .ancestors()
                    .any(|a| !a.as_os_str().is_empty() && set.is_match(a))
        })
    }

    /// The codes of the rules `per-file-ignores` leaves out in `path`.
    pub fn ignored_rules(&self, path: &Path) -> std::collections::HashSet<&'static str> {
        let rel = self.relative(path);
        self.per_file_set
            .matches(&rel)
            .into_iter()
            .flat_map(|i| self.per_file_ignores[i].iter().map(|r| r.code))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<Config, Error> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bucketlint.toml");
        std::fs::write(&path, text).unwrap();
        load(&path, Origin::Named)
    }

    #[test]
    fn every_key() {
        let c = load_text(
            r#"
select = ["BL1", "policy-public-principal"]
extend-select = ["encryption-not-kms"]
ignore = ["BL105"]
exclude = ["examples/**"]
fail-on = "medium"
guard-rules = ["."]
[guard-severity]
S3_VERSIONING_ON = "low"
[per-file-ignores]
"legacy/*.yaml" = ["acl-public-read"]
[rules.policy-cross-account]
trusted-accounts = ["111122223333"]
"#,
        )
        .unwrap();
        assert!(c.select.unwrap().iter().any(|r| r.code == "BL201"));
        assert_eq!(c.extend_select[0].name, "encryption-not-kms");
        assert_eq!(c.fail_on, Some(Severity::Medium));
        assert_eq!(c.options.trusted_accounts, ["111122223333"]);
        assert_eq!(c.per_file_ignores.len(), 1);
        assert_eq!(c.guard_rules.len(), 1);
        assert_eq!(c.guard_severity["S3_VERSIONING_ON"], Severity::Low);
    }

    #[test]
    fn bucket_ignores_match_arn_id_or_name() {
        let c = load_text(
            r#"
[[ignore]]
bucket = "arn:aws:s3:::acme-public-*"
rules = ["acl-public-read"]
reason = "public website, reviewed"

[[ignore]]
bucket = "222233334444/*"
reason = "sandbox account"
"#,
        )
        .unwrap();
        let acl = rules::find("BL101").unwrap();
        let policy = rules::find("BL201").unwrap();
        let hit = c.bucket_ignored("111122223333/eu-west-1/acme-public-site", acl);
        assert_eq!(
            c.bucket_ignores[hit.unwrap()].reason,
            "public website, reviewed"
        );
        assert!(
            c.bucket_ignored("111122223333/eu-west-1/acme-public-site", policy)
                .is_none()
        );
        assert!(
            c.bucket_ignored("111122223333/eu-west-1/acme-data", acl)
                .is_none()
        );
        assert!(
            c.bucket_ignored("222233334444/us-east-1/anything", policy)
                .is_some()
        );
        // Rules everywhere beside bucket entries, in either TOML form.
        let c = load_text(
            "[[ignore]]\nrules = [\"BL105\"]\n[[ignore]]\nbucket = \"b\"\nreason = \"r\"\n",
        )
        .unwrap();
        assert_eq!((c.ignore.len(), c.bucket_ignores.len()), (1, 1));
        let c = load_text("ignore = [\"BL105\", {bucket = \"b\", reason = \"r\"}]\n").unwrap();
        assert_eq!((c.ignore.len(), c.bucket_ignores.len()), (1, 1));
    }

    #[test]
    fn unknown_keys_and_rules_point_into_the_file() {
        let text = "select = [\"BL201\"]\nfail_on = \"high\"\n";
        let e = load_text(text).unwrap_err();
        assert_eq!(&text[e.span.clone().unwrap()], "fail_on");
        assert!(e.message.contains("unknown field"), "{}", e.message);
        let text = "ignore = [\"acl-public-reed\"]\n";
        let e = load_text(text).unwrap_err();
        assert_eq!(&text[e.span.clone().unwrap()], "\"acl-public-reed\"");
        assert_eq!(e.message, "unknown rule `acl-public-reed`");
        let text = "[[ignore]]\nbucket = \"acme-*\"\n";
        let e = load_text(text).unwrap_err();
        assert_eq!(
            e.message,
            "the `[[ignore]]` entry for `acme-*` needs a `reason`"
        );
        assert!(
            text[e.span.clone().unwrap()].starts_with("[[ignore]]"),
            "{:?}",
            e.span
        );
        let text = "[[ignore]]\nbucket = \"x\"\nreason = \"y\"\nrules = [\"BL9\"]\n";
        assert_eq!(load_text(text).unwrap_err().message, "unknown rule `BL9`");
        let e = load_text("[rules.acl-public-read]\nfoo = 1\n").unwrap_err();
        assert_eq!(e.message, "rule `acl-public-read` has no option `foo`");
    }
}
