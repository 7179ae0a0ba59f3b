//! Plans: `plan minimize EXPR [discount R] [subject to [...]]` chooses every
//! build and every `by optimal` split over all periods at once, as one
//! linear program.
//!
//! The model is first evaluated with nothing built and no `by optimal`
//! flow (a scratch world): that gives what does not depend on the plan —
//! capacities as written, what the other allocations take. Then every
//! value the plan's objective and constraints read is followed
//! symbolically ([`super::read`]) as an affine form over the builds, the
//! flows and the unmet demand. Serving comes first (the least unmet demand
//! the constraints allow), then the objective; the interior-point pass of
//! the solver gives each constraint's shadow price.

// Periods index several parallel buffers at once here; ranges read clearer.
#![allow(clippy::needless_range_loop)]

use std::sync::Arc;

use miette::LabeledSpan;

use super::linear::{Aff, Lin};
use super::lp::{self, Lp, LpError, Row, Sense, Var};
use super::read::{Forms, Reader, discount_weights, uncertain};
use crate::check::graph::downstream;
use crate::check::ir::{Cmp, Ir, IrKind};
use crate::check::vocab::{Builtin, PField, PolicyKind};
use crate::check::{Model, NodeKind};
use crate::eval::alloc::PlanFlows;
use crate::eval::error::EvalError;
use crate::eval::value::Meta;
use crate::eval::{Ctx, Value, World};
use crate::syntax::ast::RuleOp;
use crate::units::Dim;
use crate::units::format::{Hint, Kind, POWER_UNITS, format_quantity};

/// What a plan decided.
#[derive(Clone, Debug, Default)]
pub struct PlanOutcome {
    /// Per provider, per period: what is built (zero where nothing may be).
    pub built: Vec<Vec<f64>>,
    pub flows: PlanFlows,
    /// The objective's value at the optimum (discounted when asked).
    pub objective: f64,
    pub shadow: Vec<Shadow>,
}

/// A constraint that binds, and what moving it is worth.
#[derive(Clone, Debug, PartialEq)]
pub struct Shadow {
    /// The constraint: as written, or `capacity of stargate`.
    pub label: String,
    /// The period of a constraint that holds period by period.
    pub period: Option<String>,
    /// d(objective) / d(bound), in SI units.
    pub value: f64,
    pub dim: Dim,
    /// `one more GW would save $3.10B`.
    pub text: String,
}

/// What a row of the plan's program stands for.
#[derive(Clone, Debug)]
enum RowKind {
    /// A demand served or left unmet, a commitment's excess: no bound a
    /// user wrote.
    Internal,
    Capacity {
        provider: usize,
        period: usize,
    },
    Rule {
        alloc: usize,
        rule: usize,
        period: usize,
    },
    Budget {
        alloc: usize,
        period: usize,
    },
    User {
        constraint: usize,
        period: Option<usize>,
    },
}

type R<T> = Result<T, EvalError>;

fn decision(what: String, help: &str, labels: Vec<LabeledSpan>) -> EvalError {
    EvalError::Decision {
        what,
        help: help.into(),
        labels,
    }
}

fn label(span: crate::span::Span, text: &str) -> LabeledSpan {
    LabeledSpan::new_with_span(Some(text.to_string()), span)
}

