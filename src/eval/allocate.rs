//! Allocation: who serves each demand, year by year — `priority` (fill in
//! list order), `cost` (merit order, cheapest first) and `share` — with the
//! allocations drawing on providers' remaining capacity in file order.

use super::error::EvalError;
use super::expr::{Ctx, R};
use super::value::Value;
use crate::check::{NodeKind, PolicyKind};
use crate::span::Span;
use crate::syntax::ast::{Expr, ExprKind, Ident};
use crate::units::dim::MONEY;
use crate::units::format::{Hint, Kind};
use crate::units::{Dim, format_quantity};

/// The outcome of every `allocate`, as flat per-year buffers.
#[derive(Clone, Debug, Default)]
pub struct AllocResult {
    /// Monte Carlo samples per year: every buffer has `years × samples` lanes.
    pub samples: usize,
    /// Per provider: what its load is measured in.
    pub provider_dim: Vec<Dim>,
    pub provider_hint: Vec<Hint>,
    /// Effective capacity (zero before `online`, from `retire` on); `None` = unlimited.
    pub capacity: Vec<Option<Vec<f64>>>,
    pub price: Vec<Vec<f64>>,
    pub price_hint: Vec<Hint>,
    pub load: Vec<Vec<f64>>,
    pub spend: Vec<Vec<f64>>,
    /// Per demand.
    pub demand_dim: Vec<Dim>,
    pub demand_hint: Vec<Hint>,
    pub demand: Vec<Vec<f64>>,
    pub served: Vec<Vec<f64>>,
    pub unmet: Vec<Vec<f64>>,
    pub demand_spend: Vec<Vec<f64>>,
    /// `(provider, demand, load per year)` for every pair an allocation lists.
    pub pairs: Vec<(usize, usize, Vec<f64>)>,
}

impl AllocResult {
    pub fn pair(&self, p: usize, d: usize) -> Option<&[f64]> {
        self.pairs
            .iter()
            .find(|(pp, dd, _)| *pp == p && *dd == d)
            .map(|x| x.2.as_slice())
    }

    /// The demands whose allocation lists provider `p`.
    pub fn demands_of(&self, p: usize) -> impl Iterator<Item = usize> + '_ {
        self.pairs.iter().filter(move |x| x.0 == p).map(|x| x.1)
    }
}

fn year_prop(ctx: &Ctx, p: usize, id: usize, prop: &str) -> R<Option<i64>> {
    let node = &ctx.m.nodes[id];
    let Some(expr) = ctx.w.expr(ctx.m, id) else {
        return Ok(None);
    };
    let v = ctx.w.value(id)?;
    let x = v.data[0];
    if v.series || !v.dim.is_none() || v.is_bool() || x.fract() != 0.0 || !x.is_finite() {
        return Err(EvalError::NotAYear {
            provider: ctx.m.providers[p].name.clone(),
            prop: prop.to_string(),
            found: if v.series {
                "a series".into()
            } else {
                format_quantity(x, v.dim, v.kind, v.hint, &ctx.m.base_names)
            },
            span: expr.span,
        });
    }
    let _ = node;
    Ok(Some(x as i64))
}

