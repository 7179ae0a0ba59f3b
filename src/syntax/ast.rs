//! The owned abstract syntax tree. Every node carries its span; nothing
//! borrows the source, so a REPL can keep programs for as long as it likes.

use serde::Serialize;

use crate::span::Span;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
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
        start: i64,
        end: i64,
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
    },
    Unit {
        name: Ident,
        value: Option<Expr>,
    },
    Scenario(Scenario),
    Show {
        exprs: Vec<Expr>,
        unit: Option<UnitExpr>,
    },
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
    /// A bare expression: only in the REPL.
    Expr(Expr),
}

impl ItemKind {
    /// Every expression written in the item.
    pub fn exprs(&self) -> Vec<&Expr> {
        match self {
            ItemKind::Timeline { .. } => Vec::new(),
            ItemKind::Let { value, .. } | ItemKind::Demand { value, .. } => vec![value],
            ItemKind::Provider { props, .. } => props.iter().map(|p| &p.value).collect(),
            ItemKind::Allocate {
                policy: Policy::Share(es),
                ..
            } => es.iter().filter_map(|e| e.share.as_ref()).collect(),
            ItemKind::Allocate { .. } => Vec::new(),
            ItemKind::Unit { value, .. } => value.iter().collect(),
            ItemKind::Scenario(s) => s.overrides.iter().map(|o| &o.value).collect(),
            ItemKind::Show { exprs, .. }
            | ItemKind::Compare { exprs, .. }
            | ItemKind::Plot { exprs, .. } => exprs.iter().collect(),
            ItemKind::Assert { expr, within } => {
                std::iter::once(expr).chain(within.iter()).collect()
            }
            ItemKind::Samples(e) | ItemKind::Seed(e) | ItemKind::Expr(e) => vec![e],
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Property {
    pub name: Ident,
    pub value: Expr,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Policy {
    Priority(Vec<Ident>),
    Cost(Vec<Ident>),
    Share(Vec<ShareEntry>),
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

/// `name = expr` or `provider.prop = expr` inside a scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Override {
    pub target: Ident,
    pub prop: Option<Ident>,
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum UnOp {
    Neg,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Fill {
    Linear,
    Growth,
    Step,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Keyframe {
    pub year: i64,
    pub year_span: Span,
    pub value: Expr,
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
    /// `2025..2027`, only as a function argument.
    Range {
        start: i64,
        end: i64,
    },
    At {
        base: Box<Expr>,
        year: Box<Expr>,
    },
    Unary {
        op: UnOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
        op_span: Span,
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
}

impl Expr {
    /// The direct sub-expressions.
    pub fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            ExprKind::WithUnit { value, .. } => vec![value],
            ExprKind::Field { base, .. } => vec![base],
            ExprKind::Call { args, .. } => args.iter().collect(),
            ExprKind::At { base, year } => vec![base, year],
            ExprKind::Unary { operand, .. } => vec![operand],
            ExprKind::Binary { lhs, rhs, .. } => vec![lhs, rhs],
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => vec![cond, then, otherwise],
            ExprKind::When(c) => vec![c],
            ExprKind::Keyframes { frames, .. } => frames.iter().map(|k| &k.value).collect(),
            _ => Vec::new(),
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

    /// Calls `f` on every name this expression reads, with the span of the
    /// reference: `x`, and for `p.load` the whole field access.
    pub fn visit(&self, f: &mut impl FnMut(&Expr)) {
        f(self);
        match &self.kind {
            ExprKind::WithUnit { value, .. } => value.visit(f),
            ExprKind::Field { base, .. } => base.visit(f),
            ExprKind::Call { args, .. } => args.iter().for_each(|a| a.visit(f)),
            ExprKind::At { base, year } => {
                base.visit(f);
                year.visit(f);
            }
            ExprKind::Unary { operand, .. } => operand.visit(f),
            ExprKind::Binary { lhs, rhs, .. } => {
                lhs.visit(f);
                rhs.visit(f);
            }
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => {
                cond.visit(f);
                then.visit(f);
                otherwise.visit(f);
            }
            ExprKind::When(c) => c.visit(f),
            ExprKind::Keyframes { frames, .. } => frames.iter().for_each(|k| k.value.visit(f)),
            ExprKind::Number { .. }
            | ExprKind::Money(_)
            | ExprKind::MoneyUnit(_)
            | ExprKind::Name(_)
            | ExprKind::String(_)
            | ExprKind::Never
            | ExprKind::Range { .. } => {}
        }
    }
}
