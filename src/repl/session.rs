//! A REPL session: the program so far, its model and worlds, and what one
//! line of input does to them. No terminal here, so it is tested directly.

use std::path::{Path, PathBuf};

use crate::check::{self, Model};
use crate::error::{ScnError, UnmetWarning};
use crate::eval::{self, World};
use crate::report::{self, Style};
use crate::run::{Runner, scenario_ident, scenario_world};
use crate::source::SourceMap;
use crate::span::Span;
use crate::syntax::ast::{Item, ItemKind, Program};
use crate::syntax::{self, Mode, SyntaxError};

use super::changes::{changes, list_names};
use super::describe::{render, summary};
use super::error::ReplError;
use super::helper::Vocab;
use super::lex;

/// What one line printed: results for standard output, diagnostics for
/// standard error, and whether the session is over.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineOutcome {
    pub stdout: String,
    pub stderr: String,
    pub quit: bool,
}

impl LineOutcome {
    /// Appends a result, ending it with exactly one newline.
    pub(crate) fn print(&mut self, text: &str) {
        let t = text.trim_end();
        if !t.is_empty() {
            self.stdout.push_str(t);
            self.stdout.push('\n');
        }
    }
}

/// Everything a line can change, kept whole so a failing line can leave it
/// exactly as it was.
#[derive(Clone, Debug, Default)]
pub(crate) struct State {
    /// The program: the file's items, then what was declared at the prompt.
    pub items: Vec<Item>,
    pub model: Model,
    pub base: World,
    /// The selected scenario's world; `None` for `base`.
    pub scenario: Option<World>,
}

impl State {
    /// The world statements run in.
    pub fn world(&self) -> &World {
        self.scenario.as_ref().unwrap_or(&self.base)
    }

    pub fn scenario_name(&self) -> &str {
        self.scenario
            .as_ref()
            .map_or("base", |w| w.scenario.as_str())
    }

    pub fn warnings(&self) -> Vec<UnmetWarning> {
        crate::unmet_warnings(&self.model, self.world())
    }
}

/// An interactive session over a file.
pub struct Session {
    pub(crate) sources: SourceMap,
    pub(crate) state: State,
    /// The file `:reload` reads again.
    pub(crate) file: Option<PathBuf>,
    pub(crate) style: Style,
    lines: usize,
    pending: String,
}

