//! Charts: the terminal charts as snapshots, the SVG parsed as XML.
//!
//! Set `SCN_CHART_DIR=/some/dir` to also write every SVG drawn here to that
//! directory, to look at them (`rsvg-convert -o x.png x.svg`).

use scn::chart::{AxisUnit, Chart, Series, svg, terminal};
use scn::eval::World;
use scn::export;
use scn::units::Dim;
use scn::units::dim::{MONEY, POWER};
use scn::units::format::{Hint, Kind};

fn money() -> AxisUnit {
    AxisUnit::new(Dim::base(MONEY), Kind::Number, Hint::default())
}

fn power() -> AxisUnit {
    AxisUnit::new(Dim::base(POWER), Kind::Number, Hint::from_unit("GW"))
}

fn years(a: i64, b: i64) -> Vec<i64> {
    (a..=b).collect()
}

/// The article's model, evaluated.
fn article() -> (scn::check::Model, World) {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/openai_stargate.scn"
    ))
    .expect("example is readable");
    let mut sources = scn::source::SourceMap::new();
    let base = sources.add("openai_stargate.scn", text.as_str());
    let (model, worlds) = scn::prepare(
        &mut sources,
        "openai_stargate.scn",
        &text,
        base,
        &Default::default(),
    )
    .expect("the article evaluates");
    let world = (*worlds.base).clone();
    (model, world)
}

fn column(t: &export::Table, name: &str) -> Vec<f64> {
    t.column(name)
        .unwrap_or_else(|| panic!("no column {name}"))
        .values
        .clone()
}

/// Spend per year, and what each provider is paid.
fn article_spend() -> Chart {
    let (m, w) = article();
    let t = export::table(&m, &w);
    Chart::new("Compute spend per year", years(2024, 2030), money())
        .with_series(Series::new("total", column(&t, "spend")))
        .with_series(Series::new(
            "Microsoft Azure",
            column(&t, "microsoft.spend"),
        ))
        .with_series(Series::new(
            "SoftBank Stargate",
            column(&t, "stargate.spend"),
        ))
}

/// Who carries the load: the providers' loads, stacked.
fn article_loads() -> Chart {
    let (m, w) = article();
    let t = export::table(&m, &w);
    Chart::new("Who carries the compute load", years(2024, 2030), power())
        .with_series(Series::new("Microsoft Azure", column(&t, "microsoft.load")))
        .with_series(Series::new(
            "SoftBank Stargate",
            column(&t, "stargate.load"),
        ))
        .stacked(true)
}

fn banded() -> Chart {
    let median = vec![5e9, 8e9, 12e9, 17e9, 23e9, 31e9, 41.7e9];
    let p5: Vec<f64> = median
        .iter()
        .enumerate()
        .map(|(i, v)| v * (1.0 - 0.05 * i as f64))
        .collect();
    let p95: Vec<f64> = median
        .iter()
        .enumerate()
        .map(|(i, v)| v * (1.0 + 0.08 * i as f64))
        .collect();
    Chart::new("Spend, with uncertainty", years(2024, 2030), money())
        .with_series(Series::new("spend", median).with_band(p5, p95))
}

fn save(name: &str, svg: &str) {
    if let Ok(dir) = std::env::var("SCN_CHART_DIR") {
        std::fs::write(format!("{dir}/{name}.svg"), svg).expect("svg written");
    }
}

fn single_year() -> Chart {
    Chart::new("Spend in 2027", vec![2027], money())
        .with_series(Series::new("training", vec![8e9]))
        .with_series(Series::new("inference", vec![12e9]))
}

fn constant() -> Chart {
    Chart::new("Azure capacity", years(2024, 2030), power())
        .with_series(Series::new("microsoft.capacity", vec![2e9; 7]))
}

fn negative() -> Chart {
    Chart::new("Margin per year", years(2024, 2030), money())
        .with_series(Series::new(
            "margin",
            vec![-3e9, -2.2e9, -1e9, 0.5e9, 1.8e9, 2.4e9, 3.1e9],
        ))
        .with_series(Series::new("target", vec![1e9; 7]))
}

/// A terminal chart, checked for what every chart must be: plain text
/// within its size, without trailing spaces or colour codes.
fn text(c: &Chart, width: usize, height: usize) -> String {
    let t = terminal::render(c, width, height);
    for line in t.lines() {
        assert!(line.chars().count() <= width, "too wide: {line:?}");
        assert_eq!(line, line.trim_end(), "trailing spaces: {line:?}");
    }
    assert!(!t.contains('\x1b'), "colour codes in {t}");
    assert!(
        t.lines().count() <= height,
        "{} lines for {height}:\n{t}",
        t.lines().count()
    );
    t
}

#[test]
fn terminal_line_chart() {
    let t = text(&article_spend(), 80, 24);
    assert!(
        t.contains("● total")
            && t.contains("■ Microsoft Azure")
            && t.contains("▲ SoftBank Stargate")
    );
    for y in 2024..=2030 {
        assert!(t.contains(&y.to_string()), "year {y} labelled");
    }
    insta::assert_snapshot!("terminal_line", t);
}

