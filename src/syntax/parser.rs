//! The pest parser and the lowering of its pairs into the owned AST, one
//! function per rule, with one static Pratt table for the operators.

use std::sync::LazyLock;

use pest::Parser;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest_derive::Parser;

use super::ast::*;
use super::error::{SyntaxError, expected_list, operator_hint};
use super::prescan::{check_depth, statement_pieces, unclosed_before};
use crate::span::Span;
use crate::time::{MAX_YEAR, PeriodLit, Step, Sub};

#[derive(Parser)]
#[grammar = "../grammar/scn.pest"]
pub struct ScnParser;

/// Operators from loosest to tightest, as the reference orders them.
static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::or, Assoc::Left))
        .op(Op::infix(Rule::and, Assoc::Left))
        .op(Op::prefix(Rule::not))
        .op(Op::infix(Rule::lt, Assoc::Left)
            | Op::infix(Rule::le, Assoc::Left)
            | Op::infix(Rule::gt, Assoc::Left)
            | Op::infix(Rule::ge, Assoc::Left)
            | Op::infix(Rule::eq, Assoc::Left)
            | Op::infix(Rule::ne, Assoc::Left))
        .op(Op::infix(Rule::to, Assoc::Left))
        .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::sub, Assoc::Left))
        .op(Op::infix(Rule::mul, Assoc::Left) | Op::infix(Rule::div, Assoc::Left))
        .op(Op::prefix(Rule::neg))
        .op(Op::infix(Rule::pow, Assoc::Right))
        .op(Op::postfix(Rule::at) | Op::postfix(Rule::field) | Op::postfix(Rule::call))
});

/// How many levels an expression's tree may have. Chains of one operator
/// (`1 + 1 + … + 1`) are flat, so this bounds real nesting only: the later
/// stages walk the tree recursively.
pub const MAX_EXPR_DEPTH: usize = 2_000;

/// How many dots a name may have: `cat.stargate.price`.
const MAX_FIELDS: usize = 2;

/// Which top-level rule to parse: a file, or REPL input (bare expressions allowed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    File,
    Repl,
}

/// Parses `text`, which starts at global offset `base`, into a program.
/// Reports the first syntax error of each piece, or every independent
/// lowering error.
pub fn parse(text: &str, base: usize, mode: Mode) -> Result<Program, Vec<SyntaxError>> {
    check_depth(text, base).map_err(|e| vec![e])?;
    // Top-level statements are independent, so a large file is cut at
    // statement boundaries (at fixed sizes, whatever the core count) and
    // its pieces parsed in parallel.
    let pieces = match mode {
        Mode::File => statement_pieces(text),
        Mode::Repl => vec![(0, text.len())],
    };
    if pieces.len() < 2 {
        return parse_piece(text, base, mode);
    }
    use rayon::prelude::*;
    let results: Vec<_> = crate::pool::install(|| {
        pieces
            .par_iter()
            .map(|&(a, b)| parse_piece(&text[a..b], base + a, mode))
            .collect()
    });
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(p) => items.extend(p.items),
            Err(es) => errors.extend(es),
        }
    }
    if errors.is_empty() {
        Ok(Program { items })
    } else {
        Err(errors)
    }
}

