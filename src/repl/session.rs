//! A REPL session: the program so far, its model and worlds, and what one
//! line of input does to them. A line is all or nothing: its declarations
//! and statements either all succeed, or the session is left exactly as it
//! was. A redeclaration recomputes only what depends on it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::check::{self, Model, Statement, StatementKind};
use crate::error::{ScnError, UnmetWarning};
use crate::eval::{self, World};
use crate::report::Style;
use crate::run::{Runner, Worlds};
use crate::source::SourceMap;
use crate::span::Span;
use crate::syntax::ast::{Item, ItemKind, Program};
use crate::syntax::{self, Mode, SyntaxError, lex};

use super::changes::{changes, list_names};
use super::describe::{render, summary};
use super::error::ReplError;
use super::helper::Vocab;

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

    fn append(&mut self, o: LineOutcome) {
        self.stdout.push_str(&o.stdout);
        self.stderr.push_str(&o.stderr);
        self.quit |= o.quit;
    }
}

/// Everything a line can change, kept whole so a failing line can leave it
/// exactly as it was.
#[derive(Clone, Debug)]
pub(crate) struct State {
    /// The program: the file's items, then what was declared at the prompt.
    pub items: Vec<Item>,
    pub model: Arc<Model>,
    pub worlds: Worlds,
    /// The file's own name (relative paths of imports start there).
    pub name: String,
}

impl State {
    /// The world statements run in.
    pub fn world(&self) -> &World {
        &self.worlds.current
    }

    pub fn scenario_name(&self) -> &str {
        &self.worlds.current.scenario
    }

    pub fn warnings(&self) -> Vec<UnmetWarning> {
        crate::unmet_warnings(&self.model, self.world())
    }

