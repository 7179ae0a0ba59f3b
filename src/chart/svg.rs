//! A chart as SVG, drawn with `plotters`' SVG backend into a string: a title,
//! a legend under it, horizontal grid lines at the value ticks (written in
//! one readable unit), the years along the bottom, and one polyline per
//! series (stacked charts: one filled band per series with its top edge as
//! the line; uncertain series: a shaded 5–95% band under the median line).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Chart, ChartError, YAxis};

/// The series colours, in order (Tableau 10: distinct, print- and slide-safe).
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(0x4E, 0x79, 0xA7),
    RGBColor(0xF2, 0x8E, 0x2B),
    RGBColor(0x59, 0xA1, 0x4F),
    RGBColor(0xE1, 0x57, 0x59),
    RGBColor(0x76, 0xB7, 0xB2),
    RGBColor(0xB0, 0x7A, 0xA1),
    RGBColor(0xED, 0xC9, 0x48),
    RGBColor(0x9C, 0x75, 0x5F),
    RGBColor(0xFF, 0x9D, 0xA7),
    RGBColor(0xBA, 0xB0, 0xAC),
];

/// The colour of series `k` as `#rrggbb`, as it appears in the SVG.
pub fn colour_hex(k: usize) -> String {
    let c = PALETTE[k % PALETTE.len()];
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

const INK: RGBColor = RGBColor(0x1F, 0x29, 0x33);
const MUTED: RGBColor = RGBColor(0x52, 0x60, 0x6D);
const GRID: RGBColor = RGBColor(0xE4, 0xE7, 0xEB);
const AXIS: RGBColor = RGBColor(0x9A, 0xA5, 0xB1);
const FONT: &str = "Helvetica, Arial, sans-serif";

/// Draws `chart` as an SVG document of `width` × `height` pixels (960 × 540
/// suits a slide). Fails only if the backend does.
pub fn render(chart: &Chart, width: u32, height: u32) -> Result<String, ChartError> {
    let (width, height) = (width.max(200), height.max(150));
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (width, height)).into_drawing_area();
        draw(&root, chart, width as f64, height as f64)
            .map_err(|e| ChartError::Draw(e.to_string()))?;
        root.present()
            .map_err(|e| ChartError::Draw(e.to_string()))?;
    }
    Ok(buf)
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type DrawResult = Result<(), DrawingAreaErrorKind<std::io::Error>>;

/// Roughly how wide `text` is at `px` pixels in a sans-serif font.
fn text_width(text: &str, px: f64) -> f64 {
    text.chars().count() as f64 * px * 0.56
}

/// A text style of `px` pixels (plotters writes 1/1.24 of the size it is given).
fn font(px: f64, colour: &RGBColor, anchor: (HPos, VPos)) -> TextStyle<'static> {
    styled(px, colour, anchor, FontStyle::Normal)
}

fn styled(
    px: f64,
    colour: &RGBColor,
    anchor: (HPos, VPos),
    style: FontStyle,
) -> TextStyle<'static> {
    (FONT, px * 1.24, style)
        .into_font()
        .color(colour)
        .pos(Pos::new(anchor.0, anchor.1))
}

fn pt(x: f64, y: f64) -> (i32, i32) {
    (x.round() as i32, y.round() as i32)
}

fn draw(root: &Area, chart: &Chart, w: f64, h: f64) -> DrawResult {
    root.fill(&WHITE)?;
    let base = (h / 36.0).clamp(11.0, 17.0);
    let margin = (h / 18.0).clamp(12.0, 36.0);
    let title_px = base * 1.5;

    // Title, top left.
    let mut y = margin;
    if !chart.title.is_empty() {
        let style = styled(title_px, &INK, (HPos::Left, VPos::Top), FontStyle::Bold);
        // Bold text is a little wider: cut a title too long for the width.
        let fits = ((w - 2.0 * margin) / (title_px * 0.62)) as usize;
        let title = if chart.title.chars().count() > fits {
            let cut: String = chart.title.chars().take(fits.saturating_sub(1)).collect();
            format!("{}…", cut.trim_end())
        } else {
            chart.title.clone()
        };
        root.draw(&Text::new(title, pt(margin, y), style))?;
        y += title_px * 1.2 + base * 0.6;
    }

    // Legend, under the title: a swatch and the label, wrapped.
    y = legend(root, chart, margin, y, w - margin, base)? + base * 1.2;

    // The value axis, and the space its labels take.
    let plot_h = h - y - margin - base * 2.0;
    let target = ((plot_h / (base * 5.0)) as usize).clamp(2, 7);
    let axis = chart.y_axis(target);
    let label_w = axis
        .labels
        .iter()
        .map(|l| text_width(l, base))
        .fold(0.0, f64::max);
    let caption_px = base * 0.9;
    if !axis.caption.is_empty() {
        y += caption_px * 1.4;
    }
    let left = margin + label_w.max(text_width(&axis.caption, caption_px)) + base * 0.8;
    let last_year = chart.years.last().map_or(String::new(), |y| y.to_string());
    let ends = end_values(chart);
    let end_w = ends
        .iter()
        .map(|e| text_width(&e.2, base) + base * 0.8)
        .fold(0.0, f64::max);
    let right = w - margin - (text_width(&last_year, base) / 2.0).max(end_w);
    let top = y + base * 0.5;
    let bottom = h - margin - base * 1.8;
    let frame = Frame {
        left,
        right,
        top,
        bottom,
        lo: axis.lo,
        hi: axis.hi,
        xs: Vec::new(),
    };
    let frame = frame.with_years(chart, base);

    value_axis(root, &frame, &axis, base, caption_px)?;
    year_axis(root, chart, &frame, base)?;
    if chart.stacked {
        stacked(root, chart, &frame)?;
    } else {
        lines(root, chart, &frame)?;
    }
    end_labels(root, chart, &frame, &ends, base)?;
    Ok(())
}

