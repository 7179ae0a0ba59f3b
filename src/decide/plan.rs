//! Plans: `plan minimize EXPR [discount R] [subject to [...]]` chooses every
//! build and every `by optimal` split over all years at once.

use crate::check::Model;
use crate::eval::World;
use crate::eval::alloc::PlanFlows;
use crate::eval::error::EvalError;

/// What a plan decided.
#[derive(Clone, Debug, Default)]
pub struct PlanOutcome {
    /// Per provider, per period: what is built (at each year's start).
    pub built: Vec<Vec<f64>>,
    pub flows: PlanFlows,
    pub objective: f64,
    pub shadow: Vec<Shadow>,
}

/// A constraint's shadow price.
#[derive(Clone, Debug, PartialEq)]
pub struct Shadow {
    pub label: String,
    pub value: f64,
    pub text: String,
}

/// `show plan` as text and data.
#[derive(Clone, Debug, Default)]
pub struct PlanReport {
    pub title: String,
    pub lines: Vec<String>,
}

pub fn run(_m: &Model, _w: &World) -> Result<PlanOutcome, EvalError> {
    Err(EvalError::Cancelled)
}

pub fn report(_m: &Model, _w: &World, _p: &PlanOutcome) -> PlanReport {
    PlanReport::default()
}

impl PlanReport {
    pub fn text(&self) -> String {
        let mut s = String::new();
        if !self.title.is_empty() {
            s.push_str(&self.title);
            s.push('\n');
        }
        for l in &self.lines {
            s.push_str(l);
            s.push('\n');
        }
        s
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({ "kind": "plan", "title": self.title, "lines": self.lines })
    }

    pub fn csv(&self, _scenario: &str) -> String {
        String::new()
    }
}
