//! Lowering with types: each AST expression becomes an [`Ir`] tree whose
//! every node knows its dimension, display kind, shape and certainty. The
//! type rules of the language live here — which operands combine, what a
//! function takes and gives — so evaluation never checks them again.

use std::cell::Cell;

use super::error::CheckError;
use super::ir::{At, ChainOp, Cmp, Dist, Ir, IrKind, NodeId, ProviderRead, Random};
use super::model::{Defs, Model, NodeKind, ScopeId, Sym};
use super::resolve::{Path, path, total_name};
use super::types::Type;
use super::vocab::{Builtin, DField, PField, TimeName};
use crate::diag::did_you_mean;
use crate::span::Span;
use crate::syntax::ast::{BinOp, Expr, ExprKind, Fill, UnOp};
use crate::time::{Step, Sub, TimeError};
use crate::units::dim::MONEY;
use crate::units::format::{Hint, Kind};
use crate::units::{Dim, builtin};

/// Why lowering stopped: an error to report, or a dependency that already
/// failed (its error is reported; this one would only repeat it).
#[derive(Debug)]
pub enum Fail {
    Error(CheckError),
    /// Several independent errors (a CSV file's bad cells).
    Many(Vec<CheckError>),
    Broken,
}

impl From<CheckError> for Fail {
    fn from(e: CheckError) -> Fail {
        Fail::Error(e)
    }
}

pub type R<T> = Result<T, Fail>;

/// Everything lowering an expression needs: the model, the types known so
/// far (base or one scenario), and where the expression is written.
pub struct Lowerer<'a> {
    pub m: &'a Model,
    pub defs: &'a Defs,
    pub scope: ScopeId,
    /// The name being declared: never suggested for itself.
    pub own: Option<&'a str>,
    /// Names the uncertain inputs written here: the declaration's identity
    /// and each input's place in it.
    pub key: u64,
    counter: Cell<u64>,
    provider: Option<usize>,
}