pub fn run(m: &Model, w: &World) -> R<PlanOutcome> {
    let (Some(def), Some(pir)) = (m.plan.as_ref(), w.defs.plan.clone()) else {
        return Err(EvalError::Skipped("the plan".into()));
    };
    let defs = w.defs.clone();
    let periods = m.periods();
    let np = m.providers.len();
    let chosen = downstream(&defs.deps, &[def.node]);
    let buildable: Vec<bool> = (0..np)
        .map(|p| m.has_prop(&defs, p, PField::Build))
        .collect();
    let optimal: Vec<bool> = m
        .allocations
        .iter()
        .map(|a| a.policy == PolicyKind::Optimal)
        .collect();
    for (a, al) in m.allocations.iter().enumerate() {
        if optimal[a] {
            continue;
        }
        if let Some(e) = al.entries.iter().find(|e| buildable[e.provider]) {
            let name = &m.providers[e.provider].name;
            return Err(decision(
                format!(
                    "`by {}` cannot draw on `{name}`, whose capacity the plan builds",
                    al.policy.name()
                ),
                "allocate it `by optimal`, so that the plan routes demand to what it builds",
                vec![label(e.span, "built by the plan")],
            ));
        }
    }
    if !buildable.iter().any(|b| *b) && !optimal.iter().any(|o| *o) {
        return Err(decision(
            "the plan has nothing to choose".into(),
            "give a provider `build = 0 GW .. 2 GW`, or allocate a demand `by optimal`",
            vec![label(def.span, "no build and no `by optimal` allocation")],
        ));
    }

    // The scratch world: nothing built, no optimal flow.
    let zero = PlanOutcome {
        built: vec![vec![0.0; periods]; np],
        flows: PlanFlows {
            flows: m
                .allocations
                .iter()
                .enumerate()
                .map(|(a, al)| match optimal[a] {
                    true => vec![vec![0.0; periods]; al.entries.len()],
                    false => Vec::new(),
                })
                .collect(),
        },
        ..PlanOutcome::default()
    };
    let mut s = w.clone();
    s.plan = Some(Arc::new(zero));
    s.errors.clear();
    for &id in defs.order.iter() {
        let needed = matches!(
            m.nodes[id].kind,
            NodeKind::Built(_) | NodeKind::Capacity(_) | NodeKind::Allocation
        );
        if needed && chosen[id] && s.values[id].is_none() {
            crate::eval::eval_node(m, &mut s, id);
        }
    }
    if let Some((_, e)) = s.errors.first() {
        return Err(e.clone());
    }
    let alloc = s
        .alloc
        .clone()
        .ok_or_else(|| EvalError::Skipped("the allocation".into()))?;
    if alloc.samples > 1 {
        return Err(uncertain(def.span));
    }
    let ctx = Ctx::new(m, &s);
    let tl = m
        .timeline
        .unwrap_or_else(|| crate::time::Timeline::yearly(0, -1));
    let dt = tl.dt();
    let value = |id: usize| -> R<Vec<f64>> {
        let v = s.value(m, id)?;
        if v.is_uncertain() {
            return Err(uncertain(m.nodes[id].span));
        }
        Ok(v.to_series(periods))
    };
    let prop = |p: usize, f: PField| m.providers[p].prop(f).filter(|&id| defs.ir[id].is_some());

    let mut lp = Lp::default();
    let mut kinds: Vec<RowKind> = Vec::new();
    // Builds: one variable per buildable provider and period.
    let mut build_var: Vec<Option<usize>> = vec![None; np];
    for p in 0..np {
        let Some(id) = prop(p, PField::Build).filter(|_| buildable[p]) else {
            continue;
        };
        let lo = value(id)?;
        let upper = defs.upper[id]
            .clone()
            .ok_or_else(|| EvalError::Skipped(m.nodes[id].name.clone()))?;
        let hv = ctx.eval(&upper)?;
        if hv.is_uncertain() {
            return Err(uncertain(upper.span));
        }
        let hi = hv.to_series(periods);
        let span = m.nodes[id]
            .expr
            .as_ref()
            .map_or(m.providers[p].span, |e| e.span);
        for i in 0..periods {
            if lo[i] < 0.0 || lo[i] > hi[i] {
                let what = if lo[i] < 0.0 {
                    format!(
                        "`{}` may not build less than nothing in {}",
                        m.providers[p].name,
                        tl.label(i)
                    )
                } else {
                    format!(
                        "`{}.build` has its lower end above its upper end in {}",
                        m.providers[p].name,
                        tl.label(i)
                    )
                };
                return Err(decision(
                    what,
                    "write `build = LO .. HI` with 0 <= LO <= HI",
                    vec![label(span, "these bounds")],
                ));
            }
        }
        build_var[p] = Some(lp.vars.len());
        for i in 0..periods {
            lp.vars.push(Var {
                lo: lo[i],
                hi: hi[i],
                cost: 0.0,
            });
        }
    }
    // Flows of the optimal allocations, and what each leaves unmet.
    let mut flow_var: Vec<Vec<usize>> = vec![Vec::new(); m.allocations.len()];
    let mut unmet_var: Vec<Option<usize>> = vec![None; m.allocations.len()];
    for (a, al) in m.allocations.iter().enumerate() {
        if !optimal[a] {
            continue;
        }
        for _ in &al.entries {
            flow_var[a].push(lp.vars.len());
            for _ in 0..periods {
                lp.vars.push(Var {
                    lo: 0.0,
                    hi: f64::INFINITY,
                    cost: 0.0,
                });
            }
        }
        unmet_var[a] = Some(lp.vars.len());
        let d = al.demand;
        for i in 0..periods {
            lp.vars.push(Var {
                lo: 0.0,
                hi: alloc.demand[d][i].max(0.0),
                cost: 0.0,
            });
        }
    }
    let flow = |a: usize, k: usize, i: usize| flow_var[a][k] + i;
    // Per provider and period: the flows that reach it.
    let mut into: Vec<Vec<Vec<usize>>> = vec![vec![Vec::new(); periods]; np];
    for (a, al) in m.allocations.iter().enumerate() {
        if optimal[a] {
            for (k, e) in al.entries.iter().enumerate() {
                for (i, v) in into[e.provider].iter_mut().enumerate() {
                    v.push(flow(a, k, i));
                }
            }
        }
    }

    // The symbolic values of what the allocation and the builds compute.
    let mut f = Forms {
        demand: alloc.demand.clone(),
        ..Forms::default()
    };
    for p in 0..np {
        let on = in_service(m, &s, p)?;
        let lifetime = match prop(p, PField::Lifetime) {
            Some(id) => value(id)?[0],
            None => f64::INFINITY,
        };
        let price: &[f64] = &alloc.price[p];
        let mut built = Vec::with_capacity(periods);
        let mut capacity = Vec::with_capacity(periods);
        let mut oldest = 0;
        for i in 0..periods {
            built.push(match build_var[p] {
                Some(b) => Aff::var(b + i, 1.0),
                None => Aff::constant(0.0),
            });
            let mut c = Aff::constant(alloc.capacity[p][i]);
            if let (Some(b), true) = (build_var[p], on[i]) {
                let y = tl.year_of(i) as f64;
                while oldest <= i && y - tl.year_of(oldest) as f64 >= lifetime {
                    oldest += 1;
                }
                c.terms = (oldest..=i).map(|s| (b + s, 1.0)).collect();
            }
            capacity.push(c);
        }
        let load: Vec<Aff> = (0..periods)
            .map(|i| Aff {
                c: alloc.load[p][i],
                terms: sorted_ones(&into[p][i]),
            })
            .collect();
        let commit = match prop(p, PField::Commit) {
            Some(id) => Some(value(id)?),
            None => None,
        };
        let (spend, idle) = match (&commit, into[p][0..].iter().any(|v| !v.is_empty())) {
            (Some(c), true) => {
                // Take-or-pay: spend = price × (commit + excess), excess ≥ load − commit.
                let e0 = lp.vars.len();
                let mut spend = Vec::with_capacity(periods);
                let mut idle = Vec::with_capacity(periods);
                for i in 0..periods {
                    lp.vars.push(Var {
                        lo: 0.0,
                        hi: f64::INFINITY,
                        cost: 0.0,
                    });
                    let mut terms: Vec<(usize, f64)> =
                        into[p][i].iter().map(|&v| (v, 1.0)).collect();
                    terms.push((e0 + i, -1.0));
                    lp.rows.push(Row {
                        terms,
                        sense: Sense::Le,
                        rhs: c[i] - alloc.load[p][i],
                    });
                    kinds.push(RowKind::Internal);
                    let k = price[i] * dt;
                    spend.push(Aff {
                        c: c[i] * k,
                        terms: if k == 0.0 {
                            Vec::new()
                        } else {
                            vec![(e0 + i, k)]
                        },
                    });
                    idle.push(
                        Aff::constant(c[i])
                            .add_scaled(&Aff::var(e0 + i, 1.0), 1.0)
                            .add_scaled(&load[i], -1.0),
                    );
                }
                (spend, idle)
            }
            _ => (
                (0..periods)
                    .map(|i| Aff {
                        c: alloc.spend[p][i],
                        terms: load[i]
                            .terms
                            .iter()
                            .map(|&(j, _)| (j, price[i] * dt))
                            .filter(|t| t.1 != 0.0)
                            .collect(),
                    })
                    .collect(),
                (0..periods)
                    .map(|i| Aff::constant(alloc.idle[p][i]))
                    .collect(),
            ),
        };
        let capex_spend: Vec<Aff> = match (build_var[p], prop(p, PField::Capex)) {
            (Some(b), Some(id)) => {
                let cx = value(id)?;
                (0..periods).map(|i| Aff::var(b + i, cx[i])).collect()
            }
            _ => (0..periods)
                .map(|i| Aff::constant(alloc.capex_spend[p][i]))
                .collect(),
        };
        let mut seen = Vec::new();
        let mut den = vec![0.0; periods];
        for &d in &alloc.listed[p] {
            if !seen.contains(&d) {
                seen.push(d);
                for (x, v) in den.iter_mut().zip(&alloc.demand[d]) {
                    *x += v;
                }
            }
        }
        f.built.push(built);
        f.capacity.push(capacity);
        f.load.push(load);
        f.spend.push(spend);
        f.idle.push(idle);
        f.capex_spend.push(capex_spend);
        f.listed_demand.push(den);
    }
    for (d, dem) in m.demands.iter().enumerate() {
        let a = dem.allocation.filter(|&a| optimal[a]);
        let (served, unmet, spend) = match a {
            Some(a) => {
                let al = &m.allocations[a];
                let u = unmet_var[a].unwrap_or(0);
                let mut served = Vec::with_capacity(periods);
                let mut spend = Vec::with_capacity(periods);
                for i in 0..periods {
                    let mut t: Vec<(usize, f64)> = (0..al.entries.len())
                        .map(|k| (flow(a, k, i), 1.0))
                        .collect();
                    t.sort_by_key(|x| x.0);
                    served.push(Aff { c: 0.0, terms: t });
                    let mut st: Vec<(usize, f64)> = al
                        .entries
                        .iter()
                        .enumerate()
                        .map(|(k, e)| (flow(a, k, i), alloc.price[e.provider][i] * dt))
                        .filter(|t| t.1 != 0.0)
                        .collect();
                    st.sort_by_key(|x| x.0);
                    spend.push(Aff { c: 0.0, terms: st });
                }
                let unmet = (0..periods).map(|i| Aff::var(u + i, 1.0)).collect();
                (served, unmet, spend)
            }
            None => (
                alloc.served[d].iter().map(|x| Aff::constant(*x)).collect(),
                alloc.unmet[d].iter().map(|x| Aff::constant(*x)).collect(),
                alloc.demand_spend[d]
                    .iter()
                    .map(|x| Aff::constant(*x))
                    .collect(),
            ),
        };
        f.served.push(served);
        f.unmet.push(unmet);
        f.demand_spend.push(spend);
    }
    for (&(p, d), v) in &alloc.pairs {
        f.pairs
            .insert((p, d), v.iter().map(|x| Aff::constant(*x)).collect());
    }
    for (a, al) in m.allocations.iter().enumerate() {
        if !optimal[a] {
            continue;
        }
        for (k, e) in al.entries.iter().enumerate() {
            let v = f
                .pairs
                .entry((e.provider, al.demand))
                .or_insert_with(|| vec![Aff::constant(0.0); periods]);
            for (i, x) in v.iter_mut().enumerate() {
                *x = x.add_scaled(&Aff::var(flow(a, k, i), 1.0), 1.0);
            }
        }
    }

    // Rows: every demand served or left unmet, capacity, rules, budgets.
    for (a, al) in m.allocations.iter().enumerate() {
        let Some(u) = unmet_var[a] else { continue };
        for i in 0..periods {
            let mut terms: Vec<(usize, f64)> = (0..al.entries.len())
                .map(|k| (flow(a, k, i), 1.0))
                .collect();
            terms.push((u + i, 1.0));
            lp.rows.push(Row {
                terms,
                sense: Sense::Eq,
                rhs: alloc.demand[al.demand][i].max(0.0),
            });
            kinds.push(RowKind::Internal);
        }
    }
    for p in 0..np {
        if into[p].iter().all(|v| v.is_empty()) {
            continue;
        }
        for i in 0..periods {
            let cap = &f.capacity[p][i];
            if !cap.c.is_finite() {
                continue;
            }
            let mut terms: Vec<(usize, f64)> = into[p][i].iter().map(|&v| (v, 1.0)).collect();
            terms.extend(cap.terms.iter().map(|&(j, a)| (j, -a)));
            lp.rows.push(Row {
                terms,
                sense: Sense::Le,
                rhs: cap.c - alloc.load[p][i],
            });
            kinds.push(RowKind::Capacity {
                provider: p,
                period: i,
            });
        }
    }
    let air = defs.alloc.clone();
    for (a, al) in m.allocations.iter().enumerate() {
        if !optimal[a] {
            continue;
        }
        for (r, rule) in al.rules.iter().enumerate() {
            let Some((ir, pct)) = air.rules.get(a).and_then(|v| v.get(r)) else {
                continue;
            };
            let v = ctx.eval(ir)?;
            if v.is_uncertain() {
                return Err(uncertain(ir.span));
            }
            let v = v.to_series(periods);
            for i in 0..periods {
                let want = alloc.demand[al.demand][i].max(0.0);
                lp.rows.push(Row {
                    terms: vec![(flow(a, rule.entry, i), 1.0)],
                    sense: match rule.op {
                        RuleOp::AtLeast => Sense::Ge,
                        RuleOp::AtMost => Sense::Le,
                        RuleOp::Exactly => Sense::Eq,
                    },
                    rhs: if *pct { v[i] * want } else { v[i] },
                });
                kinds.push(RowKind::Rule {
                    alloc: a,
                    rule: r,
                    period: i,
                });
            }
        }
        if let Some(ir) = air.budgets.get(a).and_then(|b| b.as_ref()) {
            let v = ctx.eval(ir)?;
            if v.is_uncertain() {
                return Err(uncertain(ir.span));
            }
            let b = v.to_series(periods);
            for i in 0..periods {
                let terms: Vec<(usize, f64)> = al
                    .entries
                    .iter()
                    .enumerate()
                    .map(|(k, e)| (flow(a, k, i), alloc.price[e.provider][i] * dt))
                    .filter(|t| t.1 != 0.0)
                    .collect();
                if terms.is_empty() {
                    continue;
                }
                lp.rows.push(Row {
                    terms,
                    sense: Sense::Le,
                    rhs: b[i].max(0.0),
                });
                kinds.push(RowKind::Budget {
                    alloc: a,
                    period: i,
                });
            }
        }
    }

    // The user's constraints and the objective, read symbolically.
    let mut reader = Reader::new(m, &s, &chosen, &f);
    for (c, ir) in pir.constraints.iter().enumerate() {
        let IrKind::Cmp(op, a, b) = &ir.kind else {
            continue;
        };
        let sense = match op {
            Cmp::Le | Cmp::Lt => Sense::Le,
            Cmp::Ge | Cmp::Gt => Sense::Ge,
            Cmp::Eq => Sense::Eq,
            Cmp::Ne => {
                return Err(EvalError::NotLinear {
                    what: "`!=` is not a constraint a linear program can hold".into(),
                    help: "write `<=`, `>=` or `==`".into(),
                    labels: vec![label(ir.span, "here")],
                });
            }
        };
        let la = reader.lin(a)?;
        let lb = reader.lin(b)?;
        let diff = la.zip(&lb, periods, |x, y| x.add_scaled(y, -1.0));
        let rows: Vec<(Option<usize>, &Aff)> = match &diff {
            Lin::Scalar(x) => vec![(None, x)],
            Lin::Series(v) => v.iter().enumerate().map(|(i, x)| (Some(i), x)).collect(),
        };
        for (period, x) in rows {
            if x.is_constant() {
                let holds = match sense {
                    Sense::Le => x.c <= 0.0,
                    Sense::Ge => x.c >= 0.0,
                    Sense::Eq => x.c == 0.0,
                };
                if !holds {
                    let when = period.map_or(String::new(), |i| format!(" in {}", tl.label(i)));
                    return Err(EvalError::PlanInfeasible {
                        detail: format!(
                            "this constraint does not depend on the plan and fails{when}"
                        ),
                        labels: vec![label(ir.span, "fails whatever the plan chooses")],
                    });
                }
                continue;
            }
            lp.rows.push(Row {
                terms: x.terms.clone(),
                sense,
                rhs: -x.c,
            });
            kinds.push(RowKind::User {
                constraint: c,
                period,
            });
        }
    }
    let objective = objective_form(&mut reader, &pir.objective, pir.discount.as_ref(), &s, m)?;
    drop(reader);

    // Serving first: the least unmet demand the constraints allow.
    let unmet_vars: Vec<usize> = unmet_var
        .iter()
        .flatten()
        .flat_map(|&u| u..u + periods)
        .collect();
    let total_want: f64 = unmet_vars.iter().map(|&u| lp.vars[u].hi).sum();
    let least_unmet = if unmet_vars.is_empty() {
        0.0
    } else {
        for &u in &unmet_vars {
            lp.vars[u].cost = 1.0;
        }
        let r = lp::solve_vertex(&lp);
        for &u in &unmet_vars {
            lp.vars[u].cost = 0.0;
        }
        match r {
            Ok(sol) => sol.objective.max(0.0),
            Err(e) => return Err(failure(m, def, &pir.constraints, &lp, &kinds, e)),
        }
    };
    if least_unmet <= 1e-9 * total_want.max(1.0) {
        for &u in &unmet_vars {
            lp.vars[u].hi = 0.0;
        }
    } else {
        lp.rows.push(Row {
            terms: unmet_vars.iter().map(|&u| (u, 1.0)).collect(),
            sense: Sense::Le,
            rhs: least_unmet * (1.0 + 1e-9) + 1e-9,
        });
        kinds.push(RowKind::Internal);
    }
    for &(j, a) in &objective.terms {
        lp.vars[j].cost += a;
    }
    let sol = match lp::solve(&lp) {
        Ok(s) => s,
        Err(e) => return Err(failure(m, def, &pir.constraints, &lp, &kinds, e)),
    };

    // The outcome.
    let mut built = vec![vec![0.0; periods]; np];
    for p in 0..np {
        if let Some(b) = build_var[p] {
            for i in 0..periods {
                built[p][i] = sol.x[b + i];
            }
        }
    }
    let flows = PlanFlows {
        flows: m
            .allocations
            .iter()
            .enumerate()
            .map(|(a, al)| match optimal[a] {
                true => (0..al.entries.len())
                    .map(|k| {
                        (0..periods)
                            .map(|i| sol.x[flow(a, k, i)].max(0.0))
                            .collect()
                    })
                    .collect(),
                false => Vec::new(),
            })
            .collect(),
    };
    let objective_value = sol.objective + objective.c;
    let shadow = shadows(m, &s, &pir, &kinds, &sol.duals, objective_value);
    Ok(PlanOutcome {
        built,
        flows,
        objective: objective_value,
        shadow,
    })
}

