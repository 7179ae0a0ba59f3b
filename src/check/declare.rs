//! Declaring: takes each file's program apart into the model's nodes,
//! providers, demands, allocations, scenarios and statements, claiming
//! every name in its file's scope (imports merged or under their alias),
//! and reporting duplicates.

use std::collections::HashMap;

use super::error::CheckError;
use super::model::*;
use super::vocab::{PField, PolicyKind};
use super::{SourceFile, ir::NodeId};
use crate::diag::did_you_mean;
use crate::span::Span;
use crate::syntax::ast::*;
use crate::time::{MAX_PERIODS, Timeline};
use crate::units::{MAX_DIMS, builtin};

/// A provider as an allocation lists it: its name, its share (`by
/// share`), whether it takes the rest, and the entry's span.
type Listed = (Ident, Option<Expr>, bool, Span);

pub struct Declared {
    pub m: Model,
    pub errors: Vec<CheckError>,
    pub scenarios: Vec<Scenario>,
    pub correlations: Vec<(Vec<Target>, Expr, Span)>,
}

#[derive(Default)]
struct Builder {
    m: Model,
    errors: Vec<CheckError>,
    /// Per scope: name → where it was declared (or imported).
    spans: Vec<HashMap<String, Span>>,
    timeline_seen: Option<Span>,
    allocs: Vec<(ScopeId, Ident, Policy, Option<Expr>, Span)>,
    scenarios: Vec<Scenario>,
    correlations: Vec<(Vec<Target>, Expr, Span)>,
    statement_count: usize,
}

pub fn declare(files: Vec<SourceFile>, order: &[usize]) -> Declared {
    let mut b = Builder::default();
    b.m.scopes = files
        .iter()
        .map(|f| Scope {
            file: f.name.clone(),
            ..Scope::default()
        })
        .collect();
    b.spans = vec![HashMap::new(); files.len()];
    b.m.alloc_node = b.add_node(
        NodeKind::Allocation,
        "allocation".into(),
        Span::default(),
        None,
        0,
    );
    let mut files: Vec<Option<SourceFile>> = files.into_iter().map(Some).collect();
    for &f in order {
        if let Some(file) = files[f].take() {
            b.file(f, file);
        }
    }
    b.allocations();
    b.prefixes();
    Declared {
        m: b.m,
        errors: b.errors,
        scenarios: b.scenarios,
        correlations: b.correlations,
    }
}

impl Builder {
    fn add_node(
        &mut self,
        kind: NodeKind,
        name: String,
        span: Span,
        expr: Option<Expr>,
        scope: ScopeId,
    ) -> NodeId {
        self.m.nodes.push(Node {
            kind,
            name,
            span,
            expr,
            upper: None,
            scope,
        });
        self.m.nodes.len() - 1
    }

    /// Claims a name in a scope; a second claim is an error.
    fn claim(&mut self, scope: ScopeId, name: &Ident, sym: Sym) -> bool {
        if let Some(first) = self.spans[scope].get(&name.name) {
            self.errors.push(CheckError::Duplicate {
                name: name.name.clone(),
                span: name.span,
                first: *first,
            });
            return false;
        }
        if name.name == "base" {
            self.errors.push(CheckError::BadOverride {
                name: "base".into(),
                why: "it names the file as written".into(),
                span: name.span,
                help: Some("choose another name".into()),
            });
            return false;
        }
        self.spans[scope].insert(name.name.clone(), name.span);
        self.m.scopes[scope].names.insert(name.name.clone(), sym);
        true
    }

