//! The rustyline helper: Tab completion, the validator that continues open
//! input on the next line, and syntax highlighting.

use std::borrow::Cow;

use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};

use crate::check::Model;
use crate::check::vocab::{BUILTINS, DEMAND_FIELDS, PROVIDER_FIELDS, TIME_NAMES};
use crate::syntax::lex::{self, KEYWORDS, PLACE_WORDS, Tok};
use crate::units::builtin_names;

use super::commands::COMMANDS;

/// What can be completed: a snapshot of the session's names.
#[derive(Clone, Debug, Default)]
pub struct Vocab {
    /// Every declared name (values, demands, providers, units).
    pub names: Vec<String>,
    /// Each provider with its own (user) properties.
    pub providers: Vec<(String, Vec<String>)>,
    pub demands: Vec<String>,
    pub scenarios: Vec<String>,
    /// Built-in and declared units.
    pub units: Vec<String>,
}

impl Vocab {
    pub fn of(m: &Model) -> Vocab {
        let mut names: Vec<String> = m.declared_names().map(str::to_string).collect();
        names.extend(TIME_NAMES.iter().map(|t| t.name.to_string()));
        names.sort();
        names.dedup();
        let mut units = builtin_names();
        units.extend(m.unit_nodes().map(|(n, _)| n.to_string()));
        Vocab {
            names,
            providers: m
                .providers
                .iter()
                .map(|p| {
                    (
                        p.name.clone(),
                        p.extra.iter().map(|e| e.0.clone()).collect(),
                    )
                })
                .collect(),
            demands: m.demands.iter().map(|d| d.name.clone()).collect(),
            scenarios: m.scenarios.iter().map(|s| s.name.clone()).collect(),
            units,
        }
    }

    fn is_unit(&self, w: &str) -> bool {
        self.units.iter().any(|u| u == w)
    }
}

/// The helper rustyline calls; `colour` is off when not on a terminal or
/// with `NO_COLOR`.
pub struct ScnHelper {
    pub vocab: Vocab,
    pub colour: bool,
    files: FilenameCompleter,
}

impl ScnHelper {
    pub fn new(vocab: Vocab, colour: bool) -> ScnHelper {
        ScnHelper {
            vocab,
            colour,
            files: FilenameCompleter::new(),
        }
    }

    /// Completions for the word before `pos`: its start and the candidates.
    pub fn candidates(&self, line: &str, pos: usize) -> (usize, Vec<Pair>) {
        let Some(before) = line.get(..pos) else {
            return (pos, Vec::new());
        };
        if lex::is_command(before) {
            return self.command_candidates(line, pos, before);
        }
        self.expr_candidates(before, 0)
    }

    fn command_candidates(&self, line: &str, pos: usize, before: &str) -> (usize, Vec<Pair>) {
        let lead = before.len() - before.trim_start().len();
        let body = &before[lead..];
        let Some(space) = body.find(char::is_whitespace) else {
            let c = COMMANDS
                .iter()
                .filter(|c| c.0.starts_with(body))
                .map(|c| {
                    pair(
                        c.0,
                        if c.1.is_empty() {
                            c.0.to_string()
                        } else {
                            format!("{} ", c.0)
                        },
                    )
                })
                .collect();
            return (lead, c);
        };
        let arg_start = lead + space + (body[space..].len() - body[space..].trim_start().len());
        match &body[..space] {
            ":load" => self
                .files
                .complete_path(line, pos)
                .unwrap_or((pos, Vec::new())),
            ":scenario" => {
                let word = &before[arg_start..];
                let c = std::iter::once("base")
                    .chain(self.vocab.scenarios.iter().map(String::as_str))
                    .filter(|s| s.starts_with(word))
                    .map(|s| pair(s, s.to_string()))
                    .collect();
                (arg_start, c)
            }
            ":type" => self.expr_candidates(&before[arg_start..], arg_start),
            _ => (pos, Vec::new()),
        }
    }

