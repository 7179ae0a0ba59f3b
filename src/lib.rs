//! scn: a language for planning compute capacity and cost.
//!
//! The pipeline is parse → check → evaluate → run → report:
//! [`syntax::parse`] turns text into an owned AST, [`check::check`] builds the
//! model (names, graph, cycles), [`eval::evaluate`] computes every series,
//! [`run::Runner`] executes the statements and [`report`] renders them.

#![allow(clippy::result_large_err)] // errors carry their messages and spans; they are built rarely, so their size costs nothing

pub mod chart;
pub mod check;
pub mod cli;
pub mod error;
pub mod eval;
pub mod export;
pub mod repl;
pub mod report;
pub mod run;
pub mod source;
pub mod span;
pub mod syntax;
pub mod units;

use check::Model;
pub use error::{ScnError, UnmetWarning};
use eval::World;
use run::{Output, Runner};
use source::SourceMap;
use span::Span;
use syntax::{Mode, SyntaxError};

/// Text read from a file or standard input, checked for UTF-8.
pub fn decode(
    sources: &mut SourceMap,
    name: &str,
    bytes: Vec<u8>,
) -> Result<(String, usize), ScnError> {
    match String::from_utf8(bytes) {
        Ok(text) => {
            let base = sources.add(name, text.as_str());
            Ok((text, base))
        }
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let base = sources.add(name, text.as_str());
            Err(ScnError::Syntax(SyntaxError::InvalidUtf8 {
                offset,
                span: Span::new(base + offset, base + offset + 1),
            }))
        }
    }
}

/// Parses and checks a file's text (already added to `sources` at `base`).
/// A syntax error gives no model; check errors come with the model, whose
/// unaffected parts can still be evaluated.
pub fn compile(text: &str, base: usize) -> (Option<Model>, Vec<ScnError>) {
    match syntax::parse(text, base, Mode::File) {
        Err(es) => (None, errs(es)),
        Ok(program) => {
            let (m, es) = check::check(program);
            (Some(m), errs(es))
        }
    }
}

/// What to run: a scenario and command-line overrides.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    pub scenario: Option<String>,
    pub sets: Vec<String>,
    /// Monte Carlo samples and seed, overriding the file's `samples`/`seed`.
    pub samples: Option<usize>,
    pub seed: Option<u64>,
}

/// The result of running a file: what to print, and what went wrong.
#[derive(Debug, Default)]
pub struct RunResult {
    pub model: Model,
    pub scenario: String,
    pub outputs: Vec<Output>,
    pub errors: Vec<ScnError>,
    pub warnings: Vec<UnmetWarning>,
}

impl RunResult {
    pub fn failed_asserts(&self) -> usize {
        self.outputs
            .iter()
            .filter(|o| matches!(o, Output::Assert(a) if !a.passed))
            .count()
    }

    /// 0 all good, 1 an assert failed, 2 the input has an error.
    pub fn exit_code(&self) -> i32 {
        if !self.errors.is_empty() {
            2
        } else if self.failed_asserts() > 0 {
            1
        } else {
            0
        }
    }
}

fn errs<E: Into<ScnError>>(v: Vec<E>) -> Vec<ScnError> {
    v.into_iter().map(Into::into).collect()
}

