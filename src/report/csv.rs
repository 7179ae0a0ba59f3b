//! Outputs as CSV in long form — `scenario,label,year,value,unit` (or
//! `period` on a monthly or quarterly timeline) — in SI units. An uncertain
//! value gives rows labelled `x mean`, `x p5`, `x p50`, `x p95`.

use std::fmt::Write;

use super::difference;
use super::json::si_unit;
use crate::check::Model;
use crate::eval::Value;
use crate::run::{Axis, Column, Output};
use crate::units::format::Kind;

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn rows(out: &mut String, m: &Model, scen: &str, label: &str, v: &Value, axis: &Axis) {
    let unit = si_unit(m, v);
    for (i, x) in v.data().iter().enumerate() {
        let at = if !v.is_series() {
            String::new()
        } else {
            match (axis, m.timeline) {
                (Axis::Years(ys), _) => ys.get(i).map_or(String::new(), |y| y.to_string()),
                (_, Some(t)) => t.label(i),
                _ => i.to_string(),
            }
        };
        let val = match (v.kind(), m.timeline) {
            (Kind::Period, _) if x.is_infinite() => "never".into(),
            (Kind::Period, Some(t)) if t.step != crate::time::Step::Yearly => t.format_value(*x),
            _ if x.is_finite() => format!("{x}"),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "{},{},{},{},{}",
            field(scen),
            field(label),
            at,
            field(&val),
            field(&unit)
        );
    }
}

pub fn csv(m: &Model, scenario: &str, outputs: &[Output]) -> String {
    let head = match m.timeline {
        Some(t) if t.step != crate::time::Step::Yearly => "period",
        _ => "year",
    };
    let mut out = format!("scenario,label,{head},value,unit\n");
    let put = |out: &mut String, scen: &str, label: &str, v: &Value, axis: &Axis| {
        if v.is_uncertain() {
            for c in super::expand(&Column {
                label: label.to_string(),
                value: v.clone(),
                unit: None,
            }) {
                let label = if c.label.starts_with('p') && !c.label.starts_with("P(") {
                    format!("{label} {}", c.label)
                } else {
                    c.label
                };
                rows(out, m, scen, &label, &c.value, axis);
            }
        } else {
            rows(out, m, scen, label, v, axis);
        }
    };
    let p = Axis::Periods;
    for o in outputs {
        match o {
            Output::Show { columns, axis } => columns
                .iter()
                .for_each(|c| put(&mut out, scenario, &c.label, &c.value, axis)),
            Output::Value(c) => put(&mut out, scenario, &c.label, &c.value, &p),
            Output::Table { title, columns } => {
                let name = title.split_whitespace().nth(1).unwrap_or("");
                columns.iter().for_each(|c| {
                    put(
                        &mut out,
                        scenario,
                        &format!("{name}.{}", c.label),
                        &c.value,
                        &p,
                    )
                })
            }
            Output::Assert(_) | Output::Plot(_) => {}
            Output::Compare { scenarios, rows } => {
                for r in rows {
                    for (s, v) in scenarios.iter().zip(&r.values) {
                        put(&mut out, s, &r.label, v, &p);
                    }
                    for (s, v) in scenarios.iter().zip(&r.values).skip(1) {
                        if let Some(d) = difference(&r.values[0], v) {
                            put(
                                &mut out,
                                &format!("{s} - {}", scenarios[0]),
                                &r.label,
                                &d,
                                &p,
                            );
                        }
                    }
                }
            }
            Output::Plan(plan) => out.push_str(&plan.csv(m, scenario)),
            Output::Sense(r) => out.push_str(&r.csv(scenario)),
        }
    }
    out
}
