//! The repository boundary: the one place that decides whether a file may
//! be read because a repository names it or holds it (a nested stack, a
//! configuration found by discovery, the Guard rules it names, variable
//! and module files, ignore files, `modules.json`, `file()`).
//!
//! bucketlint runs on pull requests from strangers, so a repository must
//! not make it read what lies outside: links are resolved and must stay
//! inside, only regular files are opened, and every read has a size
//! limit. What the person running bucketlint names on the command line is
//! trusted and does not pass through here.

use std::path::{Path, PathBuf};

/// Ignore files (`.gitignore`, `.ignore`) larger than this are refused:
/// the walker reads them whole, line by line.
pub const MAX_IGNORE_FILE: u64 = 4 * 1024 * 1024;

/// The folder a repository's files may lead to: the git top folder (the
/// nearest folder at or above the checked path holding `.git`), else the
/// folder checked. Held with links resolved.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Boundary {
    root: PathBuf,
    /// A boundary holding nothing (a Terraform plan reads no file).
    empty: bool,
}

/// Why a file is not read. The text says what the path is, never what the
/// file holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    Missing,
    Outside,
    NotRegular,
    TooLarge(u64),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Missing => write!(f, "is not found"),
            Refusal::Outside => write!(
                f,
                "leads outside the repository (or the checked folder, outside a repository)"
            ),
            Refusal::NotRegular => write!(f, "is not a regular file"),
            Refusal::TooLarge(limit) => write!(f, "is larger than {limit} bytes"),
        }
    }
}

impl Boundary {
    /// The boundary for a checked path: a file or a folder, given as the
    /// user gave it. A path that does not exist (an editor buffer, standard
    /// input) is placed by its nearest existing folder.
    pub fn around(path: &Path) -> Boundary {
        let start = match path.as_os_str().is_empty() {
            true => Path::new("."),
            false => path,
        };
        // The folder holding the path, as written: a file that is a link
        // is placed where the link is, not where it leads.
        let folder = match std::fs::metadata(start).is_ok_and(|m| m.is_dir()) {
            true => start,
            false => start.parent().unwrap_or(Path::new(".")),
        };
        let folder = folder
            .ancestors()
            .filter(|a| !a.as_os_str().is_empty())
            .chain([Path::new(".")])
            .find_map(|a| a.canonicalize().ok())
            .unwrap_or_else(|| folder.to_path_buf());
        let root = folder
            .ancestors()
            .find(|a| a.join(".git").exists())
            .map_or(folder.clone(), Path::to_path_buf);
        Boundary { root, empty: false }
    }

    /// A boundary that admits nothing.
    pub fn nothing() -> Boundary {
        Boundary {
            root: PathBuf::new(),
            empty: true,
        }
    }

    /// The folder, links resolved.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether `path`, links resolved, is the boundary's folder or lies
    /// under it. A path that cannot be resolved is not inside.
    pub fn holds(&self, path: &Path) -> bool {
        !self.empty && path.canonicalize().is_ok_and(|p| p.starts_with(&self.root))
    }

    /// A file the repository names: its resolved path, when that is a
    /// regular file inside the boundary.
    pub fn admit(&self, path: &Path) -> Result<PathBuf, Refusal> {
        self.resolve(path).map(|(resolved, _)| resolved)
    }

    /// Why a path that does not resolve is refused: missing when the
    /// nearest folder above it that exists is inside the boundary, else
    /// outside, so that a repository never learns whether a path outside
    /// it exists (`try(file("/etc/x"), ...)` would tell).
    fn missing(&self, path: &Path) -> Refusal {
        let mut up = path;
        while let Some(parent) = up.parent() {
            let folder = match parent.as_os_str().is_empty() {
                true => Path::new("."),
                false => parent,
            };
            if let Ok(found) = folder.canonicalize() {
                return match !self.empty && found.starts_with(&self.root) {
                    true => Refusal::Missing,
                    false => Refusal::Outside,
                };
            }
            up = parent;
        }
        Refusal::Outside
    }

    /// [`Boundary::admit`] with the file's metadata, read once.
    fn resolve(&self, path: &Path) -> Result<(PathBuf, std::fs::Metadata), Refusal> {
        let Ok(resolved) = path.canonicalize() else {
            return Err(self.missing(path));
        };
        if self.empty || !resolved.starts_with(&self.root) {
            return Err(Refusal::Outside);
        }
        match std::fs::metadata(&resolved) {
            Ok(m) if m.is_file() => Ok((resolved, m)),
            Ok(_) => Err(Refusal::NotRegular),
            Err(_) => Err(Refusal::Missing),
        }
    }

    /// The text of a file the repository names (see [`Boundary::admit`]),
    /// under the size limit of every read. Errors never quote the file.
    pub fn read(&self, path: &Path) -> Result<String, String> {
        let resolved = self
            .admit(path)
            .map_err(|r| format!("{r}, so it is not read"))?;
        crate::source::read_text(&resolved)
    }

