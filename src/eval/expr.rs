//! Evaluating lowered expressions: each IR node becomes one whole-buffer
//! operation over periods (and Monte Carlo samples). The types are trusted:
//! nothing here checks a dimension; what can only go wrong with numbers —
//! a division by zero, a non-finite result — is checked as values combine.

use super::World;
use super::error::EvalError;
use super::value::{Lanes, Meta, Shape, Value, map_owned, zip, zip_owned};
use crate::check::Model;
use crate::check::ir::{At, ChainOp, Cmp, Ir, IrKind};
use crate::check::vocab::TimeName;
use crate::span::Span;
use crate::units::format::Kind;

pub type R<T> = Result<T, EvalError>;

/// How `==` and `!=` compare: within a relative tolerance, or an absolute
/// one (in SI units, or percentage points for a `pp` tolerance).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tol {
    pub rel: f64,
    pub abs: f64,
}

impl Default for Tol {
    fn default() -> Self {
        Tol {
            rel: 1e-9,
            abs: 0.0,
        }
    }
}

impl Tol {
    /// Whether two numbers are equal under this tolerance. `never` (+∞)
    /// equals only `never`; nothing non-finite is ever close to a number.
    #[inline]
    pub fn close(self, a: f64, b: f64) -> bool {
        if a == b {
            return true;
        }
        if !a.is_finite() || !b.is_finite() {
            return false;
        }
        (a - b).abs() <= self.abs.max(self.rel * a.abs().max(b.abs()))
    }
}

