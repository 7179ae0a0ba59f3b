//! Charts of series over the years: plain data ([`Chart`], [`Series`],
//! [`AxisUnit`]) independent of the interpreter, drawn as text for the
//! terminal ([`terminal::render`]) or as SVG ([`svg::render`]).
//!
//! Both renderers share the value axis computed here: "nice" ticks chosen in
//! the unit people read (`$10B` steps, not `1e10 USD`), every tick written in
//! the one unit that suits the largest of them (`0 GW`, `2 GW`, … `10 GW`).

pub mod svg;
pub mod terminal;

use miette::Diagnostic;
use thiserror::Error;

use crate::check::Model;
use crate::eval::Value;
use crate::units::dim::TIME;
use crate::units::format::{Hint, Kind, TIME_UNITS, format_like};
use crate::units::{BaseNames, Dim};

/// One line (or, in a stacked chart, one band) of a chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub label: String,
    /// One value per year of the chart, in SI units; NaN is a gap. For an
    /// uncertain series, the median.
    pub values: Vec<f64>,
    /// For an uncertain series, the 5th and 95th percentiles per year, drawn
    /// as a shaded band around the median.
    pub band: Option<(Vec<f64>, Vec<f64>)>,
}

impl Series {
    pub fn new(label: impl Into<String>, values: Vec<f64>) -> Series {
        Series {
            label: label.into(),
            values,
            band: None,
        }
    }

    /// The same series with a 5–95% band (`p5`, `p95`, one value per year).
    pub fn with_band(mut self, p5: Vec<f64>, p95: Vec<f64>) -> Series {
        self.band = Some((p5, p95));
        self
    }

    /// A series from an evaluated value: one value per year of the model's
    /// timeline, a scalar repeated in every year (a flat line, e.g. a target).
    /// An uncertain value gives its median, with its 5–95% band.
    pub fn from_value(model: &Model, label: impl Into<String>, v: &Value) -> Series {
        let n = model
            .periods()
            .max(if v.is_series() { v.rows() } else { 1 });
        let spread = |row: Vec<f64>| -> Vec<f64> {
            if v.is_series() {
                row
            } else {
                vec![row.first().copied().unwrap_or(f64::NAN); n]
            }
        };
        if v.is_uncertain() {
            let s = crate::eval::stats::summary(v);
            Series::new(label, spread(s.p50)).with_band(spread(s.p5), spread(s.p95))
        } else {
            Series::new(label, v.to_series(n))
        }
    }
}

/// What the value axis measures, so its ticks can be written for people.
#[derive(Clone, Debug, PartialEq)]
pub struct AxisUnit {
    pub dim: Dim,
    pub kind: Kind,
    pub hint: Hint,
    /// The names of base dimensions (the model's `base_names`), for user units.
    pub names: BaseNames,
}

impl Default for AxisUnit {
    fn default() -> Self {
        AxisUnit::plain()
    }
}

impl AxisUnit {
    /// Plain numbers.
    pub fn plain() -> AxisUnit {
        AxisUnit::new(Dim::NONE, Kind::Number, Hint::default())
    }

    /// A dimension with the built-in base names.
    pub fn new(dim: Dim, kind: Kind, hint: Hint) -> AxisUnit {
        AxisUnit {
            dim,
            kind,
            hint,
            names: BaseNames::default(),
        }
    }

    /// The unit of an evaluated value, with the model's base names.
    pub fn of(model: &Model, v: &Value) -> AxisUnit {
        AxisUnit {
            dim: v.dim(),
            kind: v.kind(),
            hint: v.hint(),
            names: model.base_names.clone(),
        }
    }

    /// `v` written in the unit suited to `reference` (`$5.00B`, `1.5 GW`).
    pub fn format(&self, v: f64, reference: f64) -> String {
        format_like(v, reference, self.dim, self.kind, self.hint, &self.names)
    }

    /// What one displayed unit is worth in SI for values near `reference`:
    /// 1e9 for `$…B` and `… GW`, 0.01 for `%`, 3.6e15 for `… TWh`. Ticks are
    /// chosen as round numbers of that unit.
    pub fn display_factor(&self, reference: f64) -> f64 {
        match self.kind {
            Kind::Percent if self.dim.is_none() => return 0.01,
            Kind::Bool | Kind::Period => return 1.0,
            _ => {}
        }
        if !reference.is_finite() || reference == 0.0 {
            return 1.0;
        }
        let shown = match leading_number(&self.format(reference, reference)) {
            Some(d) if d > 0.0 && d.is_finite() => d,
            _ => return 1.0,
        };
        // The display rounds to a few digits: snap the estimate to a power of
        // ten times the time unit the dimension carries (`/h`, `TWh`).
        let approx = reference.abs() / shown;
        let e = i32::from(self.dim.0[TIME]);
        let candidates: Vec<f64> = if e == 0 {
            vec![1.0]
        } else {
            TIME_UNITS.iter().map(|u| u.1.powi(e)).collect()
        };
        let mut best = (f64::INFINITY, approx);
        for c in candidates {
            let l = (approx / c).log10();
            let off = (l - l.round()).abs();
            if off < best.0 {
                best = (off, c * 10f64.powi(l.round() as i32));
            }
        }
        best.1
    }

