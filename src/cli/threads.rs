//! The worker threads of a run.

/// rayon's global pool, each worker with `stack` bytes of stack; `threads`
/// 0 for one a core. Building it fails only when a pool already exists,
/// which cannot happen here.
pub fn build_pool(stack: usize, threads: usize) {
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(stack)
        .build_global();
}
