//! The typed definitions of every node, for the base model and for each
//! scenario: dependencies, evaluation order, cycles, and each node lowered
//! with the types of what it reads. A scenario starts from the base and
//! lowers again only what its overrides reach, so an error that only one
//! scenario causes is found, and named by it.

use std::collections::HashMap;
use std::sync::Arc;

use miette::LabeledSpan;

use super::error::{CheckError, InScenario};
use super::graph::{downstream, topo_order, upstream};
use super::ir::{Ir, IrKind, NodeId};
use super::lower::{Fail, Lowerer, R};
use super::model::*;
use super::resolve;
use super::types::Type;
use super::vocab::PField;
use crate::error::ScnError;
use crate::span::Span;
use crate::syntax::ast::Expr;
use crate::units::dim::MONEY;
use crate::units::format::{Hint, Kind};
use crate::units::{Dim, unit_label};

/// A definition's problems: for the base (plain) or a scenario (named).
pub struct Problems<'a> {
    pub scenario: Option<&'a str>,
    pub errors: &'a mut Vec<ScnError>,
}

impl Problems<'_> {
    pub fn push(&mut self, e: CheckError) {
        self.errors.push(match self.scenario {
            None => ScnError::Check(e),
            Some(s) => ScnError::CheckIn(InScenario {
                scenario: s.to_string(),
                inner: e,
            }),
        });
    }

    fn fail(&mut self, f: Fail) {
        match f {
            Fail::Error(e) => self.push(e),
            Fail::Many(es) => es.into_iter().for_each(|e| self.push(e)),
            Fail::Broken => {}
        }
    }
}

/// What each node reads, as written in the file: name errors reported.
pub fn base_deps(m: &Model, problems: &mut Problems) -> (Vec<Arc<Vec<NodeId>>>, Vec<bool>) {
    let n = m.nodes.len();
    let mut deps: Vec<Arc<Vec<NodeId>>> = Vec::with_capacity(n);
    let mut broken = vec![false; n];
    for (id, node) in m.nodes.iter().enumerate() {
        let mut d = Vec::new();
        let mut errors = Vec::new();
        let own = matches!(
            node.kind,
            NodeKind::Let | NodeKind::Demand(_) | NodeKind::Unit { .. }
        )
        .then_some(node.name.as_str());
        for e in node.expr.iter().chain(node.upper.iter()) {
            resolve::deps(m, node.scope, e, own, &mut d, &mut errors);
        }
        structural_deps(m, id, &mut d, &mut errors);
        if !errors.is_empty() {
            broken[id] = true;
            errors.into_iter().for_each(|e| problems.push(e));
        }
        d.sort_unstable();
        d.dedup();
        deps.push(Arc::new(d));
    }
    (deps, broken)
}

/// The edges a node has by what it is, not by what is written in it.
fn structural_deps(m: &Model, id: NodeId, d: &mut Vec<NodeId>, errors: &mut Vec<CheckError>) {
    let node = &m.nodes[id];
    let plan = m.plan.as_ref().map(|p| p.node);
    match &node.kind {
        NodeKind::Capacity(p) => {
            let prov = &m.providers[*p];
            for f in [
                PField::Capacity,
                PField::Online,
                PField::Retire,
                PField::Lifetime,
            ] {
                d.extend(prov.prop(f));
            }
            d.push(prov.built);
        }
        NodeKind::Built(_) => d.extend(plan),
        NodeKind::Allocation => {
            d.extend(m.demands.iter().map(|x| x.node));
            for prov in &m.providers {
                d.push(prov.capacity);
                d.extend(prov.prop(PField::Price));
                d.extend(prov.prop(PField::Commit));
                d.extend(prov.prop(PField::Capex));
                d.push(prov.built);
            }
            for a in &m.allocations {
                for e in a.entries.iter().filter_map(|e| e.share.as_ref()) {
                    resolve::deps(m, a.scope, e, None, d, errors);
                }
                for r in &a.rules {
                    resolve::deps(m, a.scope, &r.value, None, d, errors);
                }
                if let Some(b) = &a.budget {
                    resolve::deps(m, a.scope, b, None, d, errors);
                }
            }
            if m.allocations
                .iter()
                .any(|a| a.policy == super::vocab::PolicyKind::Optimal)
            {
                d.extend(plan);
            }
        }
        NodeKind::Solve(i) => {
            let s = &m.solves[*i];
            resolve::deps(m, node.scope, &s.lo, None, d, errors);
            resolve::deps(m, node.scope, &s.hi, None, d, errors);
        }
        NodeKind::Plan => {
            for prov in &m.providers {
                for f in [
                    PField::Build,
                    PField::Capex,
                    PField::Lifetime,
                    PField::Capacity,
                ] {
                    d.extend(prov.prop(f));
                }
            }
        }
        _ => {}
    }
}

