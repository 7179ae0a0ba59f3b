//! Linear programs for scn: a small, solver-agnostic LP type solved through `good_lp` with the
//! pure-Rust solvers `microlp` (simplex) and `clarabel` (interior point), with internal scaling,
//! a deterministic tie-break between equal-cost optima, dual values, and an infeasibility filter.
//!
//! Why this shape:
//! * Callers write in SI units (watts ~1e9, costs ~1e-8..1e1). Solvers' tolerances are absolute
//!   and relative to O(1) data, so every solve runs on a scaled copy (powers of two, hence exact
//!   to unscale) and results are mapped back.
//! * Planning output must be reproducible and explainable: when several optima exist (two
//!   providers at the same price) the answer is a vertex that loads the lower-index variable.
//!   This is done by a second pass on the optimal face (see [`solve`]), not by perturbing
//!   the costs, so the reported objective and duals are those of the caller's LP.
//! * Verdicts and vertices come from microlp (simplex); duals come from clarabel (interior
//!   point), since microlp does not expose them.

use clarabel::solver::SolverStatus;
use good_lp::solvers::ResolutionError;
use good_lp::{
    DualValues, Expression, ProblemVariables, Solution as _, SolutionWithDual, SolverModel,
    Variable, clarabel, constraint, microlp, variable,
};

/// Direction of a row: `Σ a·x (<= | >= | =) rhs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sense {
    Le,
    Ge,
    Eq,
}

/// One variable: bounds (`lo` may be `-inf`, `hi` may be `+inf`) and its cost per unit.
#[derive(Clone, Debug, PartialEq)]
pub struct Var {
    pub lo: f64,
    pub hi: f64,
    pub cost: f64,
}

/// One linear row. Repeated variable indices are summed.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub terms: Vec<(usize, f64)>,
    pub sense: Sense,
    pub rhs: f64,
}

/// Minimise `Σ vars[j].cost · x[j]` subject to `rows` and the variable bounds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lp {
    pub vars: Vec<Var>,
    pub rows: Vec<Row>,
}

/// An optimal solution, in the caller's units.
#[derive(Clone, Debug, PartialEq)]
pub struct Solution {
    /// Primal values, one per variable; a vertex, tie-broken towards lower indices.
    pub x: Vec<f64>,
    /// `Σ cost·x` evaluated on `x`.
    pub objective: f64,
    /// Shadow price per row: `d(objective)/d(rhs)`, the change of the optimal objective when the
    /// row's `rhs` grows by one unit. Hence a binding `Le` row has `dual <= 0` (more room, lower
    /// cost), a binding `Ge` row has `dual >= 0` (more to cover, higher cost), an `Eq` row either
    /// sign, and a slack row `0`. When the optimum is degenerate the duals are not unique and the
    /// interior point method returns a central choice.
    pub duals: Vec<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum LpError {
    Infeasible,
    Unbounded,
    /// Bad input (NaN, out-of-range index, `lo > hi` is reported as `Infeasible`) or a solver
    /// that stopped without a verdict.
    Numerical(String),
}

impl std::fmt::Display for LpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LpError::Infeasible => write!(f, "the linear program is infeasible"),
            LpError::Unbounded => write!(f, "the linear program is unbounded"),
            LpError::Numerical(m) => write!(f, "linear program solver failed: {m}"),
        }
    }
}

impl std::error::Error for LpError {}

/// The two solvers behind `good_lp`, used for what each does best.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Engine {
    /// microlp: exact vertices and verdicts, no duals.
    Simplex,
    /// clarabel: duals, and a central (strictly complementary) point; tolerance-level accuracy.
    InteriorPoint,
}

/// First tolerance for reading the optimal face off the interior point solution (scaled units:
/// the largest cost is ~1, the largest rhs or bound is ~1); tried down to 1e-9 if needed.
const FACE_TOL: f64 = 1e-6;

