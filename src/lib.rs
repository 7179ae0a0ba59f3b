//! scn: a language for planning compute capacity and cost.
//!
//! The pipeline is load → parse → check → evaluate → run → report:
//! [`load`] reads a file and everything it imports, [`syntax::parse`] turns
//! text into an owned AST, [`check::check`] builds the typed model (names,
//! graph, cycles, types for the base and every scenario),
//! [`eval::evaluate`] computes every node, [`run::Runner`] executes the
//! statements and [`report`] renders them.

#![allow(clippy::result_large_err)] // errors carry their messages and spans; they are built rarely, so their size costs nothing

pub mod chart;
pub mod check;
pub mod cli;
pub mod decide;
pub mod diag;
pub mod error;
pub mod eval;
pub mod export;
pub mod files;
pub mod fmt;
pub mod lsp;
pub mod pool;
pub mod repl;
pub mod report;
pub mod run;
pub mod sense;
pub mod source;
pub mod span;
pub mod syntax;
pub mod time;
pub mod units;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use check::{CheckError, Model, SourceFile};
pub use error::{ScnError, UnmetWarning};
use eval::World;
use run::{Output, Runner, Worlds};
use source::SourceMap;
use span::Span;
use syntax::ast::ItemKind;
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

/// A model's files, parsed: the one that runs first, and an order in
/// which each comes after the files it imports.
pub struct Loaded {
    pub files: Vec<SourceFile>,
    pub order: Vec<usize>,
}

/// Parses a file's text (already in `sources` at `base`) and every file it
/// imports, each once, paths relative to the importing file.
pub fn load(
    sources: &mut SourceMap,
    name: &str,
    text: &str,
    base: usize,
) -> (Option<Loaded>, Vec<ScnError>) {
    match syntax::parse(text, base, Mode::File) {
        Ok(p) => load_program(sources, name, p),
        Err(es) => (None, es.into_iter().map(ScnError::Syntax).collect()),
    }
}