/// Parses one piece of text that holds whole statements.
fn parse_piece(text: &str, base: usize, mode: Mode) -> Result<Program, Vec<SyntaxError>> {
    let top_rule = match mode {
        Mode::File => Rule::program,
        Mode::Repl => Rule::repl_input,
    };
    let pairs = ScnParser::parse(top_rule, text).map_err(|e| vec![syntax_error(e, text, base)])?;
    let lower = Lower { base };
    let mut items = Vec::new();
    let mut errors = Vec::new();
    // Items are the children of the top rule (statements are silent).
    let top = pairs.flat_map(|p| p.into_inner());
    for pair in top.filter(|p| is_item(p.as_rule())) {
        match lower.item(pair) {
            Ok(item) => match item
                .kind
                .exprs()
                .into_iter()
                .find(|e| e.depth() > MAX_EXPR_DEPTH)
            {
                Some(e) => errors.push(SyntaxError::TooDeep {
                    depth: e.depth(),
                    limit: MAX_EXPR_DEPTH,
                    span: e.span,
                }),
                None => items.push(item),
            },
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(Program { items })
    } else {
        Err(errors)
    }
}

fn is_item(r: Rule) -> bool {
    matches!(
        r,
        Rule::timeline_stmt
            | Rule::let_decl
            | Rule::demand_decl
            | Rule::provider_decl
            | Rule::allocate_decl
            | Rule::unit_decl
            | Rule::scenario_decl
            | Rule::show_stmt
            | Rule::assert_stmt
            | Rule::compare_stmt
            | Rule::plot_stmt
            | Rule::samples_stmt
            | Rule::seed_stmt
            | Rule::plan_stmt
            | Rule::solve_stmt
            | Rule::sensitivity_stmt
            | Rule::correlate_stmt
            | Rule::explain_stmt
            | Rule::import_stmt
            | Rule::expr_stmt
    )
}

fn syntax_error(e: pest::error::Error<Rule>, text: &str, base: usize) -> SyntaxError {
    let pos = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let rest = text.get(pos..).unwrap_or("");
    let token: String = match rest.chars().next() {
        None => String::new(),
        Some(c) if c.is_alphanumeric() || c == '_' => rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
            .take(40)
            .collect(),
        Some(_) => rest
            .chars()
            .take_while(|c| !c.is_alphanumeric() && !c.is_whitespace())
            .take(2)
            .collect(),
    };
    let (found, len) = match token.as_str() {
        "" if rest.starts_with('\n') || rest.starts_with("\r\n") => ("end of line".to_string(), 1),
        "" => ("end of input".to_string(), 0),
        t => (format!("`{t}`"), t.len()),
    };
    let expected = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => expected_list(positives),
        pest::error::ErrorVariant::CustomError { message } => message.clone(),
    };
    // A bracket left open explains the error better than what was found
    // instead of its closing bracket.
    let wants_close =
        expected.contains("`}`") || expected.contains("`)`") || expected.contains("`]`");
    if wants_close
        && let Some((open, ch)) = unclosed_before(text, pos)
        && (len == 0 || found != "end of line")
    {
        let close = match ch {
            b'(' => ')',
            b'[' => ']',
            _ => '}',
        };
        let at = if len == 0 && pos > 0 {
            let prev = text[..pos].chars().next_back().map_or(1, char::len_utf8);
            Span::new(base + pos - prev, base + pos)
        } else {
            Span::new(base + pos, base + pos + len)
        };
        return SyntaxError::Unclosed {
            open: char::from(ch),
            close,
            span: Span::new(base + open, base + open + 1),
            found,
            at,
        };
    }
    // At the very end there is nothing to underline: point at the last
    // character instead, so the label is drawn.
    let (pos, len) = if len == 0 && pos > 0 {
        let prev = text[..pos].chars().next_back().map_or(1, char::len_utf8);
        (pos - prev, prev)
    } else {
        (pos, len)
    };
    SyntaxError::Unexpected {
        expected,
        found,
        span: Span::new(base + pos, base + pos + len),
        help: operator_hint(&token),
    }
}

struct Lower {
    base: usize,
}

type R<T> = Result<T, SyntaxError>;

/// The pairs that carry meaning: punctuation and keywords dropped.
fn meaningful<'i>(pairs: Pairs<'i, Rule>) -> impl Iterator<Item = Pair<'i, Rule>> {
    pairs.filter(|p| {
        !matches!(
            p.as_rule(),
            Rule::assign
                | Rule::colon
                | Rule::comma
                | Rule::dot
                | Rule::lparen
                | Rule::rparen
                | Rule::lbrace
                | Rule::rbrace
                | Rule::lbracket
                | Rule::rbracket
                | Rule::line_end
                | Rule::range_op
                | Rule::kw_timeline
                | Rule::kw_let
                | Rule::kw_demand
                | Rule::kw_provider
                | Rule::kw_allocate
                | Rule::kw_by
                | Rule::kw_scenario
                | Rule::kw_extends
                | Rule::kw_compare
                | Rule::kw_on
                | Rule::kw_show
                | Rule::kw_assert
                | Rule::kw_plot
                | Rule::kw_unit
                | Rule::kw_samples
                | Rule::kw_seed
                | Rule::kw_within
                | Rule::kw_when
                | Rule::kw_if
                | Rule::kw_then
                | Rule::kw_else
                | Rule::kw_in
                | Rule::kw_to
                | Rule::kw_plan
                | Rule::kw_minimize
                | Rule::kw_discount
                | Rule::kw_subject
                | Rule::kw_solve
                | Rule::kw_so
                | Rule::kw_sensitivity
                | Rule::kw_correlate
                | Rule::kw_explain
                | Rule::kw_import
                | Rule::budget_kw
                | Rule::that_kw
                | Rule::as_kw
                | Rule::csv_kw
        )
    })
}

fn first<'i>(mut it: impl Iterator<Item = Pair<'i, Rule>>, what: &str) -> Pair<'i, Rule> {
    it.next()
        .unwrap_or_else(|| unreachable!("the grammar guarantees {what}"))
}

impl Lower {
    /// The pair's span without the whitespace and comment pest lets a rule
    /// swallow after its last token (before an optional part that is absent).
    fn span(&self, p: &Pair<Rule>) -> Span {
        let s = p.as_span();
        let len = significant_len(p.as_str());
        Span::new(self.base + s.start(), self.base + s.start() + len)
    }

    fn ident(&self, p: Pair<Rule>) -> Ident {
        Ident {
            name: p.as_str().to_string(),
            span: self.span(&p),
        }
    }

    fn string(&self, p: Pair<Rule>) -> String {
        let s = p.as_str();
        s[1..s.len() - 1].to_string()
    }

