//! The built-in functions, evaluated: one arm per entry of the registry
//! (`check::vocab`), so a function without an evaluation does not compile.
//! Everything works per sample; the types were checked before.

use std::ops::Range;

use super::error::EvalError;
use super::expr::{Ctx, R};
use super::value::{Lanes, Meta, Value, map_owned, zip};
use crate::check::ir::Ir;
use crate::check::vocab::Builtin;

/// `f(periods_of_one_sample) -> results` applied to every sample of a
/// value spread over the timeline: the per-sample view of a series.
fn per_sample(
    x: &Value,
    periods: usize,
    out_rows: usize,
    mut f: impl FnMut(&[f64], &mut [f64]),
) -> Vec<f64> {
    let n = x.samples();
    let lanes = x.lanes(periods, n);
    let mut out = vec![0.0; out_rows * n];
    let mut col = vec![0.0; periods];
    let mut res = vec![0.0; out_rows];
    for s in 0..n {
        for y in 0..periods {
            col[y] = lanes[y * n + s];
        }
        f(&col, &mut res);
        for (r, v) in res.iter().enumerate() {
            out[r * n + s] = *v;
        }
    }
    out
}

fn bad(
    f: Builtin,
    problem: impl Into<String>,
    span: crate::span::Span,
    help: Option<&str>,
) -> EvalError {
    EvalError::BadArguments {
        func: f.name().into(),
        problem: problem.into(),
        span,
        help: help.map(str::to_string),
    }
}

/// A whole number given as a value (`lag(x, n)`).
fn whole(ctx: &Ctx, f: Builtin, e: &Ir, what: &str) -> R<i64> {
    let v = ctx.unmasked().eval(e)?;
    let x = v.data()[0];
    if x.fract() != 0.0 || !x.is_finite() || x.abs() > 1e9 {
        return Err(bad(f, format!("needs {what} here"), e.span, None));
    }
    Ok(x as i64)
}