fn sorted_ones(v: &[usize]) -> Vec<(usize, f64)> {
    let mut t: Vec<(usize, f64)> = v.iter().map(|&j| (j, 1.0)).collect();
    t.sort_by_key(|x| x.0);
    t
}

/// Whether provider `p` is online in each period (a certain model).
fn in_service(m: &Model, w: &World, p: usize) -> R<Vec<bool>> {
    let tl = m
        .timeline
        .unwrap_or_else(|| crate::time::Timeline::yearly(0, -1));
    let prov = &m.providers[p];
    let pos = |f: PField| -> R<Option<f64>> {
        match prov.prop(f).filter(|&id| w.defs.ir[id].is_some()) {
            Some(id) => {
                let v = w.value(m, id)?;
                if v.is_uncertain() {
                    return Err(uncertain(m.nodes[id].span));
                }
                Ok(Some(tl.nearest_position(v.data()[0])))
            }
            None => Ok(None),
        }
    };
    let (on, off) = (pos(PField::Online)?, pos(PField::Retire)?);
    Ok((0..m.periods())
        .map(|i| {
            let fi = i as f64;
            !(on.is_some_and(|o| fi < o) || off.is_some_and(|r| fi >= r))
        })
        .collect())
}

/// The objective as one affine form: a series is summed over the periods
/// (discounted when asked); `sum(x)` with a discount discounts `x`.
fn objective_form(
    reader: &mut Reader,
    objective: &Ir,
    discount: Option<&Ir>,
    w: &World,
    m: &Model,
) -> R<Aff> {
    let periods = m.periods();
    let rate = match discount {
        Some(d) => {
            let v = Ctx::new(m, w).eval(d)?;
            if v.is_uncertain() {
                return Err(uncertain(d.span));
            }
            Some(v.data()[0])
        }
        None => None,
    };
    // `sum(x)` (over a range or all periods) with a discount discounts x.
    let (series_part, within) = match (&objective.kind, rate) {
        (
            IrKind::Call {
                f: Builtin::Sum,
                args,
                range,
            },
            Some(_),
        ) => (&args[0], range.clone().unwrap_or(0..periods)),
        _ => (objective, 0..periods),
    };
    let x = reader.lin(series_part)?;
    let weights: Vec<f64> = match rate {
        Some(r) => discount_weights(m, r),
        None => vec![1.0; periods],
    }
    .into_iter()
    .enumerate()
    .map(|(i, w)| if within.contains(&i) { w } else { 0.0 })
    .collect();
    match x {
        Lin::Scalar(a) if rate.is_none() => Ok(a),
        Lin::Scalar(_) => Err(decision(
            "a discount needs an objective that is a series, or the sum of one".into(),
            "write `minimize spend discount 8%` or `minimize sum(spend) discount 8%`",
            vec![label(objective.span, "one number, not a series")],
        )),
        Lin::Series(v) => Ok(super::linear::weighted_sum(v.iter().zip(weights))),
    }
}