/// What a declaration replaces: a name, the allocation of a demand, a
/// scenario, the timeline, or a Monte Carlo setting.
#[derive(PartialEq, Eq)]
enum Key<'a> {
    Name(&'a str),
    Allocation(&'a str),
    Scenario(&'a str),
    Timeline,
    Samples,
    Seed,
}

fn key(item: &Item) -> Option<Key<'_>> {
    Some(match &item.kind {
        ItemKind::Let { name, .. }
        | ItemKind::Demand { name, .. }
        | ItemKind::Provider { name, .. }
        | ItemKind::Unit { name, .. } => Key::Name(&name.name),
        ItemKind::Allocate { demand, .. } => Key::Allocation(&demand.name),
        ItemKind::Scenario(s) => Key::Scenario(&s.name.name),
        ItemKind::Timeline { .. } => Key::Timeline,
        ItemKind::Samples(_) => Key::Samples,
        ItemKind::Seed(_) => Key::Seed,
        _ => return None,
    })
}

fn errs<E: Into<ScnError>>(v: Vec<E>) -> Vec<ScnError> {
    v.into_iter().map(Into::into).collect()
}

/// Checks and evaluates a whole program, and builds every scenario (so an
/// override broken by a new declaration is caught at once). Any error
/// rejects it. `scenario` is selected when it still exists.
pub(crate) fn build(items: Vec<Item>, scenario: &str) -> Result<State, Vec<ScnError>> {
    let program = Program { items };
    let (model, errors) = check::check(program.clone());
    if !errors.is_empty() {
        return Err(errs(errors));
    }
    let (base, errors) = eval::evaluate(&model);
    if !errors.is_empty() {
        return Err(errs(errors));
    }
    let mut selected = None;
    for s in &model.scenarios {
        let world = scenario_world(&model, &base, &scenario_ident(&s.name, s.span), &[])?;
        if s.name == scenario {
            selected = Some(world);
        }
    }
    Ok(State {
        items: program.items,
        model,
        base,
        scenario: selected,
    })
}

impl Session {
    /// An empty session: no timeline, no names. Diagnostics are drawn in `style`.
    pub fn new(style: Style) -> Session {
        Session {
            sources: SourceMap::new(),
            state: build(Vec::new(), "base").unwrap_or_default(),
            file: None,
            style,
            lines: 0,
            pending: String::new(),
        }
    }

    /// Loads the file the session starts with. It is remembered even when
    /// it has errors, so `:reload` can read it again once it is fixed.
    pub fn load(&mut self, path: &Path) -> LineOutcome {
        let out = self.load_file(path, None, "base");
        if self.file.is_none() {
            self.file = Some(path.to_path_buf());
        }
        out
    }

    /// The prompt: `> `, or the scenario's name when one is selected.
    pub fn prompt(&self) -> String {
        match &self.state.scenario {
            Some(w) => format!("{}> ", w.scenario),
            None => "> ".into(),
        }
    }

    /// The names, properties and scenarios Tab can complete.
    pub fn vocab(&self) -> Vocab {
        Vocab::of(&self.state.model)
    }

    /// The name of the selected scenario (`base` for the file as written).
    pub fn scenario(&self) -> &str {
        self.state.scenario_name()
    }

    /// Feeds one physical line of piped input. Returns what it printed once
    /// the input is complete; `None` while a bracket or operator is open.
    pub fn feed(&mut self, line: &str) -> Option<LineOutcome> {
        self.pending.push_str(line);
        if lex::needs_more(&self.pending) {
            self.pending.push('\n');
            return None;
        }
        let input = std::mem::take(&mut self.pending);
        Some(self.line(&input))
    }

    /// At the end of the input: runs what is still open (it reports the
    /// missing bracket), if anything.
    pub fn finish(&mut self) -> Option<LineOutcome> {
        let input = std::mem::take(&mut self.pending);
        (!input.trim().is_empty()).then(|| self.line(&input))
    }

    /// Runs one complete input (possibly several lines): a command, a
    /// declaration, a statement or an expression. A bug that panics is
    /// reported and the session goes on: the state is only ever replaced
    /// whole, after a line succeeded, so it is as it was.
    pub fn line(&mut self, input: &str) -> LineOutcome {
        let run = std::panic::AssertUnwindSafe(|| self.run_line(input));
        std::panic::catch_unwind(run).unwrap_or_else(|_| LineOutcome {
            stderr: "error: scn failed on this line (a bug: please report it); nothing changed\n"
                .into(),
            ..LineOutcome::default()
        })
    }

    fn run_line(&mut self, input: &str) -> LineOutcome {
        let text = lex::join_continued(input.trim_end_matches(['\n', '\r']));
        if text.trim().is_empty() {
            return LineOutcome::default();
        }
        self.lines += 1;
        let base = self
            .sources
            .add(format!("<repl:{}>", self.lines), text.as_str());
        if lex::is_command(&text) {
            return self.command(&text, base);
        }
        let mut out = LineOutcome::default();
        let program = match syntax::parse(&text, base, Mode::Repl) {
            Ok(p) => p,
            Err(mut es) => {
                if let (Some(help), [SyntaxError::Unexpected { help: h, .. }]) =
                    (assignment_help(&text), es.as_mut_slice())
                {
                    *h = Some(help);
                }
                self.report(&mut out, errs(es));
                return out;
            }
        };
        let (decls, statements): (Vec<Item>, Vec<Item>) =
            program.items.into_iter().partition(|i| key(i).is_some());
        if !decls.is_empty() && !self.declare(decls, &mut out) {
            return out;
        }
        for st in &statements {
            match self.statement(st) {
                Ok(text) => out.print(&text),
                Err(es) => self.report(&mut out, es),
            }
        }
        out
    }

    /// Renders diagnostics against the source map, onto standard error.
    pub(crate) fn report<D>(&self, out: &mut LineOutcome, errors: Vec<D>)
    where
        D: miette::Diagnostic + Send + Sync + 'static,
    {
        for e in errors {
            out.stderr
                .push_str(&report::render_diagnostic(e, &self.sources, self.style));
        }
    }

    pub(crate) fn report_repl(&self, out: &mut LineOutcome, e: ReplError) {
        self.report(out, vec![e]);
    }

    /// Adds or replaces declarations and recomputes everything. On any
    /// error the state is left exactly as it was.
    fn declare(&mut self, decls: Vec<Item>, out: &mut LineOutcome) -> bool {
        let mut items = self.state.items.clone();
        let mut declared = Vec::new();
        let mut replaced = false;
        for item in decls {
            if let Some(Key::Name(n)) = key(&item) {
                declared.push(n.to_string());
            }
            let k = key(&item);
            match items.iter().position(|i| key(i) == k) {
                Some(i) => {
                    items[i] = item;
                    replaced = true;
                }
                None => items.push(item),
            }
        }
        match build(items, self.state.scenario_name()) {
            Err(es) => {
                self.report(out, es);
                false
            }
            Ok(new) => {
                let changed = changes(&self.state, &new, &declared);
                let old = std::mem::replace(&mut self.state, new);
                if !changed.is_empty() {
                    out.print(&format!("changed: {}", list_names(&changed)));
                } else if replaced {
                    out.print("nothing else changed");
                }
                self.new_warnings(&old.warnings(), out);
                true
            }
        }
    }

    /// Reports unmet demand that was not reported before.
    pub(crate) fn new_warnings(&self, before: &[UnmetWarning], out: &mut LineOutcome) {
        let now: Vec<UnmetWarning> = self
            .state
            .warnings()
            .into_iter()
            .filter(|w| !before.contains(w))
            .collect();
        self.report(out, now);
    }

    /// Runs a statement or expression in the selected scenario and renders
    /// its output.
    pub(crate) fn statement(&self, item: &Item) -> Result<String, Vec<ScnError>> {
        let m = &self.state.model;
        let mut errors = Vec::new();
        for e in check::statement_exprs(item) {
            if !check::is_entity_show(m, item, e) {
                check::resolve(m, e, &mut Vec::new(), &mut errors);
            }
        }
        if let ItemKind::Show { unit: Some(u), .. } = &item.kind {
            check::check_unit_expr(m, u, &mut errors);
        }
        if !errors.is_empty() {
            return Err(errs(errors));
        }
        let mut runner = Runner::new(m, &self.sources, &self.state.base, self.state.world());
        let outputs = runner.statement(item)?;
        Ok(render(m, &outputs))
    }

    /// Reads, parses and builds a file, replacing the session's program.
    /// `span` is where the path was typed, for errors.
    pub(crate) fn load_file(
        &mut self,
        path: &Path,
        span: Option<Span>,
        scenario: &str,
    ) -> LineOutcome {
        let mut out = LineOutcome::default();
        let shown = path.display().to_string();
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                self.report_repl(
                    &mut out,
                    ReplError::CannotRead {
                        path: shown,
                        reason: e.to_string(),
                        span,
                    },
                );
                return out;
            }
        };
        let loaded = self.load_bytes(&shown, bytes, scenario, &mut out);
        if loaded {
            self.file = Some(path.to_path_buf());
        }
        out
    }

    /// Loads a file's text (named `name` in diagnostics), replacing the
    /// session's program; on an error nothing changes.
    pub fn load_text(&mut self, name: &str, text: &str) -> LineOutcome {
        let mut out = LineOutcome::default();
        self.load_bytes(name, text.as_bytes().to_vec(), "base", &mut out);
        out
    }

    fn load_bytes(
        &mut self,
        name: &str,
        bytes: Vec<u8>,
        scenario: &str,
        out: &mut LineOutcome,
    ) -> bool {
        let (text, base) = match crate::decode(&mut self.sources, name, bytes) {
            Ok(t) => t,
            Err(e) => {
                self.report(out, vec![e]);
                return false;
            }
        };
        let program = match syntax::parse(&text, base, Mode::File) {
            Ok(p) => p,
            Err(es) => {
                self.report(out, errs(es));
                return false;
            }
        };
        match build(program.items, scenario) {
            Err(es) => {
                self.report(out, es);
                false
            }
            Ok(state) => {
                self.state = state;
                out.print(&format!("loaded {name}: {}", summary(&self.state.model)));
                if scenario != "base" && self.state.scenario.is_none() {
                    out.print(&format!(
                        "scenario `{scenario}` is no longer in the file; back to base"
                    ));
                }
                // A fresh file reports all its unmet demand.
                self.new_warnings(&[], out);
                true
            }
        }
    }
}

/// `x = 5` or `p.online = 2028` typed at the prompt: what to write instead.
fn assignment_help(text: &str) -> Option<String> {
    let toks: Vec<lex::Token> = lex::lex(text)
        .into_iter()
        .filter(|t| !matches!(t.kind, lex::Tok::Space | lex::Tok::Comment))
        .collect();
    let kinds: Vec<(lex::Tok, &str)> = toks.iter().map(|t| (t.kind, t.text(text))).collect();
    match kinds.as_slice() {
        [(lex::Tok::Ident, n), (lex::Tok::Op, "="), ..] => Some(format!(
            "to declare a name, or give it a new value, write `let {n} = …`"
        )),
        [
            (lex::Tok::Ident, p),
            (lex::Tok::Dot, _),
            (lex::Tok::Ident, prop),
            (lex::Tok::Op, "="),
            ..,
        ] => Some(format!(
            "to change a property, declare `{p}` again with its new `{prop}`, or try it in a scenario: `scenario what_if {{ {p}.{prop} = … }}`"
        )),
        _ => None,
    }
}
