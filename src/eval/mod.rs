//! Evaluation: computes every node of the model's graph in dependency order
//! for one scenario (a "world"), reusing the base world's values for
//! everything an override does not reach.

pub mod allocate;
pub mod error;
pub mod expr;
pub mod functions;
pub mod keyframes;
pub mod random;
pub mod stats;
pub mod value;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub use allocate::AllocResult;
pub use error::EvalError;
pub use expr::{Ctx, Tol};
pub use value::Value;

use crate::check::{CheckError, Model, NodeId, NodeKind, cycle_error, resolve, topo_order};
use crate::syntax::ast::Expr;
use crate::units::Dim;

/// The values of every node under one scenario.
#[derive(Clone, Debug, Default)]
pub struct World {
    pub scenario: String,
    pub overrides: HashMap<NodeId, Expr>,
    /// `None` where the node is absent (an unset property) or failed.
    pub values: Vec<Option<Arc<Value>>>,
    pub alloc: Option<Arc<AllocResult>>,
}

impl World {
    /// The expression a node has in this world (an override, else the file's).
    pub fn expr<'a>(&'a self, m: &'a Model, id: NodeId) -> Option<&'a Expr> {
        self.overrides.get(&id).or(m.nodes[id].expr.as_ref())
    }
}

/// Whether long Monte Carlo runs draw a progress bar on standard error. The
/// command line turns it on when standard error is a terminal.
pub static SHOW_PROGRESS: AtomicBool = AtomicBool::new(false);

/// A progress bar over `n` nodes, for runs big enough to be worth one.
fn progress(m: &Model, n: usize, what: &str) -> Option<indicatif::ProgressBar> {
    let big = m.samples.saturating_mul(m.years().max(1)) >= 2_000_000;
    if !SHOW_PROGRESS.load(Ordering::Relaxed) || !big || n == 0 {
        return None;
    }
    let bar = indicatif::ProgressBar::new(n as u64);
    let style = indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} values")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(format!("{what}: {} samples", m.samples));
    Some(bar)
}

/// Evaluates the base model (the file as written).
pub fn evaluate(m: &Model) -> (World, Vec<EvalError>) {
    let mut w = World {
        scenario: "base".into(),
        values: vec![None; m.nodes.len()],
        ..World::default()
    };
    let mut errors = Vec::new();
    let bar = progress(m, m.order.len(), "base");
    for &id in &m.order {
        eval_node(m, &mut w, id, &mut errors);
        if let Some(b) = &bar {
            b.inc(1);
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    (w, errors)
}

/// Evaluates the model under `overrides`, recomputing only the nodes that
/// depend on them and sharing every other value with `base`.
pub fn evaluate_with(
    m: &Model,
    base: &World,
    name: &str,
    overrides: HashMap<NodeId, Expr>,
) -> Result<(World, Vec<EvalError>), Vec<CheckError>> {
    let mut deps_override = HashMap::new();
    let mut check_errors = Vec::new();
    for (id, e) in &overrides {
        let mut deps = Vec::new();
        resolve(m, e, &mut deps, &mut check_errors);
        deps_override.insert(*id, deps);
    }
    if !check_errors.is_empty() {
        return Err(check_errors);
    }
    let (order, cycles) = topo_order(m, &deps_override);
    if !cycles.is_empty() {
        return Err(cycles.iter().map(|c| cycle_error(m, c)).collect());
    }
    let mut dirty = vec![false; m.nodes.len()];
    for &id in &order {
        let deps = deps_override.get(&id).unwrap_or(&m.nodes[id].deps);
        dirty[id] = overrides.contains_key(&id) || deps.iter().any(|&d| dirty[d]);
    }
    let mut w = World {
        scenario: name.to_string(),
        overrides,
        values: base.values.clone(),
        alloc: base.alloc.clone(),
    };
    let mut errors = Vec::new();
    let bar = progress(m, dirty.iter().filter(|&&d| d).count(), name);
    for &id in &order {
        if let (true, Some(b)) = (dirty[id], &bar) {
            b.inc(1);
        }
        if dirty[id] {
            w.values[id] = None;
            if m.nodes[id].kind == NodeKind::Allocation {
                w.alloc = None;
            }
            eval_node(m, &mut w, id, &mut errors);
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok((w, errors))
}

fn eval_node(m: &Model, w: &mut World, id: NodeId, errors: &mut Vec<EvalError>) {
    let node = &m.nodes[id];
    let ctx = Ctx::new(m, w);
    let result: Result<Option<Value>, EvalError> = match &node.kind {
        NodeKind::Allocation => match allocate::compute(&ctx) {
            Ok(a) => {
                w.alloc = Some(Arc::new(a));
                return;
            }
            Err(e) => Err(e),
        },
        NodeKind::Unit { base: Some(b) } => Ok(Some(Value::scalar(1.0, Dim::base(*b)))),
        kind => match w.expr(m, id) {
            None => Ok(None),
            Some(e) => ctx
                .eval(e)
                .and_then(|v| finish_node(&ctx, kind, &node.name, e, v).map(Some)),
        },
    };
    match result {
        Ok(v) => w.values[id] = v.map(Arc::new),
        Err(EvalError::Skipped) => {}
        Err(e) => errors.push(e),
    }
}

/// What each kind of node requires of its value.
fn finish_node(
    ctx: &Ctx,
    kind: &NodeKind,
    name: &str,
    e: &Expr,
    v: Value,
) -> Result<Value, EvalError> {
    match kind {
        NodeKind::Demand(_) => {
            ctx.number(&v, e.span)?;
            let years = ctx.need_timeline(e.span)?;
            let v = v.into_series(years);
            if let Some(i) = v.data.iter().position(|x| *x < 0.0) {
                return Err(EvalError::Negative {
                    what: "demand",
                    name: name.to_string(),
                    year: ctx.start() + i as i64,
                    value: crate::units::format_quantity(
                        v.data[i],
                        v.dim,
                        v.kind,
                        v.hint,
                        &ctx.m.base_names,
                    ),
                    span: e.span,
                });
            }
            Ok(v)
        }
        NodeKind::Prop { prop, .. } if prop == "capacity" || prop == "price" => {
            ctx.number(&v, e.span)?;
            let years = ctx.need_timeline(e.span)?;
            Ok(v.into_series(years))
        }
        NodeKind::Unit { .. } => {
            ctx.number(&v, e.span)?;
            if v.series {
                return Err(EvalError::Type {
                    expected: "a single value".into(),
                    found: "a series".into(),
                    span: e.span,
                    help: Some("a unit is a fixed amount, such as `unit B200 = 2.5 H100`".into()),
                });
            }
            Ok(v)
        }
        _ => Ok(v),
    }
}
