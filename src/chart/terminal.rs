//! A chart as plain text for the terminal: no colour, so each series has its
//! own marks — a marker at every year (`●`, `■`, `▲`, …) joined by a lighter
//! line (`∙`, `▪`, `▴`, …); stacked bands filled with `█`, `▓`, `▒`, …; the
//! 5–95% band of an uncertain series shaded with `░`.
//!
//! ```text
//! spend
//!  $50B ┤
//!       │                                                        ●
//!  $40B ┤                                               ∙∙∙∙∙∙∙∙∙
//!  …
//!   $0B ┤
//!       └┬───────┬───────┬───────┬───────┬───────┬───────┬
//!       2024    2025    2026    2027    2028    2029    2030
//!   ● spend
//! ```

use super::{Chart, YAxis};

/// Markers at the years, and the lighter line joining them, per series.
const LINES: [(char, char); 8] = [
    ('●', '∙'),
    ('■', '▪'),
    ('▲', '▴'),
    ('◆', '·'),
    ('○', '∘'),
    ('□', '▫'),
    ('△', '▵'),
    ('◇', '⋄'),
];
/// Fills of stacked bands, per series.
const FILLS: [char; 8] = ['█', '▓', '▒', '░', '▚', '▞', '▤', '▥'];
/// The 5–95% band of an uncertain series.
const BAND: char = '░';

/// Draws `chart` as text at most `width` columns wide and `height` lines high
/// (title, axes and legend included; a chart too small for its content gets
/// the few lines it needs). Lines end with `\n` and carry no trailing spaces
/// and no colour codes.
pub fn render(chart: &Chart, width: usize, height: usize) -> String {
    let width = width.max(20);
    let legend = legend(chart, width);
    let title_lines = usize::from(!chart.title.is_empty());
    let rows = height.saturating_sub(title_lines + 2 + legend.len()).max(3);
    let target = ((rows - 1) / 3).clamp(1, 6);
    let mut axis = chart.y_axis(target);
    // Coarser ticks until each interval has at least one row.
    let mut t = target;
    while axis.ticks.len() > rows && t > 1 {
        t -= 1;
        axis = chart.y_axis(t);
    }
    // Ticks are evenly spaced over the axis (a lone tick, zero, is in the middle).
    let intervals = if axis.ticks.len() >= 2 {
        axis.ticks.len() - 1
    } else {
        2
    };
    let per = ((rows - 1) / intervals).max(1);
    let rows = per * intervals + 1;
    let gutter = axis
        .labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(1)
        + 1;
    let mut cols = width.saturating_sub(gutter + 1).max(4);
    // Years evenly spaced: the plot ends two columns after the last year.
    let n = chart.years.len();
    if n > 1 {
        let step = (cols.saturating_sub(3) / (n - 1)).max(1);
        cols = cols.min(step * (n - 1) + 3);
    }

    let grid = Grid::new(chart, &axis, rows, cols);
    let mut out = String::new();
    if !chart.title.is_empty() {
        push_line(&mut out, &truncate(&chart.title, width));
    }
    let mut tick_rows: Vec<Option<&String>> = vec![None; rows];
    for (t, label) in axis.ticks.iter().zip(&axis.labels) {
        let r = grid.row(*t).round();
        if r >= 0.0 && (r as usize) < rows {
            tick_rows[r as usize] = Some(label);
        }
    }
    for (row, tick) in grid.cells.iter().zip(tick_rows) {
        let mut line = match tick {
            Some(l) => format!("{l:>w$} ┤", w = gutter - 1),
            None => format!("{:w$}│", "", w = gutter),
        };
        line.extend(row.iter());
        push_line(&mut out, &line);
    }
    // The year axis: labels where they fit, a tick under every year (only
    // under the labelled ones when years are a column apart).
    let label_w = chart
        .years
        .iter()
        .map(|y| y.to_string().len())
        .max()
        .unwrap_or(4);
    let room = if grid.xs.len() > 1 {
        (grid.xs[1] - grid.xs[0]) as f64
    } else {
        cols as f64
    };
    let stride = chart.year_stride(room, (label_w + 1) as f64);
    let mut base: Vec<char> = vec!['─'; cols];
    for (i, &x) in grid.xs.iter().enumerate() {
        if chart.labelled(i, stride) || (room >= 2.0 && chart.per_year == 1) {
            base[x] = '┬';
        } else if room >= 2.0 || chart.year_start(i) {
            base[x] = '┴';
        }
    }
    let mut line = format!("{:w$}└", "", w = gutter);
    line.extend(base);
    push_line(&mut out, &line);
    let mut labels: Vec<char> = vec![' '; gutter + 1 + cols];
    let mut free = 0;
    for (i, &x) in grid.xs.iter().enumerate() {
        if !chart.labelled(i, stride) {
            continue;
        }
        let text: Vec<char> = chart.years[i].to_string().chars().collect();
        let centre = gutter + 1 + x;
        let start = centre
            .saturating_sub(text.len() / 2)
            .min(labels.len().saturating_sub(text.len()))
            .max(free);
        if start + text.len() > labels.len() {
            continue;
        }
        labels[start..start + text.len()].copy_from_slice(&text);
        free = start + text.len() + 1;
    }
    push_line(&mut out, &labels.iter().collect::<String>());
    for l in legend {
        push_line(&mut out, &l);
    }
    out
}