    fn item(&self, pair: Pair<Rule>) -> R<Item> {
        let span = self.span(&pair);
        let kind_rule = pair.as_rule();
        let mut it = meaningful(pair.into_inner()).peekable();
        let kind = match kind_rule {
            Rule::timeline_stmt => {
                let r = first(&mut it, "a range");
                let rspan = self.span(&r);
                let (start, end) = self.period_range(r)?;
                let step = it.next().map(|s| match s.as_str() {
                    "quarterly" => Step::Quarterly,
                    "monthly" => Step::Monthly,
                    _ => Step::Yearly,
                });
                ItemKind::Timeline {
                    start,
                    end,
                    step,
                    span: rspan,
                }
            }
            Rule::let_decl => ItemKind::Let {
                name: self.ident(first(&mut it, "a name")),
                value: self.expr(first(&mut it, "a value"))?,
            },
            Rule::demand_decl => {
                let name = self.ident(first(&mut it, "a name"));
                let mut p = first(&mut it, "a value");
                let title = if p.as_rule() == Rule::string {
                    let t = self.string(p);
                    p = first(&mut it, "a value");
                    Some(t)
                } else {
                    None
                };
                ItemKind::Demand {
                    name,
                    title,
                    value: self.expr(p)?,
                }
            }
            Rule::provider_decl => {
                let name = self.ident(first(&mut it, "a name"));
                let mut title = None;
                let mut props = Vec::new();
                for p in it {
                    match p.as_rule() {
                        Rule::string => title = Some(self.string(p)),
                        _ => {
                            let mut inner = meaningful(p.into_inner());
                            let n = first(&mut inner, "a property name");
                            let v = first(&mut inner, "a property value");
                            props.push(Property {
                                name: self.ident(n),
                                value: self.expr(v)?,
                                upper: inner.next().map(|u| self.expr(u)).transpose()?,
                            });
                        }
                    }
                }
                ItemKind::Provider { name, title, props }
            }
            Rule::allocate_decl => {
                let demand = self.ident(first(&mut it, "a demand"));
                let policy = self.policy(first(&mut it, "a policy"))?;
                let budget = it.next().map(|b| self.expr(b)).transpose()?;
                ItemKind::Allocate {
                    demand,
                    policy,
                    budget,
                }
            }
            Rule::unit_decl => {
                let name = self.ident(first(&mut it, "a name"));
                let value = it.next().map(|p| self.expr(p)).transpose()?;
                ItemKind::Unit { name, value }
            }
            Rule::scenario_decl => {
                let name = self.ident(first(&mut it, "a name"));
                let mut title = None;
                let mut extends = None;
                let mut overrides = Vec::new();
                for p in it {
                    match p.as_rule() {
                        Rule::string => title = Some(self.string(p)),
                        Rule::ident => extends = Some(self.ident(p)),
                        Rule::override_ => overrides.push(self.override_(p)?),
                        r => unreachable!("unexpected {r:?} in scenario"),
                    }
                }
                ItemKind::Scenario(Scenario {
                    name,
                    title,
                    extends,
                    overrides,
                })
            }
            Rule::show_stmt => {
                let p = first(&mut it, "what to show");
                if p.as_rule() == Rule::plan_word {
                    ItemKind::ShowPlan
                } else {
                    let exprs = self.expr_list(p)?;
                    let mut unit = None;
                    let mut by_year = None;
                    for o in it {
                        match o.as_rule() {
                            Rule::in_unit => {
                                let u = first(meaningful(o.into_inner()), "a unit");
                                unit = Some(self.unit_expr(u));
                            }
                            Rule::by_year => {
                                let bspan = self.span(&o);
                                let agg = meaningful(o.into_inner())
                                    .find(|q| q.as_rule() == Rule::year_agg)
                                    .map(|q| match q.as_str() {
                                        "sum" => YearAgg::Sum,
                                        "avg" => YearAgg::Avg,
                                        _ => YearAgg::Last,
                                    });
                                by_year = Some(ByYear { agg, span: bspan });
                            }
                            r => unreachable!("unexpected {r:?} in show"),
                        }
                    }
                    ItemKind::Show {
                        exprs,
                        unit,
                        by_year,
                    }
                }
            }
            Rule::assert_stmt => {
                let expr = self.expr(first(&mut it, "a condition"))?;
                let within = it.next().map(|p| self.expr(p)).transpose()?;
                ItemKind::Assert { expr, within }
            }
            Rule::compare_stmt => {
                let mut scenarios = Vec::new();
                let mut exprs = Vec::new();
                for p in it {
                    match p.as_rule() {
                        Rule::ident => scenarios.push(self.ident(p)),
                        Rule::expr_list => exprs = self.expr_list(p)?,
                        r => unreachable!("unexpected {r:?} in compare"),
                    }
                }
                ItemKind::Compare { scenarios, exprs }
            }
            Rule::plot_stmt => {
                let mut p = first(&mut it, "what to plot");
                let stack = p.as_rule() == Rule::stack;
                if stack {
                    p = first(&mut it, "what to plot");
                }
                ItemKind::Plot {
                    stack,
                    exprs: self.expr_list(p)?,
                }
            }
            Rule::samples_stmt => ItemKind::Samples(self.expr(first(&mut it, "a count"))?),
            Rule::seed_stmt => ItemKind::Seed(self.expr(first(&mut it, "a seed"))?),
            Rule::plan_stmt => {
                let mut title = None;
                let mut objective = None;
                let mut discount = None;
                let mut constraints = Vec::new();
                for p in it {
                    match p.as_rule() {
                        Rule::string => title = Some(self.string(p)),
                        Rule::subject_to => {
                            constraints = meaningful(p.into_inner())
                                .map(|c| self.expr(c))
                                .collect::<R<_>>()?
                        }
                        _ if objective.is_none() => objective = Some(self.expr(p)?),
                        _ => discount = Some(self.expr(p)?),
                    }
                }
                ItemKind::Plan(Plan {
                    title,
                    objective: objective.unwrap_or_else(|| unreachable!("a plan has an objective")),
                    discount,
                    constraints,
                    span,
                })
            }
            Rule::solve_stmt => ItemKind::Solve {
                name: self.ident(first(&mut it, "a name")),
                lo: self.expr(first(&mut it, "a low end"))?,
                hi: self.expr(first(&mut it, "a high end"))?,
                condition: self.expr(first(&mut it, "a condition"))?,
            },
            Rule::sensitivity_stmt => {
                let expr = self.expr(first(&mut it, "an expression"))?;
                let mut on = Vec::new();
                let mut by = SensitivityBy::Default;
                for p in it {
                    match p.as_rule() {
                        Rule::target => on.push(self.target(p)),
                        Rule::sobol_kw => by = SensitivityBy::Sobol,
                        _ => by = SensitivityBy::Percent(self.expr(p)?),
                    }
                }
                ItemKind::Sensitivity { expr, on, by }
            }
            Rule::correlate_stmt => {
                let mut targets = Vec::new();
                let mut rho = None;
                for p in it {
                    match p.as_rule() {
                        Rule::target => targets.push(self.target(p)),
                        _ => rho = Some(self.expr(p)?),
                    }
                }
                ItemKind::Correlate {
                    targets,
                    rho: rho.unwrap_or_else(|| unreachable!("correlate has a value")),
                }
            }
            Rule::explain_stmt => ItemKind::Explain {
                from: self.ident(first(&mut it, "a scenario")),
                to: self.ident(first(&mut it, "a scenario")),
                expr: self.expr(first(&mut it, "an expression"))?,
            },
            Rule::import_stmt => {
                let p = first(&mut it, "a path");
                let path_span = self.span(&p);
                let path = self.string(p);
                ItemKind::Import {
                    path,
                    path_span,
                    alias: it.next().map(|a| self.ident(a)),
                }
            }
            Rule::expr_stmt => ItemKind::Expr(self.expr(first(&mut it, "an expression"))?),
            r => unreachable!("not an item: {r:?}"),
        };
        Ok(Item { kind, span })
    }