/// Adds to each `solve` and the `plan` what their conditions read that does
/// not depend on what they choose (that part is evaluated inside them, so
/// it is not a cycle).
fn decision_deps(
    m: &Model,
    deps: &mut [Arc<Vec<NodeId>>],
    extra: &HashMap<NodeId, Vec<Expr>>,
    problems: &mut Problems,
) {
    let base: Vec<Arc<Vec<NodeId>>> = deps.to_vec();
    for (&node, exprs) in extra {
        let mut direct = Vec::new();
        let mut errors = Vec::new();
        for e in exprs {
            resolve::deps(m, 0, e, None, &mut direct, &mut errors);
        }
        errors.into_iter().for_each(|e| problems.push(e));
        let down = downstream(&base, &[node]);
        let up = upstream(&base, &direct);
        let mut d: Vec<NodeId> = deps[node].to_vec();
        d.extend((0..m.nodes.len()).filter(|&x| up[x] && !down[x] && x != node));
        d.sort_unstable();
        d.dedup();
        deps[node] = Arc::new(d);
    }
}

fn decision_exprs(m: &Model) -> HashMap<NodeId, Vec<Expr>> {
    let mut out = HashMap::new();
    for s in &m.solves {
        out.insert(s.node, vec![s.lhs.clone(), s.rhs.clone()]);
    }
    if let Some(p) = &m.plan {
        let mut es = vec![p.objective.clone()];
        es.extend(p.discount.iter().cloned());
        es.extend(p.constraints.iter().cloned());
        out.insert(p.node, es);
    }
    out
}

fn cycle_error(m: &Model, cycle: &[NodeId], overrides: &HashMap<NodeId, Span>) -> CheckError {
    let mut names: Vec<String> = cycle.iter().map(|&i| m.nodes[i].name.clone()).collect();
    names.push(names[0].clone());
    let spans = cycle
        .iter()
        .filter(|&&i| m.nodes[i].kind != NodeKind::Allocation)
        .enumerate()
        .map(|(k, &i)| {
            let (label, span) = match overrides.get(&i) {
                Some(s) => (
                    format!(
                        "overridden here: `{}` now reads the others",
                        m.nodes[i].name
                    ),
                    *s,
                ),
                None if k == 0 => (
                    format!("`{}` starts the cycle", m.nodes[i].name),
                    m.nodes[i].span,
                ),
                None => (
                    format!("`{}` is part of it", m.nodes[i].name),
                    m.nodes[i].span,
                ),
            };
            LabeledSpan::new_with_span(Some(label), span)
        })
        .collect();
    CheckError::Cycle {
        what: "these declarations",
        names: names.join(" → "),
        spans,
    }
}

/// Builds the base definitions: every node lowered in dependency order.
pub fn base_defs(m: &Model, errors: &mut Vec<ScnError>) -> Defs {
    let mut problems = Problems {
        scenario: None,
        errors,
    };
    let (mut deps, mut broken) = base_deps(m, &mut problems);
    decision_deps(m, &mut deps, &decision_exprs(m), &mut problems);
    let (order, cycles) = topo_order(&deps);
    for c in &cycles {
        problems.push(cycle_error(m, c, &HashMap::new()));
        for &i in c {
            broken[i] = true;
        }
    }
    let n = m.nodes.len();
    let mut defs = Defs {
        scenario: "base".into(),
        ir: vec![None; n],
        upper: vec![None; n],
        ty: vec![Type::NUMBER; n],
        hint: vec![Hint::default(); n],
        deps,
        order: Vec::with_capacity(n),
        broken,
        alloc: Arc::new(AllocIr::default()),
        dirty: vec![false; n],
        overrides: HashMap::new(),
        load_dim: vec![Dim::NONE; m.providers.len()],
        load_hint: vec![Hint::default(); m.providers.len()],
        ..Defs::default()
    };
    for &id in &order {
        lower_into(m, &mut defs, id, None, &mut problems);
    }
    defs.order = order.into_iter().filter(|&i| !defs.broken[i]).collect();
    decisions(m, &mut defs, &mut problems);
    defs
}

