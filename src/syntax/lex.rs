//! A forgiving tokenizer that never fails: what the REPL colours, completes
//! and counts, what the formatter lays out and what the language server reads
//! under the cursor. Every byte belongs to a token; what it does not know is `Other`.

/// What a token is, as far as the editor cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    Space,
    Comment,
    /// `"..."`, possibly unterminated.
    String,
    /// `5`, `1.2e9`, `100k`, `75%`.
    Number,
    /// `$5B`, `$B`, `$`.
    Money,
    Ident,
    Open,
    Close,
    /// `+ - * / ^ < > <= >= == != = @ , : ; ..`
    Op,
    Dot,
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: Tok,
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn text(self, s: &str) -> &str {
        s.get(self.start..self.end).unwrap_or("")
    }
}

/// The reserved words: they cannot be names.
pub const KEYWORDS: [&str; 37] = [
    "timeline",
    "let",
    "demand",
    "provider",
    "allocate",
    "by",
    "scenario",
    "extends",
    "compare",
    "on",
    "show",
    "assert",
    "plot",
    "unit",
    "samples",
    "seed",
    "within",
    "when",
    "if",
    "then",
    "else",
    "and",
    "or",
    "not",
    "in",
    "to",
    "never",
    "plan",
    "minimize",
    "discount",
    "subject",
    "solve",
    "so",
    "sensitivity",
    "correlate",
    "explain",
    "import",
];

/// Words with a meaning in one place (policies, fills, steps): highlighted
/// like keywords, but ordinary names elsewhere.
pub const PLACE_WORDS: [&str; 18] = [
    "priority",
    "cost",
    "share",
    "optimal",
    "budget",
    "rest",
    "linear",
    "growth",
    "step",
    "stack",
    "yearly",
    "quarterly",
    "monthly",
    "sobol",
    "that",
    "as",
    "pp",
    "csv",
];

/// Words after which an expression cannot end.
const CONTINUING_WORDS: [&str; 20] = [
    "and", "or", "not", "to", "if", "then", "else", "when", "in", "within", "by", "on", "extends",
    "minimize", "discount", "subject", "so", "that", "budget", "as",
];

fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Splits `s` into tokens covering every byte.
pub fn lex(s: &str) -> Vec<Token> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let c = b[i];
        let kind = match c {
            b' ' | b'\t' | b'\r' | b'\n' => {
                while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
                    i += 1;
                }
                Tok::Space
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                Tok::Comment
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                    i += 1;
                }
                if i < b.len() && b[i] == b'"' {
                    i += 1;
                }
                Tok::String
            }
            b'0'..=b'9' => {
                i = period(b, i).unwrap_or_else(|| number(b, i, true));
                Tok::Number
            }
            b'$' => {
                i += 1;
                if i < b.len() && b[i].is_ascii_digit() {
                    i = number(b, i, false);
                } else if i < b.len()
                    && matches!(b[i], b'k' | b'M' | b'B' | b'T')
                    && !b
                        .get(i + 1)
                        .is_some_and(|&n| n.is_ascii_alphanumeric() || n == b'_')
                {
                    i += 1;
                }
                Tok::Money
            }
            b'(' | b'[' | b'{' => {
                i += 1;
                Tok::Open
            }
            b')' | b']' | b'}' => {
                i += 1;
                Tok::Close
            }
            b'.' if b.get(i + 1) == Some(&b'.') => {
                i += 2;
                Tok::Op
            }
            b'.' => {
                i += 1;
                Tok::Dot
            }
            b'<' | b'>' | b'=' | b'!' => {
                i += 1;
                if b.get(i) == Some(&b'=') {
                    i += 1;
                }
                if c == b'!' && i == start + 1 {
                    Tok::Other
                } else {
                    Tok::Op
                }
            }
            b'+' | b'-' | b'*' | b'/' | b'^' | b'@' | b',' | b':' | b';' | b'%' => {
                i += 1;
                Tok::Op
            }
            c if c.is_ascii_alphabetic() || c == b'_' || starts_ident(&s[i..]) => {
                while let Some(ch) = s[i..].chars().next().filter(|&ch| ident_char(ch)) {
                    i += ch.len_utf8();
                }
                Tok::Ident
            }
            _ => {
                // One whole character, so slices stay on char boundaries.
                i += s[i..].chars().next().map_or(1, char::len_utf8);
                Tok::Other
            }
        };
        out.push(Token {
            kind,
            start,
            end: i,
        });
    }
    out
}

/// Whether `s` starts with a letter of any script.
fn starts_ident(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_alphabetic)
}

/// The end of a period literal (`2026-07`, `2026Q3`) starting at `i`.
fn period(b: &[u8], i: usize) -> Option<usize> {
    let four = b.get(i..i + 4)?;
    if !four.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let j = i + 4;
    match b.get(j) {
        Some(b'-' | b'Q') if b.get(j + 1).is_some_and(u8::is_ascii_digit) => {
            let mut k = j + 1;
            while b.get(k).is_some_and(u8::is_ascii_digit) {
                k += 1;
            }
            let next = b.get(k).copied();
            (!next.is_some_and(|n| n.is_ascii_alphanumeric() || n == b'_' || n == b'.'))
                .then_some(k)
        }
        _ => None,
    }
}

