//! Evaluation: computes every node of a scenario's definitions in
//! dependency order (a [`World`]), reusing another world's values for
//! every node its definitions did not change — how scenarios, the REPL,
//! goal seek and sensitivity recompute only what an edit reaches.

pub mod alloc;
pub mod error;
pub mod expr;
pub mod functions;
pub mod keyframes;
pub mod random;
pub mod stats;
pub mod value;

use std::collections::HashMap;
use std::sync::Arc;

pub use alloc::AllocResult;
pub use error::EvalError;
pub use expr::{Ctx, Tol};
pub use value::{Meta, Shape, Value};

use crate::check::ir::{Ir, NodeId};
use crate::check::vocab::PField;
use crate::check::{Defs, Model, NodeKind};
use crate::units::format::Kind;

/// The values of every node under one scenario's definitions.
#[derive(Clone, Debug)]
pub struct World {
    pub scenario: String,
    pub defs: Arc<Defs>,
    /// Monte Carlo samples per uncertain value, and the first sample's index
    /// in the run (a part of a run draws its own part of every stream).
    pub samples: usize,
    pub sample_from: usize,
    pub seed: u64,
    /// `None` where the node failed (its error is in `errors`) or reads one
    /// that did.
    pub values: Vec<Option<Arc<Value>>>,
    pub alloc: Option<Arc<AllocResult>>,
    /// Errors of this world's own nodes, in evaluation order.
    pub errors: Vec<(NodeId, EvalError)>,
    /// Inputs drawn in another order (rank correlation), by input key.
    pub permutations: HashMap<u64, Arc<Vec<u32>>>,
    /// What the plan decided, when the model has one.
    pub plan: Option<Arc<crate::decide::plan::PlanOutcome>>,
}

impl World {
    /// A world with nothing computed yet.
    pub fn empty(m: &Model, defs: Arc<Defs>) -> World {
        World {
            scenario: defs.scenario.clone(),
            values: vec![None; m.nodes.len()],
            defs,
            samples: m.samples.max(1),
            sample_from: 0,
            seed: m.seed,
            alloc: None,
            errors: Vec::new(),
            permutations: HashMap::new(),
            plan: None,
        }
    }

    /// A node's value; one that failed (or reads one that did) shows as
    /// `Skipped`, naming it.
    pub fn value(&self, m: &Model, id: NodeId) -> Result<Value, EvalError> {
        match self.values.get(id) {
            Some(Some(v)) => Ok((**v).clone()),
            _ => Err(EvalError::Skipped(m.nodes[id].name.clone())),
        }
    }

    /// Samples of an input in the order a rank correlation asks for.
    pub fn arrange(&self, key: u64, values: Vec<f64>) -> Vec<f64> {
        match self.permutations.get(&key) {
            Some(perm) if perm.len() == values.len() => {
                perm.iter().map(|&i| values[i as usize]).collect()
            }
            _ => values,
        }
    }

    /// The `by optimal` flows a plan fixed, if any.
    pub fn plan_flows(&self) -> Option<&alloc::PlanFlows> {
        self.plan.as_deref().map(|p| &p.flows)
    }

