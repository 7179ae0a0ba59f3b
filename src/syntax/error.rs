//! Syntax errors, with pest's rule names turned into the words a user knows.

use miette::Diagnostic;
use thiserror::Error;

use super::parser::Rule;
use crate::span::Span;

#[derive(Clone, Debug, Error, Diagnostic, PartialEq)]
pub enum SyntaxError {
    #[error("expected {expected}, found {found}")]
    #[diagnostic(code(scn::syntax))]
    Unexpected {
        expected: String,
        found: String,
        #[label("expected {expected}")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("the input is not valid UTF-8 (byte {offset})")]
    #[diagnostic(
        code(scn::invalid_utf8),
        help("save the file as UTF-8; the invalid bytes are shown as �")
    )]
    InvalidUtf8 {
        offset: usize,
        #[label("invalid UTF-8 here")]
        span: Span,
    },

    #[error("this is nested too deeply ({depth} levels; the limit is {limit})")]
    #[diagnostic(code(scn::too_deep), help("split the expression into several `let`s"))]
    TooDeep {
        depth: usize,
        limit: usize,
        #[label("nesting too deep here")]
        span: Span,
    },

    #[error("the number `{text}` is too large to represent")]
    #[diagnostic(code(scn::not_finite), help("numbers must be below about 1.8e308"))]
    NumberTooLarge {
        text: String,
        #[label("not a finite number")]
        span: Span,
    },

    #[error("comparisons cannot be chained")]
    #[diagnostic(code(scn::chained_comparison), help("{help}"))]
    ChainedComparison {
        #[label("this compares the result of a comparison")]
        span: Span,
        help: String,
    },

    #[error("only functions can be called")]
    #[diagnostic(code(scn::not_callable))]
    NotCallable {
        #[label("this is not a function name")]
        span: Span,
    },

    #[error("unknown allocation policy `{name}`")]
    #[diagnostic(code(scn::unknown_policy), help("{help}"))]
    UnknownPolicy {
        name: String,
        help: String,
        #[label("not a policy")]
        span: Span,
    },

    #[error("`{policy}` takes a list of providers, `[a, b, …]`")]
    #[diagnostic(code(scn::policy_shape))]
    PolicyShape {
        policy: String,
        #[label("expected `[` here")]
        span: Span,
    },

    #[error("`rest` can only be used once, in a `by share {{ … }}` block")]
    #[diagnostic(code(scn::rest_misuse), help("{help}"))]
    RestMisuse {
        help: String,
        #[label("`rest` not allowed here")]
        span: Span,
        #[label("first `rest` here")]
        first: Option<Span>,
    },

    #[error("`{text}` is not a year scn can use")]
    #[diagnostic(
        code(scn::bad_year),
        help("a year is a whole number between -1000000 and 1000000")
    )]
    BadYear {
        text: String,
        #[label("not a year")]
        span: Span,
    },

    #[error("`{text}` is not a period: {problem}")]
    #[diagnostic(code(scn::bad_period), help("{help}"))]
    BadPeriod {
        text: String,
        problem: String,
        help: String,
        #[label("not a period")]
        span: Span,
    },

    #[error("this `{open}` is never closed")]
    #[diagnostic(code(scn::unclosed), help("add the missing `{close}`"))]
    Unclosed {
        open: char,
        close: char,
        #[label("opened here")]
        span: Span,
        found: String,
        #[label("expected `{close}` before {found}")]
        at: Span,
    },

    #[error("`by {policy}` takes no rules")]
    #[diagnostic(
        code(scn::policy_shape),
        help("rules such as `stargate >= 75%` belong to `by optimal [a, b] {{ … }}`")
    )]
    RulesMisuse {
        policy: String,
        #[label("rules here")]
        span: Span,
    },

    #[error("a name has at most two dots")]
    #[diagnostic(
        code(scn::unknown_field),
        help(
            "fields do not have fields: write `stargate.load`, or `cat.stargate.load` for an imported provider"
        )
    )]
    TooManyDots {
        #[label("too many dots")]
        span: Span,
    },
}

