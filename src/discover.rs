//! Which files to check, and how they group into units: a CloudFormation
//! template is one file; a Terraform module is every `.tf` file of a folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ignore::WalkBuilder;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unit {
    /// A file that may be a CloudFormation template (YAML or JSON).
    Template(PathBuf),
    /// A Terraform module: its folder, its `.tf` files, and the folder that
    /// bounds what evaluation may read (`file()`, local modules): the
    /// repository, else the checked path.
    Module {
        dir: PathBuf,
        files: Vec<PathBuf>,
        /// `terraform.tfvars` and `*.auto.tfvars`, in the order Terraform
        /// reads them.
        var_files: Vec<PathBuf>,
        root: PathBuf,
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
        Some("yaml" | "yml" | "json" | "template")
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

/// A Terraform configuration file: `.tf`, or `.tf.json` in JSON syntax.
pub fn is_tf(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "tf") || path.to_string_lossy().ends_with(".tf.json")
}

/// Whether to leave a path out: `(path, named explicitly)`.
pub type Exclude = Arc<dyn Fn(&Path, bool) -> bool + Send + Sync>;

/// The units under `paths`. `excluded(path, named)` leaves a file or
/// folder out; `named` says the path was given explicitly.
/// Symbolic links inside folders are followed only with `follow_links`
/// (loops are then detected and reported).
pub fn discover(paths: &[PathBuf], excluded: &Exclude, follow_links: bool) -> Discovery {
    let mut found = Discovery::default();
    let mut templates = Vec::new();
    // module folder -> (root, files)
    let mut modules: BTreeMap<PathBuf, (PathBuf, Vec<PathBuf>)> = BTreeMap::new();
    // module folder -> files named on the command line (None: the folder was)
    let mut named: BTreeMap<PathBuf, Option<Vec<PathBuf>>> = BTreeMap::new();
    // module folder -> variable files named that Terraform would not load
    // by itself: applied after the module's own, as `-var-file` would be.
    let mut extra_vars: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    let mut add_tf = |file: PathBuf, root: &Path| {
        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let entry = modules
            .entry(dir)
            .or_insert_with(|| (root.to_path_buf(), Vec::new()));
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
        if meta.is_file() {
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
                    add_tf(f, &dir);
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
                if let Some(list) = named.entry(dir.clone()).or_insert_with(|| Some(Vec::new())) {
                    list.push(this);
                }
                for f in files {
                    add_tf(f, &dir);
                }
            } else {
                templates.push(path.clone());
            }
            continue;
        }
        if !meta.is_dir() {
            found
                .errors
                .push((path.clone(), "not a regular file or folder".into()));
            continue;
        }
        let skip = Arc::clone(excluded);
        let walker = WalkBuilder::new(path)
            .hidden(true)
            .git_ignore(true)
            .require_git(false)
            .follow_links(follow_links)
            .filter_entry(move |e| e.file_name() != ".terraform" && !skip(e.path(), false))
            .build();
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                    let p = e.into_path();
                    if is_tf(&p) {
                        if let Some(dir) = p.parent() {
                            named.insert(dir.to_path_buf(), None);
                        }
                        add_tf(p, path);
                    } else if is_template_ext(&p) {
                        templates.push(p);
                    }
                }
                Ok(_) => {}
                Err(e) => found.errors.push((path.clone(), e.to_string())),
            }
        }
    }
    templates.sort();
    templates.dedup();
    found
        .units
        .extend(templates.into_iter().map(Unit::Template));
    let mut boundaries: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
    for (dir, (root, mut files)) in modules {
        files.sort();
        let root = boundaries
            .entry(root)
            .or_insert_with_key(|r| boundary(r))
            .clone();
        let only = named.remove(&dir).flatten();
        let mut var_files = var_files(&dir);
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

/// The unit for one file given by name only, whose text may not be on
/// disk (standard input, an editor buffer): a template, or its module
/// folder with findings reported in that file only.
pub fn unit_for(path: &Path) -> Unit {
    if !is_tf(path) {
        return Unit::Template(path.to_path_buf());
    }
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut files = module_files(&dir);
    if !files.iter().any(|f| same_file(f, path)) {
        files.push(path.to_path_buf());
        files.sort();
    }
    let this = files
        .iter()
        .find(|f| same_file(f, path))
        .cloned()
        .unwrap_or_else(|| path.to_path_buf());
    Unit::Module {
        var_files: var_files(&dir),
        root: boundary(&dir),
        dir,
        files,
        only: Some(vec![this]),
    }
}

/// What evaluation of a module may read (its local modules, `file()`):
/// the repository holding `path` (the nearest folder above it with a
/// `.git`), else `path` itself. Examples call their module with
/// `source = "../../"`; nothing outside the repository is read.
pub fn boundary(path: &Path) -> PathBuf {
    let start = match path.as_os_str().is_empty() {
        true => Path::new("."),
        false => path,
    };
    let Ok(canonical) = start.canonicalize() else {
        return path.to_path_buf();
    };
    canonical
        .ancestors()
        .find(|a| a.join(".git").exists())
        .map_or_else(|| path.to_path_buf(), Path::to_path_buf)
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
