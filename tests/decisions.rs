//! Decisions against hand-solved linear programs: every rule kind of
//! `by optimal`, ties, unmet demand, budgets; an independent check against
//! a brute-force grid and the merit order; plans whose optimum is derived
//! by hand (discounting decides when to build); shadow prices; goal seek.

mod common;

use common::{eval, eval_in};
use proptest::prelude::*;

const GW: f64 = 1e9;
const B: f64 = 1e9;

fn close(a: &[f64], b: &[f64]) {
    assert_eq!(a.len(), b.len(), "{a:?} vs {b:?}");
    for (x, y) in a.iter().zip(b) {
        assert!(
            (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0),
            "{a:?} vs {b:?}"
        );
    }
}

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

/// Three providers, one demand of 10 GW: a ($3B/GW, 6 GW), b ($4B/GW,
/// 6 GW), c ($5B/GW, unlimited).
fn three(rules: &str) -> String {
    format!(
        "timeline 2026..2026
demand d = 10 GW
provider a {{ capacity = 6 GW, price = $3B/GW }}
provider b {{ capacity = 6 GW, price = $4B/GW }}
provider c {{ price = $5B/GW }}
allocate d by optimal [a, b, c] {rules}
"
    )
}

#[test]
fn without_rules_it_is_the_merit_order() {
    // a 6 GW, b 4 GW: 6×3 + 4×4 = $34B.
    let src = three("");
    close(&eval(&src, "a.load"), &[6.0 * GW]);
    close(&eval(&src, "b.load"), &[4.0 * GW]);
    close(&eval(&src, "c.load"), &[0.0]);
    close(&eval(&src, "d.spend"), &[34.0 * B]);
}

#[test]
fn an_at_least_share_forces_a_dearer_provider() {
    // c >= 30% = 3 GW; then a 6 GW, b 1 GW: 18 + 4 + 15 = $37B.
    let src = three("{ c >= 30% }");
    close(&eval(&src, "a.load"), &[6.0 * GW]);
    close(&eval(&src, "b.load"), &[1.0 * GW]);
    close(&eval(&src, "c.load"), &[3.0 * GW]);
    close(&eval(&src, "d.spend"), &[37.0 * B]);
}

#[test]
fn an_at_most_amount_caps_a_provider() {
    // a <= 2 GW; b 6 GW, c 2 GW: 6 + 24 + 10 = $40B.
    let src = three("{ a <= 2 GW }");
    close(&eval(&src, "a.load"), &[2.0 * GW]);
    close(&eval(&src, "b.load"), &[6.0 * GW]);
    close(&eval(&src, "c.load"), &[2.0 * GW]);
    close(&eval(&src, "d.spend"), &[40.0 * B]);
}

#[test]
fn an_exact_share_pins_a_provider() {
    // b == 50% = 5 GW; a 5 GW: 15 + 20 = $35B.
    let src = three("{ b == 50% }");
    close(&eval(&src, "a.load"), &[5.0 * GW]);
    close(&eval(&src, "b.load"), &[5.0 * GW]);
    close(&eval(&src, "share(b, d)"), &[0.5]);
    close(&eval(&src, "d.spend"), &[35.0 * B]);
}

