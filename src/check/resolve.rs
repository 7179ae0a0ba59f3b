//! Names: what a name, a dotted path or a `share(…)` argument refers to in
//! the scope of one file, and the nodes an expression reads (the edges of
//! the dependency graph). Lowering asks the same questions through
//! [`path`], so both agree.

use super::error::CheckError;
use super::ir::NodeId;
use super::model::{Model, NodeKind, ScopeId, Sym};
use super::vocab::{BUILTINS, Builtin, DField, PField, TimeName};
use crate::diag::did_you_mean;
use crate::span::Span;
use crate::syntax::ast::{Expr, ExprKind, Ident};
use crate::units::builtin;

/// What a (possibly dotted) name refers to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Path {
    Sym(Sym),
    Time(TimeName),
    /// A built-in unit used as a value (`$2/gpu/h` divides by `h`).
    Unit,
    ProviderField(usize, PField),
    /// A provider's own property.
    ProviderProp(usize, NodeId),
    DemandField(usize, DField),
}

/// A name in a file's scope, then the time names and built-in units.
pub fn lookup(m: &Model, scope: ScopeId, name: &str) -> Option<Path> {
    if let Some(s) = m.scopes.get(scope).and_then(|s| s.names.get(name)) {
        return Some(Path::Sym(*s));
    }
    if let Some(t) = TimeName::lookup(name) {
        return Some(Path::Time(t));
    }
    builtin(name).map(|_| Path::Unit)
}

fn unknown_name(
    m: &Model,
    scope: ScopeId,
    name: &str,
    span: Span,
    own: Option<&str>,
) -> CheckError {
    let help = if Builtin::lookup(name).is_some() {
        Some(format!("`{name}` is a function: call it as `{name}(…)`"))
    } else if name == "pp" {
        Some("`pp` (percentage points) is only a tolerance: `assert x == 75% within 2 pp`".into())
    } else {
        let names = m.scopes.get(scope).map(|s| &s.names);
        did_you_mean(
            name,
            names
                .into_iter()
                .flat_map(|n| n.keys().map(String::as_str))
                .filter(|n| Some(*n) != own),
        )
    };
    CheckError::UnknownName {
        name: name.to_string(),
        span,
        help,
    }
}

/// Resolves a name or a dotted path (`x`, `p.load`, `cat.p.price`).
pub fn path(m: &Model, scope: ScopeId, e: &Expr, own: Option<&str>) -> Result<Path, CheckError> {
    match &e.kind {
        ExprKind::Name(n) => {
            lookup(m, scope, n).ok_or_else(|| unknown_name(m, scope, n, e.span, own))
        }
        ExprKind::Field { base, field } => {
            let b = path(m, scope, base, own)?;
            let base_text = match &base.kind {
                ExprKind::Name(n) => n.clone(),
                _ => "this".to_string(),
            };
            match b {
                Path::Sym(Sym::Provider(p)) => provider_field(m, p, field),
                Path::Sym(Sym::Demand(d)) => match DField::lookup(&field.name) {
                    Some(f) => Ok(Path::DemandField(d, f)),
                    None => Err(CheckError::UnknownField {
                        base: base_text,
                        field: field.name.clone(),
                        span: field.span,
                        help: did_you_mean(
                            &field.name,
                            super::vocab::DEMAND_FIELDS.iter().map(|f| f.name),
                        )
                        .or(Some("a demand has `.served`, `.unmet` and `.spend`".into())),
                    }),
                },
                Path::Sym(Sym::Module(s)) => match m.scopes[s].names.get(&field.name) {
                    Some(sym) => Ok(Path::Sym(*sym)),
                    None => Err(CheckError::UnknownName {
                        name: format!("{base_text}.{}", field.name),
                        span: e.span,
                        help: did_you_mean(
                            &field.name,
                            m.scopes[s].names.keys().map(String::as_str),
                        )
                        .map(|h| h.replacen('`', &format!("`{base_text}."), 1)),
                    }),
                },
                _ => Err(CheckError::UnknownField {
                    base: base_text,
                    field: field.name.clone(),
                    span: field.span,
                    help: Some(
                        "only providers and demands have fields: `stargate.load`, `training.spend`"
                            .into(),
                    ),
                }),
            }
        }
        _ => Err(CheckError::UnknownField {
            base: "this expression".into(),
            field: String::new(),
            span: e.span,
            help: Some("only providers and demands have fields".into()),
        }),
    }
}

/// `p.f` for a provider: a known field or the provider's own property.
pub fn provider_field(m: &Model, p: usize, field: &Ident) -> Result<Path, CheckError> {
    let prov = &m.providers[p];
    if let Some(f) = PField::lookup(&field.name) {
        return Ok(Path::ProviderField(p, f));
    }
    if let Some(id) = prov.extra.iter().find(|e| e.0 == field.name).map(|e| e.1) {
        return Ok(Path::ProviderProp(p, id));
    }
    let cands: Vec<&str> = super::vocab::PROVIDER_FIELDS
        .iter()
        .map(|f| f.name)
        .chain(prov.extra.iter().map(|e| e.0.as_str()))
        .collect();
    Err(CheckError::UnknownField {
        base: prov.name.clone(),
        field: field.name.clone(),
        span: field.span,
        help: did_you_mean(&field.name, cands.into_iter()),
    })
}