    /// A tick label: like [`AxisUnit::format`], without trailing zeros
    /// (`$10B`, not `$10.0B`).
    pub fn tick_label(&self, v: f64, reference: f64) -> String {
        let v = if v == 0.0 { 0.0 } else { v };
        trim_zeros(&self.format(v, reference))
    }

    /// The unit part of the tick labels (`$B`, `GW`, `%`, `M gpu`), empty for
    /// plain numbers.
    pub fn caption(&self, reference: f64) -> String {
        if matches!(self.kind, Kind::Bool | Kind::Period) {
            return String::new();
        }
        let s = self.tick_label(reference, reference);
        let mut out = String::new();
        let mut in_number = false;
        for c in s.chars() {
            if c.is_ascii_digit() || (in_number && c == '.') {
                in_number = true;
                continue;
            }
            if c == '-' && !in_number {
                continue;
            }
            in_number = false;
            out.push(c);
        }
        out.trim().to_string()
    }
}

/// The first number written in `s`, ignoring a sign and currency (`-$5.25B` → 5.25).
fn leading_number(s: &str) -> Option<f64> {
    let start = s.find(|c: char| c.is_ascii_digit())?;
    let rest = &s[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// Drops trailing zeros of the first decimal number in `s` (`$10.0B` → `$10B`).
fn trim_zeros(s: &str) -> String {
    let Some(start) = s.find(|c: char| c.is_ascii_digit()) else {
        return s.to_string();
    };
    let rest = &s[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let mut num = rest[..end].to_string();
    if num.contains('.') {
        while num.ends_with('0') {
            num.pop();
        }
        if num.ends_with('.') {
            num.pop();
        }
    }
    format!("{}{}{}", &s[..start], num, &rest[end..])
}

/// A chart: series over years, drawn as lines (or stacked areas) against one
/// value axis.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    pub title: String,
    /// The calendar year of each period along the bottom; every series has
    /// one value per period.
    pub years: Vec<i64>,
    /// How each period is written (`2026`, `2026-07`).
    pub labels: Vec<String>,
    /// Periods per year (1, 4 or 12): the axis is labelled by year, with a
    /// mark at every period.
    pub per_year: usize,
    pub series: Vec<Series>,
    /// Stacked areas (the series summed, one band each) rather than lines.
    /// A stacked chart stacks the medians of uncertain series, without bands.
    pub stacked: bool,
    pub unit: AxisUnit,
}

/// Why a chart cannot be made or drawn.
#[derive(Clone, Debug, Error, Diagnostic, PartialEq)]
pub enum ChartError {
    #[error("a chart needs a timeline: there are no years to plot")]
    #[diagnostic(
        code(scn::plot_no_timeline),
        help("add one, such as `timeline 2024..2030`")
    )]
    NoTimeline,
    #[error("cannot plot `{label}` ({unit}) on the same axis as `{first}` ({first_unit})")]
    #[diagnostic(
        code(scn::plot_mixed_units),
        help("plot values of one unit together; make a second plot for the others")
    )]
    MixedUnits {
        first: String,
        first_unit: String,
        label: String,
        unit: String,
    },
    #[error("cannot draw the chart: {0}")]
    #[diagnostic(code(scn::plot_failed))]
    Draw(String),
}

impl Chart {
    pub fn new(title: impl Into<String>, years: Vec<i64>, unit: AxisUnit) -> Chart {
        Chart {
            title: title.into(),
            labels: years.iter().map(|y| y.to_string()).collect(),
            per_year: 1,
            years,
            series: Vec::new(),
            stacked: false,
            unit,
        }
    }

    pub fn with_series(mut self, s: Series) -> Chart {
        self.series.push(s);
        self
    }

    pub fn stacked(mut self, stacked: bool) -> Chart {
        self.stacked = stacked;
        self
    }