#[test]
fn rules_hold_exactly_so_asserts_without_tolerance_pass() {
    let src = three("{ c >= 30%, a <= 55% }");
    // a 5.5, c 3, b 1.5: 16.5 + 6 + 15 = $37.5B.
    close(&eval(&src, "a.load"), &[5.5 * GW]);
    close(&eval(&src, "c.load"), &[3.0 * GW]);
    close(&eval(&src, "b.load"), &[1.5 * GW]);
    let probe = format!("{src}\nassert share(c, d) >= 30%\nassert share(a, d) <= 55%\n");
    let (code, out, err) = run(&probe);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn rules_may_change_with_the_years() {
    // 2026: c >= 0%, 2030: c >= 40%, linear between; demand 10 GW.
    let src = "timeline 2026..2030
demand d = 10 GW
provider a { capacity = 6 GW, price = $3B/GW }
provider c { price = $5B/GW }
allocate d by optimal [a, c] { c >= { 2026: 0%, 2030: 40% } }
";
    // c = max(10% × (y − 2026) × 10 GW, 10 − 6 = 4 GW): 4, 4, 4, 4, 4 GW.
    close(&eval(src, "c.load"), &[4.0 * GW; 5]);
    let src = src.replace("capacity = 6 GW", "capacity = 10 GW");
    // Now only the rule binds: 0, 1, 2, 3, 4 GW.
    close(
        &eval(&src, "c.load"),
        &[0.0, 1.0 * GW, 2.0 * GW, 3.0 * GW, 4.0 * GW],
    );
}

#[test]
fn equal_prices_go_to_the_provider_listed_first() {
    let src = "timeline 2026..2026
demand d = 5 GW
provider x { capacity = 10 GW, price = $4B/GW }
provider y { capacity = 10 GW, price = $4B/GW }
allocate d by optimal [y, x]
";
    close(&eval(src, "y.load"), &[5.0 * GW]);
    close(&eval(src, "x.load"), &[0.0]);
}

#[test]
fn unmet_demand_is_only_what_no_capacity_can_take() {
    // 12 GW against 6 + 4 GW: 2 GW unmet, whatever the prices.
    let src = "timeline 2026..2026
demand d = 12 GW
provider a { capacity = 6 GW, price = $9B/GW }
provider b { capacity = 4 GW, price = $1B/GW }
allocate d by optimal [a, b]
";
    close(&eval(src, "d.unmet"), &[2.0 * GW]);
    close(&eval(src, "d.served"), &[10.0 * GW]);
}

#[test]
fn two_demands_share_capacity_for_the_least_total_spend() {
    // t may use a, b; i only a. Greedy (t first, cheapest) would take a
    // for t and leave i unmet; the LP gives a to i and b to t.
    let src = "timeline 2026..2026
demand t = 4 GW
demand i = 4 GW
provider a { capacity = 4 GW, price = $3B/GW }
provider b { capacity = 4 GW, price = $4B/GW }
allocate t by optimal [a, b]
allocate i by optimal [a]
";
    close(&eval(src, "a.load"), &[4.0 * GW]);
    close(&eval(src, "share(b, t)"), &[1.0]);
    close(&eval(src, "i.unmet"), &[0.0]);
    close(&eval(src, "t.spend + i.spend"), &[28.0 * B]);
}

#[test]
fn optimal_allocations_take_what_the_others_leave() {
    // `by priority` takes 5 GW of a first; the optimal one gets 1 GW of a.
    let src = "timeline 2026..2026
demand first = 5 GW
demand later = 3 GW
provider a { capacity = 6 GW, price = $3B/GW }
provider b { price = $4B/GW }
allocate first by priority [a]
allocate later by optimal [a, b]
";
    close(&eval(src, "share(a, later)"), &[1.0 / 3.0]);
    close(&eval(src, "b.load"), &[2.0 * GW]);
}

#[test]
fn a_budget_limits_what_is_served() {
    // $20B buys 5 GW at $4B/GW; the rest is unmet.
    let src = "timeline 2026..2026
demand d = 8 GW
provider a { price = $4B/GW }
allocate d by optimal [a] budget $20B
";
    close(&eval(src, "d.served"), &[5.0 * GW]);
    close(&eval(src, "d.unmet"), &[3.0 * GW]);
}

#[test]
fn rules_that_cannot_hold_name_the_year_and_the_rules() {
    let src = "timeline 2026..2027
demand d = { 2026: 2 GW, 2027: 8 GW }
provider a { capacity = 4 GW, price = $4B/GW }
provider b { capacity = 3 GW, price = $3B/GW }
allocate d by optimal [a, b] { a >= 75% }
";
    let (code, _, err) = run(src);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("scn::infeasible"), "{err}");
    assert!(err.contains("in 2027"), "{err}");
    assert!(err.contains("a >= 75%"), "{err}");
}

