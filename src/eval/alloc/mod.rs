//! Allocation: who serves each demand, in every period and sample. The
//! policies that decide in turn (`priority`, `cost`, `share`) run in file
//! order, each drawing on what earlier ones left; then every `by optimal`
//! allocation of the lane is solved together as one linear program on the
//! capacity that remains. The results are flat per-lane buffers; only the
//! provider–demand pairs that carry load are stored.

mod cost;
mod optimal;
mod priority;
mod share;

use std::collections::HashMap;

use super::error::EvalError;
use super::expr::{Ctx, R};
use super::value::{Meta, Value};
use crate::check::ir::ProviderRead;
use crate::check::vocab::{DField, PField, PolicyKind};
use crate::units::format_quantity;

pub use optimal::PlanFlows;

/// What one lane (a period and a sample) has left while it is allocated.
pub struct Lane<'a> {
    pub i: usize,
    pub dt: f64,
    /// Per provider: capacity left (+∞ when unlimited).
    pub remaining: &'a mut [f64],
    /// Per provider: commitment already paid for and not yet used.
    pub committed: &'a mut [f64],
    pub price: &'a [Vec<f64>],
}

impl Lane<'_> {
    /// Takes up to `amount` from provider `p`: committed capacity first
    /// (already paid), then paid capacity within what `budget` still allows.
    /// Returns what was taken.
    pub fn take(&mut self, p: usize, amount: f64, budget: &mut f64) -> f64 {
        let free = self.take_committed(p, amount);
        free + self.take_paid(p, amount - free, budget)
    }

    /// Takes up to `amount` of provider `p`'s unused commitment (free).
    pub fn take_committed(&mut self, p: usize, amount: f64) -> f64 {
        let free = amount
            .max(0.0)
            .min(self.remaining[p])
            .min(self.committed[p]);
        self.committed[p] -= free;
        self.remaining[p] -= free;
        free
    }

    /// Takes up to `amount` of provider `p`'s capacity beyond its
    /// commitment, within what `budget` still allows.
    pub fn take_paid(&mut self, p: usize, amount: f64, budget: &mut f64) -> f64 {
        let beyond = (self.remaining[p] - self.committed[p]).max(0.0);
        let left = amount.max(0.0).min(beyond);
        let price = self.price[p][self.i] * self.dt;
        let paid = if price > 0.0 && budget.is_finite() {
            left.min((*budget / price).max(0.0))
        } else {
            left
        };
        if price > 0.0 && budget.is_finite() {
            *budget -= paid * price;
        }
        self.remaining[p] -= paid;
        paid
    }
}

/// One allocation's request in one lane.
pub struct Job<'a> {
    /// The providers it may use, in the order written.
    pub providers: &'a [usize],
    pub want: f64,
    /// Money it may still spend in this period (+∞ without a budget).
    pub budget: f64,
    /// What each provider of the list serves (filled by the policy).
    pub takes: &'a mut [f64],
    /// `by share`: each entry's share (`None` for `rest`).
    pub shares: &'a [Option<f64>],
}

/// A policy that decides alone, in turn with the others: serves allocation
/// `list`'s request in one lane.
pub trait Policy {
    /// Called before each lane, to drop what was worked out for the last.
    fn new_lane(&mut self, _lane: &Lane) {}
    fn serve(&mut self, list: usize, lane: &mut Lane, job: &mut Job);
}

/// The outcome of every `allocate`, as flat per-lane buffers.
#[derive(Clone, Debug, Default)]
pub struct AllocResult {
    /// Monte Carlo samples: every buffer has `periods × samples` lanes.
    pub samples: usize,
    /// Per provider.
    pub capacity: Vec<Vec<f64>>,
    pub price: Vec<Vec<f64>>,
    pub load: Vec<Vec<f64>>,
    pub spend: Vec<Vec<f64>>,
    pub idle: Vec<Vec<f64>>,
    pub capex_spend: Vec<Vec<f64>>,
    /// Per demand.
    pub demand: Vec<Vec<f64>>,
    pub served: Vec<Vec<f64>>,
    pub unmet: Vec<Vec<f64>>,
    pub demand_spend: Vec<Vec<f64>>,
    /// `(provider, demand)` → load per lane, for pairs that carry load.
    pub pairs: HashMap<(usize, usize), Vec<f64>>,
    /// Per provider: the demands whose allocation lists it.
    pub listed: Vec<Vec<usize>>,
}

