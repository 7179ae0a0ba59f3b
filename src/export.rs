//! Export: every named series of one evaluated world as a table — a row per
//! year, a column per series — written as CSV or JSON for spreadsheets and
//! scripts. Numbers are in SI base units (`USD`, `W`, `USD/W`), as in all
//! machine output; each column names its unit.
//!
//! Columns, in the order of the file:
//! - each `let`: `name`;
//! - each `demand`: `name`, then `name.served`, `name.unmet`, `name.spend`;
//! - each `provider` (where its first property is declared): `p.capacity`
//!   (the effective capacity, only when the provider is limited), `p.load`,
//!   `p.utilization` and `p.headroom` (only when limited), `p.price`,
//!   `p.spend`, then `p.online`, `p.retire` (when set, unit `year`) and the
//!   user's own properties.
//!
//! A scalar (`let target = $20B`, `p.online`) is repeated in every row, and
//! marked `"scalar": true` in JSON. True/false values are 1/0 in CSV and
//! `true`/`false` in JSON; a missing number (a year that is `never`) is an
//! empty cell in CSV and `null` in JSON. A value that failed to evaluate has
//! no column. Without a timeline the table has one row, with an empty year.
//!
//! An uncertain value takes four columns, `name.mean`, `name.p5`,
//! `name.p50`, `name.p95` (each year's mean and percentiles over the Monte
//! Carlo samples; [`Column::stat`] says which).

use std::fmt::Write as _;
use std::path::Path;
use std::str::FromStr;

use miette::Diagnostic;
use serde_json::{Value as Json, json};
use thiserror::Error;

use crate::check::{Model, NodeKind};
use crate::eval::{Ctx, Value, World};
use crate::syntax::ast::{Expr, ExprKind, Ident};
use crate::units::BaseNames;
use crate::units::format::Kind;

/// The file formats of `scn export`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            other => Err(format!("unknown export format `{other}`: use csv or json")),
        }
    }
}

impl Format {
    /// The format a file name implies (`plan.csv`, `plan.json`), if any.
    pub fn from_path(path: &str) -> Option<Format> {
        let ext = Path::new(path).extension()?.to_str()?;
        ext.parse().ok()
    }
}

/// Which statistic of an uncertain series a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stat {
    Mean,
    P5,
    P50,
    P95,
}

impl Stat {
    pub const ALL: [Stat; 4] = [Stat::Mean, Stat::P5, Stat::P50, Stat::P95];

    pub fn as_str(self) -> &'static str {
        match self {
            Stat::Mean => "mean",
            Stat::P5 => "p5",
            Stat::P50 => "p50",
            Stat::P95 => "p95",
        }
    }
}

/// One column: a named series (or one statistic of it), one value per row.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// The column's name: the series name, with `.mean`/`.p5`/… for a statistic.
    pub name: String,
    /// The named series (`spend` for the column `spend.p95`).
    pub series: String,
    /// For an uncertain series, which statistic; `None` for a plain value.
    pub stat: Option<Stat>,
    /// The SI unit (`USD`, `W`, `USD/W`), `bool`, `year`, or empty for plain numbers.
    pub unit: String,
    pub kind: Kind,
    /// A single value, repeated in every row.
    pub scalar: bool,
    /// One value per row (per year), in SI units; NaN where there is none.
    pub values: Vec<f64>,
}

/// The exported table: a row per period, a column per named series.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    pub scenario: String,
    /// The periods, one per row, as written (`2026`, `2026-07`; empty
    /// without a timeline: then one row).
    pub periods: Vec<String>,
    /// `year` on a yearly timeline, `period` otherwise.
    pub key: &'static str,
    pub columns: Vec<Column>,
}

impl Table {
    pub fn new(scenario: impl Into<String>, periods: Vec<String>, key: &'static str) -> Table {
        Table {
            scenario: scenario.into(),
            periods,
            key,
            columns: Vec::new(),
        }
    }

    /// How many rows the table has.
    pub fn rows(&self) -> usize {
        self.periods.len().max(1)
    }

    /// The column of that name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The SI unit written for a value (`bool`, `year` for those kinds).
    pub fn unit_of(v: &Value, names: &BaseNames) -> String {
        match v.kind() {
            Kind::Bool => "bool".into(),
            Kind::Period => "period".into(),
            _ => names.si_unit(v.dim()),
        }
    }

    /// Periods read `year` in a yearly table's units.
    fn fix_period_units(&mut self) {
        if self.key == "year" {
            for c in &mut self.columns {
                if c.unit == "period" {
                    c.unit = "year".into();
                }
            }
        }
    }