    fn target(&self, pair: Pair<Rule>) -> Target {
        let span = self.span(&pair);
        Target {
            parts: meaningful(pair.into_inner())
                .map(|p| self.ident(p))
                .collect(),
            span,
        }
    }

    /// `2026`, `2026Q3`, `2026-07` (the month or quarter checked here).
    fn period(&self, p: &Pair<Rule>) -> R<PeriodLit> {
        let text = p.as_str();
        let span = self.span(p);
        let bad = |problem: &str, help: &str| SyntaxError::BadPeriod {
            text: text.to_string(),
            problem: problem.to_string(),
            help: help.to_string(),
            span,
        };
        if p.as_rule() == Rule::int {
            let year: i64 = text.parse().map_err(|_| SyntaxError::BadYear {
                text: text.to_string(),
                span,
            })?;
            if year.abs() > MAX_YEAR {
                return Err(SyntaxError::BadYear {
                    text: text.to_string(),
                    span,
                });
            }
            return Ok(PeriodLit::year(year, span));
        }
        let year: i64 = text[..4].parse().map_err(|_| SyntaxError::BadYear {
            text: text.to_string(),
            span,
        })?;
        let rest = &text[4..];
        let sub = if let Some(m) = rest.strip_prefix('-') {
            if m.len() != 2 {
                return Err(bad(
                    "a month has two digits",
                    &format!(
                        "write `{year}-{:0>2}`; for a subtraction put spaces around `-`: `{year} - {m}`",
                        m
                    ),
                ));
            }
            match m.parse::<u8>() {
                Ok(n @ 1..=12) => Sub::Month(n),
                _ => {
                    return Err(bad(
                        "there is no such month",
                        &format!(
                            "months run from 01 to 12; for a subtraction write `{year} - {m}`"
                        ),
                    ));
                }
            }
        } else {
            let q = &rest[1..];
            match q.parse::<u8>() {
                Ok(n @ 1..=4) if q.len() == 1 => Sub::Quarter(n),
                _ => {
                    return Err(bad(
                        "there is no such quarter",
                        "quarters are `Q1` to `Q4`: `2026Q3`",
                    ));
                }
            }
        };
        Ok(PeriodLit { year, sub, span })
    }

    fn period_range(&self, pair: Pair<Rule>) -> R<(PeriodLit, PeriodLit)> {
        let mut it = pair.into_inner();
        let a = first(&mut it, "a range start");
        let b = first(&mut it, "a range end");
        Ok((self.period(&a)?, self.period(&b)?))
    }

