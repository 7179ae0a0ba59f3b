//! The pest parser and the lowering of its pairs into the owned AST, with one
//! static Pratt table for the operators.

use std::sync::LazyLock;

use pest::Parser;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest_derive::Parser;

use super::ast::*;
use super::error::{SyntaxError, expected_list, operator_hint};
use crate::span::Span;

#[derive(Parser)]
#[grammar = "../grammar/scn.pest"]
pub struct ScnParser;

/// Operators from loosest to tightest, as LANGUAGE.md orders them.
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

/// How deep brackets and runs of prefix operators may nest. The parser is
/// recursive, so this bound is what keeps hostile input from overflowing it.
pub const MAX_DEPTH: usize = 200;

/// How many levels an expression's tree may have (`1 + 1 + … + 1` with
/// 2,000 terms has 2,000): the later stages walk it recursively.
pub const MAX_EXPR_DEPTH: usize = 2_000;

/// Which top-level rule to parse: a file, or REPL input (bare expressions allowed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    File,
    Repl,
}

/// Parses `text`, which starts at global offset `base`, into a program.
/// Reports the first syntax error, or every independent lowering error.
pub fn parse(text: &str, base: usize, mode: Mode) -> Result<Program, Vec<SyntaxError>> {
    check_depth(text, base).map_err(|e| vec![e])?;
    // Top-level statements are independent, so a large file is cut at
    // statement boundaries and its pieces parsed on every core.
    let pieces = statement_pieces(text, mode);
    if pieces.len() < 2 {
        return parse_piece(text, base, mode);
    }
    use rayon::prelude::*;
    let results: Vec<_> = pieces
        .par_iter()
        .map(|&(a, b)| parse_piece(&text[a..b], base + a, mode))
        .collect();
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

/// Files smaller than this are parsed in one piece.
const PARALLEL_PARSE_FROM: usize = 1 << 16;

/// Byte ranges of `text` that each hold whole statements: cuts fall after a
/// newline outside any bracket, string or comment, near equal sizes.
fn statement_pieces(text: &str, mode: Mode) -> Vec<(usize, usize)> {
    let n = rayon::current_num_threads();
    if mode != Mode::File || text.len() < PARALLEL_PARSE_FROM || n < 2 {
        return vec![(0, text.len())];
    }
    let bytes = text.as_bytes();
    let target = text.len() / n;
    let mut cuts = vec![0];
    let (mut depth, mut i) = (0usize, 0usize);
    while i < bytes.len() {
        if let Some(next) = skip_trivia(bytes, i) {
            i = next;
            continue;
        }
        match bytes[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'\n' if depth == 0 && i + 1 - cuts[cuts.len() - 1] >= target && cuts.len() < n => {
                cuts.push(i + 1)
            }
            _ => {}
        }
        i += 1;
    }
    cuts.push(text.len());
    cuts.windows(2)
        .map(|w| (w[0], w[1]))
        .filter(|(a, b)| a < b)
        .collect()
}

/// When a comment or a string starts at `i`, the index just past it (a
/// comment stops before its newline, an unclosed string at the newline):
/// the byte scanners below look only at code.
fn skip_trivia(bytes: &[u8], i: usize) -> Option<usize> {
    let end_of = |from: usize, stop: &[u8]| {
        bytes[from..]
            .iter()
            .position(|b| stop.contains(b))
            .map_or(bytes.len(), |k| from + k)
    };
    match bytes[i] {
        b'#' => Some(end_of(i, b"\n")),
        b'"' => {
            let close = end_of(i + 1, b"\"\n");
            Some(if bytes.get(close) == Some(&b'"') {
                close + 1
            } else {
                close
            })
        }
        _ => None,
    }
}

/// Parses one piece of text that holds whole statements.
fn parse_piece(text: &str, base: usize, mode: Mode) -> Result<Program, Vec<SyntaxError>> {
    let rule = match mode {
        Mode::File => Rule::program,
        Mode::Repl => Rule::repl_input,
    };
    let pairs = ScnParser::parse(rule, text).map_err(|e| vec![syntax_error(e, text, base)])?;
    let lower = Lower { base, text };
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
                // Checking and evaluation recurse over the tree: bound it.
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

fn is_item(rule: Rule) -> bool {
    matches!(
        rule,
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
            | Rule::expr_stmt
    )
}

/// Rejects input nested deeper than [`MAX_DEPTH`] before the recursive
/// parser sees it: brackets, and runs of `-`, `not`, `^`, `if` and `when`.
fn check_depth(text: &str, base: usize) -> Result<(), SyntaxError> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut run = 0usize;
    let mut i = 0;
    let too_deep = |depth, at: usize| SyntaxError::TooDeep {
        depth,
        limit: MAX_DEPTH,
        span: Span::new(base + at, base + at + 1),
    };
    while i < bytes.len() {
        if let Some(next) = skip_trivia(bytes, i) {
            i = next;
            continue;
        }
        let b = bytes[i];
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(too_deep(depth, i));
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'-' | b'^' => {
                run += 1;
                if run > MAX_DEPTH {
                    return Err(too_deep(run, i));
                }
            }
            b' ' | b'\t' | b'\r' => {}
            b'\n' | b';' => run = 0,
            _ if b.is_ascii_alphabetic() => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                match &text[start..i] {
                    "not" | "if" | "when" | "then" | "else" => {
                        run += 1;
                        if run > MAX_DEPTH {
                            return Err(too_deep(run, start));
                        }
                    }
                    _ => run = 0,
                }
                continue;
            }
            _ => run = 0,
        }
        i += 1;
    }
    Ok(())
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
    // At the very end there is nothing to underline: point at the last
    // character instead, so the label is drawn.
    let (pos, len) = if len == 0 && pos > 0 {
        let prev = text[..pos].chars().next_back().map_or(1, char::len_utf8);
        (pos - prev, prev)
    } else {
        (pos, len)
    };
    let expected = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => expected_list(positives),
        pest::error::ErrorVariant::CustomError { message } => message.clone(),
    };
    SyntaxError::Unexpected {
        expected,
        found,
        span: Span::new(base + pos, base + pos + len),
        help: operator_hint(&token),
    }
}

