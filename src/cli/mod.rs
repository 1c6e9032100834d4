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

pub fn main() -> ExitCode {
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
