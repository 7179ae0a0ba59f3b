//! Running statements: `show`, `assert`, `compare`, `plot` (and REPL
//! expressions) against evaluated worlds, producing outputs that `report`
//! renders. Statements are lowered here against the world they run in, so
//! a scenario's types are the ones that count.

use std::collections::HashMap;
use std::sync::Arc;

use crate::check::ir::{Cmp, Ir, IrKind};
use crate::check::{
    CheckError, Fail, InScenario, Model, NodeKind, Statement, StatementKind, Sym, Type,
};
use crate::error::ScnError;
use crate::eval::{Ctx, EvalError, Meta, Tol, Value, World};
use crate::source::SourceMap;
use crate::span::Span;
use crate::syntax::ast::{ByYear, Expr, ExprKind, Ident, UnitExpr, YearAgg};
use crate::units::dim::{COMPUTE, MONEY};
use crate::units::format::Kind;
use crate::units::{Dim, builtin, unit_label};

/// A unit chosen with `in`: the factor from SI and how to write it.
#[derive(Clone, Debug, PartialEq)]
pub struct ExplicitUnit {
    pub factor: f64,
    pub text: String,
    pub dim: Dim,
    pub percent: bool,
}

/// Which rows a column has: the timeline's periods, or its calendar years
/// (`show x by year`).
#[derive(Clone, Debug, PartialEq)]
pub enum Axis {
    Periods,
    Years(Vec<i64>),
}

/// One labelled value to print: a column of a table or a line.
#[derive(Clone, Debug)]
pub struct Column {
    pub label: String,
    pub value: Value,
    pub unit: Option<ExplicitUnit>,
}

#[derive(Clone, Debug)]
pub struct AssertOutcome {
    pub passed: bool,
    pub location: String,
    pub source: String,
    /// For a comparison: both sides, period by period where it fails.
    pub detail: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct CompareRow {
    pub label: String,
    /// One value per scenario, in the order asked.
    pub values: Vec<Value>,
}

#[derive(Clone, Debug)]
pub enum Output {
    Show {
        columns: Vec<Column>,
        axis: Axis,
    },
    /// `show P` / `show D`: every series of a provider or demand.
    Table {
        title: String,
        columns: Vec<Column>,
    },
    Assert(AssertOutcome),
    Compare {
        scenarios: Vec<String>,
        rows: Vec<CompareRow>,
    },
    /// A bare expression in the REPL.
    Value(Column),
    /// `plot`: a chart of the values, drawn by the report.
    Plot(crate::chart::Chart),
    /// `show plan`.
    Plan(crate::decide::plan::PlanReport),
    /// `sensitivity`, `explain`: tables and charts of their own.
    Sense(crate::sense::Report),
}

/// The worlds a run has evaluated: the base, every scenario, and the one
/// statements run in.
#[derive(Clone, Debug)]
pub struct Worlds {
    pub base: Arc<World>,
    pub scenarios: HashMap<String, Arc<World>>,
    pub current: Arc<World>,
}

impl Worlds {
    pub fn get(&self, name: &str) -> Option<&Arc<World>> {
        if name == "base" {
            Some(&self.base)
        } else {
            self.scenarios.get(name)
        }
    }
}

/// Runs statements against the worlds of a run.
pub struct Runner<'a> {
    pub m: &'a Model,
    pub sources: &'a SourceMap,
    pub worlds: &'a Worlds,
}

/// A failed lowering or evaluation as errors, named by its scenario when it
/// is not the base.
fn fail_errors(f: Fail, scenario: &str) -> Vec<ScnError> {
    let wrap = |e: CheckError| {
        if scenario == "base" {
            ScnError::Check(e)
        } else {
            ScnError::CheckIn(InScenario {
                scenario: scenario.to_string(),
                inner: e,
            })
        }
    };
    match f {
        Fail::Error(e) => vec![wrap(e)],
        Fail::Many(es) => es.into_iter().map(wrap).collect(),
        Fail::Broken => Vec::new(),
    }
}

