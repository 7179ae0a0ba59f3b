//! How names and values are described to a user: the rows of `:list`, the
//! line of `:type` (from types, nothing computed), scenario titles, a
//! loaded file's summary, and outputs.

use crate::check::vocab::{PField, PROVIDER_FIELDS};
use crate::check::{Model, NodeKind, Sym, Type};
use crate::eval::World;
use crate::report;
use crate::run::Output;
use crate::syntax::ast::ItemKind;
use crate::units::dim::{BUILTIN_BASES, BaseNames};
use crate::units::format::{Hint, Kind};
use crate::units::{Dim, unit_label};

use super::session::State;

const BASE_DIMENSIONS: [&str; BUILTIN_BASES] = ["money", "time", "power", "compute", "mass"];

/// A dimension in words: `money`, `money/power`, `energy`, `gpu*time`.
pub fn dimension(dim: Dim, names: &BaseNames) -> String {
    if dim.is_none() {
        return "dimensionless".into();
    }
    if dim == Dim::energy() {
        return "energy".into();
    }
    let mut num = Vec::new();
    let mut den = Vec::new();
    for (i, &e) in dim.0.iter().enumerate() {
        if e == 0 {
            continue;
        }
        let name = BASE_DIMENSIONS
            .get(i)
            .copied()
            .unwrap_or_else(|| names.name(i));
        let term = if e.abs() == 1 {
            name.to_string()
        } else {
            format!("{name}^{}", e.abs())
        };
        if e > 0 {
            num.push(term)
        } else {
            den.push(term)
        }
    }
    let mut s = if num.is_empty() {
        "1".to_string()
    } else {
        num.join("*")
    };
    for d in den {
        s.push('/');
        s.push_str(&d);
    }
    s
}

/// What a period is called on this model's timeline.
fn period_word(m: &Model) -> &'static str {
    m.timeline.map_or("period", |t| match t.step {
        crate::time::Step::Yearly => "year",
        crate::time::Step::Quarterly => "quarter",
        crate::time::Step::Monthly => "month",
    })
}

/// The unit a type is shown in: `GW`, `USD/GW`, `%`, `month`, `true/false`.
pub fn unit(m: &Model, ty: Type, hint: Hint) -> String {
    match ty.kind {
        Kind::Bool => "true/false".into(),
        Kind::Period => period_word(m).into(),
        Kind::Percent if ty.dim.is_none() => "%".into(),
        _ if ty.dim.is_none() => "number".into(),
        _ => unit_label(ty.dim, ty.kind, hint, &m.base_names),
    }
}

fn shape(m: &Model, ty: Type) -> String {
    let s = match (ty.series, m.timeline) {
        (true, Some(t)) => format!("series {} ({})", t.range_text(), t.step.word()),
        (true, None) => "series".into(),
        (false, _) => "scalar".into(),
    };
    if ty.uncertain {
        format!("{s}, uncertain ({} samples)", m.samples)
    } else {
        s
    }
}

/// `money [USD], series 2024..2030 (yearly)`; `a month, scalar`; `dimensionless [%], …`.
pub fn type_text(m: &Model, ty: Type, hint: Hint) -> String {
    let what = match ty.kind {
        Kind::Bool => "true/false".to_string(),
        Kind::Period => format!("a {}", period_word(m)),
        Kind::Percent if ty.dim.is_none() => "dimensionless [%]".to_string(),
        _ if ty.dim.is_none() => "dimensionless".to_string(),
        _ => format!(
            "{} [{}]",
            dimension(ty.dim, &m.base_names),
            unit(m, ty, hint)
        ),
    };
    format!("{what}, {}", shape(m, ty))
}

/// `provider "SoftBank Stargate" of power [GW]; fields: capacity, price, …`.
pub fn provider(m: &Model, w: &World, p: usize) -> String {
    let prov = &m.providers[p];
    let mut s = String::from("provider");
    if let Some(t) = &prov.title {
        s.push_str(&format!(" \"{t}\""));
    }
    let dim = w.defs.load_dim.get(p).copied().unwrap_or(Dim::NONE);
    let hint = w.defs.load_hint.get(p).copied().unwrap_or_default();
    if !dim.is_none() {
        s.push_str(&format!(
            " of {} [{}]",
            dimension(dim, &m.base_names),
            unit_label(dim, Kind::Number, hint, &m.base_names)
        ));
    }
    let mut fields: Vec<&str> = PROVIDER_FIELDS
        .iter()
        .filter(|f| !f.property || f.f == PField::Price || m.has_prop(&w.defs, p, f.f))
        .filter(|f| f.f != PField::Headroom && f.f != PField::Capacity || m.limited(&w.defs, p))
        .map(|f| f.name)
        .collect();
    fields.extend(prov.extra.iter().map(|e| e.0.as_str()));
    s.push_str(&format!("; fields: {}", fields.join(", ")));
    s
}

/// `base (the file as written)`, `delayed "Stargate slips two years"`.
pub fn scenario_title(m: &Model, name: &str) -> String {
    match m.scenario(name) {
        _ if name == "base" => "base (the file as written)".into(),
        Some(s) => match (&s.title, &s.extends) {
            (Some(t), Some(e)) => format!("{name} \"{t}\" (extends {})", e.name),
            (Some(t), None) => format!("{name} \"{t}\""),
            (None, Some(e)) => format!("{name} (extends {})", e.name),
            (None, None) => name.to_string(),
        },
        None => name.to_string(),
    }
}

