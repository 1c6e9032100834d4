//! The `bucketlint` command line: the arguments (`args`), each subcommand
//! (`check`, `inventory`, `rules`, `serve`), and the rendering of a run's outputs
//! (`output`). Exit codes: 0 nothing at or above the failure threshold,
//! 1 findings, 2 something could not be checked (bad input, bad usage).

mod args;
mod check;
mod errors;
mod inventory;
mod output;
mod rules;
mod serve;
mod since;
mod threads;

use std::io;
use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};

/// The first argument before `--` that reads as an option but names an
/// existing file: a repository can hold a file called `--config=x.toml`,
/// and a hook or script that passes file names without `--` would take
/// it as an option. Refused rather than guessed.
fn option_named_like_a_file(args: impl Iterator<Item = std::ffi::OsString>) -> Option<String> {
    for arg in args {
        if arg == "--" {
            return None;
        }
        let text = arg.to_string_lossy();
        if text.starts_with('-') && text != "-" && std::path::Path::new(&arg).exists() {
            return Some(text.into_owned());
        }
    }
    None
}

pub fn main() -> ExitCode {
    if let Some(arg) = option_named_like_a_file(std::env::args_os().skip(1)) {
        eprintln!(
            "bucketlint: `{}` is an option, and also the name of a file here; name files after `--` (the pre-commit hooks do)",
            bucketlint::report::safe::one_line(&arg)
        );
        return ExitCode::from(2);
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check::run_with_stack(*args),
        Command::Inventory(args) => check::run_with_stack(inventory::check_args(*args)),
        Command::Rules { format } => rules::list_rules(format),
        Command::Explain { rule } => rules::explain(&rule),
        Command::Server { .. } => serve::serve(),
    };
    match result {
        Ok(code) => code,
        // A closed pipe (`bucketlint check | head`) is not a failure to report.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bucketlint: {e}");
            ExitCode::from(2)
        }
    }
}
