//! Byte scans that run before pest sees the text: a bound on nesting (the
//! parser is recursive), the cuts that let a large file be parsed in pieces,
//! and the innermost bracket left open where a parse fails.

use super::error::SyntaxError;
use crate::span::Span;

/// How deep brackets, runs of prefix operators and `if`/`when` may nest. The
/// parser is recursive, so this bound is what keeps hostile input from
/// overflowing it.
pub const MAX_DEPTH: usize = 200;

/// Pieces are cut near this size, whatever the number of cores, so a file
/// reports the same syntax errors on every machine.
pub const PIECE_SIZE: usize = 1 << 15;

/// Files smaller than this are parsed in one piece.
pub const PARALLEL_PARSE_FROM: usize = 1 << 16;

/// When a comment or a string starts at `i`, the index just past it (a
/// comment stops before its newline, an unclosed string at the newline).
pub fn skip_trivia(bytes: &[u8], i: usize) -> Option<usize> {
    let end_of = |from: usize, stop: &[u8]| {
        bytes[from..]
            .iter()
            .position(|b| stop.contains(b))
            .map_or(bytes.len(), |k| from + k)
    };
    match bytes[i] {
        b'#' => Some(end_of(i, b"\n")),
        b'"' => {
            let close = end_of(i + 1, b"\"\n");
            Some(if bytes.get(close) == Some(&b'"') {
                close + 1
            } else {
                close
            })
        }
        _ => None,
    }
}

/// Rejects input nested deeper than [`MAX_DEPTH`] before the recursive
/// parser sees it: brackets; runs of `-`, `^` and `not`; and the `if`s and
/// `when`s of one statement (an `else if` chain recurses too).
pub fn check_depth(text: &str, base: usize) -> Result<(), SyntaxError> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut run = 0usize;
    let mut conditionals = 0usize;
    let mut i = 0;
    let too_deep = |depth, at: usize, len: usize| SyntaxError::TooDeep {
        depth,
        limit: MAX_DEPTH,
        span: Span::new(base + at, base + at + len),
    };
    while i < bytes.len() {
        if let Some(next) = skip_trivia(bytes, i) {
            i = next;
            continue;
        }
        let b = bytes[i];
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(too_deep(depth, i, 1));
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'-' | b'^' => {
                run += 1;
                if run > MAX_DEPTH {
                    return Err(too_deep(run, i, 1));
                }
            }
            b' ' | b'\t' | b'\r' => {}
            b'\n' | b';' => {
                run = 0;
                if depth == 0 {
                    conditionals = 0;
                }
            }
            _ if b.is_ascii_alphabetic() || b == b'_' || b >= 0x80 => {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                match &text[start..i] {
                    "not" => {
                        run += 1;
                        if run > MAX_DEPTH {
                            return Err(too_deep(run, start, 3));
                        }
                    }
                    w @ ("if" | "when") => {
                        conditionals += 1;
                        if conditionals > MAX_DEPTH {
                            return Err(too_deep(conditionals, start, w.len()));
                        }
                        run = 0;
                    }
                    _ => run = 0,
                }
                continue;
            }
            _ => run = 0,
        }
        i += 1;
    }
    Ok(())
}

/// Byte ranges of `text` that each hold whole statements: cuts fall after a
/// newline outside any bracket, string or comment, about every
/// [`PIECE_SIZE`] bytes. The cuts depend on the text alone.
pub fn statement_pieces(text: &str) -> Vec<(usize, usize)> {
    if text.len() < PARALLEL_PARSE_FROM {
        return vec![(0, text.len())];
    }
    let bytes = text.as_bytes();
    let mut cuts = vec![0];
    let (mut depth, mut i) = (0usize, 0usize);
    while i < bytes.len() {
        if let Some(next) = skip_trivia(bytes, i) {
            i = next;
            continue;
        }
        match bytes[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'\n' if depth == 0 && i + 1 - cuts[cuts.len() - 1] >= PIECE_SIZE => {
                // A line that starts with an operator continues nothing
                // (statements end at newlines), so any top-level newline
                // is a statement boundary.
                cuts.push(i + 1)
            }
            _ => {}
        }
        i += 1;
    }
    cuts.push(text.len());
    cuts.windows(2)
        .map(|w| (w[0], w[1]))
        .filter(|(a, b)| a < b)
        .collect()
}

/// The innermost bracket still open at byte `at`: its offset and character.
pub fn unclosed_before(text: &str, at: usize) -> Option<(usize, u8)> {
    let bytes = text.as_bytes();
    let mut stack: Vec<(usize, u8)> = Vec::new();
    let mut i = 0;
    while i < bytes.len().min(at) {
        if let Some(next) = skip_trivia(bytes, i) {
            i = next;
            continue;
        }
        match bytes[i] {
            b @ (b'(' | b'[' | b'{') => stack.push((i, b)),
            b')' | b']' | b'}' => {
                stack.pop();
            }
            _ => {}
        }
        i += 1;
    }
    stack.pop()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_if_chains_are_refused() {
        let text = "let x = ".to_string() + &"if a then 1 else ".repeat(250) + "2";
        assert!(check_depth(&text, 0).is_err());
        let ok = "let x = ".to_string() + &"if a then 1 else ".repeat(50) + "2";
        assert!(check_depth(&ok, 0).is_ok());
        // Many short statements are fine.
        let many = "let y = if a then 1 else 2\n".repeat(1000);
        assert!(check_depth(&many, 0).is_ok());
    }

    #[test]
    fn pieces_do_not_depend_on_cores() {
        let text = "let x = 1\n".repeat(20_000);
        let p = statement_pieces(&text);
        assert!(p.len() >= 5);
        assert!(
            p.iter()
                .all(|(a, _)| *a == 0 || text.as_bytes()[a - 1] == b'\n')
        );
    }

    #[test]
    fn finds_the_open_brace() {
        let t = "provider p {\n  capacity = (1 + 2)\n";
        assert_eq!(unclosed_before(t, t.len()), Some((11, b'{')));
        assert_eq!(unclosed_before("(a)", 3), None);
    }
}