/// An infeasible or unbounded plan as an error naming what is to blame.
fn failure(
    m: &Model,
    def: &crate::check::model::PlanDef,
    constraints: &[Ir],
    lp: &Lp,
    kinds: &[RowKind],
    e: LpError,
) -> EvalError {
    let tl = m
        .timeline
        .unwrap_or_else(|| crate::time::Timeline::yearly(0, -1));
    match e {
        LpError::Infeasible => {
            let candidates: Vec<usize> = kinds
                .iter()
                .enumerate()
                .filter(|(_, k)| !matches!(k, RowKind::Internal | RowKind::Capacity { .. }))
                .map(|(r, _)| r)
                .collect();
            let bad = lp::infeasible_subset(lp, &candidates);
            let mut labels: Vec<LabeledSpan> = Vec::new();
            let mut seen: Vec<(usize, usize)> = Vec::new();
            let mut periods: Vec<String> = Vec::new();
            for r in bad {
                let (span, key, period) = match &kinds[r] {
                    RowKind::User { constraint, period } => {
                        (constraints[*constraint].span, (0, *constraint), *period)
                    }
                    RowKind::Rule {
                        alloc,
                        rule,
                        period,
                    } => (
                        m.allocations[*alloc].rules[*rule].span,
                        (1, *alloc * 1000 + *rule),
                        Some(*period),
                    ),
                    RowKind::Budget { alloc, period } => (
                        m.allocations[*alloc]
                            .budget
                            .as_ref()
                            .map_or(m.allocations[*alloc].span, |b| b.span),
                        (2, *alloc),
                        Some(*period),
                    ),
                    _ => continue,
                };
                if let Some(i) = period {
                    let l = tl.label(i);
                    if !periods.contains(&l) {
                        periods.push(l);
                    }
                }
                if !seen.contains(&key) {
                    seen.push(key);
                    labels.push(label(span, "cannot hold with the others"));
                }
            }
            let when = match periods.as_slice() {
                [] => String::new(),
                [p] => format!(" in {p}"),
                ps => format!(" in {}", ps.join(", ")),
            };
            if labels.is_empty() {
                labels.push(label(def.span, "this plan"));
            }
            EvalError::PlanInfeasible {
                detail: format!("its constraints cannot all hold{when}"),
                labels,
            }
        }
        LpError::Unbounded => EvalError::PlanUnbounded {
            labels: vec![label(def.objective.span, "decreases without limit")],
        },
        LpError::Numerical(why) => decision(
            format!("the plan could not be solved: {why}"),
            "report this model as a bug; a simpler plan (fewer periods or constraints) may solve",
            vec![label(def.span, "this plan")],
        ),
    }
}