    fn policy(&self, pair: Pair<Rule>) -> R<Policy> {
        let mut it = pair.into_inner();
        let name = self.ident(first(&mut it, "a policy name"));
        let body = first(&mut it, "a policy body");
        let body_span = self.span(&body);
        let rules = it.next();
        let list = |body: Pair<Rule>| -> R<Vec<Ident>> {
            if body.as_rule() != Rule::provider_list {
                return Err(SyntaxError::PolicyShape {
                    policy: name.name.clone(),
                    span: body_span,
                });
            }
            let ids: Vec<Ident> = meaningful(body.into_inner())
                .map(|p| self.ident(p))
                .collect();
            if let Some(r) = ids.iter().find(|i| i.name == "rest") {
                return Err(SyntaxError::RestMisuse {
                    span: r.span,
                    help: "in a list the providers take demand in turn, and the last one listed takes what remains".into(),
                    first: None,
                });
            }
            Ok(ids)
        };
        let no_rules = |rules: &Option<Pair<Rule>>| -> R<()> {
            match rules {
                Some(r) => Err(SyntaxError::RulesMisuse {
                    policy: name.name.clone(),
                    span: self.span(r),
                }),
                None => Ok(()),
            }
        };
        match name.name.as_str() {
            "priority" => {
                no_rules(&rules)?;
                Ok(Policy::Priority(list(body)?))
            }
            "cost" => {
                no_rules(&rules)?;
                Ok(Policy::Cost(list(body)?))
            }
            "optimal" => {
                let providers = list(body)?;
                let mut out = Vec::new();
                if let Some(r) = rules {
                    for rule in meaningful(r.into_inner()) {
                        let rspan = self.span(&rule);
                        let mut inner = rule.into_inner();
                        let p = self.ident(first(&mut inner, "a provider"));
                        let op = match first(&mut inner, "an operator").as_rule() {
                            Rule::le => RuleOp::AtMost,
                            Rule::ge => RuleOp::AtLeast,
                            _ => RuleOp::Exactly,
                        };
                        let value = self.expr(first(&mut inner, "a bound"))?;
                        out.push(AllocRule {
                            provider: p,
                            op,
                            value,
                            span: rspan,
                        });
                    }
                }
                Ok(Policy::Optimal {
                    providers,
                    rules: out,
                })
            }
            "share" => {
                if body.as_rule() != Rule::share_block {
                    return Err(SyntaxError::PolicyShape {
                        policy: "share".into(),
                        span: body_span,
                    });
                }
                let mut entries = Vec::new();
                let mut first_rest: Option<Span> = None;
                for e in meaningful(body.into_inner()) {
                    let span = self.span(&e);
                    let mut inner = meaningful(e.into_inner());
                    let p = first(&mut inner, "a provider");
                    let v = first(&mut inner, "a share");
                    let share = if v.as_rule() == Rule::rest {
                        let rs = self.span(&v);
                        if let Some(first) = first_rest {
                            return Err(SyntaxError::RestMisuse {
                                span: rs,
                                help: "`rest` takes whatever the other shares leave; give it to one provider".into(),
                                first: Some(first),
                            });
                        }
                        first_rest = Some(rs);
                        None
                    } else {
                        Some(self.expr(v)?)
                    };
                    entries.push(ShareEntry {
                        provider: self.ident(p),
                        share,
                        span,
                    });
                }
                Ok(Policy::Share(entries))
            }
            other => {
                let policies = crate::check::vocab::POLICIES;
                let names: Vec<&str> = policies.iter().map(|p| p.name).collect();
                let help = match crate::diag::suggest(other, names.iter().copied()) {
                    Some(s) => format!(
                        "did you mean `{s}`? The policies are {}",
                        crate::diag::list_words(&names)
                    ),
                    None => format!(
                        "the policies are {}",
                        policies
                            .iter()
                            .map(|p| format!("`{}`", p.usage))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                Err(SyntaxError::UnknownPolicy {
                    name: other.to_string(),
                    help,
                    span: name.span,
                })
            }
        }
    }

    fn override_(&self, pair: Pair<Rule>) -> R<Override> {
        let span = self.span(&pair);
        let mut it = meaningful(pair.into_inner());
        let target = self.target(first(&mut it, "a target"));
        let value = self.expr(first(&mut it, "a value"))?;
        if target.parts.len() > MAX_FIELDS + 1 {
            return Err(SyntaxError::TooManyDots { span: target.span });
        }
        Ok(Override {
            target,
            value,
            span,
        })
    }

    fn expr_list(&self, pair: Pair<Rule>) -> R<Vec<Expr>> {
        meaningful(pair.into_inner())
            .map(|p| self.expr(p))
            .collect()
    }

    fn unit_expr(&self, pair: Pair<Rule>) -> UnitExpr {
        let span = self.span(&pair);
        let mut factors = Vec::new();
        let mut sign = 1;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::mul => sign = 1,
                Rule::div => sign = -1,
                Rule::unit_atom => {
                    let fspan = self.span(&p);
                    let mut inner = p.into_inner();
                    let head = first(&mut inner, "a unit");
                    let power = inner
                        .find(|q| q.as_rule() == Rule::int)
                        .and_then(|q| q.as_str().parse::<i32>().ok())
                        .unwrap_or(1)
                        .clamp(-8, 8);
                    factors.push(UnitFactor {
                        name: head.as_str().to_string(),
                        power: sign * power,
                        span: fspan,
                    });
                }
                r => unreachable!("unexpected {r:?} in unit"),
            }
        }
        UnitExpr { factors, span }
    }