/// Computes every allocation. Called once per scenario, after the demands
/// and provider properties it reads.
pub fn compute(ctx: &Ctx) -> R<AllocResult> {
    let m = ctx.m;
    let years = ctx.years();
    let start = ctx.start();
    let np = m.providers.len();
    let mut r = AllocResult::default();
    if m.timeline.is_none() {
        if let Some(d) = m.demands.first() {
            return Err(EvalError::NoTimeline { span: d.span });
        }
        if let Some(p) = m.providers.first() {
            return Err(EvalError::NoTimeline { span: p.span });
        }
        return Ok(r);
    }
    // Uncertain inputs make the allocation run once per sample: every
    // buffer below has a lane per year and sample (year-major).
    let node_samples = |id: usize| ctx.w.values[id].as_ref().map_or(1, |v| v.samples);
    let mut samples = 1;
    for p in &m.providers {
        samples = samples
            .max(node_samples(p.capacity))
            .max(node_samples(p.price));
    }
    for d in &m.demands {
        samples = samples.max(node_samples(d.node));
    }
    let share_values: Vec<Vec<Option<Value>>> = m
        .allocations
        .iter()
        .map(|a| {
            a.entries
                .iter()
                .map(|e| match &e.share {
                    None => Ok(None),
                    Some(x) => {
                        let v = ctx.unmasked().eval(x)?;
                        if !v.dim.is_none() || v.is_bool() || v.kind == Kind::Year {
                            return Err(EvalError::Type {
                                expected: "a share (a percentage)".into(),
                                found: ctx.label(&v),
                                span: x.span,
                                help: Some("write a share as a percentage: `40%`".into()),
                            });
                        }
                        Ok(Some(v))
                    }
                })
                .collect::<R<Vec<_>>>()
        })
        .collect::<R<_>>()?;
    for v in share_values.iter().flatten().flatten() {
        samples = samples.max(v.samples);
    }
    let lanes = years * samples;
    r.samples = samples;
    for (pi, p) in m.providers.iter().enumerate() {
        let online = year_prop(ctx, pi, p.online, "online")?;
        let retire = year_prop(ctx, pi, p.retire, "retire")?;
        let cap = match ctx.w.expr(m, p.capacity) {
            None => None,
            Some(e) => {
                let v = ctx.w.value(p.capacity)?;
                ctx.number(&v, e.span)?;
                let mut data = v.lanes(years, samples);
                for (i, c) in data.iter_mut().enumerate() {
                    let y = start + (i / samples) as i64;
                    if *c < 0.0 {
                        return Err(EvalError::Negative {
                            what: "capacity",
                            name: p.name.clone(),
                            year: y,
                            value: format_quantity(*c, v.dim, v.kind, v.hint, &m.base_names),
                            span: e.span,
                        });
                    }
                    if online.is_some_and(|o| y < o) || retire.is_some_and(|rt| y >= rt) {
                        *c = 0.0;
                    }
                }
                Some((data, v.dim, v.hint))
            }
        };
        let price = match ctx.w.expr(m, p.price) {
            None => None,
            Some(e) => {
                let v = ctx.w.value(p.price)?;
                ctx.number(&v, e.span)?;
                Some((v.lanes(years, samples), v.dim, v.hint))
            }
        };
        // What the load is measured in: the capacity's dimension, else the
        // unit the price is per.
        let dim = match (&cap, &price) {
            (Some(c), _) => c.1,
            (None, Some(pr)) => Dim::base(MONEY).per(pr.1).unwrap_or(Dim::NONE),
            _ => Dim::NONE,
        };
        r.provider_dim.push(dim);
        r.provider_hint
            .push(cap.as_ref().map_or(Hint::default(), |c| c.2));
        r.price_hint
            .push(price.as_ref().map_or(Hint::default(), |p| p.2));
        r.capacity.push(cap.map(|c| c.0));
        r.price
            .push(price.map_or_else(|| vec![0.0; lanes], |p| p.0));
        r.load.push(vec![0.0; lanes]);
        r.spend.push(vec![0.0; lanes]);
    }
    for d in &m.demands {
        let v = ctx.w.value(d.node)?;
        r.demand_dim.push(v.dim);
        r.demand_hint.push(v.hint);
        r.demand.push(v.lanes(years, samples));
    }
    r.served = vec![vec![0.0; lanes]; m.demands.len()];
    r.demand_spend = vec![vec![0.0; lanes]; m.demands.len()];
    r.unmet = r.demand.clone();
    let mut remaining: Vec<Option<Vec<f64>>> = r.capacity.clone();
    let label =
        |dim: Dim, hint: Hint| crate::units::unit_label(dim, Kind::Number, hint, &m.base_names);

    for (ai, a) in m.allocations.iter().enumerate() {
        let d = a.demand;
        let dd = r.demand_dim[d];
        for e in &a.entries {
            let p = &m.providers[e.provider];
            if r.capacity[e.provider].is_some() && r.provider_dim[e.provider] != dd {
                let span = ctx.w.expr(m, p.capacity).map_or(p.span, |x| x.span);
                return Err(EvalError::CapacityDims {
                    provider: p.name.clone(),
                    capacity: label(r.provider_dim[e.provider], r.provider_hint[e.provider]),
                    demand: m.demands[d].name.clone(),
                    demand_unit: label(dd, r.demand_hint[d]),
                    span,
                    use_span: e.span,
                });
            }
            if let Some(pe) = ctx.w.expr(m, p.price) {
                let pd = ctx.w.value(p.price)?.dim;
                if Dim::base(MONEY).per(dd) != Some(pd) {
                    return Err(EvalError::PriceDims {
                        provider: p.name.clone(),
                        found: label(pd, r.price_hint[e.provider]),
                        demand: m.demands[d].name.clone(),
                        demand_unit: label(dd, r.demand_hint[d]),
                        span: pe.span,
                        use_span: e.span,
                    });
                }
            }
            r.provider_dim[e.provider] = dd;
            if r.provider_hint[e.provider] == Hint::default() {
                r.provider_hint[e.provider] = r.demand_hint[d];
            }
        }
        let shares: Vec<Option<Vec<f64>>> = share_values[ai]
            .iter()
            .map(|v| v.as_ref().map(|v| v.lanes(years, samples)))
            .collect();
        if a.policy == PolicyKind::Share {
            for i in 0..lanes {
                let total: f64 = shares.iter().flatten().map(|s| s[i]).sum();
                if total > 1.0 + 1e-9 {
                    return Err(EvalError::ShareOver {
                        demand: m.demands[d].name.clone(),
                        year: start + (i / samples) as i64,
                        total: format!(
                            "{}%",
                            crate::units::format::fmt_sig(total * 100.0, 4, true)
                        ),
                        span: a.span,
                    });
                }
                if let Some((k, s)) = shares
                    .iter()
                    .enumerate()
                    .find_map(|(k, s)| s.as_ref().filter(|s| s[i] < 0.0).map(|s| (k, s)))
                {
                    let _ = s;
                    return Err(EvalError::Negative {
                        what: "share",
                        name: m.providers[a.entries[k].provider].name.clone(),
                        year: start + (i / samples) as i64,
                        value: format!(
                            "{}%",
                            crate::units::format::fmt_sig(
                                shares[k].as_ref().map_or(0.0, |s| s[i]) * 100.0,
                                4,
                                true
                            )
                        ),
                        span: a.entries[k].share.as_ref().map_or(a.span, |x| x.span),
                    });
                }
            }
        }
        let n = a.entries.len();
        let mut loads = vec![vec![0.0; lanes]; n];
        let mut order: Vec<usize> = (0..n).collect();
        let mut keyed: Vec<(f64, usize)> = Vec::with_capacity(n);
        for i in 0..lanes {
            let want = r.demand[d][i];
            let mut left = want;
            let mut take = |k: usize, amount: f64, remaining: &mut Vec<Option<Vec<f64>>>| -> f64 {
                let p = a.entries[k].provider;
                let t = match &mut remaining[p] {
                    Some(rem) => {
                        let t = amount.min(rem[i]).max(0.0);
                        rem[i] -= t;
                        t
                    }
                    None => amount.max(0.0),
                };
                loads[k][i] += t;
                t
            };
            match a.policy {
                PolicyKind::Priority | PolicyKind::Cost => {
                    if a.policy == PolicyKind::Cost {
                        // Merit order: cheapest first, ties in list order —
                        // sorting (price, position) pairs, fresh every lane.
                        keyed.clear();
                        keyed.extend(
                            a.entries
                                .iter()
                                .enumerate()
                                .map(|(k, e)| (r.price[e.provider][i], k)),
                        );
                        keyed.sort_unstable_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
                        order.clear();
                        order.extend(keyed.iter().map(|x| x.1));
                    }
                    for &k in &order {
                        if left <= 0.0 {
                            break;
                        }
                        left -= take(k, left, &mut remaining);
                    }
                }
                PolicyKind::Share => {
                    for (k, share) in shares.iter().enumerate() {
                        if let Some(s) = share {
                            left -= take(k, s[i] * want, &mut remaining);
                        }
                    }
                    if let Some(k) = a.entries.iter().position(|e| e.rest) {
                        left -= take(k, left, &mut remaining);
                    }
                }
            }
            // Rounding can leave a hair of demand; it is not a shortfall.
            if left.abs() <= 1e-12 * want.abs() {
                left = 0.0;
            }
            r.unmet[d][i] = left.max(0.0);
            r.served[d][i] = want - r.unmet[d][i];
        }
        for (k, e) in a.entries.iter().enumerate() {
            let p = e.provider;
            // Several buffers advance together: an index reads best.
            #[allow(clippy::needless_range_loop)]
            for i in 0..lanes {
                let cost = loads[k][i] * r.price[p][i];
                r.load[p][i] += loads[k][i];
                r.spend[p][i] += cost;
                r.demand_spend[d][i] += cost;
            }
            r.pairs.push((p, d, std::mem::take(&mut loads[k])));
        }
    }
    let _ = np;
    Ok(r)
}