pub fn call(ctx: &Ctx, e: &Ir, f: Builtin, args: &[Ir], range: Option<Range<usize>>) -> R<Value> {
    let meta = Meta::of(e.ty, e.hint);
    let periods = ctx.periods();
    let out = |l: Lanes| Value::from_rows(meta, l.shape.series, l.shape.samples, l.data);
    match f {
        Builtin::Sum | Builtin::Avg | Builtin::Peak | Builtin::Trough => {
            let x = ctx.unmasked().eval(&args[0])?;
            let r = range.unwrap_or(0..periods);
            let (init, op): (f64, fn(f64, f64) -> f64) = match f {
                Builtin::Sum | Builtin::Avg => (0.0, |a, b| a + b),
                Builtin::Peak => (f64::NEG_INFINITY, f64::max),
                _ => (f64::INFINITY, f64::min),
            };
            // Period by period into one accumulator per sample.
            let mut acc = vec![init; x.samples()];
            for y in r.clone() {
                let row = x.row(y);
                if row.len() == 1 {
                    acc.iter_mut().for_each(|a| *a = op(*a, row[0]));
                } else {
                    acc.iter_mut().zip(row).for_each(|(a, &v)| *a = op(*a, v));
                }
            }
            if f == Builtin::Avg {
                let n = r.len().max(1) as f64;
                acc.iter_mut().for_each(|a| *a /= n);
            }
            let v = Value::from_rows(meta, false, x.samples(), acc);
            if matches!(f, Builtin::Peak | Builtin::Trough) {
                return Ok(v);
            }
            ctx.finite(v, e.span, "the sum overflowed")
        }
        Builtin::Cumsum | Builtin::Delta | Builtin::Yoy => {
            let x = ctx.unmasked().eval(&args[0])?;
            let ppy = ctx.m.timeline.map_or(1, |t| t.per_year());
            let mut zero_at: Option<usize> = None;
            let data = per_sample(&x, periods, periods, |d, o| {
                let mut acc = 0.0;
                for i in 0..periods {
                    o[i] = match f {
                        Builtin::Cumsum => {
                            acc += d[i];
                            acc
                        }
                        Builtin::Delta if i == 0 => 0.0,
                        Builtin::Delta => d[i] - d[i - 1],
                        _ if i < ppy => 0.0,
                        _ => {
                            let before = d[i - ppy];
                            if before == 0.0 && zero_at.is_none() {
                                zero_at = Some(i - ppy);
                            }
                            (d[i] - before) / before
                        }
                    };
                }
            });
            if let Some(i) = zero_at {
                return Err(EvalError::DivisionByZero {
                    period: Some(ctx.period_label(i)),
                    span: args[0].span,
                });
            }
            let v = Value::from_rows(meta, true, x.samples(), data);
            ctx.finite(v, e.span, "a value overflowed")
        }
        Builtin::Lag => {
            let x = ctx.unmasked().eval(&args[0])?;
            let n = whole(ctx, f, &args[1], "a whole number of periods")?;
            let last = periods as i64 - 1;
            let data = per_sample(&x, periods, periods, |d, o| {
                for i in 0..periods as i64 {
                    o[i as usize] = d[(i - n).clamp(0, last.max(0)) as usize];
                }
            });
            Ok(Value::from_rows(meta, true, x.samples(), data))
        }
        Builtin::Cagr => {
            let x = ctx.unmasked().eval(&args[0])?;
            let at = |a: &Ir| -> R<(usize, f64)> {
                let v = ctx.unmasked().eval(a)?.data()[0];
                let i = ctx.period_index(v, a.span)?;
                Ok((i, v))
            };
            let (i0, t0) = at(&args[1])?;
            let (i1, t1) = at(&args[2])?;
            if i0 == i1 {
                return Err(bad(f, "needs two different periods", args[2].span, None));
            }
            let years = t1 - t0;
            let mut zero = false;
            let data = per_sample(&x, periods, 1, |d, o| {
                zero |= d[i0] == 0.0;
                o[0] = (d[i1] / d[i0]).powf(1.0 / years) - 1.0;
            });
            if zero {
                return Err(EvalError::DivisionByZero {
                    period: Some(ctx.period_label(i0)),
                    span: args[0].span,
                });
            }
            let v = Value::from_rows(meta, false, x.samples(), data);
            ctx.finite(
                v,
                e.span,
                "the growth rate is not a number (negative values?)",
            )
        }
        Builtin::Min | Builtin::Max => {
            let mut acc = ctx.eval(&args[0])?;
            for a in &args[1..] {
                let v = ctx.eval(a)?;
                let l = if f == Builtin::Min {
                    zip(&acc, &v, f64::min)
                } else {
                    zip(&acc, &v, f64::max)
                };
                acc = out(l);
            }
            Ok(acc.with_meta(meta))
        }
        Builtin::Abs => {
            let x = ctx.eval(&args[0])?;
            Ok(out(map_owned(x, f64::abs)))
        }
        Builtin::Clamp => {
            let x = ctx.eval(&args[0])?;
            let lo = ctx.eval(&args[1])?;
            let hi = ctx.eval(&args[2])?;
            let t = out(zip(&x, &lo, f64::max));
            Ok(out(zip(&t, &hi, f64::min)))
        }
        Builtin::Round | Builtin::Floor | Builtin::Ceil => {
            let x = ctx.eval(&args[0])?;
            let op: fn(f64) -> f64 = match f {
                Builtin::Round => f64::round,
                Builtin::Floor => f64::floor,
                _ => f64::ceil,
            };
            match args.get(1) {
                None => Ok(out(map_owned(x, op))),
                Some(s) => {
                    let step = ctx.eval(s)?;
                    if let Some(i) = step.data().iter().position(|v| *v <= 0.0) {
                        let _ = i;
                        return Err(bad(f, "needs a step above zero", s.span, None));
                    }
                    let v = out(zip(&x, &step, move |a, b| op(a / b) * b));
                    ctx.finite(v, e.span, "a value overflowed")
                }
            }
        }
        Builtin::Exp => {
            let x = ctx.eval(&args[0])?;
            let v = out(map_owned(x, f64::exp));
            ctx.finite(v, e.span, "`exp` of a number this large overflows")
        }
        Builtin::Ln => {
            let x = ctx.eval(&args[0])?;
            if let Some(i) = x
                .data()
                .iter()
                .enumerate()
                .position(|(i, v)| *v <= 0.0 && ctx.live(x.shape(), i))
            {
                let _ = i;
                return Err(bad(f, "takes a number above zero", args[0].span, None));
            }
            Ok(out(map_owned(x, f64::ln)))
        }
        Builtin::Npv => {
            let x = ctx.unmasked().eval(&args[0])?;
            let rate = ctx.unmasked().eval(&args[1])?;
            let tl = ctx
                .m
                .timeline
                .unwrap_or_else(|| crate::time::Timeline::yearly(0, -1));
            let t0 = tl.value_of(0);
            let n = x.samples().max(rate.samples());
            let mut acc = vec![0.0; n];
            for i in 0..periods {
                let t = tl.value_of(i) - t0;
                let row = x.row(if x.is_series() { i } else { 0 });
                let rr = rate.row(0);
                for (s, a) in acc.iter_mut().enumerate() {
                    let v = if row.len() == 1 { row[0] } else { row[s] };
                    let r = if rr.len() == 1 { rr[0] } else { rr[s] };
                    *a += v / (1.0 + r).powf(t);
                }
            }
            let v = Value::from_rows(meta, false, n, acc);
            ctx.finite(
                v,
                e.span,
                "the discounted sum overflowed (a rate of -100% or below?)",
            )
        }
        Builtin::Share | Builtin::Total => {
            unreachable!("share and total are lowered to their own nodes")
        }
        Builtin::Mean | Builtin::Sd => {
            let x = ctx.unmasked().eval(&args[0])?;
            let data = if f == Builtin::Mean {
                super::stats::mean(&x)
            } else {
                super::stats::sd(&x)
            };
            let v = Value::from_rows(meta, x.is_series(), 1, data);
            ctx.finite(v, e.span, "the samples overflowed")
        }
        Builtin::Percentile => {
            let x = ctx.unmasked().eval(&args[0])?;
            let p = ctx.unmasked().eval(&args[1])?.data()[0];
            if !(0.0..=1.0).contains(&p) {
                return Err(bad(
                    f,
                    "needs a percentage between 0% and 100%",
                    args[1].span,
                    Some("write `percentile(x, 95%)`"),
                ));
            }
            let data = super::stats::percentile(&x, p);
            Ok(Value::from_rows(meta, x.is_series(), 1, data))
        }
        Builtin::Prob => {
            let x = ctx.unmasked().eval(&args[0])?;
            let data = super::stats::prob(&x);
            Ok(Value::from_rows(meta, x.is_series(), 1, data))
        }
        Builtin::Rankcorr => {
            let a = ctx.unmasked().eval(&args[0])?;
            let b = ctx.unmasked().eval(&args[1])?;
            let series = a.is_series() || b.is_series();
            let rows = if series { periods } else { 1 };
            let mut data = Vec::with_capacity(rows);
            for y in 0..rows {
                let (ra, rb) = (a.row(y), b.row(y));
                if ra.len() < 2 || rb.len() < 2 || ra.len() != rb.len() {
                    return Err(bad(
                        f,
                        "needs two uncertain values drawn together",
                        e.span,
                        Some("both arguments must depend on uncertain inputs"),
                    ));
                }
                data.push(super::stats::spearman(ra, rb));
            }
            Ok(Value::from_rows(meta, series, 1, data))
        }
        Builtin::Normal
        | Builtin::Lognormal
        | Builtin::Uniform
        | Builtin::Triangular
        | Builtin::Pert => unreachable!("distributions are lowered to random inputs"),
    }
}
