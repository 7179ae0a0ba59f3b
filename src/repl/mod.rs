//! The interactive session (`scn repl`).

use std::path::PathBuf;

pub fn run(_file: Option<PathBuf>) -> i32 {
    eprintln!("error: the REPL is not built yet");
    2
}
