//! Reducing Monte Carlo samples: mean, standard deviation and percentiles
//! per year, each year's samples handled on its own thread when large.

use rayon::prelude::*;

use super::value::{PARALLEL_FROM, Value};

/// Mean, 5th, 50th and 95th percentile of each year of a value.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub mean: Vec<f64>,
    pub p5: Vec<f64>,
    pub p50: Vec<f64>,
    pub p95: Vec<f64>,
}

fn per_row<T: Send>(v: &Value, f: impl Fn(&[f64]) -> T + Sync + Send) -> Vec<T> {
    let rows: Vec<&[f64]> = v.data().chunks(v.samples().max(1)).collect();
    if v.data().len() >= PARALLEL_FROM {
        rows.into_par_iter().map(f).collect()
    } else {
        rows.into_iter().map(f).collect()
    }
}

/// The mean of each period's samples; `never` periods (+∞) are left out.
pub fn mean(v: &Value) -> Vec<f64> {
    per_row(v, |r| {
        let (sum, n) = r
            .iter()
            .filter(|x| x.is_finite())
            .fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
        if n == 0 {
            f64::INFINITY
        } else {
            sum / n as f64
        }
    })
}

/// The sample standard deviation of each year.
pub fn sd(v: &Value) -> Vec<f64> {
    let means = mean(v);
    let rows: Vec<(&[f64], f64)> = v.data().chunks(v.samples().max(1)).zip(means).collect();
    rows.into_iter()
        .map(|(r, m)| {
            let xs = r.iter().filter(|x| x.is_finite());
            let (ss, n) = xs.fold((0.0, 0usize), |(s, n), x| (s + (x - m) * (x - m), n + 1));
            if n < 2 {
                0.0
            } else {
                (ss / (n - 1) as f64).sqrt()
            }
        })
        .collect()
}

/// Percentile `p` (0..1) of a sorted-or-not row, interpolating between
/// order statistics; `never` (+∞) sorts last.
fn percentile_of(row: &mut [f64], p: f64) -> f64 {
    let n = row.len();
    if n == 1 {
        return row[0];
    }
    let h = p.clamp(0.0, 1.0) * (n - 1) as f64;
    let lo = h.floor() as usize;
    let (_, a, rest) = row.select_nth_unstable_by(lo, f64::total_cmp);
    let a = *a;
    let frac = h - lo as f64;
    if frac == 0.0 || rest.is_empty() {
        return a;
    }
    let b = rest.iter().copied().min_by(f64::total_cmp).unwrap_or(a);
    interpolate(a, b, frac)
}

/// Between two order statistics; `never` stays `never` rather than NaN.
fn interpolate(a: f64, b: f64, frac: f64) -> f64 {
    if a == b {
        return a;
    }
    a + (b - a) * frac
}

/// Percentile `p` (0..1) of each period's samples.
pub fn percentile(v: &Value, p: f64) -> Vec<f64> {
    per_row(v, |r| percentile_of(&mut r.to_vec(), p))
}

/// The fraction of samples that hold, each year.
pub fn prob(v: &Value) -> Vec<f64> {
    per_row(v, |r| {
        r.iter().filter(|&&x| x != 0.0).count() as f64 / r.len() as f64
    })
}

/// Mean and the 5th/50th/95th percentiles of each year. The median is
/// selected first; the 5th and 95th percentiles are then selected in the
/// halves below and above it, so the three cost about two passes.
pub fn summary(v: &Value) -> Summary {
    let quantiles = per_row(v, |r| {
        let mut row = r.to_vec();
        let n = row.len();
        if n < 4 {
            return [0.05, 0.5, 0.95].map(|p| percentile_of(&mut row, p));
        }
        let p50 = percentile_of(&mut row, 0.5);
        // After selecting the median's lower order statistic, everything
        // before it is ≤ and everything after it is ≥.
        let mid = (0.5 * (n - 1) as f64).floor() as usize;
        let (low, high) = row.split_at_mut(mid + 1);
        let p5 = percentile_in(low, 0.05, n);
        let p95 = percentile_in_upper(high, 0.95, n, mid + 1);
        [p5, p50, p95]
    });
    Summary {
        mean: mean(v),
        p5: quantiles.iter().map(|q| q[0]).collect(),
        p50: quantiles.iter().map(|q| q[1]).collect(),
        p95: quantiles.iter().map(|q| q[2]).collect(),
    }
}