/// The end of a number starting at `i`: digits, fraction, exponent, and
/// (outside money) a magnitude suffix and `%`.
fn number(b: &[u8], mut i: usize, suffixes: bool) -> usize {
    let digits = |b: &[u8], mut i: usize| {
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
        i
    };
    i = digits(b, i);
    if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i = digits(b, i + 1);
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        if b.get(j).is_some_and(u8::is_ascii_digit) {
            i = digits(b, j);
        }
    }
    if matches!(b.get(i), Some(b'k' | b'M' | b'B' | b'T'))
        && !b
            .get(i + 1)
            .is_some_and(|&n| n.is_ascii_alphanumeric() || n == b'_')
    {
        i += 1;
    }
    if suffixes && b.get(i) == Some(&b'%') {
        i += 1;
    }
    i
}

/// Tokens that carry meaning (no spaces, no comments).
fn significant(s: &str) -> impl Iterator<Item = Token> + '_ {
    lex(s)
        .into_iter()
        .filter(|t| !matches!(t.kind, Tok::Space | Tok::Comment))
}

/// Whether a REPL command (`:load …`): these are always one line.
pub fn is_command(s: &str) -> bool {
    s.trim_start().starts_with(':')
}

/// Open brackets minus closed ones (strings and comments ignored).
pub fn open_brackets(s: &str) -> i64 {
    significant(s).fold(0, |n, t| match t.kind {
        Tok::Open => n + 1,
        Tok::Close => n - 1,
        _ => n,
    })
}

/// Whether the last thing in `s` is an operator or word that needs
/// something after it (`spend +`, `let x =`, `a and`).
pub fn ends_with_operator(s: &str) -> bool {
    let Some(last) = significant(s).last() else {
        return false;
    };
    match last.kind {
        Tok::Op => !matches!(last.text(s), ";" | "%"),
        Tok::Ident => CONTINUING_WORDS.contains(&last.text(s)),
        _ => false,
    }
}

/// Whether the input so far is unfinished and should continue on the next
/// line: an open bracket, or a trailing operator.
pub fn needs_more(s: &str) -> bool {
    if is_command(s) || s.trim().is_empty() {
        return false;
    }
    open_brackets(s) > 0 || ends_with_operator(s)
}

/// Joins continued lines the way the grammar reads them: a newline inside
/// brackets is free, but one after a trailing operator would end the
/// statement (or a block entry), so that newline (and a comment before it)
/// becomes spaces. Byte offsets are unchanged, so spans still point at what was typed.
pub fn join_continued(s: &str) -> String {
    if !s.contains('\n') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut lines = s.split('\n').peekable();
    while let Some(line) = lines.next() {
        let last = lines.peek().is_none();
        if !last && ends_with_operator(line) {
            match lex(line).into_iter().find(|t| t.kind == Tok::Comment) {
                Some(c) => {
                    out.push_str(&line[..c.start]);
                    out.push_str(&" ".repeat(c.end - c.start));
                }
                None => out.push_str(line),
            }
            out.push(' ');
        } else {
            out.push_str(line);
            if !last {
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<(Tok, &str)> {
        lex(s)
            .into_iter()
            .filter(|t| t.kind != Tok::Space)
            .map(|t| (t.kind, t.text(s)))
            .collect()
    }

    #[test]
    fn tokens_of_a_line() {
        assert_eq!(
            kinds("show spend@2030 in $B # note"),
            vec![
                (Tok::Ident, "show"),
                (Tok::Ident, "spend"),
                (Tok::Op, "@"),
                (Tok::Number, "2030"),
                (Tok::Ident, "in"),
                (Tok::Money, "$B"),
                (Tok::Comment, "# note"),
            ]
        );
        assert_eq!(
            kinds("sum(x, 2025..2027) >= 75% + 1.2e9 + 100k"),
            vec![
                (Tok::Ident, "sum"),
                (Tok::Open, "("),
                (Tok::Ident, "x"),
                (Tok::Op, ","),
                (Tok::Number, "2025"),
                (Tok::Op, ".."),
                (Tok::Number, "2027"),
                (Tok::Close, ")"),
                (Tok::Op, ">="),
                (Tok::Number, "75%"),
                (Tok::Op, "+"),
                (Tok::Number, "1.2e9"),
                (Tok::Op, "+"),
                (Tok::Number, "100k"),
            ]
        );
    }

    #[test]
    fn periods_and_unicode() {
        assert_eq!(
            kinds("x@2026-07 + coût@2026Q3 - 2026 - 7"),
            vec![
                (Tok::Ident, "x"),
                (Tok::Op, "@"),
                (Tok::Number, "2026-07"),
                (Tok::Op, "+"),
                (Tok::Ident, "coût"),
                (Tok::Op, "@"),
                (Tok::Number, "2026Q3"),
                (Tok::Op, "-"),
                (Tok::Number, "2026"),
                (Tok::Op, "-"),
                (Tok::Number, "7"),
            ]
        );
    }

    #[test]
    fn odd_input_is_covered() {
        for s in ["é€ \"open", "$", "1e", "!", "\u{0}x", "..."] {
            let toks = lex(s);
            assert_eq!(toks.last().map_or(0, |t| t.end), s.len(), "{s:?}");
        }
    }

    #[test]
    fn joining_keeps_offsets() {
        let s = "let x = 1 + # more\n  2";
        let j = join_continued(s);
        assert_eq!(j.len(), s.len());
        assert_eq!(j, "let x = 1 +          2");
        let k = "let x = {\n 2024: 1 GW\n}";
        assert_eq!(join_continued(k), k);
    }
}