/// Solve `lp`: a deterministic optimal vertex, its objective and the row duals.
///
/// Runs three solves on a scaled copy (powers of two per row and column, see `Scaled`):
///
/// 1. microlp (simplex), `min c·x`: the verdict (infeasible / unbounded) and the exact optimal
///    objective `z*`.
/// 2. clarabel (interior point), `min c·x` with the objective rescaled so `|z*| ~ 1` (its gap
///    tolerance is absolute below 1): the duals. An interior point method converges to a strictly
///    complementary pair, so its reduced costs `d = c - Aᵀy` and duals `y` also identify the
///    optimal face: a variable whose `|d|` exceeds both `tol` and its distance to the bound is at
///    that bound in every optimum, and a row whose `|y|` exceeds both `tol` and its slack is
///    binding in every optimum (`x·d ~ μ`, so the smaller of the two is the zero).
/// 3. microlp on that face: those variables fixed, those rows made equalities, minimising
///    `Σ (1 + (j+1)/n)³ · max(|c_j|, 1e-6) · x_j` (scaled units, over variables with a finite
///    lower bound, so the face's rays cannot make it unbounded). On the face every point costs
///    `z*`, so this only picks among optima:
///    * the weight grows with the index, so cost-tied substitutes load the lower index first;
///    * it is proportional to the cost, so that holds whatever units the variables are in;
///    * it is strictly convex in the index: with linear weights, swapping two same-price
///      providers between two demands changes nothing, the tie survives and the simplex's
///      pivoting (hence the order of rows and terms) decides. With the cube the optimum of this
///      pass is unique in practice and the answer depends only on the LP and its variable order;
///    * nothing can be traded for preference: the result must cost `z*` to ~1e-11 relative, else
///      the face was read too large (a near-tie below `tol` let through) and the pass is redone
///      with `tol` / 10, down to 1e-9. A tiny index cost, or an `objective <= z* + eps` row,
///      would instead let the solver buy preference with `eps` (300 W left on a dearer provider).
///
///    This is a weighted preference, not a strict lexicographic order over all variables. If no
///    face works, the pass runs with a `c·x <= z* + 1e-11·|z*|` guard, then without the face,
///    then the pass-1 vertex is used (optimal and deterministic, without the index preference).
///
/// Values within 1e-9 (scaled units) of zero or a bound are snapped there. Duals are accurate to
/// ~1e-8 of the largest scaled cost, so a row whose prices are tiny next to the rest of the LP
/// has fewer correct digits. If clarabel fails or disagrees with microlp on `z*` (beyond 1e-6),
/// or microlp fails, the result is `Numerical`.
pub fn solve(lp: &Lp) -> Result<Solution, LpError> {
    let s = Scaled::new(lp)?;
    let n = s.cost.len();
    if s.rows.is_empty() && s.lo.iter().chain(&s.hi).all(|b| !b.is_finite()) {
        // Nothing constrains x (clarabel cannot take an empty constraint matrix).
        if s.cost.iter().any(|c| *c != 0.0) {
            return Err(LpError::Unbounded);
        }
        return Ok(Solution {
            x: vec![0.0; n],
            objective: 0.0,
            duals: vec![0.0; lp.rows.len()],
        });
    }
    let all = vec![false; s.rows.len()];
    let pass1 = s.run(Engine::Simplex, &s.cost, &s.lo, &s.hi, &all, None)?;
    let z = pass1.objective;

    let kappa = if z != 0.0 { pow2(1.0 / z.abs()) } else { 1.0 };
    let cost_k: Vec<f64> = s.cost.iter().map(|c| c * kappa).collect();
    let ipm = s.run(Engine::InteriorPoint, &cost_k, &s.lo, &s.hi, &all, None)?;
    if (ipm.objective / kappa - z).abs() > 1e-6 * (1.0 + z.abs()) {
        return Err(LpError::Numerical(format!(
            "clarabel objective {} differs from microlp {z}",
            ipm.objective / kappa
        )));
    }
    let y: Vec<f64> = ipm
        .duals
        .unwrap_or_default()
        .iter()
        .map(|d| d / kappa)
        .collect();

    // Optimal face from complementary slackness: off the face where the reduced cost (or the
    // row's dual) exceeds `tol` and also the interior point's distance to the bound (or the
    // row's slack), the usual interior point indicator: x·d ~ μ, so the smaller one is the zero.
    let mut reduced = s.cost.clone();
    for ((_, t, _, _), yr) in s.rows.iter().zip(&y) {
        for &(j, a) in t {
            reduced[j] -= a * yr;
        }
    }
    let xi = &ipm.x;
    let slack: Vec<f64> = s
        .rows
        .iter()
        .map(|(_, t, _, b)| (t.iter().map(|&(j, a)| a * xi[j]).sum::<f64>() - b).abs())
        .collect();
    let face = |tol: f64| {
        let (mut lo, mut hi) = (s.lo.clone(), s.hi.clone());
        for j in 0..n {
            let d = reduced[j];
            if d > tol && d > xi[j] - lo[j] {
                hi[j] = lo[j];
            } else if -d > tol && -d > hi[j] - xi[j] {
                lo[j] = hi[j];
            }
        }
        let tight: Vec<bool> = y
            .iter()
            .zip(&slack)
            .map(|(yr, sl)| yr.abs() > tol && yr.abs() > *sl)
            .collect();
        (lo, hi, tight)
    };
    let weights = preference(&s);
    // Optimal to (nearly) the last bit: two simplex vertices of the same face agree to rounding.
    let limit = z + 1e-11 * z.abs() + 1e-14;
    let cost_of = |x: &[f64]| s.cost.iter().zip(x).map(|(c, x)| c * x).sum::<f64>();
    let mut chosen = None;
    for tol in [
        FACE_TOL,
        FACE_TOL / 10.0,
        FACE_TOL / 100.0,
        FACE_TOL / 1000.0,
    ] {
        let (lo, hi, tight) = face(tol);
        match s.run(Engine::Simplex, &weights, &lo, &hi, &tight, None) {
            // A face read too large lets near-ties through: fix more and retry.
            Ok(r) if cost_of(&r.x) > limit => continue,
            Ok(r) => chosen = Some(r.x),
            // Too small (noise read as a signal): smaller tolerances only fix more.
            Err(_) => {}
        }
        break;
    }
    let mut xs = match chosen {
        Some(x) => x,
        None => {
            let (lo, hi, tight) = face(FACE_TOL);
            s.run(Engine::Simplex, &weights, &lo, &hi, &tight, Some(limit))
                .or_else(|_| s.run(Engine::Simplex, &weights, &s.lo, &s.hi, &all, Some(limit)))
                .map(|r| r.x)
                .unwrap_or(pass1.x)
        }
    };
    snap(&s, &mut xs);
    let x: Vec<f64> = xs.iter().zip(&s.col).map(|(v, c)| v * c).collect();
    let objective = lp.vars.iter().zip(&x).map(|(v, x)| v.cost * x).sum();
    Ok(Solution {
        x,
        objective,
        duals: s.unscale_duals(&y),
    })
}

/// Solve `lp` for an optimal vertex only, without duals: two simplex passes on the scaled copy,
/// each ending on a vertex (so equalities and bounds hold to the last bit, which `>=` rules need).
/// The first minimises `c·x` for `z*`; the second minimises `c·x` plus a tiny preference
/// (one part in 10⁶ of each cost, growing with the index), so that among tied optima the lower
/// index is loaded. Its answer is kept when it costs `z*` to 1e-12 relative, else the first
/// vertex is. Several times faster than [`solve`]; `by optimal` allocations, solved once per
/// period and sample, need no duals.
pub fn solve_vertex(lp: &Lp) -> Result<Solution, LpError> {
    let s = Scaled::new(lp)?;
    let n = s.cost.len();
    if s.rows.is_empty() && s.lo.iter().chain(&s.hi).all(|b| !b.is_finite()) {
        if s.cost.iter().any(|c| *c != 0.0) {
            return Err(LpError::Unbounded);
        }
        return Ok(Solution {
            x: vec![0.0; n],
            objective: 0.0,
            duals: vec![0.0; lp.rows.len()],
        });
    }
    let all = vec![false; s.rows.len()];
    let exact = s.run(Engine::Simplex, &s.cost, &s.lo, &s.hi, &all, None)?;
    let z = exact.objective;
    let floor = 1e-3 * s.cost.iter().fold(0.0f64, |m, c| m.max(c.abs()));
    let nudged: Vec<f64> = s
        .cost
        .iter()
        .enumerate()
        .map(|(j, c)| match s.lo[j].is_finite() {
            true => c + 1e-6 * c.abs().max(floor) * (j + 1) as f64 / n as f64,
            false => *c,
        })
        .collect();
    let cost_of = |x: &[f64]| s.cost.iter().zip(x).map(|(c, x)| c * x).sum::<f64>();
    let limit = z + 1e-12 * z.abs() + 1e-14;
    let mut xs = match s.run(Engine::Simplex, &nudged, &s.lo, &s.hi, &all, None) {
        Ok(r) if cost_of(&r.x) <= limit => r.x,
        _ => exact.x,
    };
    snap(&s, &mut xs);
    let x: Vec<f64> = xs.iter().zip(&s.col).map(|(v, c)| v * c).collect();
    let objective = lp.vars.iter().zip(&x).map(|(v, x)| v.cost * x).sum();
    Ok(Solution {
        x,
        objective,
        duals: vec![0.0; lp.rows.len()],
    })
}

