//! Checking: from the files' programs to the [`Model`] — every declaration
//! a node of one dependency graph, every name resolved (with "did you
//! mean"), every node typed for the base and for each scenario, every
//! statement checked — before a single number is computed.

pub mod csv;
mod declare;
pub mod defs;
pub mod error;
pub mod graph;
pub mod ir;
pub mod lower;
pub mod model;
pub mod resolve;
pub mod types;
pub mod vocab;

use std::collections::HashMap;
use std::sync::Arc;

pub use error::{CheckError, InScenario};
pub use ir::{Ir, IrKind, NodeId};
pub use lower::{Fail, Lowerer, stable_hash};
pub use model::*;
pub use types::Type;

use crate::diag::did_you_mean;
use crate::error::ScnError;
use crate::span::Span;
use crate::syntax::ast::{Expr, ExprKind, Ident, Program, Target};

/// One file of a model, parsed, with its imports resolved to other files.
pub struct SourceFile {
    /// The file's name as shown (a path relative to where scn runs).
    pub name: String,
    pub program: Program,
    /// `(item index, file index)` for each `import` item.
    pub imports: Vec<(usize, usize)>,
}

/// Checks a single file's program.
pub fn check_program(program: Program, name: &str) -> (Model, Vec<ScnError>) {
    check(
        vec![SourceFile {
            name: name.to_string(),
            program,
            imports: Vec::new(),
        }],
        &[0],
    )
}

/// Builds and checks the model of some files (file 0 is the one that runs;
/// `order` declares each file after the files it imports). All independent
/// errors are returned with the model; what an error touches is marked
/// broken, so the rest can still be checked and run.
pub fn check(files: Vec<SourceFile>, order: &[usize]) -> (Model, Vec<ScnError>) {
    let d = declare::declare(files, order);
    let mut m = d.m;
    let mut errors: Vec<ScnError> = d.errors.into_iter().map(ScnError::Check).collect();
    if m.samples == 0 {
        m.samples = DEFAULT_SAMPLES;
    }
    if m.seed == 0 {
        m.seed = DEFAULT_SEED;
    }
    let base = defs::base_defs(&m, &mut errors);
    m.base = Arc::new(base);
    scenarios(&mut m, d.scenarios, &mut errors);
    correlations(&mut m, d.correlations, &mut errors);
    statements(&mut m, &mut errors);
    (m, errors)
}

/// The node a target names: `growth`, `stargate.price`, `cat.x`.
pub fn target_node(m: &Model, t: &Target) -> Result<NodeId, CheckError> {
    let first = &t.parts[0];
    let mut scope = 0;
    let mut parts: &[Ident] = &t.parts;
    // An alias leads into an imported file's names.
    while let Some(Sym::Module(s)) = m.scopes[scope].names.get(&parts[0].name) {
        if parts.len() == 1 {
            break;
        }
        scope = *s;
        parts = &parts[1..];
    }
    let bad = |why: &str, help: Option<String>| CheckError::BadOverride {
        name: t.text(),
        why: why.to_string(),
        span: t.span,
        help,
    };
    match (parts, m.scopes[scope].names.get(&parts[0].name)) {
        ([_], Some(Sym::Node(id))) => match m.nodes[*id].kind {
            NodeKind::Let => Ok(*id),
            NodeKind::Unit { .. } => Err(bad("it is a unit", None)),
            NodeKind::Solve(_) => Err(bad(
                "`solve` finds it",
                Some("override what its condition reads instead".into()),
            )),
            _ => Err(bad("it is built in", None)),
        },
        ([_], Some(Sym::Demand(d))) => Ok(m.demands[*d].node),
        ([_], Some(Sym::Provider(_))) => Err(bad(
            "it is a provider",
            Some(format!(
                "override one of its properties: `{}.capacity = …`",
                t.text()
            )),
        )),
        ([_], Some(Sym::Module(_))) => Err(bad("it is an imported file", None)),
        ([_, prop], Some(Sym::Provider(p))) => {
            let prov = &m.providers[*p];
            prov.prop_named(&prop.name).ok_or_else(|| {
                let cands: Vec<&str> = vocab::PField::PROPERTIES
                    .iter()
                    .map(|f| f.name())
                    .chain(prov.extra.iter().map(|e| e.0.as_str()))
                    .collect();
                let derived = vocab::PField::lookup(&prop.name).is_some();
                CheckError::UnknownField {
                    base: prov.name.clone(),
                    field: prop.name.clone(),
                    span: prop.span,
                    help: if derived {
                        Some(format!(
                            "`{}` is computed by the allocation; override what it is computed from",
                            prop.name
                        ))
                    } else {
                        did_you_mean(&prop.name, cands.into_iter())
                    },
                }
            })
        }
        ([_, _, ..], Some(_)) => Err(bad("only providers have properties", None)),
        (_, None) => Err(CheckError::UnknownName {
            name: if scope == 0 {
                first.name.clone()
            } else {
                t.text()
            },
            span: if scope == 0 { first.span } else { t.span },
            help: did_you_mean(
                &parts[0].name,
                m.scopes[scope].names.keys().map(String::as_str),
            ),
        }),
        ([], _) => unreachable!("a target has a name"),
    }
}

