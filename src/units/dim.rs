//! A dimension is a product of base dimensions with integer exponents, kept
//! in a fixed array so it is `Copy` and compares in one step.

use serde::Serialize;

/// Base dimensions: five built in, the rest declared with `unit NAME`.
pub const MAX_DIMS: usize = 16;
pub const MONEY: usize = 0;
pub const TIME: usize = 1;
pub const POWER: usize = 2;
pub const COMPUTE: usize = 3;
pub const MASS: usize = 4;
pub const BUILTIN_BASES: usize = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Dim(pub [i8; MAX_DIMS]);

impl Dim {
    pub const NONE: Dim = Dim([0; MAX_DIMS]);

    pub fn base(i: usize) -> Dim {
        let mut d = Dim::NONE;
        d.0[i] = 1;
        d
    }

    pub fn is_none(self) -> bool {
        self == Dim::NONE
    }

    pub fn times(self, o: Dim) -> Option<Dim> {
        let mut d = self;
        for (a, b) in d.0.iter_mut().zip(o.0) {
            *a = a.checked_add(b)?;
        }
        Some(d)
    }

    pub fn per(self, o: Dim) -> Option<Dim> {
        self.times(o.powi(-1)?)
    }

    pub fn powi(self, n: i32) -> Option<Dim> {
        let mut d = self;
        for a in d.0.iter_mut() {
            *a = i8::try_from(i32::from(*a).checked_mul(n)?).ok()?;
        }
        Some(d)
    }

    /// Exact division of every exponent, for roots (`x ^ 0.5`).
    pub fn root(self, n: i32) -> Option<Dim> {
        let mut d = self;
        for a in d.0.iter_mut() {
            if i32::from(*a) % n != 0 {
                return None;
            }
            *a = (i32::from(*a) / n) as i8;
        }
        Some(d)
    }

    pub fn energy() -> Dim {
        let mut d = Dim::base(POWER);
        d.0[TIME] = 1;
        d
    }
}

/// Names of the base dimensions' base units: `USD`, `s`, `W`, `FLOP`, `kg`,
/// then the user's `unit` declarations.
#[derive(Clone, Debug, PartialEq)]
pub struct BaseNames(pub Vec<String>);

impl Default for BaseNames {
    fn default() -> Self {
        BaseNames(
            ["USD", "s", "W", "FLOP", "kg"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        )
    }
}

impl BaseNames {
    pub fn name(&self, i: usize) -> &str {
        self.0.get(i).map_or("?", |s| s.as_str())
    }

    /// `USD/W`, `gpu*s`, … in base units.
    pub fn si_unit(&self, d: Dim) -> String {
        let mut num = Vec::new();
        let mut den = Vec::new();
        for (i, &e) in d.0.iter().enumerate() {
            let n = self.name(i);
            let s = |e: i8| {
                if e == 1 {
                    n.to_string()
                } else {
                    format!("{n}^{e}")
                }
            };
            if e > 0 {
                num.push(s(e));
            } else if e < 0 {
                den.push(s(-e));
            }
        }
        let mut out = if num.is_empty() {
            if den.is_empty() {
                return String::new();
            }
            "1".to_string()
        } else {
            num.join("*")
        };
        for d in den {
            out.push('/');
            out.push_str(&d);
        }
        out
    }
}