/// Lowers node `id` (with `replacement` as its expression, for an
/// override) and stores its definition, or marks it broken.
fn lower_into(
    m: &Model,
    defs: &mut Defs,
    id: NodeId,
    replacement: Option<(&Expr, &str)>,
    problems: &mut Problems,
) {
    if defs.broken[id] {
        return;
    }
    if defs.deps[id].iter().any(|&d| defs.broken[d]) {
        defs.broken[id] = true;
        return;
    }
    match lower_node(m, defs, id, replacement) {
        Ok(Lowered {
            ir,
            upper,
            ty,
            hint,
        }) => {
            defs.ir[id] = ir.map(Arc::new);
            defs.upper[id] = upper.map(Arc::new);
            defs.ty[id] = ty;
            defs.hint[id] = hint;
        }
        Err(f) => {
            defs.broken[id] = true;
            problems.fail(f);
        }
    }
}

struct Lowered {
    ir: Option<Ir>,
    upper: Option<Ir>,
    ty: Type,
    hint: Hint,
}

fn lowered(ir: Ir) -> Lowered {
    Lowered {
        ty: ir.ty,
        hint: ir.hint,
        upper: None,
        ir: Some(ir),
    }
}

fn identity(m: &Model, id: NodeId, scenario: Option<&str>) -> String {
    match scenario {
        None => format!("node {}", m.nodes[id].name),
        Some(s) => format!("scenario {s} node {}", m.nodes[id].name),
    }
}

