//! Checking: builds the [`Model`] from a program — every declaration a node
//! of one dependency graph — resolves names (with "did you mean"), rejects
//! duplicates and orders evaluation, reporting every cycle.

pub mod error;
mod graph;

use std::collections::HashMap;

use miette::LabeledSpan;

pub use error::CheckError;
pub use graph::topo_order;

use crate::span::Span;
use crate::syntax::ast::*;
use crate::units::{BaseNames, MAX_DIMS, builtin};

pub type NodeId = usize;

/// What a node of the dependency graph computes.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Let,
    Demand(usize),
    /// `unit NAME` (a new base dimension, at `base`) or `unit NAME = expr`.
    Unit {
        base: Option<usize>,
    },
    Prop {
        provider: usize,
        prop: String,
    },
    /// Every `allocate`, in file order (they share providers' capacity).
    Allocation,
}

#[derive(Clone, Debug)]
pub struct Node {
    pub kind: NodeKind,
    pub name: String,
    pub span: Span,
    pub expr: Option<Expr>,
    pub deps: Vec<NodeId>,
}

#[derive(Clone, Debug)]
pub struct Provider {
    pub name: String,
    pub title: Option<String>,
    pub span: Span,
    pub capacity: NodeId,
    pub price: NodeId,
    pub online: NodeId,
    pub retire: NodeId,
    /// The user's own properties, in the order written.
    pub extra: Vec<(String, NodeId)>,
}

