//! The files of a Terraform module as evaluation receives them, and what
//! building the module gives back.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use hcl_edit::structure::Body as HclBody;

use crate::boundary::Boundary;
use crate::model::Model;
use crate::parse::ParseError;
use crate::source::FileId;
use crate::tree::Value;

/// The syntax a file of the module is written in.
pub enum Source<'a> {
    Hcl(&'a HclBody),
    /// `.tf.json`, parsed into the value tree.
    Json(&'a Value),
}

/// A parsed Terraform file, owned.
pub enum Parsed {
    Hcl(HclBody),
    Json(Value),
}

impl Parsed {
    pub fn source(&self) -> Source<'_> {
        match self {
            Parsed::Hcl(b) => Source::Hcl(b),
            Parsed::Json(v) => Source::Json(v),
        }
    }
}

/// Parses a `.tf` (HCL) or `.tf.json` file.
pub fn parse_file(path: &Path, text: &str, id: FileId) -> Result<Parsed, ParseError> {
    if path.to_string_lossy().ends_with(".json") {
        let doc = crate::parse::json::parse(text, crate::parse::json::Placement::At(id, 0))?;
        Ok(Parsed::Json(doc.value))
    } else {
        crate::parse::hcl::parse(text, id).map(Parsed::Hcl)
    }
}

/// One parsed file of the module.
pub struct TfFile<'a> {
    pub id: FileId,
    pub source: Source<'a>,
    pub text: &'a str,
    /// A variable definitions file (`terraform.tfvars`, `*.auto.tfvars`,
    /// `--var-file`): its attributes set variables.
    pub vars: bool,
}

/// A file that evaluation read (`file("policy.json")`, a module's files),
/// to be added to the unit's sources under the id it was given.
pub struct LoadedFile {
    pub id: FileId,
    pub path: PathBuf,
    pub text: Arc<str>,
    /// Read by `file()` for a policy (rather than a module's `.tf` file).
    pub policy: bool,
}

pub struct TfOutput {
    pub model: Model,
    pub loaded: Vec<LoadedFile>,
    pub errors: Vec<ParseError>,
    /// Things not checked, such as modules from a registry.
    pub notes: Vec<ParseError>,
    /// Folders of the local modules instantiated (canonical paths).
    pub modules: Vec<PathBuf>,
    /// The module's `output` values, as an object.
    pub outputs: Value,
    /// The bucket instance an output refers to (`aws_s3_bucket.this.id`),
    /// by the output value's span: a caller's companion referring to the
    /// output belongs to that bucket.
    pub origins: std::collections::HashMap<crate::source::Span, String>,
}

/// Where evaluation may read files from.
pub struct Scope<'a> {
    /// The module's folder, as shown to the user.
    pub module_dir: &'a Path,
    /// Nothing outside this boundary is read.
    pub root: &'a Boundary,
    /// The first free file id.
    pub next_id: FileId,
    /// The modules `terraform init` installed for the root module.
    pub installed: &'a Installed,
    /// This module's key in `modules.json`: the call names from the root,
    /// joined with dots (`""` for the root).
    pub key: &'a str,
    /// Texts that replace files on disk (standard input, the editor's
    /// buffers, text being fixed): modules and policy files are read
    /// through them, as the unit's own files are.
    pub texts: &'a Texts,
    /// The work the whole unit may do, shared by every module instance.
    pub budget: &'a Budget,
}

/// Evaluation steps one unit may take, across all its modules, instances
/// and `for` expressions: caps multiply across nesting levels, a shared
/// budget does not. Past it, what is left is not known statically and a
/// note says so; no input runs for minutes.
#[derive(Debug)]
pub struct Budget {
    left: std::cell::Cell<u64>,
    /// Whether the note has been given (once per unit).
    told: std::cell::Cell<bool>,
    /// Module instances made so far, at every depth.
    modules: std::cell::Cell<usize>,
}

impl Budget {
    /// Enough for the largest real modules many times over (the
    /// terraform-aws-modules bucket module takes a few thousand steps).
    pub const STEPS: u64 = 5_000_000;

    /// Spends `steps`; false once the budget is exhausted.
    pub fn spend(&self, steps: u64) -> bool {
        let left = self.left.get();
        self.left.set(left.saturating_sub(steps));
        left >= steps
    }

    /// Module instances one unit makes at most, at every depth together
    /// (four levels of `count = 100` would be 10^8).
    pub const MODULES: usize = 2_000;

    /// Takes `n` more module instances; false (taking none) past the cap.
    pub fn modules(&self, n: usize) -> bool {
        let total = self.modules.get() + n;
        if total > Self::MODULES {
            return false;
        }
        self.modules.set(total);
        true
    }

    pub fn exhausted(&self) -> bool {
        self.left.get() == 0
    }

    /// True the first time it is asked after the budget ran out.
    pub fn first_told(&self) -> bool {
        self.exhausted() && !self.told.replace(true)
    }
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            left: std::cell::Cell::new(Budget::STEPS),
            told: std::cell::Cell::new(false),
            modules: std::cell::Cell::new(0),
        }
    }
}

/// File texts by normalised path, in place of what is on disk.
pub type Texts = std::collections::HashMap<PathBuf, String>;

impl Scope<'_> {
    /// A file's text: the replacement when there is one, else the disk's,
    /// through the boundary (the module and policy files a configuration
    /// names are the repository's choice).
    pub fn read(&self, path: &Path) -> Result<String, String> {
        self.read_in(None, path)
    }

    /// [`Scope::read`] of a file directly in `folder`, a folder already
    /// resolved: a plain file there is not resolved again.
    pub fn read_in(&self, folder: Option<&Path>, path: &Path) -> Result<String, String> {
        if !self.texts.is_empty()
            && let Some(t) = self.texts.get(&crate::source::normalize(path))
        {
            return Ok(t.clone());
        }
        self.root.read_in(folder, path)
    }
}

/// What `terraform init` recorded in `.terraform/modules/modules.json`:
/// the folder of each module call, by key (`site`, `site.notification`).
#[derive(Debug, Default)]
pub struct Installed {
    pub dirs: std::collections::HashMap<String, PathBuf>,
}

impl Installed {
    /// Reads `<root>/.terraform/modules/modules.json` through the
    /// boundary; empty when there is none. Folders in it are relative to
    /// the root module.
    pub fn read(root_module: &Path, boundary: &Boundary) -> Result<Installed, String> {
        let path = root_module
            .join(".terraform")
            .join("modules")
            .join("modules.json");
        if std::fs::symlink_metadata(&path).is_err() {
            return Ok(Installed::default());
        }
        let text = boundary.read(&path)?;
        let doc: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut dirs = std::collections::HashMap::new();
        for m in doc["Modules"].as_array().into_iter().flatten() {
            if let (Some(key), Some(dir)) = (m["Key"].as_str(), m["Dir"].as_str())
                && !key.is_empty()
            {
                dirs.insert(
                    key.to_string(),
                    crate::source::normalize(&root_module.join(dir)),
                );
            }
        }
        Ok(Installed { dirs })
    }
}