fn push_line(out: &mut String, line: &str) {
    out.push_str(line.trim_end());
    out.push('\n');
}

fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// The legend: entries side by side, wrapped to `width`.
fn legend(chart: &Chart, width: usize) -> Vec<String> {
    let mut entries: Vec<String> = chart
        .series
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let mark = if chart.stacked {
                FILLS[k % FILLS.len()]
            } else {
                LINES[k % LINES.len()].0
            };
            format!("{mark} {}", s.label)
        })
        .collect();
    if !chart.stacked && chart.series.iter().any(|s| s.band.is_some()) {
        entries.push(format!("{BAND} 5–95% range"));
    }
    let mut lines = Vec::new();
    let mut line = String::from(" ");
    for e in entries {
        let e = truncate(&e, width.saturating_sub(2));
        let len = line.chars().count();
        if len > 1 && len + 3 + e.chars().count() > width {
            lines.push(std::mem::replace(&mut line, String::from(" ")));
        }
        if line.chars().count() > 1 {
            line.push_str("   ");
        } else {
            line.push(' ');
        }
        line.push_str(&e);
    }
    if line.chars().count() > 1 {
        lines.push(line);
    }
    lines
}

/// The plotting area: `rows` × `cols` cells, row 0 at the top.
struct Grid {
    cells: Vec<Vec<char>>,
    /// The column of each year.
    xs: Vec<usize>,
    lo: f64,
    hi: f64,
}

impl Grid {
    fn new(chart: &Chart, axis: &YAxis, rows: usize, cols: usize) -> Grid {
        let n = chart.years.len();
        let xs: Vec<usize> = if n <= 1 {
            vec![cols / 2; n]
        } else {
            // Evenly spaced years, a column of margin before and two after.
            let inner = cols.saturating_sub(2).max(1);
            let step = (inner - 1) / (n - 1);
            if step >= 1 {
                (0..n).map(|i| 1 + i * step).collect()
            } else {
                (0..n).map(|i| 1 + i * (inner - 1) / (n - 1)).collect()
            }
        };
        let mut g = Grid {
            cells: vec![vec![' '; cols]; rows],
            xs,
            lo: axis.lo,
            hi: axis.hi,
        };
        // A dotted zero line when zero lies inside the axis.
        if axis.lo < 0.0 && axis.hi > 0.0 {
            let r = g.row(0.0).round() as usize;
            if r < rows {
                g.cells[r].iter_mut().for_each(|c| *c = '┄');
            }
        }
        if chart.stacked {
            let bounds = chart.stack_bounds();
            g.fill_stack(&bounds);
        } else {
            for s in &chart.series {
                if let Some((a, b)) = &s.band {
                    g.fill_between(a, b, BAND);
                }
            }
            // The first series is drawn last, on top.
            for (k, s) in chart.series.iter().enumerate().rev() {
                g.line(&s.values, LINES[k % LINES.len()].1);
            }
            for (k, s) in chart.series.iter().enumerate().rev() {
                g.markers(&s.values, LINES[k % LINES.len()].0);
            }
        }
        g
    }

    fn rows(&self) -> usize {
        self.cells.len()
    }

    /// The (fractional) row of value `v`.
    fn row(&self, v: f64) -> f64 {
        (self.hi - v) / (self.hi - self.lo) * (self.rows() - 1) as f64
    }

    /// The value at the centre of row `r`.
    fn value_at(&self, r: usize) -> f64 {
        self.hi - r as f64 * (self.hi - self.lo) / (self.rows() - 1) as f64
    }

