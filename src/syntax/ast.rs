//! The owned abstract syntax tree. Every node carries its span; nothing
//! borrows the source, so a REPL can keep programs for as long as it likes.

use serde::Serialize;

use crate::span::Span;
use crate::time::{PeriodLit, Step};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Default)]
pub struct Program {
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Item {
    pub kind: ItemKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum ItemKind {
    Timeline {
        start: PeriodLit,
        end: PeriodLit,
        step: Option<Step>,
        span: Span,
    },
    Let {
        name: Ident,
        value: Expr,
    },
    Demand {
        name: Ident,
        title: Option<String>,
        value: Expr,
    },
    Provider {
        name: Ident,
        title: Option<String>,
        props: Vec<Property>,
    },
    Allocate {
        demand: Ident,
        policy: Policy,
        budget: Option<Expr>,
    },
    Unit {
        name: Ident,
        value: Option<Expr>,
    },
    Scenario(Scenario),
    Show {
        exprs: Vec<Expr>,
        unit: Option<UnitExpr>,
        by_year: Option<ByYear>,
    },
    /// `show plan`: the objective, builds and shadow prices of the plan.
    ShowPlan,
    Assert {
        expr: Expr,
        within: Option<Expr>,
    },
    Compare {
        scenarios: Vec<Ident>,
        exprs: Vec<Expr>,
    },
    Plot {
        stack: bool,
        exprs: Vec<Expr>,
    },
    Samples(Expr),
    Seed(Expr),
    Plan(Plan),
    Solve {
        name: Ident,
        lo: Expr,
        hi: Expr,
        condition: Expr,
    },
    Sensitivity {
        expr: Expr,
        on: Vec<Target>,
        by: SensitivityBy,
    },
    Correlate {
        targets: Vec<Target>,
        rho: Expr,
    },
    Explain {
        from: Ident,
        to: Ident,
        expr: Expr,
    },
    Import {
        path: String,
        path_span: Span,
        alias: Option<Ident>,
    },
    /// A bare expression: only in the REPL.
    Expr(Expr),
}

impl ItemKind {
    /// Every expression written in the item.
    pub fn exprs(&self) -> Vec<&Expr> {
        match self {
            ItemKind::Timeline { .. } | ItemKind::ShowPlan | ItemKind::Import { .. } => Vec::new(),
            ItemKind::Let { value, .. } | ItemKind::Demand { value, .. } => vec![value],
            ItemKind::Provider { props, .. } => props
                .iter()
                .flat_map(|p| std::iter::once(&p.value).chain(p.upper.iter()))
                .collect(),
            ItemKind::Allocate { policy, budget, .. } => {
                let mut v: Vec<&Expr> = match policy {
                    Policy::Share(es) => es.iter().filter_map(|e| e.share.as_ref()).collect(),
                    Policy::Optimal { rules, .. } => rules.iter().map(|r| &r.value).collect(),
                    _ => Vec::new(),
                };
                v.extend(budget.iter());
                v
            }
            ItemKind::Unit { value, .. } => value.iter().collect(),
            ItemKind::Scenario(s) => s.overrides.iter().map(|o| &o.value).collect(),
            ItemKind::Show { exprs, .. }
            | ItemKind::Compare { exprs, .. }
            | ItemKind::Plot { exprs, .. } => exprs.iter().collect(),
            ItemKind::Assert { expr, within } => {
                std::iter::once(expr).chain(within.iter()).collect()
            }
            ItemKind::Samples(e) | ItemKind::Seed(e) | ItemKind::Expr(e) => vec![e],
            ItemKind::Plan(p) => std::iter::once(&p.objective)
                .chain(p.discount.iter())
                .chain(p.constraints.iter())
                .collect(),
            ItemKind::Solve {
                lo, hi, condition, ..
            } => vec![lo, hi, condition],
            ItemKind::Sensitivity { expr, by, .. } => match by {
                SensitivityBy::Percent(p) => vec![expr, p],
                _ => vec![expr],
            },
            ItemKind::Correlate { rho, .. } => vec![rho],
            ItemKind::Explain { expr, .. } => vec![expr],
        }
    }
}

/// `show x by year [sum|avg|last]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ByYear {
    pub agg: Option<YearAgg>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum YearAgg {
    Sum,
    Avg,
    Last,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Plan {
    pub title: Option<String>,
    pub objective: Expr,
    pub discount: Option<Expr>,
    pub constraints: Vec<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum SensitivityBy {
    /// One at a time, by the default ±10% (or each uncertain input's p5/p95).
    Default,
    Percent(Expr),
    Sobol,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Property {
    pub name: Ident,
    pub value: Expr,
    /// `build = LO .. HI`: the upper end of a range.
    pub upper: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Policy {
    Priority(Vec<Ident>),
    Cost(Vec<Ident>),
    Share(Vec<ShareEntry>),
    Optimal {
        providers: Vec<Ident>,
        rules: Vec<AllocRule>,
    },
}

/// `stargate >= 75%` inside `by optimal […] { … }`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AllocRule {
    pub provider: Ident,
    pub op: RuleOp,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum RuleOp {
    AtLeast,
    AtMost,
    Exactly,
}

impl RuleOp {
    pub fn symbol(self) -> &'static str {
        match self {
            RuleOp::AtLeast => ">=",
            RuleOp::AtMost => "<=",
            RuleOp::Exactly => "==",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ShareEntry {
    pub provider: Ident,
    /// `None` for `rest`.
    pub share: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scenario {
    pub name: Ident,
    pub title: Option<String>,
    pub extends: Option<Ident>,
    pub overrides: Vec<Override>,
}

/// A dotted name that a scenario, `on` or `correlate` points at: `growth`,
/// `stargate.price`, `cat.stargate.price`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Target {
    pub parts: Vec<Ident>,
    pub span: Span,
}

impl Target {
    /// The dotted text: `stargate.price`.
    pub fn text(&self) -> String {
        self.parts
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// `name = expr` or `provider.prop = expr` inside a scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Override {
    pub target: Target,
    pub value: Expr,
    pub span: Span,
}

/// A unit written after `in`: a product of unit names with integer powers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnitExpr {
    pub factors: Vec<UnitFactor>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnitFactor {
    pub name: String,
    pub power: i32,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    To,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Pow => "^",
            BinOp::To => "to",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::And => "and",
            BinOp::Or => "or",
        }
    }

    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne
        )
    }

    /// Operators written as flat chains (`a + b - c`), left to right: their
    /// precedence level, or `None` for the others.
    pub fn chain_level(self) -> Option<u8> {
        match self {
            BinOp::Add | BinOp::Sub => Some(0),
            BinOp::Mul | BinOp::Div => Some(1),
            BinOp::And => Some(2),
            BinOp::Or => Some(3),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum UnOp {
    Neg,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Fill {
    Linear,
    Growth,
    Step,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Keyframe {
    pub at: PeriodLit,
    pub value: Expr,
}

/// One more operand of a chain: `+ b`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Link {
    pub op: BinOp,
    pub op_span: Span,
    pub rhs: Expr,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum ExprKind {
    /// A plain number; `percent` when written with `%` (already divided by 100).
    Number {
        value: f64,
        percent: bool,
    },
    /// `$5B`: an amount of US dollars.
    Money(f64),
    /// `$`, `$k`, `$M`, `$B`, `$T` written without digits: a money unit.
    MoneyUnit(f64),
    /// `2026-07`, `2026Q3`.
    Period(PeriodLit),
    /// A number with its unit: `5 GW`.
    WithUnit {
        value: Box<Expr>,
        unit: Ident,
    },
    Name(String),
    String(String),
    Never,
    Field {
        base: Box<Expr>,
        field: Ident,
    },
    Call {
        func: Ident,
        args: Vec<Expr>,
    },
    /// `2025..2027`, `2026-01..2026-06`: only as a function argument.
    Range {
        start: PeriodLit,
        end: PeriodLit,
    },
    At {
        base: Box<Expr>,
        at: Box<Expr>,
    },
    Unary {
        op: UnOp,
        operand: Box<Expr>,
    },
    /// One operator between two operands: `^`, `to`, comparisons.
    Binary {
        op: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
        op_span: Span,
    },
    /// Operators of one precedence level written in a row, left to right
    /// (`a + b - c`, `x and y and z`): flat, so a long chain is not deep.
    Chain {
        first: Box<Expr>,
        rest: Vec<Link>,
    },
    If {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    When(Box<Expr>),
    Keyframes {
        frames: Vec<Keyframe>,
        fill: Fill,
    },
    /// `csv("prices.csv", "h100")`: keyframes read from a file.
    Csv {
        file: String,
        file_span: Span,
        column: String,
        column_span: Span,
        fill: Fill,
    },
}

impl Expr {
    /// The direct sub-expressions.
    pub fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            ExprKind::WithUnit { value, .. } => vec![value],
            ExprKind::Field { base, .. } => vec![base],
            ExprKind::Call { args, .. } => args.iter().collect(),
            ExprKind::At { base, at } => vec![base, at],
            ExprKind::Unary { operand, .. } => vec![operand],
            ExprKind::Binary { lhs, rhs, .. } => vec![lhs, rhs],
            ExprKind::Chain { first, rest } => std::iter::once(&**first)
                .chain(rest.iter().map(|l| &l.rhs))
                .collect(),
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => vec![cond, then, otherwise],
            ExprKind::When(c) => vec![c],
            ExprKind::Keyframes { frames, .. } => frames.iter().map(|k| &k.value).collect(),
            ExprKind::Number { .. }
            | ExprKind::Money(_)
            | ExprKind::MoneyUnit(_)
            | ExprKind::Period(_)
            | ExprKind::Name(_)
            | ExprKind::String(_)
            | ExprKind::Never
            | ExprKind::Range { .. }
            | ExprKind::Csv { .. } => Vec::new(),
        }
    }

    /// How deeply the expression nests, found without recursion.
    pub fn depth(&self) -> usize {
        let mut deepest = 0;
        let mut stack = vec![(self, 1usize)];
        while let Some((e, d)) = stack.pop() {
            deepest = deepest.max(d);
            stack.extend(e.children().into_iter().map(|c| (c, d + 1)));
        }
        deepest
    }

    /// Calls `f` on this expression and every one inside it, parents first.
    pub fn visit(&self, f: &mut impl FnMut(&Expr)) {
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            f(e);
            let mut kids = e.children();
            kids.reverse();
            stack.extend(kids);
        }
    }

    /// The same tree with every span set to the default: for comparing two
    /// programs whatever their layout (the formatter's test).
    pub fn without_spans(&self) -> Expr {
        let mut e = self.clone();
        e.clear_spans();
        e
    }

    fn clear_spans(&mut self) {
        self.span = Span::default();
        match &mut self.kind {
            ExprKind::WithUnit { value, unit } => {
                value.clear_spans();
                unit.span = Span::default();
            }
            ExprKind::Field { base, field } => {
                base.clear_spans();
                field.span = Span::default();
            }
            ExprKind::Call { func, args } => {
                func.span = Span::default();
                args.iter_mut().for_each(Expr::clear_spans);
            }
            ExprKind::At { base, at } => {
                base.clear_spans();
                at.clear_spans();
            }
            ExprKind::Unary { operand, .. } => operand.clear_spans(),
            ExprKind::Binary {
                lhs, rhs, op_span, ..
            } => {
                lhs.clear_spans();
                rhs.clear_spans();
                *op_span = Span::default();
            }
            ExprKind::Chain { first, rest } => {
                first.clear_spans();
                for l in rest {
                    l.op_span = Span::default();
                    l.rhs.clear_spans();
                }
            }
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => {
                cond.clear_spans();
                then.clear_spans();
                otherwise.clear_spans();
            }
            ExprKind::When(c) => c.clear_spans(),
            ExprKind::Keyframes { frames, .. } => {
                for k in frames {
                    k.at.span = Span::default();
                    k.value.clear_spans();
                }
            }
            ExprKind::Period(p) => p.span = Span::default(),
            ExprKind::Range { start, end } => {
                start.span = Span::default();
                end.span = Span::default();
            }
            ExprKind::Csv {
                file_span,
                column_span,
                ..
            } => {
                *file_span = Span::default();
                *column_span = Span::default();
            }
            ExprKind::Number { .. }
            | ExprKind::Money(_)
            | ExprKind::MoneyUnit(_)
            | ExprKind::Name(_)
            | ExprKind::String(_)
            | ExprKind::Never => {}
        }
    }
}