/// The series `show P` and `scn export` give a provider, in order: capacity,
/// utilization and headroom only when its capacity is limited.
pub fn provider_series(limited: bool) -> &'static [&'static str] {
    if limited {
        &[
            "capacity",
            "load",
            "utilization",
            "headroom",
            "price",
            "spend",
        ]
    } else {
        &["load", "price", "spend"]
    }
}

/// A series read from the allocation: one number per year and sample.
fn lanes_value(a: &AllocResult, data: Vec<f64>, dim: Dim) -> Value {
    Value {
        samples: a.samples.max(1),
        ..Value::series(data, dim)
    }
}

fn alloc<'a>(ctx: &'a Ctx) -> R<&'a AllocResult> {
    ctx.w.alloc.as_deref().ok_or(EvalError::Skipped)
}

fn money() -> Dim {
    Dim::base(MONEY)
}

/// `P.prop` for a provider: its own properties and the allocation's results.
pub fn provider_field(ctx: &Ctx, p: usize, field: &str, span: Span) -> R<Value> {
    let prov = &ctx.m.providers[p];
    let missing = |what: &str, help: &str| EvalError::Missing {
        provider: prov.name.clone(),
        what: what.into(),
        span,
        help: Some(help.into()),
    };
    match field {
        "load" | "spend" | "utilization" | "headroom" | "capacity" => {
            let a = alloc(ctx)?;
            let dim = a.provider_dim[p];
            let hint = a.provider_hint[p];
            let cap = a.capacity[p].as_ref();
            let unlimited = || {
                missing(
                    "no capacity limit",
                    "a provider without `capacity` is unlimited, so this is not defined",
                )
            };
            Ok(match field {
                "load" => lanes_value(a, a.load[p].clone(), dim).with_hint(hint),
                "spend" => lanes_value(a, a.spend[p].clone(), money()),
                "capacity" => {
                    lanes_value(a, cap.ok_or_else(unlimited)?.clone(), dim).with_hint(hint)
                }
                "headroom" => {
                    let c = cap.ok_or_else(unlimited)?;
                    lanes_value(
                        a,
                        c.iter().zip(&a.load[p]).map(|(c, l)| c - l).collect(),
                        dim,
                    )
                    .with_hint(hint)
                }
                _ => {
                    let data = match cap {
                        None => vec![0.0; a.load[p].len()],
                        Some(c) => c
                            .iter()
                            .zip(&a.load[p])
                            .map(|(c, l)| if *c > 0.0 { l / c } else { 0.0 })
                            .collect(),
                    };
                    lanes_value(a, data, Dim::NONE).with_kind(Kind::Percent)
                }
            })
        }
        "price" => match ctx.w.expr(ctx.m, prov.price) {
            Some(_) => ctx.w.value(prov.price),
            None => {
                let a = alloc(ctx)?;
                let dim = money().per(a.provider_dim[p]).unwrap_or(money());
                Ok(lanes_value(
                    a,
                    vec![0.0; ctx.years() * a.samples.max(1)],
                    dim,
                ))
            }
        },
        other => {
            let Some(id) = prov.prop(other) else {
                return Err(EvalError::Skipped);
            };
            if ctx.w.expr(ctx.m, id).is_none() {
                return Err(missing(
                    &format!("no `{other}`"),
                    &format!("set it in the provider: `{other} = 2026`"),
                ));
            }
            debug_assert!(matches!(ctx.m.nodes[id].kind, NodeKind::Prop { .. }));
            ctx.w.value(id)
        }
    }
}