impl AllocResult {
    pub fn pair(&self, p: usize, d: usize) -> Option<&[f64]> {
        self.pairs.get(&(p, d)).map(|v| v.as_slice())
    }
}

fn lanes_of(v: &Value, periods: usize, samples: usize) -> Vec<f64> {
    v.lanes(periods, samples)
}

/// Computes every allocation of one world.
pub fn compute(ctx: &Ctx) -> R<AllocResult> {
    let m = ctx.m;
    let defs = &ctx.w.defs;
    let periods = ctx.periods();
    let dt = m.timeline.map_or(1.0, |t| t.dt());
    let np = m.providers.len();
    let nd = m.demands.len();
    // Uncertain inputs make the allocation run once per sample.
    let mut inputs: Vec<Value> = Vec::new();
    let mut caps = Vec::with_capacity(np);
    let mut prices = Vec::with_capacity(np);
    let mut commits: Vec<Option<Value>> = Vec::with_capacity(np);
    let mut capex: Vec<Option<Value>> = Vec::with_capacity(np);
    let mut built: Vec<Value> = Vec::with_capacity(np);
    for (p, prov) in m.providers.iter().enumerate() {
        caps.push(ctx.node(prov.capacity)?);
        prices.push(
            match prov.prop(PField::Price).filter(|&id| defs.ir[id].is_some()) {
                Some(id) => Some(ctx.node(id)?),
                None => None,
            },
        );
        commits.push(
            match prov
                .prop(PField::Commit)
                .filter(|&id| defs.ir[id].is_some())
            {
                Some(id) => Some(ctx.node(id)?),
                None => None,
            },
        );
        capex.push(
            match prov.prop(PField::Capex).filter(|&id| defs.ir[id].is_some()) {
                Some(id) => Some(ctx.node(id)?),
                None => None,
            },
        );
        built.push(ctx.node(prov.built)?);
        let _ = p;
    }
    let mut demands = Vec::with_capacity(nd);
    for d in &m.demands {
        demands.push(ctx.node(d.node)?);
    }
    let air = defs.alloc.clone();
    let mut shares: Vec<Vec<Option<Value>>> = Vec::new();
    let mut rules: Vec<Vec<(Value, bool)>> = Vec::new();
    let mut budgets: Vec<Option<Value>> = Vec::new();
    for (ai, _) in m.allocations.iter().enumerate() {
        let mut sv = Vec::new();
        for s in air.shares.get(ai).into_iter().flatten() {
            sv.push(match s {
                Some(ir) => Some(ctx.unmasked().eval(ir)?),
                None => None,
            });
        }
        shares.push(sv);
        let mut rv = Vec::new();
        for (ir, pct) in air.rules.get(ai).into_iter().flatten() {
            rv.push((ctx.unmasked().eval(ir)?, *pct));
        }
        rules.push(rv);
        budgets.push(match air.budgets.get(ai).and_then(|b| b.as_ref()) {
            Some(ir) => Some(ctx.unmasked().eval(ir)?),
            None => None,
        });
    }
    inputs.extend(caps.iter().cloned());
    inputs.extend(prices.iter().flatten().cloned());
    inputs.extend(commits.iter().flatten().cloned());
    inputs.extend(demands.iter().cloned());
    inputs.extend(shares.iter().flatten().flatten().cloned());
    inputs.extend(rules.iter().flatten().map(|r| r.0.clone()));
    inputs.extend(budgets.iter().flatten().cloned());
    let samples = inputs.iter().map(|v| v.samples()).max().unwrap_or(1);
    let lanes = periods * samples;
    let period_of = |i: usize| ctx.period_label(i / samples);

    let mut r = AllocResult {
        samples,
        ..AllocResult::default()
    };
    for p in 0..np {
        r.capacity.push(lanes_of(&caps[p], periods, samples));
        r.price.push(
            prices[p]
                .as_ref()
                .map_or_else(|| vec![0.0; lanes], |v| lanes_of(v, periods, samples)),
        );
    }
    let commit: Vec<Option<Vec<f64>>> = commits
        .iter()
        .map(|c| c.as_ref().map(|v| lanes_of(v, periods, samples)))
        .collect();
    for (p, c) in commit.iter().enumerate() {
        if let Some(c) = c
            && let Some(i) = c.iter().position(|x| *x < 0.0)
        {
            let prov = &m.providers[p];
            let id = prov.prop(PField::Commit).unwrap_or(prov.capacity);
            return Err(EvalError::Negative {
                what: "commitment",
                name: prov.name.clone(),
                period: period_of(i),
                value: format_quantity(
                    c[i],
                    defs.ty[id].dim,
                    defs.ty[id].kind,
                    defs.hint[id],
                    &m.base_names,
                ),
                span: m.nodes[id].expr.as_ref().map_or(prov.span, |e| e.span),
            });
        }
    }
    for d in &demands {
        r.demand.push(lanes_of(d, periods, samples));
    }
    r.served = vec![vec![0.0; lanes]; nd];
    r.demand_spend = vec![vec![0.0; lanes]; nd];
    r.unmet = r.demand.clone();
    r.load = vec![vec![0.0; lanes]; np];
    r.listed = vec![Vec::new(); np];
    for a in &m.allocations {
        for e in &a.entries {
            r.listed[e.provider].push(a.demand);
        }
    }
    // Shares above 100% (or below 0%) in some lane are an error.
    let share_lanes: Vec<Vec<Option<Vec<f64>>>> = shares
        .iter()
        .map(|sv| {
            sv.iter()
                .map(|s| s.as_ref().map(|v| lanes_of(v, periods, samples)))
                .collect()
        })
        .collect();
    for (ai, a) in m.allocations.iter().enumerate() {
        if a.policy != PolicyKind::Share {
            continue;
        }
        let sl = &share_lanes[ai];
        for i in 0..lanes {
            let total: f64 = sl.iter().flatten().map(|s| s[i]).sum();
            if total > 1.0 + 1e-9 {
                return Err(EvalError::ShareOver {
                    demand: m.demands[a.demand].name.clone(),
                    period: period_of(i),
                    total: format!("{}%", crate::units::format::fmt_sig(total * 100.0, 4, true)),
                    span: a.span,
                });
            }
            if let Some(k) = sl
                .iter()
                .position(|s| s.as_ref().is_some_and(|s| s[i] < 0.0))
            {
                return Err(EvalError::Negative {
                    what: "share",
                    name: m.providers[a.entries[k].provider].name.clone(),
                    period: period_of(i),
                    value: format!(
                        "{}%",
                        crate::units::format::fmt_sig(
                            sl[k].as_ref().map_or(0.0, |s| s[i]) * 100.0,
                            4,
                            true
                        )
                    ),
                    span: a.entries[k].share.as_ref().map_or(a.span, |x| x.span),
                });
            }
        }
    }
    let rule_lanes: Vec<Vec<(Vec<f64>, bool)>> = rules
        .iter()
        .map(|rv| {
            rv.iter()
                .map(|(v, pct)| (lanes_of(v, periods, samples), *pct))
                .collect()
        })
        .collect();
    let budget_lanes: Vec<Option<Vec<f64>>> = budgets
        .iter()
        .map(|b| b.as_ref().map(|v| lanes_of(v, periods, samples)))
        .collect();

    // The lists of every allocation, and the policies that decide in turn.
    let lists: Vec<Vec<usize>> = m
        .allocations
        .iter()
        .map(|a| a.entries.iter().map(|e| e.provider).collect())
        .collect();
    let mut cost = cost::Cost::new(&lists);
    let mut prio = priority::Priority::new(&lists);
    let mut by_share = share::Share;
    let optimal_ids: Vec<usize> = (0..m.allocations.len())
        .filter(|&a| m.allocations[a].policy == PolicyKind::Optimal)
        .collect();
    let mut lp = optimal::Joint::new(m, &optimal_ids, ctx.w.plan_flows());

    let mut remaining = vec![0.0; np];
    let mut committed = vec![0.0; np];
    let mut takes: Vec<Vec<f64>> = lists.iter().map(|l| vec![0.0; l.len()]).collect();
    for i in 0..lanes {
        for p in 0..np {
            remaining[p] = r.capacity[p][i];
            committed[p] = commit[p].as_ref().map_or(0.0, |c| c[i].min(remaining[p]));
        }
        let mut lane = Lane {
            i,
            dt,
            remaining: &mut remaining,
            committed: &mut committed,
            price: &r.price,
        };
        cost.new_lane(&lane);
        prio.new_lane(&lane);
        for (ai, a) in m.allocations.iter().enumerate() {
            if a.policy == PolicyKind::Optimal {
                continue;
            }
            let d = a.demand;
            let want = r.demand[d][i];
            let t = &mut takes[ai];
            t.iter_mut().for_each(|x| *x = 0.0);
            let share_vals: Vec<Option<f64>> = share_lanes[ai]
                .iter()
                .map(|s| s.as_ref().map(|s| s[i]))
                .collect();
            let mut job = Job {
                providers: &lists[ai],
                want,
                budget: budget_lanes[ai].as_ref().map_or(f64::INFINITY, |b| b[i]),
                takes: t,
                shares: &share_vals,
            };
            let policy: &mut dyn Policy = match a.policy {
                PolicyKind::Priority => &mut prio,
                PolicyKind::Cost => &mut cost,
                PolicyKind::Share => &mut by_share,
                PolicyKind::Optimal => unreachable!("solved below"),
            };
            policy.serve(ai, &mut lane, &mut job);
        }
        if !optimal_ids.is_empty() {
            lp.solve_lane(
                &mut lane,
                &r.demand,
                &rule_lanes,
                &budget_lanes,
                &commit,
                &mut takes,
                samples,
                ctx,
            )?;
        }
        // Book what each pair served.
        for (ai, a) in m.allocations.iter().enumerate() {
            let d = a.demand;
            let want = r.demand[d][i];
            let mut served = 0.0;
            for (k, &p) in lists[ai].iter().enumerate() {
                let x = takes[ai][k];
                if x == 0.0 {
                    continue;
                }
                served += x;
                r.load[p][i] += x;
                r.demand_spend[d][i] += x * r.price[p][i] * dt;
                r.pairs.entry((p, d)).or_insert_with(|| vec![0.0; lanes])[i] += x;
            }
            let mut left = want - served;
            // Rounding can leave a hair of demand; it is not a shortfall.
            if left.abs() <= 1e-12 * want.abs().max(1.0) {
                left = 0.0;
            }
            r.unmet[d][i] = left.max(0.0);
            r.served[d][i] = want - r.unmet[d][i];
        }
    }
    for p in 0..np {
        let c = commit[p].as_deref();
        let mut spend = vec![0.0; lanes];
        let mut idle = vec![0.0; lanes];
        for i in 0..lanes {
            let l = r.load[p][i];
            let cm = c.map_or(0.0, |c| c[i]);
            spend[i] = l.max(cm) * r.price[p][i] * dt;
            idle[i] = (cm - l).max(0.0);
        }
        r.spend.push(spend);
        r.idle.push(idle);
        let b = built[p].lanes(periods, samples);
        let cx = capex[p].as_ref().map(|v| v.lanes(periods, samples));
        r.capex_spend.push(match cx {
            Some(cx) => b.iter().zip(&cx).map(|(b, c)| b * c).collect(),
            None => vec![0.0; lanes],
        });
    }
    Ok(r)
}

