//! The one error type of the pipeline: each stage's errors, plus warnings.

use miette::Diagnostic;
use thiserror::Error;

use crate::check::CheckError;
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
    Eval(#[from] EvalError),
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
    #[label("unmet in {years}")]
    pub span: Span,
    pub years: String,
    /// The scenario it happens in, when not the one being run.
    pub scenario: Option<String>,
}