    fn file(&mut self, f: ScopeId, file: SourceFile) {
        let root = f == 0;
        let mut imports = file.imports.into_iter();
        for (k, item) in file.program.items.into_iter().enumerate() {
            let item_span = item.span;
            match item.kind {
                ItemKind::Timeline {
                    start,
                    end,
                    step,
                    span,
                } => {
                    if !root {
                        self.errors.push(CheckError::ImportTimeline { span });
                        continue;
                    }
                    self.timeline(&start, &end, step, span);
                }
                ItemKind::Let { name, value } => {
                    let id = self.m.nodes.len();
                    if self.claim(f, &name, Sym::Node(id)) {
                        self.add_node(NodeKind::Let, name.name, name.span, Some(value), f);
                    }
                }
                ItemKind::Demand { name, title, value } => {
                    let d = self.m.demands.len();
                    if self.claim(f, &name, Sym::Demand(d)) {
                        let id = self.add_node(
                            NodeKind::Demand(d),
                            name.name.clone(),
                            name.span,
                            Some(value),
                            f,
                        );
                        self.m.demands.push(Demand {
                            name: name.name,
                            title,
                            span: name.span,
                            node: id,
                            allocation: None,
                        });
                    }
                }
                ItemKind::Unit { name, value } => self.unit(f, name, value),
                ItemKind::Provider { name, title, props } => self.provider(f, &name, title, props),
                ItemKind::Allocate {
                    demand,
                    policy,
                    budget,
                } => self.allocs.push((f, demand, policy, budget, item_span)),
                ItemKind::Scenario(s) if root => self.scenarios.push(s),
                ItemKind::Correlate { targets, rho } => {
                    self.correlations.push((targets, rho, item_span))
                }
                ItemKind::Solve {
                    name,
                    lo,
                    hi,
                    condition,
                } => self.solve(f, name, lo, hi, condition, item_span),
                ItemKind::Plan(p) if root => self.plan(p),
                ItemKind::Import {
                    alias, path_span, ..
                } => {
                    let target = imports.find(|(i, _)| *i == k).map(|(_, t)| t);
                    if let Some(t) = target {
                        self.import(f, t, alias, path_span);
                    }
                }
                ItemKind::Samples(_) | ItemKind::Seed(_) if !root => {}
                ItemKind::Samples(e) => self.setting("samples", &e),
                ItemKind::Seed(e) => self.setting("seed", &e),
                kind if root => self.statement(kind, item_span),
                // An imported file brings its declarations; its statements,
                // scenarios and plan run when that file runs itself.
                _ => {}
            }
        }
    }

    fn timeline(
        &mut self,
        start: &crate::time::PeriodLit,
        end: &crate::time::PeriodLit,
        step: Option<crate::time::Step>,
        span: Span,
    ) {
        if let Some(first) = self.timeline_seen {
            self.errors
                .push(CheckError::DuplicateTimeline { span, first });
            return;
        }
        self.timeline_seen = Some(span);
        self.m.timeline_failed = true;
        match crate::time::timeline(start, end, step, span) {
            Err(crate::time::TimeError::TooFine { literal, step }) => {
                self.errors.push(CheckError::PeriodTooFine {
                    what: if literal.contains('-') {
                        "a month"
                    } else {
                        "a quarter"
                    },
                    literal,
                    step: step.word(),
                    help: "write the ends in the timeline's own periods".into(),
                    span,
                })
            }
            Err(_) => {}
            Ok(t) if t.is_empty() => self.errors.push(CheckError::BackwardsTimeline {
                start: start.text(),
                end: end.text(),
                span,
            }),
            Ok(t) => {
                let years = end.year - start.year + 1;
                if years > 1000 || t.len() > MAX_PERIODS {
                    self.errors.push(CheckError::LongTimeline {
                        years,
                        periods: t.len() as i64,
                        span,
                    });
                } else {
                    self.m.timeline = Some(Timeline { span, ..t });
                    self.m.timeline_failed = false;
                }
            }
        }
    }

    fn unit(&mut self, f: ScopeId, name: Ident, value: Option<Expr>) {
        if builtin(&name.name).is_some() || name.name.starts_with('$') {
            self.errors.push(CheckError::ShadowsUnit {
                name: name.name.clone(),
                span: name.span,
            });
            return;
        }
        let id = self.m.nodes.len();
        if !self.claim(f, &name, Sym::Node(id)) {
            return;
        }
        let base = if value.is_none() {
            let idx = self.m.base_names.0.len();
            if idx >= MAX_DIMS {
                self.errors.push(CheckError::NotSupported {
                    what: format!("more than {} new base units", MAX_DIMS - 5),
                    help: "declare further units in terms of existing ones: `unit X = 2 gpu`"
                        .into(),
                    span: name.span,
                });
                self.m.scopes[f].names.remove(&name.name);
                return;
            }
            self.m.base_names.0.push(name.name.clone());
            Some(idx)
        } else {
            None
        };
        self.add_node(NodeKind::Unit { base }, name.name, name.span, value, f);
    }

