//! Rendering: outputs as text tables, JSON or CSV; diagnostics through
//! miette, graphical (with colour on a terminal) or plain for tests.

use std::fmt::Write;

use miette::{GraphicalReportHandler, GraphicalTheme, Report};
use serde_json::{Value as Json, json};

use crate::check::Model;
use crate::eval::Value;
use crate::run::{Column, Output};
use crate::source::SourceMap;
use crate::units::format::Kind;
use crate::units::format::format_like;
use crate::units::format_in;

/// How diagnostics are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Unicode boxes, with colour.
    Colour,
    /// Unicode boxes, no colour: pipes, files and snapshot tests.
    Plain,
}

/// A report (its source already attached), drawn at a fixed width.
pub fn render_report(report: &Report, style: Style) -> String {
    let theme = match style {
        Style::Colour => GraphicalTheme::unicode(),
        Style::Plain => GraphicalTheme::unicode_nocolor(),
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    if handler.render_report(&mut out, report.as_ref()).is_err() {
        out = format!("{report}\n");
    }
    out
}

/// A diagnostic with its source attached, drawn at a fixed width.
pub fn render_diagnostic(
    d: impl miette::Diagnostic + Send + Sync + 'static,
    sources: &SourceMap,
    style: Style,
) -> String {
    render_report(&Report::new(d).with_source_code(sources.clone()), style)
}

/// One value of a column, in the unit that suits the column's largest value.
fn cell(m: &Model, c: &Column, i: usize) -> String {
    let v = c.value.at(i);
    match &c.unit {
        Some(u) if c.value.kind != Kind::Year && !c.value.is_bool() => {
            format_in(v, u.factor, &u.text)
        }
        _ => {
            let largest = c.value.data.iter().copied().filter(|x| x.is_finite());
            let reference = largest.fold(0.0, |a: f64, x| if x.abs() > a.abs() { x } else { a });
            format_like(
                v,
                reference,
                c.value.dim,
                c.value.kind,
                c.value.hint,
                &m.base_names,
            )
        }
    }
}

/// Aligned columns: the first left-aligned, the rest right-aligned.
pub fn table(rows: &[Vec<String>]) -> String {
    aligned(rows, 1)
}

/// Aligned columns, two spaces apart: columns before `right_from` are
/// left-aligned (labels), the others right-aligned (numbers).
pub fn aligned(rows: &[Vec<String>], right_from: usize) -> String {
    let n = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..n)
        .map(|k| {
            rows.iter()
                .filter_map(|r| r.get(k))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (k, s) in r.iter().enumerate() {
            let pad = " ".repeat(widths[k] - s.chars().count());
            if k > 0 {
                line.push_str("  ");
            }
            if k < right_from {
                line.push_str(s);
                line.push_str(&pad);
            } else {
                line.push_str(&pad);
                line.push_str(s);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn series_table(m: &Model, columns: &[&Column]) -> String {
    let start = m.timeline.map_or(0, |t| t.0);
    let mut rows = vec![
        std::iter::once("year".to_string())
            .chain(columns.iter().map(|c| c.label.clone()))
            .collect::<Vec<_>>(),
    ];
    for i in 0..m.years() {
        rows.push(
            std::iter::once((start + i as i64).to_string())
                .chain(columns.iter().map(|c| cell(m, c, i)))
                .collect(),
        );
    }
    table(&rows)
}

/// Outputs as text for people.
/// An uncertain value shown as what people read from a Monte Carlo run:
/// its mean and 5th/50th/95th percentiles (a condition: its probability).
pub fn expand(c: &Column) -> Vec<Column> {
    let v = &c.value;
    if !v.is_uncertain() {
        return vec![c.clone()];
    }
    let certain = |data: Vec<f64>| Value {
        samples: 1,
        data: data.into(),
        ..v.clone()
    };
    if v.is_bool() {
        let p = Value {
            kind: Kind::Percent,
            ..certain(crate::eval::stats::prob(v))
        };
        return vec![Column {
            label: format!("P({})", c.label),
            value: p,
            unit: None,
        }];
    }
    let s = crate::eval::stats::summary(v);
    let col = |label: String, data| Column {
        label,
        value: certain(data),
        unit: c.unit.clone(),
    };
    // A mean year means little (and `never` has none): years show their
    // percentiles only.
    if v.kind == Kind::Year {
        return vec![
            col(format!("{} p5", c.label), s.p5),
            col("p50".into(), s.p50),
            col("p95".into(), s.p95),
        ];
    }
    vec![
        col(format!("{} mean", c.label), s.mean),
        col("p5".into(), s.p5),
        col("p50".into(), s.p50),
        col("p95".into(), s.p95),
    ]
}

/// A scalar line: `x = 5 GW`, or for an uncertain value
/// `x = mean 5 GW (p5 4 GW, p50 5 GW, p95 6 GW)`.
fn scalar_line(m: &Model, c: &Column) -> String {
    let cols = expand(c);
    match cols.as_slice() {
        [one] => format!("{} = {}", c.label, cell(m, one, 0)),
        [p5, p50, p95] => format!(
            "{} = p5 {}, p50 {}, p95 {}",
            c.label,
            cell(m, p5, 0),
            cell(m, p50, 0),
            cell(m, p95, 0)
        ),
        [mean, p5, p50, p95] => format!(
            "{} = mean {} (p5 {}, p50 {}, p95 {})",
            c.label,
            cell(m, mean, 0),
            cell(m, p5, 0),
            cell(m, p50, 0),
            cell(m, p95, 0)
        ),
        _ => String::new(),
    }
}

pub fn text(m: &Model, outputs: &[Output]) -> String {
    let mut out = String::new();
    for o in outputs {
        match o {
            Output::Show(cols) => {
                for c in cols.iter().filter(|c| !c.value.series) {
                    let _ = writeln!(out, "{}", scalar_line(m, c));
                }
                let expanded: Vec<Column> = cols
                    .iter()
                    .filter(|c| c.value.series)
                    .flat_map(expand)
                    .collect();
                let series: Vec<&Column> = expanded.iter().collect();
                if !series.is_empty() {
                    out.push_str(&series_table(m, &series));
                }
                out.push('\n');
            }
            Output::Value(c) => {
                if c.value.series {
                    let expanded = expand(c);
                    out.push_str(&series_table(m, &expanded.iter().collect::<Vec<_>>()));
                } else if c.value.is_uncertain() {
                    let line = scalar_line(m, c);
                    let _ = writeln!(
                        out,
                        "{}",
                        line.split_once(" = ").map_or(line.as_str(), |x| x.1)
                    );
                } else {
                    let _ = writeln!(out, "{}", cell(m, c, 0));
                }
            }
            Output::Table { title, columns } => {
                let _ = writeln!(out, "{title}");
                let expanded: Vec<Column> = columns
                    .iter()
                    .filter(|c| c.value.series)
                    .flat_map(expand)
                    .collect();
                let cols: Vec<&Column> = expanded.iter().collect();
                for c in columns.iter().filter(|c| !c.value.series) {
                    let _ = writeln!(out, "  {}", scalar_line(m, c));
                }
                out.push_str(&series_table(m, &cols));
                out.push('\n');
            }
            Output::Assert(a) => {
                if !a.passed {
                    let _ = writeln!(out, "assert failed at {}\n  {}", a.location, a.source);
                    for d in &a.detail {
                        let _ = writeln!(out, "  {d}");
                    }
                    out.push('\n');
                }
            }
            Output::Compare { scenarios, rows } => {
                out.push_str(&compare_text(m, scenarios, rows));
                out.push('\n');
            }
            Output::Plot(chart) => {
                out.push_str(&crate::chart::terminal::render(chart, 80, 20));
                out.push_str("\n\n");
            }
        }
    }
    out
}

/// The difference `v − base` as a value, for numbers (`None` for
/// true/false values and years, which differ or not).
pub fn difference(base: &Value, v: &Value) -> Option<Value> {
    if v.is_bool() || v.kind == Kind::Year {
        return None;
    }
    let data = (0..v.data.len().max(base.data.len()))
        .map(|i| v.at(i) - base.at(i))
        .collect();
    Some(Value {
        data,
        series: v.series || base.series,
        ..v.clone()
    })
}

fn compare_text(m: &Model, scenarios: &[String], rows: &[crate::run::CompareRow]) -> String {
    let mut out = String::new();
    for r in rows {
        let series = r.values.iter().any(|v| v.series);
        let mut columns: Vec<Column> = scenarios
            .iter()
            .zip(&r.values)
            .map(|(s, v)| Column {
                label: s.clone(),
                value: v.clone(),
                unit: None,
            })
            .collect();
        let mut changed: Vec<(String, Vec<String>)> = Vec::new();
        for (s, v) in scenarios.iter().zip(&r.values).skip(1) {
            let label = format!("Δ {s}");
            match difference(&r.values[0], v) {
                Some(d) => columns.push(Column {
                    label,
                    value: d,
                    unit: None,
                }),
                None => {
                    let n = if series { m.years() } else { 1 };
                    let same = |i: usize| {
                        v.at(i) == r.values[0].at(i)
                            || (v.at(i).is_nan() && r.values[0].at(i).is_nan())
                    };
                    changed.push((
                        label,
                        (0..n)
                            .map(|i| if same(i) { "same" } else { "changed" }.to_string())
                            .collect(),
                    ));
                }
            }
        }
        let _ = writeln!(out, "compare {}", r.label);
        let start = m.timeline.map_or(0, |t| t.0);
        let years = if series { m.years() } else { 1 };
        let mut head = vec![if series {
            "year".to_string()
        } else {
            String::new()
        }];
        head.extend(columns.iter().map(|c| c.label.clone()));
        head.extend(changed.iter().map(|c| c.0.clone()));
        let mut lines = vec![head];
        for i in 0..years {
            let mut row = vec![if series {
                (start + i as i64).to_string()
            } else {
                r.label.clone()
            }];
            for (k, c) in columns.iter().enumerate() {
                let text = cell(m, c, i);
                let is_diff = k >= scenarios.len();
                row.push(if is_diff && c.value.at(i) > 0.0 {
                    format!("+{text}")
                } else {
                    text
                });
            }
            row.extend(changed.iter().map(|c| c.1[i].clone()));
            lines.push(row);
        }
        out.push_str(&table(&lines));
    }
    out
}

fn json_value(m: &Model, v: &Value) -> Json {
    let unit = match v.kind {
        Kind::Bool => "bool".to_string(),
        Kind::Year => "year".to_string(),
        _ => m.base_names.si_unit(v.dim),
    };
    let num = |x: f64| if x.is_finite() { json!(x) } else { Json::Null };
    let mut o = json!({ "unit": unit });
    if v.is_uncertain() {
        // Monte Carlo: the summary per year, never the samples.
        let arr = |xs: &[f64]| -> Json {
            let a: Vec<Json> = xs.iter().map(|&x| num(x)).collect();
            if v.series { json!(a) } else { a[0].clone() }
        };
        o["samples"] = json!(v.samples);
        if v.is_bool() {
            o["unit"] = json!("probability");
            o[if v.series { "values" } else { "value" }] = arr(&crate::eval::stats::prob(v));
        } else {
            let s = crate::eval::stats::summary(v);
            o["mean"] = arr(&s.mean);
            o["p5"] = arr(&s.p5);
            o["p50"] = arr(&s.p50);
            o["p95"] = arr(&s.p95);
        }
    } else if v.kind == Kind::Bool {
        let b: Vec<Json> = v.data.iter().map(|&x| json!(x != 0.0)).collect();
        o["value"] = if v.series { json!(b) } else { b[0].clone() };
    } else if v.series {
        o["values"] = json!(v.data.iter().map(|&x| num(x)).collect::<Vec<_>>());
    } else {
        o["value"] = num(v.data[0]);
    }
    if v.series {
        let start = m.timeline.map_or(0, |t| t.0);
        o["years"] = json!((0..m.years()).map(|i| start + i as i64).collect::<Vec<_>>());
    }
    o
}

fn json_columns(m: &Model, cols: &[Column]) -> Json {
    Json::Array(
        cols.iter()
            .map(|c| {
                let mut o = json_value(m, &c.value);
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
    let items: Vec<Json> = outputs
        .iter()
        .map(|o| match o {
            Output::Plot(chart) => json!({
                "kind": "plot",
                "title": chart.title,
                "stacked": chart.stacked,
                "years": chart.years,
                "series": chart.series.iter().map(|s| {
                    let mut o = json!({ "label": s.label, "values": s.values });
                    if let Some((p5, p95)) = &s.band {
                        o["p5"] = json!(p5);
                        o["p95"] = json!(p95);
                    }
                    o
                }).collect::<Vec<_>>(),
            }),
            Output::Show(cols) => json!({ "kind": "show", "values": json_columns(m, cols) }),
            Output::Value(c) => json!({ "kind": "value", "values": json_columns(m, std::slice::from_ref(c)) }),
            Output::Table { title, columns } => json!({ "kind": "table", "title": title, "values": json_columns(m, columns) }),
            Output::Assert(a) => json!({ "kind": "assert", "passed": a.passed, "location": a.location, "source": a.source, "detail": a.detail }),
            Output::Compare { scenarios, rows } => json!({
                "kind": "compare",
                "scenarios": scenarios,
                "rows": rows.iter().map(|r| json!({
                    "label": r.label,
                    "values": scenarios.iter().zip(&r.values).map(|(s, v)| { let mut o = json_value(m, v); o["scenario"] = json!(s); o }).collect::<Vec<_>>(),
                    "differences": scenarios.iter().zip(&r.values).skip(1).filter_map(|(s, v)| {
                        let d = difference(&r.values[0], v)?;
                        let mut o = json_value(m, &d);
                        o["scenario"] = json!(s);
                        o["from"] = json!(scenarios[0]);
                        Some(o)
                    }).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            }),
        })
        .collect();
    let warnings: Vec<Json> = warnings
        .iter()
        .map(|w| json!({ "kind": "unmet_demand", "demand": w.demand, "message": w.to_string() }))
        .collect();
    let doc = json!({
        "scenario": scenario,
        "timeline": m.timeline.map(|(a, b)| json!([a, b])),
        "outputs": items,
        "warnings": warnings,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One certain value as CSV rows.
fn csv_rows(out: &mut String, m: &Model, scen: &str, label: &str, v: &Value) {
    let start = m.timeline.map_or(0, |t| t.0);
    let unit = match v.kind {
        Kind::Bool => "bool".to_string(),
        Kind::Year => "year".to_string(),
        _ => m.base_names.si_unit(v.dim),
    };
    for (i, x) in v.data.iter().enumerate() {
        let year = if v.series {
            (start + i as i64).to_string()
        } else {
            String::new()
        };
        let val = if x.is_finite() {
            format!("{x}")
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "{},{},{},{},{}",
            csv_field(scen),
            csv_field(label),
            year,
            val,
            csv_field(&unit)
        );
    }
}

/// Outputs as CSV in long form: `scenario,label,year,value,unit`, SI units.
/// An uncertain value gives rows labelled `x mean`, `x p5`, `x p50`, `x p95`.
pub fn csv(m: &Model, scenario: &str, outputs: &[Output]) -> String {
    let mut out = String::from("scenario,label,year,value,unit\n");
    let mut put = |scen: &str, label: &str, v: &Value| {
        if v.is_uncertain() {
            for c in expand(&Column {
                label: label.to_string(),
                value: v.clone(),
                unit: None,
            }) {
                let label = if c.label.starts_with('p') {
                    format!("{label} {}", c.label)
                } else {
                    c.label
                };
                csv_rows(&mut out, m, scen, &label, &c.value);
            }
        } else {
            csv_rows(&mut out, m, scen, label, v);
        }
    };
    for o in outputs {
        match o {
            Output::Show(cols) => cols.iter().for_each(|c| put(scenario, &c.label, &c.value)),
            Output::Value(c) => put(scenario, &c.label, &c.value),
            Output::Table { title, columns } => {
                let name = title.split_whitespace().nth(1).unwrap_or("");
                columns
                    .iter()
                    .for_each(|c| put(scenario, &format!("{name}.{}", c.label), &c.value))
            }
            Output::Assert(_) | Output::Plot(_) => {}
            Output::Compare { scenarios, rows } => {
                for r in rows {
                    for (s, v) in scenarios.iter().zip(&r.values) {
                        put(s, &r.label, v);
                    }
                    for (s, v) in scenarios.iter().zip(&r.values).skip(1) {
                        if let Some(d) = difference(&r.values[0], v) {
                            put(&format!("{s} - {}", scenarios[0]), &r.label, &d);
                        }
                    }
                }
            }
        }
    }
    out
}
