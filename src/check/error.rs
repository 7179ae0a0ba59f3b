//! Errors found before anything is evaluated: names, declarations, cycles,
//! dimensions, shapes and periods — everything the types can tell.

use miette::{Diagnostic, LabeledSpan};
use thiserror::Error;

use crate::span::Span;

#[derive(Clone, Debug, Error, Diagnostic, PartialEq)]
pub enum CheckError {
    #[error("unknown name `{name}`")]
    #[diagnostic(code(scn::unknown_name))]
    UnknownName {
        name: String,
        #[label("not declared")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("unknown unit `{name}`")]
    #[diagnostic(code(scn::unknown_unit))]
    UnknownUnit {
        name: String,
        #[label("not a unit")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("`{base}` has no `{field}`")]
    #[diagnostic(code(scn::unknown_field))]
    UnknownField {
        base: String,
        field: String,
        #[label("unknown here")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("unknown function `{name}`")]
    #[diagnostic(code(scn::unknown_function))]
    UnknownFunction {
        name: String,
        #[label("not a function")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("`{name}` is declared twice")]
    #[diagnostic(
        code(scn::duplicate_name),
        help("a name is declared once per file; rename one of them")
    )]
    Duplicate {
        name: String,
        #[label("declared again here")]
        span: Span,
        #[label("first declared here")]
        first: Span,
    },

    #[error("`{name}` is a built-in unit")]
    #[diagnostic(
        code(scn::duplicate_name),
        help("choose another name for your unit, e.g. `unit {name}_eq = …`")
    )]
    ShadowsUnit {
        name: String,
        #[label("already a unit")]
        span: Span,
    },

