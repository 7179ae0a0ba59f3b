//! The checked model: every declaration a node of one dependency graph,
//! the providers, demands and allocations that tie them together, the
//! scenarios, and for the base and each scenario the lowered, typed
//! definition of every node ([`Defs`]).

use std::collections::HashMap;
use std::sync::Arc;

use super::ir::{Ir, NodeId};
use super::types::Type;
use super::vocab::{PField, PolicyKind};
use crate::error::ScnError;
use crate::span::Span;
use crate::syntax::ast::{ByYear, Expr, Ident, RuleOp, UnitExpr};
use crate::time::Timeline;
use crate::units::format::Hint;
use crate::units::{BaseNames, Dim};

/// Which file's names an expression is written among.
pub type ScopeId = usize;

/// What a node of the graph computes.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Let,
    Demand(usize),
    /// `unit NAME` (a new base dimension, at `base`) or `unit NAME = expr`.
    Unit {
        base: Option<usize>,
    },
    /// A property written in a provider's block (or a known one left out,
    /// which a scenario may set).
    Prop {
        provider: usize,
        field: Option<PField>,
    },
    /// A provider's effective capacity: its `capacity` where online, plus
    /// what is built and still in service.
    Capacity(usize),
    /// What a plan builds for a provider each year (zero without a plan).
    Built(usize),
    /// Every `allocate`, in one node: they share providers' capacity.
    Allocation,
    /// `solve NAME in LO .. HI so that …`.
    Solve(usize),
    /// The `plan`.
    Plan,
}

#[derive(Clone, Debug)]
pub struct Node {
    pub kind: NodeKind,
    /// The name people see: `spend`, `stargate.price`, `cat.h100_price`.
    pub name: String,
    pub span: Span,
    /// The expression as written (`None` for a property left out and for
    /// computed nodes).
    pub expr: Option<Expr>,
    /// `build = LO .. HI`: the upper end.
    pub upper: Option<Expr>,
    pub scope: ScopeId,
}

impl Node {
    /// Whether a scenario may replace its expression.
    pub fn overridable(&self) -> bool {
        matches!(
            self.kind,
            NodeKind::Let | NodeKind::Demand(_) | NodeKind::Prop { .. }
        )
    }
}

#[derive(Clone, Debug)]
pub struct Provider {
    pub name: String,
    pub title: Option<String>,
    pub span: Span,
    /// The known properties' nodes, in [`PField::PROPERTIES`] order (each
    /// exists, so a scenario may set one the file left out).
    pub props: [NodeId; 8],
    /// The user's own properties, in the order written.
    pub extra: Vec<(String, NodeId)>,
    pub capacity: NodeId,
    pub built: NodeId,
    pub scope: ScopeId,
}

impl Provider {
    pub fn prop(&self, f: PField) -> Option<NodeId> {
        PField::PROPERTIES
            .iter()
            .position(|p| *p == f)
            .map(|i| self.props[i])
    }

