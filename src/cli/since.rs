//! `--new-since REF`: the state of the repository at a git revision, read
//! from git itself (`git archive` into a scratch folder), never by touching
//! the working tree or the index; and how its files are named now (git's
//! own rename detection).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The files of the repository at a revision, in a scratch folder.
pub struct Earlier {
    /// The repository's top folder (canonical).
    pub top: PathBuf,
    /// The revision's files; removed when dropped.
    pub dir: tempfile::TempDir,
    /// Files renamed since: old path -> new path, relative to `top`.
    pub renamed: HashMap<PathBuf, PathBuf>,
}

fn git(args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .args(args)
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("git could not be run: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(err.lines().next().unwrap_or("git failed").to_string());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Reads revision `rev` of the repository holding the current folder.
pub fn read(rev: &str) -> Result<Earlier, String> {
    let top = git(&["rev-parse", "--show-toplevel"])
        .map_err(|e| format!("--new-since needs a git repository: {e}"))?;
    let top = PathBuf::from(top.trim())
        .canonicalize()
        .map_err(|e| format!("--new-since: {e}"))?;
    let commit = git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        "--end-of-options",
        &format!("{rev}^{{commit}}"),
    ])
    .map_err(|_| {
        format!(
            "--new-since: `{}` is not a commit of this repository{}",
            bucketlint::report::safe::one_line(rev),
            shallow_hint(rev)
        )
    })?;
    let commit = commit.trim().to_string();
    let dir = scratch().map_err(|e| format!("--new-since: {e}"))?;
    // `git archive` writes the revision's tree; `tar` unpacks it.
    let mut archive = Command::new("git")
        .args([
            "-C",
            &top.to_string_lossy(),
            "archive",
            "--format=tar",
            &commit,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("git could not be run: {e}"))?;
    let stdout = archive.stdout.take().ok_or("git archive gave no output")?;
    let tar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(dir.path())
        .stdin(stdout)
        .status()
        .map_err(|e| format!("--new-since: tar could not be run: {e}"))?;
    let archived = archive.wait().map_err(|e| e.to_string())?;
    if !archived.success() || !tar.success() {
        return Err(format!(
            "--new-since: the files of `{rev}` could not be read"
        ));
    }
    // Renames between the revision and the working tree, as git sees them.
    let diff = git(&[
        "-C",
        &top.to_string_lossy(),
        "diff",
        "--name-status",
        "-M",
        "-z",
        &commit,
    ])?;
    let mut renamed = HashMap::new();
    let mut fields = diff.split('\0');
    while let Some(status) = fields.next() {
        if status.is_empty() {
            continue;
        }
        let first = fields.next().unwrap_or_default();
        if status.starts_with('R') || status.starts_with('C') {
            let second = fields.next().unwrap_or_default();
            if status.starts_with('R') {
                renamed.insert(PathBuf::from(first), PathBuf::from(second));
            }
        }
    }
    Ok(Earlier { top, dir, renamed })
}

/// What to fetch, when the clone is shallow, for `rev` to be there: the
/// commit itself for a commit id, more history for `HEAD~N`, the branch
/// otherwise. Nothing when the clone is whole (the revision is not there).
fn shallow_hint(rev: &str) -> String {
    let shallow = git(&["rev-parse", "--is-shallow-repository"]).is_ok_and(|s| s.trim() == "true");
    if !shallow {
        return String::new();
    }
    let rev = bucketlint::report::safe::one_line(rev);
    let hex = rev.len() == 40 && rev.chars().all(|c| c.is_ascii_hexdigit());
    let fetch = if hex {
        format!("git fetch --depth=1 origin {rev}")
    } else if let Some(n) = rev
        .strip_prefix("HEAD~")
        .and_then(|n| n.parse::<u32>().ok())
    {
        format!("git fetch --deepen={n}")
    } else if let Some(carets) = rev
        .strip_prefix("HEAD")
        .filter(|c| !c.is_empty() && c.chars().all(|c| c == '^'))
    {
        format!("git fetch --deepen={}", carets.len())
    } else {
        let branch = rev.strip_prefix("origin/").unwrap_or(&rev);
        format!("git fetch --depth=1 origin {branch}, then name it origin/{branch}")
    };
    format!(" (this clone is shallow: fetch it first, {fetch})")
}

/// Scratch folders of this run, removed if the run is interrupted.
static SCRATCH: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// A folder only this user can read (the revision's files may be
/// private), removed on exit, and on SIGINT, SIGTERM or SIGHUP too.
fn scratch() -> std::io::Result<tempfile::TempDir> {
    static HANDLER: std::sync::Once = std::sync::Once::new();
    HANDLER.call_once(|| {
        // Runs on a thread of its own, so it may take the lock and delete.
        let _ = ctrlc::set_handler(|| {
            if let Ok(list) = SCRATCH.lock() {
                for dir in list.iter() {
                    let _ = std::fs::remove_dir_all(dir);
                }
            }
            std::process::exit(130);
        });
    });
    let mut builder = tempfile::Builder::new();
    builder.prefix("bucketlint-since-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o700));
    }
    let dir = builder.tempdir()?;
    if let Ok(mut list) = SCRATCH.lock() {
        list.push(dir.path().to_path_buf());
    }
    Ok(dir)
}

impl Drop for Earlier {
    fn drop(&mut self) {
        if let Ok(mut list) = SCRATCH.lock() {
            list.retain(|p| p != self.dir.path());
        }
    }
}

impl Earlier {
    /// Where a path given on the command line was at the revision, if it
    /// is inside the repository.
    pub fn then(&self, path: &Path) -> Option<PathBuf> {
        let abs = path.canonicalize().ok()?;
        let rel = abs.strip_prefix(&self.top).ok()?;
        Some(self.dir.path().join(rel))
    }

    /// The name, relative to the repository, that a file has today.
    pub fn name_now(&self, path: &Path) -> String {
        let rel = match path.strip_prefix(self.dir.path()) {
            Ok(rel) => rel.to_path_buf(),
            Err(_) => path
                .canonicalize()
                .ok()
                .and_then(|abs| abs.strip_prefix(&self.top).ok().map(Path::to_path_buf))
                .unwrap_or_else(|| path.to_path_buf()),
        };
        let rel = self.renamed.get(&rel).cloned().unwrap_or(rel);
        rel.to_string_lossy().replace('\\', "/")
    }
}