    #[error("{what} depend on each other in a cycle: {names}")]
    #[diagnostic(
        code(scn::cycle),
        help("break the cycle by giving one of them a value that does not depend on the others")
    )]
    Cycle {
        what: &'static str,
        names: String,
        #[label(collection)]
        spans: Vec<LabeledSpan>,
    },

    #[error("scenarios extend each other in a cycle: {names}")]
    #[diagnostic(
        code(scn::scenario_cycle),
        help("a scenario cannot extend itself, even through others: remove one `extends`")
    )]
    ScenarioCycle {
        names: String,
        #[label(collection)]
        spans: Vec<LabeledSpan>,
    },

    #[error("the timeline runs backwards: {start}..{end}")]
    #[diagnostic(
        code(scn::bad_timeline),
        help("write the earlier period first: `timeline {end}..{start}`")
    )]
    BackwardsTimeline {
        start: String,
        end: String,
        #[label("first period is after the last")]
        span: Span,
    },

    #[error("the timeline is too long ({years} years, {periods} periods)")]
    #[diagnostic(
        code(scn::bad_timeline),
        help("a timeline may span at most 1000 years and 12,000 periods")
    )]
    LongTimeline {
        years: i64,
        periods: i64,
        #[label("too long")]
        span: Span,
    },

    #[error("there is more than one timeline")]
    #[diagnostic(
        code(scn::duplicate_timeline),
        help("a file has exactly one `timeline`")
    )]
    DuplicateTimeline {
        #[label("second timeline")]
        span: Span,
        #[label("first timeline")]
        first: Span,
    },

    #[error("`{name}` is a provider, not a value")]
    #[diagnostic(
        code(scn::provider_as_value),
        help(
            "read one of its series: `{name}.load`, `{name}.spend`, `{name}.capacity`, or `share({name})`"
        )
    )]
    ProviderAsValue {
        name: String,
        #[label("a provider")]
        span: Span,
    },

    #[error("`{name}` is not a provider")]
    #[diagnostic(code(scn::unknown_provider))]
    NotAProvider {
        name: String,
        #[label("expected a provider")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("`{name}` is not a demand")]
    #[diagnostic(code(scn::unknown_demand))]
    NotADemand {
        name: String,
        #[label("expected a demand")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("demand `{name}` is allocated twice")]
    #[diagnostic(
        code(scn::allocated_twice),
        help("allocate each demand once; list every provider in that one `allocate`")
    )]
    AllocatedTwice {
        name: String,
        #[label("allocated again here")]
        span: Span,
        #[label("first allocated here")]
        first: Span,
    },

    #[error("provider `{name}` is listed twice in one allocation")]
    #[diagnostic(code(scn::duplicate_provider))]
    ProviderTwice {
        name: String,
        #[label("listed again here")]
        span: Span,
        #[label("first listed here")]
        first: Span,
    },

    #[error("unknown scenario `{name}`")]
    #[diagnostic(code(scn::unknown_scenario))]
    UnknownScenario {
        name: String,
        #[label("no such scenario")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("`{name}` cannot be overridden: {why}")]
    #[diagnostic(code(scn::bad_override))]
    BadOverride {
        name: String,
        why: String,
        #[label("here")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("`{what}` must be a whole number from 1 to {max}")]
    #[diagnostic(
        code(scn::bad_setting),
        help("write it as a plain number: `{what} {example}`")
    )]
    BadSetting {
        what: &'static str,
        max: &'static str,
        example: &'static str,
        #[label("not a whole number in range")]
        span: Span,
    },

    #[error("{what} is not supported")]
    #[diagnostic(code(scn::not_supported), help("{help}"))]
    NotSupported {
        what: String,
        help: String,
        #[label("not supported")]
        span: Span,
    },

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

    #[error("keyframe periods must increase: {at} comes after {prev}")]
    #[diagnostic(
        code(scn::keyframe_order),
        help("list keyframes in increasing periods, each once")
    )]
    KeyframeOrder {
        at: String,
        prev: String,
        #[label("{at} here")]
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

    #[error("this needs a timeline")]
    #[diagnostic(
        code(scn::no_timeline),
        help("declare one, e.g. `timeline 2024..2030`")
    )]
    NoTimeline {
        #[label("a series, but the file has no timeline")]
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

    #[error("the {what} of `{provider}` is in {found}, but it serves `{demand}` in {demand_unit}")]
    #[diagnostic(code(scn::price_dimension), help("{help}"))]
    PriceDims {
        what: &'static str,
        provider: String,
        found: String,
        demand: String,
        demand_unit: String,
        help: String,
        #[label("{what} in {found}")]
        span: Span,
        #[label("serves {demand} here")]
        use_span: Span,
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
        help(
            "write a relative tolerance (`within 2%`), percentage points (`within 2 pp`) or one in the compared unit"
        )
    )]
    Tolerance {
        found: String,
        expected: String,
        #[label("{found}")]
        span: Span,
    },

    #[error("`{literal}` is {what}, but the timeline is {step}")]
    #[diagnostic(code(scn::period_mismatch), help("{help}"))]
    PeriodTooFine {
        literal: String,
        what: &'static str,
        step: &'static str,
        help: String,
        #[label("finer than the timeline")]
        span: Span,
    },

    #[error("{literal} is outside the timeline {range}")]
    #[diagnostic(code(scn::year_outside_timeline))]
    PeriodOutside {
        literal: String,
        range: String,
        #[label("not in the timeline")]
        span: Span,
        #[label("timeline declared here")]
        timeline: Span,
    },

    #[error("`@{year}` names a whole year, but the timeline is {step}")]
    #[diagnostic(
        code(scn::period_mismatch),
        help(
            "read one period, `{base}@{year}-01`, or reduce the year: `sum({base}, {year})` or `avg({base}, {year})`"
        )
    )]
    AtYear {
        year: i64,
        step: &'static str,
        base: String,
        #[label("a year, not a {period}")]
        span: Span,
        period: &'static str,
    },

    #[error("the exponent of a quantity with a unit must be a constant")]
    #[diagnostic(
        code(scn::exponent_not_constant),
        help("write a number (`x ^ 2`), or a `let` of one that no scenario overrides")
    )]
    ExponentNotConstant {
        #[label("not a constant")]
        span: Span,
        #[label("this has a unit")]
        base: Span,
    },

    #[error("{what} cannot be raised to {power}")]
    #[diagnostic(
        code(scn::unit_mismatch),
        help(
            "a quantity with a unit takes a whole power, or a root (`^ 0.5`) when its unit's exponents divide evenly"
        )
    )]
    BadPower {
        what: String,
        power: String,
        #[label("this power")]
        span: Span,
    },

    #[error("{what} must be certain, found {found}")]
    #[diagnostic(code(scn::uncertain_not_allowed), help("{help}"))]
    MustBeCertain {
        what: String,
        found: &'static str,
        help: String,
        #[label("uncertain")]
        span: Span,
    },

    #[error("import cycle: {files}")]
    #[diagnostic(
        code(scn::import_cycle),
        help("a file cannot import itself, even through others: remove one `import`")
    )]
    ImportCycle {
        files: String,
        #[label("imported again here")]
        span: Span,
    },

    #[error("cannot import `{path}`: {why}")]
    #[diagnostic(code(scn::import_failed))]
    ImportFailed {
        path: String,
        why: String,
        #[label("here")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("an imported file has no timeline")]
    #[diagnostic(
        code(scn::import_timeline),
        help("remove it: the timeline is the importing file's")
    )]
    ImportTimeline {
        #[label("timeline in an imported file")]
        span: Span,
    },

    #[error("{what}")]
    #[diagnostic(code(scn::csv))]
    Csv {
        what: String,
        #[label("{label}")]
        span: Span,
        label: String,
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

    #[error("`{name}` must be {expected}, found {found}")]
    #[diagnostic(code(scn::not_a_year), help("{help}"))]
    NotAPeriod {
        name: String,
        expected: String,
        found: String,
        help: String,
        #[label("not {expected}")]
        span: Span,
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

    #[error("{what}")]
    #[diagnostic(code(scn::bad_statement))]
    BadStatement {
        what: String,
        #[label("{label}")]
        span: Span,
        label: String,
        #[help]
        help: Option<String>,
    },

    #[error("an imported file's `{what}` does nothing")]
    #[diagnostic(code(scn::import_setting), help("set `{what}` in the file that runs"))]
    ImportedSetting {
        what: &'static str,
        #[label("in an imported file")]
        span: Span,
    },
}

/// An error that only one scenario causes, named by it.
#[derive(Clone, Debug, PartialEq, Error)]
#[error("in scenario `{scenario}`: {inner}")]
pub struct InScenario<E> {
    pub scenario: String,
    pub inner: E,
}

impl<E: Diagnostic> Diagnostic for InScenario<E> {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.inner.code()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.inner.help()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.inner.labels()
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.inner.severity()
    }
}