    /// Adds a value as one column named `name` (a scalar repeated per row),
    /// or an uncertain value as its four statistics ([`Table::push_stats`]).
    pub fn push_value(&mut self, name: impl Into<String>, v: &Value, names: &BaseNames) {
        let name = name.into();
        let rows = self.rows();
        let spread = |row: &[f64]| -> Vec<f64> {
            (0..rows)
                .map(|i| {
                    if v.is_series() {
                        row.get(i).copied().unwrap_or(f64::NAN)
                    } else {
                        row[0]
                    }
                })
                .collect()
        };
        if v.is_uncertain() {
            let s = crate::eval::stats::summary(v);
            let stats = [&s.mean, &s.p5, &s.p50, &s.p95].map(|x| spread(x));
            self.push_stats(
                &name,
                &Table::unit_of(v, names),
                v.kind(),
                !v.is_series(),
                stats,
            );
            return;
        }
        let d = v.data();
        self.columns.push(Column {
            series: name.clone(),
            name,
            stat: None,
            unit: Table::unit_of(v, names),
            kind: v.kind(),
            scalar: !v.is_series(),
            values: (0..rows)
                .map(|i| {
                    if v.is_series() {
                        d.get(i).copied().unwrap_or(f64::NAN)
                    } else {
                        d[0]
                    }
                })
                .collect(),
        });
    }

    /// Adds the four columns of an uncertain series: `name.mean`, `name.p5`,
    /// `name.p50`, `name.p95`, each one value per row (in the order of [`Stat::ALL`]).
    pub fn push_stats(
        &mut self,
        name: &str,
        unit: &str,
        kind: Kind,
        scalar: bool,
        stats: [Vec<f64>; 4],
    ) {
        for (stat, values) in Stat::ALL.into_iter().zip(stats) {
            self.columns.push(Column {
                name: format!("{name}.{}", stat.as_str()),
                series: name.to_string(),
                stat: Some(stat),
                unit: unit.to_string(),
                kind,
                scalar,
                values,
            });
        }
    }
}

/// `a.b.c` as the expression that reads it.
fn path_expr(dotted: &str) -> Expr {
    let mut parts = dotted.split('.');
    let first = parts.next().unwrap_or("");
    let mut e = Expr {
        kind: ExprKind::Name(first.to_string()),
        span: Default::default(),
    };
    for p in parts {
        e = Expr {
            kind: ExprKind::Field {
                base: Box::new(e),
                field: Ident {
                    name: p.to_string(),
                    span: Default::default(),
                },
            },
            span: Default::default(),
        };
    }
    e
}

/// Every named series of `world` as a table (see the module documentation
/// for the columns).
pub fn table(model: &Model, world: &World) -> Table {
    let (periods, key) = match model.timeline {
        Some(t) => (
            (0..t.len()).map(|i| t.label(i)).collect(),
            if t.step == crate::time::Step::Yearly {
                "year"
            } else {
                "period"
            },
        ),
        None => (Vec::new(), "year"),
    };
    let mut t = Table::new(world.scenario.clone(), periods, key);
    let names = &model.base_names;
    let read = |dotted: &str| -> Option<Value> {
        let ir =
            crate::check::lower_statement_expr(model, &world.defs, &path_expr(dotted), 0).ok()?;
        Ctx::new(model, world).eval(&ir).ok()
    };
    let value = |id: usize| world.values.get(id).and_then(|v| v.as_deref());
    let mut provider_done = vec![false; model.providers.len()];
    for (id, node) in model.nodes.iter().enumerate() {
        match &node.kind {
            NodeKind::Let | NodeKind::Solve(_) => {
                if let Some(v) = value(id) {
                    t.push_value(node.name.clone(), v, names);
                }
            }
            NodeKind::Demand(d) => {
                let name = &model.demands[*d].name;
                if let Some(v) = value(id) {
                    t.push_value(name.clone(), v, names);
                }
                for f in ["served", "unmet", "spend"] {
                    if let Some(v) = read(&format!("{name}.{f}")) {
                        t.push_value(format!("{name}.{f}"), &v, names);
                    }
                }
            }
            NodeKind::Prop { provider, .. } => {
                let p = *provider;
                if std::mem::replace(&mut provider_done[p], true) {
                    continue;
                }
                provider_columns(&mut t, model, world, p, &read);
            }
            NodeKind::Unit { .. }
            | NodeKind::Allocation
            | NodeKind::Capacity(_)
            | NodeKind::Built(_)
            | NodeKind::Plan => {}
        }
    }
    t.fix_period_units();
    t
}