/// The tie-break objective: cost-proportional weights growing (cubically) with the index.
fn preference(s: &Scaled) -> Vec<f64> {
    let n = s.cost.len();
    (0..n)
        .map(|j| match s.lo[j].is_finite() {
            true => {
                let g = 1.0 + (j + 1) as f64 / n as f64;
                g * g * g * s.cost[j].abs().max(1e-6)
            }
            false => 0.0,
        })
        .collect()
}

/// Values within 1e-9 (scaled) of zero or a bound are put there.
fn snap(s: &Scaled, xs: &mut [f64]) {
    for (j, v) in xs.iter_mut().enumerate() {
        for target in [0.0, s.lo[j], s.hi[j]] {
            if target.is_finite() && (*v - target).abs() < 1e-9 {
                *v = target;
            }
        }
    }
}

/// Deletion filter: a minimal subset of the rows `candidates` that, together with every row not
/// in `candidates` and the variable bounds, is infeasible. Removing any one returned row makes
/// the rest feasible. Returns an empty vector when `lp` is feasible, or when the non-candidate
/// rows are infeasible on their own (then no candidate is to blame). Candidates are tried for
/// deletion in the given order, so when several conflicts exist the rows listed last are the
/// ones most likely to be named (list the rules you would rather blame last). Feasibility is
/// judged by the simplex; one solve per candidate. The result is sorted by row index.
pub fn infeasible_subset(lp: &Lp, candidates: &[usize]) -> Vec<usize> {
    let mut keep: Vec<bool> = vec![true; lp.rows.len()];
    let mut seen = vec![false; lp.rows.len()];
    let cand: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&r| r < lp.rows.len() && !std::mem::replace(&mut seen[r], true))
        .collect();
    if feasible(lp, &keep) {
        return Vec::new();
    }
    for &r in &cand {
        keep[r] = false;
        if feasible(lp, &keep) {
            keep[r] = true; // needed for the conflict
        }
    }
    let mut out: Vec<usize> = cand.into_iter().filter(|&r| keep[r]).collect();
    out.sort_unstable();
    out
}

/// Feasibility of `lp` restricted to the rows with `keep[r]`, ignoring costs.
fn feasible(lp: &Lp, keep: &[bool]) -> bool {
    let sub = Lp {
        vars: lp
            .vars
            .iter()
            .map(|v| Var {
                cost: 0.0,
                ..v.clone()
            })
            .collect(),
        rows: lp
            .rows
            .iter()
            .zip(keep)
            .filter(|(_, k)| **k)
            .map(|(r, _)| r.clone())
            .collect(),
    };
    match Scaled::new(&sub) {
        Ok(s) => {
            let all = vec![false; s.rows.len()];
            s.run(Engine::Simplex, &s.cost, &s.lo, &s.hi, &all, None)
                .is_ok()
        }
        Err(_) => false,
    }
}

/// A scaled copy of an [`Lp`]: `x_j = col[j] · x̃_j`, row `r` multiplied by `row[r]`, objective
/// multiplied by `obj`. All factors are powers of two, so scaling is exact in floating point.
struct Scaled {
    /// Non-empty rows, as (original index, merged scaled terms, sense, scaled rhs).
    rows: Vec<ScaledRow>,
    n_rows: usize,
    cost: Vec<f64>,
    lo: Vec<f64>,
    hi: Vec<f64>,
    col: Vec<f64>,
    row: Vec<f64>,
    obj: f64,
}

type ScaledRow = (usize, Vec<(usize, f64)>, Sense, f64);

struct RunResult {
    x: Vec<f64>,
    objective: f64,
    duals: Option<Vec<f64>>,
}

fn pow2(v: f64) -> f64 {
    if v.is_finite() && v > 0.0 {
        v.log2().round().clamp(-1000.0, 1000.0).exp2()
    } else {
        1.0
    }
}