/// A stable 64-bit hash of a text (FNV-1a), for naming random inputs.
pub fn stable_hash(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn money() -> Dim {
    Dim::base(MONEY)
}

impl<'a> Lowerer<'a> {
    pub fn new(m: &'a Model, defs: &'a Defs, scope: ScopeId, identity: &str) -> Lowerer<'a> {
        Lowerer {
            m,
            defs,
            scope,
            own: None,
            key: stable_hash(identity),
            counter: Cell::new(0),
            provider: None,
        }
    }

    pub fn declaring(mut self, name: &'a str) -> Lowerer<'a> {
        self.own = Some(name);
        self
    }

    fn label(&self, ty: Type, hint: Hint) -> String {
        ty.label(hint, &self.m.base_names)
    }

    fn ir_label(&self, ir: &Ir) -> String {
        self.label(ir.ty, ir.hint)
    }

    fn timeline(&self, span: Span) -> R<crate::time::Timeline> {
        match self.m.timeline {
            Some(t) => Ok(t),
            // A timeline that has its own error explains this one.
            None if self.m.timeline_failed => Err(Fail::Broken),
            None => Err(Fail::Error(CheckError::NoTimeline { span })),
        }
    }

    fn node(&self, id: NodeId, span: Span) -> R<Ir> {
        if self.defs.broken.get(id).copied().unwrap_or(true) {
            return Err(Fail::Broken);
        }
        Ok(Ir::new(
            IrKind::Node(id),
            self.defs.ty[id],
            self.defs.hint[id],
            span,
        ))
    }

    fn need_number(&self, ir: &Ir) -> R<()> {
        if ir.ty.is_bool() {
            return Err(CheckError::Type {
                expected: "a number".into(),
                found: "a true/false value".into(),
                span: ir.span,
                help: None,
            }
            .into());
        }
        Ok(())
    }

    fn need_bool(&self, ir: &Ir) -> R<()> {
        if !ir.ty.is_bool() {
            return Err(CheckError::Type {
                expected: "a condition (true/false)".into(),
                found: self.ir_label(ir),
                span: ir.span,
                help: Some("compare it with something: `x > 0 GW`".into()),
            }
            .into());
        }
        Ok(())
    }

    /// A certain single value (a unit, a tolerance, a parameter).
    pub fn need_certain_scalar(&self, ir: &Ir, what: &str, help: &str) -> R<()> {
        if ir.ty.uncertain {
            return Err(CheckError::MustBeCertain {
                what: what.to_string(),
                found: ir.ty.shape_text(),
                help: help.to_string(),
                span: ir.span,
            }
            .into());
        }
        if ir.ty.series {
            return Err(CheckError::Type {
                expected: format!("a single value for {what}"),
                found: "a series".into(),
                span: ir.span,
                help: Some(help.to_string()).filter(|h| !h.is_empty()),
            }
            .into());
        }
        Ok(())
    }

    fn same_dim(&self, op: &'static str, symbol: &'static str, a: &Ir, b: &Ir) -> R<()> {
        if a.ty.dim != b.ty.dim || a.ty.is_bool() != b.ty.is_bool() {
            return Err(CheckError::UnitMismatch {
                op,
                symbol,
                left: self.ir_label(a),
                right: self.ir_label(b),
                lspan: a.span,
                rspan: b.span,
            }
            .into());
        }
        Ok(())
    }

    fn time_error(&self, e: TimeError, span: Span) -> Fail {
        let t = self
            .m
            .timeline
            .unwrap_or_else(|| crate::time::Timeline::yearly(0, 0));
        Fail::Error(match e {
            TimeError::TooFine { literal, step } => CheckError::PeriodTooFine {
                what: if literal.contains('-') {
                    "a month"
                } else {
                    "a quarter"
                },
                literal,
                step: step.word(),
                help: match step {
                    Step::Yearly => {
                        "write a year, or declare the timeline `quarterly` or `monthly`".into()
                    }
                    _ => "write a quarter (`2026Q3`), or declare the timeline `monthly`".into(),
                },
                span,
            },
            TimeError::Outside { literal } => CheckError::PeriodOutside {
                literal,
                range: t.range_text(),
                span,
                timeline: t.span,
            },
            TimeError::NotAPeriod => CheckError::Type {
                expected: format!("a {}", t.step.noun()),
                found: "a value between periods".into(),
                span,
                help: None,
            },
        })
    }

    /// A fresh random input: named by the declaration and its place in it.
    fn random_key(&self) -> u64 {
        let k = self.counter.get();
        self.counter.set(k + 1);
        crate::eval::random::mix(self.key, k, 0x5eed)
    }

    pub fn expr(&self, e: &Expr) -> R<Ir> {
        let span = e.span;
        match &e.kind {
            ExprKind::Number { value, percent } => Ok(Ir::constant(
                *value,
                if *percent {
                    Type::PERCENT
                } else {
                    Type::NUMBER
                },
                span,
            )),
            ExprKind::Money(v) | ExprKind::MoneyUnit(v) => {
                Ok(Ir::constant(*v, Type::of(money()), span))
            }
            ExprKind::Period(lit) => {
                if let Some(t) = self.m.timeline {
                    t.admits(lit).map_err(|err| self.time_error(err, span))?;
                }
                let ty = if lit.sub == Sub::Year {
                    Type::NUMBER
                } else {
                    Type::PERIOD
                };
                Ok(Ir::constant(lit.value(), ty, span))
            }
            ExprKind::WithUnit { value, unit } => {
                let v = self.expr(value)?;
                self.with_unit(v, &unit.name, unit.span, span)
            }
            ExprKind::Name(n) => match self.provider {
                Some(p) => self.total_name(p, n, span),
                None => self.path(e),
            },
            ExprKind::Field { .. } => self.path(e),
            ExprKind::String(_) => Err(CheckError::Type {
                expected: "a number".into(),
                found: "a title (a string)".into(),
                span,
                help: Some("strings are only used as display titles, after a name".into()),
            }
            .into()),
            ExprKind::Never => Ok(Ir::constant(f64::INFINITY, Type::PERIOD, span)),
            ExprKind::Call { func, args } => self.call(&func.name, func.span, args, span),
            ExprKind::Range { .. } => Err(CheckError::Type {
                expected: "a value".into(),
                found: "a range of periods".into(),
                span,
                help: Some("a range is an argument of `sum`, `avg`, `peak` and `trough`".into()),
            }
            .into()),
            ExprKind::At { base, at } => self.at(base, at, span),
            ExprKind::Unary { op, operand } => {
                let v = self.expr(operand)?;
                match op {
                    UnOp::Neg => {
                        self.need_number(&v)?;
                        let mut ty = v.ty;
                        if ty.kind == Kind::Period {
                            ty.kind = Kind::Number;
                        }
                        let hint = v.hint;
                        Ok(Ir::new(IrKind::Neg(Box::new(v)), ty, hint, span))
                    }
                    UnOp::Not => {
                        self.need_bool(&v)?;
                        let ty = v.ty;
                        Ok(Ir::new(IrKind::Not(Box::new(v)), ty, Hint::default(), span))
                    }
                }
            }
            ExprKind::Binary {
                op,
                lhs,
                rhs,
                op_span,
            } => {
                let l = self.expr(lhs)?;
                let r = self.expr(rhs)?;
                self.binary(*op, l, r, *op_span, span)
            }
            ExprKind::Chain { first, rest } => {
                let first = self.expr(first)?;
                if matches!(rest[0].op, BinOp::And | BinOp::Or) {
                    self.need_bool(&first)?;
                } else {
                    self.need_number(&first)?;
                }
                let (mut ty, mut hint, mut lspan) = (first.ty, first.hint, first.span);
                let mut links: Vec<(ChainOp, Ir)> = Vec::with_capacity(rest.len());
                for link in rest {
                    let r = self.expr(&link.rhs)?;
                    let (cop, nty) = self.chain_step(link.op, ty, hint, lspan, &r)?;
                    hint = hint.or(r.hint);
                    ty = nty;
                    lspan = lspan.join(r.span);
                    links.push((cop, r));
                }
                Ok(Ir::new(
                    IrKind::Chain(Box::new(first), links),
                    ty,
                    hint,
                    span,
                ))
            }
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => {
                let c = self.expr(cond)?;
                self.need_bool(&c)?;
                let a = self.expr(then)?;
                let b = self.expr(otherwise)?;
                if a.ty.dim != b.ty.dim || a.ty.is_bool() != b.ty.is_bool() {
                    return Err(CheckError::UnitMismatch {
                        op: "choose between",
                        symbol: "if … then … else",
                        left: self.ir_label(&a),
                        right: self.ir_label(&b),
                        lspan: a.span,
                        rspan: b.span,
                    }
                    .into());
                }
                let kind = if a.ty.kind == b.ty.kind {
                    a.ty.kind
                } else {
                    Kind::Number
                };
                let ty = a.ty.shape_with(b.ty).shape_with(c.ty).with_kind(kind);
                let hint = a.hint.or(b.hint);
                Ok(Ir::new(
                    IrKind::If(Box::new(c), Box::new(a), Box::new(b)),
                    ty,
                    hint,
                    span,
                ))
            }
            ExprKind::When(c) => {
                self.timeline(span)?;
                let c = self.expr(c)?;
                self.need_bool(&c)?;
                let ty = Type::PERIOD.uncertain_if(c.ty.uncertain);
                Ok(Ir::new(
                    IrKind::When(Box::new(c)),
                    ty,
                    Hint::default(),
                    span,
                ))
            }
            ExprKind::Keyframes { frames, fill } => {
                let t = self.timeline(span)?;
                let mut out: Vec<(f64, Ir)> = Vec::with_capacity(frames.len());
                let mut prev: Option<(i64, &crate::time::PeriodLit)> = None;
                for f in frames {
                    let pos = t
                        .position_of(&f.at)
                        .map_err(|err| self.time_error(err, f.at.span))?;
                    if let Some((pp, plit)) = prev
                        && pos <= pp
                    {
                        return Err(CheckError::KeyframeOrder {
                            at: f.at.text(),
                            prev: plit.text(),
                            span: f.at.span,
                            prev_span: plit.span,
                        }
                        .into());
                    }
                    prev = Some((pos, &f.at));
                    let v = self.expr(&f.value)?;
                    self.need_number(&v)?;
                    if v.ty.series {
                        return Err(CheckError::Type {
                            expected: "a single value".into(),
                            found: "a series".into(),
                            span: v.span,
                            help: Some("a keyframe gives one value for its period; read a series' value with `x@2027`".into()),
                        }
                        .into());
                    }
                    if let Some((_, first)) = out.first()
                        && first.ty.dim != v.ty.dim
                    {
                        return Err(CheckError::KeyframeDims {
                            first: self.ir_label(first),
                            other: self.ir_label(&v),
                            first_span: first.span,
                            span: v.span,
                        }
                        .into());
                    }
                    out.push((pos as f64, v));
                }
                self.keyframes(out, *fill, span)
            }
            ExprKind::Csv {
                file,
                file_span,
                column,
                column_span,
                fill,
            } => {
                let t = self.timeline(span)?;
                let dir = self
                    .m
                    .scopes
                    .get(self.scope)
                    .map(|s| s.file.clone())
                    .unwrap_or_default();
                let frames = super::csv::read(&dir, file, *file_span, column, *column_span, &t)
                    .map_err(Fail::Many)?;
                let out = frames
                    .into_iter()
                    .map(|(pos, v)| (pos as f64, Ir::constant(v, Type::NUMBER, span)))
                    .collect();
                self.keyframes(out, *fill, span)
            }
        }
    }

    fn keyframes(&self, out: Vec<(f64, Ir)>, fill: Fill, span: Span) -> R<Ir> {
        let Some((_, first)) = out.first() else {
            return Err(CheckError::Type {
                expected: "at least one keyframe".into(),
                found: "an empty block".into(),
                span,
                help: Some("write `{ 2024: 1 GW, 2030: 5 GW }`".into()),
            }
            .into());
        };
        let uncertain = out.iter().any(|(_, v)| v.ty.uncertain);
        let all_percent = out.iter().all(|(_, v)| v.ty.kind == Kind::Percent);
        let kind = if all_percent {
            Kind::Percent
        } else if first.ty.kind == Kind::Period {
            Kind::Period
        } else {
            Kind::Number
        };
        let ty = Type {
            dim: first.ty.dim,
            kind,
            series: true,
            uncertain,
        };
        let hint = first.hint;
        if fill == Fill::Growth {
            for w in out.windows(2) {
                if let (Some(a), Some(b)) = (w[0].1.as_const(), w[1].1.as_const())
                    && a * b <= 0.0
                    && !(a == 0.0 && b == 0.0)
                {
                    let fmt = |x: f64| {
                        crate::units::format_quantity(x, ty.dim, ty.kind, hint, &self.m.base_names)
                    };
                    return Err(CheckError::BadArguments {
                        func: "growth".into(),
                        problem: format!(
                            "fill needs keyframes of one sign, not {} then {}",
                            fmt(a),
                            fmt(b)
                        ),
                        span: w[0].1.span.join(w[1].1.span),
                        help: Some(
                            "use linear fill between values that change sign or touch zero".into(),
                        ),
                    }
                    .into());
                }
            }
        }
        Ok(Ir::new(IrKind::Keyframes(out, fill), ty, hint, span))
    }

    /// `5 GW`, `3 gpu`: a number times a unit.
    fn with_unit(&self, v: Ir, unit: &str, uspan: Span, span: Span) -> R<Ir> {
        let user = self
            .m
            .scopes
            .get(self.scope)
            .and_then(|s| s.names.get(unit))
            .copied();
        if let Some(Sym::Node(id)) = user
            && matches!(self.m.nodes[id].kind, NodeKind::Unit { .. })
        {
            let u = self.node(id, uspan)?;
            let ty = Type {
                dim: u.ty.dim,
                kind: Kind::Number,
                ..v.ty
            };
            let hint = u.hint;
            return Ok(Ir::new(
                IrKind::Chain(Box::new(v), vec![(ChainOp::Mul, u)]),
                ty,
                hint,
                span,
            ));
        }
        match builtin(unit) {
            Some((f, d)) => {
                let value = v.as_const().unwrap_or(1.0) * f;
                if !value.is_finite() {
                    return Err(CheckError::Type {
                        expected: "a finite number".into(),
                        found: "a number too large to represent".into(),
                        span,
                        help: None,
                    }
                    .into());
                }
                Ok(Ir::new(
                    IrKind::Const(value),
                    Type::of(d),
                    Hint::from_unit(unit),
                    span,
                ))
            }
            None => Err(self.unknown_unit(unit, uspan).into()),
        }
    }

    pub fn unknown_unit(&self, name: &str, span: Span) -> CheckError {
        unknown_unit(self.m, name, span)
    }

    fn path(&self, e: &Expr) -> R<Ir> {
        let span = e.span;
        let p = path(self.m, self.scope, e, self.own).map_err(Fail::Error)?;
        self.lower_path(p, e, span)
    }

    fn lower_path(&self, p: Path, e: &Expr, span: Span) -> R<Ir> {
        let name_text = || match &e.kind {
            ExprKind::Name(n) => n.clone(),
            ExprKind::Field { base, .. } => match &base.kind {
                ExprKind::Name(n) => n.clone(),
                _ => "it".into(),
            },
            _ => "it".into(),
        };
        match p {
            Path::Sym(Sym::Node(id)) => self.node(id, span),
            Path::Sym(Sym::Demand(d)) => self.node(self.m.demands[d].node, span),
            Path::Sym(Sym::Provider(_)) => Err(CheckError::ProviderAsValue {
                name: name_text(),
                span,
            }
            .into()),
            Path::Sym(Sym::Module(_)) => Err(CheckError::Type {
                expected: "a value".into(),
                found: "an imported file".into(),
                span,
                help: Some(format!("read one of its names: `{}.x`", name_text())),
            }
            .into()),
            Path::Time(t) => {
                self.timeline(span)?;
                let ty = match t {
                    TimeName::Year => Type::NUMBER.series(),
                    TimeName::Period => Type::PERIOD.series(),
                    TimeName::Dt => Type::NUMBER,
                };
                Ok(Ir::new(IrKind::Time(t), ty, Hint::default(), span))
            }
            Path::Unit => {
                let n = name_text();
                let (f, d) = builtin(&n).unwrap_or((1.0, Dim::NONE));
                Ok(Ir::new(
                    IrKind::Const(f),
                    Type::of(d),
                    Hint::from_unit(&n),
                    span,
                ))
            }
            Path::ProviderField(p, f) => self.provider_field(p, f, span),
            Path::ProviderProp(_, id) => self.node(id, span),
            Path::DemandField(d, f) => {
                let dn = self.m.demands[d].node;
                if self.defs.broken[dn] || self.defs.broken[self.m.alloc_node] {
                    return Err(Fail::Broken);
                }
                let dty = self.defs.ty[dn];
                let uncertain = self.defs.ty[self.m.alloc_node].uncertain;
                let (dim, hint) = match f {
                    DField::Spend => (money(), Hint::default()),
                    _ => (dty.dim, self.defs.hint[dn]),
                };
                Ok(Ir::new(
                    IrKind::Demand(d, f),
                    Type {
                        dim,
                        kind: Kind::Number,
                        series: true,
                        uncertain,
                    },
                    hint,
                    span,
                ))
            }
        }
    }

    fn missing(&self, p: usize, what: &str, help: &str, span: Span) -> Fail {
        Fail::Error(CheckError::Missing {
            provider: self.m.providers[p].name.clone(),
            what: what.to_string(),
            span,
            help: Some(help.to_string()),
        })
    }

    fn provider_field(&self, p: usize, f: PField, span: Span) -> R<Ir> {
        let m = self.m;
        let prov = &m.providers[p];
        let alloc = m.alloc_node;
        let load = || -> R<(Dim, Hint, bool)> {
            if self.defs.broken[alloc] {
                return Err(Fail::Broken);
            }
            Ok((
                self.defs.load_dim.get(p).copied().unwrap_or(Dim::NONE),
                self.defs.load_hint.get(p).copied().unwrap_or_default(),
                self.defs.ty[alloc].uncertain,
            ))
        };
        let series = |dim: Dim, kind: Kind, uncertain: bool| Type {
            dim,
            kind,
            series: true,
            uncertain,
        };
        match f {
            PField::Capacity => {
                if !m.limited(self.defs, p) {
                    return Err(self.missing(
                        p,
                        "no capacity limit",
                        "a provider without `capacity` is unlimited, so its capacity is not defined",
                        span,
                    ));
                }
                self.node(prov.capacity, span)
            }
            PField::Built => self.node(prov.built, span),
            PField::Price if !m.has_prop(self.defs, p, PField::Price) => {
                let (dim, _, _) = load()?;
                let d = money().per(dim).unwrap_or(money());
                Ok(Ir::constant(0.0, Type::of(d).series(), span))
            }
            f if f.is_property() => {
                let id = prov
                    .prop(f)
                    .unwrap_or_else(|| unreachable!("known properties always have a node"));
                if self.defs.ir[id].is_none() {
                    return Err(self.missing(
                        p,
                        &format!("no `{}`", f.name()),
                        &format!("set it in the provider: `{} = …`", f.name()),
                        span,
                    ));
                }
                self.node(id, span)
            }
            PField::Load => {
                let (dim, hint, u) = load()?;
                Ok(Ir::new(
                    IrKind::Provider(p, ProviderRead::Load),
                    series(dim, Kind::Number, u),
                    hint,
                    span,
                ))
            }
            PField::Idle => {
                let (dim, hint, u) = load()?;
                Ok(Ir::new(
                    IrKind::Provider(p, ProviderRead::Idle),
                    series(dim, Kind::Number, u),
                    hint,
                    span,
                ))
            }
            PField::Headroom => {
                if !m.limited(self.defs, p) {
                    return Err(self.missing(
                        p,
                        "no capacity limit",
                        "a provider without `capacity` is unlimited, so its headroom is not defined",
                        span,
                    ));
                }
                let (dim, hint, u) = load()?;
                Ok(Ir::new(
                    IrKind::Provider(p, ProviderRead::Headroom),
                    series(dim, Kind::Number, u),
                    hint,
                    span,
                ))
            }
            PField::Utilization => {
                let (_, _, u) = load()?;
                Ok(Ir::new(
                    IrKind::Provider(p, ProviderRead::Utilization),
                    series(Dim::NONE, Kind::Percent, u),
                    Hint::default(),
                    span,
                ))
            }
            PField::Spend => {
                let (_, _, u) = load()?;
                Ok(Ir::new(
                    IrKind::Provider(p, ProviderRead::Spend),
                    series(money(), Kind::Number, u),
                    Hint::default(),
                    span,
                ))
            }
            PField::CapexSpend => {
                let (_, _, u) = load()?;
                Ok(Ir::new(
                    IrKind::Provider(p, ProviderRead::CapexSpend),
                    series(money(), Kind::Number, u),
                    Hint::default(),
                    span,
                ))
            }
            _ => unreachable!("every provider field is handled"),
        }
    }

    /// A bare name inside `total(…)`, for provider `p`.
    fn total_name(&self, p: usize, name: &str, span: Span) -> R<Ir> {
        match total_name(self.m, self.scope, p, name) {
            Some(Path::ProviderField(p, f)) => self.provider_field(p, f, span),
            Some(Path::ProviderProp(_, id)) => self.node(id, span),
            Some(other) => {
                let e = Expr {
                    kind: ExprKind::Name(name.to_string()),
                    span,
                };
                self.lower_path(other, &e, span)
            }
            None => Err(self.missing(
                p,
                &format!("no `{name}`"),
                &format!(
                    "`total` reads `{name}` of every provider; give `{}` a `{name}`",
                    self.m.providers[p].name
                ),
                span,
            )),
        }
    }

    fn at(&self, base: &Expr, at: &Expr, span: Span) -> R<Ir> {
        let b = self.expr(base)?;
        let t = self.timeline(span)?;
        let base_text = || match &base.kind {
            ExprKind::Name(n) => n.clone(),
            _ => "x".into(),
        };
        let index = match &at.kind {
            ExprKind::Period(lit) => {
                if lit.sub == Sub::Year && t.step != Step::Yearly {
                    return Err(CheckError::AtYear {
                        year: lit.year,
                        step: t.step.word(),
                        base: base_text(),
                        span: at.span,
                        period: t.step.noun(),
                    }
                    .into());
                }
                At::Index(
                    t.index_of(lit)
                        .map_err(|err| self.time_error(err, at.span))?,
                )
            }
            _ => {
                let a = self.expr(at)?;
                if !a.ty.is_plain() || a.ty.series {
                    return Err(CheckError::Type {
                        expected: format!("a {}", t.step.noun()),
                        found: if a.ty.series {
                            "a series".into()
                        } else {
                            self.ir_label(&a)
                        },
                        span: a.span,
                        help: Some("write a period: `x@2027`, `x@2026-07`".into()),
                    }
                    .into());
                }
                if a.ty.kind != Kind::Period && t.step != Step::Yearly {
                    return Err(CheckError::AtYear {
                        year: a.as_const().unwrap_or(2026.0) as i64,
                        step: t.step.word(),
                        base: base_text(),
                        span: a.span,
                        period: t.step.noun(),
                    }
                    .into());
                }
                match a.as_const() {
                    Some(v) => At::Index(
                        t.index_of_value(v)
                            .map_err(|err| self.time_error(err, a.span))?,
                    ),
                    None => At::Value(Box::new(a)),
                }
            }
        };
        let uncertain = match &index {
            At::Value(a) => a.ty.uncertain,
            At::Index(_) => false,
        };
        let ty = b.ty.scalar().uncertain_if(uncertain);
        let hint = b.hint;
        Ok(Ir::new(IrKind::At(Box::new(b), index), ty, hint, span))
    }

    /// The kind and dimension one step of a chain gives: `acc op r`.
    fn chain_step(
        &self,
        op: BinOp,
        ty: Type,
        hint: Hint,
        lspan: Span,
        r: &Ir,
    ) -> R<(ChainOp, Type)> {
        match op {
            BinOp::And | BinOp::Or => {
                self.need_bool(r)?;
                let cop = if op == BinOp::And {
                    ChainOp::And
                } else {
                    ChainOp::Or
                };
                Ok((
                    cop,
                    Type::BOOL
                        .shape_with(ty)
                        .shape_with(r.ty)
                        .with_kind(Kind::Bool),
                ))
            }
            BinOp::Add | BinOp::Sub => {
                self.need_number(r)?;
                if ty.dim != r.ty.dim {
                    return Err(CheckError::UnitMismatch {
                        op: if op == BinOp::Add { "add" } else { "subtract" },
                        symbol: op.symbol(),
                        left: self.label(ty, hint),
                        right: self.ir_label(r),
                        lspan,
                        rspan: r.span,
                    }
                    .into());
                }
                let kind = match (ty.kind, r.ty.kind) {
                    (Kind::Period, Kind::Period) if op == BinOp::Sub => Kind::Number,
                    (Kind::Period, _) | (_, Kind::Period) => Kind::Period,
                    (Kind::Percent, _) | (_, Kind::Percent) => Kind::Percent,
                    _ => Kind::Number,
                };
                let cop = if op == BinOp::Add {
                    ChainOp::Add
                } else {
                    ChainOp::Sub
                };
                Ok((cop, ty.shape_with(r.ty).with_kind(kind)))
            }
            BinOp::Mul | BinOp::Div => {
                self.need_number(r)?;
                let dim = if op == BinOp::Mul {
                    ty.dim.times(r.ty.dim)
                } else {
                    ty.dim.per(r.ty.dim)
                };
                let Some(dim) = dim else {
                    return Err(CheckError::NotSupported {
                        what: "a unit with an exponent this large".into(),
                        help: "exponents of units are limited to ±127".into(),
                        span: lspan.join(r.span),
                    }
                    .into());
                };
                let percent = dim.is_none()
                    && (ty.kind == Kind::Percent
                        || (op == BinOp::Mul && r.ty.kind == Kind::Percent));
                let kind = if percent { Kind::Percent } else { Kind::Number };
                let cop = if op == BinOp::Mul {
                    ChainOp::Mul
                } else {
                    ChainOp::Div
                };
                Ok((
                    cop,
                    Type {
                        dim,
                        kind,
                        ..ty.shape_with(r.ty)
                    },
                ))
            }
            _ => unreachable!("only chain operators"),
        }
    }

    /// The constant a checker can read: a literal, a `let` of one in these
    /// definitions, or simple arithmetic on them.
    pub fn const_value(&self, ir: &Ir) -> Option<f64> {
        match &ir.kind {
            IrKind::Const(v) if !ir.ty.series && !ir.ty.uncertain => Some(*v),
            IrKind::Neg(a) => self.const_value(a).map(|v| -v),
            IrKind::Node(id) if self.m.nodes[*id].kind == NodeKind::Let => self.defs.ir[*id]
                .as_deref()
                .and_then(|x| self.const_value(x)),
            IrKind::Chain(first, rest) => {
                let mut acc = self.const_value(first)?;
                for (op, x) in rest {
                    let v = self.const_value(x)?;
                    acc = match op {
                        ChainOp::Add => acc + v,
                        ChainOp::Sub => acc - v,
                        ChainOp::Mul => acc * v,
                        ChainOp::Div => acc / v,
                        _ => return None,
                    };
                }
                acc.is_finite().then_some(acc)
            }
            _ => None,
        }
    }

    fn binary(&self, op: BinOp, l: Ir, r: Ir, op_span: Span, span: Span) -> R<Ir> {
        match op {
            BinOp::Pow => {
                self.need_number(&l)?;
                self.need_number(&r)?;
                if !r.ty.dim.is_none() {
                    return Err(CheckError::Type {
                        expected: "a plain number as the exponent".into(),
                        found: self.ir_label(&r),
                        span: r.span,
                        help: None,
                    }
                    .into());
                }
                let dim = if l.ty.dim.is_none() {
                    Dim::NONE
                } else {
                    let Some(k) = self.const_value(&r) else {
                        return Err(CheckError::ExponentNotConstant {
                            span: r.span,
                            base: l.span,
                        }
                        .into());
                    };
                    let d = if k.fract() == 0.0 && k.abs() <= 127.0 {
                        l.ty.dim.powi(k as i32)
                    } else if k > 0.0 && k < 1.0 && (1.0 / k - (1.0 / k).round()).abs() < 1e-9 {
                        let n = (1.0 / k).round();
                        if n <= 127.0 {
                            l.ty.dim.root(n as i32)
                        } else {
                            None
                        }
                    } else {
                        None
                    };
                    match d {
                        Some(d) => d,
                        None => {
                            return Err(CheckError::BadPower {
                                what: self.ir_label(&l),
                                power: crate::units::format::fmt_sig(k, 6, true),
                                span: r.span,
                            }
                            .into());
                        }
                    }
                };
                let kind = if dim.is_none() && l.ty.kind == Kind::Percent {
                    Kind::Percent
                } else {
                    Kind::Number
                };
                let ty = Type {
                    dim,
                    kind,
                    ..l.ty.shape_with(r.ty)
                };
                let hint = l.hint;
                Ok(Ir::new(
                    IrKind::Pow(Box::new(l), Box::new(r)),
                    ty,
                    hint,
                    span,
                ))
            }
            BinOp::To => {
                self.need_number(&l)?;
                self.need_number(&r)?;
                self.same_dim("make a range of", "to", &l, &r)?;
                for x in [&l, &r] {
                    if x.ty.uncertain {
                        return Err(CheckError::MustBeCertain {
                            what: "the ends of `to`".into(),
                            found: x.ty.shape_text(),
                            help: "write the ends as plain values: `3 GW to 5 GW`".into(),
                            span: op_span,
                        }
                        .into());
                    }
                }
                if let (Some(a), Some(b)) = (l.as_const(), r.as_const())
                    && a >= b
                {
                    let fmt = |v: f64| {
                        crate::units::format_quantity(
                            v,
                            l.ty.dim,
                            l.ty.kind,
                            l.hint,
                            &self.m.base_names,
                        )
                    };
                    return Err(CheckError::InvalidDistribution {
                        what: "`to`".into(),
                        problem: format!(
                            "needs its low end below its high end, found {} to {}",
                            fmt(a),
                            fmt(b)
                        ),
                        span,
                        help: "write the smaller value first: `40% to 80%`".into(),
                    }
                    .into());
                }
                let kind = if l.ty.kind == Kind::Percent || r.ty.kind == Kind::Percent {
                    Kind::Percent
                } else if l.ty.kind == Kind::Period {
                    Kind::Period
                } else {
                    Kind::Number
                };
                let ty = Type {
                    dim: l.ty.dim,
                    kind,
                    series: l.ty.series || r.ty.series,
                    uncertain: true,
                };
                let hint = l.hint.or(r.hint);
                Ok(Ir::new(
                    IrKind::Random(Random {
                        key: self.random_key(),
                        dist: Dist::Interval,
                        params: vec![l, r],
                    }),
                    ty,
                    hint,
                    op_span.join(span),
                )
                .with_span(span))
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne => {
                let equality = matches!(op, BinOp::Eq | BinOp::Ne);
                if l.ty.is_bool() != r.ty.is_bool()
                    || (!equality && l.ty.is_bool())
                    || l.ty.dim != r.ty.dim
                {
                    return Err(CheckError::UnitMismatch {
                        op: "compare",
                        symbol: op.symbol(),
                        left: self.ir_label(&l),
                        right: self.ir_label(&r),
                        lspan: l.span,
                        rspan: r.span,
                    }
                    .into());
                }
                let cmp = match op {
                    BinOp::Lt => Cmp::Lt,
                    BinOp::Le => Cmp::Le,
                    BinOp::Gt => Cmp::Gt,
                    BinOp::Ge => Cmp::Ge,
                    BinOp::Eq => Cmp::Eq,
                    _ => Cmp::Ne,
                };
                let ty = Type::BOOL
                    .shape_with(l.ty)
                    .shape_with(r.ty)
                    .with_kind(Kind::Bool);
                let ty = Type {
                    dim: Dim::NONE,
                    ..ty
                };
                Ok(Ir::new(
                    IrKind::Cmp(cmp, Box::new(l), Box::new(r)),
                    ty,
                    Hint::default(),
                    span,
                ))
            }
            _ => unreachable!("chains are lowered apart"),
        }
    }

    fn arity(&self, f: Builtin, n: usize, span: Span) -> R<()> {
        let info = f.info();
        if n < info.min_args || n > info.max_args {
            let want = if info.min_args == info.max_args {
                format!("{}", info.min_args)
            } else if info.max_args == usize::MAX {
                format!("at least {}", info.min_args)
            } else {
                format!("{} or {}", info.min_args, info.max_args)
            };
            let s = if want == "1" { "" } else { "s" };
            return Err(CheckError::BadArguments {
                func: info.name.into(),
                problem: format!("takes {want} argument{s}, found {n}"),
                span,
                help: Some(format!("`{}`", info.signature)),
            }
            .into());
        }
        Ok(())
    }

    fn bad(&self, f: Builtin, problem: impl Into<String>, span: Span, help: Option<&str>) -> Fail {
        Fail::Error(CheckError::BadArguments {
            func: f.name().into(),
            problem: problem.into(),
            span,
            help: help.map(str::to_string),
        })
    }

    fn call(&self, name: &str, fspan: Span, args: &[Expr], span: Span) -> R<Ir> {
        let Some(f) = Builtin::lookup(name) else {
            return Err(CheckError::UnknownFunction {
                name: name.to_string(),
                span: fspan,
                help: did_you_mean(name, super::vocab::BUILTINS.iter().map(|b| b.name)),
            }
            .into());
        };
        self.arity(f, args.len(), span)?;
        let mk = |args: Vec<Ir>, ty: Type, hint: Hint| {
            Ok(Ir::new(
                IrKind::Call {
                    f,
                    args,
                    range: None,
                },
                ty,
                hint,
                span,
            ))
        };
        let strip_period = |ty: Type| {
            if ty.kind == Kind::Period {
                ty.with_kind(Kind::Number)
            } else {
                ty
            }
        };
        match f {
            Builtin::Sum | Builtin::Avg | Builtin::Peak | Builtin::Trough => {
                let t = self.timeline(span)?;
                let x = self.expr(&args[0])?;
                self.need_number(&x)?;
                let range = match args.get(1) {
                    None => 0..t.len(),
                    Some(Expr {
                        kind: ExprKind::Range { start, end },
                        span: rspan,
                    }) => t
                        .range_of(start, end)
                        .map_err(|err| self.time_error(err, *rspan))?,
                    Some(Expr {
                        kind: ExprKind::Period(lit),
                        span: rspan,
                    }) => t.span_of(lit).map_err(|err| self.time_error(err, *rspan))?,
                    // A whole number is a year: `sum(x, 2026)`.
                    Some(Expr {
                        kind:
                            ExprKind::Number {
                                value,
                                percent: false,
                            },
                        span: rspan,
                    }) if value.fract() == 0.0 && value.abs() <= crate::time::MAX_YEAR as f64 => {
                        let lit = crate::time::PeriodLit::year(*value as i64, *rspan);
                        t.span_of(&lit)
                            .map_err(|err| self.time_error(err, *rspan))?
                    }
                    Some(other) => {
                        return Err(self.bad(
                            f,
                            "takes a range of periods or a year as its second argument",
                            other.span,
                            Some("write `sum(x, 2025..2027)` or `sum(x, 2026)`"),
                        ));
                    }
                };
                let mut ty = x.ty.scalar();
                if matches!(f, Builtin::Sum | Builtin::Avg) {
                    ty = strip_period(ty);
                }
                let hint = x.hint;
                Ok(Ir::new(
                    IrKind::Call {
                        f,
                        args: vec![x],
                        range: Some(range),
                    },
                    ty,
                    hint,
                    span,
                ))
            }
            Builtin::Cumsum | Builtin::Delta => {
                self.timeline(span)?;
                let x = self.expr(&args[0])?;
                self.need_number(&x)?;
                let ty = strip_period(x.ty).series();
                let hint = x.hint;
                mk(vec![x], ty, hint)
            }
            Builtin::Yoy => {
                self.timeline(span)?;
                let x = self.expr(&args[0])?;
                self.need_number(&x)?;
                let ty = Type {
                    dim: Dim::NONE,
                    kind: Kind::Percent,
                    series: true,
                    uncertain: x.ty.uncertain,
                };
                mk(vec![x], ty, Hint::default())
            }
            Builtin::Lag => {
                self.timeline(span)?;
                let x = self.expr(&args[0])?;
                let n = self.expr(&args[1])?;
                if !n.ty.is_plain() {
                    return Err(self.bad(f, "needs a whole number of periods", n.span, None));
                }
                self.need_certain_scalar(&n, "the number of periods", "write `lag(x, 1)`")?;
                let ty = x.ty.series();
                let hint = x.hint;
                mk(vec![x, n], ty, hint)
            }
            Builtin::Cagr => {
                self.timeline(span)?;
                let x = self.expr(&args[0])?;
                self.need_number(&x)?;
                let mut parts = vec![x];
                for a in &args[1..] {
                    let p = self.expr(a)?;
                    if !p.ty.is_plain() {
                        return Err(self.bad(
                            f,
                            "takes periods or years",
                            p.span,
                            Some("`cagr(x, 2024, 2030)`"),
                        ));
                    }
                    self.need_certain_scalar(
                        &p,
                        "a period",
                        "write a year: `cagr(x, 2024, 2030)`",
                    )?;
                    parts.push(p);
                }
                let ty = Type {
                    dim: Dim::NONE,
                    kind: Kind::Percent,
                    series: false,
                    uncertain: parts[0].ty.uncertain,
                };
                mk(parts, ty, Hint::default())
            }
            Builtin::Min | Builtin::Max => {
                let mut irs = Vec::with_capacity(args.len());
                for a in args {
                    let v = self.expr(a)?;
                    self.need_number(&v)?;
                    if let Some(first) = irs.first() {
                        self.same_dim("compare", f.name(), first, &v)?;
                    }
                    irs.push(v);
                }
                let mut ty = irs[0].ty;
                let mut hint = irs[0].hint;
                for v in &irs[1..] {
                    ty = ty.shape_with(v.ty);
                    if ty.kind != v.ty.kind {
                        ty.kind = Kind::Number;
                    }
                    hint = hint.or(v.hint);
                }
                mk(irs, ty, hint)
            }
            Builtin::Abs => {
                let x = self.expr(&args[0])?;
                self.need_number(&x)?;
                let ty = strip_period(x.ty);
                let hint = x.hint;
                mk(vec![x], ty, hint)
            }
            Builtin::Clamp => {
                let x = self.expr(&args[0])?;
                self.need_number(&x)?;
                let lo = self.expr(&args[1])?;
                let hi = self.expr(&args[2])?;
                self.same_dim("clamp", "clamp", &x, &lo)?;
                self.same_dim("clamp", "clamp", &x, &hi)?;
                let ty = x.ty.shape_with(lo.ty).shape_with(hi.ty);
                let hint = x.hint;
                mk(vec![x, lo, hi], ty, hint)
            }
            Builtin::Round | Builtin::Floor | Builtin::Ceil => {
                let x = self.expr(&args[0])?;
                self.need_number(&x)?;
                let mut irs = vec![];
                let mut ty = x.ty;
                if let Some(s) = args.get(1) {
                    let step = self.expr(s)?;
                    self.same_dim("round", f.name(), &x, &step)?;
                    ty = ty.shape_with(step.ty);
                    irs.push(step);
                } else if !x.ty.dim.is_none() {
                    return Err(self.bad(
                        f,
                        format!("of {} needs a step in its unit", self.ir_label(&x)),
                        x.span,
                        Some("write `round(x, 1 GW)`, or divide first: `round(x / 1 GW)`"),
                    ));
                }
                let hint = x.hint;
                irs.insert(0, x);
                mk(irs, ty, hint)
            }
            Builtin::Exp | Builtin::Ln => {
                let x = self.expr(&args[0])?;
                if !x.ty.is_plain() {
                    return Err(self.bad(
                        f,
                        format!("takes a plain number, found {}", self.ir_label(&x)),
                        x.span,
                        Some("divide by a unit first: `ln(x / 1 GW)`"),
                    ));
                }
                let ty = x.ty.with_kind(Kind::Number);
                mk(vec![x], ty, Hint::default())
            }
            Builtin::Npv => {
                self.timeline(span)?;
                let x = self.expr(&args[0])?;
                self.need_number(&x)?;
                let rate = self.expr(&args[1])?;
                if !rate.ty.is_plain() || rate.ty.series {
                    return Err(self.bad(
                        f,
                        "needs a yearly rate, a single percentage",
                        rate.span,
                        Some("`npv(spend, 8%)`"),
                    ));
                }
                let ty = x.ty.scalar().uncertain_if(rate.ty.uncertain);
                let hint = x.hint;
                mk(vec![x, rate], ty, hint)
            }
            Builtin::Share => {
                self.timeline(span)?;
                let name_of = |e: &Expr| -> R<Path> {
                    path(self.m, self.scope, e, self.own).map_err(Fail::Error)
                };
                let p = match name_of(&args[0]) {
                    Ok(Path::Sym(Sym::Provider(p))) => p,
                    _ => {
                        let n = self.m.source_name(&args[0]);
                        return Err(CheckError::NotAProvider {
                            help: did_you_mean(
                                &n,
                                self.m.providers.iter().map(|p| p.name.as_str()),
                            ),
                            name: n,
                            span: args[0].span,
                        }
                        .into());
                    }
                };
                let d = match args.get(1) {
                    None => None,
                    Some(a) => match name_of(a) {
                        Ok(Path::Sym(Sym::Demand(d))) => Some(d),
                        _ => {
                            let n = self.m.source_name(a);
                            return Err(CheckError::NotADemand {
                                help: did_you_mean(
                                    &n,
                                    self.m.demands.iter().map(|d| d.name.as_str()),
                                ),
                                name: n,
                                span: a.span,
                            }
                            .into());
                        }
                    },
                };
                if self.defs.broken[self.m.alloc_node] {
                    return Err(Fail::Broken);
                }
                let ty = Type {
                    dim: Dim::NONE,
                    kind: Kind::Percent,
                    series: true,
                    uncertain: self.defs.ty[self.m.alloc_node].uncertain,
                };
                Ok(Ir::new(IrKind::Share(p, d), ty, Hint::default(), span))
            }
            Builtin::Total => {
                if self.m.providers.is_empty() {
                    return Err(self.bad(f, "needs providers to sum over", span, None));
                }
                let mut terms: Vec<Ir> = Vec::with_capacity(self.m.providers.len());
                for p in 0..self.m.providers.len() {
                    let sub = Lowerer {
                        m: self.m,
                        defs: self.defs,
                        scope: self.scope,
                        own: self.own,
                        key: self.key,
                        counter: Cell::new(self.counter.get()),
                        provider: Some(p),
                    };
                    let t = sub.expr(&args[0])?;
                    self.need_number(&t)?;
                    if let Some(first) = terms.first()
                        && first.ty.dim != t.ty.dim
                    {
                        return Err(CheckError::UnitMismatch {
                            op: "add",
                            symbol: "total",
                            left: format!(
                                "{} for `{}`",
                                self.ir_label(first),
                                self.m.providers[0].name
                            ),
                            right: format!(
                                "{} for `{}`",
                                self.ir_label(&t),
                                self.m.providers[p].name
                            ),
                            lspan: args[0].span,
                            rspan: args[0].span,
                        }
                        .into());
                    }
                    terms.push(t);
                }
                let mut ty = terms[0].ty;
                for t in &terms[1..] {
                    ty = ty.shape_with(t.ty);
                }
                let hint = terms[0].hint;
                Ok(Ir::new(IrKind::Sum(terms), ty, hint, span))
            }
            Builtin::Mean | Builtin::Sd => {
                let x = self.expr(&args[0])?;
                self.need_number(&x)?;
                let ty = strip_period(x.ty).certain();
                let hint = x.hint;
                mk(vec![x], ty, hint)
            }
            Builtin::Percentile => {
                let x = self.expr(&args[0])?;
                self.need_number(&x)?;
                let p = self.expr(&args[1])?;
                if !p.ty.is_plain() {
                    return Err(self.bad(
                        f,
                        "needs a percentage between 0% and 100%",
                        p.span,
                        Some("write `percentile(x, 95%)`"),
                    ));
                }
                self.need_certain_scalar(&p, "the percentile", "write `percentile(x, 95%)`")?;
                if let Some(v) = self.const_value(&p)
                    && !(0.0..=1.0).contains(&v)
                {
                    return Err(self.bad(
                        f,
                        "needs a percentage between 0% and 100%",
                        p.span,
                        Some("write `percentile(x, 95%)`"),
                    ));
                }
                let ty = x.ty.certain();
                let hint = x.hint;
                mk(vec![x, p], ty, hint)
            }
            Builtin::Prob => {
                let c = self.expr(&args[0])?;
                if !c.ty.is_bool() {
                    return Err(CheckError::Type {
                        expected: "a condition (true/false)".into(),
                        found: self.ir_label(&c),
                        span: c.span,
                        help: Some(
                            "`prob` gives how likely a condition is: `prob(spend@2027 > $25B)`"
                                .into(),
                        ),
                    }
                    .into());
                }
                let ty = Type {
                    dim: Dim::NONE,
                    kind: Kind::Percent,
                    series: c.ty.series,
                    uncertain: false,
                };
                mk(vec![c], ty, Hint::default())
            }
            Builtin::Rankcorr => {
                let a = self.expr(&args[0])?;
                let b = self.expr(&args[1])?;
                self.need_number(&a)?;
                self.need_number(&b)?;
                let ty = Type {
                    dim: Dim::NONE,
                    kind: Kind::Number,
                    series: a.ty.series || b.ty.series,
                    uncertain: false,
                };
                mk(vec![a, b], ty, Hint::default())
            }
            Builtin::Normal
            | Builtin::Lognormal
            | Builtin::Uniform
            | Builtin::Triangular
            | Builtin::Pert => self.distribution(f, args, span),
        }
    }

    fn distribution(&self, f: Builtin, args: &[Expr], span: Span) -> R<Ir> {
        let names: &[&str] = match f {
            Builtin::Normal => &["mean", "sd"],
            Builtin::Lognormal => &["mu", "sigma"],
            Builtin::Uniform => &["low", "high"],
            _ => &["low", "mode", "high"],
        };
        let mut params = Vec::with_capacity(args.len());
        for (a, name) in args.iter().zip(names) {
            let v = self.expr(a)?;
            self.need_number(&v)?;
            if v.ty.series || v.ty.uncertain {
                return Err(CheckError::MustBeCertain {
                    what: format!("`{name}` of `{}`", f.name()),
                    found: v.ty.shape_text(),
                    help: "give each parameter as one plain, certain value".into(),
                    span: v.span,
                }
                .into());
            }
            if let Some(first) = params.first() {
                self.same_dim("mix", "parameters", first, &v)?;
            }
            params.push(v);
        }
        let first = &params[0];
        if f == Builtin::Lognormal && !first.ty.dim.is_none() {
            return Err(self.bad(
                f,
                "takes the mean and spread of the logarithm, plain numbers",
                first.span,
                Some("for a quantity with a unit write `a to b`, or multiply: `lognormal(0, 0.3) * 5 GW`"),
            ));
        }
        let consts: Vec<Option<f64>> = params.iter().map(|p| self.const_value(p)).collect();
        if let Some(problem) = distribution_problem(f, &consts) {
            let at = match f {
                Builtin::Normal | Builtin::Lognormal => params[1].span,
                _ => span,
            };
            let help = match f {
                Builtin::Normal => "sd is the spread: `normal(10 GW, 2 GW)`".to_string(),
                _ => format!("`{}`", f.info().example),
            };
            return Err(CheckError::InvalidDistribution {
                what: format!("`{}`", f.name()),
                problem: problem.to_string(),
                span: at,
                help,
            }
            .into());
        }
        let dist = match f {
            Builtin::Normal => Dist::Normal,
            Builtin::Lognormal => Dist::Lognormal,
            Builtin::Uniform => Dist::Uniform,
            Builtin::Triangular => Dist::Triangular,
            _ => Dist::Pert,
        };
        let kind = if first.ty.kind == Kind::Percent {
            Kind::Percent
        } else {
            Kind::Number
        };
        let ty = Type {
            dim: first.ty.dim,
            kind,
            series: false,
            uncertain: true,
        };
        let hint = first.hint;
        Ok(Ir::new(
            IrKind::Random(Random {
                key: self.random_key(),
                dist,
                params,
            }),
            ty,
            hint,
            span,
        ))
    }
}

/// What is wrong with a distribution's parameters, when they are known.
pub fn distribution_problem(f: Builtin, p: &[Option<f64>]) -> Option<&'static str> {
    let get = |i: usize| p.get(i).copied().flatten();
    match f {
        Builtin::Normal => get(1)
            .filter(|sd| *sd < 0.0)
            .map(|_| "needs a standard deviation of zero or more"),
        Builtin::Lognormal => get(1)
            .filter(|s| *s < 0.0)
            .map(|_| "needs sigma of zero or more"),
        Builtin::Uniform => match (get(0), get(1)) {
            (Some(a), Some(b)) if a >= b => Some("needs its low end below its high end"),
            _ => None,
        },
        _ => match (get(0), get(1), get(2)) {
            (Some(lo), Some(mode), Some(hi)) if !(lo < hi && lo <= mode && mode <= hi) => {
                Some("needs low < high and the mode between them")
            }
            _ => None,
        },
    }
}

impl Ir {
    fn with_span(mut self, span: Span) -> Ir {
        self.span = span;
        self
    }
}

impl Model {
    /// The text of a name expression, for messages (`x`, `cat.x`).
    pub fn source_name(&self, e: &Expr) -> String {
        match &e.kind {
            ExprKind::Name(n) => n.clone(),
            ExprKind::Field { base, field } => format!("{}.{}", self.source_name(base), field.name),
            _ => "this".into(),
        }
    }
}

pub fn unknown_unit(m: &Model, name: &str, span: Span) -> CheckError {
    let help = match name {
        "k" | "M" | "B" | "T" => Some(format!(
            "for a magnitude, write it right after the digits: `5{name}`; for money, `$5{name}`"
        )),
        "G" => Some("for a billion, write `5B`; for gigawatts, `5 GW`".into()),
        "pp" => Some(
            "`pp` (percentage points) is only a tolerance: `assert x == 75% within 2 pp`".into(),
        ),
        _ => {
            let user = m.unit_nodes().map(|(n, _)| n.to_string());
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