    fn provider(&mut self, f: ScopeId, name: &Ident, title: Option<String>, props: Vec<Property>) {
        let p = self.m.providers.len();
        if !self.claim(f, name, Sym::Provider(p)) {
            return;
        }
        let mut seen: HashMap<String, Span> = HashMap::new();
        let mut known: HashMap<PField, (Span, Expr, Option<Expr>)> = HashMap::new();
        let mut extra: Vec<(Ident, Expr)> = Vec::new();
        for prop in props {
            let pname = prop.name.name.clone();
            if let Some(first) = seen.get(&pname) {
                self.errors.push(CheckError::Duplicate {
                    name: format!("{}.{pname}", name.name),
                    span: prop.name.span,
                    first: *first,
                });
                continue;
            }
            seen.insert(pname.clone(), prop.name.span);
            match PField::lookup(&pname) {
                Some(field) if !field.is_property() => {
                    self.errors.push(CheckError::BadOverride {
                        name: format!("{}.{pname}", name.name),
                        why: "it is computed by the allocation".into(),
                        span: prop.name.span,
                        help: Some("choose another name for your own property".into()),
                    });
                }
                Some(field) => {
                    if prop.upper.is_some() && field != PField::Build {
                        self.errors.push(CheckError::BadStatement {
                            what: format!("`{pname}` takes one value, not a range"),
                            span: prop.value.span,
                            label: "a range".into(),
                            help: Some("only `build = LO .. HI` is a range".into()),
                        });
                        continue;
                    }
                    if prop.upper.is_none() && field == PField::Build {
                        self.errors.push(CheckError::BadStatement {
                            what: "`build` takes a range of what may be added each year".into(),
                            span: prop.value.span,
                            label: "one value".into(),
                            help: Some("write `build = 0 GW .. 2 GW`".into()),
                        });
                        continue;
                    }
                    known.insert(field, (prop.name.span, prop.value, prop.upper));
                }
                None => {
                    if prop.upper.is_some() {
                        self.errors.push(CheckError::BadStatement {
                            what: format!("`{pname}` takes one value, not a range"),
                            span: prop.value.span,
                            label: "a range".into(),
                            help: Some("only `build = LO .. HI` is a range".into()),
                        });
                        continue;
                    }
                    extra.push((prop.name, prop.value));
                }
            }
        }
        let mut ids = [0usize; 8];
        for (i, field) in PField::PROPERTIES.iter().enumerate() {
            let (span, expr, upper) = match known.remove(field) {
                Some((s, e, u)) => (s, Some(e), u),
                None => (name.span, None, None),
            };
            let id = self.add_node(
                NodeKind::Prop {
                    provider: p,
                    field: Some(*field),
                },
                format!("{}.{}", name.name, field.name()),
                span,
                expr,
                f,
            );
            self.m.nodes[id].upper = upper;
            ids[i] = id;
        }
        let extra_ids: Vec<(String, NodeId)> = extra
            .into_iter()
            .map(|(n, e)| {
                let id = self.add_node(
                    NodeKind::Prop {
                        provider: p,
                        field: None,
                    },
                    format!("{}.{}", name.name, n.name),
                    n.span,
                    Some(e),
                    f,
                );
                (n.name, id)
            })
            .collect();
        let capacity = self.add_node(
            NodeKind::Capacity(p),
            format!("{}.capacity", name.name),
            name.span,
            None,
            f,
        );
        let built = self.add_node(
            NodeKind::Built(p),
            format!("{}.built", name.name),
            name.span,
            None,
            f,
        );
        self.m.providers.push(Provider {
            name: name.name.clone(),
            title,
            span: name.span,
            props: ids,
            extra: extra_ids,
            capacity,
            built,
            scope: f,
        });
    }

    fn solve(&mut self, f: ScopeId, name: Ident, lo: Expr, hi: Expr, condition: Expr, span: Span) {
        let (lhs, rhs) = match condition.kind {
            ExprKind::Binary {
                op: BinOp::Eq,
                lhs,
                rhs,
                ..
            } => (*lhs, *rhs),
            _ => {
                self.errors.push(CheckError::BadStatement {
                    what: "`solve` needs a condition `A == B`".into(),
                    span: condition.span,
                    label: "not an equation".into(),
                    help: Some(
                        "write `solve price in $3B/GW .. $6B/GW so that spend@2027 == $20B`".into(),
                    ),
                });
                return;
            }
        };
        let i = self.m.solves.len();
        let id = self.m.nodes.len();
        if !self.claim(f, &name, Sym::Node(id)) {
            return;
        }
        self.add_node(NodeKind::Solve(i), name.name.clone(), name.span, None, f);
        self.m.solves.push(SolveDef {
            node: id,
            name,
            lo,
            hi,
            lhs,
            rhs,
            span,
        });
    }