impl Scaled {
    /// Geometric-mean row/column equilibration of the matrix (a few sweeps), then one factor for
    /// all right-hand sides and bounds (largest becomes ~1) and one for the costs (largest ~1).
    fn new(lp: &Lp) -> Result<Scaled, LpError> {
        let n = lp.vars.len();
        for (j, v) in lp.vars.iter().enumerate() {
            if v.lo.is_nan() || v.hi.is_nan() || !v.cost.is_finite() {
                return Err(LpError::Numerical(format!(
                    "variable {j}: NaN or infinite cost"
                )));
            }
            if v.lo > v.hi || v.lo == f64::INFINITY || v.hi == f64::NEG_INFINITY {
                return Err(LpError::Infeasible);
            }
        }
        let mut rows = Vec::new();
        for (r, row) in lp.rows.iter().enumerate() {
            if !row.rhs.is_finite() {
                return Err(LpError::Numerical(format!("row {r}: non-finite rhs")));
            }
            let mut t: Vec<(usize, f64)> = Vec::with_capacity(row.terms.len());
            for &(j, a) in &row.terms {
                if j >= n || !a.is_finite() {
                    return Err(LpError::Numerical(format!("row {r}: bad term ({j}, {a})")));
                }
                t.push((j, a));
            }
            t.sort_by_key(|&(j, _)| j);
            let mut merged: Vec<(usize, f64)> = Vec::with_capacity(t.len());
            for (j, a) in t {
                match merged.last_mut() {
                    Some((k, b)) if *k == j => *b += a,
                    _ => merged.push((j, a)),
                }
            }
            merged.retain(|&(_, a)| a != 0.0);
            if merged.is_empty() {
                let ok = match row.sense {
                    Sense::Le => 0.0 <= row.rhs,
                    Sense::Ge => 0.0 >= row.rhs,
                    Sense::Eq => row.rhs == 0.0,
                };
                if !ok {
                    return Err(LpError::Infeasible);
                }
                continue;
            }
            rows.push((r, merged, row.sense, row.rhs));
        }

        let mut rs = vec![1.0; lp.rows.len()];
        let mut cs = vec![1.0; n];
        for _ in 0..6 {
            let mut cmax = vec![0.0f64; n];
            let mut cmin = vec![f64::INFINITY; n];
            for (r, t, _, _) in &rows {
                for &(j, a) in t {
                    let v = a.abs() * rs[*r];
                    cmax[j] = cmax[j].max(v);
                    cmin[j] = cmin[j].min(v);
                }
            }
            for j in 0..n {
                if cmax[j] > 0.0 {
                    cs[j] = 1.0 / (cmax[j] * cmin[j]).sqrt();
                }
            }
            for (r, t, _, _) in &rows {
                let (mut mx, mut mn) = (0.0f64, f64::INFINITY);
                for &(j, a) in t {
                    let v = a.abs() * cs[j];
                    mx = mx.max(v);
                    mn = mn.min(v);
                }
                rs[*r] = 1.0 / (mx * mn).sqrt();
            }
        }
        for v in rs.iter_mut().chain(cs.iter_mut()) {
            *v = pow2(*v);
        }
        // Magnitude of the data the solution has to match: rhs and finite bounds, scaled.
        let mut big = 0.0f64;
        for (r, _, _, b) in &rows {
            big = big.max((b * rs[*r]).abs());
        }
        for (j, v) in lp.vars.iter().enumerate() {
            for b in [v.lo, v.hi] {
                if b.is_finite() {
                    big = big.max(b.abs() / cs[j]);
                }
            }
        }
        let db = if big > 0.0 { pow2(1.0 / big) } else { 1.0 };
        // x_j = cs_j / db · x̃_j ; rows multiplied by rs_r · db.
        let col: Vec<f64> = cs.iter().map(|c| c / db).collect();
        let row: Vec<f64> = rs.iter().map(|r| r * db).collect();
        let cmax = lp
            .vars
            .iter()
            .zip(&col)
            .map(|(v, c)| (v.cost * c).abs())
            .fold(0.0, f64::max);
        let obj = if cmax > 0.0 { pow2(1.0 / cmax) } else { 1.0 };
        let rows = rows
            .into_iter()
            .map(|(r, t, sense, b)| {
                let t = t
                    .into_iter()
                    .map(|(j, a)| (j, a * row[r] * col[j]))
                    .collect();
                (r, t, sense, b * row[r])
            })
            .collect();
        Ok(Scaled {
            rows,
            n_rows: lp.rows.len(),
            cost: lp
                .vars
                .iter()
                .zip(&col)
                .map(|(v, c)| v.cost * c * obj)
                .collect(),
            lo: lp.vars.iter().zip(&col).map(|(v, c)| v.lo / c).collect(),
            hi: lp.vars.iter().zip(&col).map(|(v, c)| v.hi / c).collect(),
            col,
            row,
            obj,
        })
    }

    /// Scaled duals (one per entry of `self.rows`) to the caller's rows and units.
    fn unscale_duals(&self, d: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; self.n_rows];
        for ((r, ..), y) in self.rows.iter().zip(d) {
            if y.abs() > 1e-9 {
                out[*r] = y * self.row[*r] / self.obj;
            }
        }
        out
    }

    /// One solve of the scaled LP with objective `cost` and bounds `lo..hi`; rows with `tight[i]`
    /// become equalities; optionally `self.cost · x̃ <= bound`. Clarabel also returns duals.
    /// A panic inside a solver is reported as `Numerical` rather than taking the caller down.
    fn run(
        &self,
        engine: Engine,
        cost: &[f64],
        lo: &[f64],
        hi: &[f64],
        tight: &[bool],
        bound: Option<f64>,
    ) -> Result<RunResult, LpError> {
        let go = || self.run_inner(engine, cost, lo, hi, tight, bound);
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(go))
            .unwrap_or_else(|_| Err(LpError::Numerical(format!("{engine:?} solver panicked"))))
    }

    fn run_inner(
        &self,
        engine: Engine,
        cost: &[f64],
        lo: &[f64],
        hi: &[f64],
        tight: &[bool],
        bound: Option<f64>,
    ) -> Result<RunResult, LpError> {
        let mut pv = ProblemVariables::new();
        let vars: Vec<Variable> = (0..cost.len())
            .map(|j| pv.add(variable().min(lo[j]).max(hi[j])))
            .collect();
        let expr = |terms: &mut dyn Iterator<Item = (usize, f64)>| {
            let mut e = Expression::with_capacity(4);
            for (j, a) in terms {
                if a != 0.0 {
                    e.add_mul(a, vars[j]);
                }
            }
            e
        };
        let objective = expr(&mut cost.iter().copied().enumerate());
        let cons = self
            .rows
            .iter()
            .zip(tight)
            .map(|((_, t, sense, b), tight)| {
                let e = expr(&mut t.iter().copied());
                match if *tight { &Sense::Eq } else { sense } {
                    Sense::Le => constraint::leq(e, *b),
                    Sense::Ge => constraint::geq(e, *b),
                    Sense::Eq => constraint::eq(e, *b),
                }
            });
        let extra = bound.map(|z| {
            let e = expr(&mut self.cost.iter().copied().enumerate());
            constraint::leq(e, z)
        });
        let unsolved = pv.minimise(objective.clone());
        match engine {
            Engine::Simplex => {
                let mut m = unsolved.using(microlp);
                for c in cons.chain(extra) {
                    m.add_constraint(c);
                }
                let sol = m.solve().map_err(map_err)?;
                let x: Vec<f64> = vars.iter().map(|v| sol.value(*v)).collect();
                let objective = cost.iter().zip(&x).map(|(c, x)| c * x).sum();
                Ok(RunResult {
                    x,
                    objective,
                    duals: None,
                })
            }
            Engine::InteriorPoint => {
                let mut m = unsolved.using(clarabel);
                m.settings().max_iter(500);
                let refs: Vec<_> = cons.map(|c| m.add_constraint(c)).collect();
                if let Some(c) = extra {
                    m.add_constraint(c);
                }
                let mut sol = m.solve().map_err(map_err)?;
                // good_lp 1.15 returns Ok for (Almost)DualInfeasible, i.e. an unbounded LP.
                match sol.inner().status {
                    SolverStatus::Solved | SolverStatus::AlmostSolved => {}
                    SolverStatus::DualInfeasible | SolverStatus::AlmostDualInfeasible => {
                        return Err(LpError::Unbounded);
                    }
                    other => return Err(LpError::Numerical(format!("clarabel: {other:?}"))),
                }
                let x: Vec<f64> = vars.iter().map(|v| sol.value(*v)).collect();
                let objective = cost.iter().zip(&x).map(|(c, x)| c * x).sum();
                let d = sol.compute_dual();
                let duals = Some(refs.iter().map(|r| d.dual(r.clone())).collect());
                Ok(RunResult {
                    x,
                    objective,
                    duals,
                })
            }
        }
    }
}