    /// A property by name: a known one or the user's own.
    pub fn prop_named(&self, name: &str) -> Option<NodeId> {
        match PField::lookup(name) {
            Some(f) if f.is_property() => self.prop(f),
            Some(_) => None,
            None => self.extra.iter().find(|p| p.0 == name).map(|p| p.1),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Demand {
    pub name: String,
    pub title: Option<String>,
    pub span: Span,
    pub node: NodeId,
    pub allocation: Option<usize>,
}

#[derive(Clone, Debug)]
pub struct AllocEntry {
    pub provider: usize,
    pub span: Span,
    /// `by share`: the share expression; `None` for `rest` and lists.
    pub share: Option<Expr>,
    pub rest: bool,
}

/// A rule of `by optimal`: `stargate >= 75%`.
#[derive(Clone, Debug)]
pub struct AllocRuleDef {
    /// Which entry of the allocation it bounds.
    pub entry: usize,
    pub op: RuleOp,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Allocation {
    pub demand: usize,
    pub policy: PolicyKind,
    pub entries: Vec<AllocEntry>,
    pub rules: Vec<AllocRuleDef>,
    pub budget: Option<Expr>,
    pub span: Span,
    pub scope: ScopeId,
}

/// The lowered parts of every allocation, for one scenario.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AllocIr {
    /// Per allocation, per entry: the share (`by share`).
    pub shares: Vec<Vec<Option<Ir>>>,
    /// Per allocation, per rule: the bound, and whether it is a share of
    /// the demand (a percentage) rather than an amount.
    pub rules: Vec<Vec<(Ir, bool)>>,
    pub budgets: Vec<Option<Ir>>,
}

/// The typed definition of every node under one scenario.
#[derive(Clone, Debug, Default)]
pub struct Defs {
    pub scenario: String,
    pub ir: Vec<Option<Arc<Ir>>>,
    /// `build = LO .. HI`: the upper end's IR.
    pub upper: Vec<Option<Arc<Ir>>>,
    pub ty: Vec<Type>,
    pub hint: Vec<Hint>,
    pub deps: Vec<Arc<Vec<NodeId>>>,
    /// Evaluation order (nodes in a cycle or broken left out).
    pub order: Vec<NodeId>,
    /// Nodes that cannot be evaluated: their own error was reported.
    pub broken: Vec<bool>,
    pub alloc: Arc<AllocIr>,
    /// Nodes whose definition differs from the base (an override, or
    /// downstream of one).
    pub dirty: Vec<bool>,
    /// The overrides applied, node → the override's span.
    pub overrides: HashMap<NodeId, Span>,
    /// Per provider: what its load is measured in (from its capacity, the
    /// demands it serves, or the unit its price is per).
    pub load_dim: Vec<Dim>,
    pub load_hint: Vec<Hint>,
    /// Per `solve`: the two sides of its condition.
    pub solve_conditions: Vec<Option<(Ir, Ir)>>,
    pub plan: Option<Arc<PlanIr>>,
}

/// A plan's objective and constraints, lowered.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanIr {
    pub objective: Ir,
    pub discount: Option<Ir>,
    pub constraints: Vec<Ir>,
}

#[derive(Clone, Debug)]
pub struct ScenarioDef {
    pub name: String,
    pub title: Option<String>,
    pub span: Span,
    pub extends: Option<Ident>,
    /// Node → replacement, in the order written (this scenario's own).
    pub overrides: Vec<(NodeId, Expr, Span)>,
    /// Its own and inherited overrides (the `extends` chain applied from
    /// the base up), each with the scenario that wrote it.
    pub chain: Vec<(NodeId, Expr, Span, String)>,
}

#[derive(Clone, Debug)]
pub struct SolveDef {
    pub node: NodeId,
    pub name: Ident,
    pub lo: Expr,
    pub hi: Expr,
    /// The two sides of `A == B`.
    pub lhs: Expr,
    pub rhs: Expr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct PlanDef {
    pub node: NodeId,
    pub title: Option<String>,
    pub objective: Expr,
    pub discount: Option<Expr>,
    pub constraints: Vec<Expr>,
    pub span: Span,
}

/// `correlate a, b = rho`: the nodes and their target rank correlation.
#[derive(Clone, Debug)]
pub struct CorrelationDef {
    pub nodes: Vec<(NodeId, Span)>,
    pub rho: f64,
    pub span: Span,
}

/// A statement, lowered for the base (scenarios lower it again).
#[derive(Clone, Debug)]
pub enum StatementKind {
    Show {
        exprs: Vec<Expr>,
        unit: Option<UnitExpr>,
        by_year: Option<ByYear>,
    },
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
    Sensitivity {
        expr: Expr,
        on: Vec<crate::syntax::ast::Target>,
        by: crate::syntax::ast::SensitivityBy,
    },
    Explain {
        from: Ident,
        to: Ident,
        expr: Expr,
    },
    /// A bare expression (the REPL).
    Expr(Expr),
}

#[derive(Clone, Debug)]
pub struct Statement {
    pub kind: StatementKind,
    pub span: Span,
    /// The statement's own place among its file's statements, for naming
    /// the random inputs written in it.
    pub ordinal: usize,
}

/// What a name refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sym {
    Node(NodeId),
    Provider(usize),
    Demand(usize),
    /// An imported file's names, under its alias.
    Module(ScopeId),
}

/// A file of the model: its name and what it declares.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    pub file: String,
    pub names: HashMap<String, Sym>,
    /// The prefix its names get when shown (`cat.`), empty for the root.
    pub prefix: String,
}

/// A checked program.
#[derive(Clone, Debug, Default)]
pub struct Model {
    pub timeline: Option<Timeline>,
    /// A timeline was declared but has an error (reported): what needs a
    /// timeline is then not reported again.
    pub timeline_failed: bool,
    pub nodes: Vec<Node>,
    pub scopes: Vec<Scope>,
    pub providers: Vec<Provider>,
    pub demands: Vec<Demand>,
    pub allocations: Vec<Allocation>,
    pub alloc_node: NodeId,
    pub scenarios: Vec<ScenarioDef>,
    pub statements: Vec<Statement>,
    pub solves: Vec<SolveDef>,
    pub plan: Option<PlanDef>,
    pub correlations: Vec<CorrelationDef>,
    pub base_names: BaseNames,
    /// The base model's definitions.
    pub base: Arc<Defs>,
    /// Each scenario's definitions (its `extends` chain applied), by name.
    pub worlds: HashMap<String, Arc<Defs>>,
    /// Statements (by index) that have an error: never run.
    pub broken_statements: Vec<bool>,
    /// The statements' own errors (also among `check`'s errors): the REPL
    /// accepts declarations whatever the file's statements say.
    pub statement_errors: Vec<ScnError>,
    /// Monte Carlo samples per uncertain value (`samples N`).
    pub samples: usize,
    /// The seed of every random draw (`seed S`).
    pub seed: u64,
}

/// Samples per uncertain value when a file does not say.
pub const DEFAULT_SAMPLES: usize = 10_000;
/// The seed when a file does not say: runs are reproducible by default.
pub const DEFAULT_SEED: u64 = 1;

impl Model {
    /// Periods of the timeline (0 without one).
    pub fn periods(&self) -> usize {
        self.timeline.map_or(0, |t| t.len())
    }