    fn set(&mut self, r: f64, c: usize, ch: char) {
        let r = r.round();
        if r >= 0.0 && (r as usize) < self.rows() && c < self.cells[0].len() {
            self.cells[r as usize][c] = ch;
        }
    }

    /// `vals` between years, linearly, at column `c` (`None` outside the
    /// years or across a gap).
    fn interp(&self, vals: &[f64], c: f64) -> Option<f64> {
        let xs = &self.xs;
        if xs.len() == 1 {
            // A single year is drawn a few columns wide.
            let near = (c - xs[0] as f64).abs() <= 2.0;
            return vals.first().copied().filter(|v| near && v.is_finite());
        }
        for i in 0..xs.len() - 1 {
            let (x0, x1) = (xs[i] as f64, xs[i + 1] as f64);
            if c >= x0 && c <= x1 {
                let (a, b) = (*vals.get(i)?, *vals.get(i + 1)?);
                if !a.is_finite() || !b.is_finite() {
                    return None;
                }
                let t = if x1 > x0 { (c - x0) / (x1 - x0) } else { 0.0 };
                return Some(a + (b - a) * t);
            }
        }
        None
    }

    /// A line through the years' values: each column gets the rows the line
    /// crosses in it, so steep segments stay connected.
    fn line(&mut self, vals: &[f64], ch: char) {
        let xs = self.xs.clone();
        for i in 0..xs.len().saturating_sub(1) {
            let (a, b) = match (vals.get(i), vals.get(i + 1)) {
                (Some(&a), Some(&b)) if a.is_finite() && b.is_finite() => (a, b),
                _ => continue,
            };
            let (x0, x1) = (xs[i], xs[i + 1]);
            if x1 == x0 {
                continue;
            }
            let at = |x: f64| a + (b - a) * (x - x0 as f64) / (x1 - x0) as f64;
            for c in x0..=x1 {
                let l = (c as f64 - 0.5).max(x0 as f64);
                let r = (c as f64 + 0.5).min(x1 as f64);
                let (ra, rb) = (self.row(at(l)).round(), self.row(at(r)).round());
                let (top, bottom) = (ra.min(rb), ra.max(rb));
                let mut y = top;
                while y <= bottom {
                    self.set(y, c, ch);
                    y += 1.0;
                }
            }
        }
    }

    fn markers(&mut self, vals: &[f64], ch: char) {
        for (i, &x) in self.xs.clone().iter().enumerate() {
            if let Some(&v) = vals.get(i)
                && v.is_finite()
            {
                self.set(self.row(v), x, ch);
            }
        }
    }

    /// How much of the cell at row `r` lies between `a` and `b` (0 to 1).
    fn cover(&self, r: usize, a: f64, b: f64) -> f64 {
        let h = (self.hi - self.lo) / (self.rows() - 1) as f64;
        let v = self.value_at(r);
        let (lo, hi) = (a.min(b), a.max(b));
        let overlap = (hi.min(v + h / 2.0) - lo.max(v - h / 2.0)).max(0.0);
        overlap / h
    }

    /// Shades the cells between two series (a 5–95% band).
    fn fill_between(&mut self, a: &[f64], b: &[f64], ch: char) {
        for c in 0..self.cells[0].len() {
            let (Some(x), Some(y)) = (self.interp(a, c as f64), self.interp(b, c as f64)) else {
                continue;
            };
            for r in 0..self.rows() {
                if self.cover(r, x, y) >= 0.5 - 1e-9 {
                    self.cells[r][c] = ch;
                }
            }
        }
    }

    /// Stacked bands: each cell takes the band covering most of it.
    fn fill_stack(&mut self, bounds: &[Vec<f64>]) {
        for c in 0..self.cells[0].len() {
            let mut lower = Some(0.0);
            let mut bands = Vec::new();
            for top in bounds {
                let upper = self.interp(top, c as f64);
                if let (Some(l), Some(u)) = (lower, upper) {
                    bands.push((l, u));
                }
                lower = upper;
            }
            if bands.len() != bounds.len() {
                continue;
            }
            for r in 0..self.rows() {
                let mut best = (0.0, None);
                let mut total = 0.0;
                for (k, &(l, u)) in bands.iter().enumerate() {
                    let f = self.cover(r, l, u);
                    total += f;
                    if f > best.0 {
                        best = (f, Some(k));
                    }
                }
                if let (true, Some(k)) = (total >= 0.5 - 1e-9, best.1) {
                    self.cells[r][c] = FILLS[k % FILLS.len()];
                }
            }
        }
    }
}
