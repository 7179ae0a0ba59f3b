//! Outputs as text for people: tables with a row per period (or year),
//! scalars as `label = value` lines, failed asserts, comparisons, charts.

use std::fmt::Write;

use super::difference;
use crate::check::Model;
use crate::eval::{Meta, Value};
use crate::run::{Axis, Column, CompareRow, Output};
use crate::units::format::{ColumnStyle, Kind, format_column, format_in, format_in_column};

/// How a column is laid out: its unit and precision suit its largest value.
fn style(c: &Column) -> ColumnStyle {
    ColumnStyle::of(c.value.data())
}

/// One value of a column, in the unit and precision that suit the column.
pub fn cell(m: &Model, c: &Column, i: usize) -> String {
    cell_styled(m, c, i, style(c))
}

fn cell_styled(m: &Model, c: &Column, i: usize, st: ColumnStyle) -> String {
    let v = c.value.at(i);
    let meta = c.value.meta();
    if meta.kind == Kind::Period {
        return m
            .timeline
            .map_or_else(|| crate::fmt::number(v), |t| t.format_value(v));
    }
    match &c.unit {
        Some(u) if !c.value.is_bool() => {
            if c.value.is_series() {
                format_in_column(v, st.reference, u.factor, &u.text)
            } else {
                format_in(v, u.factor, &u.text)
            }
        }
        _ if !c.value.is_series() => {
            crate::units::format_quantity(v, meta.dim, meta.kind, meta.hint, &m.base_names)
        }
        _ => format_column(v, st, meta.dim, meta.kind, meta.hint, &m.base_names),
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

/// The row labels of a table: periods, or calendar years.
fn row_labels(m: &Model, axis: &Axis) -> (String, Vec<String>) {
    match axis {
        Axis::Years(ys) => ("year".into(), ys.iter().map(|y| y.to_string()).collect()),
        Axis::Periods => {
            let t = m.timeline;
            let head = t.map_or("year", |t| t.step.noun()).to_string();
            let head = if head == "quarter" || head == "month" {
                "period".to_string()
            } else {
                head
            };
            (
                head,
                (0..m.periods())
                    .map(|i| t.map_or(i.to_string(), |t| t.label(i)))
                    .collect(),
            )
        }
    }
}

fn series_table(m: &Model, columns: &[&Column], axis: &Axis) -> String {
    let (head, labels) = row_labels(m, axis);
    let mut rows = vec![
        std::iter::once(head)
            .chain(columns.iter().map(|c| c.label.clone()))
            .collect::<Vec<_>>(),
    ];
    let cells: Vec<Vec<String>> = columns
        .iter()
        .map(|c| column_cells(m, c, labels.len()))
        .collect();
    for (i, l) in labels.iter().enumerate() {
        rows.push(
            std::iter::once(l.clone())
                .chain(cells.iter().map(|col| col[i].clone()))
                .collect(),
        );
    }
    table(&rows)
}

/// Every cell of a column, in one unit and one precision.
fn column_cells(m: &Model, c: &Column, n: usize) -> Vec<String> {
    let st = style(c);
    let mut cells: Vec<String> = (0..n).map(|i| cell_styled(m, c, i, st)).collect();
    if c.value.is_series() && c.value.kind() != Kind::Period && !c.value.is_bool() {
        crate::units::format::tidy_column(&mut cells);
    }
    cells
}

/// An uncertain value shown as what people read from a Monte Carlo run:
/// its mean and 5th/50th/95th percentiles (a condition: its probability).
pub fn expand(c: &Column) -> Vec<Column> {
    let v = &c.value;
    if !v.is_uncertain() {
        return vec![c.clone()];
    }
    let certain = |meta: Meta, data: Vec<f64>| Value::from_rows(meta, v.is_series(), 1, data);
    if v.is_bool() {
        return vec![Column {
            label: format!("P({})", c.label),
            value: certain(
                v.meta().with_kind(Kind::Percent),
                crate::eval::stats::prob(v),
            ),
            unit: None,
        }];
    }
    let s = crate::eval::stats::summary(v);
    let col = |label: String, data| Column {
        label,
        value: certain(v.meta(), data),
        unit: c.unit.clone(),
    };
    // A mean period means little (and `never` has none): periods show their
    // percentiles only.
    if v.kind() == Kind::Period {
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

/// `12 asserts hold`, `2 of 12 asserts fail`, or that there were none.
pub fn summary_line(held: usize, total: usize) -> String {
    match (held, total) {
        (_, 0) => "no asserts".into(),
        (1, 1) => "1 assert holds".into(),
        (h, t) if h == t => format!("{t} asserts hold"),
        (h, t) => format!("{} of {t} asserts fail", t - h),
    }
}

pub fn text(m: &Model, outputs: &[Output]) -> String {
    let mut out = String::new();
    for o in outputs {
        match o {
            Output::Show { columns, axis } => {
                for c in columns.iter().filter(|c| !c.value.is_series()) {
                    let _ = writeln!(out, "{}", scalar_line(m, c));
                }
                let expanded: Vec<Column> = columns
                    .iter()
                    .filter(|c| c.value.is_series())
                    .flat_map(expand)
                    .collect();
                let series: Vec<&Column> = expanded.iter().collect();
                if !series.is_empty() {
                    out.push_str(&series_table(m, &series, axis));
                }
                out.push('\n');
            }
            Output::Value(c) => {
                if c.value.is_series() {
                    let expanded = expand(c);
                    out.push_str(&series_table(
                        m,
                        &expanded.iter().collect::<Vec<_>>(),
                        &Axis::Periods,
                    ));
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
                    .filter(|c| c.value.is_series())
                    .flat_map(expand)
                    .collect();
                let cols: Vec<&Column> = expanded.iter().collect();
                for c in columns.iter().filter(|c| !c.value.is_series()) {
                    let _ = writeln!(out, "  {}", scalar_line(m, c));
                }
                out.push_str(&series_table(m, &cols, &Axis::Periods));
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
            Output::Plan(p) => {
                out.push_str(&p.text(m));
                out.push('\n');
            }
            Output::Sense(r) => {
                out.push_str(&r.text());
                out.push('\n');
            }
        }
    }
    out
}

fn compare_text(m: &Model, scenarios: &[String], rows: &[CompareRow]) -> String {
    let mut out = String::new();
    for r in rows {
        let series = r.values.iter().any(|v| v.is_series());
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
        let n = if series { m.periods() } else { 1 };
        for (s, v) in scenarios.iter().zip(&r.values).skip(1) {
            let label = format!("Δ {s}");
            match difference(&r.values[0], v) {
                Some(d) => columns.push(Column {
                    label,
                    value: d,
                    unit: None,
                }),
                None => {
                    let same = |i: usize| v.at(i) == r.values[0].at(i);
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
        let (head, labels) = row_labels(m, &Axis::Periods);
        let mut headers = vec![if series { head } else { String::new() }];
        headers.extend(columns.iter().map(|c| c.label.clone()));
        headers.extend(changed.iter().map(|c| c.0.clone()));
        let mut lines = vec![headers];
        let cells: Vec<Vec<String>> = columns.iter().map(|c| column_cells(m, c, n)).collect();
        for i in 0..n {
            let mut row = vec![if series {
                labels[i].clone()
            } else {
                r.label.clone()
            }];
            for (k, c) in columns.iter().enumerate() {
                let text = cells[k][i].clone();
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
