//! How names and values are described to a user: the rows of `:list`, the
//! line of `:type`, scenario titles, a loaded file's summary, and outputs.

use crate::check::{DERIVED_PROVIDER, Model, NodeKind, Sym};
use crate::eval::{Ctx, Value, World, allocate};
use crate::report;
use crate::run::Output;
use crate::span::Span;
use crate::syntax::ast::ItemKind;
use crate::units::dim::{BUILTIN_BASES, BaseNames};
use crate::units::format::Kind;
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

/// The unit a value is shown in: `GW`, `USD/GW`, `%`, `year`, `true/false`.
pub fn unit(v: &Value, names: &BaseNames) -> String {
    match v.kind {
        Kind::Bool => "true/false".into(),
        Kind::Year => "year".into(),
        Kind::Percent if v.dim.is_none() => "%".into(),
        _ if v.dim.is_none() => "number".into(),
        _ => unit_label(v.dim, v.kind, v.hint, names),
    }
}

fn shape(m: &Model, v: &Value) -> String {
    let s = match (v.series, m.timeline) {
        (true, Some((a, b))) => format!("series {a}..{b}"),
        (true, None) => "series".into(),
        (false, _) => "scalar".into(),
    };
    if v.is_uncertain() {
        format!("{s}, uncertain ({} samples)", v.samples)
    } else {
        s
    }
}

/// `money [USD], series 2024..2030`; `year, scalar`; `dimensionless [%], …`.
pub fn value_type(m: &Model, v: &Value) -> String {
    let what = match v.kind {
        Kind::Bool => "true/false".to_string(),
        Kind::Year => "year".to_string(),
        Kind::Percent if v.dim.is_none() => "dimensionless [%]".to_string(),
        _ if v.dim.is_none() => "dimensionless".to_string(),
        _ => format!(
            "{} [{}]",
            dimension(v.dim, &m.base_names),
            unit(v, &m.base_names)
        ),
    };
    format!("{what}, {}", shape(m, v))
}

fn load(m: &Model, w: &World, p: usize) -> Option<Value> {
    allocate::provider_field(&Ctx::new(m, w), p, "load", Span::default()).ok()
}

/// `provider "SoftBank Stargate" of power [GW]; fields: capacity, price, …`.
pub fn provider(m: &Model, w: &World, p: usize) -> String {
    let prov = &m.providers[p];
    let mut s = String::from("provider");
    if let Some(t) = &prov.title {
        s.push_str(&format!(" \"{t}\""));
    }
    if let Some(v) = load(m, w, p) {
        s.push_str(&format!(
            " of {} [{}]",
            dimension(v.dim, &m.base_names),
            unit(&v, &m.base_names)
        ));
    }
    let mut fields: Vec<&str> = ["capacity", "price", "online", "retire"]
        .into_iter()
        .filter(|f| {
            prov.prop(f)
                .is_some_and(|id| w.expr(m, id).is_some() || *f == "price")
        })
        .collect();
    fields.extend(DERIVED_PROVIDER);
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
    let value = |id: usize| w.values.get(id).and_then(|v| v.as_deref());
    let named = |name: &str| match m.names.get(name) {
        Some(Sym::Node(id)) => value(*id),
        Some(Sym::Demand(d)) => value(m.demands[*d].node),
        _ => None,
    };
    let row = |name: &str, kind: &str, v: Option<&Value>, title: String| {
        vec![
            name.to_string(),
            kind.to_string(),
            v.map_or(String::new(), |v| unit(v, &m.base_names)),
            v.map_or(String::new(), |v| {
                let s = if v.series { "series" } else { "scalar" };
                if v.is_uncertain() {
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
            ItemKind::Demand { name, title, .. } => {
                rows.push(row(&name.name, "demand", named(&name.name), quoted(title)))
            }
            ItemKind::Unit { name, value: v } => {
                let note = if v.is_none() { "a new dimension" } else { "" };
                rows.push(row(&name.name, "unit", named(&name.name), note.into()));
            }
            ItemKind::Provider { name, title, props } => {
                let Some(Sym::Provider(p)) = m.names.get(&name.name) else {
                    continue;
                };
                let l = load(m, w, *p);
                let mut r = row(&name.name, "provider", l.as_ref(), quoted(title));
                r[3] = String::new();
                rows.push(r);
                let prov = &m.providers[*p];
                for prop in props {
                    let v = prov.prop(&prop.name.name).and_then(value);
                    let full = format!("{}.{}", name.name, prop.name.name);
                    let mut r = row(&full, "property", v, String::new());
                    if matches!(prop.name.name.as_str(), "online" | "retire") && r[2] == "number" {
                        r[2] = "year".into();
                    }
                    rows.push(r);
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
    if let Some((a, b)) = m.timeline {
        out.push_str(&format!("timeline {a}..{b}\n"));
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
        m.timeline.map(|(a, b)| format!("{a}..{b}")),
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