/// The value at the end of each line (or stacked band), to write beside it:
/// `(series, where, text)`, `where` being the value the label sits at (the
/// middle of a band). Not for more series than fit.
fn end_values(chart: &Chart) -> Vec<(usize, f64, String)> {
    let n = chart.years.len();
    if n == 0 || chart.series.len() > 6 {
        return Vec::new();
    }
    let bounds = if chart.stacked {
        chart.stack_bounds()
    } else {
        Vec::new()
    };
    chart
        .series
        .iter()
        .enumerate()
        .filter_map(|(k, s)| {
            let v = *s.values.get(n - 1)?;
            if !v.is_finite() || (chart.stacked && v == 0.0) {
                return None;
            }
            let at = match bounds.get(k) {
                Some(top) => top[n - 1] - v / 2.0,
                None => v,
            };
            Some((k, at, chart.unit.format(v, v)))
        })
        .collect()
}

/// Writes each line's last value beside its end, nudged apart so that no two
/// overlap.
fn end_labels(
    root: &Area,
    chart: &Chart,
    f: &Frame,
    ends: &[(usize, f64, String)],
    px: f64,
) -> DrawResult {
    let Some(&x) = f.xs.last() else {
        return Ok(());
    };
    let x = match (f.xs.len(), chart.stacked) {
        (1, true) => x + bar_half(f) + px * 0.6,
        (1, false) => x + px * 2.6,
        _ => x + px * 0.8,
    };
    let mut placed: Vec<(f64, usize, &str)> = ends
        .iter()
        .map(|(k, v, t)| (f.y(*v), *k, t.as_str()))
        .collect();
    placed.sort_by(|a, b| a.0.total_cmp(&b.0));
    let gap = px * 1.25;
    for i in 1..placed.len() {
        placed[i].0 = placed[i].0.max(placed[i - 1].0 + gap);
    }
    // Pushed below the plot: shift the whole column back up.
    if let Some(last) = placed.last() {
        let over = last.0 - (f.bottom + px * 0.5);
        if over > 0.0 {
            placed.iter_mut().for_each(|p| p.0 -= over);
        }
    }
    for (y, k, text) in placed {
        let c = PALETTE[k % PALETTE.len()];
        root.draw(&Text::new(
            text.to_string(),
            pt(x, y),
            styled(px, &c, (HPos::Left, VPos::Center), FontStyle::Bold),
        ))?;
    }
    Ok(())
}

/// Where things go: the plot rectangle, the value range and each year's x.
struct Frame {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    lo: f64,
    hi: f64,
    xs: Vec<f64>,
}

impl Frame {
    fn with_years(mut self, chart: &Chart, px: f64) -> Frame {
        let n = chart.years.len();
        let pad = if chart.stacked { 0.0 } else { px * 1.2 };
        self.xs = if n <= 1 {
            vec![(self.left + self.right) / 2.0; n]
        } else {
            let span = self.right - self.left - 2.0 * pad;
            (0..n)
                .map(|i| self.left + pad + span * i as f64 / (n - 1) as f64)
                .collect()
        };
        self
    }

    fn y(&self, v: f64) -> f64 {
        self.bottom - (v - self.lo) / (self.hi - self.lo) * (self.bottom - self.top)
    }
}