    fn expr(&self, pair: Pair<Rule>) -> R<Expr> {
        match pair.as_rule() {
            Rule::expr | Rule::expr_ml => self.expr(first(pair.into_inner(), "an expression")),
            Rule::op_expr | Rule::op_expr_ml => self.pratt(pair.into_inner()).map(|(e, _)| e),
            Rule::if_expr | Rule::if_expr_ml => {
                let span = self.span(&pair);
                let mut it = meaningful(pair.into_inner());
                let c = first(&mut it, "a condition");
                let a = first(&mut it, "a value");
                let b = first(&mut it, "a value");
                Ok(Expr {
                    kind: ExprKind::If {
                        cond: Box::new(self.expr(c)?),
                        then: Box::new(self.expr(a)?),
                        otherwise: Box::new(self.expr(b)?),
                    },
                    span,
                })
            }
            Rule::when_expr | Rule::when_expr_ml => {
                let span = self.span(&pair);
                let c = first(meaningful(pair.into_inner()), "a condition");
                // `when` takes everything to its right, so a comparison of
                // its period needs parentheses: say so.
                let cond = self.expr(c).map_err(|e| match e {
                    SyntaxError::ChainedComparison { span: s, .. } => SyntaxError::ChainedComparison {
                        span: s,
                        help: "`when` takes everything after it; to compare its period, write `(when a > b) <= 2030`".into(),
                    },
                    e => e,
                })?;
                Ok(Expr {
                    kind: ExprKind::When(Box::new(cond)),
                    span,
                })
            }
            _ => self.primary(pair).map(|(e, _)| e),
        }
    }

    /// Operators through the Pratt table. The flag says whether the
    /// expression was written in parentheses (to reject `a < b < c`, and
    /// to keep `(a + b) + c` from joining the inner chain).
    fn pratt(&self, pairs: Pairs<Rule>) -> R<(Expr, bool)> {
        PRATT
            .map_primary(|p| self.primary(p))
            .map_prefix(|op, rhs| {
                let (rhs, _) = rhs?;
                let span = self.span(&op).join(rhs.span);
                let op = match op.as_rule() {
                    Rule::neg => UnOp::Neg,
                    Rule::not => UnOp::Not,
                    r => unreachable!("not a prefix operator: {r:?}"),
                };
                Ok((
                    Expr {
                        kind: ExprKind::Unary {
                            op,
                            operand: Box::new(rhs),
                        },
                        span,
                    },
                    false,
                ))
            })
            .map_postfix(|lhs, op| {
                let (lhs, _) = lhs?;
                let span = lhs.span.join(self.span(&op));
                let kind = match op.as_rule() {
                    Rule::at => {
                        let y = first(op.into_inner(), "a period");
                        let at = match y.as_rule() {
                            Rule::int | Rule::period => {
                                let p = self.period(&y)?;
                                Expr {
                                    kind: ExprKind::Period(p),
                                    span: p.span,
                                }
                            }
                            _ => self.primary(y)?.0,
                        };
                        ExprKind::At {
                            base: Box::new(lhs),
                            at: Box::new(at),
                        }
                    }
                    Rule::field => {
                        if field_depth(&lhs) >= MAX_FIELDS {
                            return Err(SyntaxError::TooManyDots { span });
                        }
                        let f = first(meaningful(op.into_inner()), "a field name");
                        ExprKind::Field {
                            base: Box::new(lhs),
                            field: self.ident(f),
                        }
                    }
                    Rule::call => {
                        let ExprKind::Name(name) = &lhs.kind else {
                            return Err(SyntaxError::NotCallable { span: lhs.span });
                        };
                        let func = Ident {
                            name: name.clone(),
                            span: lhs.span,
                        };
                        let args = meaningful(op.into_inner())
                            .map(|a| {
                                if a.as_rule() == Rule::period_range {
                                    let span = self.span(&a);
                                    let (start, end) = self.period_range(a)?;
                                    Ok(Expr {
                                        kind: ExprKind::Range { start, end },
                                        span,
                                    })
                                } else {
                                    self.expr(a)
                                }
                            })
                            .collect::<R<Vec<_>>>()?;
                        ExprKind::Call { func, args }
                    }
                    r => unreachable!("not a postfix operator: {r:?}"),
                };
                Ok((Expr { kind, span }, false))
            })
            .map_infix(|lhs, op, rhs| {
                let (lhs, lhs_paren) = lhs?;
                let (rhs, _) = rhs?;
                let op_span = self.span(&op);
                let op = match op.as_rule() {
                    Rule::add => BinOp::Add,
                    Rule::sub => BinOp::Sub,
                    Rule::mul => BinOp::Mul,
                    Rule::div => BinOp::Div,
                    Rule::pow => BinOp::Pow,
                    Rule::to => BinOp::To,
                    Rule::lt => BinOp::Lt,
                    Rule::le => BinOp::Le,
                    Rule::gt => BinOp::Gt,
                    Rule::ge => BinOp::Ge,
                    Rule::eq => BinOp::Eq,
                    Rule::ne => BinOp::Ne,
                    Rule::and => BinOp::And,
                    Rule::or => BinOp::Or,
                    r => unreachable!("not an infix operator: {r:?}"),
                };
                if op.is_comparison()
                    && !lhs_paren
                    && let ExprKind::Binary { op: inner, .. } = &lhs.kind
                    && inner.is_comparison()
                {
                    return Err(SyntaxError::ChainedComparison {
                        span: lhs.span.join(rhs.span),
                        help: "write `a < b and b < c`".into(),
                    });
                }
                let span = lhs.span.join(rhs.span);
                // Operators of one level written in a row make one flat chain.
                if let Some(level) = op.chain_level() {
                    let mut lhs = lhs;
                    if !lhs_paren
                        && let ExprKind::Chain { rest, .. } = &mut lhs.kind
                        && rest[0].op.chain_level() == Some(level)
                    {
                        rest.push(Link { op, op_span, rhs });
                        lhs.span = span;
                        return Ok((lhs, false));
                    }
                    return Ok((
                        Expr {
                            kind: ExprKind::Chain {
                                first: Box::new(lhs),
                                rest: vec![Link { op, op_span, rhs }],
                            },
                            span,
                        },
                        false,
                    ));
                }
                Ok((
                    Expr {
                        kind: ExprKind::Binary {
                            op,
                            lhs: Box::new(lhs),
                            rhs: Box::new(rhs),
                            op_span,
                        },
                        span,
                    },
                    false,
                ))
            })
            .parse(pairs)
    }