/// Everything an expression needs: the model, one scenario's values, the
/// tolerance of the enclosing assert, and which lanes (periods × samples)
/// are live — inside an `if` branch only the lanes that choose it can raise
/// an error.
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

    /// The same context with every lane live (for reductions over periods).
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

    pub fn periods(&self) -> usize {
        self.m.periods()
    }

    /// How period `i` is written, for messages.
    pub fn period_label(&self, i: usize) -> String {
        self.m
            .timeline
            .map_or_else(|| i.to_string(), |t| t.label(i))
    }

    /// Whether buffer index `i` of a value shaped `shape` is in a live lane.
    pub fn live(&self, shape: Shape, i: usize) -> bool {
        let Some(m) = &self.mask else { return true };
        let samples = shape.samples.max(1);
        let rows = m.rows();
        let ys = match (shape.series, m.is_series()) {
            (true, true) => (i / samples)..(i / samples + 1),
            (false, true) => 0..rows,
            (_, false) => 0..1,
        };
        let ss = match (samples > 1, m.samples() > 1) {
            (true, true) => (i % samples)..(i % samples + 1),
            (false, true) => 0..m.samples(),
            (_, false) => 0..1,
        };
        let md = m.data();
        ys.into_iter()
            .any(|y| ss.clone().any(|s| md[y * m.samples() + s] != 0.0))
    }

    /// The period of buffer index `i` of a series, for messages.
    fn period_at(&self, shape: Shape, i: usize) -> Option<String> {
        shape
            .series
            .then(|| self.period_label(i / shape.samples.max(1)))
    }

    /// Rejects NaN and infinities in live lanes.
    pub fn finite(&self, v: Value, span: Span, help: &str) -> R<Value> {
        let d = v.data();
        let all = if d.len() >= super::value::PARALLEL_FROM {
            use rayon::prelude::*;
            d.par_iter().all(|x| x.is_finite())
        } else {
            d.iter().all(|x| x.is_finite())
        };
        if all {
            return Ok(v);
        }
        if let Some(i) = d
            .iter()
            .enumerate()
            .position(|(i, x)| !x.is_finite() && self.live(v.shape(), i))
        {
            return Err(EvalError::NotFinite {
                period: self.period_at(v.shape(), i),
                help: help.to_string(),
                span,
            });
        }
        Ok(v)
    }

    fn value(&self, ir: &Ir, l: Lanes) -> Value {
        Value::from_rows(
            Meta::of(ir.ty, ir.hint),
            l.shape.series,
            l.shape.samples,
            l.data,
        )
    }

    /// A node's value; one that failed shows as `Skipped`.
    pub fn node(&self, id: usize) -> R<Value> {
        self.w.value(self.m, id)
    }

    pub fn eval(&self, e: &Ir) -> R<Value> {
        if crate::files::CANCELLED.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(EvalError::Cancelled);
        }
        let meta = Meta::of(e.ty, e.hint);
        match &e.kind {
            IrKind::Const(v) => Ok(Value::scalar(*v, meta)),
            IrKind::Node(id) => Ok(self.node(*id)?.with_meta(meta)),
            IrKind::Time(t) => {
                let tl = self
                    .m
                    .timeline
                    .unwrap_or_else(|| crate::time::Timeline::yearly(0, -1));
                Ok(match t {
                    TimeName::Year => {
                        Value::series((0..tl.len()).map(|i| tl.year_of(i) as f64).collect(), meta)
                    }
                    TimeName::Period => {
                        Value::series((0..tl.len()).map(|i| tl.value_of(i)).collect(), meta)
                    }
                    TimeName::Dt => Value::scalar(tl.dt(), meta),
                })
            }
            IrKind::Provider(p, read) => super::alloc::provider_read(self, *p, *read, meta),
            IrKind::Demand(d, f) => super::alloc::demand_read(self, *d, *f, meta),
            IrKind::Share(p, d) => super::alloc::share(self, *p, *d, meta),
            IrKind::Neg(a) => {
                let v = self.eval(a)?;
                let l = map_owned(v, |x| -x);
                self.finite(self.value(e, l), e.span, "a value overflowed")
            }
            IrKind::Not(a) => {
                let v = self.eval(a)?;
                let l = map_owned(v, |x| f64::from(x == 0.0));
                Ok(self.value(e, l))
            }
            IrKind::Chain(first, rest) => self.chain(e, first, rest),
            IrKind::Pow(a, b) => {
                let x = self.eval(a)?;
                let k = self.eval(b)?;
                // Whole, certain exponents (`(1 + g) ^ (year - 2024)`) take
                // the much cheaper `powi`.
                let whole = !k.is_uncertain()
                    && k.data().iter().all(|&n| n.fract() == 0.0 && n.abs() <= 1e6);
                let l = if whole {
                    zip_owned(x, k, |a, b| a.powi(b as i32))
                } else {
                    zip_owned(x, k, f64::powf)
                };
                self.finite(
                    self.value(e, l),
                    e.span,
                    "a power overflowed, or a negative number was raised to a fraction",
                )
            }
            IrKind::Cmp(op, a, b) => {
                let l = self.eval(a)?;
                let r = self.eval(b)?;
                let tol = self.tol;
                let out = match op {
                    Cmp::Lt => zip(&l, &r, |a, b| f64::from(a < b)),
                    Cmp::Le => zip(&l, &r, |a, b| f64::from(a <= b)),
                    Cmp::Gt => zip(&l, &r, |a, b| f64::from(a > b)),
                    Cmp::Ge => zip(&l, &r, |a, b| f64::from(a >= b)),
                    Cmp::Eq => zip(&l, &r, move |a, b| f64::from(tol.close(a, b))),
                    Cmp::Ne => zip(&l, &r, move |a, b| f64::from(!tol.close(a, b))),
                };
                Ok(self.value(e, out))
            }
            IrKind::If(c, a, b) => self.if_(e, c, a, b),
            IrKind::When(c) => {
                let v = self.unmasked().eval(c)?;
                Ok(self.when(&v, meta))
            }
            IrKind::At(base, at) => self.at(base, at, meta),
            IrKind::Call { f, args, range } => {
                super::functions::call(self, e, *f, args, range.clone())
            }
            IrKind::Keyframes(frames, fill) => super::keyframes::fill(self, frames, *fill, e),
            IrKind::Random(r) => super::random::draw_input(self, r, e),
            IrKind::Sum(terms) => {
                let mut acc: Option<Value> = None;
                for t in terms {
                    let v = self.eval(t)?;
                    acc = Some(match acc {
                        None => v.with_meta(meta),
                        Some(a) => self.value(e, zip_owned(a, v, |x, y| x + y)),
                    });
                }
                let v = acc.unwrap_or_else(|| Value::scalar(0.0, meta));
                self.finite(v, e.span, "the total overflowed")
            }
        }
    }

    fn chain(&self, e: &Ir, first: &Ir, rest: &[(ChainOp, Ir)]) -> R<Value> {
        let mut acc = self.eval(first)?;
        for (op, x) in rest {
            let r = self.eval(x)?;
            if *op == ChainOp::Div
                && let Some(i) = r
                    .data()
                    .iter()
                    .enumerate()
                    .position(|(i, v)| *v == 0.0 && self.live(r.shape(), i))
            {
                return Err(EvalError::DivisionByZero {
                    period: self.period_at(r.shape(), i),
                    span: x.span,
                });
            }
            let l = match op {
                ChainOp::Add => zip_owned(acc, r, |a, b| a + b),
                ChainOp::Sub => zip_owned(acc, r, |a, b| a - b),
                ChainOp::Mul => zip_owned(acc, r, |a, b| a * b),
                ChainOp::Div => zip_owned(acc, r, |a, b| a / b),
                ChainOp::And => zip_owned(acc, r, |a, b| f64::from(a != 0.0 && b != 0.0)),
                ChainOp::Or => zip_owned(acc, r, |a, b| f64::from(a != 0.0 || b != 0.0)),
            };
            acc = self.value(e, l);
            if !matches!(op, ChainOp::And | ChainOp::Or) {
                let help = if first.ty.kind == Kind::Period || x.ty.kind == Kind::Period {
                    "a value overflowed, or a `never` period was used in arithmetic"
                } else {
                    "a value overflowed"
                };
                acc = self.finite(acc, e.span, help)?;
            }
        }
        Ok(acc)
    }

    /// The first period in which `v` holds, per sample; `never` (+∞) if none.
    fn when(&self, v: &Value, meta: Meta) -> Value {
        let tl = self
            .m
            .timeline
            .unwrap_or_else(|| crate::time::Timeline::yearly(0, -1));
        let n = v.samples();
        let rows = v.rows();
        let d = v.data();
        let data: Vec<f64> = (0..n)
            .map(|s| match (0..rows).find(|&y| d[y * n + s] != 0.0) {
                Some(y) if v.is_series() => tl.value_of(y),
                Some(_) if !tl.is_empty() => tl.value_of(0),
                _ => f64::INFINITY,
            })
            .collect();
        Value::from_rows(meta, false, n, data)
    }

    /// The index of the period a value names (`x@(when c)`), per sample.
    pub fn period_index(&self, v: f64, span: Span) -> R<usize> {
        let tl = self
            .m
            .timeline
            .unwrap_or_else(|| crate::time::Timeline::yearly(0, -1));
        if v.is_infinite() && v > 0.0 {
            return Err(EvalError::Never { span });
        }
        tl.index_of_value(v).map_err(|err| match err {
            crate::time::TimeError::NotAPeriod => EvalError::NotAPeriod {
                name: "this".into(),
                expected: format!("a {}", tl.step.noun()),
                found: crate::units::format::fmt_sig(v, 8, true),
                help: "read a whole period: `x@2027`".into(),
                span,
            },
            _ => EvalError::Outside {
                what: tl.format_value(v),
                range: tl.range_text(),
                span,
                timeline: tl.span,
            },
        })
    }

    fn at(&self, base: &Ir, at: &At, meta: Meta) -> R<Value> {
        let v = self.unmasked().eval(base)?;
        match at {
            At::Index(i) => {
                if !v.is_series() {
                    return Ok(v.with_meta(meta));
                }
                let n = v.samples();
                Ok(Value::from_rows(meta, false, n, v.row(*i).to_vec()))
            }
            At::Value(a) => {
                let p = self.unmasked().eval(a)?;
                if !p.is_uncertain() {
                    let i = self.period_index(p.data()[0], a.span)?;
                    if !v.is_series() {
                        return Ok(v.with_meta(meta));
                    }
                    let n = v.samples();
                    return Ok(Value::from_rows(meta, false, n, v.row(i).to_vec()));
                }
                // A period per sample: each sample reads its own period.
                let n = p.samples();
                let mut out = Vec::with_capacity(n);
                for s in 0..n {
                    let i = self.period_index(p.data()[s], a.span)?;
                    let row = v.row(if v.is_series() { i } else { 0 });
                    out.push(if row.len() == 1 { row[0] } else { row[s] });
                }
                Ok(Value::from_rows(meta, false, n, out))
            }
        }
    }

    fn if_(&self, e: &Ir, cond: &Ir, then: &Ir, otherwise: &Ir) -> R<Value> {
        let c = self.eval(cond)?;
        if !c.is_series() && !c.is_uncertain() {
            let chosen = if c.data()[0] != 0.0 { then } else { otherwise };
            return Ok(self.eval(chosen)?.with_meta(Meta::of(e.ty, e.hint)));
        }
        let live = |v: Value| match &self.mask {
            None => v,
            Some(m) => {
                let l = zip(m, &v, |a, b| f64::from(a != 0.0 && b != 0.0));
                Value::from_rows(v.meta(), l.shape.series, l.shape.samples, l.data)
            }
        };
        let negated = {
            let l = zip(&c, &Value::scalar(0.0, Meta::NUMBER), |x, _| {
                f64::from(x == 0.0)
            });
            Value::from_rows(c.meta(), l.shape.series, l.shape.samples, l.data)
        };
        let a = self.with_mask(live(c.clone())).eval(then)?;
        let b = self.with_mask(live(negated)).eval(otherwise)?;
        let out = super::value::select(&c, &a, &b);
        Ok(self.value(e, out))
    }
}