/// The constraints that bind, with what one more unit of each is worth.
fn shadows(
    m: &Model,
    w: &World,
    pir: &crate::check::model::PlanIr,
    kinds: &[RowKind],
    duals: &[f64],
    objective: f64,
) -> Vec<Shadow> {
    let tl = m
        .timeline
        .unwrap_or_else(|| crate::time::Timeline::yearly(0, -1));
    let defs = &w.defs;
    let obj = &pir.objective;
    let tiny = 1e-9 * objective.abs().max(1.0);
    let mut out = Vec::new();
    for (r, kind) in kinds.iter().enumerate() {
        let y = duals.get(r).copied().unwrap_or(0.0);
        let (text, period, dim, kind_of, hint, reference, scale) = match kind {
            RowKind::Internal => continue,
            RowKind::Capacity { provider, period } => {
                let id = m.providers[*provider].capacity;
                (
                    format!("capacity of {}", m.providers[*provider].name),
                    Some(*period),
                    defs.ty[id].dim,
                    Kind::Number,
                    defs.hint[id],
                    0.0,
                    1.0,
                )
            }
            RowKind::Rule {
                alloc,
                rule,
                period,
            } => {
                let al = &m.allocations[*alloc];
                let rd = &al.rules[*rule];
                let prov = &m.providers[al.entries[rd.entry].provider].name;
                let op = match rd.op {
                    RuleOp::AtLeast => ">=",
                    RuleOp::AtMost => "<=",
                    RuleOp::Exactly => "==",
                };
                let text = format!(
                    "{}: {prov} {op} {}",
                    m.demands[al.demand].name,
                    crate::fmt::expr_text(&rd.value)
                );
                let pct = defs
                    .alloc
                    .rules
                    .get(*alloc)
                    .and_then(|v| v.get(*rule))
                    .is_some_and(|r| r.1);
                let d = m.demands[al.demand].node;
                if pct {
                    let want = w
                        .value(m, d)
                        .map(|v| v.to_series(m.periods())[*period])
                        .unwrap_or(0.0);
                    (
                        text,
                        Some(*period),
                        Dim::NONE,
                        Kind::Percent,
                        Hint::default(),
                        0.0,
                        want,
                    )
                } else {
                    (
                        text,
                        Some(*period),
                        defs.ty[d].dim,
                        Kind::Number,
                        defs.hint[d],
                        0.0,
                        1.0,
                    )
                }
            }
            RowKind::Budget { alloc, period } => {
                let al = &m.allocations[*alloc];
                (
                    format!("budget of {}", m.demands[al.demand].name),
                    Some(*period),
                    Dim::base(crate::units::dim::MONEY),
                    Kind::Number,
                    Hint::default(),
                    0.0,
                    1.0,
                )
            }
            RowKind::User { constraint, period } => {
                let ir = &pir.constraints[*constraint];
                let text = m
                    .plan
                    .as_ref()
                    .and_then(|p| p.constraints.get(*constraint))
                    .map_or_else(String::new, crate::fmt::expr_text);
                let IrKind::Cmp(_, _, b) = &ir.kind else {
                    continue;
                };
                let reference = b.as_const().unwrap_or(0.0);
                (text, *period, b.ty.dim, b.ty.kind, b.hint, reference, 1.0)
            }
        };
        // d(objective) per unit of the bound as the user reads it.
        let per = y * scale;
        if per.abs() * step(dim, kind_of, hint, reference) <= tiny {
            continue;
        }
        let st = step(dim, kind_of, hint, reference);
        let one = if kind_of == Kind::Percent {
            "one more percentage point".to_string()
        } else {
            format!(
                "{} more",
                format_quantity(st, dim, Kind::Number, hint, &m.base_names)
            )
        };
        let amount = format_quantity(
            (per * st).abs(),
            obj.ty.dim,
            obj.ty.kind,
            obj.hint,
            &m.base_names,
        );
        let verb = if per < 0.0 { "save" } else { "cost" };
        let unit_dim = obj.ty.dim.per(dim).unwrap_or(Dim::NONE);
        out.push(Shadow {
            label: text,
            period: period.map(|i| tl.label(i)),
            value: per,
            dim: unit_dim,
            text: format!("{one} would {verb} {amount}"),
        });
    }
    out
}

