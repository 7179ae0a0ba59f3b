//! What a redeclaration changed: every named value of the old and new
//! worlds compared, so the REPL can say `changed: spend, stargate.load`.

use std::collections::HashMap;

use crate::check::{self, Model, NodeKind};
use crate::eval::{Ctx, Value, World, allocate};
use crate::span::Span;

use super::session::State;

/// At most a dozen names, then how many more.
pub(crate) fn list_names(names: &[String]) -> String {
    const MAX: usize = 12;
    let mut s = names
        .iter()
        .take(MAX)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > MAX {
        s.push_str(&format!(" and {} more", names.len() - MAX));
    }
    s
}

/// Every named value of a world: declarations, provider properties, and
/// what the allocation derives (`p.load`, `d.spend`, …).
fn values(m: &Model, w: &World) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (id, node) in m.nodes.iter().enumerate() {
        if node.kind == NodeKind::Allocation {
            continue;
        }
        if let Some(Some(v)) = w.values.get(id) {
            out.push((node.name.clone(), (**v).clone()));
        }
    }
    let ctx = Ctx::new(m, w);
    for (p, prov) in m.providers.iter().enumerate() {
        for f in ["load", "spend"] {
            if let Ok(v) = allocate::provider_field(&ctx, p, f, Span::default()) {
                out.push((format!("{}.{f}", prov.name), v));
            }
        }
    }
    for (d, dem) in m.demands.iter().enumerate() {
        for f in check::DERIVED_DEMAND {
            if let Ok(v) = allocate::demand_field(&ctx, d, f) {
                out.push((format!("{}.{f}", dem.name), v));
            }
        }
    }
    out
}

fn same(a: &Value, b: &Value) -> bool {
    a.dim == b.dim
        && a.kind == b.kind
        && a.series == b.series
        && a.data.len() == b.data.len()
        && a.data.iter().zip(&b.data).all(|(x, y)| {
            (x.is_nan() && y.is_nan()) || x == y || (x - y).abs() <= 1e-12 * x.abs().max(y.abs())
        })
}

/// The names (other than those just declared) whose value differs between
/// two states, in the selected scenario.
pub(crate) fn changes(old: &State, new: &State, declared: &[String]) -> Vec<String> {
    let before: HashMap<String, Value> = values(&old.model, old.world()).into_iter().collect();
    values(&new.model, new.world())
        .into_iter()
        .filter(|(name, v)| {
            let head = name.split('.').next().unwrap_or(name);
            !declared.iter().any(|d| d == head) && before.get(name).is_some_and(|old| !same(old, v))
        })
        .map(|(name, _)| name)
        .collect()
}