/// Left-aligned columns, trailing spaces trimmed.
fn columns(rows: &[Vec<String>]) -> String {
    crate::report::aligned(rows, usize::MAX)
}

/// `:list`: every name in declaration order, with kind, unit, shape and title.
pub fn list(state: &State) -> String {
    let m = &state.model;
    let w = state.world();
    let defs = &w.defs;
    let typed = |id: usize| (!defs.broken[id]).then(|| (defs.ty[id], defs.hint[id]));
    let named = |name: &str| match m.lookup(name) {
        Some(Sym::Node(id)) => typed(id),
        Some(Sym::Demand(d)) => typed(m.demands[d].node),
        _ => None,
    };
    let row = |name: &str, kind: &str, t: Option<(Type, Hint)>, title: String| {
        vec![
            name.to_string(),
            kind.to_string(),
            t.map_or(String::new(), |(ty, h)| unit(m, ty, h)),
            t.map_or(String::new(), |(ty, _)| {
                let s = if ty.series { "series" } else { "scalar" };
                if ty.uncertain {
                    format!("{s}, uncertain")
                } else {
                    s.to_string()
                }
            }),
            title,
        ]
    };
    let quoted = |t: &Option<String>| t.as_ref().map_or(String::new(), |t| format!("\"{t}\""));
    let mut rows = vec![
        ["name", "kind", "unit", "shape", "title"]
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>(),
    ];
    for item in &state.items {
        match &item.kind {
            ItemKind::Let { name, .. } => {
                rows.push(row(&name.name, "let", named(&name.name), String::new()))
            }
            ItemKind::Solve { name, .. } => {
                rows.push(row(&name.name, "solve", named(&name.name), String::new()))
            }
            ItemKind::Demand { name, title, .. } => {
                rows.push(row(&name.name, "demand", named(&name.name), quoted(title)))
            }
            ItemKind::Unit { name, value: v } => {
                let note = if v.is_none() { "a new dimension" } else { "" };
                rows.push(row(&name.name, "unit", named(&name.name), note.into()));
            }
            ItemKind::Provider { name, title, props } => {
                let Some(Sym::Provider(p)) = m.lookup(&name.name) else {
                    continue;
                };
                let dim = defs.load_dim.get(p).copied().unwrap_or(Dim::NONE);
                let hint = defs.load_hint.get(p).copied().unwrap_or_default();
                let mut r = row(
                    &name.name,
                    "provider",
                    Some((Type::of(dim), hint)),
                    quoted(title),
                );
                r[3] = String::new();
                rows.push(r);
                let prov = &m.providers[p];
                for prop in props {
                    let t = prov.prop_named(&prop.name.name).and_then(typed);
                    let full = format!("{}.{}", name.name, prop.name.name);
                    rows.push(row(&full, "property", t, String::new()));
                }
            }
            ItemKind::Scenario(s) => {
                let mut title = quoted(&s.title);
                if let Some(e) = &s.extends {
                    title = format!("{title} (extends {})", e.name).trim().to_string();
                }
                rows.push(row(&s.name.name, "scenario", None, title));
            }
            _ => {}
        }
    }
    let mut out = String::new();
    if let Some(t) = m.timeline {
        let step = if t.step == crate::time::Step::Yearly {
            String::new()
        } else {
            format!(" {}", t.step.word())
        };
        out.push_str(&format!("timeline {}{step}\n", t.range_text()));
    }
    let settings: Vec<String> = state
        .items
        .iter()
        .filter_map(|i| match i.kind {
            ItemKind::Samples(_) => Some(format!("samples {}", m.samples)),
            ItemKind::Seed(_) => Some(format!("seed {}", m.seed)),
            _ => None,
        })
        .collect();
    if !settings.is_empty() {
        out.push_str(&settings.join(", "));
        out.push('\n');
    }
    if rows.len() == 1 {
        out.push_str("no names declared yet\n");
    } else {
        out.push_str(&columns(&rows));
    }
    out
}

/// Outputs as text; a passing assert, silent in a file, says so here.
pub(crate) fn render(m: &Model, outputs: &[Output]) -> String {
    let mut text = report::text(m, outputs);
    for o in outputs {
        if let Output::Assert(a) = o
            && a.passed
        {
            text.push_str(&format!("passed: {}\n", a.source));
        }
    }
    text
}

/// `2024..2030, 2 demands, 2 providers, 1 let, 1 scenario, 5 statements`.
pub(crate) fn summary(m: &Model) -> String {
    let count = |n: usize, one: &str, many: &str| match n {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {many}")),
    };
    let lets = m.nodes.iter().filter(|n| n.kind == NodeKind::Let).count();
    let units = m
        .nodes
        .iter()
        .filter(|n| matches!(n.kind, NodeKind::Unit { .. }))
        .count();
    let parts: Vec<String> = [
        m.timeline.map(|t| {
            if t.step == crate::time::Step::Yearly {
                t.range_text()
            } else {
                format!("{} {}", t.range_text(), t.step.word())
            }
        }),
        count(m.demands.len(), "demand", "demands"),
        count(m.providers.len(), "provider", "providers"),
        count(lets, "let", "lets"),
        count(units, "unit", "units"),
        count(m.scenarios.len(), "scenario", "scenarios"),
        count(
            m.statements.len(),
            "statement (`:run` runs it)",
            "statements (`:run` runs them)",
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        "nothing declared".into()
    } else {
        parts.join(", ")
    }
}
