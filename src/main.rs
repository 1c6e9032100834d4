//! The `bucketlint` binary; the command line is `cli`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}

// Most of the run is small allocations for syntax trees, spread over the
// worker threads; mimalloc serves them faster than the system allocator
// and returns memory freed by one file before the next is read.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