/// The unit a shadow price is given per: one percentage point, one of the
/// value's display unit (1 GW), or one of the prefix the bound is in ($1B).
fn step(dim: Dim, kind: Kind, hint: Hint, reference: f64) -> f64 {
    if kind == Kind::Percent {
        return 0.01;
    }
    let power = crate::units::dim::POWER;
    if dim == Dim::base(power) {
        return POWER_UNITS[hint.power.map_or(3, usize::from)].1;
    }
    if dim.is_none() {
        return 1.0;
    }
    // One of the thousands-prefix the bound is written near: $1B beside $40B.
    let r = reference.abs();
    if r >= 1.0 && r.is_finite() {
        1000f64.powf((r.log10() / 3.0).floor())
    } else if dim == Dim::base(crate::units::dim::MONEY) {
        1e9
    } else {
        1.0
    }
}

/// `show plan`: the objective, the builds and the shadow prices.
#[derive(Clone, Debug, Default)]
pub struct PlanReport {
    pub title: String,
    pub objective_text: String,
    pub objective: Option<Value>,
    /// Period labels, and per buildable provider its builds.
    pub periods: Vec<String>,
    pub built: Vec<(String, Value)>,
    pub shadow: Vec<Shadow>,
}

pub fn report(m: &Model, w: &World, p: &PlanOutcome) -> PlanReport {
    let Some(def) = &m.plan else {
        return PlanReport::default();
    };
    let defs = &w.defs;
    let tl = m
        .timeline
        .unwrap_or_else(|| crate::time::Timeline::yearly(0, -1));
    let mut objective_text = format!("minimize {}", crate::fmt::expr_text(&def.objective));
    if let Some(d) = &def.discount {
        objective_text.push_str(&format!(" discount {}", crate::fmt::expr_text(d)));
    }
    let objective = defs.plan.as_ref().map(|pir| {
        Value::scalar(
            p.objective,
            Meta::of(pir.objective.ty.scalar(), pir.objective.hint),
        )
    });
    let mut built = Vec::new();
    for (i, prov) in m.providers.iter().enumerate() {
        if !m.has_prop(defs, i, PField::Build) {
            continue;
        }
        let id = prov.built;
        let data = p
            .built
            .get(i)
            .cloned()
            .unwrap_or_else(|| vec![0.0; m.periods()]);
        built.push((
            format!("{}.built", prov.name),
            Value::series(data, Meta::of(defs.ty[id], defs.hint[id])),
        ));
    }
    PlanReport {
        title: def.title.clone().unwrap_or_else(|| "plan".into()),
        objective_text,
        objective,
        periods: (0..m.periods()).map(|i| tl.label(i)).collect(),
        built,
        shadow: p.shadow.clone(),
    }
}