fn scenarios(
    m: &mut Model,
    declared: Vec<crate::syntax::ast::Scenario>,
    errors: &mut Vec<ScnError>,
) {
    let mut seen: HashMap<String, Span> = HashMap::new();
    let mut defs_list: Vec<ScenarioDef> = Vec::new();
    for s in declared {
        if s.name.name == "base" {
            errors.push(ScnError::Check(CheckError::BadOverride {
                name: "base".into(),
                why: "it names the file as written".into(),
                span: s.name.span,
                help: Some("choose another name for the scenario".into()),
            }));
            continue;
        }
        if let Some(first) = seen.get(&s.name.name) {
            errors.push(ScnError::Check(CheckError::Duplicate {
                name: s.name.name.clone(),
                span: s.name.span,
                first: *first,
            }));
            continue;
        }
        seen.insert(s.name.name.clone(), s.name.span);
        let mut overrides = Vec::new();
        for o in s.overrides {
            match target_node(m, &o.target) {
                Ok(id) => overrides.push((id, o.value, o.span)),
                Err(e) => errors.push(ScnError::Check(e)),
            }
        }
        defs_list.push(ScenarioDef {
            name: s.name.name,
            title: s.title,
            span: s.name.span,
            extends: s.extends,
            overrides,
            chain: Vec::new(),
        });
    }
    // Parents before children: each scenario's definitions start from its
    // parent's, so a long `extends` chain costs one step per scenario.
    let index: HashMap<String, usize> = defs_list
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.clone(), i))
        .collect();
    let n = defs_list.len();
    let mut parent: Vec<Option<usize>> = vec![None; n];
    let mut bad = vec![false; n];
    for (i, s) in defs_list.iter().enumerate() {
        if let Some(p) = &s.extends
            && p.name != "base"
        {
            match index.get(&p.name) {
                Some(&j) => parent[i] = Some(j),
                None => {
                    bad[i] = true;
                    errors.push(ScnError::Check(CheckError::UnknownScenario {
                        name: p.name.clone(),
                        span: p.span,
                        help: did_you_mean(
                            &p.name,
                            defs_list.iter().map(|s| s.name.as_str()).chain(["base"]),
                        ),
                    }));
                }
            }
        }
    }
    // Cycles of `extends`, each reported once, from its first member by name.
    let mut state = vec![0u8; n];
    let mut order = Vec::with_capacity(n);
    for start in 0..n {
        let mut path = Vec::new();
        let mut cur = Some(start);
        while let Some(i) = cur {
            if state[i] == 2 {
                break;
            }
            if state[i] == 1 {
                let at = path.iter().position(|&x| x == i).unwrap_or(0);
                let mut members: Vec<usize> = path[at..].to_vec();
                let first = (0..members.len())
                    .min_by_key(|&k| &defs_list[members[k]].name)
                    .unwrap_or(0);
                members.rotate_left(first);
                let mut names: Vec<String> =
                    members.iter().map(|&k| defs_list[k].name.clone()).collect();
                names.push(names[0].clone());
                let spans = members
                    .iter()
                    .zip(names.iter().skip(1))
                    .map(|(&k, next)| {
                        let c = &defs_list[k];
                        let at = c.extends.as_ref().map_or(c.span, |e| e.span);
                        miette::LabeledSpan::new_with_span(
                            Some(format!("`{}` extends `{next}`", c.name)),
                            at,
                        )
                    })
                    .collect();
                errors.push(ScnError::Check(CheckError::ScenarioCycle {
                    names: names.join(" → "),
                    spans,
                }));
                for &k in &members {
                    bad[k] = true;
                }
                break;
            }
            state[i] = 1;
            path.push(i);
            cur = parent[i];
        }
        for &i in path.iter().rev() {
            state[i] = 2;
            order.push(i);
        }
    }
    let mut built: Vec<Option<Arc<Defs>>> = vec![None; n];
    for &i in &order {
        let parent_bad = parent[i].is_some_and(|p| bad[p] || built[p].is_none());
        if bad[i] || parent_bad {
            bad[i] = true;
            continue;
        }
        let from = parent[i]
            .and_then(|p| built[p].clone())
            .unwrap_or_else(|| m.base.clone());
        let s = &defs_list[i];
        let own: Vec<(NodeId, Expr, Span, String)> = s
            .overrides
            .iter()
            .map(|(id, e, sp)| (*id, e.clone(), *sp, s.name.clone()))
            .collect();
        let d = defs::scenario_defs(m, &from, &m.base, &s.name, &own, errors);
        built[i] = Some(Arc::new(d));
    }
    for (i, s) in defs_list.iter().enumerate() {
        if let Some(d) = &built[i] {
            m.worlds.insert(s.name.clone(), d.clone());
        }
    }
    m.scenarios = defs_list;
}

