//! Values: numbers in one flat buffer — one for a scalar, one per period
//! for a series, and for an uncertain value one per sample (periods ×
//! samples, period-major) — with what they mean (dimension, display kind,
//! unit hint) copied from the lowered expression that made them. A value is
//! only ever made by the constructors here, which check its shape.

use std::ops::Deref;
use std::sync::Arc;

use rayon::prelude::*;

use crate::check::types::Type;
use crate::units::Dim;
use crate::units::format::{Hint, Kind};

/// Buffers at least this long are processed in parallel.
pub const PARALLEL_FROM: usize = 1 << 16;

/// A shared, immutable buffer of numbers: cloning a value (reading a name)
/// never copies its samples.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Buf(Arc<Vec<f64>>);

impl Deref for Buf {
    type Target = Vec<f64>;
    fn deref(&self) -> &Vec<f64> {
        &self.0
    }
}

impl Buf {
    /// The numbers, when no one else holds them: a temporary that an
    /// operation may overwrite instead of allocating a new buffer.
    pub fn unique(&mut self) -> Option<&mut Vec<f64>> {
        Arc::get_mut(&mut self.0)
    }

    /// The numbers, copied only if someone else holds them too.
    pub fn into_vec(self) -> Vec<f64> {
        Arc::try_unwrap(self.0).unwrap_or_else(|a| (*a).clone())
    }
}

impl From<Vec<f64>> for Buf {
    fn from(v: Vec<f64>) -> Buf {
        Buf(Arc::new(v))
    }
}

/// What a value means, beyond its numbers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Meta {
    pub dim: Dim,
    pub kind: Kind,
    pub hint: Hint,
}

impl Meta {
    pub fn of(ty: Type, hint: Hint) -> Meta {
        Meta {
            dim: ty.dim,
            kind: ty.kind,
            hint,
        }
    }

    pub const NUMBER: Meta = Meta {
        dim: Dim::NONE,
        kind: Kind::Number,
        hint: Hint {
            time: None,
            power: None,
            energy: None,
        },
    };

    pub fn with_kind(self, kind: Kind) -> Meta {
        Meta { kind, ..self }
    }
}

/// The shape of a value's buffer: a row per period or one row, a column
/// per sample or one column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    pub series: bool,
    pub samples: usize,
}

impl Shape {
    pub const SCALAR: Shape = Shape {
        series: false,
        samples: 1,
    };

