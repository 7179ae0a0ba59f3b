//! What a redeclaration changed: the named values of the old and new
//! worlds compared, so the REPL can say `changed: spend, stargate.load`.
//! Values a redeclaration did not reach are shared, so most comparisons are
//! one pointer check.

use std::collections::HashMap;
use std::sync::Arc;

use crate::check::ir::ProviderRead;
use crate::check::vocab::DField;
use crate::check::{Model, NodeKind};
use crate::eval::{Meta, Value, World};

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
fn values(m: &Model, w: &World) -> Vec<(String, Option<Arc<Value>>, Option<Value>)> {
    let mut out = Vec::new();
    for (id, node) in m.nodes.iter().enumerate() {
        if matches!(
            node.kind,
            NodeKind::Allocation | NodeKind::Plan | NodeKind::Built(_)
        ) {
            continue;
        }
        // `p.capacity` is the effective capacity (the `Capacity` node).
        if let NodeKind::Prop {
            provider,
            field: Some(f),
        } = node.kind
            && (f == crate::check::vocab::PField::Capacity || !m.has_prop(&w.defs, provider, f))
        {
            continue;
        }
        if let Some(Some(v)) = w.values.get(id) {
            out.push((node.name.clone(), Some(v.clone()), None));
        }
    }
    let ctx = crate::eval::Ctx::new(m, w);
    if w.alloc.is_some() {
        for (p, prov) in m.providers.iter().enumerate() {
            for (f, r) in [("load", ProviderRead::Load), ("spend", ProviderRead::Spend)] {
                if let Ok(v) = crate::eval::alloc::provider_read(&ctx, p, r, Meta::NUMBER) {
                    out.push((format!("{}.{f}", prov.name), None, Some(v)));
                }
            }
        }
        for (d, dem) in m.demands.iter().enumerate() {
            for (f, r) in [
                ("served", DField::Served),
                ("unmet", DField::Unmet),
                ("spend", DField::Spend),
            ] {
                if let Ok(v) = crate::eval::alloc::demand_read(&ctx, d, r, Meta::NUMBER) {
                    out.push((format!("{}.{f}", dem.name), None, Some(v)));
                }
            }
        }
    }
    out
}

fn same(a: &Value, b: &Value) -> bool {
    a.dim() == b.dim()
        && a.is_series() == b.is_series()
        && a.data().len() == b.data().len()
        && a.data()
            .iter()
            .zip(b.data().iter())
            .all(|(x, y)| x == y || (x - y).abs() <= 1e-12 * x.abs().max(y.abs()))
}

/// The names (other than those just declared) whose value differs between
/// two states, in the selected scenario.
pub(crate) fn changes(old: &State, new: &State, declared: &[String]) -> Vec<String> {
    let before: HashMap<String, (Option<Arc<Value>>, Option<Value>)> =
        values(&old.model, old.world())
            .into_iter()
            .map(|(n, a, b)| (n, (a, b)))
            .collect();
    values(&new.model, new.world())
        .into_iter()
        .filter(|(name, a, b)| {
            let head = name.split('.').next().unwrap_or(name);
            if declared.iter().any(|d| d == head) {
                return false;
            }
            match (before.get(name), a, b) {
                (Some((Some(x), _)), Some(y), _) => !Arc::ptr_eq(x, y) && !same(x, y),
                (Some((_, Some(x))), _, Some(y)) => !same(x, y),
                _ => false,
            }
        })
        .map(|(name, _, _)| name)
        .collect()
}