fn provider_columns(
    t: &mut Table,
    m: &Model,
    w: &World,
    p: usize,
    read: &dyn Fn(&str) -> Option<Value>,
) {
    use crate::check::vocab::PField;
    let prov = &m.providers[p];
    let names = &m.base_names;
    let limited = m.limited(&w.defs, p);
    let commit = m.has_prop(&w.defs, p, PField::Commit);
    let build = m.has_prop(&w.defs, p, PField::Build);
    for f in crate::eval::alloc::provider_series(limited, commit, build) {
        if let Some(v) = read(&format!("{}.{f}", prov.name)) {
            t.push_value(format!("{}.{f}", prov.name), &v, names);
        }
    }
    for f in [PField::Online, PField::Retire, PField::Commit] {
        if !m.has_prop(&w.defs, p, f) || f == PField::Commit {
            continue;
        }
        if let Some(v) = prov
            .prop(f)
            .and_then(|id| w.values.get(id))
            .and_then(|v| v.as_deref())
        {
            t.push_value(format!("{}.{}", prov.name, f.name()), v, names);
        }
    }
    for (name, id) in &prov.extra {
        if let Some(v) = w.values.get(*id).and_then(|v| v.as_deref()) {
            t.push_value(format!("{}.{name}", prov.name), v, names);
        }
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A column's header: `spend [USD]`, `share` (plain numbers have no unit).
pub fn header(c: &Column) -> String {
    if c.unit.is_empty() {
        c.name.clone()
    } else {
        format!("{} [{}]", c.name, c.unit)
    }
}

/// The table as CSV: a header row (`year,spend [USD],…`), then a row per
/// year. Numbers are written so they read back exactly.
pub fn to_csv(t: &Table) -> String {
    let mut out = String::from(t.key);
    for c in &t.columns {
        out.push(',');
        out.push_str(&csv_field(&header(c)));
    }
    out.push('\n');
    for i in 0..t.rows() {
        if let Some(y) = t.periods.get(i) {
            let _ = write!(out, "{y}");
        }
        for c in &t.columns {
            out.push(',');
            let x = c.values.get(i).copied().unwrap_or(f64::NAN);
            if x.is_finite() {
                let _ = write!(out, "{x}");
            }
        }
        out.push('\n');
    }
    out
}

/// The table as JSON: `{"scenario", "years", "columns": [{"name", "unit",
/// "scalar", "values"}]}` (plus `"series"` and `"stat"` for a statistic of
/// an uncertain series).
pub fn to_json(t: &Table) -> String {
    let columns: Vec<Json> = t
        .columns
        .iter()
        .map(|c| {
            let values: Vec<Json> = c
                .values
                .iter()
                .map(|&x| match c.kind {
                    Kind::Bool if x.is_finite() => json!(x != 0.0),
                    Kind::Period if x.is_infinite() => json!("never"),
                    _ if x.is_finite() => json!(x),
                    _ => Json::Null,
                })
                .collect();
            let mut o = json!({
                "name": c.name,
                "unit": c.unit,
                "scalar": c.scalar,
                "values": values,
            });
            if let Some(s) = c.stat {
                o["series"] = json!(c.series);
                o["stat"] = json!(s.as_str());
            }
            o
        })
        .collect();
    let periods: Json = if t.key == "year" {
        json!(
            t.periods
                .iter()
                .map(|p| p.parse::<i64>().unwrap_or(0))
                .collect::<Vec<_>>()
        )
    } else {
        json!(t.periods)
    };
    let mut doc = json!({
        "scenario": t.scenario,
        "columns": columns,
    });
    doc[if t.key == "year" { "years" } else { "periods" }] = periods;
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// The table in a format.
pub fn render(t: &Table, format: Format) -> String {
    match format {
        Format::Csv => to_csv(t),
        Format::Json => to_json(t),
    }
}

/// Why an export could not be written.
#[derive(Debug, Error, Diagnostic)]
pub enum ExportError {
    #[error("cannot write `{path}`: {source}")]
    #[diagnostic(
        code(scn::write_failed),
        help("check that the directory exists and is writable; nothing was written")
    )]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// Exports `world` (see [`table`]) in `format` to `path`; `-` is standard
/// output. A file is written whole or not at all (see [`write_output`]).
pub fn write(model: &Model, world: &World, format: Format, path: &str) -> Result<(), ExportError> {
    write_output(path, render(&table(model, world), format).as_bytes())
}

/// Writes `bytes` to `path`, or to standard output when `path` is `-`,
/// safely (see [`crate::files::write_safely`]). Also suits `scn plot -o`.
pub fn write_output(path: &str, bytes: &[u8]) -> Result<(), ExportError> {
    crate::files::write_safely(path, bytes).map_err(|source| ExportError::Write {
        path: if path == "-" {
            "standard output".into()
        } else {
            path.to_string()
        },
        source,
    })
}

/// Whether `path` names something a user would not want replaced blindly.
pub fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file())
}