    fn primary(&self, pair: Pair<Rule>) -> R<(Expr, bool)> {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::paren => {
                let inner = first(meaningful(pair.into_inner()), "an expression");
                let mut e = self.expr(inner)?;
                e.span = span;
                return Ok((e, true));
            }
            Rule::if_expr | Rule::when_expr | Rule::expr | Rule::op_expr => {
                return Ok((self.expr(pair)?, false));
            }
            Rule::ident => ExprKind::Name(pair.as_str().to_string()),
            Rule::never => ExprKind::Never,
            Rule::string => ExprKind::String(self.string(pair)),
            Rule::period => ExprKind::Period(self.period(&pair)?),
            Rule::money => ExprKind::Money(self.number(&pair.as_str()[1..], span)?.0),
            Rule::money_unit => ExprKind::MoneyUnit(match pair.as_str() {
                "$k" => 1e3,
                "$M" => 1e6,
                "$B" => 1e9,
                "$T" => 1e12,
                _ => 1.0,
            }),
            Rule::quantity => {
                let mut it = pair.into_inner();
                let num = first(&mut it, "a number");
                let nspan = self.span(&num);
                let (value, percent) = self.number(num.as_str(), nspan)?;
                let number = Expr {
                    kind: ExprKind::Number { value, percent },
                    span: nspan,
                };
                match it.next() {
                    None => return Ok((number, false)),
                    Some(u) => ExprKind::WithUnit {
                        value: Box::new(number),
                        unit: self.ident(first(u.into_inner(), "a unit name")),
                    },
                }
            }
            Rule::keyframes => {
                let mut frames = Vec::new();
                let mut fill = Fill::Linear;
                for p in meaningful(pair.into_inner()) {
                    match p.as_rule() {
                        Rule::keyframe => {
                            let mut it = meaningful(p.into_inner());
                            let y = first(&mut it, "a period");
                            let v = first(&mut it, "a value");
                            frames.push(Keyframe {
                                at: self.period(&y)?,
                                value: self.expr(v)?,
                            });
                        }
                        Rule::fill => fill = fill_of(p.as_str()),
                        r => unreachable!("unexpected {r:?} in keyframes"),
                    }
                }
                ExprKind::Keyframes { frames, fill }
            }
            Rule::csv_call => {
                let mut it = meaningful(pair.into_inner());
                let f = first(&mut it, "a file");
                let c = first(&mut it, "a column");
                let fill = it.next().map_or(Fill::Linear, |p| fill_of(p.as_str()));
                ExprKind::Csv {
                    file_span: self.span(&f),
                    file: self.string(f),
                    column_span: self.span(&c),
                    column: self.string(c),
                    fill,
                }
            }
            r => unreachable!("not a primary: {r:?}"),
        };
        Ok((Expr { kind, span }, false))
    }

    /// `1_000`, `1.2e9`, `5B`, `75%` → (value, written as a percent).
    fn number(&self, text: &str, span: Span) -> R<(f64, bool)> {
        let mut t: String = text.chars().filter(|c| *c != '_').collect();
        let percent = t.ends_with('%');
        if percent {
            t.pop();
        }
        let scale = match t.chars().last() {
            Some('k') => 1e3,
            Some('M') => 1e6,
            Some('B') => 1e9,
            Some('T') => 1e12,
            _ => 1.0,
        };
        if scale != 1.0 {
            t.pop();
        }
        let v: f64 = t.parse().unwrap_or(f64::INFINITY);
        let v = v * scale / if percent { 100.0 } else { 1.0 };
        if !v.is_finite() {
            return Err(SyntaxError::NumberTooLarge {
                text: text.to_string(),
                span,
            });
        }
        Ok((v, percent))
    }
}