    /// Whether every node of the world was computed without error.
    pub fn is_sound(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Evaluates every node of `defs`.
pub fn evaluate(m: &Model, defs: Arc<Defs>) -> World {
    let mut w = World::empty(m, defs);
    let order = w.defs.order.clone();
    for id in order {
        eval_node(m, &mut w, id);
    }
    w
}

/// Evaluates `defs` starting from `from`: nodes whose definition is the
/// same (not dirty here, and not downstream of a node `from` computed
/// differently) keep `from`'s values.
pub fn evaluate_from(m: &Model, from: &World, defs: Arc<Defs>) -> World {
    let mut w = World::empty(m, defs);
    w.samples = from.samples;
    w.sample_from = from.sample_from;
    w.seed = from.seed;
    w.permutations = from.permutations.clone();
    let order = w.defs.order.clone();
    let same_run = w.samples == from.samples && w.seed == from.seed;
    let mut changed = vec![false; m.nodes.len()];
    for id in order {
        let reuse = same_run
            && from.values[id].is_some()
            && same_definition(m, &w.defs, &from.defs, id)
            && !w.defs.deps[id].iter().any(|&d| changed[d]);
        if reuse {
            w.values[id] = from.values[id].clone();
            match m.nodes[id].kind {
                NodeKind::Allocation => w.alloc = from.alloc.clone(),
                NodeKind::Plan => w.plan = from.plan.clone(),
                _ => {}
            }
        } else {
            changed[id] = true;
            eval_node(m, &mut w, id);
        }
    }
    w
}

/// Whether node `id` is defined the same way in two definitions (its
/// expression, or what a computed node is computed from).
pub fn same_definition(m: &Model, a: &Defs, b: &Defs, id: NodeId) -> bool {
    fn same(x: &Option<Arc<Ir>>, y: &Option<Arc<Ir>>) -> bool {
        match (x, y) {
            (Some(x), Some(y)) => Arc::ptr_eq(x, y) || x == y,
            (None, None) => true,
            _ => false,
        }
    }
    let same_deps = Arc::ptr_eq(&a.deps[id], &b.deps[id]) || a.deps[id] == b.deps[id];
    same_deps
        && same(&a.ir[id], &b.ir[id])
        && same(&a.upper[id], &b.upper[id])
        && match m.nodes[id].kind {
            NodeKind::Allocation => Arc::ptr_eq(&a.alloc, &b.alloc) || *a.alloc == *b.alloc,
            NodeKind::Solve(i) => a.solve_conditions.get(i) == b.solve_conditions.get(i),
            NodeKind::Plan => match (&a.plan, &b.plan) {
                (Some(x), Some(y)) => Arc::ptr_eq(x, y) || **x == **y,
                (None, None) => true,
                _ => false,
            },
            _ => true,
        }
}

/// Evaluates one node into the world, recording its error.
pub fn eval_node(m: &Model, w: &mut World, id: NodeId) {
    match compute_node(m, w, id) {
        Ok(v) => w.values[id] = Some(Arc::new(v)),
        Err(e) => {
            w.values[id] = None;
            if !e.is_skipped() {
                w.errors.push((id, e));
            }
        }
    }
}

fn compute_node(m: &Model, w: &mut World, id: NodeId) -> Result<Value, EvalError> {
    let node = &m.nodes[id];
    let defs = w.defs.clone();
    let periods = m.periods();
    match &node.kind {
        NodeKind::Allocation => {
            let ctx = Ctx::new(m, w);
            let a = alloc::compute(&ctx)?;
            w.alloc = Some(Arc::new(a));
            Ok(Value::scalar(0.0, Meta::NUMBER))
        }
        NodeKind::Capacity(p) => capacity(m, w, *p),
        NodeKind::Built(p) => {
            let meta = Meta::of(defs.ty[id], defs.hint[id]);
            let data = match w.plan.as_deref() {
                Some(plan) => plan
                    .built
                    .get(*p)
                    .cloned()
                    .unwrap_or_else(|| vec![0.0; periods]),
                None => vec![0.0; periods],
            };
            Ok(Value::series(data, meta))
        }
        NodeKind::Solve(i) => crate::decide::solve::run(m, w, *i),
        NodeKind::Plan => {
            let outcome = crate::decide::plan::run(m, w)?;
            w.plan = Some(Arc::new(outcome));
            Ok(Value::scalar(0.0, Meta::NUMBER))
        }
        kind => {
            let Some(ir) = defs.ir[id].clone() else {
                // A known property the file left out: nothing to compute.
                return Ok(Value::scalar(0.0, Meta::NUMBER));
            };
            let ctx = Ctx::new(m, w);
            let v = ctx
                .eval(&ir)?
                .with_meta(Meta::of(defs.ty[id], defs.hint[id]));
            finish(m, &ctx, kind, &node.name, &ir, v)
        }
    }
}

/// What each kind of node requires of its value at run time.
fn finish(
    m: &Model,
    ctx: &Ctx,
    kind: &NodeKind,
    name: &str,
    ir: &Ir,
    v: Value,
) -> Result<Value, EvalError> {
    let periods = m.periods();
    match kind {
        NodeKind::Demand(_) => {
            let v = v.into_series(periods).with_kind(Kind::Number);
            negative(ctx, "demand", name, ir, &v)?;
            Ok(v)
        }
        NodeKind::Prop {
            provider,
            field: Some(f @ (PField::Capacity | PField::Price | PField::Commit)),
        } => {
            let v = v.into_series(periods);
            if *f == PField::Capacity {
                negative(ctx, "capacity", &m.providers[*provider].name, ir, &v)?;
            }
            Ok(v)
        }
        NodeKind::Prop {
            provider,
            field: Some(f @ (PField::Online | PField::Retire)),
        } => {
            if !v.is_uncertain()
                && let Some(t) = m.timeline
            {
                let x = v.data()[0];
                let k = x * t.per_year() as f64;
                if !x.is_finite() || (k - k.round()).abs() > 1e-6 {
                    return Err(EvalError::NotAPeriod {
                        name: format!("{}.{}", m.providers[*provider].name, f.name()),
                        expected: format!("a {}", t.step.noun()),
                        found: crate::units::format::fmt_sig(x, 8, true),
                        help: format!("write a whole {}, or round it: `round(x)`", t.step.noun()),
                        span: ir.span,
                    });
                }
            }
            Ok(v)
        }
        NodeKind::Prop {
            field: Some(PField::Lifetime),
            ..
        } => {
            let x = v.data()[0];
            if x.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
                return Err(EvalError::BadArguments {
                    func: "lifetime".into(),
                    problem: "must be more than zero years".into(),
                    span: ir.span,
                    help: Some("write `lifetime = 15`".into()),
                });
            }
            Ok(v)
        }
        _ => Ok(v),
    }
}

fn negative(
    ctx: &Ctx,
    what: &'static str,
    name: &str,
    ir: &Ir,
    v: &Value,
) -> Result<(), EvalError> {
    if let Some(i) = v.data().iter().position(|x| *x < 0.0) {
        let row = i / v.samples().max(1);
        return Err(EvalError::Negative {
            what,
            name: name.to_string(),
            period: ctx.period_label(row),
            value: crate::units::format_quantity(
                v.data()[i],
                v.dim(),
                Kind::Number,
                v.hint(),
                &ctx.m.base_names,
            ),
            span: ir.span,
        });
    }
    Ok(())
}

/// A provider's effective capacity: its `capacity` (unlimited: +∞) plus
/// the builds still in service, zero before `online` and from `retire` on
/// — per sample when those are uncertain.
fn capacity(m: &Model, w: &World, p: usize) -> Result<Value, EvalError> {
    let prov = &m.providers[p];
    let defs = &w.defs;
    let periods = m.periods();
    let t = m
        .timeline
        .unwrap_or_else(|| crate::time::Timeline::yearly(0, -1));
    let id = prov.capacity;
    let meta = Meta::of(defs.ty[id], defs.hint[id]);
    let set = |f: PField| prov.prop(f).filter(|&x| defs.ir[x].is_some());
    let cap = match set(PField::Capacity) {
        Some(c) => Some(w.value(m, c)?),
        None => None,
    };
    let online = match set(PField::Online) {
        Some(c) => Some(w.value(m, c)?),
        None => None,
    };
    let retire = match set(PField::Retire) {
        Some(c) => Some(w.value(m, c)?),
        None => None,
    };
    let built = w.value(m, prov.built)?;
    let lifetime = match set(PField::Lifetime) {
        Some(c) => w.value(m, c)?.data()[0],
        None => f64::INFINITY,
    };
    let limited = m.limited(defs, p);
    let samples = [cap.as_ref(), online.as_ref(), retire.as_ref()]
        .iter()
        .flatten()
        .map(|v| v.samples())
        .max()
        .unwrap_or(1);
    let base = match (&cap, limited) {
        (Some(c), _) => c.lanes(periods, samples),
        (None, true) => vec![0.0; periods * samples],
        (None, false) => vec![f64::INFINITY; periods * samples],
    };
    // Builds in service: a build in year y serves years y … y + lifetime − 1.
    let b = built.to_series(periods);
    // A running sum over the builds still in service: one pass.
    let mut active = vec![0.0; periods];
    if b.iter().any(|x| *x != 0.0) {
        let (mut sum, mut oldest) = (0.0, 0);
        for (i, a) in active.iter_mut().enumerate() {
            sum += b[i];
            let y = t.year_of(i) as f64;
            while oldest <= i && y - (t.year_of(oldest) as f64) >= lifetime {
                sum -= b[oldest];
                oldest += 1;
            }
            *a = sum;
        }
    }
    let pos = |v: &Option<Value>, s: usize| -> Option<f64> {
        v.as_ref().map(|v| {
            let d = v.data();
            let x = if d.len() == 1 { d[0] } else { d[s] };
            t.nearest_position(x)
        })
    };
    let mut data = base;
    for s in 0..samples {
        let (on, off) = (pos(&online, s), pos(&retire, s));
        for (i, a) in active.iter().enumerate() {
            let k = i * samples + s;
            data[k] += a;
            let fi = i as f64;
            if on.is_some_and(|o| fi < o) || off.is_some_and(|r| fi >= r) {
                data[k] = 0.0;
            }
        }
    }
    Ok(Value::from_rows(meta, true, samples, data))
}
