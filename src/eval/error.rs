//! Errors only numbers can reveal: a division by zero, a result that is not
//! finite, a negative demand, shares above 100% — each located, and naming
//! the period where it happens. Everything the types can tell is found
//! before (`check`).

use miette::{Diagnostic, LabeledSpan};
use thiserror::Error;

use crate::span::Span;

fn when(p: &Option<String>) -> String {
    p.as_ref().map(|p| format!(" in {p}")).unwrap_or_default()
}

#[derive(Clone, Debug, Error, Diagnostic, PartialEq)]
pub enum EvalError {
    /// A value that reads one whose error is already reported: never shown
    /// by itself (the run checks that its cause was reported).
    #[error("depends on `{0}`, which failed")]
    Skipped(String),

    #[error("division by zero{}", when(period))]
    #[diagnostic(
        code(scn::division_by_zero),
        help("guard it: `if x > 0 then y / x else 0`")
    )]
    DivisionByZero {
        period: Option<String>,
        #[label("this is zero{}", when(period))]
        span: Span,
    },

    #[error("the result is not a finite number{}", when(period))]
    #[diagnostic(code(scn::not_finite), help("{help}"))]
    NotFinite {
        period: Option<String>,
        help: String,
        #[label("not finite")]
        span: Span,
    },

    #[error("{what} `{name}` is negative in {period} ({value})")]
    #[diagnostic(
        code(scn::negative),
        help("a {what} must be zero or more in every period")
    )]
    Negative {
        what: &'static str,
        name: String,
        period: String,
        value: String,
        #[label("negative in {period}")]
        span: Span,
    },

    #[error("shares of `{demand}` add up to {total} in {period}, above 100%")]
    #[diagnostic(
        code(scn::share_over),
        help("lower a share, or give one provider `rest`")
    )]
    ShareOver {
        demand: String,
        period: String,
        total: String,
        #[label("these shares exceed 100% in {period}")]
        span: Span,
    },

    #[error("{what} is outside the timeline {range}")]
    #[diagnostic(code(scn::year_outside_timeline))]
    Outside {
        what: String,
        range: String,
        #[label("not in the timeline")]
        span: Span,
        #[label("timeline declared here")]
        timeline: Span,
    },

    #[error("there is no period to read: the condition of `when` never holds")]
    #[diagnostic(
        code(scn::never),
        help(
            "guard it: `if (when c) < never then x@(when c) else …`, or check `(when c) <= 2030` first"
        )
    )]
    Never {
        #[label("`never` here")]
        span: Span,
    },

    #[error("`{name}` must be {expected}, found {found}")]
    #[diagnostic(code(scn::not_a_period), help("{help}"))]
    NotAPeriod {
        name: String,
        expected: String,
        found: String,
        help: String,
        #[label("not {expected}")]
        span: Span,
    },

    #[error("`{func}` {problem}")]
    #[diagnostic(code(scn::bad_arguments))]
    BadArguments {
        func: String,
        problem: String,
        #[label("here")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("{what} {problem}")]
    #[diagnostic(code(scn::invalid_distribution), help("{help}"))]
    InvalidDistribution {
        what: String,
        problem: String,
        #[label("invalid here")]
        span: Span,
        help: String,
    },

    #[error("{what}")]
    #[diagnostic(code(scn::too_large), help("{help}"))]
    TooLarge {
        what: String,
        help: String,
        #[label("{label}")]
        span: Span,
        label: String,
    },

    #[error("cancelled")]
    #[diagnostic(code(scn::cancelled))]
    Cancelled,

    #[error("the rules of `{demand}` cannot all hold in {period}")]
    #[diagnostic(
        code(scn::infeasible),
        help("loosen one of these rules, or add capacity")
    )]
    RulesInfeasible {
        demand: String,
        period: String,
        #[label(collection)]
        rules: Vec<LabeledSpan>,
    },

    #[error("the plan is not linear: {what}")]
    #[diagnostic(code(scn::not_linear), help("{help}"))]
    NotLinear {
        what: String,
        help: String,
        #[label(collection)]
        labels: Vec<LabeledSpan>,
    },

    #[error("the plan is infeasible: {detail}")]
    #[diagnostic(
        code(scn::plan_infeasible),
        help("loosen or drop one of the constraints named, or allow more to be built")
    )]
    PlanInfeasible {
        detail: String,
        #[label(collection)]
        labels: Vec<LabeledSpan>,
    },

    #[error("the plan is unbounded: its objective can decrease without limit")]
    #[diagnostic(
        code(scn::plan_unbounded),
        help("bound what the plan may choose (`build = 0 GW .. 2 GW`) or add a constraint")
    )]
    PlanUnbounded {
        #[label(collection)]
        labels: Vec<LabeledSpan>,
    },

    #[error("{what}")]
    #[diagnostic(code(scn::no_root), help("{help}"))]
    NoRoot {
        what: String,
        help: String,
        #[label(collection)]
        labels: Vec<LabeledSpan>,
    },

    #[error("{what}")]
    #[diagnostic(code(scn::decision), help("{help}"))]
    Decision {
        what: String,
        help: String,
        #[label(collection)]
        labels: Vec<LabeledSpan>,
    },
}

impl EvalError {
    pub fn is_skipped(&self) -> bool {
        matches!(self, EvalError::Skipped(_))
    }
}