#[test]
fn terminal_stacked() {
    let t = text(&article_loads(), 80, 22);
    assert!(t.contains("█ Microsoft Azure") && t.contains("▓ SoftBank Stargate"));
    insta::assert_snapshot!("terminal_stacked", t);
}

#[test]
fn terminal_band() {
    let t = text(&banded(), 72, 20);
    assert!(t.contains("░ 5–95% range"));
    insta::assert_snapshot!("terminal_band", t);
}

#[test]
fn terminal_single_year() {
    let t = text(&single_year(), 50, 14);
    assert!(t.contains("2027") && t.contains("●") && t.contains("■"));
    insta::assert_snapshot!("terminal_single_year", t);
    let stacked = single_year().stacked(true);
    insta::assert_snapshot!("terminal_single_year_stacked", text(&stacked, 50, 14));
}

#[test]
fn terminal_constant() {
    let t = text(&constant(), 60, 12);
    assert!(t.contains("2 GW"));
    insta::assert_snapshot!("terminal_constant", t);
}

#[test]
fn terminal_negative() {
    let t = text(&negative(), 72, 20);
    assert!(t.contains("-$3B") || t.contains("-$4B"), "{t}");
    assert!(t.contains('┄'), "a zero line");
    insta::assert_snapshot!("terminal_negative", t);
}

#[test]
fn terminal_zeros_gaps_and_many_years() {
    let zeros = Chart::new("Unmet demand", years(2024, 2030), power())
        .with_series(Series::new("training.unmet", vec![0.0; 7]));
    insta::assert_snapshot!("terminal_zeros", text(&zeros, 60, 10));
    let gaps = Chart::new("With gaps", years(2024, 2030), AxisUnit::plain()).with_series(
        Series::new("x", vec![1.0, 2.0, f64::NAN, 4.0, 5.0, f64::NAN, f64::NAN]),
    );
    insta::assert_snapshot!("terminal_gaps", text(&gaps, 60, 12));
    let long = Chart::new("Forty years", years(2020, 2060), AxisUnit::plain())
        .with_series(Series::new("n", (0..41).map(|i| (i * i) as f64).collect()));
    let t = text(&long, 70, 14);
    assert!(
        t.contains("2020") && t.contains("2060") && !t.contains("2021"),
        "{t}"
    );
    insta::assert_snapshot!("terminal_many_years", t);
    // Too small to draw much: still a chart, never a panic.
    let tiny = terminal::render(&article_spend(), 20, 6);
    assert!(
        tiny.contains('┤') && tiny.lines().all(|l| l.chars().count() <= 20),
        "{tiny}"
    );
    let empty = Chart::new("", vec![], AxisUnit::plain());
    let _ = terminal::render(&empty, 40, 10);
}

/// The SVG as XML, with what the tests look at.
struct Svg {
    texts: Vec<String>,
    /// `(stroke, points)` of every polyline.
    polylines: Vec<(String, Vec<(f64, f64)>)>,
    /// `(fill, opacity)` of every polygon.
    polygons: Vec<(String, f64)>,
    width: f64,
    height: f64,
}

fn parse(svg: &str) -> Svg {
    let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let num = |n: roxmltree::Node, a: &str| -> f64 {
        n.attribute(a).expect(a).parse().expect("a number")
    };
    let points = |s: &str| -> Vec<(f64, f64)> {
        s.split_whitespace()
            .map(|p| {
                let (x, y) = p.split_once(',').expect("x,y");
                (x.parse().expect("x"), y.parse().expect("y"))
            })
            .collect()
    };
    let mut out = Svg {
        texts: Vec::new(),
        polylines: Vec::new(),
        polygons: Vec::new(),
        width: num(root, "width"),
        height: num(root, "height"),
    };
    for n in doc.descendants().filter(|n| n.is_element()) {
        match n.tag_name().name() {
            "text" => out.texts.push(n.text().unwrap_or("").trim().to_string()),
            "polyline" => out.polylines.push((
                n.attribute("stroke").unwrap_or("").to_string(),
                points(n.attribute("points").unwrap_or("")),
            )),
            "polygon" => out.polygons.push((
                n.attribute("fill").unwrap_or("").to_string(),
                num(n, "opacity"),
            )),
            _ => {}
        }
    }
    for (_, pts) in &out.polylines {
        for &(x, y) in pts {
            assert!(
                x >= 0.0 && x <= out.width && y >= 0.0 && y <= out.height,
                "({x}, {y}) is off the page"
            );
        }
    }
    out
}

impl Svg {
    fn has_text(&self, t: &str) -> bool {
        self.texts.iter().any(|x| x == t)
    }

    /// The polylines of series `k` (drawn in its colour).
    fn series(&self, k: usize) -> Vec<&Vec<(f64, f64)>> {
        let c = svg::colour_hex(k);
        self.polylines
            .iter()
            .filter(|p| p.0 == c)
            .map(|p| &p.1)
            .collect()
    }

