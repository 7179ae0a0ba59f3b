//! Expression evaluation: each node of the AST becomes one whole-buffer
//! operation over years (and Monte Carlo samples); dimensions are checked as
//! values combine.

use super::World;
use super::error::EvalError;
use super::value::{Lanes, Value, map_buf, zip, zip_owned};
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
/// tolerance of the enclosing assert, and which lanes (years × samples) are
/// live — inside an `if` branch only the lanes that choose it can raise an
/// error.
pub struct Ctx<'a> {
    pub m: &'a Model,
    pub w: &'a World,
    pub tol: Tol,
    /// A true/false value: where it is false, errors are not raised.
    pub mask: Option<Value>,
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

    /// The same context with every lane live (for reductions over years).
    pub fn unmasked(&self) -> Ctx<'a> {
        Ctx {
            m: self.m,
            w: self.w,
            tol: self.tol,
            mask: None,
        }
    }

    fn with_mask(&self, mask: Value) -> Ctx<'a> {
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

    /// Whether buffer index `i` of a value shaped `(series, samples)` is in
    /// a live lane.
    pub fn live(&self, series: bool, samples: usize, i: usize) -> bool {
        let Some(m) = &self.mask else { return true };
        let rows = m.rows();
        let ys = match (series, m.series) {
            (true, true) => (i / samples)..(i / samples + 1),
            (false, true) => 0..rows,
            (_, false) => 0..1,
        };
        let ss = match (samples > 1, m.samples > 1) {
            (true, true) => (i % samples)..(i % samples + 1),
            (false, true) => 0..m.samples,
            (_, false) => 0..1,
        };
        ys.into_iter()
            .any(|y| ss.clone().any(|s| m.data[y * m.samples + s] != 0.0))
    }

    /// The year of buffer index `i` of a series, for messages.
    fn year_at(&self, series: bool, samples: usize, i: usize) -> Option<i64> {
        series.then(|| self.start() + (i / samples.max(1)) as i64)
    }

    pub fn need_timeline(&self, span: Span) -> R<usize> {
        match self.m.timeline {
            Some(_) => Ok(self.years()),
            None => Err(EvalError::NoTimeline { span }),
        }
    }

    /// Rejects NaN and infinities in live lanes (a `never` year is NaN by
    /// design and may be kept, but not computed with).
    pub fn finite(&self, v: Value, span: Span) -> R<Value> {
        if v.kind == Kind::Year {
            return Ok(v);
        }
        // The common case, every number finite, is one (parallel) pass.
        let all_finite = if v.data.len() >= super::value::PARALLEL_FROM {
            use rayon::prelude::*;
            v.data.par_iter().all(|x| x.is_finite())
        } else {
            v.data.iter().all(|x| x.is_finite())
        };
        if all_finite {
            return Ok(v);
        }
        if let Some(i) = v
            .data
            .iter()
            .enumerate()
            .position(|(i, x)| !x.is_finite() && self.live(v.series, v.samples, i))
        {
            return Err(EvalError::NotFinite {
                year: self.year_at(v.series, v.samples, i),
                span,
            });
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

    pub fn boolean(&self, v: &Value, span: Span) -> R<()> {
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
                        let data = map_buf(&v.data, |x| -x);
                        self.finite(
                            Value {
                                data: data.into(),
                                kind,
                                ..v
                            },
                            e.span,
                        )
                    }
                    UnOp::Not => {
                        self.boolean(&v, operand.span)?;
                        let data = map_buf(&v.data, |x| f64::from(x == 0.0));
                        Ok(Value {
                            data: data.into(),
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
                let l = self.eval(lhs)?;
                let r = self.eval(rhs)?;
                if *op == BinOp::To {
                    return super::random::interval(
                        self, l, r, lhs.span, rhs.span, *op_span, e.span,
                    );
                }
                self.binary(*op, l, r, lhs.span, rhs.span, e.span)
            }
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => self.if_(cond, then, otherwise),
            ExprKind::When(c) => {
                let v = self.unmasked().eval(c)?;
                self.boolean(&v, c.span)?;
                Ok(self.when(&v))
            }
            ExprKind::Keyframes { frames, fill } => {
                super::keyframes::fill(self, frames, *fill, e.span)
            }
        }
    }

    /// The first year in which `v` holds, per sample; NaN (`never`) if none.
    fn when(&self, v: &Value) -> Value {
        let first_year = self.m.timeline.map_or(f64::NAN, |t| t.0 as f64);
        let n = v.samples;
        let data = (0..n)
            .map(|s| {
                let rows = v.rows();
                match (0..rows).find(|&y| v.data[y * n + s] != 0.0) {
                    Some(y) if v.series => (self.start() + y as i64) as f64,
                    Some(_) => first_year,
                    None => f64::NAN,
                }
            })
            .collect();
        Value {
            dim: Dim::NONE,
            kind: Kind::Year,
            hint: Hint::default(),
            series: false,
            samples: n,
            data,
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
                let years = (0..y).map(|i| (s + i as i64) as f64).collect();
                Ok(Value::series(years, Dim::NONE).with_kind(Kind::Year))
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

    /// A year given as a value: a whole number inside the timeline. Returns
    /// its index.
    pub fn year_index(&self, y: &Value, span: Span) -> R<usize> {
        let yv = y.data[0];
        if y.series || y.is_uncertain() || !y.dim.is_none() || y.is_bool() || yv.fract() != 0.0 {
            return Err(EvalError::Type {
                expected: "a year".into(),
                found: if y.series {
                    "a series".into()
                } else if y.is_uncertain() {
                    "an uncertain value".into()
                } else {
                    self.label(y)
                },
                span,
                help: Some("write a year: `x@2027`".into()),
            });
        }
        let Some((start, end)) = self.m.timeline else {
            return Err(EvalError::NoTimeline { span });
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
                span,
                timeline: self.m.timeline_span,
            });
        }
        Ok((yv as i64 - start) as usize)
    }

    fn at(&self, base: &Expr, year: &Expr) -> R<Value> {
        let v = self.unmasked().eval(base)?;
        let y = self.unmasked().eval(year)?;
        let i = self.year_index(&y, year.span)?;
        if !v.series {
            return Ok(v);
        }
        Ok(Value {
            data: (v.year(i).to_vec()).into(),
            series: false,
            ..v
        })
    }

    fn if_(&self, cond: &Expr, then: &Expr, otherwise: &Expr) -> R<Value> {
        let c = self.eval(cond)?;
        self.boolean(&c, cond.span)?;
        let live = |v: Value| match &self.mask {
            None => v,
            Some(m) => {
                let l = zip(m, &v, |a, b| f64::from(a != 0.0 && b != 0.0));
                Value {
                    series: l.series,
                    samples: l.samples,
                    data: l.data.into(),
                    ..v
                }
            }
        };
        let negated = Value {
            data: map_buf(&c.data, |x| f64::from(x == 0.0)).into(),
            ..c.clone()
        };
        let a = self.with_mask(live(c.clone())).eval(then)?;
        let b = self.with_mask(live(negated)).eval(otherwise)?;
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
        if !c.series && !c.is_uncertain() {
            let chosen = if c.data[0] != 0.0 { a } else { b };
            return Ok(Value {
                kind,
                hint,
                ..chosen
            });
        }
        let out = super::value::select(&c, &a, &b);
        Ok(Value {
            dim: a.dim,
            kind,
            hint,
            series: out.series,
            samples: out.samples,
            data: out.data.into(),
        })
    }

    fn shaped(&self, l: Lanes, dim: Dim, kind: Kind, hint: Hint) -> Value {
        Value {
            dim,
            kind,
            hint,
            series: l.series,
            samples: l.samples,
            data: l.data.into(),
        }
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
                let out = if op == BinOp::And {
                    zip(&l, &r, |a, b| f64::from(a != 0.0 && b != 0.0))
                } else {
                    zip(&l, &r, |a, b| f64::from(a != 0.0 || b != 0.0))
                };
                Ok(self.shaped(out, Dim::NONE, Kind::Bool, Hint::default()))
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne => {
                let equality = matches!(op, BinOp::Eq | BinOp::Ne);
                if l.is_bool() != r.is_bool() || (!equality && l.is_bool()) || l.dim != r.dim {
                    return Err(mismatch("compare"));
                }
                let tol = self.tol;
                if let Some((_, d, tspan)) = tol.abs
                    && equality
                    && d != l.dim
                {
                    return Err(EvalError::Tolerance {
                        found: unit_label(d, Kind::Number, Hint::default(), &self.m.base_names),
                        expected: self.label(&l),
                        span: tspan,
                    });
                }
                // `never` (NaN) equals `never`, and nothing else.
                let close = move |a: f64, b: f64| match tol.abs {
                    _ if a.is_nan() || b.is_nan() => a.is_nan() && b.is_nan(),
                    Some((t, _, _)) => (a - b).abs() <= t,
                    None => a == b || (a - b).abs() <= tol.rel * a.abs().max(b.abs()),
                };
                let out = match op {
                    BinOp::Lt => zip(&l, &r, |a, b| f64::from(a < b)),
                    BinOp::Le => zip(&l, &r, |a, b| f64::from(a <= b)),
                    BinOp::Gt => zip(&l, &r, |a, b| f64::from(a > b)),
                    BinOp::Ge => zip(&l, &r, |a, b| f64::from(a >= b)),
                    BinOp::Eq => zip(&l, &r, move |a, b| f64::from(close(a, b))),
                    _ => zip(&l, &r, move |a, b| f64::from(!close(a, b))),
                };
                Ok(self.shaped(out, Dim::NONE, Kind::Bool, Hint::default()))
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
                let (dim, hint) = (l.dim, l.hint.or(r.hint));
                let out = if op == BinOp::Add {
                    zip_owned(l, r, |a, b| a + b)
                } else {
                    zip_owned(l, r, |a, b| a - b)
                };
                let v = self.shaped(out, dim, kind, hint);
                self.finite_arith(v, span)
            }
            BinOp::Mul | BinOp::Div => {
                self.number(&l, lspan)?;
                self.number(&r, rspan)?;
                let dim = if op == BinOp::Mul {
                    l.dim.times(r.dim)
                } else {
                    l.dim.per(r.dim)
                };
                let Some(dim) = dim else {
                    return Err(EvalError::NotSupported {
                        what: "a unit with an exponent this large".into(),
                        help: "exponents of units are limited to ±127".into(),
                        span,
                    });
                };
                if op == BinOp::Div
                    && let Some(i) = r
                        .data
                        .iter()
                        .enumerate()
                        .position(|(i, x)| *x == 0.0 && self.live(r.series, r.samples, i))
                {
                    return Err(EvalError::DivisionByZero {
                        year: self.year_at(r.series, r.samples, i),
                        span: rspan,
                    });
                }
                let percent = dim.is_none()
                    && (l.kind == Kind::Percent || (op == BinOp::Mul && r.kind == Kind::Percent));
                let kind = if percent { Kind::Percent } else { Kind::Number };
                let hint = l.hint.or(r.hint);
                let out = if op == BinOp::Mul {
                    zip_owned(l, r, |a, b| a * b)
                } else {
                    zip_owned(l, r, |a, b| a / b)
                };
                let v = self.shaped(out, dim, kind, hint);
                self.finite_arith(v, span)
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
                    let uniform = r.data.iter().all(|&x| x == k);
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
                // Whole-number certain exponents (`(1 + g) ^ (year - 2024)`)
                // take the much cheaper `powi`.
                let whole =
                    !r.is_uncertain() && r.data.iter().all(|&k| k.fract() == 0.0 && k.abs() <= 1e6);
                let out = if whole {
                    zip(&l, &r, |a, b| a.powi(b as i32))
                } else {
                    zip(&l, &r, f64::powf)
                };
                let v = self.shaped(out, dim, kind, l.hint);
                self.finite_arith(v, span)
            }
            BinOp::To => unreachable!("handled by the caller"),
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
