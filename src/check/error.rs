//! Errors found before anything is evaluated: names, declarations, cycles.

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
        help("write the earlier year first: `timeline {end}..{start}`")
    )]
    BackwardsTimeline {
        start: i64,
        end: i64,
        #[label("first year is after the last")]
        span: Span,
    },

    #[error("the timeline is too long ({years} years)")]
    #[diagnostic(
        code(scn::bad_timeline),
        help("a timeline may span at most 1000 years")
    )]
    LongTimeline {
        years: i64,
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

    #[error("{what} is not supported yet")]
    #[diagnostic(code(scn::not_supported), help("{help}"))]
    NotSupported {
        what: String,
        help: String,
        #[label("not supported yet")]
        span: Span,
    },
}
