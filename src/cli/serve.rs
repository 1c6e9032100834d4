//! `bucketlint server`: the language server.

use std::io;
use std::process::ExitCode;

use super::threads::build_pool;

pub fn serve() -> io::Result<ExitCode> {
    // Two threads at least: one file's check never waits for another's.
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().max(2));
    build_pool(
        bucketlint::parse::stack_size(bucketlint::parse::DEFAULT_MAX_DEPTH),
        threads,
    );
    match bucketlint::server::serve() {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("bucketlint server: {e}");
            Ok(ExitCode::from(1))
        }
    }
}
