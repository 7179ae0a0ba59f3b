//! Keyframes: values at some years, filled linearly, by constant growth or
//! in steps between them, and held before the first and after the last.

use super::error::EvalError;
use super::expr::{Ctx, R};
use super::value::Value;
use crate::span::Span;
use crate::syntax::ast::{Fill, Keyframe};

pub fn fill(ctx: &Ctx, frames: &[Keyframe], fill: Fill, span: Span) -> R<Value> {
    let years = ctx.need_timeline(span)?;
    let start = ctx.start();
    let inner = ctx.unmasked();
    let mut values: Vec<(i64, Value)> = Vec::with_capacity(frames.len());
    let mut first: Option<(Value, Span)> = None;
    for (k, f) in frames.iter().enumerate() {
        if k > 0 && f.year <= frames[k - 1].year {
            return Err(EvalError::KeyframeOrder {
                year: f.year,
                prev: frames[k - 1].year,
                span: f.year_span,
                prev_span: frames[k - 1].year_span,
            });
        }
        let v = inner.eval(&f.value)?;
        ctx.number(&v, f.value.span)?;
        if v.series {
            return Err(EvalError::Type {
                expected: "a single value".into(),
                found: "a series".into(),
                span: f.value.span,
                help: Some(
                    "a keyframe gives one value for its year; read a series' value with `x@2027`"
                        .into(),
                ),
            });
        }
        match &first {
            None => first = Some((v.clone(), f.value.span)),
            Some((f0, s0)) if f0.dim != v.dim => {
                return Err(EvalError::KeyframeDims {
                    first: ctx.label(f0),
                    other: ctx.label(&v),
                    first_span: *s0,
                    span: f.value.span,
                });
            }
            _ => {}
        }
        values.push((f.year, v));
    }
    let Some((proto, _)) = first else {
        return Err(EvalError::Type {
            expected: "at least one keyframe".into(),
            found: "an empty block".into(),
            span,
            help: Some("write `{ 2024: 1 GW, 2030: 5 GW }`".into()),
        });
    };
    // Each Monte Carlo sample gets its own fill through its own keyframes.
    let n = values.iter().map(|(_, v)| v.samples).max().unwrap_or(1);
    let mut data = vec![0.0; years * n];
    let mut frame: Vec<(i64, f64)> = Vec::with_capacity(values.len());
    for s in 0..n {
        frame.clear();
        frame.extend(
            values
                .iter()
                .map(|(y, v)| (*y, if v.samples == 1 { v.data[0] } else { v.data[s] })),
        );
        if fill == Fill::Growth {
            for (w, pair) in frame.windows(2).zip(frames.windows(2)) {
                let (a, b) = (w[0].1, w[1].1);
                if a * b <= 0.0 && !(a == 0.0 && b == 0.0) {
                    let fmt = |x: f64| {
                        crate::units::format_quantity(
                            x,
                            proto.dim,
                            proto.kind,
                            proto.hint,
                            &ctx.m.base_names,
                        )
                    };
                    return Err(EvalError::GrowthSign {
                        a: fmt(a),
                        b: fmt(b),
                        span: pair[0].value.span.join(pair[1].value.span),
                    });
                }
            }
        }
        for (y, x) in fill_years(&frame, start, years, fill)
            .into_iter()
            .enumerate()
        {
            data[y * n + s] = x;
        }
    }
    let proto = Value {
        samples: n,
        ..proto
    };
    Ok(Value {
        series: true,
        data: data.into(),
        ..proto
    })
}

/// The pure fill: keyframes `(year, value)` sorted by year, over `years`
/// years from `start`.
pub fn fill_years(frames: &[(i64, f64)], start: i64, years: usize, fill: Fill) -> Vec<f64> {
    let mut out = Vec::with_capacity(years);
    let mut k = 0;
    for i in 0..years {
        let y = start + i as i64;
        while k + 1 < frames.len() && frames[k + 1].0 <= y {
            k += 1;
        }
        let (y0, v0) = frames[k];
        let v = if y <= y0 || k + 1 >= frames.len() {
            if y < y0 { frames[0].1 } else { v0 }
        } else {
            let (y1, v1) = frames[k + 1];
            let t = (y - y0) as f64 / (y1 - y0) as f64;
            match fill {
                Fill::Linear => v0 + (v1 - v0) * t,
                Fill::Growth if v0 == 0.0 => 0.0,
                Fill::Growth => v0 * (v1 / v0).powf(t),
                Fill::Step => v0,
            }
        };
        out.push(v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_fill_and_holds() {
        let f = [(2025, 10.0), (2027, 20.0)];
        assert_eq!(
            fill_years(&f, 2024, 5, Fill::Linear),
            vec![10.0, 10.0, 15.0, 20.0, 20.0]
        );
    }

    #[test]
    fn growth_fill_is_geometric() {
        let f = [(2024, 5.0), (2027, 20.0)];
        let v = fill_years(&f, 2024, 4, Fill::Growth);
        assert!((v[1] - 5.0 * 4f64.powf(1.0 / 3.0)).abs() < 1e-12);
        assert!((v[1] - 7.937).abs() < 1e-3);
        assert!((v[3] - 20.0).abs() < 1e-12);
    }

    #[test]
    fn step_fill_holds_until_next() {
        let f = [(2024, 1.0), (2026, 3.0)];
        assert_eq!(
            fill_years(&f, 2024, 4, Fill::Step),
            vec![1.0, 1.0, 3.0, 3.0]
        );
    }

    #[test]
    fn keyframes_outside_the_timeline_still_shape_it() {
        let f = [(2020, 0.0), (2030, 10.0)];
        assert_eq!(fill_years(&f, 2024, 2, Fill::Linear), vec![4.0, 5.0]);
    }
}