/// The world the statements run in: the base, or a scenario with `--set`
/// overrides (their text added to `sources`, so errors point into them).
pub fn select_world(
    model: &Model,
    base: &World,
    sources: &mut SourceMap,
    opts: &RunOptions,
) -> Result<Option<World>, Vec<ScnError>> {
    if opts.scenario.is_none() && opts.sets.is_empty() {
        return Ok(None);
    }
    let name = opts.scenario.clone().unwrap_or_else(|| "base".into());
    let b = sources.add("--scenario", name.as_str());
    let ident = run::scenario_ident(&name, Span::new(b, b + name.len()));
    let mut extra = Vec::new();
    let mut errors = Vec::new();
    for s in &opts.sets {
        let b = sources.add("--set", s.as_str());
        match syntax::parse_override(s, b) {
            Ok(o) => match check::override_target(model, &o) {
                Ok(id) => extra.push((id, o.value)),
                Err(e) => errors.push(ScnError::Check(e)),
            },
            Err(es) => errors.extend(errs(es)),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    run::scenario_world(model, base, &ident, &extra).map(Some)
}

/// Runs a file's text end to end: every statement, in the chosen scenario.
pub fn run_text(
    sources: &mut SourceMap,
    text: &str,
    base_offset: usize,
    opts: &RunOptions,
) -> RunResult {
    let (model, mut errors) = compile(text, base_offset);
    let Some(mut model) = model else {
        return RunResult {
            errors,
            ..RunResult::default()
        };
    };
    if let Some(n) = opts.samples {
        model.samples = n.max(1);
    }
    if let Some(seed) = opts.seed {
        model.seed = seed;
    }
    let (base, eval_errors) = eval::evaluate(&model);
    errors.extend(errs(eval_errors));
    // Every scenario is part of the file and is checked, used or not.
    let mut worlds = std::collections::HashMap::new();
    for s in &model.scenarios {
        match run::scenario_world(&model, &base, &run::scenario_ident(&s.name, s.span), &[]) {
            Ok(w) => {
                worlds.insert(s.name.clone(), w);
            }
            Err(es) => errors.extend(es),
        }
    }
    let selected = match opts.sets.is_empty() {
        true => match &opts.scenario {
            Some(name) if worlds.contains_key(name) => worlds.get(name).cloned(),
            _ => select_world(&model, &base, sources, opts).unwrap_or_else(|es| {
                errors.extend(es);
                None
            }),
        },
        false => select_world(&model, &base, sources, opts).unwrap_or_else(|es| {
            errors.extend(es);
            None
        }),
    };
    if (opts.scenario.is_some() || !opts.sets.is_empty()) && selected.is_none() {
        dedup(&mut errors);
        return RunResult {
            model,
            errors,
            ..RunResult::default()
        };
    }
    let world = selected.as_ref().unwrap_or(&base);
    let worlds_for_warnings = &worlds;
    let mut outputs = Vec::new();
    {
        let mut runner = Runner::new(&model, sources, &base, world).with_worlds(worlds.clone());
        for (k, st) in model.statements.clone().iter().enumerate() {
            if model.broken_statements.get(k).copied().unwrap_or(false) {
                continue;
            }
            match runner.statement(st) {
                Ok(o) => outputs.extend(o),
                Err(es) => errors.extend(es),
            }
        }
    }
    dedup(&mut errors);
    // Shortfalls are worth a warning only when the file is otherwise sound.
    // Shortfalls are worth a warning only when the file is otherwise sound:
    // for the scenario being run, and for every other scenario a `compare`
    // shows.
    let mut warnings = Vec::new();
    if errors.is_empty() {
        warnings = unmet_warnings(&model, world);
        let mut compared: Vec<&str> = Vec::new();
        for st in &model.statements {
            if let syntax::ast::ItemKind::Compare { scenarios, .. } = &st.kind {
                for s in scenarios {
                    if s.name != world.scenario && !compared.contains(&s.name.as_str()) {
                        compared.push(&s.name);
                    }
                }
            }
        }
        for name in compared {
            let w = if name == "base" {
                Some(&base)
            } else {
                worlds_for_warnings.get(name)
            };
            if let Some(w) = w {
                warnings.extend(unmet_warnings(&model, w).into_iter().map(|mut x| {
                    x.scenario = Some(name.to_string());
                    x
                }));
            }
        }
    }
    RunResult {
        scenario: world.scenario.clone(),
        model,
        outputs,
        errors,
        warnings,
    }
}

/// The same error found twice (a scenario reached by two paths) is reported
/// once, and errors are reported in the order of the file.
fn dedup(errors: &mut Vec<ScnError>) {
    use miette::Diagnostic;
    errors.sort_by_key(|e| {
        e.labels()
            .and_then(|mut l| l.next())
            .map_or(usize::MAX, |l| l.offset())
    });
    let mut seen: Vec<ScnError> = Vec::with_capacity(errors.len());
    errors.retain(|e| {
        if seen.contains(e) {
            false
        } else {
            seen.push(e.clone());
            true
        }
    });
}

/// A warning for every allocated demand that is short in some year (for
/// an uncertain model: short on average, beyond a noise threshold).
pub fn unmet_warnings(m: &Model, w: &World) -> Vec<UnmetWarning> {
    let Some(a) = w.alloc.as_deref() else {
        return Vec::new();
    };
    let start = m.timeline.map_or(0, |t| t.0);
    let n = a.samples.max(1);
    let mean = |lanes: &[f64]| -> Vec<f64> {
        lanes
            .chunks(n)
            .map(|c| c.iter().sum::<f64>() / n as f64)
            .collect()
    };
    let threshold = if n > 1 { 1e-4 } else { 1e-9 };
    let mut out = Vec::new();
    for alloc in &m.allocations {
        let d = alloc.demand;
        let (unmet, demand) = (mean(&a.unmet[d]), mean(&a.demand[d]));
        let short: Vec<usize> = (0..unmet.len())
            .filter(|&i| unmet[i] > threshold * demand[i].abs().max(1e-300))
            .collect();
        if short.is_empty() {
            continue;
        }
        let fmt = |x: f64| {
            units::format_quantity(
                x,
                a.demand_dim[d],
                units::format::Kind::Number,
                a.demand_hint[d],
                &m.base_names,
            )
        };
        let amounts: Vec<String> = short
            .iter()
            .map(|&i| format!("{} in {}", fmt(unmet[i]), start + i as i64))
            .collect();
        let years: Vec<String> = short
            .iter()
            .map(|&i| (start + i as i64).to_string())
            .collect();
        let prefix = if n > 1 { "on average " } else { "" };
        out.push(UnmetWarning {
            demand: m.demands[d].name.clone(),
            amounts: format!("{prefix}{}", amounts.join(", ")),
            span: alloc.span,
            years: years.join(", "),
            scenario: None,
        });
    }
    out
}

/// Parses, checks and evaluates without running statements' output: what
/// `scn check` does. Statements are still evaluated, to check them.
pub fn check_text(sources: &mut SourceMap, text: &str, base_offset: usize) -> Vec<ScnError> {
    run_text(sources, text, base_offset, &RunOptions::default()).errors
}

/// Compiles and evaluates a file, returning the world of the chosen
/// scenario: what `scn plot` and `scn export` work on. Any error stops it.
pub fn prepare(
    sources: &mut SourceMap,
    text: &str,
    base_offset: usize,
    opts: &RunOptions,
) -> Result<(Model, World), Vec<ScnError>> {
    let (model, errors) = compile(text, base_offset);
    let Some(mut model) = model.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    if let Some(n) = opts.samples {
        model.samples = n.max(1);
    }
    if let Some(seed) = opts.seed {
        model.seed = seed;
    }
    let (base, errors) = eval::evaluate(&model);
    if !errors.is_empty() {
        return Err(errs(errors));
    }
    let world = select_world(&model, &base, sources, opts)?.unwrap_or(base);
    Ok((model, world))
}

/// Expressions given on the command line, each its own source (so an error
/// points into the argument), evaluated in `world`.
pub fn eval_args(
    model: &Model,
    world: &World,
    sources: &mut SourceMap,
    texts: &[String],
) -> Result<Vec<(String, eval::Value, Span)>, Vec<ScnError>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for t in texts {
        let b = sources.add("<expr>", t.as_str());
        let program = match syntax::parse(t, b, Mode::Repl) {
            Ok(p) => p,
            Err(es) => {
                errors.extend(errs(es));
                continue;
            }
        };
        let [
            syntax::ast::Item {
                kind: syntax::ast::ItemKind::Expr(e),
                ..
            },
        ] = program.items.as_slice()
        else {
            errors.push(ScnError::Syntax(SyntaxError::Unexpected {
                expected: "one expression".into(),
                found: "something else".into(),
                span: Span::new(b, b + t.len()),
                help: Some("give each expression as its own argument: `scn plot FILE spend 'share(stargate)'`".into()),
            }));
            continue;
        };
        let mut check_errors = Vec::new();
        check::resolve(model, e, &mut Vec::new(), &mut check_errors);
        if !check_errors.is_empty() {
            errors.extend(errs(check_errors));
            continue;
        }
        match eval::Ctx::new(model, world).eval(e) {
            Ok(v) => out.push((t.trim().to_string(), v, e.span)),
            Err(eval::EvalError::Skipped) => {}
            Err(err) => errors.push(ScnError::Eval(err)),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}
