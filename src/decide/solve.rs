//! Goal seek: `solve NAME in LO .. HI so that A == B` finds the value of
//! NAME in [LO, HI] where A − B is zero — the root closest to LO — by
//! scanning for the first sign change and refining it with Brent's method.
//! Each trial recomputes only what lies between NAME and the condition.

use std::sync::Arc;

use crate::check::graph::{downstream, upstream};
use crate::check::{Model, NodeId};
use crate::eval::error::EvalError;
use crate::eval::{Ctx, Meta, Value, World, eval_node};

/// Points tried between LO and HI before refining: a root closer to LO
/// than another is found first.
const SCAN: usize = 64;

/// The nodes to recompute for one trial, in evaluation order.
fn between(m: &Model, w: &World, node: NodeId, i: usize) -> Vec<NodeId> {
    let defs = &w.defs;
    let Some(Some((a, b))) = defs.solve_conditions.get(i) else {
        return Vec::new();
    };
    let mut reads = a.nodes();
    reads.extend(b.nodes());
    if a.reads_allocation() || b.reads_allocation() {
        reads.push(m.alloc_node);
    }
    let down = downstream(&defs.deps, &[node]);
    let up = upstream(&defs.deps, &reads);
    defs.order
        .iter()
        .copied()
        .filter(|&x| x != node && down[x] && up[x])
        .collect()
}

struct Trial<'a> {
    m: &'a Model,
    w: &'a World,
    node: NodeId,
    i: usize,
    nodes: Vec<NodeId>,
    meta: Meta,
}

impl Trial<'_> {
    /// A − B (and A, B) with NAME = x.
    fn eval(&self, x: f64) -> Result<(f64, f64, f64), EvalError> {
        let mut w = self.w.clone();
        w.values[self.node] = Some(Arc::new(Value::scalar(x, self.meta)));
        w.errors.clear();
        for &n in &self.nodes {
            eval_node(self.m, &mut w, n);
            if let Some((_, e)) = w.errors.pop() {
                return Err(e);
            }
        }
        let Some(Some((a, b))) = w.defs.solve_conditions.get(self.i).cloned() else {
            return Err(EvalError::Skipped("the condition".into()));
        };
        let ctx = Ctx::new(self.m, &w);
        let va = ctx.eval(&a)?.data()[0];
        let vb = ctx.eval(&b)?.data()[0];
        Ok((va - vb, va, vb))
    }
}

