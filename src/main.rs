//! The `scn` binary: parses the command line and runs it on a thread with a
//! large stack, so deeply nested (but legal) input cannot overflow it.

use clap::Parser;

/// A fast allocator that reuses freed memory (with transparent huge pages for
/// large heaps): Monte Carlo runs and large models allocate and
/// free many large buffers, which the system allocator maps afresh each time.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = match scn::cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let worker = std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(move || scn::cli::main_with(cli));
    let code = match worker.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        _ => 70,
    };
    std::process::exit(code);
}