fn correlations(
    m: &mut Model,
    declared: Vec<(Vec<Target>, Expr, Span)>,
    errors: &mut Vec<ScnError>,
) {
    for (targets, rho, span) in declared {
        let mut nodes = Vec::new();
        let mut ok = true;
        for t in &targets {
            match target_node(m, t) {
                Ok(id) => nodes.push((id, t.span)),
                Err(e) => {
                    ok = false;
                    errors.push(ScnError::Check(e));
                }
            }
        }
        let r = match rho.kind {
            ExprKind::Number { value, .. } => Some(value),
            ExprKind::Unary {
                op: crate::syntax::ast::UnOp::Neg,
                ref operand,
            } => match operand.kind {
                ExprKind::Number { value, .. } => Some(-value),
                _ => None,
            },
            _ => None,
        };
        let Some(r) = r.filter(|r| (-1.0..=1.0).contains(r)) else {
            errors.push(ScnError::Check(CheckError::BadStatement {
                what: "a correlation is a number from -1 to 1".into(),
                span: rho.span,
                label: "not a correlation".into(),
                help: Some("write `correlate growth, price = 0.6`".into()),
            }));
            continue;
        };
        if ok {
            m.correlations.push(CorrelationDef {
                nodes,
                rho: r,
                span,
            });
        }
    }
}

/// Lowers a statement's expression in some definitions (the base or a
/// scenario). `ordinal` names the random inputs written in it.
pub fn lower_statement_expr(m: &Model, defs: &Defs, e: &Expr, ordinal: usize) -> Result<Ir, Fail> {
    let ident = format!(
        "statement {ordinal} {}",
        stable_hash(&format!("{:?}", e.without_spans()))
    );
    Lowerer::new(m, defs, 0, &ident).expr(e)
}

/// `show P` / `show D` (or a bare `P` in the REPL): a provider or demand
/// named alone prints all its series, so it is not a value to lower.
pub fn entity(m: &Model, e: &Expr) -> Option<Sym> {
    match resolve::path(m, 0, e, None) {
        Ok(resolve::Path::Sym(s @ (Sym::Provider(_) | Sym::Demand(_)))) => Some(s),
        _ => None,
    }
}

fn statements(m: &mut Model, all: &mut Vec<ScnError>) {
    let mut broken = Vec::with_capacity(m.statements.len());
    let mut errors = Vec::new();
    let errors = &mut errors;
    for st in &m.statements {
        let before = errors.len();
        check_statement(m, st, errors);
        // A comparison with a scenario whose own error is reported cannot run.
        let lost = match &st.kind {
            StatementKind::Compare { scenarios, .. } => {
                scenarios.iter().any(|s| m.defs(&s.name).is_none())
            }
            StatementKind::Explain { from, to, .. } => {
                m.defs(&from.name).is_none() || m.defs(&to.name).is_none()
            }
            _ => false,
        };
        broken.push(errors.len() > before || lost);
    }
    m.broken_statements = broken;
    all.extend(errors.iter().cloned());
    m.statement_errors = std::mem::take(errors);
}

fn push_fail(errors: &mut Vec<ScnError>, f: Fail, scenario: Option<&str>) {
    let wrap = |e: CheckError| match scenario {
        None => ScnError::Check(e),
        Some(s) => ScnError::CheckIn(InScenario {
            scenario: s.to_string(),
            inner: e,
        }),
    };
    match f {
        Fail::Error(e) => errors.push(wrap(e)),
        Fail::Many(es) => errors.extend(es.into_iter().map(wrap)),
        Fail::Broken => {}
    }
}