    /// Completes the identifier ending `before` (which starts at `offset`
    /// in the line).
    fn expr_candidates(&self, before: &str, offset: usize) -> (usize, Vec<Pair>) {
        let start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '_')
            .last()
            .map_or(before.len(), |(i, _)| i);
        let word = &before[start..];
        if word.starts_with(|c: char| c.is_ascii_digit()) {
            return (offset + before.len(), Vec::new());
        }
        let head = &before[..start];
        let mut out: Vec<Pair> = Vec::new();
        let mut add = |display: &str, replacement: String| {
            if display.starts_with(word) && !out.iter().any(|p| p.replacement == replacement) {
                out.push(pair(display, replacement));
            }
        };
        if head.ends_with('.') && !head.ends_with("..") {
            // After a dot: a provider's or a demand's fields.
            let base = head[..head.len() - 1]
                .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("");
            if let Some((_, extra)) = self.vocab.providers.iter().find(|p| p.0 == base) {
                for f in PROVIDER_FIELDS {
                    add(f.name, f.name.to_string());
                }
                for f in extra {
                    add(f, f.clone());
                }
            } else if self.vocab.demands.iter().any(|d| d == base) {
                for f in DEMAND_FIELDS {
                    add(f.name, f.name.to_string());
                }
            }
            out.sort_by(|a, b| a.display.cmp(&b.display));
            return (offset + start, out);
        }
        let toks: Vec<_> = lex::lex(head)
            .into_iter()
            .filter(|t| !matches!(t.kind, Tok::Space | Tok::Comment))
            .collect();
        let prev = toks.last().map(|t| (t.kind, t.text(head)));
        match prev {
            // `5 G|`: a unit.
            Some((Tok::Number, _)) => {
                for u in &self.vocab.units {
                    add(u, u.clone());
                }
            }
            Some((Tok::Ident, "by")) => {
                for p in crate::check::vocab::POLICIES {
                    add(p.name, format!("{} ", p.name));
                }
            }
            _ => {
                for n in &self.vocab.names {
                    add(n, n.clone());
                }
                let mut words: Vec<(String, String)> = BUILTINS
                    .iter()
                    .map(|f| (format!("{}(", f.name), format!("{}(", f.name)))
                    .chain(KEYWORDS.iter().map(|k| (k.to_string(), k.to_string())))
                    .collect();
                words.sort();
                for (d, r) in words {
                    add(&d, r);
                }
            }
        }
        out.sort_by(|a, b| a.display.cmp(&b.display));
        (offset + start, out)
    }

    /// The line with ANSI colours: keywords, numbers and money, units,
    /// strings, comments, functions and commands.
    pub fn colourize(&self, line: &str) -> String {
        if !lex::is_command(line) {
            return self.colourize_expr(line);
        }
        let lead = line.len() - line.trim_start().len();
        let end = line[lead..]
            .find(char::is_whitespace)
            .map_or(line.len(), |i| lead + i);
        let rest = &line[end..];
        // Only `:type` takes an expression; other arguments stay plain.
        let rest = if line[lead..end] == *":type" {
            self.colourize_expr(rest)
        } else {
            rest.to_string()
        };
        format!("{}{}{rest}", &line[..lead], paint("1;34", &line[lead..end]))
    }

    fn colourize_expr(&self, line: &str) -> String {
        let toks = lex::lex(line);
        let mut out = String::with_capacity(line.len() * 2);
        let mut prev: Option<(Tok, &str)> = None;
        for (k, t) in toks.iter().enumerate() {
            let text = t.text(line);
            let next = toks[k + 1..]
                .iter()
                .find(|t| t.kind != Tok::Space)
                .map(|t| t.text(line));
            let style = match t.kind {
                Tok::Comment => Some("2"),
                Tok::String => Some("33"),
                Tok::Number | Tok::Money => Some("36"),
                Tok::Ident if KEYWORDS.contains(&text) => Some("1;35"),
                Tok::Ident if PLACE_WORDS.contains(&text) && next != Some("(") => Some("35"),
                Tok::Ident
                    if self.vocab.is_unit(text)
                        && matches!(prev, Some((Tok::Number, _)) | Some((Tok::Ident, "in"))) =>
                {
                    Some("32")
                }
                Tok::Ident
                    if next == Some("(")
                        && crate::check::vocab::Builtin::lookup(text).is_some() =>
                {
                    Some("34")
                }
                _ => None,
            };
            match style {
                Some(s) => out.push_str(&paint(s, text)),
                None => out.push_str(text),
            }
            if t.kind != Tok::Space {
                prev = Some((t.kind, text));
            }
        }
        out
    }
}

fn paint(style: &str, text: &str) -> String {
    format!("\x1b[{style}m{text}\x1b[0m")
}

fn pair(display: &str, replacement: String) -> Pair {
    Pair {
        display: display.to_string(),
        replacement,
    }
}

/// Whether the input should continue on the next line.
pub fn validate(input: &str) -> ValidationResult {
    if lex::needs_more(input) {
        ValidationResult::Incomplete
    } else {
        ValidationResult::Valid(None)
    }
}

impl Completer for ScnHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        Ok(self.candidates(line, pos))
    }
}

impl Hinter for ScnHelper {
    type Hint = String;
}

impl Validator for ScnHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        Ok(validate(ctx.input()))
    }
}

impl Highlighter for ScnHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if self.colour {
            Cow::Owned(self.colourize(line))
        } else {
            Cow::Borrowed(line)
        }
    }

    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(
        &'s self,
        prompt: &'p str,
        default: bool,
    ) -> Cow<'b, str> {
        if self.colour && default {
            Cow::Owned(format!("\x1b[1;32m{prompt}\x1b[0m"))
        } else {
            Cow::Borrowed(prompt)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        self.colour
    }
}

impl Helper for ScnHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_keep_the_text() {
        let h = ScnHelper::new(Vocab::of(&Model::default()), true);
        let line = "show spend@2030 in $B # total";
        let c = h.colourize(line);
        let plain: String = {
            let mut s = String::new();
            let mut esc = false;
            for ch in c.chars() {
                match (esc, ch) {
                    (false, '\x1b') => esc = true,
                    (true, 'm') => esc = false,
                    (true, _) => {}
                    (false, ch) => s.push(ch),
                }
            }
            s
        };
        assert_eq!(plain, line);
        assert!(c.contains("\x1b[1;35mshow\x1b[0m"));
        assert!(c.contains("\x1b[36m2030\x1b[0m"));
        assert!(c.contains("\x1b[2m# total\x1b[0m"));
    }
}