struct Lower<'t> {
    base: usize,
    text: &'t str,
}

type R<T> = Result<T, SyntaxError>;

impl Lower<'_> {
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
            )
        })
    }

    fn item(&self, pair: Pair<Rule>) -> R<Item> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut it = Self::meaningful(pair.into_inner()).peekable();
        let mut next = || {
            it.next()
                .unwrap_or_else(|| unreachable!("grammar guarantees a child"))
        };
        let kind = match rule {
            Rule::timeline_stmt => {
                let r = next();
                let (start, end) = self.year_range(r.clone())?;
                ItemKind::Timeline {
                    start,
                    end,
                    span: self.span(&r),
                }
            }
            Rule::let_decl => ItemKind::Let {
                name: self.ident(next()),
                value: self.expr(next())?,
            },
            Rule::demand_decl => {
                let name = self.ident(next());
                let mut p = next();
                let title = if p.as_rule() == Rule::string {
                    let t = self.string(p);
                    p = next();
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
                let mut rest: Vec<Pair<Rule>> = Vec::new();
                let name = self.ident(next());
                let mut title = None;
                for p in it.by_ref() {
                    match p.as_rule() {
                        Rule::string => title = Some(self.string(p)),
                        _ => rest.push(p),
                    }
                }
                let mut props = Vec::new();
                for p in rest {
                    let mut inner = Self::meaningful(p.into_inner());
                    let (Some(n), Some(v)) = (inner.next(), inner.next()) else {
                        unreachable!("property has a name and a value")
                    };
                    props.push(Property {
                        name: self.ident(n),
                        value: self.expr(v)?,
                    });
                }
                ItemKind::Provider { name, title, props }
            }
            Rule::allocate_decl => {
                let demand = self.ident(next());
                let policy = self.policy(next())?;
                ItemKind::Allocate { demand, policy }
            }
            Rule::unit_decl => {
                let name = self.ident(next());
                let value = it.next().map(|p| self.expr(p)).transpose()?;
                ItemKind::Unit { name, value }
            }
            Rule::scenario_decl => {
                let name = self.ident(next());
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
                let exprs = self.expr_list(next())?;
                let unit = it.next().map(|p| self.unit_expr(p));
                ItemKind::Show { exprs, unit }
            }
            Rule::assert_stmt => {
                let expr = self.expr(next())?;
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
                let mut p = next();
                let stack = p.as_rule() == Rule::stack;
                if stack {
                    p = next();
                }
                ItemKind::Plot {
                    stack,
                    exprs: self.expr_list(p)?,
                }
            }
            Rule::samples_stmt => ItemKind::Samples(self.expr(next())?),
            Rule::seed_stmt => ItemKind::Seed(self.expr(next())?),
            Rule::expr_stmt => ItemKind::Expr(self.expr(next())?),
            r => unreachable!("not an item: {r:?}"),
        };
        Ok(Item { kind, span })
    }

    fn year_range(&self, pair: Pair<Rule>) -> R<(i64, i64)> {
        let mut it = pair.into_inner();
        let (Some(a), Some(b)) = (it.next(), it.next()) else {
            unreachable!("a range has two ends")
        };
        Ok((self.int(&a)?, self.int(&b)?))
    }

    fn int(&self, p: &Pair<Rule>) -> R<i64> {
        p.as_str().parse().map_err(|_| SyntaxError::BadYear {
            text: p.as_str().to_string(),
            span: self.span(p),
        })
    }

    fn policy(&self, pair: Pair<Rule>) -> R<Policy> {
        let mut it = pair.into_inner();
        let (Some(name), Some(body)) = (it.next(), it.next()) else {
            unreachable!("policy has a name and a body")
        };
        let name = self.ident(name);
        let body_span = self.span(&body);
        let list = |body: Pair<Rule>| -> R<Vec<Ident>> {
            if body.as_rule() != Rule::provider_list {
                return Err(SyntaxError::PolicyShape {
                    policy: name.name.clone(),
                    span: body_span,
                });
            }
            let ids: Vec<Ident> = Self::meaningful(body.into_inner())
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
        match name.name.as_str() {
            "priority" => Ok(Policy::Priority(list(body)?)),
            "cost" => Ok(Policy::Cost(list(body)?)),
            "share" => {
                if body.as_rule() != Rule::share_block {
                    return Err(SyntaxError::PolicyShape {
                        policy: "share".into(),
                        span: body_span,
                    });
                }
                let mut entries = Vec::new();
                let mut first_rest: Option<Span> = None;
                for e in Self::meaningful(body.into_inner()) {
                    let span = self.span(&e);
                    let mut inner = Self::meaningful(e.into_inner());
                    let (Some(p), Some(v)) = (inner.next(), inner.next()) else {
                        unreachable!("share entry has a provider and a value")
                    };
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
                let help = match strsim_best(other, &["priority", "cost", "share"]) {
                    Some(s) => format!("did you mean `{s}`? The policies are `priority`, `cost` and `share`"),
                    None => "the policies are `priority [a, b]`, `cost [a, b]` and `share { a: 50%, b: rest }`".into(),
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
        let mut it = Self::meaningful(pair.into_inner());
        let (Some(target), Some(value)) = (it.next(), it.next()) else {
            unreachable!("override has a target and a value")
        };
        let mut names = Self::meaningful(target.into_inner());
        let Some(first) = names.next() else {
            unreachable!("target has a name")
        };
        Ok(Override {
            target: self.ident(first),
            prop: names.next().map(|p| self.ident(p)),
            value: self.expr(value)?,
            span,
        })
    }

    fn expr_list(&self, pair: Pair<Rule>) -> R<Vec<Expr>> {
        Self::meaningful(pair.into_inner())
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
                    let Some(head) = inner.next() else {
                        unreachable!("unit atom has a head")
                    };
                    let power = inner
                        .find(|q| q.as_rule() == Rule::int)
                        .and_then(|q| q.as_str().parse::<i32>().ok())
                        .unwrap_or(1);
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
            Rule::expr | Rule::expr_ml => {
                let Some(inner) = pair.into_inner().next() else {
                    unreachable!("expr has a child")
                };
                self.expr(inner)
            }
            Rule::op_expr | Rule::op_expr_ml => self.pratt(pair.into_inner()).map(|(e, _)| e),
            Rule::if_expr | Rule::if_expr_ml => {
                let span = self.span(&pair);
                let mut it = Self::meaningful(pair.into_inner());
                let (Some(c), Some(a), Some(b)) = (it.next(), it.next(), it.next()) else {
                    unreachable!("if has three parts")
                };
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
                let Some(c) = Self::meaningful(pair.into_inner()).next() else {
                    unreachable!("when has a condition")
                };
                // `when` takes everything to its right, so a comparison of
                // its year needs parentheses: say so.
                let cond = self.expr(c).map_err(|e| match e {
                    SyntaxError::ChainedComparison { span: s, .. } => SyntaxError::ChainedComparison {
                        span: s,
                        help: "`when` takes everything after it; to compare its year, write `(when a > b) <= 2030`".into(),
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
    /// expression was written in parentheses (to reject `a < b < c`).
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
                        let Some(y) = op.into_inner().next() else {
                            unreachable!("@ has a year")
                        };
                        let year = match y.as_rule() {
                            Rule::int => Expr {
                                kind: ExprKind::Number {
                                    value: self.int(&y)? as f64,
                                    percent: false,
                                },
                                span: self.span(&y),
                            },
                            _ => self.primary(y)?.0,
                        };
                        ExprKind::At {
                            base: Box::new(lhs),
                            year: Box::new(year),
                        }
                    }
                    Rule::field => {
                        let Some(f) = Self::meaningful(op.into_inner()).next() else {
                            unreachable!("field has a name")
                        };
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
                        let args = Self::meaningful(op.into_inner())
                            .map(|a| {
                                if a.as_rule() == Rule::year_range {
                                    let span = self.span(&a);
                                    let (start, end) = self.year_range(a)?;
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
                if is_comparison(op)
                    && !lhs_paren
                    && let ExprKind::Binary { op: inner, .. } = &lhs.kind
                    && is_comparison(*inner)
                {
                    return Err(SyntaxError::ChainedComparison {
                        span: lhs.span.join(rhs.span),
                        help: "write `a < b and b < c`".into(),
                    });
                }
                let span = lhs.span.join(rhs.span);
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
                let Some(inner) = Self::meaningful(pair.into_inner()).next() else {
                    unreachable!("parenthesis holds an expression")
                };
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
                let Some(num) = it.next() else {
                    unreachable!("quantity has a number")
                };
                let nspan = self.span(&num);
                let (value, percent) = self.number(num.as_str(), nspan)?;
                let number = Expr {
                    kind: ExprKind::Number { value, percent },
                    span: nspan,
                };
                match it.next() {
                    None => return Ok((number, false)),
                    Some(u) => {
                        let Some(id) = u.into_inner().next() else {
                            unreachable!("unit name holds an ident")
                        };
                        ExprKind::WithUnit {
                            value: Box::new(number),
                            unit: self.ident(id),
                        }
                    }
                }
            }
            Rule::keyframes => {
                let mut frames = Vec::new();
                let mut fill = Fill::Linear;
                for p in Self::meaningful(pair.into_inner()) {
                    match p.as_rule() {
                        Rule::keyframe => {
                            let mut it = Self::meaningful(p.into_inner());
                            let (Some(y), Some(v)) = (it.next(), it.next()) else {
                                unreachable!("keyframe has a year and a value")
                            };
                            frames.push(Keyframe {
                                year: self.int(&y)?,
                                year_span: self.span(&y),
                                value: self.expr(v)?,
                            });
                        }
                        Rule::fill => {
                            fill = match p.as_str() {
                                "growth" => Fill::Growth,
                                "step" => Fill::Step,
                                _ => Fill::Linear,
                            }
                        }
                        r => unreachable!("unexpected {r:?} in keyframes"),
                    }
                }
                ExprKind::Keyframes { frames, fill }
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
        let _ = self.text;
        Ok((v, percent))
    }
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

fn is_comparison(op: BinOp) -> bool {
    matches!(
        op,
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne
    )
}

fn strsim_best<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    crate::check::suggest(name, candidates.iter().copied())
}

/// Parses a command-line override, `NAME=EXPR` or `P.prop=EXPR`.
pub fn parse_override(text: &str, base: usize) -> Result<Override, Vec<SyntaxError>> {
    check_depth(text, base).map_err(|e| vec![e])?;
    let pairs =
        ScnParser::parse(Rule::set_arg, text).map_err(|e| vec![syntax_error(e, text, base)])?;
    let lower = Lower { base, text };
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
    fn pieces_cut_only_between_statements() {
        let text = big_file();
        let pieces = statement_pieces(&text, Mode::File);
        assert!(pieces.len() >= 2 || rayon::current_num_threads() < 2);
        assert_eq!(pieces.first().map(|p| p.0), Some(0));
        assert_eq!(pieces.last().map(|p| p.1), Some(text.len()));
        let whole = parse_piece(&text, 7, Mode::File).expect("parses");
        let split = parse(&text, 7, Mode::File).expect("parses");
        assert_eq!(
            whole, split,
            "parsing in pieces gives the same program, spans included"
        );
    }
}
