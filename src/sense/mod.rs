//! Which input matters: sensitivity (one at a time, and Sobol indices),
//! correlated inputs, and scenario deltas explained by Shapley values.

use crate::check::StatementKind;
use crate::error::ScnError;
use crate::run::Runner;
use crate::syntax::ast::{Expr, Ident, SensitivityBy, Target};

/// A sensitivity or explanation, for the report.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub title: String,
    pub lines: Vec<String>,
}

pub fn sensitivity(
    _r: &Runner,
    _e: &Expr,
    _on: &[Target],
    _by: &SensitivityBy,
    _ordinal: usize,
) -> Result<Report, Vec<ScnError>> {
    let _ = StatementKind::ShowPlan;
    Err(Vec::new())
}

pub fn explain(
    _r: &Runner,
    _from: &Ident,
    _to: &Ident,
    _e: &Expr,
    _ordinal: usize,
) -> Result<Report, Vec<ScnError>> {
    Err(Vec::new())
}

impl Report {
    pub fn text(&self) -> String {
        let mut s = self.title.clone();
        s.push('\n');
        for l in &self.lines {
            s.push_str(l);
            s.push('\n');
        }
        s
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({ "kind": "sensitivity", "title": self.title, "lines": self.lines })
    }

    pub fn csv(&self, _scenario: &str) -> String {
        String::new()
    }
}