/// Percentile `p` of `n` numbers whose lowest ones are `low` (unordered),
/// when the order statistics it needs lie in `low`.
fn percentile_in(low: &mut [f64], p: f64, n: usize) -> f64 {
    let h = p * (n - 1) as f64;
    let i = h.floor() as usize;
    let (_, a, rest) = low.select_nth_unstable_by(i, f64::total_cmp);
    let a = *a;
    let frac = h - i as f64;
    if frac == 0.0 {
        return a;
    }
    let b = rest.iter().copied().min_by(f64::total_cmp).unwrap_or(a);
    interpolate(a, b, frac)
}

/// Like [`percentile_in`] for the highest numbers, which start at rank `offset`.
fn percentile_in_upper(high: &mut [f64], p: f64, n: usize, offset: usize) -> f64 {
    let h = p * (n - 1) as f64;
    let i = h.floor() as usize - offset;
    let (_, a, rest) = high.select_nth_unstable_by(i, f64::total_cmp);
    let a = *a;
    let frac = h - h.floor();
    if frac == 0.0 {
        return a;
    }
    let b = rest.iter().copied().min_by(f64::total_cmp).unwrap_or(a);
    interpolate(a, b, frac)
}

/// Average ranks (1-based, ties share their mean rank).
fn ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

/// Spearman's rank correlation of two equally long samples (0 when either
/// does not vary).
pub fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in ra.iter().zip(&rb) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    if saa == 0.0 || sbb == 0.0 {
        0.0
    } else {
        sab / (saa * sbb).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::value::Meta;

    #[test]
    fn spearman_of_monotone_and_reversed() {
        let a = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(spearman(&a, &[10.0, 20.0, 30.0, 40.0]), 1.0);
        assert_eq!(spearman(&a, &[4.0, 3.0, 2.0, 1.0]), -1.0);
        assert_eq!(spearman(&a, &[1.0, 1.0, 1.0, 1.0]), 0.0);
    }

    #[test]
    fn percentiles_interpolate() {
        let v = Value::from_rows(Meta::NUMBER, false, 5, vec![5.0, 1.0, 4.0, 2.0, 3.0]);
        assert_eq!(percentile(&v, 0.5), vec![3.0]);
        assert_eq!(percentile(&v, 0.0), vec![1.0]);
        assert_eq!(percentile(&v, 1.0), vec![5.0]);
        assert_eq!(percentile(&v, 0.125), vec![1.5]);
        assert_eq!(mean(&v), vec![3.0]);
        assert!((sd(&v)[0] - 2.5f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn summary_agrees_with_single_percentiles() {
        let data: Vec<f64> = (0..1001).map(|i| ((i * 7919) % 1001) as f64).collect();
        let v = Value::from_rows(Meta::NUMBER, false, 1001, data);
        let s = summary(&v);
        assert_eq!(s.p5, percentile(&v, 0.05));
        assert_eq!(s.p50, percentile(&v, 0.5));
        assert_eq!(s.p95, percentile(&v, 0.95));
        assert_eq!(s.p5, vec![50.0]);
        let even: Vec<f64> = (0..1000).rev().map(f64::from).collect();
        let v = Value::from_rows(Meta::NUMBER, false, 1000, even);
        let s = summary(&v);
        assert_eq!(s.p5, percentile(&v, 0.05));
        assert_eq!(s.p95, percentile(&v, 0.95));
        assert_eq!(s.p50, vec![499.5]);
    }
}
