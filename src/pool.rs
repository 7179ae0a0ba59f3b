//! The one thread pool that parses and evaluates in parallel. Its threads
//! have large stacks, like the main one, so nested (but legal) input parses
//! the same on a worker as on the main thread.

use std::sync::OnceLock;

/// Stack size of every worker: parsing and lowering recurse over nesting.
const STACK: usize = 256 << 20;

fn pool() -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        let threads = std::env::var("SCN_THREADS")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|&n| n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .stack_size(STACK)
            .thread_name(|i| format!("scn-{i}"))
            .build()
            .unwrap_or_else(|_| {
                rayon::ThreadPoolBuilder::new()
                    .build()
                    .unwrap_or_else(|e| panic!("no thread pool: {e}"))
            })
    })
}

/// Runs `f` inside the pool, so its parallel work uses the pool's threads.
pub fn install<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    pool().install(f)
}

/// How many threads the pool has.
pub fn threads() -> usize {
    pool().current_num_threads()
}