/// The node a provider field reads, for the dependency graph.
pub fn field_node(m: &Model, p: usize, f: PField) -> NodeId {
    match f {
        PField::Capacity => m.providers[p].capacity,
        PField::Built => m.providers[p].built,
        f if f.is_property() => m.providers[p].prop(f).unwrap_or(m.alloc_node),
        _ => m.alloc_node,
    }
}

/// Collects the nodes `e` reads into `deps`, and the name errors into
/// `errors` (all of them). `own` is the name being declared, never
/// suggested for itself.
pub fn deps(
    m: &Model,
    scope: ScopeId,
    e: &Expr,
    own: Option<&str>,
    deps: &mut Vec<NodeId>,
    errors: &mut Vec<CheckError>,
) {
    let mut stack = vec![(e, None::<usize>)];
    while let Some((e, provider)) = stack.pop() {
        match &e.kind {
            ExprKind::Name(n) if provider.is_some() => {
                let p = provider.unwrap_or(0);
                match total_name(m, scope, p, n) {
                    Some(Path::ProviderField(p, f)) => {
                        deps.push(field_node(m, p, f));
                        if f == PField::Price {
                            deps.push(m.alloc_node);
                        }
                    }
                    Some(Path::ProviderProp(_, id)) => deps.push(id),
                    Some(path) => push_path(m, path, deps),
                    None => {} // reported by the lowering, naming the provider
                }
            }
            ExprKind::Name(_) | ExprKind::Field { .. } => match path(m, scope, e, own) {
                Ok(p) => {
                    if let Path::Sym(Sym::Provider(_)) | Path::Sym(Sym::Module(_)) = p {
                        // A provider alone is only allowed in `share(…)`
                        // and `show`; lowering says so.
                    }
                    if let Path::ProviderField(p, PField::Price) = p {
                        deps.push(m.alloc_node);
                        deps.push(field_node(m, p, PField::Price));
                    } else {
                        push_path(m, p, deps)
                    }
                }
                Err(err) => errors.push(err),
            },
            ExprKind::WithUnit { value, unit } => {
                stack.push((value, provider));
                match m.scopes.get(scope).and_then(|s| s.names.get(&unit.name)) {
                    Some(Sym::Node(id)) if matches!(m.nodes[*id].kind, NodeKind::Unit { .. }) => {
                        deps.push(*id)
                    }
                    _ => {} // built-in or unknown: lowering decides
                }
            }
            ExprKind::Call { func, args } => match Builtin::lookup(&func.name) {
                Some(Builtin::Share) => {
                    deps.push(m.alloc_node);
                    for a in args.iter().skip(2) {
                        stack.push((a, provider));
                    }
                }
                Some(Builtin::Total) => {
                    if let Some(a) = args.first() {
                        for p in 0..m.providers.len() {
                            stack.push((a, Some(p)));
                        }
                    }
                    for a in args.iter().skip(1) {
                        stack.push((a, provider));
                    }
                }
                Some(_) => args.iter().for_each(|a| stack.push((a, provider))),
                None => {
                    errors.push(CheckError::UnknownFunction {
                        name: func.name.clone(),
                        span: func.span,
                        help: did_you_mean(&func.name, BUILTINS.iter().map(|b| b.name)),
                    });
                    args.iter().for_each(|a| stack.push((a, provider)));
                }
            },
            _ => {
                for c in e.children() {
                    stack.push((c, provider));
                }
            }
        }
    }
}

fn push_path(m: &Model, p: Path, deps: &mut Vec<NodeId>) {
    match p {
        Path::Sym(Sym::Node(id)) => deps.push(id),
        Path::Sym(Sym::Demand(d)) => deps.push(m.demands[d].node),
        Path::ProviderField(p, f) => deps.push(field_node(m, p, f)),
        Path::ProviderProp(_, id) => deps.push(id),
        Path::DemandField(..) => deps.push(m.alloc_node),
        Path::Sym(Sym::Provider(_) | Sym::Module(_)) | Path::Time(_) | Path::Unit => {}
    }
}

/// A bare name inside `total(…)` for provider `p`: its field or property
/// first, else an ordinary name.
pub fn total_name(m: &Model, scope: ScopeId, p: usize, name: &str) -> Option<Path> {
    if let Some(f) = PField::lookup(name) {
        return Some(Path::ProviderField(p, f));
    }
    if let Some(id) = m.providers[p]
        .extra
        .iter()
        .find(|e| e.0 == name)
        .map(|e| e.1)
    {
        return Some(Path::ProviderProp(p, id));
    }
    // Someone else's property: this provider lacks it.
    if m.providers
        .iter()
        .any(|q| q.extra.iter().any(|e| e.0 == name))
    {
        return None;
    }
    lookup(m, scope, name)
}