fn map_err(e: ResolutionError) -> LpError {
    match e {
        ResolutionError::Infeasible => LpError::Infeasible,
        ResolutionError::Unbounded => LpError::Unbounded,
        other => LpError::Numerical(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INF: f64 = f64::INFINITY;

    fn var(lo: f64, hi: f64, cost: f64) -> Var {
        Var { lo, hi, cost }
    }

    fn row(terms: &[(usize, f64)], sense: Sense, rhs: f64) -> Row {
        Row {
            terms: terms.to_vec(),
            sense,
            rhs,
        }
    }

    /// The same LP in other units: quantities times `q`, money times `p`.
    fn in_units(lp: &Lp, q: f64, p: f64) -> Lp {
        Lp {
            vars: lp
                .vars
                .iter()
                .map(|v| var(v.lo * q, v.hi * q, v.cost * p))
                .collect(),
            rows: lp
                .rows
                .iter()
                .map(|r| Row {
                    rhs: r.rhs * q,
                    ..r.clone()
                })
                .collect(),
        }
    }

    fn close(got: f64, want: f64) -> bool {
        (got - want).abs() <= 1e-6 * (1.0 + want.abs())
    }

    /// Solve in plain units and in SI-like units (GW-scale quantities with nano-scale prices,
    /// and the reverse), and compare with the hand solution.
    fn check(lp: &Lp, x: &[f64], objective: f64, duals: &[(usize, f64)]) {
        for (q, p) in [(1.0, 1.0), (1e7, 1e-9), (1e-3, 1e3)] {
            let s = solve(&in_units(lp, q, p)).unwrap();
            let ctx = format!("q={q} p={p}: {s:?}");
            for (got, want) in s.x.iter().zip(x) {
                assert!(close(got / q, *want), "x {ctx}");
            }
            assert!(close(s.objective / (q * p), objective), "objective {ctx}");
            for &(r, want) in duals {
                assert!(close(s.duals[r] / p, want), "dual of row {r}: {ctx}");
            }
        }
    }

    /// Three providers (price 10, 20, 30; capacity 50, 30, 100) and one demand of 100.
    fn merit_order() -> Lp {
        Lp {
            vars: vec![
                var(0.0, INF, 10.0),
                var(0.0, INF, 20.0),
                var(0.0, INF, 30.0),
            ],
            rows: vec![
                row(&[(0, 1.0)], Sense::Le, 50.0),
                row(&[(1, 1.0)], Sense::Le, 30.0),
                row(&[(2, 1.0)], Sense::Le, 100.0),
                row(&[(0, 1.0), (1, 1.0), (2, 1.0)], Sense::Ge, 100.0),
            ],
        }
    }

    #[test]
    fn merit_order_fills_cheapest_first() {
        // Cheapest first: A = 50 (full), B = 30 (full), C = 100 - 80 = 20.
        // objective = 10·50 + 20·30 + 30·20 = 500 + 600 + 600 = 1700.
        // Duals, d(objective)/d(rhs):
        //  cap A (Le): one more unit of A replaces one of C: 10 - 30   -> -20
        //  cap B (Le): one more unit of B replaces one of C: 20 - 30   -> -10
        //  cap C (Le): slack (20 < 100)                                ->   0
        //  demand (Ge): one more unit comes from C                     -> +30
        check(
            &merit_order(),
            &[50.0, 30.0, 20.0],
            1700.0,
            &[(0, -20.0), (1, -10.0), (2, 0.0), (3, 30.0)],
        );
    }

    #[test]
    fn cost_ties_load_the_first_variable() {
        // 0: pricey provider; 1, 2, 3: same price 5 (1 has capacity 30); demand 80.
        // Tied optima: any split of 80 over 1..3 within the cap. Preferred: fill 1 (30), then 2.
        let lp = Lp {
            vars: vec![
                var(0.0, INF, 9.0),
                var(0.0, 30.0, 5.0),
                var(0.0, INF, 5.0),
                var(0.0, INF, 5.0),
            ],
            rows: vec![row(
                &[(0, 1.0), (1, 1.0), (2, 1.0), (3, 1.0)],
                Sense::Ge,
                80.0,
            )],
        };
        check(&lp, &[0.0, 30.0, 50.0, 0.0], 400.0, &[(0, 5.0)]);
        // In watts and $/W: exact values, no residues, bit-identical on a second run.
        let si = in_units(&lp, 1e9, 1e-8);
        let s = solve(&si).unwrap();
        assert_eq!(s.x, vec![0.0, 30e9, 50e9, 0.0], "{s:?}");
        assert_eq!(s, solve(&si).unwrap());
        // Two identical providers, no capacities: all load on the first.
        let two = Lp {
            vars: vec![var(0.0, INF, 1e-8), var(0.0, INF, 1e-8)],
            rows: vec![row(&[(0, 1.0), (1, 1.0)], Sense::Eq, 2e9)],
        };
        assert_eq!(solve(&two).unwrap().x, vec![2e9, 0.0]);
    }

    #[test]
    fn share_rule_forces_expensive_provider() {
        // a: price 40, b: price 10; demand a + b = 100; share rule a >= 75% of (a + b), written
        // 0.25·a - 0.75·b >= 0. Without the rule b takes all; with it a = 75, b = 25.
        // objective = 40·75 + 10·25 = 3000 + 250 = 3250.
        // Demand (Eq) dual: at the binding share a = 0.75·D, b = 0.25·D, so
        //   objective = (40·0.75 + 10·0.25)·D = 32.5·D                          -> +32.5
        // Share (Ge, rhs s) dual: 0.25a - 0.75b = s, a + b = 100 gives a = 75 + s, b = 25 - s,
        //   objective = 40(75 + s) + 10(25 - s) = 3250 + 30·s                   -> +30
        let lp = Lp {
            vars: vec![var(0.0, INF, 40.0), var(0.0, INF, 10.0)],
            rows: vec![
                row(&[(0, 1.0), (1, 1.0)], Sense::Eq, 100.0),
                row(&[(0, 0.25), (1, -0.75)], Sense::Ge, 0.0),
            ],
        };
        check(&lp, &[75.0, 25.0], 3250.0, &[(0, 32.5), (1, 30.0)]);
    }

    #[test]
    fn equality_rules_and_their_dual_signs() {
        // a: price 40, b: price 10; a + b = 100; rule b = 60 (e.g. a fixed contract).
        // a = 40, b = 60, objective = 40·40 + 10·60 = 2200.
        // Demand (Eq) dual: the extra unit comes from a                          -> +40
        // Rule (Eq) dual: one more unit of b replaces one of a: 10 - 40          -> -30
        let lp = Lp {
            vars: vec![var(0.0, INF, 40.0), var(0.0, INF, 10.0)],
            rows: vec![
                row(&[(0, 1.0), (1, 1.0)], Sense::Eq, 100.0),
                row(&[(1, 1.0)], Sense::Eq, 60.0),
            ],
        };
        check(&lp, &[40.0, 60.0], 2200.0, &[(0, 40.0), (1, -30.0)]);
    }

    /// Variables: 0 = K (new capacity, built in year 1, serves years 1 and 2, 70 per unit),
    /// 1, 2 = new plant output in years 1, 2 (10 per unit), 3, 4 = old plant output (50 per unit,
    /// capacity 120), demand 100 in year 1, 150 in year 2. `k_coef` is the output per unit of K.
    fn expansion(k_coef: f64) -> Lp {
        Lp {
            vars: vec![
                var(0.0, INF, 70.0 * k_coef),
                var(0.0, INF, 10.0),
                var(0.0, INF, 10.0),
                var(0.0, 120.0, 50.0),
                var(0.0, 120.0, 50.0),
            ],
            rows: vec![
                row(&[(1, 1.0), (0, -k_coef)], Sense::Le, 0.0),
                row(&[(2, 1.0), (0, -k_coef)], Sense::Le, 0.0),
                row(&[(1, 1.0), (3, 1.0)], Sense::Ge, 100.0),
                row(&[(2, 1.0), (4, 1.0)], Sense::Ge, 150.0),
            ],
        }
    }

    #[test]
    fn two_period_capacity_expansion() {
        // A unit of K saves 50 - 10 = 40 in each year it runs. The first 100 units run in both
        // years: 80 > 70, build. Units 101..150 run only in year 2: 40 < 70, do not build.
        // So K = 100 (unique), new output 100 and 100, old output 0 and 50.
        // objective = 70·100 + 10·(100 + 100) + 50·50 = 7000 + 2000 + 2500 = 11500.
        // Year-1 capacity row (g1 - K <= r): K can shrink to 100 - r with g1 = 100 still
        //   allowed; year 2 then loses r new units to the old plant: -70 + (50 - 10)  -> -30
        // Year-2 capacity row (g2 - K <= r): keep K, year 2 runs r more new units instead of old
        //   ones: 10 - 50 (shrinking K instead would give only -30)                   -> -40
        // Year-1 demand: one more unit means K = 101: +70 build, +10 year-1 output, and in
        //   year 2 a new unit (10) replaces an old one (50): 70 + 10 - 40              -> +40
        // Year-2 demand: the old plant serves it                                      -> +50
        check(
            &expansion(1.0),
            &[100.0, 100.0, 100.0, 0.0, 50.0],
            11500.0,
            &[(0, -30.0), (1, -40.0), (2, 40.0), (3, 50.0)],
        );
    }

    #[test]
    fn capacity_expansion_with_gigawatt_coefficients() {
        // Same LP with K counted in GW units (row coefficient -1e9 W per unit), outputs in W
        // (x 1e7), prices per W (x 1e-9): K = 100·1e7 W / 1e9 W = 1 unit, costing 70 each.
        let base = expansion(1.0);
        let mut lp = in_units(&base, 1e7, 1e-9);
        lp.vars[0] = var(0.0, INF, 70.0);
        for k in 0..2 {
            lp.rows[k].terms[1].1 = -1e9;
        }
        let s = solve(&lp).unwrap();
        let want = [1.0, 1e9, 1e9, 0.0, 5e8];
        for (g, w) in s.x.iter().zip(want) {
            assert!((g - w).abs() <= 1e-9 * w.max(1.0), "{s:?}");
        }
        // 70·1 + 1e-8·2e9 + 5e-8·5e8 = 70 + 20 + 25 = 115 = 11500·1e7·1e-9.
        assert!(close(s.objective, 115.0), "{s:?}");
        // Demand duals scale with the price unit; capacity duals are per W of row room.
        let want = [-30e-9, -40e-9, 40e-9, 50e-9];
        for (d, w) in s.duals.iter().zip(want) {
            assert!((d - w).abs() <= 1e-6 * w.abs(), "{s:?}");
        }
    }

    #[test]
    fn infeasible_and_unbounded_are_errors() {
        // x0 <= 5 and x1 <= 10 cannot reach 20.
        let infeasible = Lp {
            vars: vec![var(0.0, INF, 1.0), var(0.0, 10.0, 1.0)],
            rows: vec![
                row(&[(0, 1.0)], Sense::Le, 5.0),
                row(&[(0, 1.0), (1, 1.0)], Sense::Ge, 20.0),
            ],
        };
        assert_eq!(solve(&infeasible), Err(LpError::Infeasible));
        // min -x0 - x1 with only x0 - x1 <= 3: along x0 = x1 + 3 the objective is -2·x1 - 3.
        let unbounded = Lp {
            vars: vec![var(0.0, INF, -1.0), var(0.0, INF, -1.0)],
            rows: vec![row(&[(0, 1.0), (1, -1.0)], Sense::Le, 3.0)],
        };
        assert_eq!(solve(&unbounded), Err(LpError::Unbounded));
        let crossed = Lp {
            vars: vec![var(2.0, 1.0, 0.0)],
            rows: vec![],
        };
        assert_eq!(solve(&crossed), Err(LpError::Infeasible));
        let empty_row = Lp {
            vars: vec![var(0.0, 1.0, 0.0)],
            rows: vec![row(&[(0, 0.0)], Sense::Ge, 1.0)],
        };
        assert_eq!(solve(&empty_row), Err(LpError::Infeasible));
        let bad = Lp {
            vars: vec![var(0.0, 1.0, 0.0)],
            rows: vec![row(&[(3, 1.0)], Sense::Ge, 1.0)],
        };
        assert!(matches!(solve(&bad), Err(LpError::Numerical(_))));
    }

    #[test]
    fn infeasible_subset_names_a_minimal_conflict() {
        // 0: demand a + b >= 100 (not a candidate), 1: a <= 30, 2: b <= 40, 3: a >= 10,
        // 4: b <= 50. Deletion filter in the order 1, 2, 3, 4: drop 1 -> feasible (a is free to
        // grow), keep 1; drop 2 -> still infeasible (30 + 50 < 100), gone; drop 3 -> still
        // infeasible, gone; drop 4 -> feasible, keep 4. Result {1, 4}: 30 + 50 < 100.
        let lp = Lp {
            vars: vec![var(0.0, INF, 1.0), var(0.0, INF, 1.0)],
            rows: vec![
                row(&[(0, 1.0), (1, 1.0)], Sense::Ge, 100.0),
                row(&[(0, 1.0)], Sense::Le, 30.0),
                row(&[(1, 1.0)], Sense::Le, 40.0),
                row(&[(0, 1.0)], Sense::Ge, 10.0),
                row(&[(1, 1.0)], Sense::Le, 50.0),
            ],
        };
        let set = infeasible_subset(&lp, &[1, 2, 3, 4]);
        assert_eq!(set, vec![1, 4]);
        // Infeasible with the non-candidates; dropping any one of the set makes it feasible.
        let with = |rows: &[usize]| Lp {
            vars: lp.vars.clone(),
            rows: rows.iter().map(|&r| lp.rows[r].clone()).collect(),
        };
        assert_eq!(solve(&with(&[0, 1, 4])), Err(LpError::Infeasible));
        assert!(solve(&with(&[0, 1])).is_ok() && solve(&with(&[0, 4])).is_ok());
        // In the other order 4 goes first (30 + 40 < 100 still), then 3; 2 and 1 are needed.
        // Repeated candidates count once.
        assert_eq!(infeasible_subset(&lp, &[4, 3, 2, 1, 4]), vec![1, 2]);
        // A feasible LP has no conflict.
        assert!(infeasible_subset(&merit_order(), &[0, 1, 2, 3]).is_empty());
    }

    #[test]
    fn duplicate_terms_and_free_variables() {
        // x0 free, x1 >= 0; row 0 lists x0 twice, so it reads 2·x0 - x1 = 4; row 1: x0 >= -1.
        // x0 = (4 + x1)/2, objective = (4 + x1)/2 + 3·x1, minimal at x1 = 0: x0 = 2, obj 2.
        // Eq dual: x0 = (4 + r)/2 -> d/dr = 1/2. Row 1 is slack: 0.
        let lp = Lp {
            vars: vec![var(f64::NEG_INFINITY, INF, 1.0), var(0.0, INF, 3.0)],
            rows: vec![
                row(&[(0, 1.0), (1, -1.0), (0, 1.0)], Sense::Eq, 4.0),
                row(&[(0, 1.0)], Sense::Ge, -1.0),
            ],
        };
        check(&lp, &[2.0, 0.0], 2.0, &[(0, 0.5), (1, 0.0)]);
    }

    #[test]
    fn degenerate_shapes() {
        // No variables.
        let s = solve(&Lp::default()).unwrap();
        assert_eq!((s.x.len(), s.objective, s.duals.len()), (0, 0.0, 0));
        // A free variable with no rows: zero cost -> 0, any cost -> unbounded.
        let free = |cost| Lp {
            vars: vec![var(f64::NEG_INFINITY, INF, cost)],
            rows: vec![],
        };
        assert_eq!(solve(&free(0.0)).map(|s| s.x), Ok(vec![0.0]));
        assert_eq!(solve(&free(1.0)), Err(LpError::Unbounded));
        // An empty row that holds is ignored and gets dual 0.
        let lp = Lp {
            vars: vec![var(1.0, 2.0, 1.0)],
            rows: vec![row(&[], Sense::Le, 3.0)],
        };
        let s = solve(&lp).unwrap();
        assert_eq!((s.x, s.duals), (vec![1.0], vec![0.0]));
        // A zero-cost free variable on an unbounded optimal face: the tie-break stays bounded.
        // min x1 s.t. x0 - x1 <= 5, x0 free (cost 0), x1 >= 0: x1 = 0, x0 anything <= 5.
        let lp = Lp {
            vars: vec![var(f64::NEG_INFINITY, INF, 0.0), var(0.0, INF, 1.0)],
            rows: vec![row(&[(0, 1.0), (1, -1.0)], Sense::Le, 5.0)],
        };
        let s = solve(&lp).unwrap();
        assert!(s.x[0] <= 5.0 && s.x[1] == 0.0, "{s:?}");
    }

    #[test]
    fn ties_and_duals_at_mixed_magnitudes() {
        // Demand 0 is 1 kW, demand 1 is 1 GW, in the same LP (scaled so the GW is ~1).
        // Providers 0, 1 (same price 2e-8) serve demand 0; 2, 3 (same price 1e-8) serve demand 1.
        // Ties: all on 0 and on 2. objective = 2e-8·1e3 + 1e-8·1e9 = 2e-5 + 10.
        // Duals (Ge demand rows): the price of the marginal provider, 2e-8 and 1e-8; the kW
        // row's prices are ~1e-6 of the scaled objective, so its dual has fewer digits.
        let lp = Lp {
            vars: vec![
                var(0.0, INF, 2e-8),
                var(0.0, INF, 2e-8),
                var(0.0, INF, 1e-8),
                var(0.0, INF, 1e-8),
            ],
            rows: vec![
                row(&[(0, 1.0), (1, 1.0)], Sense::Ge, 1e3),
                row(&[(2, 1.0), (3, 1.0)], Sense::Ge, 1e9),
            ],
        };
        let s = solve(&lp).unwrap();
        assert_eq!(s.x, vec![1e3, 0.0, 1e9, 0.0], "{s:?}");
        assert!(close(s.objective, 2e-5 + 10.0), "{s:?}");
        assert!((s.duals[0] / 2e-8 - 1.0).abs() < 1e-3, "{s:?}");
        assert!((s.duals[1] / 1e-8 - 1.0).abs() < 1e-6, "{s:?}");
    }

    /// Largest row or bound violation of `x`, relative to the row's magnitude.
    fn violation(lp: &Lp, x: &[f64]) -> f64 {
        let mut worst = 0.0f64;
        for r in &lp.rows {
            let lhs: f64 = r.terms.iter().map(|&(j, a)| a * x[j]).sum();
            let size: f64 =
                r.terms.iter().map(|&(j, a)| (a * x[j]).abs()).sum::<f64>() + r.rhs.abs() + 1e-300;
            let v = match r.sense {
                Sense::Le => lhs - r.rhs,
                Sense::Ge => r.rhs - lhs,
                Sense::Eq => (lhs - r.rhs).abs(),
            };
            worst = worst.max(v / size);
        }
        for (v, x) in lp.vars.iter().zip(x) {
            worst = worst.max((v.lo - x) / (1.0 + v.lo.abs()));
            worst = worst.max((x - v.hi) / (1.0 + v.hi.abs()));
        }
        worst
    }

    #[test]
    fn random_dispatch_lps_are_feasible_and_optimal() {
        // Dispatch LPs in SI units with many price ties; compare with a plain, unscaled microlp
        // solve through good_lp and check feasibility in caller units.
        let mut seed = 1u64;
        let mut rnd = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for _case in 0..6 {
            let (np, nd) = (8, 4);
            let mut lp = Lp::default();
            for p in 0..np {
                let price = 1e-8 * (1.0 + (p % 3) as f64);
                for _ in 0..nd {
                    lp.vars.push(var(0.0, INF, price));
                }
            }
            for _ in 0..nd {
                lp.vars.push(var(0.0, INF, 1e-5));
            }
            for p in 0..np {
                let terms: Vec<_> = (0..nd).map(|d| (p * nd + d, 1.0)).collect();
                lp.rows
                    .push(row(&terms, Sense::Le, 1e8 * (1.0 + 9.0 * rnd())));
            }
            for d in 0..nd {
                let mut terms: Vec<_> = (0..np).map(|p| (p * nd + d, 1.0)).collect();
                terms.push((np * nd + d, 1.0));
                lp.rows.push(row(&terms, Sense::Ge, 1e9 * (0.2 + rnd())));
            }
            let share: Vec<_> = (0..np)
                .map(|p| (p * nd, if p >= 6 { 0.7 } else { -0.3 }))
                .collect();
            lp.rows.push(row(&share, Sense::Ge, 0.0));

            let mut pv = ProblemVariables::new();
            let xs: Vec<Variable> = lp
                .vars
                .iter()
                .map(|_| pv.add(variable().min(0.0)))
                .collect();
            let mut obj = Expression::with_capacity(xs.len());
            for (v, d) in xs.iter().zip(&lp.vars) {
                obj.add_mul(d.cost, *v);
            }
            let mut m = pv.minimise(obj.clone()).using(microlp);
            for r in &lp.rows {
                let mut e = Expression::with_capacity(r.terms.len());
                for &(j, a) in &r.terms {
                    e.add_mul(a, xs[j]);
                }
                m.add_constraint(match r.sense {
                    Sense::Le => constraint::leq(e, r.rhs),
                    Sense::Ge => constraint::geq(e, r.rhs),
                    Sense::Eq => constraint::eq(e, r.rhs),
                });
            }
            let reference = obj.eval_with(&m.solve().unwrap());
            let s = solve(&lp).unwrap();
            assert!(violation(&lp, &s.x) <= 1e-12, "{}", violation(&lp, &s.x));
            assert!(
                (s.objective - reference).abs() <= 1e-9 * reference,
                "{} vs {reference}",
                s.objective
            );
            // Demand duals lie between the cheapest price and the value of lost load.
            for d in 0..nd {
                let y = s.duals[np + d];
                assert!(
                    (1e-8 * (1.0 - 1e-6)..=1e-5 * (1.0 + 1e-6)).contains(&y),
                    "{y}"
                );
            }
        }
    }

    #[test]
    fn answer_does_not_depend_on_row_or_term_order() {
        // 6 providers (even ones at price 1e-8, odd ones at 2e-8, so many ties) x 3 demands, in
        // watts. Swapping two same-price providers between two demands costs nothing, so there
        // are many optima; the simplex alone returns whichever its pivoting meets first, which
        // changes when rows or terms are listed in another order. The tie-break defines one.
        let mut seed = 5u64;
        let mut rnd = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut solved = 0;
        for _case in 0..30 {
            let (np, nd) = (6, 3);
            let mut lp = Lp::default();
            for p in 0..np {
                let price = 1e-8 * (1.0 + (p % 2) as f64);
                lp.vars.extend((0..nd).map(|_| var(0.0, INF, price)));
            }
            for p in 0..np {
                let terms: Vec<_> = (0..nd).map(|d| (p * nd + d, 1.0)).collect();
                lp.rows
                    .push(row(&terms, Sense::Le, 1e8 * (1.0 + 9.0 * rnd()).round()));
            }
            for d in 0..nd {
                let terms: Vec<_> = (0..np).map(|p| (p * nd + d, 1.0)).collect();
                lp.rows
                    .push(row(&terms, Sense::Ge, 1e8 * (5.0 + 10.0 * rnd()).round()));
            }
            let Ok(s) = solve(&lp) else { continue };
            let mut other = lp.clone();
            other.rows.reverse();
            for r in &mut other.rows {
                r.terms.reverse();
            }
            let t = solve(&other).unwrap();
            assert_eq!(s.x, t.x, "{lp:?}");
            solved += 1;
        }
        assert!(solved >= 10);
    }
}
