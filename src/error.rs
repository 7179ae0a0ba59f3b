//! The one error type of the pipeline: each stage's errors (named by their
//! scenario when only one scenario causes them), plus warnings.

use miette::Diagnostic;
use thiserror::Error;

use crate::check::{CheckError, InScenario};
use crate::eval::EvalError;
use crate::span::Span;
use crate::syntax::SyntaxError;

#[derive(Clone, Debug, Error, Diagnostic, PartialEq)]
pub enum ScnError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Syntax(#[from] SyntaxError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Check(#[from] CheckError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    CheckIn(InScenario<CheckError>),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Eval(#[from] EvalError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    EvalIn(InScenario<EvalError>),
}

impl ScnError {
    /// The error wrapped in the scenario it occurs in (unless `base`).
    pub fn in_scenario(self, scenario: &str) -> ScnError {
        if scenario == "base" {
            return self;
        }
        let s = scenario.to_string();
        match self {
            ScnError::Check(e) => ScnError::CheckIn(InScenario {
                scenario: s,
                inner: e,
            }),
            ScnError::Eval(e) => ScnError::EvalIn(InScenario {
                scenario: s,
                inner: e,
            }),
            other => other,
        }
    }

    /// The first place the error points at, for ordering reports.
    pub fn offset(&self) -> usize {
        self.labels()
            .and_then(|mut l| l.next())
            .map_or(usize::MAX, |l| l.offset())
    }
}

/// Demand that no provider could take: reported, but not an error.
#[derive(Clone, Debug, Error, Diagnostic, PartialEq)]
#[error("{}demand `{demand}` is not fully served: {amounts}", scenario.as_ref().map(|s| format!("in scenario `{s}`, ")).unwrap_or_default())]
#[diagnostic(
    code(scn::unmet_demand),
    severity(Warning),
    help("add capacity, or another provider to its allocation")
)]
pub struct UnmetWarning {
    pub demand: String,
    pub amounts: String,
    #[label("unmet in {periods}")]
    pub span: Span,
    pub periods: String,
    /// The scenario it happens in, when not the one being run.
    pub scenario: Option<String>,
}
