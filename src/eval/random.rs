//! Uncertain inputs: `a to b` and the distribution functions, drawn for
//! Monte Carlo. Every input draws its samples from its own stream, seeded
//! by the run's seed and the input's place in the source, and split into
//! fixed chunks drawn in parallel — so a seed gives the same numbers on any
//! machine and thread count, and a value used twice is the same draw.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Distribution, StandardNormal, Triangular, Uniform};
use rayon::prelude::*;

use super::error::EvalError;
use super::expr::{Ctx, R};
use super::value::Value;
use crate::span::Span;
use crate::syntax::ast::{Expr, Ident};
use crate::units::Dim;
use crate::units::format::Kind;

/// z of the 95th percentile of the standard normal: `a to b` is a 90% interval.
const Z95: f64 = 1.644_853_626_951_472_2;
const CHUNK: usize = 1 << 14;

/// A well-mixed 64-bit seed for one chunk of one input.
fn mix(seed: u64, input: u64, chunk: u64) -> u64 {
    let mut z = seed
        ^ input.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ chunk.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `n` draws of `f` for the input at `span`, reproducible for a seed.
pub fn draw(ctx: &Ctx, span: Span, f: impl Fn(&mut ChaCha8Rng) -> f64 + Sync) -> Vec<f64> {
    let n = ctx.m.samples.max(1);
    let seed = ctx.m.seed;
    let input = span.start as u64;
    let mut out = vec![0.0; n];
    out.par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(k, chunk)| {
            let mut rng = ChaCha8Rng::seed_from_u64(mix(seed, input, k as u64));
            for x in chunk.iter_mut() {
                *x = f(&mut rng);
            }
        });
    out
}

fn invalid(what: &str, problem: String, span: Span, help: &str) -> EvalError {
    EvalError::InvalidDistribution {
        what: what.to_string(),
        problem,
        span,
        help: help.to_string(),
    }
}

/// `lo to hi`: a quantity whose 90% interval is lo..hi — lognormal when both
/// ends are positive, normal otherwise. The ends may be series: each year
/// gets its own interval, with one draw per sample shared by all years.
pub fn interval(
    ctx: &Ctx,
    lo: Value,
    hi: Value,
    lspan: Span,
    rspan: Span,
    op_span: Span,
    span: Span,
) -> R<Value> {
    ctx.number(&lo, lspan)?;
    ctx.number(&hi, rspan)?;
    if lo.dim != hi.dim {
        return Err(EvalError::UnitMismatch {
            op: "make a range of",
            symbol: "to",
            left: ctx.label(&lo),
            right: ctx.label(&hi),
            lspan,
            rspan,
        });
    }
    if lo.is_uncertain() || hi.is_uncertain() {
        return Err(invalid(
            "`to`",
            "needs certain ends".into(),
            op_span,
            "write the ends as plain values: `3 GW to 5 GW`",
        ));
    }
    let series = lo.series || hi.series;
    let rows = if series { ctx.years() } else { 1 };
    let (lo_v, hi_v) = (lo.to_series(rows), hi.to_series(rows));
    for y in 0..rows {
        if lo_v[y] >= hi_v[y] {
            let fmt = |v: f64| {
                crate::units::format_quantity(v, lo.dim, lo.kind, lo.hint, &ctx.m.base_names)
            };
            let when = if series {
                format!(" in {}", ctx.start() + y as i64)
            } else {
                String::new()
            };
            return Err(invalid(
                "`to`",
                format!(
                    "needs its low end below its high end, found {} to {}{when}",
                    fmt(lo_v[y]),
                    fmt(hi_v[y])
                ),
                span,
                "write the smaller value first: `40% to 80%`",
            ));
        }
    }
    let positive = (0..rows).all(|y| lo_v[y] > 0.0 && hi_v[y] > 0.0);
    let z = draw(ctx, op_span, |rng| StandardNormal.sample(rng));
    let n = z.len();
    let mut data = Vec::with_capacity(rows * n);
    for y in 0..rows {
        let (a, b) = (lo_v[y], hi_v[y]);
        if positive {
            let (mu, sigma) = ((a.ln() + b.ln()) / 2.0, (b.ln() - a.ln()) / (2.0 * Z95));
            data.extend(z.iter().map(|z| (mu + sigma * z).exp()));
        } else {
            let (m, sd) = ((a + b) / 2.0, (b - a) / (2.0 * Z95));
            data.extend(z.iter().map(|z| m + sd * z));
        }
    }
    let kind = if lo.kind == Kind::Percent || hi.kind == Kind::Percent {
        Kind::Percent
    } else {
        Kind::Number
    };
    Ok(Value {
        dim: lo.dim,
        kind,
        hint: lo.hint.or(hi.hint),
        series,
        samples: n,
        data: data.into(),
    })
}