    /// Switches the world statements run in; `None` when unknown.
    pub fn with_scenario(&self, name: &str) -> Option<State> {
        let w = self.worlds.get(name)?.clone();
        let mut s = self.clone();
        s.worlds.current = w;
        Some(s)
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
/// scenario, the timeline, a Monte Carlo setting, an import.
#[derive(PartialEq, Eq)]
enum Key<'a> {
    Name(&'a str),
    Allocation(&'a str),
    Scenario(&'a str),
    Timeline,
    Samples,
    Seed,
    Plan,
    Import(&'a str),
    Correlate(String),
}

fn key(item: &Item) -> Option<Key<'_>> {
    Some(match &item.kind {
        ItemKind::Let { name, .. }
        | ItemKind::Demand { name, .. }
        | ItemKind::Provider { name, .. }
        | ItemKind::Unit { name, .. }
        | ItemKind::Solve { name, .. } => Key::Name(&name.name),
        ItemKind::Allocate { demand, .. } => Key::Allocation(&demand.name),
        ItemKind::Scenario(s) => Key::Scenario(&s.name.name),
        ItemKind::Timeline { .. } => Key::Timeline,
        ItemKind::Samples(_) => Key::Samples,
        ItemKind::Seed(_) => Key::Seed,
        ItemKind::Plan(_) => Key::Plan,
        ItemKind::Import { path, .. } => Key::Import(path),
        ItemKind::Correlate { targets, .. } => Key::Correlate(
            targets
                .iter()
                .map(|t| t.text())
                .collect::<Vec<_>>()
                .join(","),
        ),
        _ => return None,
    })
}

/// Checks and evaluates a whole program (recomputing only what changed
/// since `previous`, when its nodes line up) and every scenario. Any error
/// rejects it. `scenario` is selected when it still exists.
pub(crate) fn build(
    sources: &mut SourceMap,
    name: &str,
    items: Vec<Item>,
    scenario: &str,
    previous: Option<&State>,
) -> Result<State, Vec<ScnError>> {
    let program = Program { items };
    let mut files = vec![check::SourceFile {
        name: name.to_string(),
        program: program.clone(),
        imports: Vec::new(),
    }];
    let mut order = vec![0];
    // Imports are read from disk each time the program changes.
    if program
        .items
        .iter()
        .any(|i| matches!(i.kind, ItemKind::Import { .. }))
    {
        let (loaded, errs) = crate::load_program(sources, name, program.clone());
        if !errs.is_empty() {
            return Err(errs);
        }
        if let Some(l) = loaded {
            files = l.files;
            order = l.order;
        }
    }
    let (model, errors) = check::check(files, &order);
    // The file's statements run on `:run`; their errors do not stop a
    // declaration.
    let errors: Vec<ScnError> = errors
        .into_iter()
        .filter(|e| !model.statement_errors.contains(e))
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    crate::check_memory(&model, &model.base).map_err(|e| vec![e])?;
    let lined_up = previous.filter(|p| {
        p.model.nodes.len() == model.nodes.len()
            && p.model
                .nodes
                .iter()
                .zip(&model.nodes)
                .all(|(a, b)| a.name == b.name && a.kind == b.kind)
            && p.model.samples == model.samples
            && p.model.seed == model.seed
            && p.model.timeline == model.timeline
    });
    let base = match lined_up {
        Some(p) => eval::evaluate_from(&model, &p.worlds.base, model.base.clone()),
        None => eval::evaluate(&model, model.base.clone()),
    };
    if let Some((_, e)) = base.errors.first() {
        return Err(vec![ScnError::Eval(e.clone())]);
    }
    let base = Arc::new(base);
    let mut scenarios = std::collections::HashMap::new();
    for (sname, defs) in &model.worlds {
        let from = lined_up
            .and_then(|p| p.worlds.scenarios.get(sname))
            .unwrap_or(&base);
        let w = eval::evaluate_from(&model, from, defs.clone());
        if let Some((_, e)) = w.errors.first() {
            return Err(vec![ScnError::Eval(e.clone()).in_scenario(sname)]);
        }
        scenarios.insert(sname.clone(), Arc::new(w));
    }
    let current = scenarios
        .get(scenario)
        .cloned()
        .unwrap_or_else(|| base.clone());
    Ok(State {
        items: program.items,
        model: Arc::new(model),
        worlds: Worlds {
            base,
            scenarios,
            current,
        },
        name: name.to_string(),
    })
}

impl Session {
    /// An empty session: no timeline, no names. Diagnostics are drawn in `style`.
    pub fn new(style: Style) -> Session {
        let mut sources = SourceMap::new();
        let state = build(&mut sources, "<repl>", Vec::new(), "base", None)
            .unwrap_or_else(|_| unreachable!("an empty program always builds"));
        Session {
            sources,
            state,
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
        match self.state.scenario_name() {
            "base" => "> ".into(),
            s => format!("{s}> "),
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
    /// An open bracket ends at the next blank line or command, so one
    /// mistake cannot swallow the rest of a session.
    pub fn feed(&mut self, line: &str) -> Option<LineOutcome> {
        let ends_pending =
            !self.pending.is_empty() && (line.trim().is_empty() || lex::is_command(line));
        if ends_pending {
            let input = std::mem::take(&mut self.pending);
            let mut out = self.line(&input);
            out.stderr.push_str(
                "note: the input above ended at a blank line or a command, with a bracket or operator still open\n",
            );
            if lex::is_command(line) {
                out.append(self.line(line));
            }
            return Some(out);
        }
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
    /// declaration, a statement or an expression. The state is only ever
    /// replaced whole, after a line succeeded; a panic (a bug) is reported
    /// as one, and the line changes nothing.
    pub fn line(&mut self, input: &str) -> LineOutcome {
        crate::files::CANCELLED.store(false, std::sync::atomic::Ordering::SeqCst);
        let run = std::panic::AssertUnwindSafe(|| self.run_line(input));
        let out = std::panic::catch_unwind(run).unwrap_or_else(|_| LineOutcome {
            stderr: "error: scn failed on this line (a bug: please report it); nothing changed\n"
                .into(),
            ..LineOutcome::default()
        });
        crate::files::CANCELLED.store(false, std::sync::atomic::Ordering::SeqCst);
        out
    }

    /// Like [`Session::line`], but a panic is not caught: for tests that
    /// must see one.
    pub fn line_uncaught(&mut self, input: &str) -> LineOutcome {
        self.run_line(input)
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
                self.report(&mut out, es);
                return out;
            }
        };
        let (decls, statements): (Vec<Item>, Vec<Item>) =
            program.items.into_iter().partition(|i| key(i).is_some());
        let mut candidate = None;
        let mut note = String::new();
        if !decls.is_empty() {
            match self.declare(decls) {
                Ok((state, text)) => {
                    candidate = Some(state);
                    note = text;
                }
                Err(es) => {
                    self.report(&mut out, es);
                    return out;
                }
            }
        }
        let state = candidate.as_ref().unwrap_or(&self.state);
        let mut printed = String::new();
        for st in &statements {
            match self.statement(state, st) {
                Ok(text) => {
                    let t = text.trim_end();
                    if !t.is_empty() {
                        printed.push_str(t);
                        printed.push('\n');
                    }
                }
                Err(es) => {
                    // All or nothing: a failing statement undoes the line.
                    self.report(&mut out, es);
                    if candidate.is_some() {
                        out.stderr.push_str("note: nothing on this line was kept\n");
                    }
                    return out;
                }
            }
        }
        if let Some(new) = candidate {
            let before = self.state.warnings();
            self.state = new;
            out.print(&note);
            self.new_warnings(&before, &mut out);
        }
        out.print(&printed);
        out
    }

    /// Renders diagnostics against the source map, onto standard error.
    pub(crate) fn report<D>(&self, out: &mut LineOutcome, errors: Vec<D>)
    where
        D: miette::Diagnostic + Send + Sync + 'static,
    {
        for e in errors {
            out.stderr
                .push_str(&crate::diag::render(e, &self.sources, self.style));
        }
    }

    pub(crate) fn report_repl(&self, out: &mut LineOutcome, e: ReplError) {
        self.report(out, vec![e]);
    }

    /// Adds or replaces declarations and recomputes what they reach. Returns
    /// the new state (not yet the session's) and what changed.
    fn declare(&mut self, decls: Vec<Item>) -> Result<(State, String), Vec<ScnError>> {
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
        let name = self.state.name.clone();
        let scenario = self.state.scenario_name().to_string();
        let new = build(
            &mut self.sources,
            &name,
            items,
            &scenario,
            Some(&self.state),
        )?;
        let changed = changes(&self.state, &new, &declared);
        let note = if !changed.is_empty() {
            format!("changed: {}", list_names(&changed))
        } else if replaced {
            "nothing else changed".to_string()
        } else {
            String::new()
        };
        Ok((new, note))
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

    /// Runs a statement or expression in a state's selected scenario and
    /// renders its output.
    pub(crate) fn statement(&self, state: &State, item: &Item) -> Result<String, Vec<ScnError>> {
        let m = &state.model;
        let kind = match item.kind.clone() {
            ItemKind::Show {
                exprs,
                unit,
                by_year,
            } => StatementKind::Show {
                exprs,
                unit,
                by_year,
            },
            ItemKind::ShowPlan => StatementKind::ShowPlan,
            ItemKind::Assert { expr, within } => StatementKind::Assert { expr, within },
            ItemKind::Compare { scenarios, exprs } => StatementKind::Compare { scenarios, exprs },
            ItemKind::Plot { stack, exprs } => StatementKind::Plot { stack, exprs },
            ItemKind::Sensitivity { expr, on, by } => StatementKind::Sensitivity { expr, on, by },
            ItemKind::Explain { from, to, expr } => StatementKind::Explain { from, to, expr },
            ItemKind::Expr(e) => StatementKind::Expr(e),
            _ => return Ok(String::new()),
        };
        let st = Statement {
            kind,
            span: item.span,
            ordinal: usize::MAX - 1,
        };
        let mut errors = Vec::new();
        check::check_statement(m, &st, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut runner = Runner::new(m, &self.sources, &state.worlds);
        let outputs = runner.statement(&st)?;
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
        let bytes = match crate::files::read_limited(path, crate::files::MAX_SOURCE) {
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
                self.report(out, es);
                return false;
            }
        };
        match build(&mut self.sources, name, program.items, scenario, None) {
            Err(es) => {
                self.report(out, es);
                false
            }
            Ok(state) => {
                self.state = state;
                out.print(&format!("loaded {name}: {}", summary(&self.state.model)));
                if scenario != "base" && self.state.scenario_name() == "base" {
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