pub fn eval_errors(e: EvalError, scenario: &str) -> Vec<ScnError> {
    if e.is_skipped() {
        return Vec::new();
    }
    if scenario == "base" {
        vec![ScnError::Eval(e)]
    } else {
        vec![ScnError::EvalIn(InScenario {
            scenario: scenario.to_string(),
            inner: e,
        })]
    }
}

/// Whether a name after `in` is a unit.
pub fn unit_known(m: &Model, name: &str) -> bool {
    name.starts_with('$')
        || name == "%"
        || builtin(name).is_some()
        || matches!(m.lookup(name), Some(Sym::Node(id)) if matches!(m.nodes[id].kind, NodeKind::Unit { .. }))
}

/// The tolerance of an assert, lowered: relative (`within 2%`), in
/// percentage points (`within 2 pp`) or absolute in the compared unit.
pub fn tolerance(
    m: &Model,
    defs: &crate::check::Defs,
    w: &Expr,
    assert: &Ir,
    ordinal: usize,
) -> Result<(Ir, TolKind), Fail> {
    if let ExprKind::WithUnit { value, unit } = &w.kind
        && unit.name == "pp"
    {
        let ir = crate::check::lower_statement_expr(m, defs, value, ordinal)?;
        if !ir.ty.is_plain() {
            return Err(Fail::Error(CheckError::Type {
                expected: "a number of percentage points".into(),
                found: ir.ty.label(ir.hint, &m.base_names),
                span: w.span,
                help: Some("write `within 2 pp`".into()),
            }));
        }
        let low = crate::check::Lowerer::new(m, defs, 0, "tolerance");
        low.need_certain_scalar(&ir, "a tolerance", "write `within 2 pp`")?;
        return Ok((ir, TolKind::Points));
    }
    let ir = crate::check::lower_statement_expr(m, defs, w, ordinal)?;
    let low = crate::check::Lowerer::new(m, defs, 0, "tolerance");
    if ir.ty.is_bool() {
        return Err(Fail::Error(CheckError::Type {
            expected: "a tolerance (a number)".into(),
            found: "a true/false value".into(),
            span: ir.span,
            help: None,
        }));
    }
    low.need_certain_scalar(&ir, "a tolerance", "write `within 2%` or `within 0.1 GW`")?;
    if ir.ty.dim.is_none() {
        return Ok((ir, TolKind::Relative));
    }
    // An absolute tolerance is in the unit of what `==` compares.
    let mut bad = None;
    assert.visit(&mut |e| {
        if let IrKind::Cmp(Cmp::Eq | Cmp::Ne, a, _) = &e.kind
            && a.ty.dim != ir.ty.dim
            && bad.is_none()
        {
            bad = Some(a.ty);
        }
    });
    if let Some(t) = bad {
        return Err(Fail::Error(CheckError::Tolerance {
            found: ir.ty.label(ir.hint, &m.base_names),
            expected: t.label(Default::default(), &m.base_names),
            span: ir.span,
        }));
    }
    Ok((ir, TolKind::Absolute))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TolKind {
    Relative,
    Points,
    Absolute,
}

/// The values `show x by year` gives: one row per calendar year.
pub fn by_year(m: &Model, v: &Value, agg: Option<YearAgg>) -> (Value, Vec<i64>) {
    let Some(t) = m.timeline else {
        return (v.clone(), Vec::new());
    };
    let groups = t.year_groups();
    let years: Vec<i64> = groups.iter().map(|g| g.0).collect();
    let amount =
        v.dim() == Dim::base(MONEY) || v.dim() == Dim::energy() || v.dim() == Dim::base(COMPUTE);
    let agg = agg.unwrap_or(if amount { YearAgg::Sum } else { YearAgg::Avg });
    let n = v.samples();
    let mut data = Vec::with_capacity(groups.len() * n);
    for (_, r) in &groups {
        for s in 0..n {
            let at = |i: usize| {
                let row = v.row(i);
                if row.len() == 1 { row[0] } else { row[s] }
            };
            let x = match agg {
                YearAgg::Sum => r.clone().map(at).sum(),
                YearAgg::Avg => r.clone().map(at).sum::<f64>() / r.len() as f64,
                YearAgg::Last => at(r.end - 1),
            };
            data.push(x);
        }
    }
    let meta = v.meta();
    (Value::from_rows(meta, true, n, data), years)
}

impl<'a> Runner<'a> {
    pub fn new(m: &'a Model, sources: &'a SourceMap, worlds: &'a Worlds) -> Runner<'a> {
        Runner { m, sources, worlds }
    }

    fn current(&self) -> &World {
        &self.worlds.current
    }

    fn label(&self, e: &Expr) -> String {
        self.sources
            .slice(e.span)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Lowers and evaluates an expression in a world.
    pub fn eval_in(&self, w: &World, e: &Expr, ordinal: usize) -> Result<Value, Vec<ScnError>> {
        // Errors in the world statements run in need no scenario name: it
        // is the one chosen. Another scenario's (a `compare`) are named.
        let named = if w.scenario == self.worlds.current.scenario {
            "base"
        } else {
            w.scenario.as_str()
        };
        let ir = crate::check::lower_statement_expr(self.m, &w.defs, e, ordinal)
            .map_err(|f| fail_errors(f, named))?;
        let v = Ctx::new(self.m, w)
            .eval(&ir)
            .map_err(|er| eval_errors(er, named))?;
        Ok(v)
    }

    /// Runs one statement. Errors are returned, never printed here.
    pub fn statement(&mut self, st: &Statement) -> Result<Vec<Output>, Vec<ScnError>> {
        match &st.kind {
            StatementKind::Show {
                exprs,
                unit,
                by_year,
            } => self.show(exprs, unit.as_ref(), *by_year, st.ordinal),
            StatementKind::Expr(e) => {
                if let Some(t) = self.entity_table(e)? {
                    return Ok(vec![t]);
                }
                let v = self.eval_in(self.current(), e, st.ordinal)?;
                Ok(vec![Output::Value(Column {
                    label: self.label(e),
                    value: v,
                    unit: None,
                })])
            }
            StatementKind::Assert { expr, within } => self
                .assert(expr, within.as_ref(), st.ordinal)
                .map(|a| vec![Output::Assert(a)]),
            StatementKind::Compare { scenarios, exprs } => {
                self.compare(scenarios, exprs, st.ordinal)
            }
            StatementKind::Plot { exprs, stack } => self
                .plot(exprs, *stack, st.ordinal)
                .map(|c| vec![Output::Plot(c)]),
            StatementKind::ShowPlan => match &self.current().plan {
                Some(p) => Ok(vec![Output::Plan(crate::decide::plan::report(
                    self.m,
                    self.current(),
                    p,
                ))]),
                None => Err(Vec::new()),
            },
            StatementKind::Sensitivity { expr, on, by } => {
                crate::sense::sensitivity(self, expr, on, by, st.ordinal)
                    .map(|r| vec![Output::Sense(r)])
            }
            StatementKind::Explain { from, to, expr } => {
                crate::sense::explain(self, from, to, expr, st.ordinal)
                    .map(|r| vec![Output::Sense(r)])
            }
        }
    }

    /// `show P` or `show D` prints all of its series.
    pub fn entity_table(&self, e: &Expr) -> Result<Option<Output>, Vec<ScnError>> {
        let Some(sym) = crate::check::entity(self.m, e) else {
            return Ok(None);
        };
        let m = self.m;
        let w = self.current();
        let field = |f: &str| Expr {
            kind: ExprKind::Field {
                base: Box::new(e.clone()),
                field: Ident {
                    name: f.into(),
                    span: e.span,
                },
            },
            span: e.span,
        };
        let col = |label: &str, value: Value| Column {
            label: label.to_string(),
            value,
            unit: None,
        };
        let n = self.source_text(e);
        match sym {
            Sym::Provider(p) => {
                let prov = &m.providers[p];
                let limited = m.limited(&w.defs, p);
                let commit = m.has_prop(&w.defs, p, crate::check::vocab::PField::Commit);
                let build = m.has_prop(&w.defs, p, crate::check::vocab::PField::Build);
                let mut columns = Vec::new();
                for f in crate::eval::alloc::provider_series(limited, commit, build) {
                    columns.push(col(f, self.eval_in(w, &field(f), 0)?));
                }
                for (name, id) in &prov.extra {
                    if let Ok(v) = w.value(m, *id) {
                        columns.push(col(name, v));
                    }
                }
                let title = match &prov.title {
                    Some(t) => format!("provider {n} \"{t}\""),
                    None => format!("provider {n}"),
                };
                Ok(Some(Output::Table { title, columns }))
            }
            Sym::Demand(d) => {
                let dem = &m.demands[d];
                let dv = w
                    .value(m, dem.node)
                    .map_err(|er| eval_errors(er, &w.scenario))?;
                let mut columns = vec![col("demand", dv.clone())];
                for f in ["served", "unmet", "spend"] {
                    columns.push(col(f, self.eval_in(w, &field(f), 0)?));
                }
                if let (Some(a), Some(alloc)) = (dem.allocation, w.alloc.as_deref()) {
                    for entry in &m.allocations[a].entries {
                        let p = entry.provider;
                        if let Some(l) = alloc.pair(p, d) {
                            let v =
                                Value::from_rows(dv.meta(), true, alloc.samples.max(1), l.to_vec());
                            columns.push(col(&format!("from {}", m.providers[p].name), v));
                        }
                    }
                }
                let title = match &dem.title {
                    Some(t) => format!("demand {n} \"{t}\""),
                    None => format!("demand {n}"),
                };
                Ok(Some(Output::Table { title, columns }))
            }
            _ => Ok(None),
        }
    }

    fn source_text(&self, e: &Expr) -> String {
        self.label(e)
    }

    fn show(
        &mut self,
        exprs: &[Expr],
        unit: Option<&UnitExpr>,
        by: Option<ByYear>,
        ordinal: usize,
    ) -> Result<Vec<Output>, Vec<ScnError>> {
        let explicit = match unit {
            Some(u) => Some(self.unit(u)?),
            None => None,
        };
        let mut out = Vec::new();
        let mut columns = Vec::new();
        let mut errors = Vec::new();
        let w = self.current();
        for e in exprs {
            if explicit.is_none() && by.is_none() {
                match self.entity_table(e) {
                    Ok(Some(t)) => {
                        out.push(t);
                        continue;
                    }
                    Ok(None) => {}
                    Err(es) => {
                        errors.extend(es);
                        continue;
                    }
                }
            }
            match self.eval_in(w, e, ordinal) {
                Ok(v) => {
                    if let Some(u) = &explicit {
                        if v.dim() != u.dim || v.is_bool() {
                            errors.push(ScnError::Check(CheckError::Convert {
                                from: unit_label(v.dim(), v.kind(), v.hint(), &self.m.base_names),
                                to: u.text.clone(),
                                span: unit.map_or(e.span, |u| u.span),
                                value_span: e.span,
                            }));
                            continue;
                        }
                        if v.data()
                            .iter()
                            .any(|x| x.is_finite() && !(x / u.factor).is_finite())
                        {
                            errors.push(ScnError::Eval(EvalError::NotFinite {
                                period: None,
                                help: format!("the value is too large to write in {}", u.text),
                                span: unit.map_or(e.span, |u| u.span),
                            }));
                            continue;
                        }
                    }
                    columns.push(Column {
                        label: self.label(e),
                        value: v,
                        unit: explicit.clone(),
                    });
                }
                Err(es) => errors.extend(es),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        if !columns.is_empty() {
            let axis = match by {
                None => Axis::Periods,
                Some(b) => {
                    let mut years = Vec::new();
                    for c in &mut columns {
                        if c.value.is_series() {
                            let (v, ys) = by_year(self.m, &c.value, b.agg);
                            c.value = v;
                            years = ys;
                        }
                    }
                    Axis::Years(years)
                }
            };
            out.insert(0, Output::Show { columns, axis });
        }
        Ok(out)
    }

    /// `plot a, b` / `plot stack P1.load, P2.load`: one chart of values of
    /// one dimension.
    fn plot(
        &self,
        exprs: &[Expr],
        stack: bool,
        ordinal: usize,
    ) -> Result<crate::chart::Chart, Vec<ScnError>> {
        let mut values = Vec::new();
        let mut errors = Vec::new();
        for e in exprs {
            match self.eval_in(self.current(), e, ordinal) {
                Ok(v) => values.push((self.label(e), v, e.span)),
                Err(es) => errors.extend(es),
            }
        }
        if !errors.is_empty() || values.is_empty() {
            return Err(errors);
        }
        plot_chart(self.m, &values, stack, "")
    }

    /// Resolves the unit after `in` to a factor and a dimension.
    pub fn unit(&self, u: &UnitExpr) -> Result<ExplicitUnit, Vec<ScnError>> {
        let mut factor = 1.0;
        let mut dim = Dim::NONE;
        let mut percent = false;
        for f in &u.factors {
            let (uf, ud) = match f.name.as_str() {
                "%" => {
                    percent = true;
                    (0.01, Dim::NONE)
                }
                "$" => (1.0, Dim::base(MONEY)),
                "$k" => (1e3, Dim::base(MONEY)),
                "$M" => (1e6, Dim::base(MONEY)),
                "$B" => (1e9, Dim::base(MONEY)),
                "$T" => (1e12, Dim::base(MONEY)),
                n => match builtin(n) {
                    Some(b) => b,
                    None => match self.m.lookup(n) {
                        Some(Sym::Node(id))
                            if matches!(self.m.nodes[id].kind, NodeKind::Unit { .. }) =>
                        {
                            let v = self
                                .current()
                                .value(self.m, id)
                                .map_err(|e| eval_errors(e, "base"))?;
                            (v.data()[0], v.dim())
                        }
                        _ => {
                            return Err(vec![ScnError::Check(crate::check::lower::unknown_unit(
                                self.m, n, f.span,
                            ))]);
                        }
                    },
                },
            };
            factor *= uf.powi(f.power);
            dim = ud.powi(f.power).and_then(|p| dim.times(p)).unwrap_or(dim);
        }
        let text = self
            .sources
            .slice(u.span)
            .split_whitespace()
            .collect::<String>();
        Ok(ExplicitUnit {
            factor,
            text,
            dim,
            percent,
        })
    }

    fn fmt(&self, v: f64, meta: Meta, reference: f64) -> String {
        if meta.kind == Kind::Period {
            return self
                .m
                .timeline
                .map_or_else(|| format!("{v}"), |t| t.format_value(v));
        }
        crate::units::format::format_like(
            v,
            reference,
            meta.dim,
            meta.kind,
            meta.hint,
            &self.m.base_names,
        )
    }

    fn assert(
        &self,
        expr: &Expr,
        within: Option<&Expr>,
        ordinal: usize,
    ) -> Result<AssertOutcome, Vec<ScnError>> {
        let w = self.current();
        let scen = "base".to_string();
        let ir = crate::check::lower_statement_expr(self.m, &w.defs, expr, ordinal)
            .map_err(|f| fail_errors(f, &scen))?;
        let mut ctx = Ctx::new(self.m, w);
        let mut tol_text = "relative, 1e-9".to_string();
        if let Some(t) = within {
            let (tir, kind) =
                tolerance(self.m, &w.defs, t, &ir, ordinal).map_err(|f| fail_errors(f, &scen))?;
            let x = ctx.eval(&tir).map_err(|e| eval_errors(e, &scen))?.data()[0];
            ctx.tol = match kind {
                TolKind::Relative => {
                    tol_text = format!("relative, within {}", self.sources.slice(t.span));
                    Tol { rel: x, abs: 0.0 }
                }
                TolKind::Points => {
                    tol_text = format!("within {} (absolute)", self.sources.slice(t.span));
                    Tol {
                        rel: 0.0,
                        abs: x / 100.0,
                    }
                }
                TolKind::Absolute => {
                    tol_text = format!("absolute, within {}", self.sources.slice(t.span));
                    Tol { rel: 0.0, abs: x }
                }
            };
        }
        let v = ctx.eval(&ir).map_err(|e| eval_errors(e, &scen))?;
        // An uncertain condition must hold in every sample.
        let passed = v.data().iter().all(|&x| x != 0.0);
        let (name, line, col) = self.sources.locate(expr.span.start).unwrap_or_default();
        let location = format!("{name}:{line}:{col}");
        let source = self.sources.line_of(expr.span).to_string();
        if v.is_uncertain() && !passed {
            let p = crate::eval::stats::prob(&v);
            let worst = p.iter().copied().fold(f64::INFINITY, f64::min);
            return Ok(AssertOutcome {
                passed,
                location,
                source,
                detail: vec![
                    format!(
                        "holds in only {}% of the samples",
                        crate::units::format::fmt_sig(worst * 100.0, 4, true)
                    ),
                    "to accept some risk, assert a probability: `assert prob(…) >= 95%`".into(),
                ],
            });
        }
        let mut detail = Vec::new();
        if !passed {
            let sides = match &ir.kind {
                IrKind::Cmp(op, l, r) => Some((
                    *op,
                    ctx.eval(l).map_err(|e| eval_errors(e, &scen))?,
                    ctx.eval(r).map_err(|e| eval_errors(e, &scen))?,
                    l.clone(),
                    r.clone(),
                )),
                _ => None,
            };
            let (ls, rs) = match &expr.kind {
                ExprKind::Binary { lhs, rhs, .. } => (self.label(lhs), self.label(rhs)),
                _ => (String::new(), String::new()),
            };
            let shown = |l: &Value, r: &Value, i: usize| -> (String, String, String) {
                let (a, b) = (l.at(i), r.at(i));
                let meta = l.meta();
                let reference = a.abs().max(b.abs());
                let digits = digits_to_differ(a, b);
                let f = |x: f64| {
                    if meta.kind == Kind::Period || meta.kind == Kind::Bool {
                        self.fmt(x, meta, reference)
                    } else {
                        precise(self.m, x, meta, reference, digits)
                    }
                };
                let diff = if meta.kind == Kind::Bool || !(a - b).is_finite() {
                    String::new()
                } else {
                    precise(
                        self.m,
                        a - b,
                        Meta {
                            kind: if meta.kind == Kind::Period {
                                Kind::Number
                            } else {
                                meta.kind
                            },
                            ..meta
                        },
                        (a - b).abs(),
                        4,
                    )
                };
                (f(a), f(b), diff)
            };
            let is_eq = matches!(sides, Some((Cmp::Eq | Cmp::Ne, ..)));
            if v.is_series() {
                let failing: Vec<usize> = (0..v.data().len())
                    .filter(|&i| v.data()[i] == 0.0)
                    .collect();
                let labels: Vec<String> = failing.iter().map(|i| ctx.period_label(*i)).collect();
                detail.push(format!("fails in {}", labels.join(", ")));
                if let Some((_, l, r, _, _)) = &sides {
                    for (&i, y) in failing.iter().zip(&labels).take(10) {
                        let (a, b, d) = shown(l, r, i);
                        let diff = if d.is_empty() {
                            String::new()
                        } else {
                            format!(" (difference {d})")
                        };
                        detail.push(format!("{y}: {ls} = {a}, {rs} = {b}{diff}"));
                    }
                }
            } else if let Some((_, l, r, _, _)) = &sides {
                let (a, b, d) = shown(l, r, 0);
                detail.push(format!("left:  {ls} = {a}"));
                detail.push(format!("right: {rs} = {b}"));
                if !d.is_empty() {
                    detail.push(format!("difference: {d}"));
                }
            }
            if is_eq {
                detail.push(format!("tolerance: {tol_text}"));
            }
        }
        Ok(AssertOutcome {
            passed,
            location,
            source,
            detail,
        })
    }

    fn compare(
        &mut self,
        scenarios: &[Ident],
        exprs: &[Expr],
        ordinal: usize,
    ) -> Result<Vec<Output>, Vec<ScnError>> {
        let mut worlds = Vec::new();
        let mut errors = Vec::new();
        for s in scenarios {
            match self.worlds.get(&s.name) {
                Some(w) => worlds.push(w.clone()),
                None => errors.push(ScnError::Check(crate::check::unknown_scenario(self.m, s))),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut rows = Vec::new();
        for e in exprs {
            let mut values = Vec::new();
            for w in &worlds {
                match self.eval_in(w, e, ordinal) {
                    // Scenarios of an uncertain model are compared by their
                    // means (a condition by its probability).
                    Ok(v) if v.is_uncertain() => {
                        let (data, meta) = if v.is_bool() {
                            (
                                crate::eval::stats::prob(&v),
                                v.meta().with_kind(Kind::Percent),
                            )
                        } else {
                            (crate::eval::stats::mean(&v), v.meta())
                        };
                        values.push(Value::from_rows(meta, v.is_series(), 1, data));
                    }
                    Ok(v) => values.push(v),
                    Err(es) => errors.extend(es),
                }
            }
            if values.len() == worlds.len() {
                rows.push(CompareRow {
                    label: self.label(e),
                    values,
                });
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(vec![Output::Compare {
            scenarios: scenarios.iter().map(|s| s.name.clone()).collect(),
            rows,
        }])
    }
}

/// How many significant digits show `a` and `b` as different numbers.
fn digits_to_differ(a: f64, b: f64) -> i32 {
    if a == b || !a.is_finite() || !b.is_finite() {
        return 4;
    }
    let scale = a.abs().max(b.abs());
    let rel = ((a - b).abs() / scale).max(1e-15);
    (4 + (-rel.log10()).ceil() as i32).clamp(4, 15)
}

/// A value in its readable unit with `digits` significant digits.
fn precise(m: &Model, x: f64, meta: Meta, reference: f64, digits: i32) -> String {
    let r = if reference == 0.0 { x } else { reference };
    crate::units::format::format_digits(x, r, digits, meta.dim, meta.kind, meta.hint, &m.base_names)
}

/// A chart of labelled values; a chart error points at the expressions.
pub fn plot_chart(
    m: &Model,
    values: &[(String, Value, Span)],
    stack: bool,
    title: &str,
) -> Result<crate::chart::Chart, Vec<ScnError>> {
    use crate::chart::{Chart, ChartError};
    let refs: Vec<(String, &Value)> = values.iter().map(|(l, v, _)| (l.clone(), v)).collect();
    Chart::from_values(m, title, &refs, stack).map_err(|e| {
        let first = values[0].2;
        vec![match e {
            ChartError::NoTimeline => ScnError::Check(CheckError::NoTimeline { span: first }),
            ChartError::MixedUnits {
                first_unit,
                label,
                unit,
                ..
            } => ScnError::Check(CheckError::PlotUnits {
                left: first_unit,
                right: unit,
                lspan: first,
                rspan: values.iter().find(|v| v.0 == label).map_or(first, |v| v.2),
            }),
            ChartError::Draw(msg) => ScnError::Eval(EvalError::TooLarge {
                what: format!("cannot draw this chart ({msg})"),
                help: "plot values of a size a chart can show".into(),
                span: first,
                label: "here".into(),
            }),
        }]
    })
}

/// The static type of a statement expression in the current world, for
/// the REPL's `:type`.
pub fn type_of(
    m: &Model,
    w: &World,
    e: &Expr,
) -> Result<(Type, crate::units::format::Hint), Vec<ScnError>> {
    crate::check::lower_statement_expr(m, &w.defs, e, 0)
        .map(|ir| (ir.ty, ir.hint))
        .map_err(|f| fail_errors(f, &w.scenario))
}