fn legend(
    root: &Area,
    chart: &Chart,
    x0: f64,
    y0: f64,
    x1: f64,
    px: f64,
) -> Result<f64, DrawingAreaErrorKind<std::io::Error>> {
    enum Swatch {
        Line(RGBColor),
        Fill(RGBColor),
        Band,
    }
    let mut entries: Vec<(Swatch, &str)> = chart
        .series
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let c = PALETTE[k % PALETTE.len()];
            let sw = if chart.stacked {
                Swatch::Fill(c)
            } else {
                Swatch::Line(c)
            };
            (sw, s.label.as_str())
        })
        .collect();
    if !chart.stacked && chart.series.iter().any(|s| s.band.is_some()) {
        entries.push((Swatch::Band, "5–95% range"));
    }
    let sw_w = px * 1.6;
    let line_h = px * 1.7;
    let (mut x, mut y) = (x0, y0);
    let mut used = false;
    for (sw, label) in entries {
        let need = sw_w + px * 0.5 + text_width(label, px);
        if used && x + need > x1 {
            x = x0;
            y += line_h;
        }
        let cy = y + px * 0.6;
        match sw {
            Swatch::Line(c) => {
                // A bar, not a polyline: polylines are the series themselves.
                root.draw(&Rectangle::new(
                    [pt(x, cy - 1.5), pt(x + sw_w, cy + 1.5)],
                    c.filled(),
                ))?;
                root.draw(&Circle::new(pt(x + sw_w / 2.0, cy), 4, c.filled()))?;
            }
            Swatch::Fill(c) => {
                root.draw(&Rectangle::new(
                    [
                        pt(x + sw_w * 0.2, cy - px * 0.45),
                        pt(x + sw_w * 0.8, cy + px * 0.45),
                    ],
                    c.mix(0.85).filled(),
                ))?;
            }
            Swatch::Band => {
                root.draw(&Rectangle::new(
                    [pt(x, cy - px * 0.4), pt(x + sw_w, cy + px * 0.4)],
                    MUTED.mix(0.22).filled(),
                ))?;
            }
        }
        root.draw(&Text::new(
            label.to_string(),
            pt(x + sw_w + px * 0.5, cy),
            font(px, &INK, (HPos::Left, VPos::Center)),
        ))?;
        x += need + px * 1.6;
        used = true;
    }
    Ok(if used { y + line_h } else { y0 })
}

fn value_axis(root: &Area, f: &Frame, axis: &YAxis, px: f64, caption_px: f64) -> DrawResult {
    // The baseline, at the bottom of the value axis.
    root.draw(&PathElement::new(
        vec![pt(f.left, f.bottom), pt(f.right, f.bottom)],
        AXIS.stroke_width(1),
    ))?;
    for (t, label) in axis.ticks.iter().zip(&axis.labels) {
        let y = f.y(*t);
        let colour = if *t == 0.0 && f.lo < 0.0 { MUTED } else { GRID };
        if *t != f.lo {
            root.draw(&PathElement::new(
                vec![pt(f.left, y), pt(f.right, y)],
                colour.stroke_width(1),
            ))?;
        }
        root.draw(&Text::new(
            label.clone(),
            pt(f.left - px * 0.6, y),
            font(px, &MUTED, (HPos::Right, VPos::Center)),
        ))?;
    }
    if !axis.caption.is_empty() {
        root.draw(&Text::new(
            axis.caption.clone(),
            pt(f.left - px * 0.6, f.top - caption_px * 1.3),
            font(caption_px, &MUTED, (HPos::Right, VPos::Bottom)),
        ))?;
    }
    Ok(())
}

fn year_axis(root: &Area, chart: &Chart, f: &Frame, px: f64) -> DrawResult {
    let label_w = chart
        .years
        .iter()
        .map(|y| text_width(&y.to_string(), px))
        .fold(0.0, f64::max);
    let room = if f.xs.len() > 1 {
        f.xs[1] - f.xs[0]
    } else {
        f.right - f.left
    };
    let stride = chart.year_stride(room, label_w + px);
    for (i, &x) in f.xs.iter().enumerate() {
        // A full tick at each year's start, a short mark at other periods.
        let len = if chart.year_start(i) { 0.35 } else { 0.18 };
        root.draw(&PathElement::new(
            vec![pt(x, f.bottom), pt(x, f.bottom + px * len)],
            AXIS.stroke_width(1),
        ))?;
        if chart.labelled(i, stride) {
            root.draw(&Text::new(
                chart.years[i].to_string(),
                pt(x, f.bottom + px * 0.75),
                font(px, &MUTED, (HPos::Center, VPos::Top)),
            ))?;
        }
    }
    Ok(())
}

