//! The built-in functions: reductions over years, running operations over a
//! series, and year-by-year `min`/`max`/`abs`/`clamp`.

use super::error::EvalError;
use super::expr::{Ctx, R};
use super::value::{Value, zip};
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
        return Err(bad(
            func,
            format!(
                "takes {n} argument{}, found {}",
                if n == "1" { "" } else { "s" },
                args.len()
            ),
            span,
            Some(usage),
        ));
    }
    Ok(())
}

/// A whole-number scalar argument, such as the `n` of `lag(x, n)` or a year.
fn whole(ctx: &Ctx, func: &Ident, e: &Expr, what: &str) -> R<i64> {
    let v = ctx.unmasked().eval(e)?;
    let x = v.data[0];
    if v.series || !v.dim.is_none() || v.is_bool() || x.fract() != 0.0 || !x.is_finite() {
        return Err(bad(func, format!("needs {what} here"), e.span, None));
    }
    Ok(x as i64)
}

fn year_index(ctx: &Ctx, func: &Ident, e: &Expr) -> R<usize> {
    let y = whole(ctx, func, e, "a year")?;
    let (start, end) = ctx
        .m
        .timeline
        .ok_or(EvalError::NoTimeline { span: e.span })?;
    if y < start || y > end {
        return Err(EvalError::YearOutside {
            year: y.to_string(),
            start,
            end,
            span: e.span,
            timeline: ctx.m.timeline_span,
        });
    }
    Ok((y - start) as usize)
}