fn result<'a>(ctx: &'a Ctx) -> R<&'a AllocResult> {
    ctx.w
        .alloc
        .as_deref()
        .ok_or_else(|| EvalError::Skipped("the allocation".into()))
}

fn series(a: &AllocResult, meta: Meta, data: Vec<f64>) -> Value {
    Value::from_rows(meta, true, a.samples.max(1), data)
}

/// `P.load`, `P.spend`, … for a provider.
pub fn provider_read(ctx: &Ctx, p: usize, read: ProviderRead, meta: Meta) -> R<Value> {
    let a = result(ctx)?;
    let cap = &a.capacity[p];
    let load = &a.load[p];
    Ok(match read {
        ProviderRead::Load => series(a, meta, load.clone()),
        ProviderRead::Spend => series(a, meta, a.spend[p].clone()),
        ProviderRead::Idle => series(a, meta, a.idle[p].clone()),
        ProviderRead::CapexSpend => series(a, meta, a.capex_spend[p].clone()),
        ProviderRead::Headroom => series(
            a,
            meta,
            cap.iter()
                .zip(load)
                .map(|(c, l)| if c.is_finite() { c - l } else { 0.0 })
                .collect(),
        ),
        ProviderRead::Utilization => series(
            a,
            meta,
            cap.iter()
                .zip(load)
                .map(|(c, l)| {
                    if c.is_finite() && *c > 0.0 {
                        l / c
                    } else {
                        0.0
                    }
                })
                .collect(),
        ),
    })
}

