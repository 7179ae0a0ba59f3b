//! Files a user names: read with a size limit (so `/dev/zero` is refused,
//! not swallowed), and written safely — a regular file through a temporary
//! file beside it and a rename (keeping its permissions, following a
//! symlink to its target), a FIFO or device written in place, and no
//! temporary file left behind when a write fails or is interrupted.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// The largest `.scn` file (or REPL history) read: far beyond any model.
pub const MAX_SOURCE: u64 = 256 << 20;

/// Reads at most `max` bytes; a longer input is an error, not a truncation.
pub fn read_limited(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    let f = std::fs::File::open(path)?;
    read_all_limited(f, max)
}

/// Reads a stream to its end, refusing more than `max` bytes.
pub fn read_all_limited(r: impl Read, max: u64) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    r.take(max + 1).read_to_end(&mut out)?;
    if out.len() as u64 > max {
        return Err(std::io::Error::other(format!(
            "it is larger than {} MiB",
            max >> 20
        )));
    }
    Ok(out)
}

/// Temporary files being written now: removed if the process is interrupted.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Set when the user presses Ctrl-C: long computations stop at the next
/// check and report that they were cancelled.
pub static CANCELLED: AtomicBool = AtomicBool::new(false);

/// Whether Ctrl-C cancels the current computation (the REPL) rather than
/// ending the process.
pub static CANCEL_NOT_EXIT: AtomicBool = AtomicBool::new(false);

/// Installs the Ctrl-C handler once: remove pending temporary files, then
/// either flag a cancellation (in the REPL) or exit with status 130.
pub fn install_interrupt_handler() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            remove_pending();
            if CANCEL_NOT_EXIT.load(Ordering::SeqCst) {
                CANCELLED.store(true, Ordering::SeqCst);
            } else {
                std::process::exit(130);
            }
        });
    });
}

fn remove_pending() {
    if let Ok(mut p) = PENDING.lock() {
        for path in p.drain(..) {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Removes its temporary file when dropped before being renamed.
struct Temp {
    path: PathBuf,
    done: bool,
}

impl Temp {
    fn new(path: PathBuf) -> Temp {
        if let Ok(mut p) = PENDING.lock() {
            p.push(path.clone());
        }
        Temp { path, done: false }
    }

    fn finish(mut self) {
        self.done = true;
        self.forget();
    }

    fn forget(&self) {
        if let Ok(mut p) = PENDING.lock() {
            p.retain(|x| x != &self.path);
        }
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.path);
            self.forget();
        }
    }
}

/// Writes `bytes` to `target` (`-` is standard output).
pub fn write_safely(target: &str, bytes: &[u8]) -> std::io::Result<()> {
    if target == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes)?;
        return out.flush();
    }
    let given = Path::new(target);
    // A symlink is followed: its target is what the user means to update.
    let path = match std::fs::symlink_metadata(given) {
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(given)?,
        _ => given.to_path_buf(),
    };
    let existing = std::fs::metadata(&path).ok();
    if let Some(m) = &existing
        && !m.is_file()
    {
        if m.is_dir() {
            return Err(std::io::Error::other("it is a directory"));
        }
        // A FIFO, a device, /dev/stdout: write into it, no rename.
        let mut f = std::fs::OpenOptions::new().write(true).open(&path)?;
        f.write_all(bytes)?;
        return f.flush();
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp_path = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let tmp = Temp::new(tmp_path.clone());
    {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp_path)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        if let Some(m) = &existing {
            std::fs::set_permissions(&tmp_path, m.permissions())?;
        }
    }
    std::fs::rename(&tmp_path, &path)?;
    tmp.finish();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limited_reads_refuse_endless_input() {
        let zero = std::io::repeat(0);
        assert!(read_all_limited(zero, 1024).is_err());
        assert_eq!(read_all_limited(&b"abc"[..], 3).unwrap(), b"abc");
    }
}
