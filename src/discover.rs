//! Which files to check, and how they group into units: a CloudFormation
//! template is one file; a Terraform module is every `.tf` file of a folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ignore::WalkBuilder;

use crate::boundary::Boundary;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unit {
    /// A file that may be a CloudFormation template (YAML or JSON), and
    /// the boundary of what it may name (nested stacks).
    Template(PathBuf, Boundary),
    /// A Terraform module: its folder, its `.tf` files, and the folder that
    /// bounds what evaluation may read (`file()`, local modules): the
    /// repository, else the checked path.
    Module {
        dir: PathBuf,
        files: Vec<PathBuf>,
        /// `terraform.tfvars` and `*.auto.tfvars`, in the order Terraform
        /// reads them.
        var_files: Vec<PathBuf>,
        root: Boundary,
        /// When files were named one by one, findings are reported only in
        /// those; the rest of the module is read for context.
        only: Option<Vec<PathBuf>>,
    },
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub units: Vec<Unit>,
    /// Paths that could not be read, with the reason.
    pub errors: Vec<(PathBuf, String)>,
    /// Files named on the command line that were not checked, with the
    /// reason (a variable file with no module beside it).
    pub skipped: Vec<(PathBuf, String)>,
}

fn is_template_ext(path: &Path) -> bool {
    // A gzipped JSON file: an AWS Config snapshot as delivered to S3.
    if path
        .to_string_lossy()
        .to_ascii_lowercase()
        .ends_with(".json.gz")
    {
        return true;
    }
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("yaml" | "yml" | "json" | "template" | "tfstate")
    )
}

/// A Terraform variable definitions file: `.tfvars` or `.tfvars.json`.
pub fn is_tfvars(path: &Path) -> bool {
    let name = path.to_string_lossy();
    name.ends_with(".tfvars") || name.ends_with(".tfvars.json")
}

/// Whether Terraform loads this variable file by itself, without `-var-file`.
fn auto_loaded(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    matches!(name.as_str(), "terraform.tfvars" | "terraform.tfvars.json")
        || name.ends_with(".auto.tfvars")
        || name.ends_with(".auto.tfvars.json")
}

/// A Terraform configuration file: `.tf`, or `.tf.json` in JSON syntax;
/// OpenTofu's `.tofu` and `.tofu.json` too, except a `.tf` file beside a
/// `.tofu` file of the same name, which OpenTofu reads instead.
pub fn is_tf(path: &Path) -> bool {
    let name = path.to_string_lossy();
    if path.extension().is_some_and(|e| e == "tofu") || name.ends_with(".tofu.json") {
        return true;
    }
    let tofu = if path.extension().is_some_and(|e| e == "tf") {
        path.with_extension("tofu")
    } else if let Some(stem) = name.strip_suffix(".tf.json") {
        PathBuf::from(format!("{stem}.tofu.json"))
    } else {
        return false;
    };
    // Asked of files found in a folder: one metadata read, no content.
    std::fs::symlink_metadata(tofu).is_err()
}

/// Whether to leave a path out: `(path, named explicitly)`.
pub type Exclude = Arc<dyn Fn(&Path, bool) -> bool + Send + Sync>;