/// Runs of consecutive finite points, as pixel coordinates.
fn runs(f: &Frame, vals: &[f64]) -> Vec<Vec<(f64, f64)>> {
    let mut out = vec![Vec::new()];
    for (i, &x) in f.xs.iter().enumerate() {
        match vals.get(i) {
            Some(&v) if v.is_finite() => out.last_mut().unwrap().push((x, f.y(v))),
            _ => {
                if !out.last().unwrap().is_empty() {
                    out.push(Vec::new());
                }
            }
        }
    }
    out.retain(|r| !r.is_empty());
    out
}

fn lines(root: &Area, chart: &Chart, f: &Frame) -> DrawResult {
    // Bands first, so every line stays visible over them.
    for (k, s) in chart.series.iter().enumerate() {
        let Some((a, b)) = &s.band else { continue };
        let c = PALETTE[k % PALETTE.len()];
        let mut upper = Vec::new();
        let mut lower = Vec::new();
        for (i, &x) in f.xs.iter().enumerate() {
            if let (Some(&p5), Some(&p95)) = (a.get(i), b.get(i))
                && p5.is_finite()
                && p95.is_finite()
            {
                upper.push(pt(x, f.y(p95)));
                lower.push(pt(x, f.y(p5)));
            }
        }
        if f.xs.len() == 1 && !upper.is_empty() {
            // One year: a short box.
            let x = f.xs[0];
            let (y95, y5) = (upper[0].1 as f64, lower[0].1 as f64);
            root.draw(&Rectangle::new(
                [pt(x - 18.0, y95), pt(x + 18.0, y5)],
                c.mix(0.2).filled(),
            ))?;
            continue;
        }
        lower.reverse();
        upper.extend(lower);
        if upper.len() >= 3 {
            root.draw(&Polygon::new(upper, c.mix(0.2).filled()))?;
        }
    }
    let markers = chart.years.len() <= 30;
    // The first series is drawn last, on top.
    for (k, s) in chart.series.iter().enumerate().rev() {
        let c = PALETTE[k % PALETTE.len()];
        for run in runs(f, &s.values) {
            let mut pts: Vec<(i32, i32)> = run.iter().map(|&(x, y)| pt(x, y)).collect();
            if f.xs.len() == 1 {
                // One year: a short level line through the point.
                let (x, y) = run[0];
                let line = vec![pt(x - 28.0, y), pt(x + 28.0, y)];
                root.draw(&PathElement::new(line, c.stroke_width(3)))?;
            } else {
                root.draw(&PathElement::new(pts.clone(), c.stroke_width(3)))?;
            }
            if f.xs.len() == 1 {
                pts.truncate(1);
            }
            if markers || run.len() == 1 {
                for p in pts {
                    root.draw(&Circle::new(p, 5, WHITE.filled()))?;
                    root.draw(&Circle::new(p, 4, c.filled()))?;
                }
            }
        }
    }
    Ok(())
}

fn stacked(root: &Area, chart: &Chart, f: &Frame) -> DrawResult {
    let bounds = chart.stack_bounds();
    let single = f.xs.len() == 1;
    // One year: a bar rather than an area.
    let half = bar_half(f);
    let xs: Vec<f64> = if single {
        vec![f.xs[0] - half, f.xs[0] + half]
    } else {
        f.xs.clone()
    };
    let at = |v: &Vec<f64>, i: usize| if single { v[0] } else { v[i] };
    let mut lower: Vec<f64> = vec![0.0; xs.len()];
    for (k, top) in bounds.iter().enumerate() {
        let c = PALETTE[k % PALETTE.len()];
        let upper: Vec<f64> = (0..xs.len()).map(|i| at(top, i)).collect();
        let mut poly: Vec<(i32, i32)> = xs
            .iter()
            .zip(&upper)
            .map(|(&x, &v)| pt(x, f.y(v)))
            .collect();
        poly.extend(xs.iter().zip(&lower).rev().map(|(&x, &v)| pt(x, f.y(v))));
        root.draw(&Polygon::new(poly, c.mix(0.82).filled()))?;
        let edge: Vec<(i32, i32)> = xs
            .iter()
            .zip(&upper)
            .map(|(&x, &v)| pt(x, f.y(v)))
            .collect();
        root.draw(&PathElement::new(edge, c.stroke_width(2)))?;
        lower = upper;
    }
    Ok(())
}

/// Half the width of the bar a stacked chart of one year is drawn as.
fn bar_half(f: &Frame) -> f64 {
    ((f.right - f.left) / 6.0).min(60.0)
}
