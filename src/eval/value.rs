//! Values: a dimension, a display kind, and the numbers in one flat buffer —
//! one number for a scalar, one per year for a series, and for an uncertain
//! value one per sample (years × samples, year-major).

use std::ops::Deref;
use std::sync::Arc;

use rayon::prelude::*;

use crate::units::Dim;
use crate::units::format::{Hint, Kind};

/// Buffers at least this long are processed in parallel.
pub const PARALLEL_FROM: usize = 1 << 16;

/// A shared, immutable buffer of numbers: cloning a value (reading a name)
/// never copies its millions of samples.
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
}

impl FromIterator<f64> for Buf {
    fn from_iter<I: IntoIterator<Item = f64>>(iter: I) -> Buf {
        Buf(Arc::new(iter.into_iter().collect()))
    }
}

impl<'a> IntoIterator for &'a Buf {
    type Item = &'a f64;
    type IntoIter = std::slice::Iter<'a, f64>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl From<Vec<f64>> for Buf {
    fn from(v: Vec<f64>) -> Buf {
        Buf(Arc::new(v))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub dim: Dim,
    pub kind: Kind,
    pub hint: Hint,
    /// Whether the buffer holds one number per year (else one "year").
    pub series: bool,
    /// Monte Carlo samples per year: 1 for a certain value.
    pub samples: usize,
    /// `years × samples` numbers; sample `s` of year `y` is at `y * samples + s`.
    pub data: Buf,
}

impl Value {
    pub fn scalar(v: f64, dim: Dim) -> Value {
        Value {
            dim,
            kind: Kind::Number,
            hint: Hint::default(),
            series: false,
            samples: 1,
            data: vec![v].into(),
        }
    }

    pub fn series(data: Vec<f64>, dim: Dim) -> Value {
        Value {
            dim,
            kind: Kind::Number,
            hint: Hint::default(),
            series: true,
            samples: 1,
            data: data.into(),
        }
    }

    pub fn with_kind(mut self, kind: Kind) -> Value {
        self.kind = kind;
        self
    }

    pub fn with_hint(mut self, hint: Hint) -> Value {
        self.hint = hint;
        self
    }

    pub fn is_uncertain(&self) -> bool {
        self.samples > 1
    }

    /// The value in year index `i` of a certain value (a scalar is the same
    /// every year). For an uncertain value, its first sample.
    #[inline]
    pub fn at(&self, i: usize) -> f64 {
        if self.series {
            self.data[i * self.samples]
        } else {
            self.data[0]
        }
    }

    /// The samples of year index `i` (a scalar has the same every year).
    pub fn year(&self, i: usize) -> &[f64] {
        let y = if self.series { i } else { 0 };
        &self.data[y * self.samples..(y + 1) * self.samples]
    }

    /// The number of years in the buffer (1 for a scalar).
    pub fn rows(&self) -> usize {
        self.data.len() / self.samples.max(1)
    }

    /// The value as one number per year (certain values only).
    pub fn to_series(&self, years: usize) -> Vec<f64> {
        if self.series {
            self.data.to_vec()
        } else {
            vec![self.data[0]; years]
        }
    }

    /// The value spread over `years × samples` lanes, year-major.
    pub fn lanes(&self, years: usize, samples: usize) -> Vec<f64> {
        let mut out = Vec::with_capacity(years * samples);
        for y in 0..years {
            let row = self.year(y);
            if row.len() == samples {
                out.extend_from_slice(row);
            } else {
                out.extend(std::iter::repeat_n(row[0], samples));
            }
        }
        out
    }

    pub fn into_series(mut self, years: usize) -> Value {
        if !self.series {
            self.data = self.lanes(years, self.samples).into();
            self.series = true;
        }
        self
    }

    pub fn is_bool(&self) -> bool {
        self.kind == Kind::Bool
    }
}

/// The shape of a result: series or not, and how many samples.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    pub series: bool,
    pub samples: usize,
}

/// The buffer of a whole-buffer operation, with its shape.
pub struct Lanes {
    pub series: bool,
    pub samples: usize,
    pub data: Vec<f64>,
}

impl Lanes {
    pub fn shape(&self) -> Shape {
        Shape {
            series: self.series,
            samples: self.samples,
        }
    }
}