impl PlanReport {
    pub fn text(&self, m: &Model) -> String {
        let mut s = String::new();
        s.push_str(&self.title);
        s.push('\n');
        s.push_str(&format!("  {}\n", self.objective_text));
        if let Some(o) = &self.objective {
            s.push_str(&format!(
                "  objective: {}\n",
                format_quantity(o.data()[0], o.dim(), o.kind(), o.hint(), &m.base_names)
            ));
        }
        if !self.built.is_empty() {
            s.push('\n');
            let head = if m.period_unit() == "year" {
                "year"
            } else {
                "period"
            };
            let mut cols: Vec<Vec<String>> = vec![
                std::iter::once(head.to_string())
                    .chain(self.periods.iter().cloned())
                    .collect(),
            ];
            for (name, v) in &self.built {
                let reference = v.data().iter().fold(0.0f64, |a, b| a.max(b.abs()));
                let mut cells: Vec<String> = (0..self.periods.len())
                    .map(|i| {
                        crate::units::format::format_like(
                            v.at(i),
                            reference,
                            v.dim(),
                            v.kind(),
                            v.hint(),
                            &m.base_names,
                        )
                    })
                    .collect();
                crate::units::format::tidy_column(&mut cells);
                cols.push(std::iter::once(name.clone()).chain(cells).collect());
            }
            s.push_str(&table(&cols, 1));
        }
        if !self.shadow.is_empty() {
            s.push('\n');
            let mut c0 = vec!["constraint".to_string()];
            let mut c1 = vec!["period".to_string()];
            let mut c2 = vec!["shadow price".to_string()];
            for sh in &self.shadow {
                c0.push(sh.label.clone());
                c1.push(sh.period.clone().unwrap_or_default());
                c2.push(sh.text.clone());
            }
            s.push_str(&table(&[c0, c1, c2], 0));
        } else {
            s.push_str("\nno constraint binds\n");
        }
        s
    }