/// Human words for a grammar rule, as used in "expected …". `None` for
/// rules that never stand alone in a message.
pub fn rule_name(r: Rule) -> Option<&'static str> {
    use Rule::*;
    Some(match r {
        expr | expr_ml | op_expr | op_expr_ml | keyframes | paren | money | money_unit
        | quantity | number | never | if_expr | when_expr | if_expr_ml | when_expr_ml | neg
        | not | kw_if | kw_when | expr_stmt | string => "an expression",
        ident | target | override_name => "a name",
        add | sub | mul | div | pow | to | or | and | le | ge | ne | eq | lt | gt => "an operator",
        at | field | call => "an operator",
        line_end => "end of line",
        EOI => "end of input",
        property | prop_name => "a property (`name = value`)",
        share_entry | share_name => "a share (`provider: value`)",
        override_ => "an override (`name = value`)",
        provider_ref => "a provider",
        keyframe => "a keyframe (`year: value`)",
        int | period => "a period (`2026`, `2026Q3`, `2026-07`)",
        period_range => "a range of periods (`2024..2030`)",
        step => "`yearly`, `quarterly` or `monthly`",
        alloc_rule => "a rule (`provider >= 20%`)",
        rules_block => "`{`",
        budget_kw => "`budget`",
        range_op => "`..`",
        in_unit | by_year => "`in` or `by`",
        year_word => "`year`",
        year_agg => "`sum`, `avg` or `last`",
        plan_word | kw_plan | plan_stmt => "`plan`",
        subject_to | kw_subject => "`subject to`",
        kw_minimize => "`minimize`",
        kw_discount => "`discount`",
        kw_so => "`so that`",
        that_kw => "`that`",
        sobol_kw => "`sobol` or a percentage",
        as_kw => "`as`",
        csv_call | csv_kw => "an expression",
        kw_to => "`to`",
        fill => "`linear`, `growth` or `step`",
        unit_name | unit_expr | unit_atom | percent_unit => "a unit",
        rest => "`rest`",
        policy => "a policy (`priority`, `cost`, `share` or `optimal`)",
        provider_list => "`[`",
        share_block => "`{`",
        kw_timeline | kw_let | kw_demand | kw_provider | kw_allocate | kw_unit | kw_scenario
        | kw_show | kw_assert | kw_compare | kw_plot | kw_samples | kw_seed | kw_solve
        | kw_sensitivity | kw_correlate | kw_explain | kw_import => "a statement",
        kw_by => "`by`",
        kw_extends => "`extends`",
        kw_on => "`on`",
        kw_in => "`in`",
        kw_within => "`within`",
        kw_then => "`then`",
        kw_else => "`else`",
        assign => "`=`",
        colon => "`:`",
        comma => "`,`",
        dot => "`.`",
        lparen => "`(`",
        rparen => "`)`",
        lbrace => "`{`",
        rbrace => "`}`",
        lbracket => "`[`",
        rbracket => "`]`",
        _ => return None,
    })
}

/// "`)`, `,` or an expression": the expected things, deduplicated, in a
/// stable order (punctuation first, then the broad categories).
pub fn expected_list(rules: &[Rule]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for r in rules {
        if let Some(n) = rule_name(*r)
            && !names.contains(&n)
        {
            names.push(n);
        }
    }
    // A period is an expression: name both only where no expression fits.
    if names.contains(&"an expression") {
        names.retain(|n| !n.starts_with("a period"));
    }
    names.sort_by_key(|n| {
        (
            !n.starts_with('`'),
            *n == "end of line" || *n == "end of input",
        )
    });
    match names.len() {
        0 => "something else".to_string(),
        1 => names[0].to_string(),
        _ => {
            let (last, init) = names.split_last().expect("len >= 2");
            format!("{} or {}", init.join(", "), last)
        }
    }
}

/// A hint for a plausible wrong operator the user typed.
pub fn operator_hint(found: &str) -> Option<String> {
    let h = match found {
        t if t.starts_with("**") => "powers are written `^`, as in `x ^ 2`",
        t if t.starts_with("&&") => "write `and`",
        t if t.starts_with("||") => "write `or`",
        t if t.starts_with("!") && !t.starts_with("!=") => "write `not`",
        t if t.starts_with("=") && !t.starts_with("==") => "to compare, write `==`",
        t if t.starts_with("<>") => "write `!=`",
        t if t.starts_with("'") => "titles are written in double quotes",
        _ => return None,
    };
    Some(h.to_string())
}
