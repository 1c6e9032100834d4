//! The floor for the benchmark: finds the same files as `bucketlint check`
//! and parses them with the same parsers, in parallel, and nothing else.
//! `cargo run --release --example parse_only -- PATH...`

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bucketlint::discover::{self, Unit};
use bucketlint::parse::{hcl, json, yaml};
use rayon::prelude::*;

fn parse(path: &Path) -> bool {
    let Ok(text) = bucketlint::source::read_text(path) else {
        return false;
    };
    let name = path.to_string_lossy();
    if name.ends_with(".tf") {
        hcl::parse(&text, 0).is_ok()
    } else if name.ends_with(".json") {
        json::parse(&text, json::Placement::At(0, 0)).is_ok()
    } else {
        yaml::parse(&text, 0).is_ok()
    }
}

fn main() {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let none: discover::Exclude = Arc::new(|_, _| false);
    let found = discover::discover(&paths, &none, false);
    let files: Vec<PathBuf> = found
        .units
        .iter()
        .flat_map(|u| match u {
            Unit::Template(p, _) => vec![p.clone()],
            Unit::Module { files, .. } => files.clone(),
        })
        .collect();
    let parsed = files.par_iter().filter(|p| parse(p)).count();
    println!("parsed {parsed} of {} files", files.len());
}
