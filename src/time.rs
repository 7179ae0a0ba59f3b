//! The time axis: a timeline of years, quarters or months, and the period
//! literals that point into it. Every stage asks this module where a period
//! is, how long it lasts and how it is written; nothing else does arithmetic
//! on years.
//!
//! A period *value* (what `when`, `period` and a literal like `2026-07`
//! evaluate to) is the year with a fraction at the period's start: 2026-07
//! is 2026.5, 2026Q2 is 2026.25, and the year 2026 is 2026.0, its own first
//! period. So a period compares with a year with no conversion, and `never`
//! is +∞, later than every period.

use serde::Serialize;

use crate::span::Span;

/// How long a period of the timeline is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Step {
    Yearly,
    Quarterly,
    Monthly,
}

impl Step {
    /// Periods in a year: 1, 4 or 12.
    pub fn per_year(self) -> i64 {
        match self {
            Step::Yearly => 1,
            Step::Quarterly => 4,
            Step::Monthly => 12,
        }
    }

    /// The length of a period in years (`dt`).
    pub fn dt(self) -> f64 {
        1.0 / self.per_year() as f64
    }

    pub fn word(self) -> &'static str {
        match self {
            Step::Yearly => "yearly",
            Step::Quarterly => "quarterly",
            Step::Monthly => "monthly",
        }
    }

    /// What one period is called: `year`, `quarter`, `month`.
    pub fn noun(self) -> &'static str {
        match self {
            Step::Yearly => "year",
            Step::Quarterly => "quarter",
            Step::Monthly => "month",
        }
    }

    fn fineness(self) -> u8 {
        match self {
            Step::Yearly => 0,
            Step::Quarterly => 1,
            Step::Monthly => 2,
        }
    }
}

/// What a period literal names: a whole year, a quarter or a month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Sub {
    Year,
    Quarter(u8),
    Month(u8),
}

/// `2026`, `2026Q3` or `2026-07` as written in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct PeriodLit {
    pub year: i64,
    pub sub: Sub,
    pub span: Span,
}

/// Years beyond this are refused when parsed: no plan spans a million years,
/// and the bound keeps every period computation far from overflow.
pub const MAX_YEAR: i64 = 1_000_000;

/// The most periods a timeline may have (1,000 years of months).
pub const MAX_PERIODS: usize = 12_000;

impl PeriodLit {
    pub fn year(year: i64, span: Span) -> PeriodLit {
        PeriodLit {
            year,
            sub: Sub::Year,
            span,
        }
    }

    /// Reads `2026`, `2026Q3` or `2026-07` (as in a CSV file's cell).
    pub fn parse(text: &str, span: Span) -> Option<PeriodLit> {
        let t = text.trim();
        let year_of = |y: &str| y.parse::<i64>().ok().filter(|y| y.abs() <= MAX_YEAR);
        if let Some((y, m)) = t.split_once('-').filter(|(y, _)| y.len() == 4) {
            let m: u8 = m.parse().ok().filter(|m| (1..=12).contains(m))?;
            return Some(PeriodLit {
                year: year_of(y)?,
                sub: Sub::Month(m),
                span,
            });
        }
        if let Some((y, q)) = t.split_once('Q') {
            let q: u8 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
            return Some(PeriodLit {
                year: year_of(y)?,
                sub: Sub::Quarter(q),
                span,
            });
        }
        Some(PeriodLit::year(year_of(t)?, span))
    }

    /// The literal as written: `2026`, `2026Q3`, `2026-07`.
    pub fn text(&self) -> String {
        match self.sub {
            Sub::Year => self.year.to_string(),
            Sub::Quarter(q) => format!("{}Q{q}", self.year),
            Sub::Month(m) => format!("{}-{m:02}", self.year),
        }
    }

    /// The step the literal is written in.
    pub fn step(&self) -> Step {
        match self.sub {
            Sub::Year => Step::Yearly,
            Sub::Quarter(_) => Step::Quarterly,
            Sub::Month(_) => Step::Monthly,
        }
    }