    fn plan(&mut self, p: Plan) {
        if let Some(first) = &self.m.plan {
            self.errors.push(CheckError::Duplicate {
                name: "plan".into(),
                span: p.span,
                first: first.span,
            });
            return;
        }
        let id = self.add_node(NodeKind::Plan, "plan".into(), p.span, None, 0);
        self.m.plan = Some(PlanDef {
            node: id,
            title: p.title,
            objective: p.objective,
            discount: p.discount,
            constraints: p.constraints,
            span: p.span,
        });
    }

    fn import(&mut self, f: ScopeId, target: ScopeId, alias: Option<Ident>, span: Span) {
        match alias {
            Some(a) => {
                self.claim(f, &a, Sym::Module(target));
            }
            None => {
                let names: Vec<(String, Sym)> = self.m.scopes[target]
                    .names
                    .iter()
                    .map(|(k, v)| (k.clone(), *v))
                    .collect();
                let mut names = names;
                names.sort_by(|a, b| a.0.cmp(&b.0));
                for (name, sym) in names {
                    match self.m.scopes[f].names.get(&name) {
                        Some(s) if *s == sym => {}
                        Some(_) => {
                            let first = self.spans[f].get(&name).copied().unwrap_or(span);
                            self.errors
                                .push(CheckError::Duplicate { name, span, first });
                        }
                        None => {
                            self.spans[f].insert(name.clone(), span);
                            self.m.scopes[f].names.insert(name, sym);
                        }
                    }
                }
            }
        }
    }

