//! Rendering outputs for people (text tables), for programs (JSON) and for
//! spreadsheets (CSV). Numbers for people go through `units::format`;
//! machine output carries SI numbers and names the SI unit.

mod csv;
mod json;
mod text;

pub use csv::csv;
pub use json::{json, si_unit};
pub use text::{aligned, expand, summary_line, table, text};

pub use crate::diag::{Style, render_report};

use crate::eval::{Meta, Value};
use crate::source::SourceMap;
use crate::units::format::Kind;

/// A diagnostic with its source attached, drawn at a fixed width.
pub fn render_diagnostic(
    d: impl miette::Diagnostic + Send + Sync + 'static,
    sources: &SourceMap,
    style: Style,
) -> String {
    crate::diag::render(d, sources, style)
}

/// The difference `v − base` as a value, for numbers (`None` for
/// true/false values, which differ or not).
pub fn difference(base: &Value, v: &Value) -> Option<Value> {
    if v.is_bool() {
        return None;
    }
    let n = v.data().len().max(base.data().len());
    let data: Vec<f64> = (0..n)
        .map(|i| {
            let (a, b) = (v.at(i), base.at(i));
            if a == b { 0.0 } else { a - b }
        })
        .collect();
    if data.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let kind = if v.kind() == Kind::Period {
        Kind::Number
    } else {
        v.kind()
    };
    Some(Value::from_rows(
        Meta { kind, ..v.meta() },
        v.is_series() || base.is_series(),
        1,
        data,
    ))
}