/// `D.served`, `D.unmet`, `D.spend`.
pub fn demand_field(ctx: &Ctx, d: usize, field: &str) -> R<Value> {
    let a = alloc(ctx)?;
    let (dim, hint) = (a.demand_dim[d], a.demand_hint[d]);
    Ok(match field {
        "served" => lanes_value(a, a.served[d].clone(), dim).with_hint(hint),
        "unmet" => lanes_value(a, a.unmet[d].clone(), dim).with_hint(hint),
        "spend" => lanes_value(a, a.demand_spend[d].clone(), money()),
        _ => return Err(EvalError::Skipped),
    })
}

/// `share(p)`: p's load over all demand allocated to it; `share(p, d)`: the
/// part of d that p serves. Zero where nothing is demanded.
pub fn share(ctx: &Ctx, func: &Ident, args: &[Expr], span: Span) -> R<Value> {
    let name_of = |e: &Expr| match &e.kind {
        ExprKind::Name(n) => Some(n.clone()),
        _ => None,
    };
    if args.is_empty() || args.len() > 2 {
        return Err(EvalError::BadArguments {
            func: func.name.clone(),
            problem: format!("takes 1 or 2 arguments, found {}", args.len()),
            span,
            help: Some("`share(provider)` or `share(provider, demand)`".into()),
        });
    }
    let p = match name_of(&args[0]).and_then(|n| ctx.m.lookup(&n)) {
        Some(crate::check::Sym::Provider(p)) => p,
        _ => return Err(EvalError::Skipped),
    };
    let a = alloc(ctx)?;
    let lanes = ctx.years() * a.samples.max(1);
    let ratio = |num: &[f64], den: &[f64]| -> Vec<f64> {
        num.iter()
            .zip(den)
            .map(|(n, d)| if *d > 0.0 { n / d } else { 0.0 })
            .collect()
    };
    let data = match args.get(1) {
        None => {
            let mut den = vec![0.0; lanes];
            for d in a.demands_of(p) {
                for (x, v) in den.iter_mut().zip(&a.demand[d]) {
                    *x += v;
                }
            }
            ratio(&a.load[p], &den)
        }
        Some(e) => {
            let d = match name_of(e).and_then(|n| ctx.m.lookup(&n)) {
                Some(crate::check::Sym::Demand(d)) => d,
                _ => return Err(EvalError::Skipped),
            };
            match a.pair(p, d) {
                Some(l) => ratio(l, &a.demand[d]),
                None => vec![0.0; lanes],
            }
        }
    };
    Ok(lanes_value(a, data, Dim::NONE).with_kind(Kind::Percent))
}
