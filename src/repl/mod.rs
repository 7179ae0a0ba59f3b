//! The interactive session (`scn repl`): the rustyline loop on a terminal,
//! a plain line reader otherwise; the work itself is in [`Session`].

mod changes;
mod commands;
mod describe;
mod error;
mod helper;
mod session;

use std::ffi::OsString;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use rustyline::Editor;
use rustyline::config::{CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;

pub use crate::syntax::lex::{join_continued, needs_more};
pub use commands::COMMANDS;
pub use error::ReplError;
pub use helper::{ScnHelper, Vocab, validate};
pub use session::{LineOutcome, Session};

use crate::diag::Style;

/// Runs `scn repl [FILE]` and returns the exit status: 0 at the end of the
/// input, on `:quit` or Ctrl-D.
pub fn run(file: Option<PathBuf>) -> i32 {
    let interactive = std::io::stdin().is_terminal();
    // Ctrl-C while a line computes cancels that line, not the session.
    crate::files::CANCEL_NOT_EXIT.store(true, std::sync::atomic::Ordering::SeqCst);
    crate::files::install_interrupt_handler();
    let style = if interactive {
        crate::cli::diagnostic_style()
    } else {
        Style::Plain
    };
    let mut session = Session::new(style);
    if interactive {
        emit(&LineOutcome {
            stdout: "scn repl: `:help` for help, Ctrl-D to leave\n".into(),
            ..LineOutcome::default()
        });
    }
    if let Some(f) = &file {
        let out = session.load(f);
        if interactive {
            emit(&out);
        } else {
            // Scripts see the errors, not the greeting.
            emit(&LineOutcome {
                stdout: String::new(),
                ..out
            });
        }
    }
    if interactive {
        match interactive_loop(&mut session) {
            Ok(code) => return code,
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "error: the terminal cannot be used: {e}");
            }
        }
    }
    piped_loop(&mut session)
}

/// Writes what a line printed; a closed pipe is not an error worth a panic.
fn emit(out: &LineOutcome) {
    let mut o = std::io::stdout().lock();
    let _ = o.write_all(out.stdout.as_bytes());
    let _ = o.flush();
    let mut e = std::io::stderr().lock();
    let _ = e.write_all(out.stderr.as_bytes());
    let _ = e.flush();
}

/// Standard input is not a terminal: no prompt, no colour, no history.
fn piped_loop(session: &mut Session) -> i32 {
    let mut input = std::io::stdin().lock();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match input.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "error: cannot read standard input: {e}");
                break;
            }
        }
        let line = String::from_utf8_lossy(&buf);
        if let Some(out) = session.feed(line.trim_end_matches(['\n', '\r'])) {
            emit(&out);
            if out.quit {
                return 0;
            }
        }
    }
    if let Some(out) = session.finish() {
        emit(&out);
    }
    0
}

/// Where history is kept: `$SCN_HISTORY`, else the user's data directory
/// (`$XDG_DATA_HOME/scn/history`, `~/.local/share/scn/history`).
pub fn history_path() -> Option<PathBuf> {
    history_path_from(|k| std::env::var_os(k))
}

/// [`history_path`] with the environment passed in, for tests.
pub fn history_path_from(env: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let var = |k: &str| env(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(p) = var("SCN_HISTORY") {
        return Some(p);
    }
    let data = var("XDG_DATA_HOME").or_else(|| var("HOME").map(|h| h.join(".local/share")))?;
    Some(data.join("scn").join("history"))
}

fn interactive_loop(session: &mut Session) -> rustyline::Result<i32> {
    let config = Config::builder()
        .auto_add_history(false)
        .history_ignore_space(true)
        .completion_type(CompletionType::List)
        .build();
    let mut editor: Editor<ScnHelper, DefaultHistory> = Editor::with_config(config)?;
    let colour = std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    editor.set_helper(Some(ScnHelper::new(session.vocab(), colour)));
    let history = history_path();
    if let Some(p) = &history {
        if let Some(dir) = p.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        // A history that is not a small regular file (`/dev/zero`, a FIFO)
        // is not read.
        let usable =
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() < crate::files::MAX_SOURCE);
        if usable {
            let _ = editor.load_history(p);
        }
    }
    loop {
        match editor.readline(&session.prompt()) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                    if let Some(p) = &history {
                        let _ = editor.append_history(p);
                    }
                }
                let mut out = session.line(&line);
                if out.stderr.contains("scn::cancelled") {
                    out.stderr = "cancelled: nothing on this line was kept\n".into();
                }
                emit(&out);
                if out.quit {
                    return Ok(0);
                }
                if let Some(h) = editor.helper_mut() {
                    h.vocab = session.vocab();
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => return Ok(0),
            Err(e) => return Err(e),
        }
    }
}