pub fn call(ctx: &Ctx, func: &Ident, args: &[Expr], span: Span) -> R<Value> {
    let name = func.name.as_str();
    match name {
        "sum" | "avg" | "peak" | "trough" => {
            arity(func, args, 1, 2, span, &format!("`{name}(x)` or `{name}(x, 2025..2027)`"))?;
            let x = ctx.unmasked().eval(&args[0])?;
            ctx.number(&x, args[0].span)?;
            let years = ctx.need_timeline(span)?;
            let (lo, hi) = match args.get(1) {
                None => (0, years),
                Some(Expr { kind: ExprKind::Range { start, end }, span: rspan }) => {
                    let (s, e) = ctx.m.timeline.unwrap_or((0, -1));
                    if start > end || *start < s || *end > e {
                        return Err(EvalError::YearOutside { year: format!("{start}..{end}"), start: s, end: e, span: *rspan, timeline: ctx.m.timeline_span });
                    }
                    ((start - s) as usize, (end - s + 1) as usize)
                }
                Some(other) => return Err(bad(func, "takes a year range as its second argument", other.span, Some("write `sum(x, 2025..2027)`"))),
            };
            let vals = (lo..hi).map(|i| x.at(i));
            let n = (hi - lo) as f64;
            let r = match name {
                "sum" => vals.sum(),
                "avg" => vals.sum::<f64>() / n,
                "peak" => vals.fold(f64::NEG_INFINITY, f64::max),
                _ => vals.fold(f64::INFINITY, f64::min),
            };
            let kind = if x.kind == Kind::Year { Kind::Number } else { x.kind };
            Ok(Value { series: false, data: vec![r], kind, ..x })
        }
        "cumsum" | "delta" | "yoy" => {
            arity(func, args, 1, 1, span, &format!("`{name}(x)`"))?;
            let x = ctx.unmasked().eval(&args[0])?;
            ctx.number(&x, args[0].span)?;
            let years = ctx.need_timeline(span)?;
            let d = x.to_series(years);
            let mut out = Vec::with_capacity(years);
            let mut acc = 0.0;
            for i in 0..years {
                out.push(match name {
                    "cumsum" => {
                        acc += d[i];
                        acc
                    }
                    _ if i == 0 => 0.0,
                    "delta" => d[i] - d[i - 1],
                    _ => {
                        if d[i - 1] == 0.0 {
                            return Err(EvalError::DivisionByZero { year: Some(ctx.start() + i as i64 - 1), span: args[0].span });
                        }
                        (d[i] - d[i - 1]) / d[i - 1]
                    }
                });
            }
            let v = match name {
                "yoy" => Value::series(out, Dim::NONE).with_kind(Kind::Percent),
                _ => Value { series: true, data: out, kind: if x.kind == Kind::Year { Kind::Number } else { x.kind }, ..x },
            };
            ctx.finite(v, span)
        }
        "lag" => {
            arity(func, args, 2, 2, span, "`lag(x, n)`: the value n years earlier")?;
            let x = ctx.unmasked().eval(&args[0])?;
            let n = whole(ctx, func, &args[1], "a whole number of years")?;
            let years = ctx.need_timeline(span)?;
            let d = x.to_series(years);
            let last = years as i64 - 1;
            let data = (0..years as i64).map(|i| d[(i - n).clamp(0, last.max(0)) as usize]).collect();
            Ok(Value { series: true, data, ..x })
        }
        "cagr" => {
            arity(func, args, 3, 3, span, "`cagr(x, 2024, 2030)`")?;
            let x = ctx.unmasked().eval(&args[0])?;
            ctx.number(&x, args[0].span)?;
            let i0 = year_index(ctx, func, &args[1])?;
            let i1 = year_index(ctx, func, &args[2])?;
            if i0 == i1 {
                return Err(bad(func, "needs two different years", args[2].span, None));
            }
            let (a, b) = (x.at(i0), x.at(i1));
            if a == 0.0 {
                return Err(EvalError::DivisionByZero { year: Some(ctx.start() + i0 as i64), span: args[0].span });
            }
            let r = (b / a).powf(1.0 / (i1 as f64 - i0 as f64)) - 1.0;
            ctx.finite(Value::scalar(r, Dim::NONE).with_kind(Kind::Percent), span)
        }
        "min" | "max" => {
            arity(func, args, 2, usize::MAX, span, &format!("`{name}(a, b, …)`, year by year; for the {} over years use `{}(x)`", if name == "min" { "lowest" } else { "highest" }, if name == "min" { "trough" } else { "peak" }))?;
            let mut acc = ctx.eval(&args[0])?;
            ctx.number(&acc, args[0].span)?;
            for a in &args[1..] {
                let v = ctx.eval(a)?;
                ctx.number(&v, a.span)?;
                if v.dim != acc.dim {
                    return Err(EvalError::UnitMismatch { op: "compare", symbol: name_static(name), left: ctx.label(&acc), right: ctx.label(&v), lspan: args[0].span, rspan: a.span });
                }
                let (series, data) = if name == "min" { zip(&acc, &v, f64::min) } else { zip(&acc, &v, f64::max) };
                let kind = if acc.kind == v.kind { acc.kind } else { Kind::Number };
                acc = Value { series, data, kind, hint: acc.hint.or(v.hint), ..acc };
            }
            Ok(acc)
        }
        "abs" => {
            arity(func, args, 1, 1, span, "`abs(x)`")?;
            let x = ctx.eval(&args[0])?;
            ctx.number(&x, args[0].span)?;
            Ok(Value { data: x.data.iter().map(|v| v.abs()).collect(), ..x })
        }
        "clamp" => {
            arity(func, args, 3, 3, span, "`clamp(x, lo, hi)`")?;
            let x = ctx.eval(&args[0])?;
            let lo = ctx.eval(&args[1])?;
            let hi = ctx.eval(&args[2])?;
            for (v, a) in [(&x, &args[0]), (&lo, &args[1]), (&hi, &args[2])] {
                ctx.number(v, a.span)?;
                if v.dim != x.dim {
                    return Err(EvalError::UnitMismatch { op: "clamp", symbol: "clamp", left: ctx.label(&x), right: ctx.label(v), lspan: args[0].span, rspan: a.span });
                }
            }
            let (s1, d1) = zip(&x, &lo, f64::max);
            let t = Value { series: s1, data: d1, ..x.clone() };
            let (series, data) = zip(&t, &hi, f64::min);
            Ok(Value { series, data, ..x })
        }
        "share" => super::allocate::share(ctx, func, args, span),
        "mean" | "sd" | "percentile" | "prob" | "normal" | "lognormal" | "uniform" | "triangular" | "pert" => {
            Err(EvalError::NotSupported {
                what: format!("`{name}` (uncertainty)"),
                help: "uncertain values need Monte Carlo evaluation, which is not built yet; use a single estimate".into(),
                span: func.span,
            })
        }
        _ => Err(EvalError::Skipped),
    }
}

fn name_static(name: &str) -> &'static str {
    if name == "min" { "min" } else { "max" }
}