    /// Like [`Boundary::read`], for a file directly in `folder`, a folder
    /// already resolved: a plain file there (not a link) is inside when the
    /// folder is, with no resolving of its own (a module of many files
    /// would otherwise resolve each file's path, component by component).
    pub fn read_in(&self, folder: Option<&Path>, path: &Path) -> Result<String, String> {
        let plain = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file());
        match folder {
            Some(f) if plain && !self.empty && f.starts_with(&self.root) => {
                crate::source::read_text(path)
            }
            _ => self.read(path),
        }
    }

    /// Whether an ignore file in `folder` (`.gitignore`, `.ignore`) may be
    /// read by the walker: absent, or a regular file within the limit,
    /// links resolved inside. Otherwise the file and why.
    pub fn ignore_files_in(&self, folder: &Path) -> Result<(), (PathBuf, Refusal)> {
        for name in [".gitignore", ".ignore"] {
            let path = folder.join(name);
            if std::fs::symlink_metadata(&path).is_err() {
                continue;
            }
            let (_, meta) = self.resolve(&path).map_err(|r| (path.clone(), r))?;
            if meta.len() > MAX_IGNORE_FILE {
                return Err((path, Refusal::TooLarge(MAX_IGNORE_FILE)));
            }
        }
        Ok(())
    }

    /// The ignore files of `folder` and of each folder above it up to the
    /// boundary (the walker reads them all before the first entry).
    pub fn ignore_files_from(&self, folder: &Path) -> Result<(), (PathBuf, Refusal)> {
        let Ok(start) = folder.canonicalize() else {
            return Ok(());
        };
        // Above the boundary lies the machine's own folders, not the
        // repository's.
        if self.empty || !start.starts_with(&self.root) {
            return Ok(());
        }
        for dir in start.ancestors() {
            self.ignore_files_in(dir)?;
            if dir == self.root {
                break;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn the_git_top_folder_else_the_checked_folder() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().canonicalize().unwrap();
        fs::create_dir_all(d.join("repo/.git")).unwrap();
        fs::create_dir_all(d.join("repo/stacks")).unwrap();
        fs::write(d.join("repo/stacks/a.yaml"), "x").unwrap();
        fs::create_dir_all(d.join("plain/sub")).unwrap();
        fs::write(d.join("plain/sub/a.yaml"), "x").unwrap();
        // (checked path, boundary); a path not on disk is placed by the
        // folder that is.
        for (path, root) in [
            ("repo/stacks/a.yaml", "repo"),
            ("repo/stacks", "repo"),
            ("plain/sub", "plain/sub"),
            ("plain/sub/a.yaml", "plain/sub"),
            ("repo/stacks/new.yaml", "repo"),
        ] {
            assert_eq!(
                Boundary::around(&d.join(path)).root(),
                d.join(root),
                "{path}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn links_must_stay_inside_and_only_regular_files_are_read() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().canonicalize().unwrap();
        fs::create_dir_all(d.join("repo/.git")).unwrap();
        fs::write(d.join("secret"), "TOKEN=marker").unwrap();
        fs::write(d.join("repo/inside.yaml"), "ok").unwrap();
        symlink(d.join("secret"), d.join("repo/out.yaml")).unwrap();
        symlink("inside.yaml", d.join("repo/in.yaml")).unwrap();
        symlink("/dev/zero", d.join("repo/zero.yaml")).unwrap();
        symlink("missing", d.join("repo/dangling.yaml")).unwrap();
        let b = Boundary::around(&d.join("repo"));
        assert_eq!(b.read(&d.join("repo/in.yaml")).unwrap(), "ok");
        assert_eq!(b.admit(&d.join("repo/out.yaml")), Err(Refusal::Outside));
        assert_eq!(b.admit(&d.join("repo/../secret")), Err(Refusal::Outside));
        assert_eq!(b.admit(&d.join("repo/zero.yaml")), Err(Refusal::Outside));
        assert_eq!(b.admit(&d.join("repo")), Err(Refusal::NotRegular));
        // A missing file is missing inside only: outside, whether it
        // exists is never said.
        assert_eq!(b.admit(&d.join("repo/none.json")), Err(Refusal::Missing));
        assert_eq!(b.admit(&d.join("none.json")), Err(Refusal::Outside));
        assert_eq!(b.admit(&d.join("repo/../none.json")), Err(Refusal::Outside));
        assert_eq!(
            b.admit(&d.join("repo/dangling.yaml")),
            Err(Refusal::Missing)
        );
        let message = b.read(&d.join("repo/out.yaml")).unwrap_err();
        assert!(!message.contains("marker"), "{message}");
        assert!(message.contains("outside the repository"), "{message}");
        // Inside the boundary, /dev/zero would still be refused as a device.
        let devices = Boundary::around(Path::new("/dev"));
        assert_eq!(
            devices.admit(Path::new("/dev/zero")),
            Err(Refusal::NotRegular)
        );
    }

    #[cfg(unix)]
    #[test]
    fn hostile_ignore_files_are_found_before_the_walker_reads_them() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().canonicalize().unwrap();
        fs::create_dir_all(d.join("repo/.git")).unwrap();
        fs::create_dir_all(d.join("repo/a/b")).unwrap();
        fs::write(d.join("repo/a/.gitignore"), "*.tmp\n").unwrap();
        let b = Boundary::around(&d.join("repo"));
        assert!(b.ignore_files_from(&d.join("repo/a/b")).is_ok());
        symlink("/dev/zero", d.join("repo/.ignore")).unwrap();
        let (path, why) = b.ignore_files_from(&d.join("repo/a/b")).unwrap_err();
        assert_eq!(path, d.join("repo/.ignore"));
        assert_eq!(why, Refusal::Outside);
        fs::remove_file(d.join("repo/.ignore")).unwrap();
        fs::write(
            d.join("repo/a/b/.gitignore"),
            vec![b'x'; MAX_IGNORE_FILE as usize + 1],
        )
        .unwrap();
        assert_eq!(
            b.ignore_files_in(&d.join("repo/a/b")).unwrap_err().1,
            Refusal::TooLarge(MAX_IGNORE_FILE)
        );
    }
}