fn lower_node(
    m: &Model,
    defs: &mut Defs,
    id: NodeId,
    replacement: Option<(&Expr, &str)>,
) -> R<Lowered> {
    let node = &m.nodes[id];
    let (expr, scope, scenario) = match replacement {
        Some((e, s)) => (Some(e), 0, Some(s)),
        None => (node.expr.as_ref(), node.scope, None),
    };
    let ident = identity(m, id, scenario);
    let low = Lowerer::new(m, defs, scope, &ident).declaring(&node.name);
    let need_timeline = |span: Span| -> R<()> {
        match m.timeline {
            Some(_) => Ok(()),
            None if m.timeline_failed => Err(Fail::Broken),
            None => Err(CheckError::NoTimeline { span }.into()),
        }
    };
    match &node.kind {
        NodeKind::Let => {
            let e = expr.unwrap_or_else(|| unreachable!("a let has a value"));
            Ok(lowered(low.expr(e)?))
        }
        NodeKind::Demand(_) => {
            let e = expr.unwrap_or_else(|| unreachable!("a demand has a value"));
            let ir = low.expr(e)?;
            need_number(&ir, "a demand")?;
            need_timeline(ir.span)?;
            let mut l = lowered(ir);
            l.ty = l.ty.series().with_kind(Kind::Number);
            Ok(l)
        }
        NodeKind::Unit { base: Some(b) } => {
            let ty = Type::of(Dim::base(*b));
            Ok(lowered(Ir::constant(1.0, ty, node.span)))
        }
        NodeKind::Unit { base: None } => {
            let e = expr.unwrap_or_else(|| unreachable!("a unit has a value"));
            let ir = low.expr(e)?;
            need_number(&ir, "a unit")?;
            low.need_certain_scalar(
                &ir,
                "a unit's definition",
                "a unit is a fixed amount, such as `unit B200 = 2.5 H100`",
            )?;
            let mut l = lowered(ir);
            l.ty = l.ty.with_kind(Kind::Number);
            if l.hint == Hint::default() {
                l.hint = Hint::default();
            }
            Ok(l)
        }
        NodeKind::Prop { provider, field } => {
            let Some(e) = expr else {
                return Ok(Lowered {
                    ir: None,
                    upper: None,
                    ty: Type::NUMBER,
                    hint: Hint::default(),
                });
            };
            let ir = low.expr(e)?;
            let prov = &m.providers[*provider];
            match field {
                None => Ok(lowered(ir)),
                Some(PField::Capacity | PField::Price | PField::Commit | PField::Capex) => {
                    need_number(&ir, "this property")?;
                    let mut l = lowered(ir);
                    if field != &Some(PField::Capex) {
                        l.ty = l.ty.series();
                        need_timeline(e.span)?;
                    }
                    l.ty = l.ty.with_kind(Kind::Number);
                    Ok(l)
                }
                Some(f @ (PField::Online | PField::Retire)) => {
                    if !ir.ty.is_plain() || ir.ty.series {
                        let found = if ir.ty.series {
                            "a series".to_string()
                        } else if let Some(v) = low.const_value(&ir) {
                            crate::units::format_quantity(
                                v,
                                ir.ty.dim,
                                ir.ty.kind,
                                ir.hint,
                                &m.base_names,
                            )
                        } else {
                            ir.ty.label(ir.hint, &m.base_names)
                        };
                        return Err(not_a_period(m, &prov.name, f.name(), found, ir.span).into());
                    }
                    if let Some(v) = low.const_value(&ir)
                        && let Some(t) = m.timeline
                        && !on_grid(&t, v)
                    {
                        return Err(not_a_period(
                            m,
                            &prov.name,
                            f.name(),
                            crate::units::format::fmt_sig(v, 8, true),
                            ir.span,
                        )
                        .into());
                    }
                    let mut l = lowered(ir);
                    l.ty = l.ty.with_kind(Kind::Period);
                    Ok(l)
                }
                Some(PField::Lifetime) => {
                    if !ir.ty.is_plain() {
                        return Err(CheckError::Type {
                            expected: "a number of years".into(),
                            found: ir.ty.label(ir.hint, &m.base_names),
                            span: ir.span,
                            help: Some("write `lifetime = 15`".into()),
                        }
                        .into());
                    }
                    low.need_certain_scalar(&ir, "a lifetime", "write `lifetime = 15`")?;
                    Ok(lowered(ir))
                }
                Some(PField::Build) => {
                    need_number(&ir, "a build bound")?;
                    let up_e = node
                        .upper
                        .as_ref()
                        .unwrap_or_else(|| unreachable!("a build has an upper end"));
                    let up = low.expr(up_e)?;
                    need_number(&up, "a build bound")?;
                    if up.ty.dim != ir.ty.dim {
                        return Err(CheckError::UnitMismatch {
                            op: "make a range of",
                            symbol: "..",
                            left: ir.ty.label(ir.hint, &m.base_names),
                            right: up.ty.label(up.hint, &m.base_names),
                            lspan: ir.span,
                            rspan: up.span,
                        }
                        .into());
                    }
                    for b in [&ir, &up] {
                        if b.ty.uncertain {
                            return Err(CheckError::MustBeCertain {
                                what: "a build bound".into(),
                                found: b.ty.shape_text(),
                                help: "a plan chooses builds for a certain model".into(),
                                span: b.span,
                            }
                            .into());
                        }
                    }
                    need_timeline(e.span)?;
                    let ty = ir.ty.series().with_kind(Kind::Number);
                    let hint = ir.hint;
                    Ok(Lowered {
                        ir: Some(ir),
                        upper: Some(up),
                        ty,
                        hint,
                    })
                }
                Some(_) => Ok(lowered(ir)),
            }
        }
        NodeKind::Capacity(p) => {
            let prov = &m.providers[*p];
            let cap = prov
                .prop(PField::Capacity)
                .filter(|&c| defs.ir[c].is_some());
            let build = prov.prop(PField::Build).filter(|&c| defs.ir[c].is_some());
            let (dim, hint) = match (cap, build) {
                (Some(c), _) => (defs.ty[c].dim, defs.hint[c]),
                (None, Some(b)) => (defs.ty[b].dim, defs.hint[b]),
                _ => (Dim::NONE, Hint::default()),
            };
            if let (Some(c), Some(b)) = (cap, build)
                && defs.ty[c].dim != defs.ty[b].dim
            {
                return Err(CheckError::UnitMismatch {
                    op: "add",
                    symbol: "build",
                    left: unit_label(defs.ty[c].dim, Kind::Number, defs.hint[c], &m.base_names),
                    right: unit_label(defs.ty[b].dim, Kind::Number, defs.hint[b], &m.base_names),
                    lspan: m.nodes[c].expr.as_ref().map_or(prov.span, |e| e.span),
                    rspan: m.nodes[b].expr.as_ref().map_or(prov.span, |e| e.span),
                }
                .into());
            }
            let uncertain = [PField::Capacity, PField::Online, PField::Retire]
                .iter()
                .filter_map(|f| prov.prop(*f))
                .any(|x| defs.ir[x].is_some() && defs.ty[x].uncertain);
            Ok(Lowered {
                ir: None,
                upper: None,
                ty: Type {
                    dim,
                    kind: Kind::Number,
                    series: true,
                    uncertain,
                },
                hint,
            })
        }
        NodeKind::Built(p) => {
            let prov = &m.providers[*p];
            let b = prov.prop(PField::Build).filter(|&c| defs.ir[c].is_some());
            let (dim, hint) = match b {
                Some(b) => (defs.ty[b].dim, defs.hint[b]),
                None => (defs.ty[prov.capacity].dim, defs.hint[prov.capacity]),
            };
            Ok(Lowered {
                ir: None,
                upper: None,
                ty: Type::of(dim).series(),
                hint,
            })
        }
        NodeKind::Allocation => {
            let alloc = allocation(m, defs, scenario)?;
            let uncertain = defs.deps[id].iter().any(|&d| {
                defs.ty[d].uncertain
                    && (defs.ir[d].is_some() || matches!(m.nodes[d].kind, NodeKind::Capacity(_)))
            });
            defs.alloc = Arc::new(alloc);
            Ok(Lowered {
                ir: None,
                upper: None,
                ty: Type {
                    dim: Dim::NONE,
                    kind: Kind::Number,
                    series: true,
                    uncertain,
                },
                hint: Hint::default(),
            })
        }
        NodeKind::Solve(i) => {
            let s = &m.solves[*i];
            let lo = low.expr(&s.lo)?;
            let hi = low.expr(&s.hi)?;
            need_number(&lo, "a bound")?;
            if lo.ty.dim != hi.ty.dim {
                return Err(CheckError::UnitMismatch {
                    op: "make a range of",
                    symbol: "..",
                    left: lo.ty.label(lo.hint, &m.base_names),
                    right: hi.ty.label(hi.hint, &m.base_names),
                    lspan: lo.span,
                    rspan: hi.span,
                }
                .into());
            }
            for b in [&lo, &hi] {
                low.need_certain_scalar(
                    b,
                    "a bound of `solve`",
                    "write `solve x in 1 GW .. 5 GW so that …`",
                )?;
            }
            let ty = Type::of(lo.ty.dim).with_kind(if lo.ty.kind == Kind::Percent {
                Kind::Percent
            } else {
                Kind::Number
            });
            let hint = lo.hint.or(hi.hint);
            Ok(Lowered {
                ir: Some(lo),
                upper: Some(hi),
                ty,
                hint,
            })
        }
        NodeKind::Plan => Ok(Lowered {
            ir: None,
            upper: None,
            ty: Type::NUMBER,
            hint: Hint::default(),
        }),
    }
}

