//! The built-in functions: reductions over years, running operations over a
//! series, year-by-year `min`/`max`/`abs`/`clamp`, the distributions, and
//! the reductions of Monte Carlo samples. Everything works per sample.

use super::error::EvalError;
use super::expr::{Ctx, R};
use super::value::{Value, map_buf, zip};
use crate::span::Span;
use crate::syntax::ast::{Expr, ExprKind, Ident};
use crate::units::Dim;
use crate::units::format::Kind;

fn bad(func: &Ident, problem: impl Into<String>, span: Span, help: Option<&str>) -> EvalError {
    EvalError::BadArguments {
        func: func.name.clone(),
        problem: problem.into(),
        span,
        help: help.map(str::to_string),
    }
}

fn arity(func: &Ident, args: &[Expr], lo: usize, hi: usize, span: Span, usage: &str) -> R<()> {
    if args.len() < lo || args.len() > hi {
        let n = if lo == hi {
            format!("{lo}")
        } else if hi == usize::MAX {
            format!("at least {lo}")
        } else {
            format!("{lo} or {hi}")
        };
        let s = if n == "1" { "" } else { "s" };
        return Err(bad(
            func,
            format!("takes {n} argument{s}, found {}", args.len()),
            span,
            Some(usage),
        ));
    }
    Ok(())
}

/// A whole-number scalar argument, such as the `n` of `lag(x, n)`.
fn whole(ctx: &Ctx, func: &Ident, e: &Expr, what: &str) -> R<i64> {
    let v = ctx.unmasked().eval(e)?;
    let x = v.data[0];
    if v.series
        || v.is_uncertain()
        || !v.dim.is_none()
        || v.is_bool()
        || x.fract() != 0.0
        || !x.is_finite()
    {
        return Err(bad(func, format!("needs {what} here"), e.span, None));
    }
    Ok(x as i64)
}

/// `f(year_values_of_one_sample) -> results` applied to every sample of a
/// value spread over the timeline: the per-sample view of a series.
fn per_sample(
    x: &Value,
    years: usize,
    out_rows: usize,
    mut f: impl FnMut(&[f64], &mut [f64]),
) -> Vec<f64> {
    let n = x.samples;
    let lanes = x.lanes(years, n);
    let mut out = vec![0.0; out_rows * n];
    let mut col = vec![0.0; years];
    let mut res = vec![0.0; out_rows];
    for s in 0..n {
        for y in 0..years {
            col[y] = lanes[y * n + s];
        }
        f(&col, &mut res);
        for (r, v) in res.iter().enumerate() {
            out[r * n + s] = *v;
        }
    }
    out
}