fn fill_of(s: &str) -> Fill {
    match s {
        "growth" => Fill::Growth,
        "step" => Fill::Step,
        _ => Fill::Linear,
    }
}

/// How many field accesses end in `e`: `a.b.c` has two.
fn field_depth(e: &Expr) -> usize {
    let mut n = 0;
    let mut cur = e;
    while let ExprKind::Field { base, .. } = &cur.kind {
        n += 1;
        cur = base;
    }
    n
}

/// The length of `text` without trailing blanks and a trailing comment.
fn significant_len(text: &str) -> usize {
    let mut end = text.trim_end_matches([' ', '\t', '\r']).len();
    loop {
        let line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        let mut in_string = false;
        let comment = text[line_start..end]
            .char_indices()
            .find_map(|(i, c)| match c {
                '"' => {
                    in_string = !in_string;
                    None
                }
                '#' if !in_string => Some(line_start + i),
                _ => None,
            });
        match comment {
            Some(at) => end = text[..at].trim_end_matches([' ', '\t', '\r']).len(),
            None => return end,
        }
    }
}

/// Parses a command-line override, `NAME=EXPR` or `P.prop=EXPR`.
pub fn parse_override(text: &str, base: usize) -> Result<Override, Vec<SyntaxError>> {
    check_depth(text, base).map_err(|e| vec![e])?;
    let pairs =
        ScnParser::parse(Rule::set_arg, text).map_err(|e| vec![syntax_error(e, text, base)])?;
    let lower = Lower { base };
    let Some(pair) = pairs.flatten().find(|p| p.as_rule() == Rule::override_) else {
        unreachable!("set_arg holds an override")
    };
    lower.override_(pair).map_err(|e| vec![e])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file big enough to be cut into pieces, with brackets, comments and
    /// strings spanning the places a naive cut would fall.
    fn big_file() -> String {
        let mut s = String::from("timeline 2024..2030\n");
        for i in 0..3000 {
            s.push_str(&format!(
                "# note {i} (with a bracket\nlet x{i} = {{ 2024: {i} GW,\n  2030: {} GW }} growth\nprovider p{i} \"P {i} (east\" {{\n  capacity = (x{i} *\n 2)\n}}\n",
                i + 1
            ));
        }
        s
    }

    #[test]
    fn spans_leave_out_trailing_comments() {
        assert_eq!(significant_len("x > 1 # c"), 5);
        assert_eq!(significant_len("% # c"), 1);
        assert_eq!(significant_len("\"a # b\" # c"), 7);
        assert_eq!(significant_len("f(x,\n  y) # c"), 9);
        assert_eq!(significant_len("x  "), 1);
    }

    #[test]
    fn pieces_parse_like_the_whole() {
        let text = big_file();
        let pieces = statement_pieces(&text);
        assert!(pieces.len() >= 2);
        let whole = parse_piece(&text, 7, Mode::File).expect("parses");
        let split = parse(&text, 7, Mode::File).expect("parses");
        assert_eq!(
            whole, split,
            "parsing in pieces gives the same program, spans included"
        );
    }

    #[test]
    fn chains_are_flat() {
        let src = format!("let x = {}1", "1 + ".repeat(5000));
        let p = parse(&src, 0, Mode::File).expect("a long flat chain parses");
        let ItemKind::Let { value, .. } = &p.items[0].kind else {
            panic!("a let")
        };
        assert_eq!(value.depth(), 2);
        // Parentheses keep their own chain.
        let p = parse("let y = (a + b) + c - d * e * f", 0, Mode::File).unwrap();
        let ItemKind::Let { value, .. } = &p.items[0].kind else {
            panic!("a let")
        };
        let ExprKind::Chain { first, rest } = &value.kind else {
            panic!("a chain")
        };
        assert_eq!(rest.len(), 2);
        assert!(matches!(first.kind, ExprKind::Chain { .. }));
    }

    #[test]
    fn period_literals() {
        let p = parse("let a = x@2026-07 + y@2026Q3", 0, Mode::File).unwrap();
        assert_eq!(p.items.len(), 1);
        for bad in ["let a = 2026-13", "let a = 2026Q5", "let a = 2026-7"] {
            let e = parse(bad, 0, Mode::File).unwrap_err();
            assert!(
                matches!(e[0], SyntaxError::BadPeriod { .. }),
                "{bad}: {e:?}"
            );
        }
        assert!(parse("let a = 2026 - 7", 0, Mode::File).is_ok());
    }
}