fn need_number(ir: &Ir, what: &str) -> R<()> {
    if ir.ty.is_bool() {
        return Err(CheckError::Type {
            expected: format!("a number for {what}"),
            found: "a true/false value".into(),
            span: ir.span,
            help: None,
        }
        .into());
    }
    Ok(())
}

fn on_grid(t: &crate::time::Timeline, v: f64) -> bool {
    let x = v * t.per_year() as f64;
    (x - x.round()).abs() < 1e-6
}

fn not_a_period(m: &Model, provider: &str, prop: &str, found: String, span: Span) -> CheckError {
    let step = m.timeline.map_or(crate::time::Step::Yearly, |t| t.step);
    CheckError::NotAPeriod {
        name: format!("{provider}.{prop}"),
        expected: format!("a {}", step.noun()),
        found,
        span,
        help: (match step {
            crate::time::Step::Yearly => format!("write a whole year, e.g. `{prop} = 2026`"),
            crate::time::Step::Quarterly => format!("write a quarter, e.g. `{prop} = 2026Q3`"),
            crate::time::Step::Monthly => format!("write a month, e.g. `{prop} = 2026-07`"),
        }),
    }
}

/// Lowers the allocations' own expressions and works out what each
/// provider's load is measured in, checking capacities and prices against
/// the demands they serve.
fn allocation(m: &Model, defs: &mut Defs, scenario: Option<&str>) -> R<AllocIr> {
    let label = |d: Dim, h: Hint| unit_label(d, Kind::Number, h, &m.base_names);
    let money = Dim::base(MONEY);
    let np = m.providers.len();
    let mut load_dim: Vec<Option<(Dim, Hint, Span)>> = vec![None; np];
    // From the capacity (or builds) first.
    for (p, prov) in m.providers.iter().enumerate() {
        if m.limited(defs, p) {
            let c = prov.capacity;
            let span = prov
                .prop(PField::Capacity)
                .and_then(|x| m.nodes[x].expr.as_ref())
                .map_or(prov.span, |e| e.span);
            load_dim[p] = Some((defs.ty[c].dim, defs.hint[c], span));
        }
    }
    let mut out = AllocIr::default();
    for a in &m.allocations {
        let dn = m.demands[a.demand].node;
        let (dd, dh) = (defs.ty[dn].dim, defs.hint[dn]);
        let dname = &m.demands[a.demand].name;
        for e in &a.entries {
            let p = e.provider;
            let prov = &m.providers[p];
            match load_dim[p] {
                Some((cd, ch, cspan)) if cd != dd => {
                    return Err(CheckError::CapacityDims {
                        provider: prov.name.clone(),
                        capacity: label(cd, ch),
                        demand: dname.clone(),
                        demand_unit: label(dd, dh),
                        span: cspan,
                        use_span: e.span,
                    }
                    .into());
                }
                Some(_) => {}
                None => load_dim[p] = Some((dd, dh, e.span)),
            }
            let per = |what: &'static str, f: PField, help: &str| -> R<()> {
                if let Some(id) = prov.prop(f).filter(|&x| defs.ir[x].is_some())
                    && money.per(dd) != Some(defs.ty[id].dim)
                {
                    return Err(CheckError::PriceDims {
                        what,
                        provider: prov.name.clone(),
                        found: label(defs.ty[id].dim, defs.hint[id]),
                        demand: dname.clone(),
                        demand_unit: label(dd, dh),
                        help: help.to_string(),
                        span: m.nodes[id].expr.as_ref().map_or(prov.span, |x| x.span),
                        use_span: e.span,
                    }
                    .into());
                }
                Ok(())
            };
            per(
                "price",
                PField::Price,
                "a price is money per unit of demand served, per year, e.g. `$4B/GW` for a demand in GW",
            )?;
            per(
                "capex",
                PField::Capex,
                "capex is money per unit built, e.g. `$35B/GW` for a demand in GW",
            )?;
            if let Some(id) = prov.prop(PField::Commit).filter(|&x| defs.ir[x].is_some())
                && defs.ty[id].dim != dd
            {
                return Err(CheckError::CapacityDims {
                    provider: prov.name.clone(),
                    capacity: label(defs.ty[id].dim, defs.hint[id]),
                    demand: dname.clone(),
                    demand_unit: label(dd, dh),
                    span: m.nodes[id].expr.as_ref().map_or(prov.span, |x| x.span),
                    use_span: e.span,
                }
                .into());
            }
        }
        let ident = match scenario {
            None => format!("allocation {dname}"),
            Some(s) => format!("scenario {s} allocation {dname}"),
        };
        let low = Lowerer::new(m, defs, a.scope, &ident);
        let mut shares = Vec::with_capacity(a.entries.len());
        for e in &a.entries {
            match &e.share {
                None => shares.push(None),
                Some(x) => {
                    let ir = low.expr(x)?;
                    if !ir.ty.is_plain() || ir.ty.kind == Kind::Period {
                        return Err(CheckError::Type {
                            expected: "a share (a percentage)".into(),
                            found: ir.ty.label(ir.hint, &m.base_names),
                            span: ir.span,
                            help: Some("write a share as a percentage: `40%`".into()),
                        }
                        .into());
                    }
                    shares.push(Some(ir));
                }
            }
        }
        let mut rules = Vec::with_capacity(a.rules.len());
        for r in &a.rules {
            let ir = low.expr(&r.value)?;
            let percent = ir.ty.dim.is_none() && !ir.ty.is_bool();
            if !percent && ir.ty.dim != dd {
                return Err(CheckError::Type {
                    expected: format!(
                        "a percentage of `{dname}` or an amount in {}",
                        label(dd, dh)
                    ),
                    found: ir.ty.label(ir.hint, &m.base_names),
                    span: ir.span,
                    help: Some("write `stargate >= 75%` or `microsoft <= 3 GW`".into()),
                }
                .into());
            }
            rules.push((ir, percent));
        }
        let budget = match &a.budget {
            None => None,
            Some(b) => {
                let ir = low.expr(b)?;
                if ir.ty.dim != money || ir.ty.is_bool() {
                    return Err(CheckError::Type {
                        expected: "a budget in money per period".into(),
                        found: ir.ty.label(ir.hint, &m.base_names),
                        span: ir.span,
                        help: Some(
                            "write `budget $2B`, or a series: `budget { 2026: $1B, 2030: $3B }`"
                                .into(),
                        ),
                    }
                    .into());
                }
                Some(ir)
            }
        };
        out.shares.push(shares);
        out.rules.push(rules);
        out.budgets.push(budget);
    }
    // A provider no allocation uses reads in its price's unit.
    for (p, prov) in m.providers.iter().enumerate() {
        if load_dim[p].is_none()
            && let Some(id) = prov.prop(PField::Price).filter(|&x| defs.ir[x].is_some())
        {
            let d = money.per(defs.ty[id].dim).unwrap_or(Dim::NONE);
            load_dim[p] = Some((d, defs.hint[id], prov.span));
        }
    }
    defs.load_dim = load_dim
        .iter()
        .map(|x| x.map_or(Dim::NONE, |v| v.0))
        .collect();
    defs.load_hint = load_dim
        .iter()
        .map(|x| x.map_or(Hint::default(), |v| v.1))
        .collect();
    Ok(out)
}

