//! Keyframes: values at some periods, filled linearly, by constant growth
//! or in steps between them, and held before the first and after the last.

use super::error::EvalError;
use super::expr::{Ctx, R};
use super::value::{Meta, Value};
use crate::check::ir::Ir;
use crate::syntax::ast::Fill;

pub fn fill(ctx: &Ctx, frames: &[(f64, Ir)], fill: Fill, e: &Ir) -> R<Value> {
    let periods = ctx.periods();
    let inner = ctx.unmasked();
    let mut values: Vec<(f64, Value)> = Vec::with_capacity(frames.len());
    for (pos, x) in frames {
        values.push((*pos, inner.eval(x)?));
    }
    // Each Monte Carlo sample gets its own fill through its own keyframes.
    let n = values.iter().map(|(_, v)| v.samples()).max().unwrap_or(1);
    let mut data = vec![0.0; periods * n];
    let mut frame: Vec<(f64, f64)> = Vec::with_capacity(values.len());
    let mut col = vec![0.0; periods];
    for s in 0..n {
        frame.clear();
        frame.extend(values.iter().map(|(p, v)| {
            let d = v.data();
            (*p, if d.len() == 1 { d[0] } else { d[s] })
        }));
        if fill == Fill::Growth {
            for (w, pair) in frame.windows(2).zip(frames.windows(2)) {
                let (a, b) = (w[0].1, w[1].1);
                if a * b <= 0.0 && !(a == 0.0 && b == 0.0) {
                    let fmt = |x: f64| {
                        crate::units::format_quantity(
                            x,
                            e.ty.dim,
                            e.ty.kind,
                            e.hint,
                            &ctx.m.base_names,
                        )
                    };
                    return Err(EvalError::BadArguments {
                        func: "growth".into(),
                        problem: format!(
                            "fill needs keyframes of one sign, not {} then {}",
                            fmt(a),
                            fmt(b)
                        ),
                        span: pair[0].1.span.join(pair[1].1.span),
                        help: Some(
                            "use linear fill between values that change sign or touch zero".into(),
                        ),
                    });
                }
            }
        }
        fill_periods(&frame, fill, &mut col);
        for (y, x) in col.iter().enumerate() {
            data[y * n + s] = *x;
        }
    }
    let v = Value::from_rows(Meta::of(e.ty, e.hint), true, n, data);
    ctx.finite(v, e.span, "the fill overflowed between extreme keyframes")
}

/// The pure fill: keyframes `(position, value)` sorted by position, over
/// periods `0..out.len()`.
pub fn fill_periods(frames: &[(f64, f64)], fill: Fill, out: &mut [f64]) {
    let mut k = 0;
    for (i, o) in out.iter_mut().enumerate() {
        let y = i as f64;
        while k + 1 < frames.len() && frames[k + 1].0 <= y {
            k += 1;
        }
        let (y0, v0) = frames[k];
        *o = if y <= y0 || k + 1 >= frames.len() {
            if y < y0 { frames[0].1 } else { v0 }
        } else {
            let (y1, v1) = frames[k + 1];
            let t = (y - y0) / (y1 - y0);
            match fill {
                Fill::Linear => v0 + (v1 - v0) * t,
                Fill::Growth if v0 == 0.0 => 0.0,
                Fill::Growth => v0 * (v1 / v0).powf(t),
                Fill::Step => v0,
            }
        };
    }
}

/// [`fill_periods`] into a new vector.
pub fn fill_years(frames: &[(f64, f64)], len: usize, fill: Fill) -> Vec<f64> {
    let mut out = vec![0.0; len];
    fill_periods(frames, fill, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_fill_and_holds() {
        let f = [(1.0, 10.0), (3.0, 20.0)];
        assert_eq!(
            fill_years(&f, 5, Fill::Linear),
            vec![10.0, 10.0, 15.0, 20.0, 20.0]
        );
    }

    #[test]
    fn growth_fill_is_geometric() {
        let f = [(0.0, 5.0), (3.0, 20.0)];
        let v = fill_years(&f, 4, Fill::Growth);
        assert!((v[1] - 5.0 * 4f64.powf(1.0 / 3.0)).abs() < 1e-12);
        assert!((v[1] - 7.937).abs() < 1e-3);
        assert!((v[3] - 20.0).abs() < 1e-12);
    }

    #[test]
    fn step_fill_holds_until_next() {
        let f = [(0.0, 1.0), (2.0, 3.0)];
        assert_eq!(fill_years(&f, 4, Fill::Step), vec![1.0, 1.0, 3.0, 3.0]);
    }

    #[test]
    fn keyframes_outside_the_timeline_still_shape_it() {
        let f = [(-4.0, 0.0), (6.0, 10.0)];
        assert_eq!(fill_years(&f, 2, Fill::Linear), vec![4.0, 5.0]);
    }

    #[test]
    fn monthly_growth_meets_the_yearly_keyframes() {
        // 2024-01 → 2025-01 doubling: the 13th month is exactly 2×.
        let f = [(0.0, 1.0), (12.0, 2.0)];
        let v = fill_years(&f, 13, Fill::Growth);
        assert!((v[12] - 2.0).abs() < 1e-12);
        assert!((v[6] - 2f64.sqrt()).abs() < 1e-12);
    }
}