/// `D.served`, `D.unmet`, `D.spend`.
pub fn demand_read(ctx: &Ctx, d: usize, f: DField, meta: Meta) -> R<Value> {
    let a = result(ctx)?;
    Ok(match f {
        DField::Served => series(a, meta, a.served[d].clone()),
        DField::Unmet => series(a, meta, a.unmet[d].clone()),
        DField::Spend => series(a, meta, a.demand_spend[d].clone()),
    })
}

/// `share(p)`: p's load over all demand allocated to it; `share(p, d)`: the
/// part of d that p serves. Zero where nothing is demanded.
pub fn share(ctx: &Ctx, p: usize, d: Option<usize>, meta: Meta) -> R<Value> {
    let a = result(ctx)?;
    let lanes = a.load[p].len();
    let ratio = |num: &[f64], den: &[f64]| -> Vec<f64> {
        num.iter()
            .zip(den)
            .map(|(n, d)| if *d > 0.0 { n / d } else { 0.0 })
            .collect()
    };
    let data = match d {
        None => {
            let mut den = vec![0.0; lanes];
            let mut seen = Vec::new();
            for &d in &a.listed[p] {
                if seen.contains(&d) {
                    continue;
                }
                seen.push(d);
                for (x, v) in den.iter_mut().zip(&a.demand[d]) {
                    *x += v;
                }
            }
            ratio(&a.load[p], &den)
        }
        Some(d) => match a.pair(p, d) {
            Some(l) => ratio(l, &a.demand[d]),
            None => vec![0.0; lanes],
        },
    };
    Ok(series(a, meta, data))
}

/// The series `show P` and `scn export` give a provider, in order.
pub fn provider_series(limited: bool, commit: bool, build: bool) -> Vec<&'static str> {
    let mut v = Vec::new();
    if limited {
        v.push("capacity");
    }
    v.push("load");
    if limited {
        v.extend(["utilization", "headroom"]);
    }
    v.push("price");
    v.push("spend");
    if commit {
        v.push("idle");
    }
    if build {
        v.extend(["built", "capex_spend"]);
    }
    v
}