    /// The unit machine output gives a period: `year` on a yearly
    /// timeline, `period` otherwise.
    pub fn period_unit(&self) -> &'static str {
        match self.timeline {
            Some(t) if t.step != crate::time::Step::Yearly => "period",
            _ => "year",
        }
    }

    /// A name as seen from the root file.
    pub fn lookup(&self, name: &str) -> Option<Sym> {
        self.scopes.first().and_then(|s| s.names.get(name).copied())
    }

    pub fn scenario(&self, name: &str) -> Option<&ScenarioDef> {
        self.scenarios.iter().find(|s| s.name == name)
    }

    /// The definitions of a scenario (`base` included).
    pub fn defs(&self, scenario: &str) -> Option<&Arc<Defs>> {
        if scenario == "base" {
            Some(&self.base)
        } else {
            self.worlds.get(scenario)
        }
    }

    /// Every name the root file can use, for suggestions and completion.
    pub fn declared_names(&self) -> impl Iterator<Item = &str> {
        self.scopes
            .first()
            .into_iter()
            .flat_map(|s| s.names.keys().map(|k| k.as_str()))
    }

    /// The user's units (declared with `unit`), by name.
    pub fn unit_nodes(&self) -> impl Iterator<Item = (&str, NodeId)> {
        self.nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| matches!(n.kind, NodeKind::Unit { .. }))
            .map(|(i, n)| (n.name.as_str(), i))
    }

    /// The node a provider field reads, when it is a node.
    pub fn provider_node(&self, p: usize, f: PField) -> Option<NodeId> {
        let prov = &self.providers[p];
        match f {
            PField::Capacity => Some(prov.capacity),
            PField::Built => Some(prov.built),
            f if f.is_property() => prov.prop(f),
            _ => None,
        }
    }

    /// Whether a provider's property is written in its block (in `defs`).
    pub fn has_prop(&self, defs: &Defs, p: usize, f: PField) -> bool {
        self.providers[p]
            .prop(f)
            .is_some_and(|id| defs.ir.get(id).is_some_and(|x| x.is_some()))
    }

    /// Whether a provider has a capacity limit in `defs`: a capacity, or
    /// builds (then its capacity starts at zero).
    pub fn limited(&self, defs: &Defs, p: usize) -> bool {
        self.has_prop(defs, p, PField::Capacity) || self.has_prop(defs, p, PField::Build)
    }
}