pub fn call(ctx: &Ctx, func: &Ident, args: &[Expr], span: Span) -> R<Value> {
    let name = func.name.as_str();
    match name {
        "sum" | "avg" | "peak" | "trough" => {
            arity(
                func,
                args,
                1,
                2,
                span,
                &format!("`{name}(x)` or `{name}(x, 2025..2027)`"),
            )?;
            let x = ctx.unmasked().eval(&args[0])?;
            ctx.number(&x, args[0].span)?;
            let years = ctx.need_timeline(span)?;
            let (lo, hi) = match args.get(1) {
                None => (0, years),
                Some(Expr {
                    kind: ExprKind::Range { start, end },
                    span: rspan,
                }) => {
                    let (s, e) = ctx.m.timeline.unwrap_or((0, -1));
                    if start > end || *start < s || *end > e {
                        return Err(EvalError::YearOutside {
                            year: format!("{start}..{end}"),
                            start: s,
                            end: e,
                            span: *rspan,
                            timeline: ctx.m.timeline_span,
                        });
                    }
                    ((start - s) as usize, (end - s + 1) as usize)
                }
                Some(other) => {
                    return Err(bad(
                        func,
                        "takes a year range as its second argument",
                        other.span,
                        Some("write `sum(x, 2025..2027)`"),
                    ));
                }
            };
            // Year by year into one accumulator per sample: whole rows at a time.
            let (init, op): (f64, fn(f64, f64) -> f64) = match name {
                "sum" | "avg" => (0.0, |a, b| a + b),
                "peak" => (f64::NEG_INFINITY, f64::max),
                _ => (f64::INFINITY, f64::min),
            };
            let mut acc = vec![init; x.samples];
            for y in lo..hi {
                let row = x.year(y);
                if row.len() == 1 {
                    acc.iter_mut().for_each(|a| *a = op(*a, row[0]));
                } else {
                    acc.iter_mut().zip(row).for_each(|(a, &v)| *a = op(*a, v));
                }
            }
            if name == "avg" {
                acc.iter_mut().for_each(|a| *a /= (hi - lo) as f64);
            }
            let data = acc;
            let kind = if x.kind == Kind::Year {
                Kind::Number
            } else {
                x.kind
            };
            Ok(Value {
                series: false,
                data: data.into(),
                kind,
                ..x
            })
        }
        "cumsum" | "delta" | "yoy" => {
            arity(func, args, 1, 1, span, &format!("`{name}(x)`"))?;
            let x = ctx.unmasked().eval(&args[0])?;
            ctx.number(&x, args[0].span)?;
            let years = ctx.need_timeline(span)?;
            let mut zero_at: Option<usize> = None;
            let data = per_sample(&x, years, years, |d, out| {
                let mut acc = 0.0;
                for i in 0..years {
                    out[i] = match name {
                        "cumsum" => {
                            acc += d[i];
                            acc
                        }
                        _ if i == 0 => 0.0,
                        "delta" => d[i] - d[i - 1],
                        _ => {
                            if d[i - 1] == 0.0 && zero_at.is_none() {
                                zero_at = Some(i - 1);
                            }
                            (d[i] - d[i - 1]) / d[i - 1]
                        }
                    };
                }
            });
            if let Some(i) = zero_at {
                return Err(EvalError::DivisionByZero {
                    year: Some(ctx.start() + i as i64),
                    span: args[0].span,
                });
            }
            let v = match name {
                "yoy" => Value {
                    series: true,
                    data: data.into(),
                    dim: Dim::NONE,
                    kind: Kind::Percent,
                    ..x
                },
                _ => Value {
                    series: true,
                    data: data.into(),
                    kind: if x.kind == Kind::Year {
                        Kind::Number
                    } else {
                        x.kind
                    },
                    ..x
                },
            };
            ctx.finite(v, span)
        }
        "lag" => {
            arity(
                func,
                args,
                2,
                2,
                span,
                "`lag(x, n)`: the value n years earlier",
            )?;
            let x = ctx.unmasked().eval(&args[0])?;
            let n = whole(ctx, func, &args[1], "a whole number of years")?;
            let years = ctx.need_timeline(span)?;
            let last = years as i64 - 1;
            let data = per_sample(&x, years, years, |d, out| {
                for i in 0..years as i64 {
                    out[i as usize] = d[(i - n).clamp(0, last.max(0)) as usize];
                }
            });
            Ok(Value {
                series: true,
                data: data.into(),
                ..x
            })
        }
        "cagr" => {
            arity(func, args, 3, 3, span, "`cagr(x, 2024, 2030)`")?;
            let x = ctx.unmasked().eval(&args[0])?;
            ctx.number(&x, args[0].span)?;
            let years = ctx.need_timeline(span)?;
            let y0 = ctx.unmasked().eval(&args[1])?;
            let i0 = ctx.year_index(&y0, args[1].span)?;
            let y1 = ctx.unmasked().eval(&args[2])?;
            let i1 = ctx.year_index(&y1, args[2].span)?;
            if i0 == i1 {
                return Err(bad(func, "needs two different years", args[2].span, None));
            }
            let mut zero = false;
            let data = per_sample(&x, years, 1, |d, out| {
                zero |= d[i0] == 0.0;
                out[0] = (d[i1] / d[i0]).powf(1.0 / (i1 as f64 - i0 as f64)) - 1.0;
            });
            if zero {
                return Err(EvalError::DivisionByZero {
                    year: Some(ctx.start() + i0 as i64),
                    span: args[0].span,
                });
            }
            let v = Value {
                series: false,
                data: data.into(),
                dim: Dim::NONE,
                kind: Kind::Percent,
                ..x
            };
            ctx.finite(v, span)
        }
        "min" | "max" => {
            let other = if name == "min" {
                ("lowest", "trough")
            } else {
                ("highest", "peak")
            };
            let usage = format!(
                "`{name}(a, b, …)`, year by year; for the {} over years use `{}(x)`",
                other.0, other.1
            );
            arity(func, args, 2, usize::MAX, span, &usage)?;
            let mut acc = ctx.eval(&args[0])?;
            ctx.number(&acc, args[0].span)?;
            for a in &args[1..] {
                let v = ctx.eval(a)?;
                ctx.number(&v, a.span)?;
                if v.dim != acc.dim {
                    return Err(EvalError::UnitMismatch {
                        op: "compare",
                        symbol: if name == "min" { "min" } else { "max" },
                        left: ctx.label(&acc),
                        right: ctx.label(&v),
                        lspan: args[0].span,
                        rspan: a.span,
                    });
                }
                let l = if name == "min" {
                    zip(&acc, &v, f64::min)
                } else {
                    zip(&acc, &v, f64::max)
                };
                let kind = if acc.kind == v.kind {
                    acc.kind
                } else {
                    Kind::Number
                };
                acc = Value {
                    series: l.series,
                    samples: l.samples,
                    data: l.data.into(),
                    kind,
                    hint: acc.hint.or(v.hint),
                    ..acc
                };
            }
            Ok(acc)
        }
        "abs" => {
            arity(func, args, 1, 1, span, "`abs(x)`")?;
            let x = ctx.eval(&args[0])?;
            ctx.number(&x, args[0].span)?;
            Ok(Value {
                data: map_buf(&x.data, f64::abs).into(),
                ..x
            })
        }
        "clamp" => {
            arity(func, args, 3, 3, span, "`clamp(x, lo, hi)`")?;
            let x = ctx.eval(&args[0])?;
            let lo = ctx.eval(&args[1])?;
            let hi = ctx.eval(&args[2])?;
            for (v, a) in [(&x, &args[0]), (&lo, &args[1]), (&hi, &args[2])] {
                ctx.number(v, a.span)?;
                if v.dim != x.dim {
                    return Err(EvalError::UnitMismatch {
                        op: "clamp",
                        symbol: "clamp",
                        left: ctx.label(&x),
                        right: ctx.label(v),
                        lspan: args[0].span,
                        rspan: a.span,
                    });
                }
            }
            let l = zip(&x, &lo, f64::max);
            let t = Value {
                series: l.series,
                samples: l.samples,
                data: l.data.into(),
                ..x.clone()
            };
            let l = zip(&t, &hi, f64::min);
            Ok(Value {
                series: l.series,
                samples: l.samples,
                data: l.data.into(),
                ..x
            })
        }
        "share" => super::allocate::share(ctx, func, args, span),
        "normal" | "lognormal" | "uniform" | "triangular" | "pert" => {
            super::random::distribution(ctx, func, args, span)
        }
        "mean" | "sd" | "prob" => {
            arity(func, args, 1, 1, span, &format!("`{name}(x)`"))?;
            let x = ctx.unmasked().eval(&args[0])?;
            if name == "prob" {
                if !x.is_bool() {
                    return Err(EvalError::Type {
                        expected: "a condition (true/false)".into(),
                        found: ctx.label(&x),
                        span: args[0].span,
                        help: Some(
                            "`prob` gives how likely a condition is: `prob(spend@2027 > $25B)`"
                                .into(),
                        ),
                    });
                }
                let data = super::stats::prob(&x);
                return Ok(Value {
                    dim: Dim::NONE,
                    kind: Kind::Percent,
                    samples: 1,
                    data: data.into(),
                    ..x
                });
            }
            ctx.number(&x, args[0].span)?;
            let data = if name == "mean" {
                super::stats::mean(&x)
            } else {
                super::stats::sd(&x)
            };
            let kind = if x.kind == Kind::Year {
                Kind::Number
            } else {
                x.kind
            };
            Ok(Value {
                samples: 1,
                data: data.into(),
                kind,
                ..x
            })
        }
        "percentile" => {
            arity(func, args, 2, 2, span, "`percentile(x, 95%)`")?;
            let x = ctx.unmasked().eval(&args[0])?;
            ctx.number(&x, args[0].span)?;
            let p = ctx.unmasked().eval(&args[1])?;
            let pv = p.data[0];
            if p.series
                || p.is_uncertain()
                || !p.dim.is_none()
                || p.is_bool()
                || !(0.0..=1.0).contains(&pv)
            {
                return Err(bad(
                    func,
                    "needs a percentage between 0% and 100%",
                    args[1].span,
                    Some("write `percentile(x, 95%)`"),
                ));
            }
            let data = super::stats::percentile(&x, pv);
            Ok(Value {
                samples: 1,
                data: data.into(),
                ..x
            })
        }
        _ => Err(EvalError::Skipped),
    }
}