/// The parameters of a distribution: single certain numbers of one dimension.
fn params(ctx: &Ctx, func: &Ident, args: &[Expr], names: &[&str]) -> R<(Vec<f64>, Value)> {
    if args.len() != names.len() {
        return Err(EvalError::BadArguments {
            func: func.name.clone(),
            problem: format!("takes {} arguments, found {}", names.len(), args.len()),
            span: func.span,
            help: Some(format!("`{}({})`", func.name, names.join(", "))),
        });
    }
    let mut out = Vec::new();
    let mut first: Option<Value> = None;
    for (a, name) in args.iter().zip(names) {
        let v = ctx.unmasked().eval(a)?;
        ctx.number(&v, a.span)?;
        if v.series || v.is_uncertain() {
            return Err(invalid(
                &format!("`{}`", func.name),
                format!("needs a single certain value for `{name}`"),
                a.span,
                "give each parameter as one plain value",
            ));
        }
        match &first {
            Some(f) if f.dim != v.dim && *name != "sd" && *name != "sigma" => {
                return Err(EvalError::UnitMismatch {
                    op: "mix",
                    symbol: "parameters",
                    left: ctx.label(f),
                    right: ctx.label(&v),
                    lspan: args[0].span,
                    rspan: a.span,
                });
            }
            None => first = Some(v.clone()),
            _ => {}
        }
        out.push(v.data[0]);
    }
    let proto = first.unwrap_or_else(|| Value::scalar(0.0, Dim::NONE));
    Ok((out, proto))
}

/// `normal(m, sd)`, `lognormal(mu, sigma)`, `uniform(a, b)`,
/// `triangular(lo, mode, hi)`, `pert(lo, mode, hi)`.
pub fn distribution(ctx: &Ctx, func: &Ident, args: &[Expr], span: Span) -> R<Value> {
    let what = format!("`{}`", func.name);
    let (p, proto) = match func.name.as_str() {
        "normal" => params(ctx, func, args, &["mean", "sd"])?,
        "lognormal" => params(ctx, func, args, &["mu", "sigma"])?,
        "uniform" => params(ctx, func, args, &["low", "high"])?,
        _ => params(ctx, func, args, &["low", "mode", "high"])?,
    };
    let data = match func.name.as_str() {
        "normal" => {
            let (m, sd) = (p[0], p[1]);
            if sd < 0.0 {
                return Err(invalid(
                    &what,
                    "needs a standard deviation of zero or more".into(),
                    args[1].span,
                    "sd is the spread: `normal(10 GW, 2 GW)`",
                ));
            }
            draw(ctx, span, |rng| {
                let z: f64 = StandardNormal.sample(rng);
                m + sd * z
            })
        }
        "lognormal" => {
            if !proto.dim.is_none() {
                return Err(invalid(
                    &what,
                    "takes the mean and spread of the logarithm, plain numbers".into(),
                    args[0].span,
                    "for a quantity with a unit write `a to b`, or multiply: `lognormal(0, 0.3) * 5 GW`",
                ));
            }
            let (mu, sigma) = (p[0], p[1]);
            if sigma < 0.0 {
                return Err(invalid(
                    &what,
                    "needs sigma of zero or more".into(),
                    args[1].span,
                    "`lognormal(0, 0.5)`",
                ));
            }
            draw(ctx, span, |rng| {
                let z: f64 = StandardNormal.sample(rng);
                (mu + sigma * z).exp()
            })
        }
        "uniform" => {
            let (a, b) = (p[0], p[1]);
            let Ok(u) = Uniform::new(a, b) else {
                return Err(invalid(
                    &what,
                    "needs its low end below its high end".into(),
                    span,
                    "`uniform(2 GW, 5 GW)`",
                ));
            };
            draw(ctx, span, |rng| u.sample(rng))
        }
        name => {
            let (lo, mode, hi) = (p[0], p[1], p[2]);
            if !(lo < hi && lo <= mode && mode <= hi) {
                return Err(invalid(
                    &what,
                    "needs low < high and the mode between them".into(),
                    span,
                    "`triangular(2 GW, 3 GW, 6 GW)`",
                ));
            }
            if name == "triangular" {
                let Ok(t) = Triangular::new(lo, hi, mode) else {
                    return Err(EvalError::Skipped);
                };
                draw(ctx, span, |rng| t.sample(rng))
            } else {
                // Beta-PERT with the usual weight 4 on the mode.
                let (a, b) = (
                    1.0 + 4.0 * (mode - lo) / (hi - lo),
                    1.0 + 4.0 * (hi - mode) / (hi - lo),
                );
                let Ok(beta) = Beta::new(a, b) else {
                    return Err(EvalError::Skipped);
                };
                draw(ctx, span, |rng| lo + beta.sample(rng) * (hi - lo))
            }
        }
    };
    let n = data.len();
    Ok(Value {
        series: false,
        samples: n,
        data: data.into(),
        kind: if proto.kind == Kind::Percent {
            Kind::Percent
        } else {
            Kind::Number
        },
        ..proto
    })
}
