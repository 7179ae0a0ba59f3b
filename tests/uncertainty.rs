//! Monte Carlo, checked statistically: every test uses a fixed seed and
//! 100,000 samples, with tolerances of about four standard errors, so a
//! correct implementation passes and a wrong distribution does not.

mod common;

use common::eval;

const MC: &str = "timeline 2024..2026\nsamples 100000\nseed 42";

fn one(expr: &str) -> f64 {
    let v = eval(MC, expr);
    assert_eq!(v.len(), 1, "{expr} is not a single value");
    v[0]
}

fn near(x: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (x - want).abs() <= tol,
        "{what}: {x} is not within {tol} of {want}"
    );
}

#[test]
fn a_to_b_is_a_90_percent_interval() {
    // Lognormal when both ends are positive: p5 and p95 land on the ends,
    // the median on their geometric mean.
    near(one("percentile(1 to 10, 5%)"), 1.0, 0.02, "p5");
    near(one("percentile(1 to 10, 95%)"), 10.0, 0.2, "p95");
    near(
        one("percentile(1 to 10, 50%)"),
        10f64.sqrt(),
        0.03,
        "median",
    );
    // Normal otherwise: symmetric about the middle.
    near(one("percentile(-2 to 6, 5%)"), -2.0, 0.05, "p5");
    near(one("percentile(-2 to 6, 95%)"), 6.0, 0.05, "p95");
    near(one("mean(-2 to 6)"), 2.0, 0.03, "mean");
    // Units carry through.
    near(
        one("percentile(3 GW to 5 GW, 95%) / 1 GW"),
        5.0,
        0.05,
        "p95 in GW",
    );
}

#[test]
fn distributions_have_their_moments() {
    near(one("mean(normal(10, 2))"), 10.0, 0.03, "normal mean");
    near(one("sd(normal(10, 2))"), 2.0, 0.02, "normal sd");
    near(one("mean(uniform(0, 1))"), 0.5, 0.004, "uniform mean");
    near(
        one("sd(uniform(0, 1))"),
        (1.0f64 / 12.0).sqrt(),
        0.003,
        "uniform sd",
    );
    near(
        one("mean(triangular(1, 2, 4))"),
        7.0 / 3.0,
        0.008,
        "triangular mean",
    );
    near(
        one("sd(triangular(1, 2, 4))"),
        (7.0f64 / 18.0).sqrt(),
        0.006,
        "triangular sd",
    );
    near(one("mean(pert(1, 2, 4))"), 13.0 / 6.0, 0.008, "pert mean");
    // PERT's variance: (mean − lo)(hi − mean) / 7.
    near(
        one("sd(pert(1, 2, 4))"),
        ((13.0f64 / 6.0 - 1.0) * (4.0 - 13.0 / 6.0) / 7.0).sqrt(),
        0.006,
        "pert sd",
    );
    near(
        one("mean(lognormal(0, 0.5))"),
        0.125f64.exp(),
        0.01,
        "lognormal mean",
    );
}

#[test]
fn prob_matches_analytic_values() {
    near(
        one("prob(normal(0, 1) > 1.6448536)"),
        0.05,
        0.003,
        "upper 5% tail",
    );
    near(one("prob(uniform(0, 10) < 3)"), 0.3, 0.006, "uniform cdf");
    near(one("prob(1 to 10 > 10)"), 0.05, 0.003, "above the interval");
}

#[test]
fn shared_draws_are_one_draw() {
    let src = format!("{MC}\nlet x = normal(0, 1)\nlet y = x * 2");
    assert_eq!(eval(&src, "sd(x - x)"), vec![0.0], "x - x is exactly 0");
    assert_eq!(eval(&src, "prob(y == 2 * x)"), vec![1.0]);
    near(
        eval(&src, "mean(x * y)")[0],
        2.0,
        0.05,
        "perfectly correlated",
    );
    // Two separate inputs are independent: the variance of the difference adds.
    near(
        one("sd(normal(0, 1) - normal(0, 1))"),
        2f64.sqrt(),
        0.015,
        "independent draws",
    );
}

#[test]
fn series_and_years_per_sample() {
    let src = format!("{MC}\nlet g = 10% to 50%\nlet x = 100 * (1 + g) ^ (year - 2024)");
    // Each sample's growth is the same every year: year 2 is year 1 squared / 100.
    let y1 = eval(&src, "x@2025");
    assert_eq!(
        y1.len(),
        100_000,
        "a year of an uncertain series is its samples"
    );
    assert_eq!(eval(&src, "prob(x@2026 * 100 == x@2025 ^ 2)"), vec![1.0]);
    // `when` per sample: above 120 in 2025 when g > 20%, else in 2026 or never.
    let p = eval(&src, "prob((when x > 120) == 2025)")[0];
    let analytic = eval(&src, "prob(g > 20%)")[0];
    assert!((p - analytic).abs() < 1e-12, "{p} vs {analytic}");
    // Reductions over years work per sample too.
    assert_eq!(
        eval(&src, "prob(sum(x) == x@2024 + x@2025 + x@2026)"),
        vec![1.0]
    );
}

#[test]
fn allocation_runs_per_sample() {
    let src = format!(
        "{MC}\ndemand d = uniform(0, 2) * 1 GW\nprovider p {{ capacity = 1 GW\n price = $1B/GW }}\nallocate d by priority [p]"
    );
    // E[max(0, D − 1)] for D uniform on 0..2 is 0.25.
    let unmet = eval(&src, "mean(d.unmet@2024) / 1 GW")[0];
    near(unmet, 0.25, 0.005, "expected shortfall");
    // Per sample, served + unmet is the demand.
    assert_eq!(
        eval(&src, "prob(d.served + d.unmet == d)"),
        vec![1.0, 1.0, 1.0]
    );
}

#[test]
fn a_seed_gives_the_same_numbers_and_another_seed_others() {
    let a = eval(MC, "mean(1 to 10)");
    let b = eval(MC, "mean(1 to 10)");
    assert_eq!(a, b);
    let other = eval(
        "timeline 2024..2026\nsamples 100000\nseed 43",
        "mean(1 to 10)",
    );
    assert_ne!(a, other);
}
