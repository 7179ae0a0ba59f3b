//! Affine forms over the plan's variables: what a plan's objective and
//! constraints become once the model is read symbolically. A value is a
//! scalar form or one form per period; each form is a constant plus a
//! sparse, sorted list of (variable, coefficient).

/// `c + Σ a·x_j`, terms sorted by variable, none repeated, none zero.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Aff {
    pub c: f64,
    pub terms: Vec<(usize, f64)>,
}

impl Aff {
    pub fn constant(c: f64) -> Aff {
        Aff {
            c,
            terms: Vec::new(),
        }
    }

    pub fn var(j: usize, a: f64) -> Aff {
        Aff {
            c: 0.0,
            terms: if a == 0.0 { Vec::new() } else { vec![(j, a)] },
        }
    }

    pub fn is_constant(&self) -> bool {
        self.terms.is_empty()
    }

    /// `self + k · other`, merging the sorted term lists in one pass.
    pub fn add_scaled(&self, other: &Aff, k: f64) -> Aff {
        let (a, b) = (&self.terms, &other.terms);
        let mut terms = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            let next = match (a.get(i), b.get(j)) {
                (Some(x), Some(y)) if x.0 == y.0 => {
                    i += 1;
                    j += 1;
                    (x.0, x.1 + k * y.1)
                }
                (Some(x), Some(y)) if x.0 < y.0 => {
                    i += 1;
                    *x
                }
                (Some(x), None) => {
                    i += 1;
                    *x
                }
                (_, Some(y)) => {
                    j += 1;
                    (y.0, k * y.1)
                }
                (None, None) => unreachable!("the loop stops when both are done"),
            };
            if next.1 != 0.0 {
                terms.push(next);
            }
        }
        Aff {
            c: self.c + k * other.c,
            terms,
        }
    }

    pub fn scale(&self, k: f64) -> Aff {
        if k == 0.0 {
            return Aff::constant(0.0);
        }
        Aff {
            c: self.c * k,
            terms: self.terms.iter().map(|&(j, a)| (j, a * k)).collect(),
        }
    }
}

/// Adds many forms with their weights: one sort of all the terms instead of
/// a merge per form (sums over periods and providers stay linear in size).
pub fn weighted_sum<'a>(parts: impl IntoIterator<Item = (&'a Aff, f64)>) -> Aff {
    let mut c = 0.0;
    let mut all: Vec<(usize, f64)> = Vec::new();
    for (f, k) in parts {
        if k == 0.0 {
            continue;
        }
        c += k * f.c;
        all.extend(f.terms.iter().map(|&(j, a)| (j, a * k)));
    }
    all.sort_by_key(|t| t.0);
    let mut terms: Vec<(usize, f64)> = Vec::with_capacity(all.len());
    for (j, a) in all {
        match terms.last_mut() {
            Some(t) if t.0 == j => t.1 += a,
            _ => terms.push((j, a)),
        }
    }
    terms.retain(|t| t.1 != 0.0);
    Aff { c, terms }
}

/// A value of the model read symbolically.
#[derive(Clone, Debug, PartialEq)]
pub enum Lin {
    Scalar(Aff),
    Series(Vec<Aff>),
}

impl Lin {
    pub fn is_constant(&self) -> bool {
        match self {
            Lin::Scalar(a) => a.is_constant(),
            Lin::Series(v) => v.iter().all(Aff::is_constant),
        }
    }

    /// The form in period `i` (a scalar is the same in every period).
    pub fn at(&self, i: usize) -> &Aff {
        match self {
            Lin::Scalar(a) => a,
            Lin::Series(v) => &v[i],
        }
    }

    /// Constant values per period (a scalar repeated), when constant.
    pub fn constants(&self, periods: usize) -> Option<Vec<f64>> {
        if !self.is_constant() {
            return None;
        }
        Some(match self {
            Lin::Scalar(a) => vec![a.c; periods],
            Lin::Series(v) => v.iter().map(|a| a.c).collect(),
        })
    }

    /// Applies `f` period by period (a scalar pair stays a scalar).
    pub fn zip(&self, other: &Lin, periods: usize, f: impl Fn(&Aff, &Aff) -> Aff) -> Lin {
        match (self, other) {
            (Lin::Scalar(a), Lin::Scalar(b)) => Lin::Scalar(f(a, b)),
            _ => Lin::Series((0..periods).map(|i| f(self.at(i), other.at(i))).collect()),
        }
    }

    pub fn map(&self, f: impl Fn(&Aff) -> Aff) -> Lin {
        match self {
            Lin::Scalar(a) => Lin::Scalar(f(a)),
            Lin::Series(v) => Lin::Series(v.iter().map(f).collect()),
        }
    }

    pub fn is_series(&self) -> bool {
        matches!(self, Lin::Series(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adding_merges_and_drops_zeros() {
        let a = Aff {
            c: 1.0,
            terms: vec![(0, 1.0), (2, 3.0)],
        };
        let b = Aff {
            c: 2.0,
            terms: vec![(1, 1.0), (2, 1.5)],
        };
        // 1 + x0 + 3 x2  −  2 (2 + x1 + 1.5 x2)  =  −3 + x0 − 2 x1
        let s = a.add_scaled(&b, -2.0);
        assert_eq!(s.c, -3.0);
        assert_eq!(s.terms, vec![(0, 1.0), (1, -2.0)]);
    }

    #[test]
    fn weighted_sums_collect_terms() {
        let a = Aff::var(3, 2.0);
        let b = Aff {
            c: 1.0,
            terms: vec![(1, 1.0), (3, 1.0)],
        };
        // 0.5 (2 x3) + 2 (1 + x1 + x3) = 2 + 2 x1 + 3 x3
        let s = weighted_sum([(&a, 0.5), (&b, 2.0)]);
        assert_eq!(s.c, 2.0);
        assert_eq!(s.terms, vec![(1, 2.0), (3, 3.0)]);
    }
}