    /// Horizontal lines across the plot (grid and axis), by height.
    fn rules(&self) -> Vec<f64> {
        self.polylines
            .iter()
            .filter(|(_, p)| p.len() == 2 && p[0].1 == p[1].1 && p[1].0 - p[0].0 > self.width / 2.0)
            .map(|(_, p)| p[0].1)
            .collect()
    }
}

fn draw(name: &str, c: &Chart) -> Svg {
    let s = svg::render(c, 960, 540).expect("svg");
    assert!(!s.contains("NaN"), "no NaN in {name}");
    save(name, &s);
    parse(&s)
}

#[test]
fn svg_line_chart() {
    let s = draw("line", &article_spend());
    assert!(s.has_text("Compute spend per year"), "title");
    for y in 2024..=2030 {
        assert!(s.has_text(&y.to_string()), "year {y}");
    }
    for t in ["$0B", "$10B", "$20B", "$30B", "$40B"] {
        assert!(s.has_text(t), "tick {t} in {:?}", s.texts);
    }
    for l in ["total", "Microsoft Azure", "SoftBank Stargate"] {
        assert!(s.has_text(l), "legend {l}");
    }
    for k in 0..3 {
        let lines = s.series(k);
        assert_eq!(lines.len(), 1, "one polyline for series {k}");
        assert_eq!(lines[0].len(), 7, "a point per year");
        // Years left to right.
        assert!(lines[0].windows(2).all(|w| w[0].0 < w[1].0));
    }
    // A horizontal rule per tick: the axis and the grid.
    assert_eq!(s.rules().len(), 6);
    // Spend grows: the total's last point is higher on the page than its first.
    let total = s.series(0)[0];
    assert!(total[6].1 < total[0].1);
}

#[test]
fn svg_stacked() {
    let s = draw("stacked", &article_loads());
    assert!(s.has_text("Who carries the compute load"));
    assert!(s.has_text("0 GW") && s.has_text("10 GW"), "{:?}", s.texts);
    for k in 0..2 {
        assert_eq!(s.series(k).len(), 1, "one edge per band");
        let fills = s
            .polygons
            .iter()
            .filter(|p| p.0 == svg::colour_hex(k))
            .count();
        assert_eq!(fills, 1, "one filled band per series");
    }
    // Stargate's band lies on top of Azure's: its edge is higher every year.
    let (azure, stargate) = (s.series(0)[0], s.series(1)[0]);
    assert!(azure.iter().zip(stargate).all(|(a, b)| b.1 <= a.1));
}

#[test]
fn svg_band() {
    let s = draw("band", &banded());
    assert!(s.has_text("5–95% range"));
    assert_eq!(s.series(0).len(), 1);
    let band = s
        .polygons
        .iter()
        .filter(|p| p.0 == svg::colour_hex(0))
        .count();
    assert_eq!(band, 1, "a shaded band");
}

#[test]
fn svg_single_year_constant_negative() {
    let s = draw("single_year", &single_year());
    assert!(s.has_text("2027") && !s.has_text("2026") && !s.has_text("2028"));
    assert!(s.has_text("training") && s.has_text("inference"));
    assert_eq!(s.series(0).len(), 1);
    assert_eq!(s.series(1).len(), 1);
    let s = draw("single_year_stacked", &single_year().stacked(true));
    assert_eq!(s.polygons.len(), 2, "a bar of two bands");

    let s = draw("constant", &constant());
    let line = s.series(0)[0];
    assert!(line.iter().all(|p| p.1 == line[0].1), "a flat line");
    assert!(s.has_text("2 GW") && s.has_text("0 GW"));

    let s = draw("negative", &negative());
    assert!(s.has_text("-$4B") || s.has_text("-$3B"), "{:?}", s.texts);
    assert!(s.has_text("$0B"));
    let margin = s.series(0)[0];
    let target = s.series(1)[0];
    // Below the target while negative, above it at the end.
    assert!(margin[0].1 > target[0].1 && margin[6].1 < target[6].1);

    let zeros = Chart::new("", years(2024, 2030), power())
        .with_series(Series::new("training.unmet", vec![0.0; 7]));
    let s = draw("zeros", &zeros);
    assert!(s.has_text("0 GW"));
    assert_eq!(s.series(0).len(), 1);
}

#[test]
fn from_values_checks_one_axis() {
    let (m, w) = article();
    let value = |name: &str| {
        let id = m.nodes.iter().position(|n| n.name == name).expect(name);
        (*w.values[id].clone().expect("evaluated")).clone()
    };
    let spend = value("spend");
    let training = value("training");
    let c = Chart::from_values(&m, "", &[("spend".into(), &spend)], false).expect("a chart");
    assert_eq!(c.title, "spend");
    assert_eq!(c.years, years(2024, 2030));
    assert_eq!(c.series[0].values, spend.data().to_vec());
    let err = Chart::from_values(
        &m,
        "",
        &[("spend".into(), &spend), ("training".into(), &training)],
        false,
    )
    .expect_err("USD and GW on one axis");
    assert!(err.to_string().contains("training"), "{err}");
}
