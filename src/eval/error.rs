//! Errors found while computing values: dimensions, years, arithmetic.

use miette::Diagnostic;
use thiserror::Error;

use crate::span::Span;

#[derive(Clone, Debug, Error, Diagnostic, PartialEq)]
pub enum EvalError {
    /// A value that depends on one already reported as an error: not
    /// reported again.
    #[error("skipped: depends on an earlier error")]
    Skipped,

    #[error("cannot {op} {left} and {right}")]
    #[diagnostic(
        code(scn::unit_mismatch),
        help("both sides of `{symbol}` need the same dimension")
    )]
    UnitMismatch {
        op: &'static str,
        symbol: &'static str,
        left: String,
        right: String,
        #[label("{left}")]
        lspan: Span,
        #[label("{right}")]
        rspan: Span,
    },

    #[error("expected {expected}, found {found}")]
    #[diagnostic(code(scn::type_mismatch))]
    Type {
        expected: String,
        found: String,
        #[label("this is {found}")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("division by zero{}", year.map(|y| format!(" in {y}")).unwrap_or_default())]
    #[diagnostic(
        code(scn::division_by_zero),
        help("guard it: `if x > 0 then y / x else 0`")
    )]
    DivisionByZero {
        year: Option<i64>,
        #[label("this is zero{}", year.map(|y| format!(" in {y}")).unwrap_or_default())]
        span: Span,
    },

    #[error("the result is not a finite number{}", year.map(|y| format!(" in {y}")).unwrap_or_default())]
    #[diagnostic(
        code(scn::not_finite),
        help("a value overflowed, or a `never` year was used in arithmetic")
    )]
    NotFinite {
        year: Option<i64>,
        #[label("not finite")]
        span: Span,
    },

    #[error("{year} is outside the timeline {start}..{end}")]
    #[diagnostic(code(scn::year_outside_timeline))]
    YearOutside {
        year: String,
        start: i64,
        end: i64,
        #[label("not in the timeline")]
        span: Span,
        #[label("timeline declared here")]
        timeline: Span,
    },

    #[error("keyframe years must increase: {year} comes after {prev}")]
    #[diagnostic(
        code(scn::keyframe_order),
        help("list keyframes in increasing years, each year once")
    )]
    KeyframeOrder {
        year: i64,
        prev: i64,
        #[label("{year} here")]
        span: Span,
        #[label("after {prev}")]
        prev_span: Span,
    },

    #[error("keyframes mix {first} and {other}")]
    #[diagnostic(
        code(scn::keyframe_dimension),
        help("every keyframe of a series needs the same dimension")
    )]
    KeyframeDims {
        first: String,
        other: String,
        #[label("{first}")]
        first_span: Span,
        #[label("{other}")]
        span: Span,
    },

    #[error("`growth` fill needs keyframes of one sign, not {a} then {b}")]
    #[diagnostic(
        code(scn::growth_sign),
        help("use linear fill between values that change sign or touch zero")
    )]
    GrowthSign {
        a: String,
        b: String,
        #[label("here")]
        span: Span,
    },

    #[error("this needs a timeline")]
    #[diagnostic(
        code(scn::no_timeline),
        help("declare one, e.g. `timeline 2024..2030`")
    )]
    NoTimeline {
        #[label("a series, but the file has no timeline")]
        span: Span,
    },

    #[error("{what} is not supported yet")]
    #[diagnostic(code(scn::not_supported), help("{help}"))]
    NotSupported {
        what: String,
        help: String,
        #[label("not supported yet")]
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

    #[error("cannot show {from} in {to}")]
    #[diagnostic(code(scn::unit_mismatch), help("choose a unit of the same dimension"))]
    Convert {
        from: String,
        to: String,
        #[label("{to}")]
        span: Span,
        #[label("this is {from}")]
        value_span: Span,
    },

    #[error("{what} `{name}` is negative in {year} ({value})")]
    #[diagnostic(
        code(scn::negative),
        help("a {what} must be zero or more in every year")
    )]
    Negative {
        what: &'static str,
        name: String,
        year: i64,
        value: String,
        #[label("negative in {year}")]
        span: Span,
    },

    #[error("shares of `{demand}` add up to {total} in {year}, above 100%")]
    #[diagnostic(
        code(scn::share_over),
        help("lower a share, or give one provider `rest`")
    )]
    ShareOver {
        demand: String,
        year: i64,
        total: String,
        #[label("these shares exceed 100% in {year}")]
        span: Span,
    },

    #[error("`{provider}.{prop}` must be a year, found {found}")]
    #[diagnostic(
        code(scn::not_a_year),
        help("write a whole year, e.g. `{prop} = 2026`")
    )]
    NotAYear {
        provider: String,
        prop: String,
        found: String,
        #[label("not a year")]
        span: Span,
    },

    #[error("`{provider}` has capacity in {capacity}, but demand `{demand}` is in {demand_unit}")]
    #[diagnostic(
        code(scn::capacity_dimension),
        help("a provider's capacity is measured like the demands it serves")
    )]
    CapacityDims {
        provider: String,
        capacity: String,
        demand: String,
        demand_unit: String,
        #[label("capacity in {capacity}")]
        span: Span,
        #[label("serves {demand} here")]
        use_span: Span,
    },

    #[error("the price of `{provider}` is in {found}, but it serves `{demand}` in {demand_unit}")]
    #[diagnostic(
        code(scn::price_dimension),
        help("a price is money per unit of demand served, e.g. `$4B/GW` for a demand in GW")
    )]
    PriceDims {
        provider: String,
        found: String,
        demand: String,
        demand_unit: String,
        #[label("price in {found}")]
        span: Span,
        #[label("serves {demand} here")]
        use_span: Span,
    },

    #[error("`{provider}` has {what}")]
    #[diagnostic(code(scn::missing_property))]
    Missing {
        provider: String,
        what: String,
        #[label("read here")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("the override of `{name}` is {found}, but `{name}` is {expected}")]
    #[diagnostic(
        code(scn::override_dimension),
        help("an override must keep the dimension of what it replaces")
    )]
    OverrideDims {
        name: String,
        found: String,
        expected: String,
        #[label("{found}")]
        span: Span,
        #[label("{expected} here")]
        original: Span,
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

    #[error("cannot plot {left} and {right} on one axis")]
    #[diagnostic(
        code(scn::plot_mixed_units),
        help("plot values of one unit together, and the others in a second `plot`")
    )]
    PlotUnits {
        left: String,
        right: String,
        #[label("{left}")]
        lspan: Span,
        #[label("{right}")]
        rspan: Span,
    },

    #[error("the assert's tolerance is {found}, but it compares {expected}")]
    #[diagnostic(
        code(scn::unit_mismatch),
        help("write a relative tolerance (`within 2%`) or one in the compared unit")
    )]
    Tolerance {
        found: String,
        expected: String,
        #[label("{found}")]
        span: Span,
    },
}
