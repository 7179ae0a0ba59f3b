//! The lowered form between the AST and evaluation: names resolved to nodes
//! and fields, units to constants, functions to the registry, periods to
//! indices of the timeline, and every node annotated with its static type.
//! Evaluation walks this tree and trusts it: it never looks a name up and
//! never checks a dimension.

use std::ops::Range;

use super::types::Type;
use super::vocab::{Builtin, DField, PField, TimeName};
use crate::span::Span;
use crate::syntax::ast::Fill;
use crate::units::format::Hint;

pub type NodeId = usize;

#[derive(Clone, Debug, PartialEq)]
pub struct Ir {
    pub kind: IrKind,
    pub ty: Type,
    pub hint: Hint,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChainOp {
    Add,
    Sub,
    Mul,
    Div,
    And,
    Or,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

/// `x@…`: a fixed period, or one computed (`x@(when c)`).
#[derive(Clone, Debug, PartialEq)]
pub enum At {
    Index(usize),
    Value(Box<Ir>),
}

/// A distribution an uncertain input draws from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dist {
    /// `a to b`: a 90% interval, lognormal when both ends are positive.
    Interval,
    Normal,
    Lognormal,
    Uniform,
    Triangular,
    Pert,
}

/// An uncertain input: one draw per sample, from a stream named by `key`
/// (its declaration and its place in it, never its byte offset).
#[derive(Clone, Debug, PartialEq)]
pub struct Random {
    pub key: u64,
    pub dist: Dist,
    pub params: Vec<Ir>,
}

/// What an allocation computes for a provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProviderRead {
    Load,
    Spend,
    Utilization,
    Headroom,
    Idle,
    CapexSpend,
}

#[derive(Clone, Debug, PartialEq)]
pub enum IrKind {
    /// A number in SI units (money, a period value, a resolved unit…).
    Const(f64),
    /// The value of a declaration.
    Node(NodeId),
    Time(TimeName),
    /// A series an allocation computes for provider `p`.
    Provider(usize, ProviderRead),
    /// A series an allocation computes for demand `d`.
    Demand(usize, DField),
    /// `share(p)`, `share(p, d)`.
    Share(usize, Option<usize>),
    Neg(Box<Ir>),
    Not(Box<Ir>),
    /// Operators of one level, applied left to right; each operand keeps
    /// its span for the errors it may cause (a division by zero).
    Chain(Box<Ir>, Vec<(ChainOp, Ir)>),
    Pow(Box<Ir>, Box<Ir>),
    Cmp(Cmp, Box<Ir>, Box<Ir>),
    If(Box<Ir>, Box<Ir>, Box<Ir>),
    When(Box<Ir>),
    At(Box<Ir>, At),
    /// A built-in function; `range` for a reduction over some periods.
    Call {
        f: Builtin,
        args: Vec<Ir>,
        range: Option<Range<usize>>,
    },
    /// Keyframes at positions counted in periods from the first one (a
    /// keyframe may lie outside the timeline).
    Keyframes(Vec<(f64, Ir)>, Fill),
    Random(Random),
    /// `total(…)`: one term per provider, added.
    Sum(Vec<Ir>),
}

impl Ir {
    pub fn new(kind: IrKind, ty: Type, hint: Hint, span: Span) -> Ir {
        Ir {
            kind,
            ty,
            hint,
            span,
        }
    }

    pub fn constant(v: f64, ty: Type, span: Span) -> Ir {
        Ir::new(IrKind::Const(v), ty, Hint::default(), span)
    }

    /// The direct sub-expressions.
    pub fn children(&self) -> Vec<&Ir> {
        match &self.kind {
            IrKind::Const(_)
            | IrKind::Node(_)
            | IrKind::Time(_)
            | IrKind::Provider(..)
            | IrKind::Demand(..)
            | IrKind::Share(..) => Vec::new(),
            IrKind::Neg(a) | IrKind::Not(a) | IrKind::When(a) => vec![a],
            IrKind::Chain(a, rest) => std::iter::once(&**a)
                .chain(rest.iter().map(|(_, x)| x))
                .collect(),
            IrKind::Pow(a, b) | IrKind::Cmp(_, a, b) => vec![a, b],
            IrKind::If(c, a, b) => vec![c, a, b],
            IrKind::At(a, At::Index(_)) => vec![a],
            IrKind::At(a, At::Value(b)) => vec![a, b],
            IrKind::Call { args, .. } => args.iter().collect(),
            IrKind::Keyframes(frames, _) => frames.iter().map(|f| &f.1).collect(),
            IrKind::Random(r) => r.params.iter().collect(),
            IrKind::Sum(terms) => terms.iter().collect(),
        }
    }

    /// Calls `f` on this node and every one below it.
    pub fn visit(&self, f: &mut impl FnMut(&Ir)) {
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            f(e);
            stack.extend(e.children());
        }
    }

    /// The declarations this expression reads.
    pub fn nodes(&self) -> Vec<NodeId> {
        let mut out = Vec::new();
        self.visit(&mut |e| {
            if let IrKind::Node(id) = e.kind {
                out.push(id)
            }
        });
        out
    }

    /// Whether it reads what an allocation computes.
    pub fn reads_allocation(&self) -> bool {
        let mut any = false;
        self.visit(&mut |e| {
            any |= matches!(
                e.kind,
                IrKind::Provider(..) | IrKind::Demand(..) | IrKind::Share(..)
            )
        });
        any
    }

    /// The constant value, when this is one.
    pub fn as_const(&self) -> Option<f64> {
        match self.kind {
            IrKind::Const(v) if !self.ty.series && !self.ty.uncertain => Some(v),
            _ => None,
        }
    }
}

/// The fields a provider has as nodes (the rest are [`ProviderRead`]s).
pub fn is_node_field(f: PField) -> bool {
    f.is_property()
}
