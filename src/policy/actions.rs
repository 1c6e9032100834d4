//! S3 actions and their access levels (AWS Service Authorization Reference,
//! embedded from `data/s3-actions.tsv`), and IAM action pattern matching.

use std::sync::LazyLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    List,
    Read,
    Write,
    PermissionsManagement,
    Tagging,
}

pub struct Action {
    pub name: &'static str,
    pub level: Level,
}

impl Action {
    pub fn is_delete(&self) -> bool {
        self.name.starts_with("s3:Delete")
    }

    /// AWS's "bad actions" for a wildcard principal: `s3:Get*`, `s3:List*`,
    /// `s3:Put*`, `s3:Delete*`, `s3:AbortMultipartUpload`, `s3:RestoreObject`.
    pub fn is_public_sensitive(&self) -> bool {
        let n = &self.name[3..];
        ["Get", "List", "Put", "Delete"]
            .iter()
            .any(|p| n.starts_with(p))
            || n == "AbortMultipartUpload"
            || n == "RestoreObject"
    }
}

pub static ACTIONS: LazyLock<Vec<Action>> = LazyLock::new(|| {
    include_str!("../../data/s3-actions.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (name, level) = l.split_once('\t')?;
            let level = match level.trim() {
                "List" => Level::List,
                "Read" => Level::Read,
                "Write" => Level::Write,
                "Permissions management" => Level::PermissionsManagement,
                "Tagging" => Level::Tagging,
                _ => return None,
            };
            Some(Action { name, level })
        })
        .collect()
});

/// Each action's index in [`ACTIONS`], by its name in lower case.
static BY_NAME: LazyLock<std::collections::HashMap<String, usize>> = LazyLock::new(|| {
    ACTIONS
        .iter()
        .enumerate()
        .map(|(i, a)| (a.name.to_ascii_lowercase(), i))
        .collect()
});