/// The units under `paths`. `excluded(path, named)` leaves a file or
/// folder out; `named` says the path was given explicitly.
/// Symbolic links inside folders are followed only with `follow_links`
/// (loops are then detected and reported).
pub fn discover(paths: &[PathBuf], excluded: &Exclude, follow_links: bool) -> Discovery {
    let mut found = Discovery::default();
    let mut templates: Vec<(PathBuf, Boundary)> = Vec::new();
    // module folder -> (boundary, files)
    let mut modules: BTreeMap<PathBuf, (Boundary, Vec<PathBuf>)> = BTreeMap::new();
    // module folder -> files named on the command line (None: the folder was)
    let mut named: BTreeMap<PathBuf, Option<Vec<PathBuf>>> = BTreeMap::new();
    // module folder -> variable files named that Terraform would not load
    // by itself: applied after the module's own, as `-var-file` would be.
    let mut extra_vars: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    // Files given on the command line (trusted) and files found by walking
    // without following links: the rest passes the boundary.
    let mut trusted: Vec<PathBuf> = Vec::new();
    let mut add_tf = |file: PathBuf, root: &Boundary| {
        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let entry = modules
            .entry(dir)
            .or_insert_with(|| (root.clone(), Vec::new()));
        if !entry.1.contains(&file) {
            entry.1.push(file);
        }
    };
    for path in paths {
        if excluded(path, true) {
            continue;
        }
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                found.errors.push((path.clone(), e.to_string()));
                continue;
            }
        };
        let root = Boundary::around(path);
        if meta.is_file() {
            trusted.push(path.clone());
            if is_tfvars(path) {
                // Its values change what the module's files mean: the
                // whole module it sits beside is checked.
                let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
                let files = module_files(&dir);
                if files.is_empty() {
                    found.skipped.push((
                        path.clone(),
                        "a Terraform variable file with no module (.tf file) beside it; pass it with --var-file to the module it is for".into(),
                    ));
                    continue;
                }
                named.insert(dir.clone(), None);
                if !auto_loaded(path) {
                    let list = extra_vars.entry(dir.clone()).or_default();
                    if !list.iter().any(|f| same_file(f, path)) {
                        list.push(path.clone());
                    }
                }
                for f in files {
                    add_tf(f, &root);
                }
                continue;
            }
            if is_tf(path) {
                // The whole module is needed to judge one of its files.
                let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
                let files = module_files(&dir);
                let this = files
                    .iter()
                    .find(|f| same_file(f, path))
                    .cloned()
                    .unwrap_or_else(|| path.clone());
                trusted.push(this.clone());
                if let Some(list) = named.entry(dir.clone()).or_insert_with(|| Some(Vec::new())) {
                    list.push(this);
                }
                for f in files {
                    add_tf(f, &root);
                }
            } else {
                templates.push((path.clone(), root));
            }
            continue;
        }
        if !meta.is_dir() {
            found
                .errors
                .push((path.clone(), "not a regular file or folder".into()));
            continue;
        }
        // The walker reads the ignore files of the folder, of the folders
        // above it and of each folder it enters: each is checked first, so
        // a link to a device or out of the repository is never read.
        if let Err(refused) = root.ignore_files_from(path) {
            found.errors.push((path.clone(), ignore_refused(refused)));
            continue;
        }
        let skip = Arc::clone(excluded);
        let refused: Arc<std::sync::Mutex<Vec<(PathBuf, String)>>> = Arc::default();
        let walker = {
            let root = root.clone();
            let refused = Arc::clone(&refused);
            WalkBuilder::new(path)
                .hidden(true)
                .git_ignore(true)
                .require_git(false)
                .follow_links(follow_links)
                .filter_entry(move |e| {
                    if e.file_name() == ".terraform" || skip(e.path(), false) {
                        return false;
                    }
                    if !e.file_type().is_some_and(|t| t.is_dir()) {
                        return true;
                    }
                    let Err(why) = root.ignore_files_in(e.path()) else {
                        return true;
                    };
                    if let Ok(mut list) = refused.lock() {
                        list.push((e.path().to_path_buf(), ignore_refused(why)));
                    }
                    false
                })
                .build()
        };
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                    let p = e.into_path();
                    if is_tf(&p) {
                        if let Some(dir) = p.parent() {
                            named.insert(dir.to_path_buf(), None);
                        }
                        if !follow_links {
                            trusted.push(p.clone());
                        }
                        add_tf(p, &root);
                    } else if is_template_ext(&p) {
                        templates.push((p, root.clone()));
                    }
                }
                Ok(_) => {}
                Err(e) => found.errors.push((path.clone(), e.to_string())),
            }
        }
        if let Ok(mut list) = refused.lock() {
            found.errors.append(&mut list);
        }
    }
    templates.sort();
    templates.dedup_by(|a, b| a.0 == b.0);
    found.units.extend(
        templates
            .into_iter()
            .map(|(p, root)| Unit::Template(p, root)),
    );
    trusted.sort();
    for (dir, (root, mut files)) in modules {
        files.sort();
        // A file beside a named one, or a variable file Terraform loads by
        // itself, is the repository's choice: it must stay inside.
        files.retain(|f| trusted.binary_search(f).is_ok() || admitted(&root, f, &mut found.errors));
        let only = named.remove(&dir).flatten();
        let mut var_files = var_files(&dir);
        var_files.retain(|f| admitted(&root, f, &mut found.errors));
        var_files.extend(extra_vars.remove(&dir).unwrap_or_default());
        found.units.push(Unit::Module {
            dir,
            files,
            var_files,
            root,
            only,
        });
    }
    found
}