/// Checks one statement for the base (and `compare` for its scenarios).
pub fn check_statement(m: &Model, st: &Statement, errors: &mut Vec<ScnError>) {
    let lower = |e: &Expr, defs: &Defs| lower_statement_expr(m, defs, e, st.ordinal);
    match &st.kind {
        StatementKind::Show { exprs, unit, .. } => {
            for e in exprs {
                if unit.is_none() && entity(m, e).is_some() {
                    continue;
                }
                if let Err(f) = lower(e, &m.base) {
                    push_fail(errors, f, None);
                }
            }
            if let Some(u) = unit {
                for f in &u.factors {
                    if !crate::run::unit_known(m, &f.name) {
                        errors.push(ScnError::Check(lower::unknown_unit(m, &f.name, f.span)));
                    }
                }
            }
        }
        StatementKind::Expr(e) => {
            if entity(m, e).is_none()
                && let Err(f) = lower(e, &m.base)
            {
                push_fail(errors, f, None);
            }
        }
        StatementKind::Assert { expr, within } => {
            let r = lower(expr, &m.base);
            match r {
                Ok(ir) if !ir.ty.is_bool() => errors.push(ScnError::Check(CheckError::Type {
                    expected: "a condition (true/false)".into(),
                    found: ir.ty.label(ir.hint, &m.base_names),
                    span: ir.span,
                    help: Some("assert a comparison: `assert x@2030 >= 75%`".into()),
                })),
                Ok(ir) => {
                    if let Some(w) = within
                        && let Err(f) = crate::run::tolerance(m, &m.base, w, &ir, st.ordinal)
                    {
                        push_fail(errors, f, None);
                    }
                }
                Err(f) => push_fail(errors, f, None),
            }
        }
        StatementKind::Plot { exprs, .. } => {
            let mut first: Option<Ir> = None;
            for e in exprs {
                match lower(e, &m.base) {
                    Ok(ir) => match &first {
                        None => first = Some(ir),
                        Some(f) if f.ty.dim != ir.ty.dim => {
                            errors.push(ScnError::Check(CheckError::PlotUnits {
                                left: f.ty.label(f.hint, &m.base_names),
                                right: ir.ty.label(ir.hint, &m.base_names),
                                lspan: f.span,
                                rspan: ir.span,
                            }))
                        }
                        _ => {}
                    },
                    Err(f) => push_fail(errors, f, None),
                }
            }
        }
        StatementKind::Compare { scenarios, exprs } => {
            let mut known = Vec::new();
            for s in scenarios {
                match m.defs(&s.name) {
                    Some(d) => known.push((s.name.clone(), d.clone())),
                    None if m.scenario(&s.name).is_some() => {} // its error is reported
                    None => errors.push(ScnError::Check(unknown_scenario(m, s))),
                }
            }
            for e in exprs {
                let base_ok = match lower(e, &m.base) {
                    Ok(_) => true,
                    Err(f) => {
                        push_fail(errors, f, None);
                        false
                    }
                };
                if !base_ok {
                    continue;
                }
                for (name, d) in &known {
                    if name == "base" {
                        continue;
                    }
                    if let Err(f) = lower(e, d) {
                        push_fail(errors, f, Some(name));
                    }
                }
            }
        }
        StatementKind::Sensitivity { expr, on, .. } => {
            match lower(expr, &m.base) {
                Ok(ir) if ir.ty.series || ir.ty.is_bool() => {
                    errors.push(ScnError::Check(CheckError::Type {
                        expected: "a single number".into(),
                        found: if ir.ty.series {
                            "a series".into()
                        } else {
                            "a condition".into()
                        },
                        span: ir.span,
                        help: Some(
                            "look at one period or a total: `spend@2030`, `sum(spend)`".into(),
                        ),
                    }))
                }
                Ok(_) => {}
                Err(f) => push_fail(errors, f, None),
            }
            for t in on {
                if let Err(e) = target_node(m, t) {
                    errors.push(ScnError::Check(e));
                }
            }
        }
        StatementKind::Explain { from, to, expr } => {
            for s in [from, to] {
                if m.defs(&s.name).is_none() && m.scenario(&s.name).is_none() {
                    errors.push(ScnError::Check(unknown_scenario(m, s)));
                }
            }
            match lower(expr, &m.base) {
                Ok(ir) if ir.ty.series || ir.ty.is_bool() => {
                    errors.push(ScnError::Check(CheckError::Type {
                        expected: "a single number".into(),
                        found: if ir.ty.series {
                            "a series".into()
                        } else {
                            "a condition".into()
                        },
                        span: ir.span,
                        help: Some(
                            "explain one period or a total: `spend@2030`, `sum(spend)`".into(),
                        ),
                    }))
                }
                Ok(_) => {}
                Err(f) => push_fail(errors, f, None),
            }
        }
        StatementKind::ShowPlan => {
            if m.plan.is_none() {
                errors.push(ScnError::Check(CheckError::BadStatement {
                    what: "there is no plan to show".into(),
                    span: st.span,
                    label: "no `plan` in this file".into(),
                    help: Some("add one: `plan minimize sum(spend)`".into()),
                }));
            }
        }
    }
}

pub fn unknown_scenario(m: &Model, s: &Ident) -> CheckError {
    let help = did_you_mean(
        &s.name,
        m.scenarios.iter().map(|x| x.name.as_str()).chain(["base"]),
    )
    .or_else(|| {
        Some(format!(
            "the scenarios are: base{}",
            m.scenarios
                .iter()
                .map(|x| format!(", {}", x.name))
                .collect::<String>()
        ))
    });
    CheckError::UnknownScenario {
        name: s.name.clone(),
        span: s.span,
        help,
    }
}