    fn setting(&mut self, what: &'static str, e: &Expr) {
        let max = if what == "samples" { 1e8 } else { 9.0e15 };
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

    fn statement(&mut self, kind: ItemKind, span: Span) {
        let kind = match kind {
            ItemKind::Show {
                exprs,
                unit,
                by_year,
            } => StatementKind::Show {
                exprs,
                unit,
                by_year,
            },
            ItemKind::ShowPlan => StatementKind::ShowPlan,
            ItemKind::Assert { expr, within } => StatementKind::Assert { expr, within },
            ItemKind::Compare { scenarios, exprs } => StatementKind::Compare { scenarios, exprs },
            ItemKind::Plot { stack, exprs } => StatementKind::Plot { stack, exprs },
            ItemKind::Sensitivity { expr, on, by } => StatementKind::Sensitivity { expr, on, by },
            ItemKind::Explain { from, to, expr } => StatementKind::Explain { from, to, expr },
            ItemKind::Expr(e) => StatementKind::Expr(e),
            _ => return,
        };
        let ordinal = self.statement_count;
        self.statement_count += 1;
        self.m.statements.push(Statement {
            kind,
            span,
            ordinal,
        });
    }

    fn find_provider(&mut self, scope: ScopeId, id: &Ident) -> Option<usize> {
        match self.m.scopes[scope].names.get(&id.name) {
            Some(Sym::Provider(p)) => Some(*p),
            _ => {
                let help = did_you_mean(&id.name, self.m.providers.iter().map(|p| p.name.as_str()));
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
        let allocs = std::mem::take(&mut self.allocs);
        let mut first_alloc: HashMap<usize, Span> = HashMap::new();
        for (scope, demand, policy, budget, span) in allocs {
            let dspan = demand.span;
            let d = match self.m.scopes[scope].names.get(&demand.name) {
                Some(Sym::Demand(d)) => *d,
                _ => {
                    let help =
                        did_you_mean(&demand.name, self.m.demands.iter().map(|d| d.name.as_str()));
                    self.errors.push(CheckError::NotADemand {
                        name: demand.name.clone(),
                        span: demand.span,
                        help,
                    });
                    continue;
                }
            };
            if let Some(first) = first_alloc.get(&d) {
                self.errors.push(CheckError::AllocatedTwice {
                    name: demand.name.clone(),
                    span: dspan,
                    first: *first,
                });
                continue;
            }
            let (kind, list, rules): (PolicyKind, Vec<Listed>, Vec<AllocRule>) = match policy {
                Policy::Priority(ps) => (
                    PolicyKind::Priority,
                    ps.into_iter()
                        .map(|p| {
                            let s = p.span;
                            (p, None, false, s)
                        })
                        .collect(),
                    Vec::new(),
                ),
                Policy::Cost(ps) => (
                    PolicyKind::Cost,
                    ps.into_iter()
                        .map(|p| {
                            let s = p.span;
                            (p, None, false, s)
                        })
                        .collect(),
                    Vec::new(),
                ),
                Policy::Optimal { providers, rules } => (
                    PolicyKind::Optimal,
                    providers
                        .into_iter()
                        .map(|p| {
                            let s = p.span;
                            (p, None, false, s)
                        })
                        .collect(),
                    rules,
                ),
                Policy::Share(es) => (
                    PolicyKind::Share,
                    es.into_iter()
                        .map(|e| {
                            let rest = e.share.is_none();
                            (e.provider, e.share, rest, e.span)
                        })
                        .collect(),
                    Vec::new(),
                ),
            };
            let mut entries: Vec<AllocEntry> = Vec::new();
            let mut seen: HashMap<usize, Span> = HashMap::new();
            let mut ok = true;
            for (id, share, rest, espan) in list {
                let Some(p) = self.find_provider(scope, &id) else {
                    ok = false;
                    continue;
                };
                if let Some(first) = seen.get(&p) {
                    self.errors.push(CheckError::ProviderTwice {
                        name: id.name.clone(),
                        span: id.span,
                        first: *first,
                    });
                    ok = false;
                    continue;
                }
                seen.insert(p, id.span);
                entries.push(AllocEntry {
                    provider: p,
                    span: espan,
                    share,
                    rest,
                });
            }
            let mut rule_defs = Vec::new();
            for r in rules {
                let Some(p) = self.find_provider(scope, &r.provider) else {
                    ok = false;
                    continue;
                };
                let Some(k) = entries.iter().position(|e| e.provider == p) else {
                    self.errors.push(CheckError::BadStatement {
                        what: format!("`{}` is not in this allocation's list", r.provider.name),
                        span: r.provider.span,
                        label: "not listed".into(),
                        help: Some("a rule bounds one of the providers in `[…]`".into()),
                    });
                    ok = false;
                    continue;
                };
                rule_defs.push(AllocRuleDef {
                    entry: k,
                    op: r.op,
                    value: r.value,
                    span: r.span,
                });
            }
            if !ok {
                continue;
            }
            first_alloc.insert(d, dspan);
            self.m.demands[d].allocation = Some(self.m.allocations.len());
            self.m.allocations.push(Allocation {
                demand: d,
                policy: kind,
                entries,
                rules: rule_defs,
                budget,
                span,
                scope,
            });
        }
    }

    /// Names of imported files' nodes as the root file sees them (`cat.x`).
    fn prefixes(&mut self) {
        let n = self.m.scopes.len();
        let mut prefix: Vec<Option<String>> = vec![None; n];
        prefix[0] = Some(String::new());
        let mut queue = vec![0usize];
        while let Some(s) = queue.pop() {
            let base = prefix[s].clone().unwrap_or_default();
            let mut entries: Vec<(&String, &Sym)> = self.m.scopes[s].names.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            for (name, sym) in entries {
                if let Sym::Module(t) = sym
                    && prefix[*t].is_none()
                {
                    prefix[*t] = Some(format!("{base}{name}."));
                    queue.push(*t);
                }
            }
        }
        // Files imported without an alias read like their importer.
        for (scope, p) in self.m.scopes.iter_mut().zip(prefix) {
            scope.prefix = p.unwrap_or_default();
        }
        for node in &mut self.m.nodes {
            let p = &self.m.scopes[node.scope].prefix;
            if !p.is_empty() && !matches!(node.kind, NodeKind::Allocation | NodeKind::Plan) {
                node.name = format!("{p}{}", node.name);
            }
        }
        for prov in &mut self.m.providers {
            let p = &self.m.scopes[prov.scope].prefix;
            if !p.is_empty() {
                prov.name = format!("{p}{}", prov.name);
            }
        }
        for d in 0..self.m.demands.len() {
            let node = self.m.demands[d].node;
            self.m.demands[d].name = self.m.nodes[node].name.clone();
        }
    }
}