/// Why a folder is not checked: one of its ignore files was refused.
fn ignore_refused((file, why): (PathBuf, crate::boundary::Refusal)) -> String {
    format!(
        "its ignore file {} {why}; the folder is not checked",
        file.display()
    )
}

/// Whether the boundary lets a file found beside others be read; if not,
/// the reason is listed.
fn admitted(root: &Boundary, file: &Path, errors: &mut Vec<(PathBuf, String)>) -> bool {
    match root.admit(file) {
        Ok(_) => true,
        Err(why) => {
            errors.push((file.to_path_buf(), format!("{why}, so it is not read")));
            false
        }
    }
}

/// The unit for one file given by name only, whose text may not be on
/// disk (standard input, an editor buffer): a template, or its module
/// folder with findings reported in that file only. Its sibling and
/// variable files pass the boundary; those refused are listed.
pub fn unit_for(path: &Path) -> (Unit, Vec<(PathBuf, String)>) {
    let root = Boundary::around(path);
    let mut errors = Vec::new();
    if !is_tf(path) {
        return (Unit::Template(path.to_path_buf(), root), errors);
    }
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut files = module_files(&dir);
    files.retain(|f| same_file(f, path) || admitted(&root, f, &mut errors));
    if !files.iter().any(|f| same_file(f, path)) {
        files.push(path.to_path_buf());
        files.sort();
    }
    let this = files
        .iter()
        .find(|f| same_file(f, path))
        .cloned()
        .unwrap_or_else(|| path.to_path_buf());
    let mut var_files = var_files(&dir);
    var_files.retain(|f| admitted(&root, f, &mut errors));
    let unit = Unit::Module {
        var_files,
        root,
        dir,
        files,
        only: Some(vec![this]),
    };
    (unit, errors)
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

/// The variable files Terraform loads by itself from `dir`.
fn var_files(dir: &Path) -> Vec<PathBuf> {
    let here = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let mut auto: Vec<PathBuf> = std::fs::read_dir(here)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| dir.join(e.file_name()))
                .filter(|p| {
                    let name = p.to_string_lossy();
                    (name.ends_with(".auto.tfvars") || name.ends_with(".auto.tfvars.json"))
                        && p.is_file()
                })
                .collect()
        })
        .unwrap_or_default();
    auto.sort();
    // terraform.tfvars, terraform.tfvars.json, then the *.auto.tfvars(.json)
    // files in lexical order, as Terraform loads them.
    let mut out: Vec<PathBuf> = ["terraform.tfvars", "terraform.tfvars.json"]
        .iter()
        .map(|name| dir.join(name))
        .filter(|p| p.is_file())
        .collect();
    out.extend(auto);
    out
}

/// The `.tf` files directly in `dir`.
fn module_files(dir: &Path) -> Vec<PathBuf> {
    let here = dir.as_os_str().is_empty();
    let mut files: Vec<PathBuf> = std::fs::read_dir(if here { Path::new(".") } else { dir })
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| {
                    if here {
                        PathBuf::from(e.file_name())
                    } else {
                        e.path()
                    }
                })
                .filter(|p| is_tf(p) && p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}
