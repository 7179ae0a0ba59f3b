//! Outputs as one JSON document, numbers in SI base units with the unit
//! named; an uncertain value as its summary, never its samples.

use serde_json::{Value as Json, json};

use super::difference;
use crate::check::Model;
use crate::eval::Value;
use crate::run::{Axis, Column, Output};
use crate::units::format::Kind;

/// The unit a value's numbers are in, for machines.
pub fn si_unit(m: &Model, v: &Value) -> String {
    match v.kind() {
        Kind::Bool => "bool".to_string(),
        Kind::Period => m.period_unit().to_string(),
        _ => m.base_names.si_unit(v.dim()),
    }
}

/// The period labels of the timeline: years on a yearly one (numbers),
/// `2026-07` / `2026Q3` otherwise (strings).
pub fn period_keys(m: &Model, axis: &Axis) -> (&'static str, Json) {
    match (axis, m.timeline) {
        (Axis::Years(ys), _) => ("years", json!(ys)),
        (_, Some(t)) if t.step == crate::time::Step::Yearly => (
            "years",
            json!((0..t.len()).map(|i| t.year_of(i)).collect::<Vec<_>>()),
        ),
        (_, Some(t)) => (
            "periods",
            json!((0..t.len()).map(|i| t.label(i)).collect::<Vec<_>>()),
        ),
        (_, None) => ("years", json!([])),
    }
}

fn num(m: &Model, v: &Value, x: f64) -> Json {
    if v.kind() == Kind::Period {
        return match m.timeline {
            _ if x.is_infinite() => json!("never"),
            Some(t) if t.step != crate::time::Step::Yearly => json!(t.format_value(x)),
            _ => json!(x),
        };
    }
    if x.is_finite() { json!(x) } else { Json::Null }
}

pub fn json_value(m: &Model, v: &Value, axis: &Axis) -> Json {
    let mut o = json!({ "unit": si_unit(m, v) });
    if v.is_uncertain() {
        let arr = |xs: &[f64]| -> Json {
            let a: Vec<Json> = xs.iter().map(|&x| num(m, v, x)).collect();
            if v.is_series() {
                json!(a)
            } else {
                a[0].clone()
            }
        };
        o["samples"] = json!(v.samples());
        if v.is_bool() {
            o["unit"] = json!("probability");
            o[if v.is_series() { "values" } else { "value" }] = arr(&crate::eval::stats::prob(v));
        } else {
            let s = crate::eval::stats::summary(v);
            o["mean"] = arr(&s.mean);
            o["p5"] = arr(&s.p5);
            o["p50"] = arr(&s.p50);
            o["p95"] = arr(&s.p95);
        }
    } else if v.is_bool() {
        let b: Vec<Json> = v.data().iter().map(|&x| json!(x != 0.0)).collect();
        o["value"] = if v.is_series() {
            json!(b)
        } else {
            b[0].clone()
        };
    } else if v.is_series() {
        o["values"] = json!(v.data().iter().map(|&x| num(m, v, x)).collect::<Vec<_>>());
    } else {
        o["value"] = num(m, v, v.data()[0]);
    }
    if v.is_series() {
        let (k, labels) = period_keys(m, axis);
        o[k] = labels;
    }
    o
}

fn columns(m: &Model, cols: &[Column], axis: &Axis) -> Json {
    Json::Array(
        cols.iter()
            .map(|c| {
                let mut o = json_value(m, &c.value, axis);
                o["label"] = json!(c.label);
                o
            })
            .collect(),
    )
}

/// Outputs as one JSON document, numbers in SI base units.
pub fn json(
    m: &Model,
    scenario: &str,
    outputs: &[Output],
    warnings: &[crate::error::UnmetWarning],
) -> String {
    let p = &Axis::Periods;
    let mut held = 0;
    let mut total = 0;
    let items: Vec<Json> = outputs
        .iter()
        .map(|o| match o {
            Output::Plot(chart) => json!({
                "kind": "plot",
                "title": chart.title,
                "stacked": chart.stacked,
                "periods": chart.labels,
                "series": chart.series.iter().map(|s| {
                    let mut o = json!({ "label": s.label, "values": s.values });
                    if let Some((p5, p95)) = &s.band {
                        o["p5"] = json!(p5);
                        o["p95"] = json!(p95);
                    }
                    o
                }).collect::<Vec<_>>(),
            }),
            Output::Show { columns: cols, axis } => json!({ "kind": "show", "values": columns(m, cols, axis) }),
            Output::Value(c) => json!({ "kind": "value", "values": columns(m, std::slice::from_ref(c), p) }),
            Output::Table { title, columns: cols } => json!({ "kind": "table", "title": title, "values": columns(m, cols, p) }),
            Output::Assert(a) => {
                total += 1;
                held += usize::from(a.passed);
                json!({ "kind": "assert", "passed": a.passed, "location": a.location, "source": a.source, "detail": a.detail })
            }
            Output::Compare { scenarios, rows } => json!({
                "kind": "compare",
                "scenarios": scenarios,
                "rows": rows.iter().map(|r| json!({
                    "label": r.label,
                    "values": scenarios.iter().zip(&r.values).map(|(s, v)| { let mut o = json_value(m, v, p); o["scenario"] = json!(s); o }).collect::<Vec<_>>(),
                    "differences": scenarios.iter().zip(&r.values).skip(1).filter_map(|(s, v)| {
                        let d = difference(&r.values[0], v)?;
                        let mut o = json_value(m, &d, p);
                        o["scenario"] = json!(s);
                        o["from"] = json!(scenarios[0]);
                        Some(o)
                    }).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            }),
            Output::Plan(plan) => plan.json(m),
            Output::Sense(r) => r.json(),
        })
        .collect();
    let warnings: Vec<Json> = warnings
        .iter()
        .map(|w| json!({ "kind": "unmet_demand", "demand": w.demand, "message": w.to_string() }))
        .collect();
    let timeline = m.timeline.map(|t| match t.step {
        crate::time::Step::Yearly => json!([t.year_of(0), t.year_of(t.len().saturating_sub(1))]),
        s => json!({ "start": t.label(0), "end": t.label(t.len().saturating_sub(1)), "step": s.word() }),
    });
    let doc = json!({
        "scenario": scenario,
        "timeline": timeline,
        "outputs": items,
        "asserts": { "held": held, "total": total },
        "warnings": warnings,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
