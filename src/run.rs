//! Running statements: `show`, `assert`, `compare` (and REPL expressions)
//! against evaluated worlds, producing outputs that `report` renders.

use std::collections::HashMap;

use crate::check::{Model, NodeKind, Sym, check_unit_expr};
use crate::error::ScnError;
use crate::eval::{Ctx, EvalError, Tol, Value, World, evaluate_with};
use crate::source::SourceMap;
use crate::span::Span;
use crate::syntax::ast::*;
use crate::units::format::{Hint, Kind};
use crate::units::{Dim, builtin, unit_label};

/// A unit chosen with `in`: the factor from SI and how to write it.
#[derive(Clone, Debug, PartialEq)]
pub struct ExplicitUnit {
    pub factor: f64,
    pub text: String,
    pub dim: Dim,
    pub percent: bool,
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
    /// For a comparison: both sides, year by year where it fails.
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
    Show(Vec<Column>),
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
}

/// Runs statements against one world, building scenario worlds on demand.
pub struct Runner<'a> {
    pub m: &'a Model,
    pub sources: &'a SourceMap,
    pub base: &'a World,
    pub current: &'a World,
    worlds: HashMap<String, World>,
}

impl<'a> Runner<'a> {
    pub fn new(
        m: &'a Model,
        sources: &'a SourceMap,
        base: &'a World,
        current: &'a World,
    ) -> Runner<'a> {
        Runner {
            m,
            sources,
            base,
            current,
            worlds: HashMap::new(),
        }
    }

    /// Scenario worlds already evaluated, for `compare`.
    pub fn with_worlds(mut self, worlds: HashMap<String, World>) -> Runner<'a> {
        self.worlds = worlds;
        self
    }

    fn ctx(&self) -> Ctx<'_> {
        Ctx::new(self.m, self.current)
    }

    fn label(&self, e: &Expr) -> String {
        self.sources
            .slice(e.span)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Runs one statement. Errors are returned, never printed here.
    pub fn statement(&mut self, item: &Item) -> Result<Vec<Output>, Vec<ScnError>> {
        match &item.kind {
            ItemKind::Show { exprs, unit } => self.show(exprs, unit.as_ref()),
            ItemKind::Expr(e) => {
                if let Some(t) = self.entity_table(e)? {
                    return Ok(vec![t]);
                }
                let v = self.ctx().eval(e).map_err(one)?;
                Ok(vec![Output::Value(Column {
                    label: self.label(e),
                    value: v,
                    unit: None,
                })])
            }
            ItemKind::Assert { expr, within } => self
                .assert(expr, within.as_ref())
                .map(|a| vec![Output::Assert(a)])
                .map_err(one),
            ItemKind::Compare { scenarios, exprs } => self.compare(scenarios, exprs),
            ItemKind::Plot { exprs, stack } => {
                self.plot(exprs, *stack).map(|c| vec![Output::Plot(c)])
            }
            ItemKind::Samples(e) | ItemKind::Seed(e) => {
                let v = self.ctx().eval(e).map_err(one)?;
                if v.series || !v.dim.is_none() || v.data[0] < 0.0 || v.data[0].fract() != 0.0 {
                    return Err(one(EvalError::Type {
                        expected: "a whole number".into(),
                        found: self.ctx().label(&v),
                        span: e.span,
                        help: None,
                    }));
                }
                Ok(Vec::new())
            }
            _ => Ok(Vec::new()),
        }
    }

    /// `show P` or `show D` prints all of its series.
    fn entity_table(&self, e: &Expr) -> Result<Option<Output>, Vec<ScnError>> {
        let ExprKind::Name(n) = &e.kind else {
            return Ok(None);
        };
        let ctx = self.ctx();
        let col = |label: &str, v: Value| Column {
            label: label.to_string(),
            value: v,
            unit: None,
        };
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
        match self.m.lookup(n) {
            Some(Sym::Provider(p)) => {
                let prov = &self.m.providers[p];
                let mut columns = Vec::new();
                let limited = self.current.expr(self.m, prov.capacity).is_some();
                let names = crate::eval::allocate::provider_series(limited);
                for f in names {
                    columns.push(col(f, ctx.eval(&field(f)).map_err(one)?));
                }
                for (name, id) in &prov.extra {
                    if let Ok(v) = self.current.value(*id) {
                        columns.push(col(name, v));
                    }
                }
                let title = match &prov.title {
                    Some(t) => format!("provider {n} \"{t}\""),
                    None => format!("provider {n}"),
                };
                Ok(Some(Output::Table { title, columns }))
            }
            Some(Sym::Demand(d)) => {
                let dem = &self.m.demands[d];
                let mut columns = vec![col("demand", ctx.eval(e).map_err(one)?)];
                for f in ["served", "unmet", "spend"] {
                    columns.push(col(f, ctx.eval(&field(f)).map_err(one)?));
                }
                if let (Some(a), Some(alloc)) = (dem.allocation, self.current.alloc.as_deref()) {
                    for entry in &self.m.allocations[a].entries {
                        let p = entry.provider;
                        if let Some(l) = alloc.pair(p, d) {
                            let v = Value {
                                samples: alloc.samples.max(1),
                                ..Value::series(l.to_vec(), alloc.demand_dim[d])
                            }
                            .with_hint(alloc.demand_hint[d]);
                            columns.push(col(&format!("from {}", self.m.providers[p].name), v));
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

    fn show(
        &mut self,
        exprs: &[Expr],
        unit: Option<&UnitExpr>,
    ) -> Result<Vec<Output>, Vec<ScnError>> {
        let explicit = match unit {
            Some(u) => Some(self.unit(u).map_err(one)?),
            None => None,
        };
        let mut out = Vec::new();
        let mut columns = Vec::new();
        let mut errors = Vec::new();
        for e in exprs {
            if explicit.is_none() {
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
            match self.ctx().eval(e) {
                Ok(v) => {
                    if let Some(u) = &explicit
                        && (v.dim != u.dim || v.is_bool())
                    {
                        errors.push(ScnError::Eval(EvalError::Convert {
                            from: self.ctx().label(&v),
                            to: u.text.clone(),
                            span: unit.map_or(e.span, |u| u.span),
                            value_span: e.span,
                        }));
                        continue;
                    }
                    columns.push(Column {
                        label: self.label(e),
                        value: v,
                        unit: explicit.clone(),
                    });
                }
                Err(EvalError::Skipped) => {}
                Err(err) => errors.push(ScnError::Eval(err)),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        if !columns.is_empty() {
            out.insert(0, Output::Show(columns));
        }
        Ok(out)
    }

    /// `plot a, b` / `plot stack P1.load, P2.load`: one chart of values of
    /// one dimension.
    fn plot(&self, exprs: &[Expr], stack: bool) -> Result<crate::chart::Chart, Vec<ScnError>> {
        let mut values = Vec::new();
        let mut errors = Vec::new();
        for e in exprs {
            match self.ctx().eval(e) {
                Ok(v) => values.push((self.label(e), v, e.span)),
                Err(err) => errors.extend(one(err)),
            }
        }
        if !errors.is_empty() || values.is_empty() {
            return Err(errors);
        }
        plot_chart(self.m, &values, stack, "")
    }

    /// Resolves the unit after `in` to a factor and a dimension.
    pub fn unit(&self, u: &UnitExpr) -> Result<ExplicitUnit, EvalError> {
        let mut errs = Vec::new();
        check_unit_expr(self.m, u, &mut errs);
        if !errs.is_empty() {
            return Err(EvalError::Skipped);
        }
        let mut factor = 1.0;
        let mut dim = Dim::NONE;
        let mut percent = false;
        for f in &u.factors {
            let (uf, ud) = match f.name.as_str() {
                "%" => {
                    percent = true;
                    (0.01, Dim::NONE)
                }
                "$" => (1.0, Dim::base(crate::units::dim::MONEY)),
                "$k" => (1e3, Dim::base(crate::units::dim::MONEY)),
                "$M" => (1e6, Dim::base(crate::units::dim::MONEY)),
                "$B" => (1e9, Dim::base(crate::units::dim::MONEY)),
                "$T" => (1e12, Dim::base(crate::units::dim::MONEY)),
                n => match builtin(n) {
                    Some(b) => b,
                    None => {
                        let v = match self.m.names.get(n) {
                            Some(Sym::Node(id))
                                if matches!(self.m.nodes[*id].kind, NodeKind::Unit { .. }) =>
                            {
                                self.current.value(*id)?
                            }
                            _ => return Err(EvalError::Skipped),
                        };
                        (v.data[0], v.dim)
                    }
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

    fn assert(&self, expr: &Expr, within: Option<&Expr>) -> Result<AssertOutcome, EvalError> {
        let mut ctx = self.ctx();
        if let Some(w) = within {
            let t = ctx.eval(w)?;
            ctx.number(&t, w.span)?;
            if t.series {
                return Err(EvalError::Type {
                    expected: "a single tolerance".into(),
                    found: "a series".into(),
                    span: w.span,
                    help: None,
                });
            }
            ctx.tol = if t.dim.is_none() {
                Tol {
                    rel: t.data[0],
                    abs: None,
                }
            } else {
                Tol {
                    rel: 0.0,
                    abs: Some((t.data[0], t.dim, w.span)),
                }
            };
        }
        let v = ctx.eval(expr)?;
        if !v.is_bool() {
            return Err(EvalError::Type {
                expected: "a condition (true/false)".into(),
                found: ctx.label(&v),
                span: expr.span,
                help: Some("assert a comparison: `assert x@2030 >= 75%`".into()),
            });
        }
        // An uncertain condition must hold in every sample.
        let passed = v.data.iter().all(|&x| x != 0.0);
        if v.is_uncertain() && !passed {
            let (name, line, col) = self.sources.locate(expr.span.start).unwrap_or_default();
            let p = crate::eval::stats::prob(&v);
            let worst = p.iter().copied().fold(f64::INFINITY, f64::min);
            return Ok(AssertOutcome {
                passed,
                location: format!("{name}:{line}:{col}"),
                source: self.sources.line_of(expr.span).to_string(),
                detail: vec![
                    format!(
                        "holds in only {}% of the samples",
                        crate::units::format::fmt_sig(worst * 100.0, 4, true)
                    ),
                    "to accept some risk, assert a probability: `assert prob(…) >= 95%`".into(),
                ],
            });
        }
        let (name, line, col) = self.sources.locate(expr.span.start).unwrap_or_default();
        let mut detail = Vec::new();
        if !passed {
            let fmt = |v: &Value, i: usize| {
                crate::units::format_quantity(v.at(i), v.dim, v.kind, v.hint, &self.m.base_names)
            };
            let sides = match &expr.kind {
                ExprKind::Binary { lhs, rhs, op, .. } if !matches!(op, BinOp::And | BinOp::Or) => {
                    Some((
                        ctx.eval(lhs)?,
                        ctx.eval(rhs)?,
                        self.label(lhs),
                        self.label(rhs),
                    ))
                }
                _ => None,
            };
            if v.series {
                let failing: Vec<usize> = (0..v.data.len()).filter(|&i| v.data[i] == 0.0).collect();
                let years: Vec<String> = failing
                    .iter()
                    .map(|i| (self.m.timeline.map_or(0, |t| t.0) + *i as i64).to_string())
                    .collect();
                detail.push(format!("fails in {}", years.join(", ")));
                if let Some((l, r, ls, rs)) = &sides {
                    for (&i, y) in failing.iter().zip(&years).take(10) {
                        detail.push(format!("{y}: {ls} = {}, {rs} = {}", fmt(l, i), fmt(r, i)));
                    }
                }
            } else if let Some((l, r, ls, rs)) = &sides {
                detail.push(format!("left:  {ls} = {}", fmt(l, 0)));
                detail.push(format!("right: {rs} = {}", fmt(r, 0)));
            }
        }
        Ok(AssertOutcome {
            passed,
            location: format!("{name}:{line}:{col}"),
            source: self.sources.line_of(expr.span).to_string(),
            detail,
        })
    }

    fn compare(
        &mut self,
        scenarios: &[Ident],
        exprs: &[Expr],
    ) -> Result<Vec<Output>, Vec<ScnError>> {
        let mut names = Vec::new();
        for s in scenarios {
            if s.name != "base" && !self.worlds.contains_key(&s.name) {
                let w = scenario_world(self.m, self.base, s, &[])?;
                self.worlds.insert(s.name.clone(), w);
            }
            names.push(s.name.clone());
        }
        let mut rows = Vec::new();
        let mut errors = Vec::new();
        for e in exprs {
            let mut values = Vec::new();
            for n in &names {
                let w = if n == "base" {
                    self.base
                } else {
                    &self.worlds[n]
                };
                match Ctx::new(self.m, w).eval(e) {
                    // Scenarios of an uncertain model are compared by their means
                    // (a condition by its probability).
                    Ok(v) if v.is_uncertain() => {
                        let data = if v.is_bool() {
                            crate::eval::stats::prob(&v)
                        } else {
                            crate::eval::stats::mean(&v)
                        };
                        let kind = if v.is_bool() { Kind::Percent } else { v.kind };
                        values.push(Value {
                            samples: 1,
                            data: data.into(),
                            kind,
                            ..v
                        })
                    }
                    Ok(v) => values.push(v),
                    Err(EvalError::Skipped) => {}
                    Err(err) => errors.push(ScnError::Eval(err)),
                }
            }
            if values.len() == names.len() {
                let dims: Vec<(Dim, Kind)> = values.iter().map(|v| (v.dim, v.kind)).collect();
                if dims.windows(2).any(|w| w[0].0 != w[1].0) {
                    errors.push(ScnError::Eval(EvalError::Type {
                        expected: "one dimension in every scenario".into(),
                        found: "different dimensions".into(),
                        span: e.span,
                        help: None,
                    }));
                    continue;
                }
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
            scenarios: names,
            rows,
        }])
    }
}

fn one(e: EvalError) -> Vec<ScnError> {
    match e {
        EvalError::Skipped => Vec::new(),
        e => vec![ScnError::Eval(e)],
    }
}

/// The world of a named scenario: its `extends` chain applied from the base
/// up, then `extra` overrides (`--set`) on top.
pub fn scenario_world(
    m: &Model,
    base: &World,
    name: &Ident,
    extra: &[(usize, Expr)],
) -> Result<World, Vec<ScnError>> {
    use crate::check::CheckError;
    let mut chain = Vec::new();
    if name.name != "base" {
        let mut cur = name.clone();
        loop {
            let Some(s) = m.scenario(&cur.name) else {
                let help = crate::check::suggest(
                    &cur.name,
                    m.scenarios.iter().map(|s| s.name.as_str()).chain(["base"]),
                )
                .map(|s| format!("did you mean `{s}`?"))
                .or_else(|| {
                    Some(format!(
                        "the scenarios are: base{}",
                        m.scenarios
                            .iter()
                            .map(|s| format!(", {}", s.name))
                            .collect::<String>()
                    ))
                });
                return Err(vec![ScnError::Check(CheckError::UnknownScenario {
                    name: cur.name.clone(),
                    span: cur.span,
                    help,
                })]);
            };
            if chain
                .iter()
                .any(|c: &&crate::check::ScenarioDef| c.name == s.name)
            {
                // Name the cycle from its alphabetically first member, so
                // every scenario on it reports the same error.
                let start = chain.iter().position(|c| c.name == s.name).unwrap_or(0);
                let mut members: Vec<&crate::check::ScenarioDef> = chain[start..].to_vec();
                let first = (0..members.len())
                    .min_by_key(|&i| &members[i].name)
                    .unwrap_or(0);
                members.rotate_left(first);
                let mut names: Vec<String> = members.iter().map(|c| c.name.clone()).collect();
                names.push(names[0].clone());
                let spans = members
                    .iter()
                    .zip(names.iter().skip(1))
                    .map(|(c, next)| {
                        let at = c.extends.as_ref().map_or(c.span, |e| e.span);
                        miette::LabeledSpan::new_with_span(
                            Some(format!("`{}` extends `{next}`", c.name)),
                            at,
                        )
                    })
                    .collect();
                return Err(vec![ScnError::Check(CheckError::ScenarioCycle {
                    names: names.join(" → "),
                    spans,
                })]);
            }
            chain.push(s);
            match &s.extends {
                Some(p) if p.name == "base" => break,
                Some(p) => cur = p.clone(),
                None => break,
            }
        }
    }
    let mut overrides = HashMap::new();
    for s in chain.iter().rev() {
        for (id, e) in &s.overrides {
            overrides.insert(*id, e.clone());
        }
    }
    for (id, e) in extra {
        overrides.insert(*id, e.clone());
    }
    let (w, errors) = evaluate_with(m, base, &name.name, overrides)
        .map_err(|es| es.into_iter().map(ScnError::Check).collect::<Vec<_>>())?;
    let mut errs: Vec<ScnError> = Vec::new();
    // An override keeps the dimension of what it replaces.
    for (id, e) in &w.overrides {
        if let (Some(Some(old)), Some(Some(new))) = (base.values.get(*id), w.values.get(*id))
            && (old.dim != new.dim || old.is_bool() != new.is_bool())
        {
            let label = |v: &Value| unit_label(v.dim, v.kind, Hint::default(), &m.base_names);
            errs.push(ScnError::Eval(EvalError::OverrideDims {
                name: m.nodes[*id].name.clone(),
                found: label(new),
                expected: label(old),
                span: e.span,
                original: m.nodes[*id]
                    .expr
                    .as_ref()
                    .map_or(m.nodes[*id].span, |x| x.span),
            }));
        }
    }
    // A dimension changed by an override explains any error downstream of
    // it: report only that.
    if errs.is_empty() {
        errs.extend(errors.into_iter().map(ScnError::Eval));
    }
    if errs.is_empty() { Ok(w) } else { Err(errs) }
}

/// Span-free helper for callers that only have a scenario name.
pub fn scenario_ident(name: &str, span: Span) -> Ident {
    Ident {
        name: name.to_string(),
        span,
    }
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
        vec![ScnError::Eval(match e {
            ChartError::NoTimeline => EvalError::NoTimeline { span: first },
            ChartError::MixedUnits {
                first_unit,
                label,
                unit,
                ..
            } => EvalError::PlotUnits {
                left: first_unit,
                right: unit,
                lspan: first,
                rspan: values.iter().find(|v| v.0 == label).map_or(first, |v| v.2),
            },
            ChartError::Draw(msg) => EvalError::NotSupported {
                what: format!("drawing this chart ({msg})"),
                help: "report this as a bug".into(),
                span: first,
            },
        })]
    })
}
