//! The REPL's `:commands`: help, loading, scenarios, listing and types.

use std::path::PathBuf;

use crate::check;
use crate::span::Span;
use crate::syntax::ast::{Ident, ItemKind};
use crate::syntax::{self, Mode};

use super::describe;
use super::error::ReplError;
use super::session::{LineOutcome, Session};

/// Every command: name, argument, what it does (for `:help` and Tab).
pub const COMMANDS: [(&str, &str, &str); 8] = [
    (":help", "", "this help"),
    (
        ":load",
        "FILE",
        "load a file, replacing everything (declarations made here too)",
    ),
    (
        ":reload",
        "",
        "read the file again, as it is now on disk, dropping what was declared here",
    ),
    (
        ":scenario",
        "[NAME]",
        "switch to a scenario (`base` is the file as written); alone, show the current one",
    ),
    (":list", "", "every name, with its kind, unit and shape"),
    (
        ":type",
        "EXPR",
        "the type of an expression (dimension, unit, kind, shape, certainty), found without computing it",
    ),
    (
        ":run",
        "",
        "run the file's show/assert/compare statements in the current scenario",
    ),
    (":quit", "", "leave the session (also Ctrl-D)"),
];

const HELP_INPUT: &str = "\
Input:
  an expression                  prints its value: `spend@2030`, `share(stargate)`, `stargate`
  let, demand, provider, allocate, unit, scenario, timeline
                                 declares a name, or replaces its declaration, and
                                 recomputes everything that depends on it
  show EXPR, … [in UNIT]         prints values (`show spend in $B`)
  assert COND [within TOL]       checks a condition
  compare S1, S2 on EXPR, …      compares scenarios side by side

An open bracket or a trailing operator continues the input on the next line.
Tab completes names, `provider.` properties, functions, keywords and commands.
A line with an error changes nothing.";

fn help() -> String {
    let mut s = String::from("Commands:\n");
    for (name, arg, what) in COMMANDS {
        let head = if arg.is_empty() {
            name.to_string()
        } else {
            format!("{name} {arg}")
        };
        s.push_str(&format!("  {head:<31}{what}\n"));
    }
    s.push('\n');
    s.push_str(HELP_INPUT);
    s
}

/// A command line split into its word and argument, with their spans.
struct Parsed<'a> {
    word: &'a str,
    word_span: Span,
    arg: &'a str,
    arg_start: usize,
    arg_span: Span,
}

fn parse(text: &str, base: usize) -> Parsed<'_> {
    let lead = text.len() - text.trim_start().len();
    let body = &text[lead..];
    let word_end = body.find(char::is_whitespace).unwrap_or(body.len());
    let word = &body[..word_end];
    let rest = &body[word_end..];
    let arg = rest.trim();
    let arg_start = lead + word_end + (rest.len() - rest.trim_start().len());
    Parsed {
        word,
        word_span: Span::new(base + lead, base + lead + word_end),
        arg,
        arg_start: base + arg_start,
        arg_span: Span::new(base + arg_start, base + arg_start + arg.len()),
    }
}

impl Session {
    /// Runs a `:command` line, which starts at global offset `base`.
    pub(crate) fn command(&mut self, text: &str, base: usize) -> LineOutcome {
        let mut out = LineOutcome::default();
        let p = parse(text, base);
        let name = match p.word {
            ":q" | ":exit" => ":quit",
            ":h" | ":?" => ":help",
            w => w,
        };
        let Some(&(name, arg_name, _)) = COMMANDS.iter().find(|c| c.0 == name) else {
            let help = crate::diag::did_you_mean(p.word, COMMANDS.iter().map(|c| c.0))
                .or_else(|| Some("`:help` lists the commands".into()));
            self.report_repl(
                &mut out,
                ReplError::UnknownCommand {
                    name: p.word.to_string(),
                    span: p.word_span,
                    help,
                },
            );
            return out;
        };
        let takes = !arg_name.is_empty();
        let optional = arg_name.starts_with('[');
        if !takes && !p.arg.is_empty() {
            self.report_repl(
                &mut out,
                ReplError::UnexpectedArgument {
                    command: name,
                    span: p.arg_span,
                },
            );
            return out;
        }
        if takes && !optional && p.arg.is_empty() {
            let (what, help) = match name {
                ":load" => ("a file name", "`:load examples/openai_stargate.scn`"),
                _ => ("an expression", "`:type spend@2030`"),
            };
            self.report_repl(
                &mut out,
                ReplError::MissingArgument {
                    command: name,
                    what,
                    span: p.word_span,
                    help: Some(format!("for example {help}")),
                },
            );
            return out;
        }
        match name {
            ":help" => out.print(&help()),
            ":quit" => out.quit = true,
            ":load" => {
                let path = PathBuf::from(p.arg.trim_matches(|c| c == '"' || c == '\''));
                return self.load_file(&path, Some(p.arg_span), "base");
            }
            ":reload" => match self.file.clone() {
                Some(path) => {
                    let scenario = self.state.scenario_name().to_string();
                    return self.load_file(&path, None, &scenario);
                }
                None => self.report_repl(&mut out, ReplError::NoFile { span: p.word_span }),
            },
            ":scenario" => self.scenario_command(p.arg, p.arg_span, &mut out),
            ":list" => out.print(&describe::list(&self.state)),
            ":type" => self.type_command(p.arg, p.arg_start, p.arg_span, &mut out),
            ":run" => self.run_file_statements(&mut out),
            _ => {}
        }
        out
    }