/// The parts of `solve` and `plan` that read what they choose: lowered last.
fn decisions(m: &Model, defs: &mut Defs, problems: &mut Problems) {
    let scenario = problems.scenario.map(str::to_string);
    let mut conds = Vec::with_capacity(m.solves.len());
    for s in &m.solves {
        if defs.broken[s.node] {
            conds.push(None);
            continue;
        }
        let ident = format!(
            "{} solve {}",
            scenario.as_deref().unwrap_or(""),
            s.name.name
        );
        let low = Lowerer::new(m, defs, m.nodes[s.node].scope, &ident);
        let r = (|| -> R<(Ir, Ir)> {
            let a = low.expr(&s.lhs)?;
            let b = low.expr(&s.rhs)?;
            if a.ty.dim != b.ty.dim || a.ty.is_bool() || b.ty.is_bool() {
                return Err(CheckError::UnitMismatch {
                    op: "compare",
                    symbol: "==",
                    left: a.ty.label(a.hint, &m.base_names),
                    right: b.ty.label(b.hint, &m.base_names),
                    lspan: a.span,
                    rspan: b.span,
                }
                .into());
            }
            for x in [&a, &b] {
                if x.ty.series {
                    return Err(CheckError::Type {
                        expected: "a single value on each side".into(),
                        found: "a series".into(),
                        span: x.span,
                        help: Some(
                            "compare one period, `spend@2027`, or a sum: `sum(spend)`".into(),
                        ),
                    }
                    .into());
                }
                if x.ty.uncertain {
                    return Err(CheckError::MustBeCertain {
                        what: "each side of a `solve` condition".into(),
                        found: x.ty.shape_text(),
                        help: "solve on a statistic of it: `mean(spend@2027) == $20B`".into(),
                        span: x.span,
                    }
                    .into());
                }
            }
            Ok((a, b))
        })();
        match r {
            Ok(c) => conds.push(Some(c)),
            Err(f) => {
                defs.broken[s.node] = true;
                problems.fail(f);
                conds.push(None);
            }
        }
    }
    defs.solve_conditions = conds;
    defs.plan = None;
    if let Some(p) = &m.plan
        && !defs.broken[p.node]
    {
        let ident = format!("{} plan", scenario.as_deref().unwrap_or(""));
        let low = Lowerer::new(m, defs, 0, &ident);
        let r = (|| -> R<PlanIr> {
            let objective = low.expr(&p.objective)?;
            if objective.ty.is_bool()
                || objective.ty.dim != Dim::base(MONEY) && !objective.ty.dim.is_none()
            {
                // Any number may be minimised; money is the usual.
            }
            need_number(&objective, "the objective")?;
            let discount = match &p.discount {
                None => None,
                Some(d) => {
                    let ir = low.expr(d)?;
                    if !ir.ty.is_plain() {
                        return Err(CheckError::Type {
                            expected: "a yearly rate (a percentage)".into(),
                            found: ir.ty.label(ir.hint, &m.base_names),
                            span: ir.span,
                            help: Some("write `discount 8%`".into()),
                        }
                        .into());
                    }
                    low.need_certain_scalar(&ir, "a discount rate", "write `discount 8%`")?;
                    Some(ir)
                }
            };
            let mut constraints = Vec::new();
            for c in &p.constraints {
                let ir = low.expr(c)?;
                if !matches!(ir.kind, IrKind::Cmp(..)) {
                    return Err(CheckError::Type {
                        expected: "a comparison (`x <= y`, `x >= y`, `x == y`)".into(),
                        found: ir.ty.label(ir.hint, &m.base_names),
                        span: ir.span,
                        help: Some("a constraint compares two sides: `spend <= $40B`".into()),
                    }
                    .into());
                }
                constraints.push(ir);
            }
            Ok(PlanIr {
                objective,
                discount,
                constraints,
            })
        })();
        match r {
            Ok(pi) => defs.plan = Some(Arc::new(pi)),
            Err(f) => {
                defs.broken[p.node] = true;
                problems.fail(f);
            }
        }
    }
}

