//! Monthly and quarterly timelines, against hand-computed values: period
//! literals, `dt`, spend per period, reductions over years and ranges,
//! `lag`/`delta`/`yoy`/`cagr`, `when`, `show … by year`, and export.

mod common;

use common::{eval, eval_in};

fn close(a: &[f64], b: &[f64]) {
    assert_eq!(a.len(), b.len(), "{a:?} vs {b:?}");
    for (x, y) in a.iter().zip(b) {
        assert!(
            (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1e-12),
            "{a:?} vs {b:?}"
        );
    }
}

const M: &str = "timeline 2025-01..2026-12 monthly";
const Q: &str = "timeline 2025Q1..2027Q4 quarterly";

fn run(src: &str) -> (i32, String, String) {
    let mut sources = scn::source::SourceMap::new();
    let base = sources.add("p.scn", src);
    let r = scn::run_text(&mut sources, "p.scn", src, base, &Default::default());
    let out = scn::report::text(&r.model, &r.outputs);
    let err: String = r
        .errors
        .iter()
        .map(|e| scn::report::render_diagnostic(e.clone(), &sources, scn::report::Style::Plain))
        .collect();
    (r.exit_code(), out, err)
}

#[test]
fn timelines_count_their_periods() {
    assert_eq!(eval(M, "year").len(), 24);
    assert_eq!(eval(Q, "year").len(), 12);
    close(&eval(M, "dt"), &[1.0 / 12.0]);
    close(&eval(Q, "dt"), &[0.25]);
    close(&eval("timeline 2024..2026", "dt"), &[1.0]);
    // Years written on a monthly timeline stand for their first and last months.
    assert_eq!(eval("timeline 2025..2026 monthly", "year").len(), 24);
    // The quarter of 2026-07 is 2026Q3: the same period value.
    close(&eval(M, "2026Q3"), &[2026.5]);
    close(&eval(M, "2026-07"), &[2026.5]);
}

#[test]
fn keyframes_at_years_are_their_first_period() {
    // { 2025: 12 GW, 2026: 24 GW }: linear by month, 2025-01 = 12, 2026-01 = 24,
    // so 2025-07 (6 months on) is 12 + 12 × 6/12 = 18 GW; after 2026-01 it holds.
    let x = eval(M, "{ 2025: 12 GW, 2026: 24 GW }");
    close(&x[..1], &[12e9]);
    close(&x[6..7], &[18e9]);
    close(&x[12..13], &[24e9]);
    close(&x[23..24], &[24e9]);
    close(&eval(M, "{ 2025: 12 GW, 2026: 24 GW }@2025-07"), &[18e9]);
    // A quarter literal on a monthly timeline is its first month.
    close(&eval(M, "{ 2025: 12 GW, 2026: 24 GW }@2025Q3"), &[18e9]);
}

#[test]
fn a_whole_year_after_at_is_an_error_on_a_monthly_timeline() {
    let e = eval_in(M, None, "{ 2025: 1 GW }@2026").unwrap_err();
    assert!(e.contains("x@2026-01") || e.contains("@2026-01"), "{e}");
    assert!(e.contains("sum(") && e.contains("avg("), "{e}");
    // A month on a quarterly timeline is finer than it: an error.
    let e = eval_in(Q, None, "{ 2025: 1 GW }@2026-08").unwrap_err();
    assert!(e.contains("scn::period_mismatch"), "{e}");
    // A period outside the timeline.
    let e = eval_in(M, None, "{ 2025: 1 GW }@2027-03").unwrap_err();
    assert!(e.contains("outside the timeline 2025-01..2026-12"), "{e}");
}

#[test]
fn spend_is_paid_per_period() {
    // 1 GW at $12B/GW per year, billed monthly: $1B a month, $12B a year.
    let src = format!(
        "{M}\ndemand d = 1 GW\nprovider p {{ price = $12B/GW }}\nallocate d by priority [p]"
    );
    close(&eval(&src, "d.spend@2025-03"), &[1e9]);
    close(&eval(&src, "p.spend@2026-11"), &[1e9]);
    close(&eval(&src, "sum(d.spend, 2025)"), &[12e9]);
    close(&eval(&src, "sum(d.spend, 2025-01..2025-06)"), &[6e9]);
    close(&eval(&src, "sum(d.spend)"), &[24e9]);
}

#[test]
fn a_monthly_model_sums_to_its_yearly_twin() {
    // The same plan yearly and monthly: demand and prices constant within
    // each year (step keyframes), so every year's spend is the same.
    let body = "demand d = { 2025: 2 GW, 2026: 3 GW } step
provider a { capacity = 2.5 GW, price = { 2025: $4B/GW, 2026: $3B/GW } step }
provider b { price = $6B/GW }
allocate d by cost [a, b]
let spend = d.spend";
    let yearly = eval(&format!("timeline 2025..2026\n{body}"), "spend");
    let monthly = format!("timeline 2025..2026 monthly\n{body}");
    // 2025: 2 GW on a at $4B = $8B; 2026: 2.5 GW on a at $3B + 0.5 GW on b at $6B = $10.5B.
    close(&yearly, &[8e9, 10.5e9]);
    close(&eval(&monthly, "sum(spend, 2025)"), &[8e9]);
    close(&eval(&monthly, "sum(spend, 2026)"), &[10.5e9]);
}