    /// The period value of its start (see the module comment).
    pub fn value(&self) -> f64 {
        self.year as f64
            + match self.sub {
                Sub::Year => 0.0,
                Sub::Quarter(q) => f64::from(q - 1) / 4.0,
                Sub::Month(m) => f64::from(m - 1) / 12.0,
            }
    }
}

/// What went wrong placing a period on the timeline.
#[derive(Clone, Debug, PartialEq)]
pub enum TimeError {
    /// A month on a quarterly timeline, a quarter on a yearly one.
    TooFine { literal: String, step: Step },
    /// The period is not on the timeline.
    Outside { literal: String },
    /// A value that is not the start of a period (2026.3 on a monthly axis).
    NotAPeriod,
}

/// The timeline of a model: `step`, the first period and how many there are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Timeline {
    pub step: Step,
    /// The first period, counted in periods from year 0 (`year × per_year + k`).
    pub first: i64,
    pub len: usize,
    pub span: Span,
}

impl Timeline {
    /// A yearly timeline, both ends included.
    pub fn yearly(start: i64, end: i64) -> Timeline {
        Timeline {
            step: Step::Yearly,
            first: start,
            len: (end - start + 1).max(0) as usize,
            span: Span::default(),
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn dt(&self) -> f64 {
        self.step.dt()
    }

    pub fn per_year(&self) -> usize {
        self.step.per_year() as usize
    }

    fn absolute(&self, i: usize) -> i64 {
        self.first + i as i64
    }

    /// The calendar year of period `i`.
    pub fn year_of(&self, i: usize) -> i64 {
        self.absolute(i).div_euclid(self.step.per_year())
    }

    /// The period value of period `i` (2026.5 for 2026-07).
    pub fn value_of(&self, i: usize) -> f64 {
        let a = self.absolute(i);
        let ppy = self.step.per_year();
        a.div_euclid(ppy) as f64 + a.rem_euclid(ppy) as f64 / ppy as f64
    }

    /// How period `i` is written: `2026`, `2026Q3`, `2026-07`.
    pub fn label(&self, i: usize) -> String {
        label_absolute(self.absolute(i), self.step)
    }

    /// The first and last calendar year of the timeline.
    pub fn years(&self) -> (i64, i64) {
        (self.year_of(0), self.year_of(self.len.saturating_sub(1)))
    }

    /// The whole timeline as written: `2024..2030`, `2025-01..2026-12`.
    pub fn range_text(&self) -> String {
        format!(
            "{}..{}",
            self.label(0),
            self.label(self.len.saturating_sub(1))
        )
    }

    /// A period value written for people on this timeline (`never` for +∞).
    pub fn format_value(&self, v: f64) -> String {
        if v.is_infinite() && v > 0.0 {
            return "never".into();
        }
        if !v.is_finite() {
            return "–".into();
        }
        let ppy = self.step.per_year();
        let a = (v * ppy as f64).round();
        if (v * ppy as f64 - a).abs() < 1e-6 && a.abs() < 1e15 {
            label_absolute(a as i64, self.step)
        } else {
            crate::units::format::fmt_sig(v, 6, true)
        }
    }

    /// Checks that a literal is no finer than the timeline: a month on a
    /// quarterly timeline is an error, a quarter on a monthly one is fine.
    pub fn admits(&self, lit: &PeriodLit) -> Result<(), TimeError> {
        if lit.step().fineness() > self.step.fineness() {
            return Err(TimeError::TooFine {
                literal: lit.text(),
                step: self.step,
            });
        }
        Ok(())
    }

    /// The absolute period a literal starts (`end = false`) or ends at: a
    /// year ending a range stands for its last period.
    fn absolute_of(&self, lit: &PeriodLit, end: bool) -> Result<i64, TimeError> {
        self.admits(lit)?;
        let ppy = self.step.per_year();
        let (first, count) = match lit.sub {
            Sub::Year => (lit.year * ppy, ppy),
            Sub::Quarter(q) => {
                let per_quarter = ppy / 4;
                (lit.year * ppy + i64::from(q - 1) * per_quarter, per_quarter)
            }
            Sub::Month(m) => (lit.year * ppy + i64::from(m - 1), 1),
        };
        Ok(if end { first + count - 1 } else { first })
    }

    /// The index of the period a literal starts, which must be on the timeline.
    pub fn index_of(&self, lit: &PeriodLit) -> Result<usize, TimeError> {
        let a = self.absolute_of(lit, false)?;
        self.index_of_absolute(a).ok_or_else(|| TimeError::Outside {
            literal: lit.text(),
        })
    }

    /// Where a literal falls, counted in periods from the first one (may be
    /// negative or past the end): for keyframes, which may lie outside.
    pub fn position_of(&self, lit: &PeriodLit) -> Result<i64, TimeError> {
        Ok(self.absolute_of(lit, false)? - self.first)
    }

    /// The periods a range covers, both ends included; both must be on the
    /// timeline and in order.
    pub fn range_of(
        &self,
        start: &PeriodLit,
        end: &PeriodLit,
    ) -> Result<std::ops::Range<usize>, TimeError> {
        let a = self.absolute_of(start, false)?;
        let b = self.absolute_of(end, true)?;
        let (Some(i), Some(j)) = (self.index_of_absolute(a), self.index_of_absolute(b)) else {
            return Err(TimeError::Outside {
                literal: format!("{}..{}", start.text(), end.text()),
            });
        };
        if i > j {
            return Err(TimeError::Outside {
                literal: format!("{}..{}", start.text(), end.text()),
            });
        }
        Ok(i..j + 1)
    }

    /// The periods of one year or of one literal period (`sum(x, 2026)`).
    pub fn span_of(&self, lit: &PeriodLit) -> Result<std::ops::Range<usize>, TimeError> {
        self.range_of(lit, lit)
    }

    fn index_of_absolute(&self, a: i64) -> Option<usize> {
        let i = a.checked_sub(self.first)?;
        (i >= 0 && (i as usize) < self.len).then_some(i as usize)
    }

    /// The index of the period that starts at value `v`, if `v` starts a
    /// period of the timeline.
    pub fn index_of_value(&self, v: f64) -> Result<usize, TimeError> {
        if !v.is_finite() {
            return Err(TimeError::NotAPeriod);
        }
        let x = v * self.step.per_year() as f64;
        let a = x.round();
        if (x - a).abs() > 1e-6 || a.abs() > 1e15 {
            return Err(TimeError::NotAPeriod);
        }
        self.index_of_absolute(a as i64)
            .ok_or_else(|| TimeError::Outside {
                literal: self.format_value(v),
            })
    }

    /// The nearest period start to `v`, counted from the first period (may
    /// lie outside): how an uncertain `online` date lands on the timeline.
    pub fn nearest_position(&self, v: f64) -> f64 {
        (v * self.step.per_year() as f64).round() - self.first as f64
    }

    /// The periods of each calendar year the timeline touches, in order.
    pub fn year_groups(&self) -> Vec<(i64, std::ops::Range<usize>)> {
        let mut out: Vec<(i64, std::ops::Range<usize>)> = Vec::new();
        for i in 0..self.len {
            let y = self.year_of(i);
            match out.last_mut() {
                Some((yy, r)) if *yy == y => r.end = i + 1,
                _ => out.push((y, i..i + 1)),
            }
        }
        out
    }
}

fn label_absolute(a: i64, step: Step) -> String {
    let ppy = step.per_year();
    let (y, k) = (a.div_euclid(ppy), a.rem_euclid(ppy));
    match step {
        Step::Yearly => y.to_string(),
        Step::Quarterly => format!("{y}Q{}", k + 1),
        Step::Monthly => format!("{y}-{:02}", k + 1),
    }
}

/// Builds a timeline from its declared ends and step (inferred from the
/// literals when not written).
pub fn timeline(
    start: &PeriodLit,
    end: &PeriodLit,
    step: Option<Step>,
    span: Span,
) -> Result<Timeline, TimeError> {
    let step = step.unwrap_or_else(|| {
        if start.step().fineness() >= end.step().fineness() {
            start.step()
        } else {
            end.step()
        }
    });
    let probe = Timeline {
        step,
        first: 0,
        len: 0,
        span,
    };
    let a = probe.absolute_of(start, false)?;
    let b = probe.absolute_of(end, true)?;
    Ok(Timeline {
        step,
        first: a,
        len: (b - a + 1).max(0) as usize,
        span,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(year: i64, sub: Sub) -> PeriodLit {
        PeriodLit {
            year,
            sub,
            span: Span::default(),
        }
    }

    #[test]
    fn values_put_periods_on_the_year_line() {
        assert_eq!(lit(2026, Sub::Month(7)).value(), 2026.5);
        assert_eq!(lit(2026, Sub::Quarter(3)).value(), 2026.5);
        assert_eq!(lit(2026, Sub::Year).value(), 2026.0);
        assert_eq!(lit(2026, Sub::Quarter(2)).text(), "2026Q2");
        assert_eq!(lit(2026, Sub::Month(2)).text(), "2026-02");
    }

    #[test]
    fn monthly_timeline_counts_months() {
        let t = timeline(
            &lit(2025, Sub::Month(1)),
            &lit(2026, Sub::Month(12)),
            Some(Step::Monthly),
            Span::default(),
        )
        .unwrap();
        assert_eq!(t.len(), 24);
        assert_eq!(t.label(6), "2025-07");
        assert_eq!(t.year_of(12), 2026);
        assert_eq!(t.value_of(6), 2025.5);
        assert_eq!(t.index_of(&lit(2026, Sub::Year)).unwrap(), 12);
        // A quarter on a monthly timeline is its first month…
        assert_eq!(t.index_of(&lit(2025, Sub::Quarter(3))).unwrap(), 6);
        // …and a year ending a range its last month.
        assert_eq!(
            t.range_of(&lit(2025, Sub::Year), &lit(2026, Sub::Year))
                .unwrap(),
            0..24
        );
        assert_eq!(t.span_of(&lit(2025, Sub::Quarter(2))).unwrap(), 3..6);
        assert_eq!(t.index_of_value(2025.5).unwrap(), 6);
        assert_eq!(t.index_of_value(2025.3), Err(TimeError::NotAPeriod));
        assert_eq!(t.format_value(f64::INFINITY), "never");
        assert_eq!(t.format_value(2026.0 + 11.0 / 12.0), "2026-12");
        assert_eq!(t.year_groups(), vec![(2025, 0..12), (2026, 12..24)]);
    }

    #[test]
    fn quarterly_timeline_refuses_months() {
        let t = timeline(
            &lit(2025, Sub::Quarter(1)),
            &lit(2027, Sub::Quarter(4)),
            None,
            Span::default(),
        )
        .unwrap();
        assert_eq!(t.step, Step::Quarterly);
        assert_eq!(t.len(), 12);
        assert_eq!(t.label(2), "2025Q3");
        assert!(matches!(
            t.index_of(&lit(2026, Sub::Month(8))),
            Err(TimeError::TooFine { .. })
        ));
        assert_eq!(t.dt(), 0.25);
    }

    #[test]
    fn yearly_timeline_is_the_old_one() {
        let t = Timeline::yearly(2024, 2030);
        assert_eq!(t.len(), 7);
        assert_eq!(t.label(3), "2027");
        assert_eq!(t.value_of(3), 2027.0);
        assert_eq!(t.position_of(&lit(2020, Sub::Year)).unwrap(), -4);
        assert_eq!(t.format_value(2027.0), "2027");
    }
}