#[test]
fn optimal_solves_each_sample_of_an_uncertain_model() {
    // Capacity of a uniform in 4..6 GW, demand 10 GW: b takes 10 − cap.
    let src = "timeline 2026..2026
samples 200
demand d = 10 GW
provider a { capacity = uniform(4 GW, 6 GW), price = $3B/GW }
provider b { price = $4B/GW }
allocate d by optimal [a, b]
";
    let a = eval(src, "a.load");
    let b = eval(src, "b.load");
    assert_eq!(a.len(), 200);
    for (x, y) in a.iter().zip(&b) {
        assert!((x + y - 10.0 * GW).abs() < 1e-6, "{x} + {y}");
    }
    let cap = eval(src, "a.capacity");
    close(&a, &cap);
}

/// The cheapest cost of serving `want` from providers (capacity, price)
/// with per-provider lower bounds, by search over a 0.25 GW grid.
fn grid(want: f64, providers: &[(f64, f64, f64)]) -> Option<f64> {
    let step = 0.25;
    let n = providers.len();
    let mut best: Option<f64> = None;
    let steps: Vec<usize> = providers
        .iter()
        .map(|p| (p.0.min(want) / step).round() as usize)
        .collect();
    let mut idx = vec![0usize; n];
    loop {
        let x: Vec<f64> = idx.iter().map(|&k| k as f64 * step).collect();
        let total: f64 = x.iter().sum();
        if (total - want).abs() < 1e-9 && x.iter().zip(providers).all(|(x, p)| *x >= p.2 - 1e-9) {
            let cost: f64 = x.iter().zip(providers).map(|(x, p)| x * p.1).sum();
            best = Some(best.map_or(cost, |b: f64| b.min(cost)));
        }
        let mut k = 0;
        loop {
            if k == n {
                return best;
            }
            idx[k] += 1;
            if idx[k] <= steps[k] {
                break;
            }
            idx[k] = 0;
            k += 1;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Small random instances: the LP's spend equals a brute-force search
    /// over a grid the optimum lies on (capacities, demand and bounds are
    /// multiples of the grid step).
    #[test]
    fn optimal_matches_a_brute_force_grid(
        want in 2u32..24,
        caps in proptest::collection::vec(1u32..16, 3),
        prices in proptest::collection::vec(1u32..9, 3),
        floor in 0u32..8,
    ) {
        let want = f64::from(want) * 0.5;
        let providers: Vec<(f64, f64, f64)> = caps
            .iter()
            .zip(&prices)
            .enumerate()
            .map(|(k, (c, p))| (f64::from(*c) * 0.5, f64::from(*p), if k == 2 { f64::from(floor) * 0.25 } else { 0.0 }))
            .collect();
        let Some(best) = grid(want, &providers) else {
            // Infeasible: not enough capacity, or the floor too high.
            return Ok(());
        };
        let src = format!(
            "timeline 2026..2026
demand d = {want} GW
provider p0 {{ capacity = {} GW, price = ${}B/GW }}
provider p1 {{ capacity = {} GW, price = ${}B/GW }}
provider p2 {{ capacity = {} GW, price = ${}B/GW }}
allocate d by optimal [p0, p1, p2] {{ p2 >= {} GW }}
",
            providers[0].0, providers[0].1, providers[1].0, providers[1].1, providers[2].0, providers[2].1, providers[2].2
        );
        let spend = eval_in(&src, None, "d.spend").map_err(TestCaseError::fail)?;
        prop_assert!((spend[0] - best * B).abs() <= 1e-9 * best * B, "{} vs {}", spend[0], best * B);
    }

    /// Without rules, one demand: `by optimal` gives the merit order of
    /// `by cost`, provider by provider.
    #[test]
    fn optimal_without_rules_equals_by_cost(
        want in 1u32..40,
        caps in proptest::collection::vec(1u32..12, 4),
        prices in proptest::collection::vec(1u32..50, 4),
    ) {
        let body = |policy: &str| {
            let mut s = format!("timeline 2026..2027\ndemand d = {{ 2026: {want} GW, 2027: {} GW }}\n", want * 2);
            for (k, (c, p)) in caps.iter().zip(&prices).enumerate() {
                // Distinct prices: the merit order is then unique.
                s.push_str(&format!("provider p{k} {{ capacity = {c} GW, price = ${}.{k}B/GW }}\n", p));
            }
            s.push_str(&format!("allocate d by {policy} [p0, p1, p2, p3]\n"));
            s
        };
        for k in 0..4 {
            let e = format!("p{k}.load");
            let a = eval_in(&body("optimal"), None, &e).map_err(TestCaseError::fail)?;
            let b = eval_in(&body("cost"), None, &e).map_err(TestCaseError::fail)?;
            for (x, y) in a.iter().zip(&b) {
                prop_assert!((x - y).abs() <= 1e-6, "{e}: {a:?} vs {b:?}");
            }
        }
    }
}

// --- Plans -----------------------------------------------------------------

/// One demand stepping from 1 GW to 2 GW in 2028, an existing provider of
/// 1 GW, and a campus that may build up to 2 GW a year at $30B/GW.
const STEP: &str = "timeline 2026..2030
demand d = { 2026: 1 GW, 2027: 1 GW, 2028: 2 GW, 2030: 2 GW } step
provider old { capacity = 1 GW, price = $1B/GW }
provider campus {
  build = 0 GW .. 2 GW
  capex = $30B/GW
  price = $1B/GW
}
allocate d by optimal [old, campus]
let spend = d.spend
";

#[test]
fn discounting_decides_when_to_build() {
    // 1 GW is needed from 2028. Building in 2026, 2027 or 2028 costs the
    // same $30B undiscounted; discounted at 10% the latest is cheapest:
    // 30 / 1.1² = $24.79B, plus the running spend.
    let src = format!("{STEP}plan minimize sum(spend + campus.capex_spend) discount 10%\n");
    close(&eval(&src, "campus.built"), &[0.0, 0.0, GW, 0.0, 0.0]);
    close(&eval(&src, "campus.capacity"), &[0.0, 0.0, GW, GW, GW]);
    close(&eval(&src, "d.unmet"), &[0.0; 5]);
    // Spend: 1 GW × $1B in 2026–27, 2 GW × $1B in 2028–30, discounted;
    // capex 30 in 2028.
    let w = |t: i32| 1.0 / 1.1f64.powi(t);
    let expected = 1.0 * (w(0) + w(1)) + 2.0 * (w(2) + w(3) + w(4)) + 30.0 * w(2);
    let (code, out, err) = run(&format!("{src}show plan\n"));
    assert_eq!(code, 0, "{err}");
    let shown = format!("objective: ${:.1}B", expected);
    assert!(out.contains(&shown), "{shown} not in\n{out}");
}

#[test]
fn a_constraint_can_force_an_early_build() {
    // campus must carry half of 2027's demand: 0.5 GW built in 2027 (the
    // latest year that serves 2027), 0.5 GW more in 2028.
    let src = format!(
        "{STEP}plan minimize sum(spend + campus.capex_spend) discount 10% subject to [share(campus)@2027 >= 50%]\n"
    );
    close(
        &eval(&src, "campus.built"),
        &[0.0, 0.5 * GW, 0.5 * GW, 0.0, 0.0],
    );
}

#[test]
fn a_build_pinned_by_a_constraint_moves_to_another_year() {
    // Undiscounted, building in 2026, 2027 or 2028 costs the same $30B; with
    // 2028 pinned to zero the 1 GW comes earlier, and 2028 builds nothing.
    let src = format!(
        "{STEP}plan minimize sum(spend + campus.capex_spend) subject to [campus.built@2028 == 0 GW]\n"
    );
    close(&eval(&src, "sum(campus.built)"), &[GW]);
    close(&eval(&src, "campus.built@2028"), &[0.0]);
    close(&eval(&src, "campus.capacity@2028"), &[GW]);
}

#[test]
fn a_binding_capacity_reports_its_shadow_price() {
    // No builds: by optimal over two years, a capped cheap provider. One
    // more GW of `cheap` in 2026 saves $4B − $1B = $3B (undiscounted).
    let src = "timeline 2026..2027
demand d = 3 GW
provider cheap { capacity = 1 GW, price = $1B/GW }
provider dear { price = $4B/GW }
allocate d by optimal [cheap, dear]
plan minimize sum(d.spend)
show plan
";
    let (code, out, err) = run(src);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("capacity of cheap"), "{out}");
    assert!(out.contains("1 GW more would save $3.00B"), "{out}");
}

#[test]
fn plans_that_cannot_hold_name_their_constraints() {
    let src = format!(
        "{STEP}plan minimize sum(spend + campus.capex_spend) subject to [campus.capacity@2026 >= 5 GW]\n"
    );
    let (code, _, err) = run(&src);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("scn::plan_infeasible"), "{err}");
    assert!(err.contains("campus.capacity@2026 >= 5 GW"), "{err}");
}