/// Applies `f` lane by lane, broadcasting a scalar over years and a certain
/// value over samples. Large buffers are split across threads.
pub fn zip(a: &Value, b: &Value, f: impl Fn(f64, f64) -> f64 + Sync + Send) -> Lanes {
    let series = a.series || b.series;
    let samples = a.samples.max(b.samples);
    let data = if a.data.len() == b.data.len() && a.samples == b.samples {
        if a.data.len() >= PARALLEL_FROM {
            a.data
                .par_iter()
                .zip(b.data.par_iter())
                .map(|(&x, &y)| f(x, y))
                .collect()
        } else {
            a.data.iter().zip(&b.data).map(|(&x, &y)| f(x, y)).collect()
        }
    } else if b.data.len() == 1 {
        let y = b.data[0];
        map_buf(&a.data, |x| f(x, y))
    } else if a.data.len() == 1 {
        let x = a.data[0];
        map_buf(&b.data, |y| f(x, y))
    } else {
        // Mixed shapes (a series of certain values times an uncertain
        // scalar, …): row by row, each row in parallel pieces when large.
        let rows = if series { a.rows().max(b.rows()) } else { 1 };
        let mut out = vec![0.0; rows * samples];
        let fill = |y: usize, at: usize, piece: &mut [f64]| {
            let (ra, rb) = (a.year(y), b.year(y));
            let n = piece.len();
            fn part(r: &[f64], at: usize, n: usize) -> Option<&[f64]> {
                if r.len() == 1 {
                    None
                } else {
                    Some(&r[at..at + n])
                }
            }
            match (part(ra, at, n), part(rb, at, n)) {
                (None, None) => piece.fill(f(ra[0], rb[0])),
                (None, Some(zs)) => piece
                    .iter_mut()
                    .zip(zs)
                    .for_each(|(o, &z)| *o = f(ra[0], z)),
                (Some(xs), None) => piece
                    .iter_mut()
                    .zip(xs)
                    .for_each(|(o, &x)| *o = f(x, rb[0])),
                (Some(xs), Some(zs)) => piece
                    .iter_mut()
                    .zip(xs.iter().zip(zs))
                    .for_each(|(o, (&x, &z))| *o = f(x, z)),
            }
        };
        if out.len() >= PARALLEL_FROM {
            const PIECE: usize = 1 << 14;
            out.par_chunks_mut(samples)
                .enumerate()
                .for_each(|(y, row)| {
                    row.par_chunks_mut(PIECE)
                        .enumerate()
                        .for_each(|(k, piece)| fill(y, k * PIECE, piece));
                });
        } else {
            out.chunks_mut(samples)
                .enumerate()
                .for_each(|(y, row)| fill(y, 0, row));
        }
        out
    };
    Lanes {
        series,
        samples,
        data,
    }
}

/// Like [`zip`], but writes into an operand's buffer when that operand is a
/// temporary of the result's shape and the other is the same shape or a
/// single number — most arithmetic on large Monte Carlo values, which then
/// needs no fresh memory.
pub fn zip_owned(mut a: Value, mut b: Value, f: impl Fn(f64, f64) -> f64 + Sync + Send) -> Lanes {
    let series = a.series || b.series;
    let samples = a.samples.max(b.samples);
    let fits = |v: &Value| v.series == series && v.samples == samples;
    let (a_fits, b_fits) = (fits(&a), fits(&b));
    let (a_len, b_len) = (a.data.len(), b.data.len());
    if a_fits && (b_len == a_len || b_len == 1) {
        let other = b.data.clone();
        if let Some(buf) = a.data.unique() {
            in_place(buf, &other, &f);
            return Lanes {
                series,
                samples,
                data: std::mem::take(buf),
            };
        }
    }
    if b_fits && (a_len == b_len || a_len == 1) {
        let other = a.data.clone();
        if let Some(buf) = b.data.unique() {
            in_place(buf, &other, |y, x| f(x, y));
            return Lanes {
                series,
                samples,
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

/// `c ? a : b` lane by lane, broadcasting all three.
pub fn select(c: &Value, a: &Value, b: &Value) -> Lanes {
    let series = c.series || a.series || b.series;
    let samples = c.samples.max(a.samples).max(b.samples);
    let rows = if series {
        c.rows().max(a.rows()).max(b.rows())
    } else {
        1
    };
    let pick = |row: &[f64], s: usize| if row.len() == 1 { row[0] } else { row[s] };
    let mut data = Vec::with_capacity(rows * samples);
    for y in 0..rows {
        let (rc, ra, rb) = (c.year(y), a.year(y), b.year(y));
        for s in 0..samples {
            data.push(if pick(rc, s) != 0.0 {
                pick(ra, s)
            } else {
                pick(rb, s)
            });
        }
    }
    Lanes {
        series,
        samples,
        data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(series: bool, samples: usize, data: Vec<f64>) -> Value {
        Value {
            series,
            samples,
            data: data.into(),
            ..Value::scalar(0.0, Dim::NONE)
        }
    }

    #[test]
    fn owned_operands_are_reused_and_give_the_same_numbers() {
        let a = v(true, 2, vec![1.0, 2.0, 3.0, 4.0]);
        let b = v(true, 2, vec![10.0, 20.0, 30.0, 40.0]);
        let shared = b.clone(); // b's buffer is held twice: not overwritten
        let r = zip_owned(a, b, |x, y| x - y);
        assert_eq!(r.data, vec![-9.0, -18.0, -27.0, -36.0]);
        assert_eq!(shared.data.to_vec(), vec![10.0, 20.0, 30.0, 40.0]);
        let r = zip_owned(
            Value::scalar(1.0, Dim::NONE),
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
        assert!(r.series);
        assert_eq!(r.samples, 3);
        assert_eq!(r.data, vec![11.0, 21.0, 31.0, 12.0, 22.0, 32.0]);
        let r = zip(&u, &Value::scalar(1.0, Dim::NONE), |a, b| a - b);
        assert_eq!(r.data, vec![9.0, 19.0, 29.0]);
    }
}
