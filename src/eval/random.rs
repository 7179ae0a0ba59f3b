//! Uncertain inputs: `a to b` and the distribution functions, drawn for
//! Monte Carlo. Every input draws from its own stream, named by the run's
//! seed and the input's identity (its declaration and its place in it —
//! never its byte offset, so an edit elsewhere changes no result), in fixed
//! chunks of samples drawn in parallel: a seed gives the same numbers on
//! any machine and any thread count, and a value used twice is one draw.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Distribution, StandardNormal, Triangular, Uniform};
use rayon::prelude::*;

use super::error::EvalError;
use super::expr::{Ctx, R};
use super::value::{Meta, Value};
use crate::check::ir::{Dist, Ir, Random};
use crate::span::Span;

/// z of the 95th percentile of the standard normal: `a to b` is a 90% interval.
pub const Z95: f64 = 1.644_853_626_951_472_2;

/// Samples per stream chunk: each chunk has its own generator, so chunks
/// are drawn in parallel and any range of samples can be drawn alone.
pub const CHUNK: usize = 1 << 12;

/// A well-mixed 64-bit seed from three numbers (SplitMix64's finaliser).
pub fn mix(a: u64, b: u64, c: u64) -> u64 {
    let mut z = a ^ b.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ c.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Draws of `f` for samples `from .. from + len` of the stream `key`.
pub fn draw(
    seed: u64,
    key: u64,
    from: usize,
    len: usize,
    f: impl Fn(&mut ChaCha8Rng) -> f64 + Sync,
) -> Vec<f64> {
    let mut out = vec![0.0; len];
    let first_chunk = from / CHUNK;
    let skip = from % CHUNK;
    debug_assert_eq!(skip, 0, "draws start at a chunk boundary");
    out.par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(k, piece)| {
            let mut rng = ChaCha8Rng::seed_from_u64(mix(seed, key, (first_chunk + k) as u64));
            for x in piece.iter_mut() {
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

/// One uncertain input's samples for the world's run.
pub fn draw_input(ctx: &Ctx, r: &Random, e: &Ir) -> R<Value> {
    let w = ctx.w;
    let (from, n) = (w.sample_from, w.samples);
    let mut params = Vec::with_capacity(r.params.len());
    for p in &r.params {
        params.push(ctx.unmasked().eval(p)?);
    }
    let meta = Meta::of(e.ty, e.hint);
    let seed = w.seed;
    let p0 = |i: usize| params[i].data()[0];
    let values: Vec<f64> = match r.dist {
        Dist::Interval => return interval(ctx, r, e, &params, meta),
        Dist::Normal => {
            let (m, sd) = (p0(0), p0(1));
            if sd < 0.0 {
                return Err(invalid(
                    "`normal`",
                    "needs a standard deviation of zero or more".into(),
                    r.params[1].span,
                    "sd is the spread: `normal(10 GW, 2 GW)`",
                ));
            }
            draw(seed, r.key, from, n, |rng| {
                let z: f64 = StandardNormal.sample(rng);
                m + sd * z
            })
        }
        Dist::Lognormal => {
            let (mu, sigma) = (p0(0), p0(1));
            if sigma < 0.0 {
                return Err(invalid(
                    "`lognormal`",
                    "needs sigma of zero or more".into(),
                    r.params[1].span,
                    "`lognormal(0, 0.5)`",
                ));
            }
            draw(seed, r.key, from, n, |rng| {
                let z: f64 = StandardNormal.sample(rng);
                (mu + sigma * z).exp()
            })
        }
        Dist::Uniform => {
            let (a, b) = (p0(0), p0(1));
            let Ok(u) = Uniform::new(a, b) else {
                return Err(invalid(
                    "`uniform`",
                    "needs its low end below its high end".into(),
                    e.span,
                    "`uniform(2 GW, 5 GW)`",
                ));
            };
            draw(seed, r.key, from, n, |rng| u.sample(rng))
        }
        Dist::Triangular | Dist::Pert => {
            let (lo, mode, hi) = (p0(0), p0(1), p0(2));
            let what = if r.dist == Dist::Pert {
                "`pert`"
            } else {
                "`triangular`"
            };
            if !(lo < hi && lo <= mode && mode <= hi) {
                return Err(invalid(
                    what,
                    "needs low < high and the mode between them".into(),
                    e.span,
                    "`triangular(2 GW, 3 GW, 6 GW)`",
                ));
            }
            if r.dist == Dist::Triangular {
                let Ok(t) = Triangular::new(lo, hi, mode) else {
                    return Err(invalid(
                        what,
                        "has parameters it cannot use".into(),
                        e.span,
                        "`triangular(2 GW, 3 GW, 6 GW)`",
                    ));
                };
                draw(seed, r.key, from, n, |rng| t.sample(rng))
            } else {
                // Beta-PERT with the usual weight 4 on the mode.
                let (a, b) = (
                    1.0 + 4.0 * (mode - lo) / (hi - lo),
                    1.0 + 4.0 * (hi - mode) / (hi - lo),
                );
                let Ok(beta) = Beta::new(a, b) else {
                    return Err(invalid(
                        what,
                        "has parameters it cannot use".into(),
                        e.span,
                        "`pert(2 GW, 3 GW, 6 GW)`",
                    ));
                };
                draw(seed, r.key, from, n, |rng| {
                    lo + beta.sample(rng) * (hi - lo)
                })
            }
        }
    };
    let values = w.arrange(r.key, values);
    let v = Value::from_rows(meta, false, n, values);
    ctx.finite(
        v,
        e.span,
        "the distribution's parameters are too large to draw from",
    )
}

/// `lo to hi`: a quantity whose 90% interval is lo..hi — lognormal when both
/// ends are positive, normal otherwise. The ends may be series: each period
/// gets its own interval, with one draw per sample shared by all periods.
fn interval(ctx: &Ctx, r: &Random, e: &Ir, params: &[Value], meta: Meta) -> R<Value> {
    let w = ctx.w;
    let (lo, hi) = (&params[0], &params[1]);
    let series = lo.is_series() || hi.is_series();
    let rows = if series { ctx.periods() } else { 1 };
    let (lo_v, hi_v) = (lo.to_series(rows), hi.to_series(rows));
    for y in 0..rows {
        if lo_v[y] >= hi_v[y] {
            let fmt = |v: f64| {
                crate::units::format_quantity(v, meta.dim, meta.kind, meta.hint, &ctx.m.base_names)
            };
            let when = if series {
                format!(" in {}", ctx.period_label(y))
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
                e.span,
                "write the smaller value first: `40% to 80%`",
            ));
        }
    }
    let positive = (0..rows).all(|y| lo_v[y] > 0.0 && hi_v[y] > 0.0);
    let z = w.arrange(
        r.key,
        draw(w.seed, r.key, w.sample_from, w.samples, |rng| {
            StandardNormal.sample(rng)
        }),
    );
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
    let v = Value::from_rows(meta, series, n, data);
    ctx.finite(v, e.span, "the interval is too wide to draw from")
}