    /// A chart of evaluated values over the model's timeline: what `plot`
    /// draws. Every value must have the first one's dimension (one axis);
    /// scalars are drawn as flat lines. An empty `title` is made from the
    /// labels (`spend, microsoft.spend`).
    pub fn from_values(
        model: &Model,
        title: &str,
        values: &[(String, &Value)],
        stacked: bool,
    ) -> Result<Chart, ChartError> {
        let Some(t) = model.timeline else {
            return Err(ChartError::NoTimeline);
        };
        let years: Vec<i64> = (0..t.len()).map(|i| t.year_of(i)).collect();
        let labels: Vec<String> = (0..t.len()).map(|i| t.label(i)).collect();
        let unit = match values.first() {
            Some((_, v)) => {
                let mut u = AxisUnit::of(model, v);
                for (_, w) in &values[1..] {
                    u.hint = u.hint.or(w.hint());
                }
                u
            }
            None => AxisUnit::plain(),
        };
        let label =
            |v: &Value| crate::units::unit_label(v.dim(), v.kind(), v.hint(), &model.base_names);
        if let Some((first, fv)) = values.first() {
            for (l, v) in &values[1..] {
                if v.dim() != fv.dim() {
                    return Err(ChartError::MixedUnits {
                        first: first.clone(),
                        first_unit: label(fv),
                        label: l.clone(),
                        unit: label(v),
                    });
                }
            }
        }
        let title = if title.is_empty() {
            values
                .iter()
                .map(|(l, _)| l.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            title.to_string()
        };
        let mut chart = Chart::new(title, years, unit).stacked(stacked);
        chart.labels = labels;
        chart.per_year = t.per_year();
        for (l, v) in values {
            chart.series.push(Series::from_value(model, l.clone(), v));
        }
        Ok(chart)
    }

    /// The value of series `s` in year index `i` (NaN when missing).
    fn value(&self, s: usize, i: usize) -> f64 {
        self.series[s].values.get(i).copied().unwrap_or(f64::NAN)
    }

    /// Stacked boundaries: `bounds[s][i]` is the top of band `s` in year `i`
    /// (the bottom is `bounds[s-1][i]`, or 0). A missing value counts as 0.
    pub(crate) fn stack_bounds(&self) -> Vec<Vec<f64>> {
        let n = self.years.len();
        let mut acc = vec![0.0; n];
        let mut out = Vec::with_capacity(self.series.len());
        for s in 0..self.series.len() {
            for (i, a) in acc.iter_mut().enumerate() {
                let v = self.value(s, i);
                if v.is_finite() {
                    *a += v;
                }
            }
            out.push(acc.clone());
        }
        out
    }

    /// Every finite value the axis must show.
    fn extent(&self) -> Option<(f64, f64)> {
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        let mut see = |v: f64| {
            if v.is_finite() {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        };
        if self.stacked {
            self.stack_bounds().iter().flatten().for_each(|&v| see(v));
        } else {
            for s in &self.series {
                s.values.iter().for_each(|&v| see(v));
                if let Some((a, b)) = &s.band {
                    a.iter().chain(b).for_each(|&v| see(v));
                }
            }
        }
        (lo <= hi).then_some((lo, hi))
    }

    /// The value axis with about `target` intervals between ticks.
    pub(crate) fn y_axis(&self, target: usize) -> YAxis {
        let (lo, hi) = self.extent().unwrap_or((0.0, 0.0));
        // Amounts are read from zero: the axis always includes it.
        let (lo, hi) = (lo.min(0.0), hi.max(0.0));
        if lo == hi {
            // Nothing but zeros: the zero line in the middle, one tick.
            let label = self.unit.tick_label(0.0, 0.0);
            return YAxis {
                lo: -1.0,
                hi: 1.0,
                ticks: vec![0.0],
                labels: vec![label],
                caption: String::new(),
            };
        }
        let reference = if hi.abs() >= lo.abs() { hi } else { lo };
        let f = self.unit.display_factor(reference);
        let (a, b) = (lo / f, hi / f);
        let (step, k0, k1) = choose_ticks(a, b, target.max(1));
        let ticks: Vec<f64> = (k0..=k1).map(|k| clean(k as f64 * step) * f).collect();
        let lo = ticks[0];
        let hi = ticks[ticks.len() - 1];
        let top = if hi.abs() >= lo.abs() { hi } else { lo };
        let labels = ticks
            .iter()
            .map(|&t| self.unit.tick_label(t, top))
            .collect();
        YAxis {
            lo,
            hi,
            ticks,
            labels,
            caption: self.unit.caption(top),
        }
    }

    /// Which years get a label: every `stride`-th (years divisible by it),
    /// where `room` is the space between neighbouring years and `width` the
    /// space one label needs, in the same measure.
    pub(crate) fn year_stride(&self, room: f64, width: f64) -> i64 {
        // Labels are per year: a year is `per_year` periods wide.
        let room = room * self.per_year.max(1) as f64;
        for s in [1i64, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000] {
            if room * s as f64 >= width {
                return s;
            }
        }
        i64::MAX
    }

    /// Whether period `i` starts a calendar year (its first period on the axis).
    pub(crate) fn year_start(&self, i: usize) -> bool {
        i == 0 || self.years[i] != self.years[i - 1]
    }

    /// Whether period `i` gets its year as a label with the given stride:
    /// the first period of a year whose number the stride divides.
    pub(crate) fn labelled(&self, i: usize, stride: i64) -> bool {
        let y = self.years[i];
        self.year_start(i)
            && (stride == 1
                || (stride != i64::MAX && y.rem_euclid(stride) == 0)
                || self.years.len() == 1)
    }
}

/// The value axis: its range and the ticks with their labels.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct YAxis {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<f64>,
    pub labels: Vec<String>,
    /// The unit the ticks are written in (`$B`, `GW`), empty for plain numbers.
    pub caption: String,
}

/// Ticks at multiples `k0..=k1` of a round step (1, 2, 2.5 or 5 × 10ⁿ)
/// covering `a..b` (a < b) in about `target` intervals: of the steps giving
/// between half and one and a half times as many (at least two), the one
/// that best balances wasted axis against the number of intervals.
fn choose_ticks(a: f64, b: f64, target: usize) -> (f64, i64, i64) {
    let span = b - a;
    let ticks = |step: f64| {
        let k0 = (a / step + 1e-9).floor() as i64;
        let k1 = (b / step - 1e-9).ceil() as i64;
        (step, k0, k1)
    };
    let t = target as f64;
    let lowest = (span / (t * 2.0)).log10().floor() as i32;
    let mut best: Option<(f64, (f64, i64, i64))> = None;
    for e in lowest..=lowest + 2 {
        for m in [1.0, 2.0, 2.5, 5.0] {
            let step = m * 10f64.powi(e);
            let c = ticks(step);
            let n = (c.2 - c.1) as f64;
            if n < (t / 2.0).floor().max(2.0) || n > (t * 1.5).max(2.0) {
                continue;
            }
            let waste = 1.0 - span / (n * step);
            let score = waste + 0.4 * (n - t).abs() / t;
            if best.is_none_or(|b| score < b.0) {
                best = Some((score, c));
            }
        }
    }
    best.map_or_else(|| ticks(span / t), |b| b.1)
}

/// Rounds away the binary noise of `k * step` (0.30000000000000004 → 0.3).
fn clean(x: f64) -> f64 {
    if x == 0.0 {
        return 0.0;
    }
    let mag = 10f64.powf(x.abs().log10().floor() - 10.0);
    (x / mag).round() * mag
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::dim::{MONEY, POWER};

    fn chart(unit: AxisUnit, values: Vec<f64>) -> Chart {
        let years = (2024..2024 + values.len() as i64).collect();
        Chart::new("t", years, unit).with_series(Series::new("a", values))
    }

    #[test]
    fn money_ticks_read_in_billions() {
        let c = chart(
            AxisUnit::new(Dim::base(MONEY), Kind::Number, Hint::default()),
            vec![5e9, 41.7e9],
        );
        let a = c.y_axis(5);
        assert_eq!(a.labels, ["$0B", "$10B", "$20B", "$30B", "$40B", "$50B"]);
        assert_eq!(a.caption, "$B");
    }

    #[test]
    fn energy_ticks_snap_to_terawatt_hours() {
        let c = chart(
            AxisUnit::new(Dim::energy(), Kind::Number, Hint::default()),
            vec![0.0, 17.52 * 3.6e15],
        );
        let a = c.y_axis(4);
        assert_eq!(a.labels, ["0 TWh", "5 TWh", "10 TWh", "15 TWh", "20 TWh"]);
    }

    #[test]
    fn negative_and_percent() {
        let c = chart(
            AxisUnit::new(Dim::NONE, Kind::Percent, Hint::default()),
            vec![-0.25, 0.75],
        );
        let a = c.y_axis(4);
        assert_eq!(a.labels, ["-25%", "0%", "25%", "50%", "75%"]);
        let c = chart(
            AxisUnit::new(Dim::base(POWER), Kind::Number, Hint::default()),
            vec![-1.5e9, 3e9],
        );
        assert_eq!(
            c.y_axis(4).labels,
            ["-2 GW", "-1 GW", "0 GW", "1 GW", "2 GW", "3 GW"]
        );
    }

    #[test]
    fn per_hour_prices() {
        let names = BaseNames::default();
        let d = Dim::base(MONEY).per(Dim::base(TIME)).unwrap();
        let unit = AxisUnit {
            dim: d,
            kind: Kind::Number,
            hint: Hint::from_unit("h"),
            names,
        };
        let c = chart(unit, vec![2.0 / 3600.0, 3.0 / 3600.0]);
        assert_eq!(c.y_axis(3).labels, ["$0/h", "$1/h", "$2/h", "$3/h"]);
    }
}