#[test]
fn non_linear_plans_label_the_operation() {
    let src = format!("{STEP}plan minimize sum(spend * campus.built / 1 GW)\n");
    let (code, _, err) = run(&src);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("scn::not_linear"), "{err}");
    assert!(
        err.contains("multiplies two quantities the plan chooses"),
        "{err}"
    );
    let src = format!("{STEP}plan minimize sum(spend) subject to [peak(campus.built) <= 1 GW]\n");
    let (_, _, err) = run(&src);
    assert!(
        err.contains("`peak` of a quantity the plan chooses"),
        "{err}"
    );
}

#[test]
fn a_plan_on_an_uncertain_model_is_an_error() {
    let src = STEP.replace("capacity = 1 GW", "capacity = 1 GW to 2 GW");
    let src = format!("{src}plan minimize sum(spend + campus.capex_spend)\n");
    let (code, _, err) = run(&src);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("certain"), "{err}");
}

#[test]
fn the_plan_flows_through_scenarios_and_statements() {
    // A scenario that raises capex to $100B/GW: building stays cheaper
    // than leaving demand unmet, so the same 1 GW is built.
    let src = format!(
        "{STEP}plan minimize sum(spend + campus.capex_spend) discount 10%
scenario dear {{ campus.capex = $100B/GW }}
"
    );
    close(&eval(&src, "sum(campus.capex_spend)"), &[30.0 * B]);
    let v = eval_in(&src, Some("dear"), "sum(campus.capex_spend)").unwrap();
    close(&v, &[100.0 * B]);
}

