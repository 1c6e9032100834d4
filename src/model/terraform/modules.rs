//! Module calls. A local module (`source = "./modules/bucket"`) is built
//! with the caller's arguments as its variables and merged into the
//! caller's model under `module.<name>.`; findings stay in the module's
//! files and name the call. Modules from registries or git are not fetched:
//! a note says they were not checked.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use super::eval::Ctx;
use super::index::{Declared, Def, Index};
use super::input::{LoadedFile, Scope, Source, TfFile, TfOutput};
use super::resources::build_resources;
use crate::model::{Format, Model};
use crate::parse::ParseError;
use crate::tree::Value;

/// Builds one module; `inputs` are the variables its caller sets.
pub fn build_module(
    files: &[TfFile],
    scope: Scope,
    inputs: HashMap<String, Value>,
    depth: usize,
) -> TfOutput {
    let mut index = Index::default();
    // Later variable files win, as in Terraform.
    for f in files.iter().filter(|f| f.vars) {
        if let Source::Hcl(body) = f.source {
            for a in body.attributes() {
                index
                    .values
                    .insert(a.key.to_string(), Def::Hcl(f.id, &a.value));
            }
        }
    }
    for f in files.iter().filter(|f| !f.vars) {
        match f.source {
            Source::Hcl(body) => index.add_hcl(f.id, body),
            Source::Json(doc) => index.add_json(doc),
        }
    }
    let declared: Vec<Declared> = index.resources.clone();
    let modules: Vec<Declared> = index.modules.clone();
    let next_file = Cell::new(scope.next_id);
    let ctx = Ctx {
        index: &index,
        texts: files.iter().map(|f| (f.id, f.text)).collect(),
        scope,
        loaded: RefCell::new(Vec::new()),
        next_file,
        inputs,
        errors: RefCell::new(Vec::new()),
        depth: Cell::new(0),
    };
    let mut model = Model::new(Format::Terraform);
    build_resources(&ctx, &mut model, &declared);
    let mut notes = Vec::new();
    let mut instantiated = Vec::new();
    for call in &modules {
        let out = instantiate(&ctx, &mut model, call, depth);
        notes.extend(out.notes);
        instantiated.extend(out.modules);
    }
    model.index_blocks();
    let Ctx { loaded, errors, .. } = ctx;
    TfOutput {
        model,
        loaded: loaded.into_inner(),
        errors: errors.into_inner(),
        notes,
        modules: instantiated,
    }
}

/// Module calls nest at most this deep (and a module never calls itself).
const MAX_MODULE_DEPTH: usize = 8;

/// Arguments of a module call that are Terraform's, not the module's.
const META: &[&str] = &[
    "source",
    "version",
    "count",
    "for_each",
    "providers",
    "depends_on",
];

/// What a module call adds besides resources.
#[derive(Default)]
pub struct Called {
    pub notes: Vec<ParseError>,
    /// The folders instantiated, this one and those it calls.
    pub modules: Vec<PathBuf>,
}

pub fn instantiate(ctx: &Ctx, model: &mut Model, call: &Declared, depth: usize) -> Called {
    let mut out = Called::default();
    let notes = &mut out.notes;
    let name = call.name.as_str();
    let body = &call.block.body;
    let Some((_, source)) = body.attr(ctx, "source") else {
        return out;
    };
    let at = source.span;
    let Some(source) = source.as_str() else {
        notes.push(ParseError::new(
            at,
            format!("module `{name}` has a computed source: it is not checked"),
        ));
        return out;
    };
    if !(source.starts_with("./") || source.starts_with("../")) {
        notes.push(ParseError::new(
            at,
            format!("module `{name}` comes from `{source}`, which bucketlint does not fetch: it is not checked"),
        ));
        return out;
    }
    let dir: PathBuf = ctx
        .scope
        .module_dir
        .join(source)
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    let canonical = dir.canonicalize().ok();
    let inside = match (&canonical, ctx.scope.root.canonicalize()) {
        (Some(d), Ok(root)) => d.starts_with(root),
        _ => false,
    };
    if !inside || depth >= MAX_MODULE_DEPTH {
        let why = if inside {
            "nests too deeply"
        } else {
            "is outside the checked folder"
        };
        notes.push(ParseError::new(
            at,
            format!("module `{name}` ({source}) {why}: it is not checked"),
        ));
        return out;
    }
    // The module's files become files of this unit.
    let mut parsed = Vec::new();
    for path in module_files(&dir) {
        let text = match crate::source::read_text(&path) {
            Ok(t) => t,
            Err(e) => {
                ctx.errors.borrow_mut().push(ParseError::new(
                    at,
                    format!("module file {} could not be read: {e}", path.display()),
                ));
                continue;
            }
        };
        let text: Arc<str> = text.into();
        let id = ctx.alloc_file();
        match super::input::parse_file(&path, &text, id) {
            Ok(p) => parsed.push((id, p, Arc::clone(&text))),
            Err(e) => ctx.errors.borrow_mut().push(e),
        }
        ctx.loaded.borrow_mut().push(LoadedFile {
            id,
            path,
            text,
            policy: false,
        });
    }
    let inputs: HashMap<String, Value> = body
        .attributes(ctx)
        .into_iter()
        .filter(|(k, _)| !META.contains(&k.as_str()))
        .collect();
    let files: Vec<TfFile> = parsed
        .iter()
        .map(|(id, p, text)| TfFile {
            id: *id,
            source: p.source(),
            text,
            vars: false,
        })
        .collect();
    let scope = Scope {
        module_dir: &dir,
        root: ctx.scope.root,
        next_id: ctx.next_file.get(),
    };
    let child = build_module(&files, scope, inputs, depth + 1);
    // Files the child read (its own modules, policy files) keep their ids.
    if let Some(last) = child.loaded.iter().map(|f| f.id).max() {
        ctx.next_file.set(ctx.next_file.get().max(last + 1));
    }
    ctx.loaded.borrow_mut().extend(child.loaded);
    ctx.errors.borrow_mut().extend(child.errors);
    out.notes.extend(child.notes);
    out.modules.extend(canonical);
    out.modules.extend(child.modules);
    merge(model, child.model, name);
    out
}

/// Adds a module's resources to its caller's model, under `module.<name>.`.
fn merge(model: &mut Model, child: Model, name: &str) {
    let offset = model.resources.len();
    for mut r in child.resources {
        r.id = format!("module.{name}.{}", r.id);
        r.bucket = r.bucket.map(|b| b + offset);
        model.resources.push(r);
    }
    for mut b in child.blocks {
        b.id = format!("module.{name}.{}", b.id);
        model.blocks.push(b);
    }
}

fn module_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| crate::discover::is_tf(p) && p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}