pub fn run(m: &Model, w: &World, i: usize) -> Result<Value, EvalError> {
    let s = &m.solves[i];
    let node = s.node;
    let defs = w.defs.clone();
    let meta = Meta::of(defs.ty[node], defs.hint[node]);
    let (Some(lo_ir), Some(hi_ir)) = (defs.ir[node].clone(), defs.upper[node].clone()) else {
        return Err(EvalError::Skipped(s.name.name.clone()));
    };
    let ctx = Ctx::new(m, w);
    let lo = ctx.eval(&lo_ir)?.data()[0];
    let hi = ctx.eval(&hi_ir)?.data()[0];
    let fmt =
        |v: f64| crate::units::format_quantity(v, meta.dim, meta.kind, meta.hint, &m.base_names);
    if lo.partial_cmp(&hi) != Some(std::cmp::Ordering::Less) {
        return Err(EvalError::Decision {
            what: format!(
                "`solve {}` needs LO below HI, found {} .. {}",
                s.name.name,
                fmt(lo),
                fmt(hi)
            ),
            help: "write the smaller end first".into(),
            labels: vec![miette::LabeledSpan::new_with_span(
                Some("this range".into()),
                lo_ir.span.join(hi_ir.span),
            )],
        });
    }
    let trial = Trial {
        m,
        w,
        node,
        i,
        nodes: between(m, w, node, i),
        meta,
    };
    let (flo, a_lo, b_lo) = trial.eval(lo)?;
    if flo == 0.0 {
        return Ok(Value::scalar(lo, meta));
    }
    // The first sign change from LO.
    let mut prev = (lo, flo);
    let mut bracket = None;
    let mut last = (hi, flo, a_lo, b_lo);
    for k in 1..=SCAN {
        let x = if k == SCAN {
            hi
        } else {
            lo + (hi - lo) * k as f64 / SCAN as f64
        };
        let (fx, ax, bx) = trial.eval(x)?;
        last = (x, fx, ax, bx);
        if fx == 0.0 {
            return Ok(Value::scalar(x, meta));
        }
        if fx.signum() != prev.1.signum() {
            bracket = Some((prev, (x, fx)));
            break;
        }
        prev = (x, fx);
    }
    let Some(((mut a, mut fa), (mut b, mut fb))) = bracket else {
        let (a_text, b_text) = (m.source_name_of(&s.lhs), m.source_name_of(&s.rhs));
        let dim_meta = crate::check::Type::of(s_dim(&defs, i));
        let q = |v: f64| {
            crate::units::format_quantity(
                v,
                dim_meta.dim,
                dim_meta.kind,
                Default::default(),
                &m.base_names,
            )
        };
        return Err(EvalError::NoRoot {
            what: format!(
                "`solve {}`: {a_text} == {b_text} has no root in {} .. {}",
                s.name.name,
                fmt(lo),
                fmt(hi)
            ),
            help: format!(
                "A − B is {} at {} and {} at {}: widen the range, or check the condition",
                q(flo),
                fmt(lo),
                q(last.1),
                fmt(hi)
            ),
            labels: vec![
                miette::LabeledSpan::new_with_span(
                    Some(format!("A − B = {} at {}", q(flo), fmt(lo))),
                    lo_ir.span,
                ),
                miette::LabeledSpan::new_with_span(
                    Some(format!("A − B = {} at {}", q(last.1), fmt(hi))),
                    hi_ir.span,
                ),
            ],
        });
    };
    // Brent's method (bisection, secant and inverse quadratic steps).
    let tol_f = |va: f64, vb: f64| 1e-9 * va.abs().max(vb.abs());
    let mut c = a;
    let mut fc = fa;
    let mut d = b - a;
    let mut e = d;
    for _ in 0..200 {
        if fb.signum() == fc.signum() {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol = 2.0 * f64::EPSILON * b.abs() + 1e-15 * (hi - lo).abs();
        let mid = 0.5 * (c - b);
        if mid.abs() <= tol || fb == 0.0 {
            break;
        }
        if e.abs() >= tol && fa.abs() > fb.abs() {
            let s = fb / fa;
            let (mut p, mut q);
            if a == c {
                p = 2.0 * mid * s;
                q = 1.0 - s;
            } else {
                let qq = fa / fc;
                let r = fb / fc;
                p = s * (2.0 * mid * qq * (qq - r) - (b - a) * (r - 1.0));
                q = (qq - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if 2.0 * p < (3.0 * mid * q - (tol * q).abs()).min((e * q).abs()) {
                e = d;
                d = p / q;
            } else {
                d = mid;
                e = d;
            }
        } else {
            d = mid;
            e = d;
        }
        a = b;
        fa = fb;
        b += if d.abs() > tol { d } else { tol.copysign(mid) };
        let (fnew, va, vb) = trial.eval(b)?;
        fb = fnew;
        if fb.abs() <= tol_f(va, vb) {
            break;
        }
    }
    Ok(Value::scalar(b, meta))
}

fn s_dim(defs: &crate::check::Defs, i: usize) -> crate::units::Dim {
    defs.solve_conditions
        .get(i)
        .and_then(|c| c.as_ref())
        .map_or(crate::units::Dim::NONE, |(a, _)| a.ty.dim)
}

impl Model {
    /// The source text of an expression's names, for messages.
    pub fn source_name_of(&self, e: &crate::syntax::ast::Expr) -> String {
        crate::fmt::expr_text(e)
    }
}
