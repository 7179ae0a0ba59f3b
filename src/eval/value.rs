//! Values: a dimension, a display kind, and the numbers in one flat buffer
//! (one number for a scalar, one per year for a series).

use crate::units::Dim;
use crate::units::format::{Hint, Kind};

#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub dim: Dim,
    pub kind: Kind,
    pub hint: Hint,
    /// Whether `data` holds one number per year (else exactly one number).
    pub series: bool,
    pub data: Vec<f64>,
}

impl Value {
    pub fn scalar(v: f64, dim: Dim) -> Value {
        Value {
            dim,
            kind: Kind::Number,
            hint: Hint::default(),
            series: false,
            data: vec![v],
        }
    }

    pub fn series(data: Vec<f64>, dim: Dim) -> Value {
        Value {
            dim,
            kind: Kind::Number,
            hint: Hint::default(),
            series: true,
            data,
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

    /// The value in year index `i` (a scalar is the same every year).
    #[inline]
    pub fn at(&self, i: usize) -> f64 {
        if self.series {
            self.data[i]
        } else {
            self.data[0]
        }
    }

    /// The value as one number per year.
    pub fn to_series(&self, years: usize) -> Vec<f64> {
        if self.series {
            self.data.clone()
        } else {
            vec![self.data[0]; years]
        }
    }

    pub fn into_series(mut self, years: usize) -> Value {
        if !self.series {
            self.data = vec![self.data[0]; years];
            self.series = true;
        }
        self
    }

    pub fn is_bool(&self) -> bool {
        self.kind == Kind::Bool
    }
}

/// Applies `f` year by year, broadcasting a scalar over a series.
pub fn zip(a: &Value, b: &Value, f: impl Fn(f64, f64) -> f64) -> (bool, Vec<f64>) {
    match (a.series, b.series) {
        (false, false) => (false, vec![f(a.data[0], b.data[0])]),
        (true, false) => {
            let y = b.data[0];
            (true, a.data.iter().map(|&x| f(x, y)).collect())
        }
        (false, true) => {
            let x = a.data[0];
            (true, b.data.iter().map(|&y| f(x, y)).collect())
        }
        (true, true) => (
            true,
            a.data.iter().zip(&b.data).map(|(&x, &y)| f(x, y)).collect(),
        ),
    }
}