    pub fn join(self, o: Shape) -> Shape {
        Shape {
            series: self.series || o.series,
            samples: self.samples.max(o.samples),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    meta: Meta,
    shape: Shape,
    data: Buf,
}

impl Value {
    /// A value of `shape` over `periods` periods; panics (a bug) when the
    /// buffer does not have that shape.
    pub fn new(meta: Meta, shape: Shape, periods: usize, data: impl Into<Buf>) -> Value {
        let data = data.into();
        let rows = if shape.series { periods } else { 1 };
        assert_eq!(
            data.len(),
            rows * shape.samples.max(1),
            "a value's buffer matches its shape"
        );
        Value { meta, shape, data }
    }

    /// A value whose shape is read from its buffer's length: `rows × samples`.
    pub fn from_rows(meta: Meta, series: bool, samples: usize, data: impl Into<Buf>) -> Value {
        let data = data.into();
        let samples = samples.max(1);
        debug_assert_eq!(data.len() % samples, 0);
        debug_assert!(series || data.len() == samples);
        Value {
            meta,
            shape: Shape { series, samples },
            data,
        }
    }

    pub fn scalar(v: f64, meta: Meta) -> Value {
        Value {
            meta,
            shape: Shape::SCALAR,
            data: vec![v].into(),
        }
    }

    pub fn series(data: Vec<f64>, meta: Meta) -> Value {
        Value {
            meta,
            shape: Shape {
                series: true,
                samples: 1,
            },
            data: data.into(),
        }
    }

    pub fn meta(&self) -> Meta {
        self.meta
    }

    pub fn dim(&self) -> Dim {
        self.meta.dim
    }

    pub fn kind(&self) -> Kind {
        self.meta.kind
    }

    pub fn hint(&self) -> Hint {
        self.meta.hint
    }

    pub fn shape(&self) -> Shape {
        self.shape
    }

    pub fn is_series(&self) -> bool {
        self.shape.series
    }

    pub fn samples(&self) -> usize {
        self.shape.samples
    }

    pub fn is_uncertain(&self) -> bool {
        self.shape.samples > 1
    }

    pub fn is_bool(&self) -> bool {
        self.meta.kind == Kind::Bool
    }

    pub fn data(&self) -> &Buf {
        &self.data
    }

    pub fn into_data(self) -> Buf {
        self.data
    }

    /// The same numbers meaning something else (a field read as its node).
    pub fn with_meta(self, meta: Meta) -> Value {
        Value { meta, ..self }
    }

    pub fn with_kind(self, kind: Kind) -> Value {
        Value {
            meta: self.meta.with_kind(kind),
            ..self
        }
    }

    /// The number in period `i` of a certain value (a scalar is the same
    /// in every period); for an uncertain value, its first sample.
    #[inline]
    pub fn at(&self, i: usize) -> f64 {
        if self.shape.series {
            self.data[i * self.shape.samples]
        } else {
            self.data[0]
        }
    }

    /// The samples of period `i` (a scalar has the same in every period).
    pub fn row(&self, i: usize) -> &[f64] {
        let y = if self.shape.series { i } else { 0 };
        let n = self.shape.samples;
        &self.data[y * n..(y + 1) * n]
    }

    /// The number of rows in the buffer (1 for a scalar).
    pub fn rows(&self) -> usize {
        self.data.len() / self.shape.samples.max(1)
    }

    /// The value spread over `periods × samples` lanes, period-major.
    pub fn lanes(&self, periods: usize, samples: usize) -> Vec<f64> {
        let rows = if self.shape.series { self.rows() } else { 1 };
        if rows == periods && self.shape.samples == samples {
            return self.data.to_vec();
        }
        let mut out = Vec::with_capacity(periods * samples);
        for y in 0..periods {
            let row = self.row(y.min(rows.saturating_sub(1)));
            if row.len() == samples {
                out.extend_from_slice(row);
            } else {
                out.extend(std::iter::repeat_n(row[0], samples));
            }
        }
        out
    }

    /// The same value as a series over `periods` periods.
    pub fn into_series(self, periods: usize) -> Value {
        if self.shape.series {
            return self;
        }
        let samples = self.shape.samples;
        let data = self.lanes(periods, samples);
        Value {
            meta: self.meta,
            shape: Shape {
                series: true,
                samples,
            },
            data: data.into(),
        }
    }

    /// The one sample of a certain value, or each period's values.
    pub fn to_series(&self, periods: usize) -> Vec<f64> {
        if self.shape.series {
            self.data.to_vec()
        } else {
            vec![self.data[0]; periods]
        }
    }
}

/// A whole-buffer result: its shape and numbers.
pub struct Lanes {
    pub shape: Shape,
    pub data: Vec<f64>,
}

/// Applies `f` lane by lane, broadcasting a scalar over periods and a
/// certain value over samples. Large buffers are split across threads.
pub fn zip(a: &Value, b: &Value, f: impl Fn(f64, f64) -> f64 + Sync + Send) -> Lanes {
    let shape = a.shape.join(b.shape);
    let samples = shape.samples;
    let (ad, bd) = (&a.data, &b.data);
    let data = if ad.len() == bd.len() && a.shape.samples == b.shape.samples {
        if ad.len() >= PARALLEL_FROM {
            ad.par_iter()
                .zip(bd.par_iter())
                .map(|(&x, &y)| f(x, y))
                .collect()
        } else {
            ad.iter().zip(bd.iter()).map(|(&x, &y)| f(x, y)).collect()
        }
    } else if bd.len() == 1 {
        let y = bd[0];
        map_buf(ad, |x| f(x, y))
    } else if ad.len() == 1 {
        let x = ad[0];
        map_buf(bd, |y| f(x, y))
    } else {
        // Mixed shapes (a series of certain values times an uncertain
        // scalar, …): row by row.
        let rows = if shape.series {
            a.rows().max(b.rows())
        } else {
            1
        };
        let mut out = vec![0.0; rows * samples];
        out.chunks_mut(samples).enumerate().for_each(|(y, piece)| {
            let (ra, rb) = (a.row(y), b.row(y));
            match (ra.len() == 1, rb.len() == 1) {
                (true, true) => piece.fill(f(ra[0], rb[0])),
                (true, false) => piece
                    .iter_mut()
                    .zip(rb)
                    .for_each(|(o, &z)| *o = f(ra[0], z)),
                (false, true) => piece
                    .iter_mut()
                    .zip(ra)
                    .for_each(|(o, &x)| *o = f(x, rb[0])),
                (false, false) => piece
                    .iter_mut()
                    .zip(ra.iter().zip(rb))
                    .for_each(|(o, (&x, &z))| *o = f(x, z)),
            }
        });
        out
    };
    Lanes { shape, data }
}

/// Like [`zip`], but writes into an operand's buffer when that operand is a
/// temporary of the result's shape and the other is the same shape or a
/// single number — most arithmetic on large Monte Carlo values, which then
/// needs no fresh memory.
pub fn zip_owned(a: Value, b: Value, f: impl Fn(f64, f64) -> f64 + Sync + Send) -> Lanes {
    let shape = a.shape.join(b.shape);
    let (a_len, b_len) = (a.data.len(), b.data.len());
    let (a_fits, b_fits) = (a.shape == shape, b.shape == shape);
    let (mut a, mut b) = (a, b);
    if a_fits && (b_len == a_len || b_len == 1) {
        let other = b.data.clone();
        if let Some(buf) = a.data.unique() {
            in_place(buf, &other, &f);
            return Lanes {
                shape,
                data: std::mem::take(buf),
            };
        }
    }
    if b_fits && (a_len == b_len || a_len == 1) {
        let other = a.data.clone();
        if let Some(buf) = b.data.unique() {
            in_place(buf, &other, |y, x| f(x, y));
            return Lanes {
                shape,
                data: std::mem::take(buf),
            };
        }
    }
    zip(&a, &b, f)
}

/// `buf[i] = f(buf[i], other[i])`, `other` being as long or one number.
fn in_place(buf: &mut [f64], other: &[f64], f: impl Fn(f64, f64) -> f64 + Sync + Send) {
    let big = buf.len() >= PARALLEL_FROM;
    match (other.len() == 1, big) {
        (true, true) => buf.par_iter_mut().for_each(|x| *x = f(*x, other[0])),
        (true, false) => buf.iter_mut().for_each(|x| *x = f(*x, other[0])),
        (false, true) => buf
            .par_iter_mut()
            .zip(other.par_iter())
            .for_each(|(x, &y)| *x = f(*x, y)),
        (false, false) => buf.iter_mut().zip(other).for_each(|(x, &y)| *x = f(*x, y)),
    }
}

/// `f` over a buffer, in parallel when it is large.
pub fn map_buf(data: &[f64], f: impl Fn(f64) -> f64 + Sync + Send) -> Vec<f64> {
    if data.len() >= PARALLEL_FROM {
        data.par_iter().map(|&x| f(x)).collect()
    } else {
        data.iter().map(|&x| f(x)).collect()
    }
}

/// `f` over a value's buffer, in place when no one else holds it.
pub fn map_owned(v: Value, f: impl Fn(f64) -> f64 + Sync + Send) -> Lanes {
    let shape = v.shape;
    let mut data = v.data;
    let out = match data.unique() {
        Some(buf) => {
            if buf.len() >= PARALLEL_FROM {
                buf.par_iter_mut().for_each(|x| *x = f(*x));
            } else {
                buf.iter_mut().for_each(|x| *x = f(*x));
            }
            std::mem::take(buf)
        }
        None => map_buf(&data, f),
    };
    Lanes { shape, data: out }
}

/// `c ? a : b` lane by lane, broadcasting all three.
pub fn select(c: &Value, a: &Value, b: &Value) -> Lanes {
    let shape = c.shape.join(a.shape).join(b.shape);
    let samples = shape.samples;
    let rows = if shape.series {
        c.rows().max(a.rows()).max(b.rows())
    } else {
        1
    };
    let pick = |row: &[f64], s: usize| if row.len() == 1 { row[0] } else { row[s] };
    let mut data = Vec::with_capacity(rows * samples);
    for y in 0..rows {
        let (rc, ra, rb) = (c.row(y), a.row(y), b.row(y));
        for s in 0..samples {
            data.push(if pick(rc, s) != 0.0 {
                pick(ra, s)
            } else {
                pick(rb, s)
            });
        }
    }
    Lanes { shape, data }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(series: bool, samples: usize, data: Vec<f64>) -> Value {
        Value::from_rows(Meta::NUMBER, series, samples, data)
    }

    #[test]
    fn owned_operands_are_reused_and_give_the_same_numbers() {
        let a = v(true, 2, vec![1.0, 2.0, 3.0, 4.0]);
        let b = v(true, 2, vec![10.0, 20.0, 30.0, 40.0]);
        let shared = b.clone(); // b's buffer is held twice: not overwritten
        let r = zip_owned(a, b, |x, y| x - y);
        assert_eq!(r.data, vec![-9.0, -18.0, -27.0, -36.0]);
        assert_eq!(shared.data().to_vec(), vec![10.0, 20.0, 30.0, 40.0]);
        let r = zip_owned(
            Value::scalar(1.0, Meta::NUMBER),
            v(true, 2, vec![1.0, 2.0, 3.0, 4.0]),
            |x, y| x - y,
        );
        assert_eq!(
            r.data,
            vec![0.0, -1.0, -2.0, -3.0],
            "order of operands kept"
        );
        let r = zip_owned(
            v(true, 1, vec![1.0, 2.0]),
            v(false, 2, vec![10.0, 20.0]),
            |x, y| x + y,
        );
        assert_eq!(
            r.data,
            vec![11.0, 21.0, 12.0, 22.0],
            "broadcasting falls back to zip"
        );
    }

    #[test]
    fn broadcasts_scalars_series_and_samples() {
        let s = v(true, 1, vec![1.0, 2.0]);
        let u = v(false, 3, vec![10.0, 20.0, 30.0]);
        let r = zip(&s, &u, |a, b| a + b);
        assert!(r.shape.series);
        assert_eq!(r.shape.samples, 3);
        assert_eq!(r.data, vec![11.0, 21.0, 31.0, 12.0, 22.0, 32.0]);
    }

    #[test]
    #[should_panic(expected = "matches its shape")]
    fn shapes_are_checked() {
        let _ = Value::new(
            Meta::NUMBER,
            Shape {
                series: true,
                samples: 2,
            },
            3,
            vec![1.0; 5],
        );
    }
}