/// IAM glob matching: `*` any run, `?` one character, ASCII case-insensitive.
pub fn glob(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut back: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi].eq_ignore_ascii_case(&t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            back = Some((pi, ti));
            pi += 1;
        } else if let Some((bp, bt)) = back {
            pi = bp + 1;
            ti = bt + 1;
            back = Some((bp, bt + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// A set of S3 actions, as indices into [`ACTIONS`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActionSet(Vec<bool>);

impl ActionSet {
    /// The S3 actions that any of `patterns` matches. A pattern without a
    /// service prefix (`GetObject`) is read as an S3 action: IAM rejects it,
    /// but its intent is plain.
    pub fn matching(patterns: &[&str]) -> ActionSet {
        let mut set = vec![false; ACTIONS.len()];
        for p in patterns {
            let p = if p.contains(':') || *p == "*" {
                (*p).to_string()
            } else {
                format!("s3:{p}")
            };
            // Most patterns are `*`, `s3:*` or one action named in full:
            // those need no glob over the whole table.
            if p == "*" || p.eq_ignore_ascii_case("s3:*") {
                return ActionSet(vec![true; ACTIONS.len()]);
            }
            if !p.contains(['*', '?']) {
                if let Some(&i) = BY_NAME.get(p.to_ascii_lowercase().as_str()) {
                    set[i] = true;
                }
                continue;
            }
            for (i, a) in ACTIONS.iter().enumerate() {
                if !set[i] && glob(&p, a.name) {
                    set[i] = true;
                }
            }
        }
        ActionSet(set)
    }

    /// The actions of this set that `keep` selects.
    pub fn filter(&self, keep: impl Fn(&Action) -> bool) -> ActionSet {
        ActionSet(
            ACTIONS
                .iter()
                .zip(&self.0)
                .map(|(a, b)| *b && keep(a))
                .collect(),
        )
    }

    /// The actions of this set that `other` does not hold.
    pub fn without(&self, other: &ActionSet) -> ActionSet {
        ActionSet(
            self.0
                .iter()
                .enumerate()
                .map(|(i, b)| *b && !other.0.get(i).copied().unwrap_or(false))
                .collect(),
        )
    }

    /// The actions of either set.
    pub fn union(&self, other: &ActionSet) -> ActionSet {
        let len = self.0.len().max(other.0.len());
        ActionSet(
            (0..len)
                .map(|i| {
                    self.0.get(i).copied().unwrap_or(false)
                        || other.0.get(i).copied().unwrap_or(false)
                })
                .collect(),
        )
    }

    pub fn complement(&self) -> ActionSet {
        ActionSet(self.0.iter().map(|b| !b).collect())
    }

    pub fn iter(&self) -> impl Iterator<Item = &'static Action> + '_ {
        ACTIONS
            .iter()
            .zip(&self.0)
            .filter(|(_, b)| **b)
            .map(|(a, _)| a)
    }

    pub fn is_empty(&self) -> bool {
        !self.0.iter().any(|b| *b)
    }

    pub fn is_all(&self) -> bool {
        !self.0.is_empty() && self.0.iter().all(|b| *b)
    }

    pub fn any(&self, f: impl Fn(&Action) -> bool) -> bool {
        self.iter().any(f)
    }

    /// Plain-words summary: "list, read, write, delete and manage permissions".
    pub fn describe(&self) -> String {
        let mut words = Vec::new();
        let has = |f: &dyn Fn(&Action) -> bool| self.iter().any(f);
        if has(&|a| a.level == Level::List) {
            words.push("list");
        }
        if has(&|a| a.level == Level::Read) {
            words.push("read");
        }
        if has(&|a| a.level == Level::Write && !a.is_delete()) {
            words.push("write");
        }
        if has(&|a| a.is_delete()) {
            words.push("delete");
        }
        if has(&|a| a.level == Level::PermissionsManagement) {
            words.push("manage permissions");
        }
        if has(&|a| a.level == Level::Tagging) {
            words.push("tag");
        }
        match words.as_slice() {
            [] => "nothing".to_string(),
            [one] => one.to_string(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_cases() {
        let rows = [
            ("*", "s3:GetObject", true),
            ("s3:*", "s3:GetObject", true),
            ("S3:getobject", "s3:GetObject", true),
            ("s3:Get*", "s3:GetObject", true),
            ("s3:Get*", "s3:PutObject", false),
            ("s3:*Object", "s3:DeleteObject", true),
            ("s3:*Object", "s3:DeleteObjectTagging", false),
            ("s3:Get?bject", "s3:GetObject", true),
            ("s3:Get?bject", "s3:GetObjectAcl", false),
            ("ec2:*", "s3:GetObject", false),
            ("s3:*Obj*Acl", "s3:PutObjectVersionAcl", true),
            ("", "s3:GetObject", false),
        ];
        for (p, t, want) in rows {
            assert_eq!(glob(p, t), want, "{p} vs {t}");
        }
    }

    #[test]
    fn the_table_is_embedded_with_levels() {
        assert!(ACTIONS.len() > 150);
        let get = ACTIONS.iter().find(|a| a.name == "s3:GetObject").unwrap();
        assert_eq!(get.level, Level::Read);
        let pol = ACTIONS
            .iter()
            .find(|a| a.name == "s3:PutBucketPolicy")
            .unwrap();
        assert_eq!(pol.level, Level::PermissionsManagement);
    }

    #[test]
    fn sets_describe_access_levels() {
        assert_eq!(ActionSet::matching(&["s3:GetObject"]).describe(), "read");
        assert_eq!(ActionSet::matching(&["GetObject"]).describe(), "read");
        assert!(ActionSet::matching(&["ec2:*"]).is_empty());
        assert_eq!(
            ActionSet::matching(&["s3:DeleteObject"]).describe(),
            "delete"
        );
        assert!(ActionSet::matching(&["s3:*"]).is_all());
        assert_eq!(
            ActionSet::matching(&["s3:List*", "s3:PutBucketAcl"]).describe(),
            "list and manage permissions"
        );
        let not_delete = ActionSet::matching(&["s3:DeleteBucket"]).complement();
        assert!(not_delete.any(|a| a.name == "s3:DeleteObject"));
        assert!(!not_delete.any(|a| a.name == "s3:DeleteBucket"));
    }
}
