//! Module calls. A local module (`source = "./modules/bucket"`) is built
//! with the caller's arguments as its variables and merged into the
//! caller's model under `module.<name>.`; findings stay in the module's
//! files and name the call. Modules from registries or git are not fetched:
//! a note says they were not checked.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::body::entry;
use super::eval::Ctx;
use super::index::{Declared, Def, Index};
use super::input::{LoadedFile, Scope, Source, TfFile, TfOutput};
use super::resources::build_resources;
use crate::model::{Format, Model};
use crate::parse::ParseError;
use crate::source::Span;
use crate::tree::{Kind, Value};

/// Builds one module; `inputs` are the variables its caller sets, `chain`
/// the folders of the modules on the way to it (canonical), from the root
/// to this one.
pub fn build_module(
    files: &[TfFile],
    scope: Scope,
    inputs: HashMap<String, Value>,
    chain: &[PathBuf],
) -> TfOutput {
    let mut index = Index::default();
    // Later variable files win, as in Terraform.
    for f in files.iter().filter(|f| f.vars) {
        match f.source {
            Source::Hcl(body) => {
                for a in body.attributes() {
                    index
                        .values
                        .insert(a.key.to_string(), Def::Hcl(f.id, &a.value));
                }
            }
            // `.tfvars.json`: one object, its strings literal (no templates).
            Source::Json(doc) => {
                for e in doc.entries() {
                    index
                        .values
                        .insert(e.key.clone(), Def::Json(&e.value, false));
                }
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
    let mut ctx = Ctx::new(
        &index,
        files.iter().map(|f| (f.id, f.text)).collect(),
        scope,
    );
    ctx.inputs = inputs;
    ctx.root = chain.len() <= 1;
    let mut model = Model::new(Format::Terraform);
    let mut notes = Vec::new();
    let mut instantiated = Vec::new();
    // Module calls first, so that their outputs are known to the resources
    // (and to calls after them) that use them.
    for call in in_dependency_order(&ctx, &modules) {
        let out = instantiate(&ctx, &mut model, call, chain);
        notes.extend(out.notes);
        instantiated.extend(out.modules);
    }
    build_resources(&ctx, &mut model, &declared);
    // The calls' own blocks: a finding set by a call's argument is shown
    // there, and a suppression above a call covers what it makes.
    for call in &modules {
        model.blocks.push(crate::model::Block {
            id: call.id.clone(),
            source_type: "module".into(),
            head: call.head,
            extent: call.block.span,
            condition: None,
        });
    }
    // The same text is chosen again in every instance, this module's and
    // those of the modules it calls (merged above): kept once.
    model.chosen.extend(ctx.chosen.take());
    model.chosen.sort_unstable();
    model.chosen.dedup();
    model.passed.extend(
        ctx.passed
            .take()
            .into_iter()
            .map(|(used, given)| crate::model::Passed {
                instance: String::new(),
                used,
                given,
            }),
    );
    let mut origins = HashMap::new();
    let outputs = index
        .outputs
        .iter()
        .map(|(name, def)| {
            let v = ctx.definition(def);
            if let Some(o) = ctx.origin(&v) {
                origins.insert(v.span, o);
            }
            entry(name, Span::default(), v)
        })
        .collect();
    model.index_blocks();
    notes.extend(ctx.notes.take());
    let Ctx { loaded, errors, .. } = ctx;
    TfOutput {
        model,
        loaded: loaded.into_inner(),
        errors: errors.into_inner(),
        notes,
        modules: instantiated,
        outputs: Value::map(Span::default(), outputs),
        origins,
    }
}

/// Module calls ordered so that a call using another's outputs comes after
/// it (in declaration order otherwise; a cycle keeps its order).
fn in_dependency_order<'c, 'a>(ctx: &Ctx, calls: &'c [Declared<'a>]) -> Vec<&'c Declared<'a>> {
    let uses = |a: &Declared, b: &Declared| {
        let text = ctx.text(a.block.span);
        let name = format!("module.{}", b.name);
        text.match_indices(&name).any(|(i, _)| {
            !text[i + name.len()..]
                .starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '-')
        })
    };
    let mut left: Vec<&Declared> = calls.iter().collect();
    let mut out = Vec::new();
    while !left.is_empty() {
        let ready = left
            .iter()
            .position(|a| !left.iter().any(|b| !std::ptr::eq(*a, *b) && uses(a, b)))
            .unwrap_or(0);
        out.push(left.remove(ready));
    }
    out
}

/// Module calls nest at most this deep.
const MAX_MODULE_DEPTH: usize = 16;

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

pub fn instantiate<'a>(
    ctx: &Ctx<'a>,
    model: &mut Model,
    call: &Declared<'a>,
    chain: &[PathBuf],
) -> Called {
    let mut out = Called::default();
    let notes = &mut out.notes;
    let name = call.name.as_str();
    let body = &call.block.body;
    let Some((_, source)) = body.attr(ctx, "source") else {
        return out;
    };
    let at = source.span;
    let key = match ctx.scope.key {
        "" => name.to_string(),
        parent => format!("{parent}.{name}"),
    };
    let installed = ctx.scope.installed.dirs.get(&key);
    // A source built from variables or locals (OpenTofu allows it) is
    // evaluated; when it is not known here, `terraform init` knew it, and
    // put the module where its `modules.json` says.
    let (source, dir) = match (source.as_str(), installed) {
        (Some(source), _) => {
            let local = source.starts_with("./") || source.starts_with("../");
            let dir = match installed {
                // Where `terraform init` put it (a local module too, in the same place).
                Some(dir) if !local => dir.clone(),
                _ if local => crate::source::normalize(&ctx.scope.module_dir.join(source)),
                _ => {
                    notes.push(ParseError::new(
                        at,
                        format!(
                            "module `{name}` comes from `{source}`, which bucketlint does not fetch: it is not checked; `terraform init` installs it where bucketlint reads it"
                        ),
                    ));
                    return out;
                }
            };
            (source.to_string(), dir)
        }
        (None, Some(dir)) => (format!("{}, as installed", dir.display()), dir.clone()),
        (None, None) => {
            notes.push(ParseError::new(
                at,
                format!(
                    "module `{name}` has a source not known statically and `terraform init` has not installed it: it is not checked"
                ),
            ));
            return out;
        }
    };
    let source = source.as_str();
    let canonical = dir.canonicalize().ok();
    let inside = ctx.scope.root.holds(&dir);
    if let Some(d) = &canonical
        && let Some(first) = chain.iter().position(|c| c == d)
    {
        let names: Vec<String> = chain[first..]
            .iter()
            .chain([d])
            .map(|p| p.display().to_string())
            .collect();
        ctx.errors.borrow_mut().push(ParseError::new(
            at,
            format!(
                "module `{name}` ({source}) calls itself: {}; it is not checked again",
                names.join(" -> ")
            ),
        ));
        return out;
    }
    if !inside || chain.len() >= MAX_MODULE_DEPTH {
        let why = if inside {
            "nests too deeply"
        } else {
            "is outside the repository (or the checked folder, outside a repository)"
        };
        notes.push(ParseError::new(
            at,
            format!("module `{name}` ({source}) {why}: it is not checked"),
        ));
        return out;
    }
    let instances = ctx.instances(call);
    if ctx.scope.budget.exhausted() {
        // Its outputs stay unknown; the note is given where the budget ran out.
        ctx.exhausted(at);
        return out;
    }
    if !ctx.scope.budget.modules(instances.len()) {
        notes.push(ParseError::new(
            at,
            format!(
                "module `{name}` ({source}) would make more than {} module instances in this unit, counting every level: it is not checked",
                super::input::Budget::MODULES
            ),
        ));
        return out;
    }
    if instances.is_empty() {
        // `count = 0` or an empty `for_each`: the module makes nothing.
        ctx.module_outputs
            .borrow_mut()
            .insert(name.to_string(), Value::new(at, Kind::Seq(Vec::new())));
        ctx.forget();
        return out;
    }
    // The module's files become files of this unit, read once for all
    // its instances.
    let mut parsed = Vec::new();
    for path in module_files(&dir) {
        let text = match ctx.scope.read_in(canonical.as_deref(), &path) {
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
    let files: Vec<TfFile> = parsed
        .iter()
        .map(|(id, p, text)| TfFile {
            id: *id,
            source: p.source(),
            text,
            vars: false,
        })
        .collect();
    let mut chain = chain.to_vec();
    chain.extend(canonical.clone());
    let keyed = body.has("count") || body.has("for_each");
    let mut outputs: Vec<(Option<Value>, Value)> = Vec::new();
    for inst in instances.iter() {
        let inputs: HashMap<String, Value> = inst
            .body
            .attributes(ctx)
            .into_iter()
            .filter(|(k, _)| !META.contains(&k.as_str()))
            .collect();
        let scope = Scope {
            module_dir: &dir,
            root: ctx.scope.root,
            next_id: ctx.next_file.get(),
            installed: ctx.scope.installed,
            key: &key,
            texts: ctx.scope.texts,
            budget: ctx.scope.budget,
        };
        let child = build_module(&files, scope, inputs, &chain);
        // Files the child read (its own modules, policy files) keep their ids.
        if let Some(last) = child.loaded.iter().map(|f| f.id).max() {
            ctx.next_file.set(ctx.next_file.get().max(last + 1));
        }
        ctx.loaded.borrow_mut().extend(child.loaded);
        ctx.errors.borrow_mut().extend(child.errors);
        out.notes.extend(child.notes);
        out.modules.extend(child.modules);
        let prefix = match &inst.uncertain {
            Some(_) if keyed => format!("module.{name}"),
            _ => inst.id.clone(),
        };
        merge(model, child.model, &prefix, inst.uncertain.as_deref());
        let mut given = prefixed(child.outputs, &prefix);
        // An output naming a bucket gets a span of its own, so the caller
        // links by reference to this instance's bucket (every instance
        // shares the module's text, and so its spans).
        if let Kind::Map(entries) = &mut given.kind {
            for e in entries {
                if let Some(o) = child.origins.get(&e.value.span) {
                    e.value.span = ctx.naming_span();
                    ctx.origins
                        .borrow_mut()
                        .insert(e.value.span, format!("{prefix}.{o}"));
                }
            }
        }
        outputs.push((inst.key.clone(), given));
    }
    out.modules.extend(canonical);
    let value = match (keyed, body.has("for_each")) {
        (false, _) => outputs
            .pop()
            .map(|(_, o)| o)
            .unwrap_or_else(|| Value::unknown(at, "module outputs")),
        _ if instances.iter().any(|i| i.key.is_none()) => {
            Value::unknown(at, format!("the instances of module.{name} are not known"))
        }
        (true, true) => Value::map(
            at,
            outputs
                .into_iter()
                .map(|(k, o)| entry(k.as_ref().and_then(Value::as_str).unwrap_or("?"), at, o))
                .collect(),
        ),
        (true, false) => Value::new(at, Kind::Seq(outputs.into_iter().map(|(_, o)| o).collect())),
    };
    ctx.module_outputs
        .borrow_mut()
        .insert(name.to_string(), value);
    ctx.forget();
    out
}

/// A module's output as its caller sees it: references to the module's
/// resources carry the call's prefix, as its resources in the model do.
fn prefixed(mut v: Value, prefix: &str) -> Value {
    fn walk(v: &mut Value, prefix: &str) {
        match &mut v.kind {
            Kind::Ref(r) => r.target = format!("{prefix}.{}", r.target),
            Kind::Seq(items) | Kind::OneOf(items) => items.iter_mut().for_each(|i| walk(i, prefix)),
            Kind::Map(entries) => entries.iter_mut().for_each(|e| walk(&mut e.value, prefix)),
            _ => {}
        }
    }
    walk(&mut v, prefix);
    v
}

/// Adds a module's resources to its caller's model, under `prefix.`
/// (`module.site`, `module.site[0]`); `uncertain` says why none of them
/// may exist.
fn merge(model: &mut Model, child: Model, prefix: &str, uncertain: Option<&str>) {
    let offset = model.resources.len();
    for mut r in child.resources {
        r.id = format!("{prefix}.{}", r.id);
        r.bucket = r.bucket.map(|b| b + offset);
        model.resources.push(r);
    }
    model.chosen.extend(child.chosen);
    for mut p in child.passed {
        p.instance = match p.instance.is_empty() {
            true => prefix.to_string(),
            false => format!("{prefix}.{}", p.instance),
        };
        model.passed.push(p);
    }
    for mut b in child.blocks {
        b.id = format!("{prefix}.{}", b.id);
        if b.condition.is_none() {
            b.condition = uncertain.map(str::to_string);
        }
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