/// A scenario's definitions: the base with `overrides` applied and what
/// they reach lowered again.
pub fn scenario_defs(
    m: &Model,
    parent: &Defs,
    base: &Defs,
    name: &str,
    overrides: &[(NodeId, Expr, Span, String)],
    errors: &mut Vec<ScnError>,
) -> Defs {
    let mut problems = Problems {
        scenario: Some(name),
        errors,
    };
    let mut defs = parent.clone();
    defs.scenario = name.to_string();
    let mut by_node: HashMap<NodeId, (&Expr, Span, &str)> = HashMap::new();
    for (id, e, span, origin) in overrides {
        by_node.insert(*id, (e, *span, origin.as_str()));
    }
    let mut roots: Vec<NodeId> = Vec::new();
    for (&id, (e, span, _)) in &by_node {
        let mut d = Vec::new();
        let mut errs = Vec::new();
        resolve::deps(m, 0, e, None, &mut d, &mut errs);
        if !errs.is_empty() {
            errs.into_iter().for_each(|x| problems.push(x));
            defs.broken[id] = true;
        }
        structural_deps(m, id, &mut d, &mut Vec::new());
        d.sort_unstable();
        d.dedup();
        defs.deps[id] = Arc::new(d);
        defs.overrides.insert(id, *span);
        roots.push(id);
    }
    decision_deps(m, &mut defs.deps, &decision_exprs(m), &mut problems);
    let (order, cycles) = topo_order(&defs.deps);
    let override_spans: HashMap<NodeId, Span> = defs.overrides.clone();
    for c in &cycles {
        // A cycle the base already has was reported there.
        if c.iter().any(|i| override_spans.contains_key(i)) {
            problems.push(cycle_error(m, c, &override_spans));
        }
        for &i in c {
            defs.broken[i] = true;
        }
    }
    roots.sort_unstable();
    // Only what this scenario's own overrides reach is lowered again; what
    // its parent changed is already lowered for the parent.
    let reach = downstream(&defs.deps, &roots);
    for (d, r) in defs.dirty.iter_mut().zip(&reach) {
        *d |= *r;
    }
    for &id in &order {
        if !reach[id] {
            continue;
        }
        if base.broken[id] && !by_node.contains_key(&id) {
            continue;
        }
        defs.broken[id] = base.broken[id] && !by_node.contains_key(&id);
        match by_node.get(&id) {
            Some((e, span, origin)) => {
                lower_into(m, &mut defs, id, Some((e, origin)), &mut problems);
                if !defs.broken[id]
                    && !base.broken[id]
                    && base.ir[id].is_some()
                    && (defs.ty[id].dim != base.ty[id].dim
                        || defs.ty[id].is_bool() != base.ty[id].is_bool())
                {
                    let l = |t: Type, h: Hint| unit_label(t.dim, t.kind, h, &m.base_names);
                    problems.push(CheckError::OverrideDims {
                        name: m.nodes[id].name.clone(),
                        found: l(defs.ty[id], defs.hint[id]),
                        expected: l(base.ty[id], base.hint[id]),
                        span: e.span,
                        original: m.nodes[id]
                            .expr
                            .as_ref()
                            .map_or(m.nodes[id].span, |x| x.span),
                    });
                    defs.broken[id] = true;
                }
                let _ = span;
            }
            None => lower_into(m, &mut defs, id, None, &mut problems),
        }
    }
    defs.order = order.into_iter().filter(|&i| !defs.broken[i]).collect();
    decisions(m, &mut defs, &mut problems);
    defs
}