/// Like [`load`], for a program already parsed (the REPL's).
pub fn load_program(
    sources: &mut SourceMap,
    name: &str,
    root: syntax::ast::Program,
) -> (Option<Loaded>, Vec<ScnError>) {
    let mut errors = Vec::new();
    let mut files = vec![SourceFile {
        name: name.to_string(),
        program: root,
        imports: Vec::new(),
    }];
    let mut by_path: HashMap<PathBuf, usize> = HashMap::new();
    if let Ok(p) = std::fs::canonicalize(name) {
        by_path.insert(p, 0);
    }
    let mut order = Vec::new();
    let mut state: Vec<u8> = vec![1]; // 1 = being loaded, 2 = done
    let mut stack: Vec<(usize, usize)> = vec![(0, 0)]; // (file, next item)
    let mut names = vec![name.to_string()];
    while let Some(&mut (f, ref mut k)) = stack.last_mut() {
        let item = files[f].program.items.get(*k).map(|i| (i.kind.clone(), *k));
        *k += 1;
        let Some((kind, idx)) = item else {
            state[f] = 2;
            order.push(f);
            stack.pop();
            continue;
        };
        let ItemKind::Import {
            path, path_span, ..
        } = kind
        else {
            continue;
        };
        let target = check::csv::relative(&files[f].name, &path);
        let shown = target.display().to_string();
        let key = std::fs::canonicalize(&target).unwrap_or_else(|_| target.clone());
        if let Some(&t) = by_path.get(&key) {
            if state[t] == 1 {
                let at = stack.iter().position(|(x, _)| *x == t).unwrap_or(0);
                let mut chain: Vec<String> =
                    stack[at..].iter().map(|(x, _)| names[*x].clone()).collect();
                chain.push(names[t].clone());
                errors.push(ScnError::Check(CheckError::ImportCycle {
                    files: chain.join(" → "),
                    span: path_span,
                }));
                continue;
            }
            files[f].imports.push((idx, t));
            continue;
        }
        let bytes = match files::read_limited(&target, files::MAX_SOURCE) {
            Ok(b) => b,
            Err(e) => {
                errors.push(ScnError::Check(CheckError::ImportFailed {
                    path: shown,
                    why: e.to_string(),
                    span: path_span,
                    help: Some("the path is relative to the file that imports it".into()),
                }));
                continue;
            }
        };
        let (text, b) = match decode(sources, &shown, bytes) {
            Ok(t) => t,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        match syntax::parse(&text, b, Mode::File) {
            Ok(p) => {
                let t = files.len();
                files.push(SourceFile {
                    name: shown.clone(),
                    program: p,
                    imports: Vec::new(),
                });
                names.push(shown);
                state.push(1);
                by_path.insert(key, t);
                files[f].imports.push((idx, t));
                stack.push((t, 0));
            }
            Err(es) => errors.extend(es.into_iter().map(ScnError::Syntax)),
        }
    }
    (Some(Loaded { files, order }), errors)
}

/// Parses and checks a file's text (already added to `sources` at `base`)
/// with its imports. A syntax error gives no model; check errors come with
/// the model, whose unaffected parts can still be evaluated.
pub fn compile(
    sources: &mut SourceMap,
    name: &str,
    text: &str,
    base: usize,
) -> (Option<Model>, Vec<ScnError>) {
    let t = std::time::Instant::now();
    let (loaded, mut errors) = load(sources, name, text, base);
    timing("parse", t);
    let Some(l) = loaded else {
        return (None, errors);
    };
    if !errors.is_empty() && errors.iter().any(|e| matches!(e, ScnError::Syntax(_))) {
        return (None, errors);
    }
    let t = std::time::Instant::now();
    let (m, es) = check::check(l.files, &l.order);
    timing("check", t);
    errors.extend(es);
    (Some(m), errors)
}

/// With `SCN_TIMING` set, how long a stage took, on standard error.
pub fn timing(stage: &str, since: std::time::Instant) {
    if std::env::var_os("SCN_TIMING").is_some() {
        eprintln!(
            "timing: {stage} {:.2} ms",
            since.elapsed().as_secs_f64() * 1e3
        );
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
    /// Whether the file is empty (nothing to run).
    pub empty: bool,
}

impl RunResult {
    pub fn asserts(&self) -> (usize, usize) {
        let mut held = 0;
        let mut total = 0;
        for o in &self.outputs {
            if let Output::Assert(a) = o {
                total += 1;
                held += usize::from(a.passed);
            }
        }
        (held, total)
    }

    pub fn failed_asserts(&self) -> usize {
        let (held, total) = self.asserts();
        total - held
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

/// The memory a run may use for its samples: what the machine has free,
/// or `SCN_MEMORY_LIMIT_MB`.
pub fn memory_limit() -> u64 {
    if let Some(mb) = std::env::var("SCN_MEMORY_LIMIT_MB")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        return mb << 20;
    }
    let avail = std::fs::read_to_string("/proc/meminfo").ok().and_then(|s| {
        s.lines()
            .find(|l| l.starts_with("MemAvailable:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map(|kb| kb << 10)
    });
    avail.map_or(8 << 30, |a| a / 10 * 8)
}

/// Refuses up front a run whose samples would not fit in memory.
pub fn check_memory(m: &Model, defs: &check::Defs) -> Result<(), ScnError> {
    let periods = m.periods().max(1) as u64;
    let samples = m.samples as u64;
    let mut bytes: u64 = 0;
    let mut kept = 0u64;
    for &id in &defs.order {
        let t = defs.ty[id];
        if t.uncertain {
            let rows = if t.series { periods } else { 1 };
            bytes = bytes.saturating_add(rows * samples * 8);
            kept += 1;
        }
    }
    if defs.ty.get(m.alloc_node).is_some_and(|t| t.uncertain) {
        let per =
            (m.providers.len() as u64 * 7 + m.demands.len() as u64 * 4) * periods * samples * 8;
        bytes = bytes.saturating_add(per);
    }
    let limit = memory_limit();
    if bytes > limit {
        let span = m.timeline.map_or(Span::default(), |t| t.span);
        return Err(ScnError::Eval(eval::EvalError::TooLarge {
            what: format!(
                "this run would hold {:.1} GiB of samples ({} samples × {} periods × {kept} uncertain values), more than the {:.1} GiB available",
                bytes as f64 / (1u64 << 30) as f64,
                m.samples,
                periods,
                limit as f64 / (1u64 << 30) as f64
            ),
            help: "lower `samples` (or `--samples`), or shorten the timeline".into(),
            span,
            label: "over this timeline".into(),
        }));
    }
    Ok(())
}

/// Evaluates the base and every scenario; errors of a scenario's own nodes
/// are named by it.
pub fn evaluate_all(
    m: &Model,
    errors: &mut Vec<ScnError>,
) -> (Arc<World>, HashMap<String, Arc<World>>) {
    let base = Arc::new(eval::evaluate(m, m.base.clone()));
    errors.extend(base.errors.iter().map(|(_, e)| ScnError::Eval(e.clone())));
    let mut worlds = HashMap::new();
    let mut names: Vec<&String> = m.worlds.keys().collect();
    names.sort();
    let evaluated: Vec<(String, World)> = pool::install(|| {
        use rayon::prelude::*;
        names
            .par_iter()
            .map(|n| {
                (
                    (*n).clone(),
                    eval::evaluate_from(m, &base, m.worlds[*n].clone()),
                )
            })
            .collect()
    });
    for (name, w) in evaluated {
        for (id, e) in &w.errors {
            // An error the base has too is reported once, for the base.
            let in_base = base.errors.iter().any(|(b, be)| b == id && be == e);
            if !in_base {
                errors.push(ScnError::Eval(e.clone()).in_scenario(&name));
            }
        }
        worlds.insert(name, Arc::new(w));
    }
    (base, worlds)
}

/// The world statements run in: a scenario, with `--set` overrides (their
/// text added to `sources`, so errors point into them) on top.
pub fn select_world(
    m: &Model,
    base: &Arc<World>,
    scenarios: &HashMap<String, Arc<World>>,
    sources: &mut SourceMap,
    opts: &RunOptions,
) -> Result<Arc<World>, Vec<ScnError>> {
    let mut from = base.clone();
    if let Some(name) = &opts.scenario {
        let b = sources.add("--scenario", name.as_str());
        let ident = syntax::ast::Ident {
            name: name.clone(),
            span: Span::new(b, b + name.len()),
        };
        match (name.as_str(), scenarios.get(name)) {
            ("base", _) => {}
            (_, Some(w)) => from = w.clone(),
            (_, None) if m.scenario(name).is_some() => return Err(Vec::new()),
            (_, None) => return Err(vec![ScnError::Check(check::unknown_scenario(m, &ident))]),
        }
    }
    if opts.sets.is_empty() {
        return Ok(from);
    }
    let mut overrides = Vec::new();
    let mut errors = Vec::new();
    for s in &opts.sets {
        let b = sources.add("--set", s.as_str());
        match syntax::parse_override(s, b) {
            Ok(o) => match check::target_node(m, &o.target) {
                Ok(id) => overrides.push((id, o.value, o.span, "--set".to_string())),
                Err(e) => errors.push(ScnError::Check(e)),
            },
            Err(es) => errors.extend(es.into_iter().map(ScnError::Syntax)),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let defs = check::defs::scenario_defs(
        m,
        &from.defs,
        &m.base,
        &from.scenario,
        &overrides,
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(errors);
    }
    let w = eval::evaluate_from(m, &from, Arc::new(defs));
    if !w.errors.is_empty() {
        return Err(w
            .errors
            .iter()
            .map(|(_, e)| ScnError::Eval(e.clone()).in_scenario(&w.scenario))
            .collect());
    }
    Ok(Arc::new(w))
}

/// Runs a file's text end to end: every statement, in the chosen scenario.
pub fn run_text(
    sources: &mut SourceMap,
    name: &str,
    text: &str,
    base_offset: usize,
    opts: &RunOptions,
) -> RunResult {
    let (model, mut errors) = compile(sources, name, text, base_offset);
    let Some(mut model) = model else {
        return RunResult {
            errors,
            ..RunResult::default()
        };
    };
    let empty = text.trim().is_empty();
    if let Some(n) = opts.samples {
        model.samples = n.max(1);
    }
    if let Some(seed) = opts.seed {
        model.seed = seed;
    }
    if let Err(e) = check_memory(&model, &model.base) {
        errors.push(e);
        dedup(&mut errors);
        return RunResult {
            model,
            errors,
            ..RunResult::default()
        };
    }
    let t = std::time::Instant::now();
    let (base, scenarios) = evaluate_all(&model, &mut errors);
    timing("evaluate", t);
    let current = match select_world(&model, &base, &scenarios, sources, opts) {
        Ok(w) => w,
        Err(es) => {
            errors.extend(es);
            dedup(&mut errors);
            return RunResult {
                model,
                errors,
                ..RunResult::default()
            };
        }
    };
    let worlds = Worlds {
        base: base.clone(),
        scenarios,
        current: current.clone(),
    };
    let mut outputs = Vec::new();
    let t = std::time::Instant::now();
    {
        let mut runner = Runner::new(&model, sources, &worlds);
        for (k, st) in model.statements.iter().enumerate() {
            if model.broken_statements.get(k).copied().unwrap_or(false) {
                continue;
            }
            match runner.statement(st) {
                Ok(o) => outputs.extend(o),
                Err(es) => errors.extend(es),
            }
        }
    }
    timing("statements", t);
    dedup(&mut errors);
    // Shortfalls are worth a warning only when the file is otherwise sound:
    // for the scenario being run, and for every other scenario a `compare`
    // shows.
    let mut warnings = Vec::new();
    if errors.is_empty() {
        warnings = unmet_warnings(&model, &current);
        let mut compared: Vec<&str> = Vec::new();
        for st in &model.statements {
            if let check::StatementKind::Compare { scenarios, .. } = &st.kind {
                for s in scenarios {
                    if s.name != current.scenario && !compared.contains(&s.name.as_str()) {
                        compared.push(&s.name);
                    }
                }
            }
        }
        for name in compared {
            if let Some(w) = worlds.get(name) {
                warnings.extend(unmet_warnings(&model, w).into_iter().map(|mut x| {
                    x.scenario = Some(name.to_string());
                    x
                }));
            }
        }
    }
    RunResult {
        scenario: current.scenario.clone(),
        model,
        outputs,
        errors,
        warnings,
        empty,
    }
}

/// The same error found twice (a scenario reached by two paths) is
/// reported once, and errors are reported in the order of the file.
fn dedup(errors: &mut Vec<ScnError>) {
    errors.sort_by_key(|e| e.offset());
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

/// A warning for every allocated demand that is short in some period (for
/// an uncertain model: short on average, beyond a noise threshold).
pub fn unmet_warnings(m: &Model, w: &World) -> Vec<UnmetWarning> {
    let Some(a) = w.alloc.as_deref() else {
        return Vec::new();
    };
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
        let node = m.demands[d].node;
        let (dim, hint) = (w.defs.ty[node].dim, w.defs.hint[node]);
        let fmt = |x: f64| {
            units::format_quantity(x, dim, units::format::Kind::Number, hint, &m.base_names)
        };
        let label = |i: usize| m.timeline.map_or(i.to_string(), |t| t.label(i));
        let shown: Vec<usize> = short.iter().copied().take(12).collect();
        let mut amounts: Vec<String> = shown
            .iter()
            .map(|&i| format!("{} in {}", fmt(unmet[i]), label(i)))
            .collect();
        if short.len() > shown.len() {
            amounts.push(format!("and {} more periods", short.len() - shown.len()));
        }
        let periods = if short.len() > 12 {
            format!("{} periods from {}", short.len(), label(short[0]))
        } else {
            shown
                .iter()
                .map(|&i| label(i))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let prefix = if n > 1 { "on average " } else { "" };
        out.push(UnmetWarning {
            demand: m.demands[d].name.clone(),
            amounts: format!("{prefix}{}", amounts.join(", ")),
            span: alloc.span,
            periods,
            scenario: None,
        });
    }
    out
}

/// Parses and checks without evaluating anything: what `scn check` does.
/// Its time does not depend on `samples`.
pub fn check_text(
    sources: &mut SourceMap,
    name: &str,
    text: &str,
    base_offset: usize,
) -> Vec<ScnError> {
    let (_, mut errors) = compile(sources, name, text, base_offset);
    dedup(&mut errors);
    errors
}

/// Compiles and evaluates a file, returning its worlds (statements run in
/// `current`): what `scn plot` and `scn export` work on. Any error stops it.
pub fn prepare(
    sources: &mut SourceMap,
    name: &str,
    text: &str,
    base_offset: usize,
    opts: &RunOptions,
) -> Result<(Model, Worlds), Vec<ScnError>> {
    let (model, errors) = compile(sources, name, text, base_offset);
    let Some(mut model) = model.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    if let Some(n) = opts.samples {
        model.samples = n.max(1);
    }
    if let Some(seed) = opts.seed {
        model.seed = seed;
    }
    check_memory(&model, &model.base).map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    let (base, scenarios) = evaluate_all(&model, &mut errors);
    if !errors.is_empty() {
        dedup(&mut errors);
        return Err(errors);
    }
    let current = select_world(&model, &base, &scenarios, sources, opts)?;
    Ok((
        model,
        Worlds {
            base,
            scenarios,
            current,
        },
    ))
}

/// Expressions given on the command line, each its own source (so an error
/// points into the argument), evaluated in the current world.
pub fn eval_args(
    model: &Model,
    worlds: &Worlds,
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
                errors.extend(es.into_iter().map(ScnError::Syntax));
                continue;
            }
        };
        let [
            syntax::ast::Item {
                kind: ItemKind::Expr(e),
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
        let runner = Runner::new(model, sources, worlds);
        match runner.eval_in(&worlds.current, e, usize::MAX) {
            Ok(v) => out.push((t.trim().to_string(), v, e.span)),
            Err(es) => errors.extend(es),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The directory a file's relative paths start from.
pub fn base_dir(name: &str) -> PathBuf {
    Path::new(name)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}