impl Provider {
    pub fn prop(&self, name: &str) -> Option<NodeId> {
        match name {
            "capacity" => Some(self.capacity),
            "price" => Some(self.price),
            "online" => Some(self.online),
            "retire" => Some(self.retire),
            _ => self.extra.iter().find(|p| p.0 == name).map(|p| p.1),
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyKind {
    Priority,
    Cost,
    Share,
}

#[derive(Clone, Debug)]
pub struct AllocEntry {
    pub provider: usize,
    pub span: Span,
    /// The share expression (`by share`), `None` for `rest` and list policies.
    pub share: Option<Expr>,
    pub rest: bool,
}

#[derive(Clone, Debug)]
pub struct Allocation {
    pub demand: usize,
    pub policy: PolicyKind,
    pub entries: Vec<AllocEntry>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ScenarioDef {
    pub name: String,
    pub title: Option<String>,
    pub span: Span,
    pub extends: Option<Ident>,
    /// Node → replacement expression, in the order written.
    pub overrides: Vec<(NodeId, Expr)>,
}

/// What a name in an expression refers to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Sym {
    Node(NodeId),
    Provider(usize),
    Demand(usize),
    Year,
    BuiltinUnit(f64, crate::units::Dim),
}

pub const DERIVED_PROVIDER: [&str; 4] = ["load", "spend", "utilization", "headroom"];
pub const DERIVED_DEMAND: [&str; 3] = ["served", "unmet", "spend"];
pub const KNOWN_PROPS: [&str; 4] = ["capacity", "price", "online", "retire"];
pub const FUNCTIONS: [&str; 23] = [
    "sum",
    "avg",
    "peak",
    "trough",
    "cumsum",
    "lag",
    "delta",
    "yoy",
    "cagr",
    "min",
    "max",
    "abs",
    "clamp",
    "share",
    "mean",
    "sd",
    "percentile",
    "prob",
    "normal",
    "lognormal",
    "uniform",
    "triangular",
    "pert",
];

/// A checked program: the graph of declarations and the statements to run.
#[derive(Clone, Debug, Default)]
pub struct Model {
    pub timeline: Option<(i64, i64)>,
    pub timeline_span: Span,
    pub nodes: Vec<Node>,
    pub names: HashMap<String, Sym>,
    pub providers: Vec<Provider>,
    pub demands: Vec<Demand>,
    pub allocations: Vec<Allocation>,
    pub alloc_node: NodeId,
    pub scenarios: Vec<ScenarioDef>,
    pub statements: Vec<Item>,
    pub base_names: BaseNames,
    /// Evaluation order of the base model (nodes in a cycle left out).
    pub order: Vec<NodeId>,
    /// Nodes whose expression has a name error: never evaluated.
    pub broken: Vec<bool>,
    /// Statements (by index) with a name error: never run.
    pub broken_statements: Vec<bool>,
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
    pub fn years(&self) -> usize {
        self.timeline.map_or(0, |(a, b)| (b - a + 1) as usize)
    }

    pub fn lookup(&self, name: &str) -> Option<Sym> {
        if let Some(s) = self.names.get(name) {
            return Some(*s);
        }
        if name == "year" {
            return Some(Sym::Year);
        }
        builtin(name).map(|(f, d)| Sym::BuiltinUnit(f, d))
    }

    pub fn scenario(&self, name: &str) -> Option<&ScenarioDef> {
        self.scenarios.iter().find(|s| s.name == name)
    }

    /// Every declared name, for suggestions and completion.
    pub fn declared_names(&self) -> impl Iterator<Item = &str> {
        self.names.keys().map(|s| s.as_str())
    }
}

/// Closest candidate to a misspelt name, if any is close enough.
pub fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        if c == name {
            continue;
        }
        let score = strsim::jaro_winkler(&name.to_lowercase(), &c.to_lowercase());
        let dist = strsim::damerau_levenshtein(name, c);
        let close = score > 0.85 || (dist <= 2 && dist < name.len().max(2));
        if close && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    suggest(name, candidates).map(|s| format!("did you mean `{s}`?"))
}

/// Builds and checks the model of a program. All independent errors are
/// returned together, with the model: the parts an error touches are marked
/// broken and skipped, so evaluation can still report the others.
pub fn check(program: Program) -> (Model, Vec<CheckError>) {
    let mut b = Builder::default();
    b.declare(program);
    b.resolve_all();
    b.finish()
}

#[derive(Default)]
struct Builder {
    m: Model,
    errors: Vec<CheckError>,
    spans: HashMap<String, Span>,
    timeline_seen: Option<Span>,
    pending_allocs: Vec<(Ident, Policy, Span)>,
    pending_scenarios: Vec<Scenario>,
}

impl Builder {
    fn add_node(&mut self, kind: NodeKind, name: String, span: Span, expr: Option<Expr>) -> NodeId {
        self.m.nodes.push(Node {
            kind,
            name,
            span,
            expr,
            deps: Vec::new(),
        });
        self.m.nodes.len() - 1
    }

    fn claim(&mut self, name: &Ident) -> bool {
        if let Some(first) = self.spans.get(&name.name) {
            self.errors.push(CheckError::Duplicate {
                name: name.name.clone(),
                span: name.span,
                first: *first,
            });
            return false;
        }
        self.spans.insert(name.name.clone(), name.span);
        true
    }

    /// Takes the program apart: its expressions move into the model's
    /// nodes and statements, none is copied.
    fn declare(&mut self, program: Program) {
        self.m.alloc_node = self.add_node(
            NodeKind::Allocation,
            "allocation".into(),
            Span::default(),
            None,
        );
        for item in program.items {
            let item_span = item.span;
            match item.kind {
                ItemKind::Timeline { start, end, span } => {
                    if let Some(first) = self.timeline_seen {
                        self.errors
                            .push(CheckError::DuplicateTimeline { span, first });
                        continue;
                    }
                    self.timeline_seen = Some(span);
                    if start > end {
                        self.errors
                            .push(CheckError::BackwardsTimeline { start, end, span });
                    } else if end - start >= 1000 {
                        self.errors.push(CheckError::LongTimeline {
                            years: end - start + 1,
                            span,
                        });
                    } else {
                        self.m.timeline = Some((start, end));
                        self.m.timeline_span = span;
                    }
                }
                ItemKind::Let { name, value } => {
                    if self.claim(&name) {
                        let id =
                            self.add_node(NodeKind::Let, name.name.clone(), name.span, Some(value));
                        self.m.names.insert(name.name, Sym::Node(id));
                    }
                }
                ItemKind::Demand { name, title, value } => {
                    if self.claim(&name) {
                        let d = self.m.demands.len();
                        let id = self.add_node(
                            NodeKind::Demand(d),
                            name.name.clone(),
                            name.span,
                            Some(value),
                        );
                        self.m.demands.push(Demand {
                            name: name.name.clone(),
                            title,
                            span: name.span,
                            node: id,
                            allocation: None,
                        });
                        self.m.names.insert(name.name, Sym::Demand(d));
                    }
                }
                ItemKind::Unit { name, value } => {
                    if !self.claim(&name) {
                        continue;
                    }
                    let base = if value.is_none() {
                        let idx = self.m.base_names.0.len();
                        if idx >= MAX_DIMS {
                            self.errors.push(CheckError::NotSupported {
                                what: format!("more than {} new base units", MAX_DIMS - 5),
                                help: "declare further units in terms of existing ones: `unit X = 2 gpu`".into(),
                                span: name.span,
                            });
                            continue;
                        }
                        self.m.base_names.0.push(name.name.clone());
                        Some(idx)
                    } else {
                        None
                    };
                    let id =
                        self.add_node(NodeKind::Unit { base }, name.name.clone(), name.span, value);
                    self.m.names.insert(name.name, Sym::Node(id));
                }
                ItemKind::Provider { name, title, props } => self.provider(&name, &title, &props),
                ItemKind::Allocate { demand, policy } => {
                    self.pending_allocs.push((demand, policy, item_span))
                }
                ItemKind::Scenario(s) => self.pending_scenarios.push(s),
                kind @ (ItemKind::Show { .. }
                | ItemKind::Assert { .. }
                | ItemKind::Compare { .. }
                | ItemKind::Plot { .. }
                | ItemKind::Samples(_)
                | ItemKind::Seed(_)
                | ItemKind::Expr(_)) => self.m.statements.push(Item {
                    kind,
                    span: item_span,
                }),
            }
        }
    }

    fn provider(&mut self, name: &Ident, title: &Option<String>, props: &[Property]) {
        if !self.claim(name) {
            return;
        }
        let p = self.m.providers.len();
        let mut seen: HashMap<&str, Span> = HashMap::new();
        let mut exprs: HashMap<&str, &Expr> = HashMap::new();
        for prop in props {
            if let Some(first) = seen.get(prop.name.name.as_str()) {
                self.errors.push(CheckError::Duplicate {
                    name: format!("{}.{}", name.name, prop.name.name),
                    span: prop.name.span,
                    first: *first,
                });
                continue;
            }
            if DERIVED_PROVIDER.contains(&prop.name.name.as_str()) {
                self.errors.push(CheckError::BadOverride {
                    name: format!("{}.{}", name.name, prop.name.name),
                    why: "it is computed by the allocation".into(),
                    span: prop.name.span,
                    help: Some("choose another name for your own property".into()),
                });
                continue;
            }
            seen.insert(&prop.name.name, prop.name.span);
            exprs.insert(&prop.name.name, &prop.value);
        }
        let known = |this: &mut Self, prop: &str| {
            let span = seen.get(prop).copied().unwrap_or(name.span);
            this.add_node(
                NodeKind::Prop {
                    provider: p,
                    prop: prop.into(),
                },
                format!("{}.{prop}", name.name),
                span,
                exprs.get(prop).map(|e| (*e).clone()),
            )
        };
        let capacity = known(self, "capacity");
        let price = known(self, "price");
        let online = known(self, "online");
        let retire = known(self, "retire");
        let mut extra = Vec::new();
        for prop in props {
            let n = prop.name.name.as_str();
            if KNOWN_PROPS.contains(&n)
                || DERIVED_PROVIDER.contains(&n)
                || extra.iter().any(|(e, _)| e == n)
            {
                continue;
            }
            let id = known(self, n);
            extra.push((n.to_string(), id));
        }
        self.m.providers.push(Provider {
            name: name.name.clone(),
            title: title.clone(),
            span: name.span,
            capacity,
            price,
            online,
            retire,
            extra,
        });
        self.m.names.insert(name.name.clone(), Sym::Provider(p));
    }

    fn provider_names(&self) -> Vec<&str> {
        self.m.providers.iter().map(|p| p.name.as_str()).collect()
    }

    fn find_provider(&mut self, id: &Ident) -> Option<usize> {
        match self.m.names.get(&id.name) {
            Some(Sym::Provider(p)) => Some(*p),
            _ => {
                let help = did_you_mean(&id.name, self.provider_names().into_iter());
                self.errors.push(CheckError::NotAProvider {
                    name: id.name.clone(),
                    span: id.span,
                    help,
                });
                None
            }
        }
    }

    fn allocations(&mut self) {
        let mut first: HashMap<usize, Span> = HashMap::new();
        for (demand, policy, span) in std::mem::take(&mut self.pending_allocs) {
            let d = match self.m.names.get(&demand.name) {
                Some(Sym::Demand(d)) => *d,
                _ => {
                    let names: Vec<&str> = self.m.demands.iter().map(|d| d.name.as_str()).collect();
                    let help = did_you_mean(&demand.name, names.into_iter());
                    self.errors.push(CheckError::NotADemand {
                        name: demand.name.clone(),
                        span: demand.span,
                        help,
                    });
                    continue;
                }
            };
            if let Some(f) = first.get(&d) {
                self.errors.push(CheckError::AllocatedTwice {
                    name: demand.name.clone(),
                    span: demand.span,
                    first: *f,
                });
                continue;
            }
            first.insert(d, demand.span);
            let (kind, raw): (PolicyKind, Vec<(Ident, Option<Expr>, bool)>) = match policy {
                Policy::Priority(l) => (
                    PolicyKind::Priority,
                    l.into_iter().map(|i| (i, None, false)).collect(),
                ),
                Policy::Cost(l) => (
                    PolicyKind::Cost,
                    l.into_iter().map(|i| (i, None, false)).collect(),
                ),
                Policy::Share(es) => (
                    PolicyKind::Share,
                    es.into_iter()
                        .map(|e| {
                            let rest = e.share.is_none();
                            (e.provider, e.share, rest)
                        })
                        .collect(),
                ),
            };
            let mut entries: Vec<AllocEntry> = Vec::new();
            // Where each provider first appears in this list (no quadratic scan).
            let mut listed: HashMap<usize, usize> = HashMap::new();
            for (id, share, rest) in raw {
                let Some(p) = self.find_provider(&id) else {
                    continue;
                };
                if let Some(prev) = listed.get(&p).map(|&k| &entries[k]) {
                    self.errors.push(CheckError::ProviderTwice {
                        name: id.name.clone(),
                        span: id.span,
                        first: prev.span,
                    });
                    continue;
                }
                listed.insert(p, entries.len());
                entries.push(AllocEntry {
                    provider: p,
                    span: id.span,
                    share,
                    rest,
                });
            }
            let a = self.m.allocations.len();
            self.m.demands[d].allocation = Some(a);
            self.m.allocations.push(Allocation {
                demand: d,
                policy: kind,
                entries,
                span,
            });
        }
    }

    fn scenarios(&mut self) {
        let mut seen: HashMap<String, Span> = HashMap::new();
        for s in std::mem::take(&mut self.pending_scenarios) {
            if s.name.name == "base" {
                self.errors.push(CheckError::BadOverride {
                    name: "base".into(),
                    why: "`base` is the file as written".into(),
                    span: s.name.span,
                    help: Some("give the scenario another name".into()),
                });
                continue;
            }
            if let Some(first) = seen.get(&s.name.name) {
                self.errors.push(CheckError::Duplicate {
                    name: s.name.name.clone(),
                    span: s.name.span,
                    first: *first,
                });
                continue;
            }
            seen.insert(s.name.name.clone(), s.name.span);
            let mut overrides = Vec::new();
            for o in &s.overrides {
                if let Some(id) = self.override_target(o) {
                    overrides.push((id, o.value.clone()));
                }
            }
            self.m.scenarios.push(ScenarioDef {
                name: s.name.name.clone(),
                title: s.title.clone(),
                span: s.name.span,
                extends: s.extends.clone(),
                overrides,
            });
        }
    }

    fn override_target(&mut self, o: &Override) -> Option<NodeId> {
        match override_target(&self.m, o) {
            Ok(id) => Some(id),
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }

    fn resolve_all(&mut self) {
        self.allocations();
        self.scenarios();
        let mut errors = Vec::new();
        self.m.broken = vec![false; self.m.nodes.len()];
        for id in 0..self.m.nodes.len() {
            let mut deps = Vec::new();
            let before = errors.len();
            if let Some(e) = &self.m.nodes[id].expr {
                resolve(&self.m, e, &mut deps, &mut errors);
            }
            self.m.broken[id] = errors.len() > before;
            self.m.nodes[id].deps = deps;
        }
        // The allocation reads every demand, every provider property that
        // shapes capacity and price, and the share expressions.
        let mut deps: Vec<NodeId> = self.m.demands.iter().map(|d| d.node).collect();
        for p in &self.m.providers {
            deps.extend([p.capacity, p.price, p.online, p.retire]);
        }
        for a in &self.m.allocations {
            for e in &a.entries {
                if let Some(s) = &e.share {
                    resolve(&self.m, s, &mut deps, &mut errors);
                }
            }
        }
        let alloc = self.m.alloc_node;
        self.m.nodes[alloc].deps = deps;
        for s in &self.m.scenarios {
            for (_, e) in &s.overrides {
                resolve(&self.m, e, &mut Vec::new(), &mut errors);
            }
        }
        let mut broken_statements = Vec::new();
        for st in &self.m.statements {
            let before = errors.len();
            for e in statement_exprs(st) {
                if !is_entity_show(&self.m, st, e) {
                    resolve(&self.m, e, &mut Vec::new(), &mut errors);
                }
            }
            if let ItemKind::Show { unit: Some(u), .. } = &st.kind {
                check_unit_expr(&self.m, u, &mut errors);
            }
            broken_statements.push(errors.len() > before);
        }
        self.m.broken_statements = broken_statements;
        self.errors.extend(errors);
    }

    /// `samples N` and `seed S` set the run before anything is evaluated,
    /// so they must be plain whole numbers.
    fn run_settings(&mut self) {
        self.m.samples = DEFAULT_SAMPLES;
        self.m.seed = DEFAULT_SEED;
        for st in &self.m.statements {
            let (e, what, max) = match &st.kind {
                ItemKind::Samples(e) => (e, "samples", 1e8),
                ItemKind::Seed(e) => (e, "seed", 9.0e15),
                _ => continue,
            };
            match e.kind {
                ExprKind::Number {
                    value,
                    percent: false,
                } if value.fract() == 0.0 && value >= 1.0 && value <= max => {
                    if what == "samples" {
                        self.m.samples = value as usize;
                    } else {
                        self.m.seed = value as u64;
                    }
                }
                _ => self.errors.push(CheckError::BadSetting {
                    what,
                    max: if what == "samples" {
                        "100,000,000"
                    } else {
                        "9,000,000,000,000,000"
                    },
                    example: if what == "samples" { "10000" } else { "42" },
                    span: e.span,
                }),
            }
        }
    }

    fn finish(mut self) -> (Model, Vec<CheckError>) {
        self.run_settings();
        let (order, cycles) = topo_order(&self.m, &HashMap::new());
        for cycle in cycles {
            self.errors.push(cycle_error(&self.m, &cycle));
        }
        self.m.order = order.into_iter().filter(|&i| !self.m.broken[i]).collect();
        (self.m, self.errors)
    }
}

pub fn cycle_error(m: &Model, cycle: &[NodeId]) -> CheckError {
    let mut names: Vec<String> = cycle.iter().map(|&i| m.nodes[i].name.clone()).collect();
    names.push(names[0].clone());
    let spans = cycle
        .iter()
        .filter(|&&i| m.nodes[i].kind != NodeKind::Allocation)
        .enumerate()
        .map(|(k, &i)| {
            let label = if k == 0 {
                format!("`{}` starts the cycle", m.nodes[i].name)
            } else {
                format!("`{}` is part of it", m.nodes[i].name)
            };
            LabeledSpan::new_with_span(Some(label), m.nodes[i].span)
        })
        .collect();
    CheckError::Cycle {
        what: "these declarations",
        names: names.join(" → "),
        spans,
    }
}

/// `show P` / `show D` (or a bare `P` in the REPL): a provider or demand
/// named alone prints all its series, so it is not a value to resolve.
pub fn is_entity_show(m: &Model, st: &Item, e: &Expr) -> bool {
    matches!(
        st.kind,
        ItemKind::Show { unit: None, .. } | ItemKind::Expr(_)
    ) && matches!(&e.kind, ExprKind::Name(n) if matches!(m.names.get(n), Some(Sym::Provider(_)) | Some(Sym::Demand(_))))
}

/// The expressions a statement evaluates.
pub fn statement_exprs(item: &Item) -> Vec<&Expr> {
    match &item.kind {
        ItemKind::Show { exprs, .. }
        | ItemKind::Plot { exprs, .. }
        | ItemKind::Compare { exprs, .. } => exprs.iter().collect(),
        ItemKind::Assert { expr, within } => std::iter::once(expr).chain(within.iter()).collect(),
        ItemKind::Samples(e) | ItemKind::Seed(e) | ItemKind::Expr(e) => vec![e],
        _ => Vec::new(),
    }
}

pub fn check_unit_expr(m: &Model, u: &UnitExpr, errors: &mut Vec<CheckError>) {
    for f in &u.factors {
        let ok = f.name.starts_with('$')
            || f.name == "%"
            || builtin(&f.name).is_some()
            || matches!(m.names.get(&f.name), Some(Sym::Node(id)) if matches!(m.nodes[*id].kind, NodeKind::Unit { .. }));
        if !ok {
            errors.push(unknown_unit(m, &f.name, f.span));
        }
    }
}

fn unknown_unit(m: &Model, name: &str, span: Span) -> CheckError {
    let help = match name {
        "k" | "M" | "B" | "T" => Some(format!(
            "for a magnitude, write it right after the digits: `5{name}`; for money, `$5{name}`"
        )),
        "G" => Some("for a billion, write `5B`; for gigawatts, `5 GW`".into()),
        _ => {
            let user = m
                .nodes
                .iter()
                .filter(|n| matches!(n.kind, NodeKind::Unit { .. }))
                .map(|n| n.name.clone());
            let all: Vec<String> = crate::units::builtin_names()
                .into_iter()
                .chain(user)
                .collect();
            did_you_mean(name, all.iter().map(|s| s.as_str()))
        }
    };
    CheckError::UnknownUnit {
        name: name.to_string(),
        span,
        help,
    }
}

/// Resolves every name in `e`, pushing the nodes it reads onto `deps`.
pub fn resolve(m: &Model, e: &Expr, deps: &mut Vec<NodeId>, errors: &mut Vec<CheckError>) {
    match &e.kind {
        ExprKind::Name(n) => match m.lookup(n) {
            Some(Sym::Node(id)) => deps.push(id),
            Some(Sym::Demand(d)) => deps.push(m.demands[d].node),
            Some(Sym::Provider(_)) => errors.push(CheckError::ProviderAsValue {
                name: n.clone(),
                span: e.span,
            }),
            Some(Sym::Year | Sym::BuiltinUnit(..)) => {}
            None => {
                let help = if FUNCTIONS.contains(&n.as_str()) {
                    Some(format!("`{n}` is a function: call it as `{n}(…)`"))
                } else {
                    did_you_mean(n, m.declared_names())
                };
                errors.push(CheckError::UnknownName {
                    name: n.clone(),
                    span: e.span,
                    help,
                })
            }
        },
        ExprKind::WithUnit { value, unit } => {
            resolve(m, value, deps, errors);
            match m.names.get(&unit.name) {
                Some(Sym::Node(id)) if matches!(m.nodes[*id].kind, NodeKind::Unit { .. }) => {
                    deps.push(*id)
                }
                _ if builtin(&unit.name).is_some() => {}
                _ => errors.push(unknown_unit(m, &unit.name, unit.span)),
            }
        }
        ExprKind::Field { base, field } => {
            let ExprKind::Name(bn) = &base.kind else {
                errors.push(CheckError::UnknownField {
                    base: "this expression".into(),
                    field: field.name.clone(),
                    span: field.span,
                    help: Some(
                        "only providers and demands have fields: `stargate.load`, `training.spend`"
                            .into(),
                    ),
                });
                return;
            };
            match m.lookup(bn) {
                Some(Sym::Provider(p)) => {
                    let prov = &m.providers[p];
                    let f = field.name.as_str();
                    if DERIVED_PROVIDER.contains(&f) {
                        deps.push(m.alloc_node);
                    } else if f == "capacity" {
                        deps.extend([prov.capacity, prov.online, prov.retire]);
                    } else if let Some(id) = prov.prop(f) {
                        deps.push(id);
                    } else {
                        let cands: Vec<&str> = KNOWN_PROPS
                            .iter()
                            .chain(DERIVED_PROVIDER.iter())
                            .copied()
                            .chain(prov.extra.iter().map(|e| e.0.as_str()))
                            .collect();
                        errors.push(CheckError::UnknownField {
                            base: bn.clone(),
                            field: field.name.clone(),
                            span: field.span,
                            help: did_you_mean(f, cands.into_iter()),
                        });
                    }
                }
                Some(Sym::Demand(_)) => {
                    if DERIVED_DEMAND.contains(&field.name.as_str()) {
                        deps.push(m.alloc_node);
                    } else {
                        errors.push(CheckError::UnknownField {
                            base: bn.clone(),
                            field: field.name.clone(),
                            span: field.span,
                            help: did_you_mean(&field.name, DERIVED_DEMAND.iter().copied())
                                .or(Some("a demand has `.served`, `.unmet` and `.spend`".into())),
                        });
                    }
                }
                Some(_) => errors.push(CheckError::UnknownField {
                    base: bn.clone(),
                    field: field.name.clone(),
                    span: field.span,
                    help: Some("only providers and demands have fields".into()),
                }),
                None => resolve(m, base, deps, errors),
            }
        }
        ExprKind::Call { func, args } => {
            if !FUNCTIONS.contains(&func.name.as_str()) {
                errors.push(CheckError::UnknownFunction {
                    name: func.name.clone(),
                    span: func.span,
                    help: did_you_mean(&func.name, FUNCTIONS.iter().copied()),
                });
            }
            if func.name == "share" {
                deps.push(m.alloc_node);
                for (i, a) in args.iter().enumerate() {
                    let ExprKind::Name(n) = &a.kind else {
                        resolve(m, a, deps, errors);
                        continue;
                    };
                    match (i, m.lookup(n)) {
                        (0, Some(Sym::Provider(_))) | (1, Some(Sym::Demand(_))) => {}
                        (0, _) => errors.push(CheckError::NotAProvider {
                            name: n.clone(),
                            span: a.span,
                            help: did_you_mean(n, m.providers.iter().map(|p| p.name.as_str())),
                        }),
                        (1, _) => errors.push(CheckError::NotADemand {
                            name: n.clone(),
                            span: a.span,
                            help: did_you_mean(n, m.demands.iter().map(|d| d.name.as_str())),
                        }),
                        _ => resolve(m, a, deps, errors),
                    }
                }
                return;
            }
            for a in args {
                resolve(m, a, deps, errors);
            }
        }
        ExprKind::At { base, year } => {
            resolve(m, base, deps, errors);
            resolve(m, year, deps, errors);
        }
        ExprKind::Unary { operand, .. } => resolve(m, operand, deps, errors),
        ExprKind::Binary { lhs, rhs, .. } => {
            resolve(m, lhs, deps, errors);
            resolve(m, rhs, deps, errors);
        }
        ExprKind::If {
            cond,
            then,
            otherwise,
        } => {
            resolve(m, cond, deps, errors);
            resolve(m, then, deps, errors);
            resolve(m, otherwise, deps, errors);
        }
        ExprKind::When(c) => resolve(m, c, deps, errors),
        ExprKind::Keyframes { frames, .. } => {
            for k in frames {
                resolve(m, &k.value, deps, errors);
            }
        }
        ExprKind::Number { .. }
        | ExprKind::Money(_)
        | ExprKind::MoneyUnit(_)
        | ExprKind::String(_)
        | ExprKind::Never
        | ExprKind::Range { .. } => {}
    }
}

/// The node a scenario override (`x = …`, `p.prop = …`) replaces.
pub fn override_target(m: &Model, o: &Override) -> Result<NodeId, CheckError> {
    let bad = |why: &str, help: Option<String>| CheckError::BadOverride {
        name: o.target.name.clone(),
        why: why.to_string(),
        span: o.target.span,
        help,
    };
    match (&o.prop, m.names.get(&o.target.name)) {
        (None, Some(Sym::Node(id))) if m.nodes[*id].kind == NodeKind::Let => Ok(*id),
        (None, Some(Sym::Demand(d))) => Ok(m.demands[*d].node),
        (None, Some(Sym::Node(_))) => Err(bad("it is a unit", None)),
        (None, Some(Sym::Provider(_))) => Err(bad(
            "it is a provider",
            Some(format!(
                "override one of its properties: `{}.capacity = …`",
                o.target.name
            )),
        )),
        (Some(prop), Some(Sym::Provider(p))) => {
            let prov = &m.providers[*p];
            prov.prop(&prop.name).ok_or_else(|| {
                let cands: Vec<&str> = KNOWN_PROPS
                    .iter()
                    .copied()
                    .chain(prov.extra.iter().map(|e| e.0.as_str()))
                    .collect();
                CheckError::UnknownField {
                    base: o.target.name.clone(),
                    field: prop.name.clone(),
                    span: prop.span,
                    help: did_you_mean(&prop.name, cands.into_iter()),
                }
            })
        }
        (Some(_), Some(_)) => Err(bad("only providers have properties", None)),
        (None, Some(_)) => Err(bad("it is built in", None)),
        (_, None) => Err(CheckError::UnknownName {
            name: o.target.name.clone(),
            span: o.target.span,
            help: did_you_mean(&o.target.name, m.declared_names()),
        }),
    }
}