    fn scenario_command(&mut self, arg: &str, span: Span, out: &mut LineOutcome) {
        let m = &self.state.model;
        if arg.is_empty() {
            out.print(&format!(
                "scenario: {}",
                describe::scenario_title(m, self.state.scenario_name())
            ));
            let names: Vec<&str> = std::iter::once("base")
                .chain(m.scenarios.iter().map(|s| s.name.as_str()))
                .collect();
            out.print(&format!("scenarios: {}", names.join(", ")));
            return;
        }
        let before = self.state.warnings();
        match self.state.with_scenario(arg) {
            Some(s) => self.state = s,
            None => {
                let ident = Ident {
                    name: arg.to_string(),
                    span,
                };
                self.report(out, vec![check::unknown_scenario(m, &ident)]);
                return;
            }
        }
        out.print(&format!(
            "scenario: {}",
            describe::scenario_title(&self.state.model, arg)
        ));
        self.new_warnings(&before, out);
    }

    fn type_command(&self, arg: &str, start: usize, span: Span, out: &mut LineOutcome) {
        let program = match syntax::parse(arg, start, Mode::Repl) {
            Ok(p) => p,
            Err(es) => {
                self.report(out, es);
                return;
            }
        };
        let expr = match program.items.as_slice() {
            [item] => match &item.kind {
                ItemKind::Expr(e) => e,
                _ => {
                    self.report_repl(out, ReplError::NotAnExpression { span });
                    return;
                }
            },
            _ => {
                self.report_repl(out, ReplError::NotAnExpression { span });
                return;
            }
        };
        let label = arg.split_whitespace().collect::<Vec<_>>().join(" ");
        let m = &self.state.model;
        match check::entity(m, expr) {
            Some(check::Sym::Provider(p)) => {
                out.print(&format!(
                    "{label}: {}",
                    describe::provider(m, self.state.world(), p)
                ));
                return;
            }
            Some(check::Sym::Demand(_)) => {
                if let Ok((ty, hint)) = crate::run::type_of(m, self.state.world(), expr) {
                    out.print(&format!(
                        "{label}: demand, {}",
                        describe::type_text(m, ty, hint)
                    ));
                }
                return;
            }
            _ => {}
        }
        // From the types alone: nothing is computed.
        match crate::run::type_of(m, self.state.world(), expr) {
            Ok((ty, hint)) => out.print(&format!("{label}: {}", describe::type_text(m, ty, hint))),
            Err(es) => self.report(out, es),
        }
    }

    fn run_file_statements(&self, out: &mut LineOutcome) {
        let m = &self.state.model;
        if m.statements.is_empty() {
            out.print("there are no statements to run");
            return;
        }
        for st in &m.statements {
            let mut runner = crate::run::Runner::new(m, &self.sources, &self.state.worlds);
            let r = runner.statement(st).map(|o| describe::render(m, &o));
            match r {
                Ok(text) => {
                    out.print(&text);
                    if !text.trim().is_empty() {
                        out.stdout.push('\n');
                    }
                }
                Err(es) => self.report(out, es),
            }
        }
        let trimmed = out.stdout.trim_end().len();
        out.stdout.truncate(trimmed);
        if !out.stdout.is_empty() {
            out.stdout.push('\n');
        }
    }
}