#[test]
fn lag_and_delta_count_periods_yoy_a_year() {
    let src = format!("{Q}\nlet x = {{ 2025Q1: 1, 2027Q4: 12 }}");
    // Linear by quarter: 1, 2, …, 12.
    close(
        &eval(&src, "x"),
        &(1..=12).map(f64::from).collect::<Vec<_>>(),
    );
    close(&eval(&src, "lag(x, 1)@2025Q3"), &[2.0]);
    close(&eval(&src, "delta(x)@2026Q1"), &[1.0]);
    // yoy compares with four quarters earlier: 2026Q1 is 5 against 1.
    close(&eval(&src, "yoy(x)@2026Q1"), &[4.0]);
    close(&eval(&src, "yoy(x)@2025Q4"), &[0.0]);
    // cagr over periods or years: from 2025Q1 (1) to 2027Q1 (9) is two
    // years: 9^(1/2) − 1 = 200%.
    close(&eval(&src, "cagr(x, 2025Q1, 2027Q1)"), &[2.0]);
    close(&eval(&src, "cagr(x, 2025, 2027)"), &[2.0]);
    close(&eval(&src, "avg(x, 2026)"), &[6.5]);
    close(&eval(&src, "peak(x, 2025Q2..2026Q1)"), &[5.0]);
}

#[test]
fn when_gives_a_period_and_compares_with_years() {
    let src = format!("{M}\nlet x = {{ 2025-01: 0, 2026-12: 23 }}");
    // x reaches 10 in its 11th month, 2025-11.
    close(&eval(&src, "when x >= 10"), &[2025.0 + 10.0 / 12.0]);
    assert_eq!(eval(&src, "(when x >= 10) < 2026"), vec![1.0]);
    assert_eq!(eval(&src, "(when x >= 10) == 2025-11"), vec![1.0]);
    close(&eval(&src, "x@(when x >= 10)"), &[10.0]);
    assert_eq!(eval(&src, "year@2026-05"), vec![2026.0]);
}

#[test]
fn show_by_year_sums_amounts_and_averages_the_rest() {
    let src = format!(
        "{M}\nlet cost = {{ 2025: $1M, 2026: $2M }} step\nlet power = {{ 2025-01: 1 GW, 2025-12: 12 GW }}\nshow cost by year\nshow power by year\nshow power by year last"
    );
    let (code, out, err) = run(&src);
    assert_eq!(code, 0, "{err}");
    // Money sums: 12 × $1M and 12 × $2M.
    assert!(out.contains("2025  $12M"), "{out}");
    assert!(out.contains("2026  $24M"), "{out}");
    // Power averages: (1 + … + 12) / 12 = 6.5 GW in 2025, 12 GW in 2026.
    assert!(out.contains("6.5 GW"), "{out}");
    assert!(out.contains("12.0 GW") || out.contains("12 GW"), "{out}");
}

#[test]
fn tables_and_exports_label_periods() {
    let src = format!("{Q}\nlet x = {{ 2025Q1: 1 GW, 2027Q4: 12 GW }}\nshow x");
    let (_, out, _) = run(&src);
    assert!(
        out.lines().next().is_some_and(|l| l.starts_with("period")),
        "{out}"
    );
    assert!(out.contains("2026Q3"), "{out}");
    let mut sources = scn::source::SourceMap::new();
    let b = sources.add("p.scn", src.as_str());
    let (m, w) = scn::prepare(&mut sources, "p.scn", &src, b, &Default::default()).expect("runs");
    let csv = scn::export::to_csv(&scn::export::table(&m, &w.current));
    assert!(csv.starts_with("period,"), "{csv}");
    assert!(csv.contains("\n2025Q2,"), "{csv}");
    let json: serde_json::Value =
        serde_json::from_str(&scn::export::to_json(&scn::export::table(&m, &w.current)))
            .expect("json");
    assert_eq!(json["periods"][2], "2025Q3");
}

#[test]
fn bad_period_literals_are_located() {
    for (src, code) in [
        ("let a = 2026-13", "scn::bad_period"),
        ("let a = 2026Q5", "scn::bad_period"),
        ("let a = 2026-7", "scn::bad_period"),
        (
            "timeline 2025Q1..2026Q4 quarterly\nlet a = 2026-08",
            "scn::period_mismatch",
        ),
        (
            "timeline 2025..2026\nlet a = { 2026Q3: 1 GW }",
            "scn::period_mismatch",
        ),
    ] {
        let (c, _, err) = run(src);
        assert_eq!(c, 2, "{src}");
        assert!(err.contains(code), "{src}: wanted {code}:\n{err}");
    }
    // `2026 - 7` with spaces is a subtraction.
    close(&eval("", "2026 - 7"), &[2019.0]);
}

#[test]
fn uncertain_online_dates_land_on_periods() {
    // online uniform over 2025..2027 on a quarterly timeline: each sample
    // rounds to a quarter; capacity is 0 or 1 GW, never between.
    let src = format!(
        "{Q}\nsamples 400\ndemand d = 1 GW\nprovider p {{ capacity = 1 GW, online = uniform(2025, 2027) }}\nallocate d by priority [p]"
    );
    let v = eval(&src, "p.capacity@2026Q1");
    assert!(v.iter().all(|x| *x == 0.0 || *x == 1e9), "{v:?}");
    let online = v.iter().filter(|x| **x == 1e9).count();
    // About half the samples are online by 2026Q1 (uniform over two years).
    assert!((120..=280).contains(&online), "{online}");
}
