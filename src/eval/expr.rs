//! Expression evaluation: each node of the AST becomes one whole-buffer
//! operation over the years; dimensions are checked as values combine.

use super::World;
use super::error::EvalError;
use super::value::{Value, zip};
use crate::check::{Model, Sym};
use crate::span::Span;
use crate::syntax::ast::*;
use crate::units::format::{Hint, Kind};
use crate::units::{Dim, unit_label};

pub type R<T> = Result<T, EvalError>;

/// How `==` and `!=` compare: relative tolerance, or an absolute one in SI.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tol {
    pub rel: f64,
    pub abs: Option<(f64, Dim, Span)>,
}

impl Default for Tol {
    fn default() -> Self {
        Tol {
            rel: 1e-9,
            abs: None,
        }
    }
}

/// Everything an expression needs: the model, one scenario's values, the
/// tolerance of the enclosing assert, and which years are live (inside an
/// `if` branch only the years that choose it can raise an error).
pub struct Ctx<'a> {
    pub m: &'a Model,
    pub w: &'a World,
    pub tol: Tol,
    pub mask: Option<Vec<bool>>,
}

impl<'a> Ctx<'a> {
    pub fn new(m: &'a Model, w: &'a World) -> Ctx<'a> {
        Ctx {
            m,
            w,
            tol: Tol::default(),
            mask: None,
        }
    }

    /// The same context with every year live (for reductions over years).
    pub fn unmasked(&self) -> Ctx<'a> {
        Ctx {
            m: self.m,
            w: self.w,
            tol: self.tol,
            mask: None,
        }
    }

    fn with_mask(&self, mask: Vec<bool>) -> Ctx<'a> {
        Ctx {
            m: self.m,
            w: self.w,
            tol: self.tol,
            mask: Some(mask),
        }
    }

    pub fn start(&self) -> i64 {
        self.m.timeline.map_or(0, |t| t.0)
    }

    pub fn years(&self) -> usize {
        self.m.years()
    }

    pub fn label(&self, v: &Value) -> String {
        unit_label(v.dim, v.kind, v.hint, &self.m.base_names)
    }

    pub fn live(&self, i: usize) -> bool {
        self.mask
            .as_ref()
            .is_none_or(|m| m.get(i).copied().unwrap_or(true))
    }

    fn any_live(&self) -> bool {
        self.mask.as_ref().is_none_or(|m| m.iter().any(|&b| b))
    }

    /// The year of buffer index `i` when `series`, for messages.
    fn year_at(&self, series: bool, i: usize) -> Option<i64> {
        series.then(|| self.start() + i as i64)
    }

    pub fn need_timeline(&self, span: Span) -> R<usize> {
        match self.m.timeline {
            Some(_) => Ok(self.years()),
            None => Err(EvalError::NoTimeline { span }),
        }
    }

    /// Rejects NaN and infinities in live years (a `never` year is NaN by
    /// design and may be kept, but not computed with).
    pub fn finite(&self, v: Value, span: Span) -> R<Value> {
        if v.kind == Kind::Year {
            return Ok(v);
        }
        for (i, x) in v.data.iter().enumerate() {
            let live = if v.series {
                self.live(i)
            } else {
                self.any_live()
            };
            if !x.is_finite() && live {
                return Err(EvalError::NotFinite {
                    year: self.year_at(v.series, i),
                    span,
                });
            }
        }
        Ok(v)
    }

    pub fn number(&self, v: &Value, span: Span) -> R<()> {
        if v.is_bool() {
            return Err(EvalError::Type {
                expected: "a number".into(),
                found: "a true/false value".into(),
                span,
                help: None,
            });
        }
        Ok(())
    }

    fn boolean(&self, v: &Value, span: Span) -> R<()> {
        if !v.is_bool() {
            return Err(EvalError::Type {
                expected: "a condition (true/false)".into(),
                found: self.label(v),
                span,
                help: Some("compare it with something: `x > 0 GW`".into()),
            });
        }
        Ok(())
    }

    pub fn eval(&self, e: &Expr) -> R<Value> {
        match &e.kind {
            ExprKind::Number { value, percent } => {
                Ok(Value::scalar(*value, Dim::NONE).with_kind(if *percent {
                    Kind::Percent
                } else {
                    Kind::Number
                }))
            }
            ExprKind::Money(v) | ExprKind::MoneyUnit(v) => {
                Ok(Value::scalar(*v, Dim::base(crate::units::dim::MONEY)))
            }
            ExprKind::WithUnit { value, unit } => {
                let v = self.eval(value)?;
                let u = self.unit_value(&unit.name, unit.span)?;
                let out = Value::scalar(v.data[0] * u.data[0], u.dim).with_hint(u.hint);
                self.finite(out, e.span)
            }
            ExprKind::Name(n) => self.name(n, e.span),
            ExprKind::String(_) => Err(EvalError::Type {
                expected: "a number".into(),
                found: "a title (a string)".into(),
                span: e.span,
                help: Some("strings are only used as display titles, after a name".into()),
            }),
            ExprKind::Never => Ok(Value::scalar(f64::NAN, Dim::NONE).with_kind(Kind::Year)),
            ExprKind::Field { base, field } => self.field(base, field, e.span),
            ExprKind::Call { func, args } => super::functions::call(self, func, args, e.span),
            ExprKind::Range { .. } => Err(EvalError::Type {
                expected: "a value".into(),
                found: "a year range".into(),
                span: e.span,
                help: Some(
                    "a year range is an argument of `sum`, `avg`, `peak` and `trough`".into(),
                ),
            }),
            ExprKind::At { base, year } => self.at(base, year),
            ExprKind::Unary { op, operand } => {
                let v = self.eval(operand)?;
                match op {
                    UnOp::Neg => {
                        self.number(&v, operand.span)?;
                        let kind = if v.kind == Kind::Year {
                            Kind::Number
                        } else {
                            v.kind
                        };
                        let out = Value {
                            data: v.data.iter().map(|x| -x).collect(),
                            kind,
                            ..v
                        };
                        self.finite(out, e.span)
                    }
                    UnOp::Not => {
                        self.boolean(&v, operand.span)?;
                        Ok(Value {
                            data: v.data.iter().map(|&x| f64::from(x == 0.0)).collect(),
                            ..v
                        })
                    }
                }
            }
            ExprKind::Binary {
                op,
                lhs,
                rhs,
                op_span,
            } => {
                if *op == BinOp::To {
                    return Err(EvalError::NotSupported {
                        what: "an uncertain range (`a to b`)".into(),
                        help: "uncertain values need Monte Carlo evaluation, which is not built yet; use a single estimate".into(),
                        span: *op_span,
                    });
                }
                let l = self.eval(lhs)?;
                let r = self.eval(rhs)?;
                self.binary(*op, l, r, lhs.span, rhs.span, e.span)
            }
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => self.if_(cond, then, otherwise, e.span),
            ExprKind::When(c) => {
                let v = self.unmasked().eval(c)?;
                self.boolean(&v, c.span)?;
                let first = v.data.iter().position(|&x| x != 0.0);
                let year = match (first, v.series) {
                    (Some(i), true) => (self.start() + i as i64) as f64,
                    (Some(_), false) => self.m.timeline.map_or(f64::NAN, |t| t.0 as f64),
                    (None, _) => f64::NAN,
                };
                Ok(Value::scalar(year, Dim::NONE).with_kind(Kind::Year))
            }
            ExprKind::Keyframes { frames, fill } => {
                super::keyframes::fill(self, frames, *fill, e.span)
            }
        }
    }

    /// The value of a unit name: built-in (`GW`) or declared (`unit gpu`).
    pub fn unit_value(&self, name: &str, span: Span) -> R<Value> {
        if let Some(Sym::Node(id)) = self.m.names.get(name) {
            return self.w.value(*id);
        }
        match crate::units::builtin(name) {
            Some((f, d)) => Ok(Value::scalar(f, d).with_hint(Hint::from_unit(name))),
            None => Err(EvalError::Type {
                expected: "a unit".into(),
                found: format!("`{name}`"),
                span,
                help: None,
            }),
        }
    }

    fn name(&self, n: &str, span: Span) -> R<Value> {
        match self.m.lookup(n) {
            Some(Sym::Node(id)) => self.w.value(id),
            Some(Sym::Demand(d)) => self.w.value(self.m.demands[d].node),
            Some(Sym::Year) => {
                let y = self.need_timeline(span)?;
                let s = self.start();
                Ok(
                    Value::series((0..y).map(|i| (s + i as i64) as f64).collect(), Dim::NONE)
                        .with_kind(Kind::Year),
                )
            }
            Some(Sym::BuiltinUnit(..)) => self.unit_value(n, span),
            Some(Sym::Provider(_)) | None => Err(EvalError::Skipped),
        }
    }

    fn field(&self, base: &Expr, field: &Ident, span: Span) -> R<Value> {
        let ExprKind::Name(bn) = &base.kind else {
            return Err(EvalError::Skipped);
        };
        match self.m.lookup(bn) {
            Some(Sym::Provider(p)) => super::allocate::provider_field(self, p, &field.name, span),
            Some(Sym::Demand(d)) => super::allocate::demand_field(self, d, &field.name),
            _ => Err(EvalError::Skipped),
        }
    }

    fn at(&self, base: &Expr, year: &Expr) -> R<Value> {
        let v = self.unmasked().eval(base)?;
        let y = self.unmasked().eval(year)?;
        let yv = y.data[0];
        if y.series || !y.dim.is_none() || y.is_bool() || yv.fract() != 0.0 {
            return Err(EvalError::Type {
                expected: "a year".into(),
                found: if y.series {
                    "a series".into()
                } else {
                    self.label(&y)
                },
                span: year.span,
                help: Some("write a year: `x@2027`".into()),
            });
        }
        let Some((start, end)) = self.m.timeline else {
            return Err(EvalError::NoTimeline { span: year.span });
        };
        if yv.is_nan() || (yv as i64) < start || (yv as i64) > end {
            return Err(EvalError::YearOutside {
                year: if yv.is_nan() {
                    "never".into()
                } else {
                    format!("{yv}")
                },
                start,
                end,
                span: year.span,
                timeline: self.m.timeline_span,
            });
        }
        if !v.series {
            return Ok(v);
        }
        let i = (yv as i64 - start) as usize;
        Ok(Value {
            data: vec![v.data[i]],
            series: false,
            ..v
        })
    }

    fn if_(&self, cond: &Expr, then: &Expr, otherwise: &Expr, span: Span) -> R<Value> {
        let c = self.eval(cond)?;
        self.boolean(&c, cond.span)?;
        let years = self.years();
        let live = |i: usize| self.live(i);
        let (tmask, emask): (Vec<bool>, Vec<bool>) = if c.series {
            (0..years)
                .map(|i| (live(i) && c.data[i] != 0.0, live(i) && c.data[i] == 0.0))
                .unzip()
        } else {
            let t = c.data[0] != 0.0;
            (0..years.max(1))
                .map(|i| (live(i) && t, live(i) && !t))
                .unzip()
        };
        let a = self.with_mask(tmask).eval(then)?;
        let b = self.with_mask(emask).eval(otherwise)?;
        if a.dim != b.dim || a.is_bool() != b.is_bool() {
            return Err(EvalError::UnitMismatch {
                op: "choose between",
                symbol: "if … then … else",
                left: self.label(&a),
                right: self.label(&b),
                lspan: then.span,
                rspan: otherwise.span,
            });
        }
        let kind = if a.kind == b.kind {
            a.kind
        } else {
            Kind::Number
        };
        let hint = a.hint.or(b.hint);
        if !c.series {
            let chosen = if c.data[0] != 0.0 { a } else { b };
            return Ok(Value {
                kind,
                hint,
                ..chosen
            });
        }
        let data = (0..years)
            .map(|i| if c.data[i] != 0.0 { a.at(i) } else { b.at(i) })
            .collect();
        let _ = span;
        Ok(Value {
            dim: a.dim,
            kind,
            hint,
            series: true,
            data,
        })
    }

    pub fn binary(
        &self,
        op: BinOp,
        l: Value,
        r: Value,
        lspan: Span,
        rspan: Span,
        span: Span,
    ) -> R<Value> {
        let mismatch = |what: &'static str| EvalError::UnitMismatch {
            op: what,
            symbol: op.symbol(),
            left: self.label(&l),
            right: self.label(&r),
            lspan,
            rspan,
        };
        match op {
            BinOp::And | BinOp::Or => {
                self.boolean(&l, lspan)?;
                self.boolean(&r, rspan)?;
                let (series, data) = zip(&l, &r, |a, b| {
                    f64::from(if op == BinOp::And {
                        a != 0.0 && b != 0.0
                    } else {
                        a != 0.0 || b != 0.0
                    })
                });
                Ok(Value {
                    dim: Dim::NONE,
                    kind: Kind::Bool,
                    hint: Hint::default(),
                    series,
                    data,
                })
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne => {
                let equality = matches!(op, BinOp::Eq | BinOp::Ne);
                if l.is_bool() != r.is_bool() || (!equality && l.is_bool()) {
                    return Err(mismatch("compare"));
                }
                if l.dim != r.dim {
                    return Err(mismatch("compare"));
                }
                let tol = self.tol;
                if let Some((_, d, tspan)) = tol.abs {
                    if equality && d != l.dim {
                        return Err(EvalError::Tolerance {
                            found: unit_label(d, Kind::Number, Hint::default(), &self.m.base_names),
                            expected: self.label(&l),
                            span: tspan,
                        });
                    }
                }
                // `never` (NaN) equals `never`, and nothing else.
                let close = |a: f64, b: f64| match tol.abs {
                    _ if a.is_nan() || b.is_nan() => a.is_nan() && b.is_nan(),
                    Some((t, _, _)) => (a - b).abs() <= t,
                    None => a == b || (a - b).abs() <= tol.rel * a.abs().max(b.abs()),
                };
                let (series, data) = zip(&l, &r, |a, b| {
                    f64::from(match op {
                        BinOp::Lt => a < b,
                        BinOp::Le => a <= b,
                        BinOp::Gt => a > b,
                        BinOp::Ge => a >= b,
                        BinOp::Eq => close(a, b),
                        _ => !close(a, b),
                    })
                });
                Ok(Value {
                    dim: Dim::NONE,
                    kind: Kind::Bool,
                    hint: Hint::default(),
                    series,
                    data,
                })
            }
            BinOp::Add | BinOp::Sub => {
                self.number(&l, lspan)?;
                self.number(&r, rspan)?;
                if l.dim != r.dim {
                    return Err(mismatch(if op == BinOp::Add { "add" } else { "subtract" }));
                }
                let kind = match (l.kind, r.kind) {
                    (Kind::Year, Kind::Year) if op == BinOp::Sub => Kind::Number,
                    (Kind::Year, _) | (_, Kind::Year) => Kind::Year,
                    (Kind::Percent, _) | (_, Kind::Percent) => Kind::Percent,
                    _ => Kind::Number,
                };
                let (series, data) = if op == BinOp::Add {
                    zip(&l, &r, |a, b| a + b)
                } else {
                    zip(&l, &r, |a, b| a - b)
                };
                let out = Value {
                    dim: l.dim,
                    kind,
                    hint: l.hint.or(r.hint),
                    series,
                    data,
                };
                self.finite_arith(out, span)
            }
            BinOp::Mul | BinOp::Div => {
                self.number(&l, lspan)?;
                self.number(&r, rspan)?;
                let dim = if op == BinOp::Mul {
                    l.dim.mul(r.dim)
                } else {
                    l.dim.div(r.dim)
                };
                let Some(dim) = dim else {
                    return Err(EvalError::NotSupported {
                        what: "a unit with an exponent this large".into(),
                        help: "exponents of units are limited to ±127".into(),
                        span,
                    });
                };
                if op == BinOp::Div {
                    for (i, x) in r.data.iter().enumerate() {
                        let live = if r.series {
                            self.live(i)
                        } else {
                            self.any_live()
                        };
                        if *x == 0.0 && live {
                            return Err(EvalError::DivisionByZero {
                                year: self.year_at(r.series, i),
                                span: rspan,
                            });
                        }
                    }
                }
                let percent = dim.is_none()
                    && (l.kind == Kind::Percent || (op == BinOp::Mul && r.kind == Kind::Percent));
                let kind = if percent { Kind::Percent } else { Kind::Number };
                let (series, data) = if op == BinOp::Mul {
                    zip(&l, &r, |a, b| a * b)
                } else {
                    zip(&l, &r, |a, b| a / b)
                };
                let out = Value {
                    dim,
                    kind,
                    hint: l.hint.or(r.hint),
                    series,
                    data,
                };
                self.finite_arith(out, span)
            }
            BinOp::Pow => {
                self.number(&l, lspan)?;
                self.number(&r, rspan)?;
                if !r.dim.is_none() {
                    return Err(EvalError::Type {
                        expected: "a plain number as the exponent".into(),
                        found: self.label(&r),
                        span: rspan,
                        help: None,
                    });
                }
                let dim = if l.dim.is_none() {
                    Dim::NONE
                } else {
                    let k = r.data[0];
                    let uniform = !r.series || r.data.iter().all(|&x| x == k);
                    let d = if !uniform {
                        None
                    } else if k.fract() == 0.0 && k.abs() <= 127.0 {
                        l.dim.powi(k as i32)
                    } else if k > 0.0 && (1.0 / k).fract().abs() < 1e-12 {
                        l.dim.root((1.0 / k).round() as i32)
                    } else {
                        None
                    };
                    match d {
                        Some(d) => d,
                        None => {
                            return Err(EvalError::Type {
                                expected:
                                    "a whole-number exponent (or 1/n) for a quantity with a unit"
                                        .into(),
                                found: format!("{k}"),
                                span: rspan,
                                help: Some(format!(
                                    "{} cannot be raised to this power",
                                    self.label(&l)
                                )),
                            });
                        }
                    }
                };
                let kind = if dim.is_none() && l.kind == Kind::Percent {
                    Kind::Percent
                } else {
                    Kind::Number
                };
                let (series, data) = zip(&l, &r, f64::powf);
                let out = Value {
                    dim,
                    kind,
                    hint: l.hint,
                    series,
                    data,
                };
                self.finite_arith(out, span)
            }
            BinOp::To => unreachable!("handled before evaluating operands"),
        }
    }

    /// Like [`finite`](Self::finite) but also for years: arithmetic on a
    /// `never` year is an error.
    fn finite_arith(&self, v: Value, span: Span) -> R<Value> {
        let kind = v.kind;
        let v = self.finite(
            Value {
                kind: Kind::Number,
                ..v
            },
            span,
        )?;
        Ok(Value { kind, ..v })
    }
}

impl World {
    /// A node's value; an error that was already reported shows as `Skipped`.
    pub fn value(&self, id: usize) -> R<Value> {
        match self.values.get(id) {
            Some(Some(v)) => Ok((**v).clone()),
            _ => Err(EvalError::Skipped),
        }
    }
}