// --- Goal seek ---------------------------------------------------------------

#[test]
fn solve_finds_the_price_that_meets_a_target() {
    // spend = 4 GW × p in 2027: p = $5B/GW gives $20B.
    let src = "timeline 2026..2027
demand d = 4 GW
provider a { price = p }
allocate d by priority [a]
solve p in $1B/GW .. $10B/GW so that d.spend@2027 == $20B
";
    close(&eval(src, "p"), &[5.0 * B / GW]);
}

#[test]
fn solve_without_a_root_shows_both_ends() {
    let src = "timeline 2026..2027
demand d = 4 GW
provider a { price = p }
allocate d by priority [a]
solve p in $1B/GW .. $2B/GW so that d.spend@2027 == $20B
";
    let (code, _, err) = run(src);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("$1B/GW") || err.contains("-$16"), "{err}");
}

#[test]
fn solve_works_on_the_mean_of_an_uncertain_model() {
    // mean(4 GW × growth × p) == $20B with growth ~ uniform(0.5, 1.5)
    // (mean 1): p = $5B/GW up to the sample mean of growth.
    let src = "timeline 2026..2027
samples 4000
let growth = uniform(0.5, 1.5)
demand d = 4 GW * growth
provider a { price = p }
allocate d by priority [a]
solve p in $1B/GW .. $10B/GW so that mean(d.spend@2027) == $20B
";
    let g = eval(src, "mean(growth)")[0];
    close(&eval(src, "p"), &[5.0 * B / GW / g]);
}