    pub fn json(&self, m: &Model) -> serde_json::Value {
        let si = |v: &Value| crate::report::si_unit(m, v);
        serde_json::json!({
            "kind": "plan",
            "title": self.title,
            "objective": self.objective.as_ref().map(|o| serde_json::json!({
                "text": self.objective_text,
                "value": o.data()[0],
                "unit": si(o),
            })),
            "periods": self.periods,
            "built": self.built.iter().map(|(name, v)| serde_json::json!({
                "label": name,
                "unit": si(v),
                "values": (0..self.periods.len()).map(|i| v.at(i)).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "shadow_prices": self.shadow.iter().map(|s| serde_json::json!({
                "constraint": s.label,
                "period": s.period,
                "value": s.value,
                "unit": m.base_names.si_unit(s.dim),
                "text": s.text,
            })).collect::<Vec<_>>(),
        })
    }

    /// Rows in the long CSV form: `scenario,label,period,value,unit`.
    pub fn csv(&self, m: &Model, scenario: &str) -> String {
        let field = |s: &str| {
            if s.contains([',', '"', '\n']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_string()
            }
        };
        let mut out = String::new();
        if let Some(o) = &self.objective {
            out.push_str(&format!(
                "{},plan objective,,{},{}\n",
                field(scenario),
                o.data()[0],
                field(&crate::report::si_unit(m, o))
            ));
        }
        for (name, v) in &self.built {
            let unit = crate::report::si_unit(m, v);
            for (i, p) in self.periods.iter().enumerate() {
                out.push_str(&format!(
                    "{},{},{},{},{}\n",
                    field(scenario),
                    field(name),
                    p,
                    v.at(i),
                    field(&unit)
                ));
            }
        }
        for s in &self.shadow {
            out.push_str(&format!(
                "{},{},{},{},{}\n",
                field(scenario),
                field(&format!("shadow price: {}", s.label)),
                s.period.clone().unwrap_or_default(),
                s.value,
                field(&m.base_names.si_unit(s.dim))
            ));
        }
        out
    }
}

/// Columns side by side; those from `right_from` on are right-aligned.
fn table(cols: &[Vec<String>], right_from: usize) -> String {
    let rows = cols.iter().map(|c| c.len()).max().unwrap_or(0);
    let widths: Vec<usize> = cols
        .iter()
        .map(|c| c.iter().map(|x| x.chars().count()).max().unwrap_or(0))
        .collect();
    let mut s = String::new();
    for r in 0..rows {
        let mut line = String::new();
        for (k, c) in cols.iter().enumerate() {
            let cell = c.get(r).map_or("", |x| x.as_str());
            if k > 0 {
                line.push_str("  ");
            }
            let pad = widths[k] - cell.chars().count();
            if k >= right_from && k > 0 {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            }
        }
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}
