//! The meaning of the language, checked against hand-computed values:
//! units, keyframe fills, every built-in function, the three allocation
//! policies, and scenarios. Values are compared in SI base units.

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

const T: &str = "timeline 2024..2027";

#[test]
fn units_convert_to_si() {
    close(&eval(T, "1500 MW"), &[1.5e9]);
    close(&eval(T, "2 GW * 1 yr"), &[2e9 * 31_536_000.0]);
    close(&eval(T, "2 GW * 1 yr / 1 TWh"), &[17.52]);
    close(&eval(T, "$2/gpu/h * 1 h * 1 gpu\nunit gpu"), &[2.0]);
    close(&eval(T, "$5B/GW * 1 GW"), &[5e9]);
    close(&eval(T, "75%"), &[0.75]);
    close(&eval(T, "1_000 + 1.2e3 + 5k"), &[7200.0]);
    close(
        &eval(
            "unit gpu\nunit H100 = 1 gpu\nunit B200 = 2.5 H100",
            "4 B200 / 1 gpu",
        ),
        &[10.0],
    );
    assert_eq!(eval(T, "1500 MW == 1.5 GW"), vec![1.0]);
    assert_eq!(eval(T, "-2^2"), vec![-4.0]);
    assert_eq!(eval(T, "2^3^2"), vec![512.0]);
}

#[test]
fn dimension_errors_name_both_sides() {
    let e = eval_in(T, None, "5 GW + $3B").unwrap_err();
    assert!(e.contains("cannot add GW and USD"), "{e}");
    let e = eval_in(T, None, "max(1 GW, 2 h)").unwrap_err();
    assert!(e.contains("scn::unit_mismatch"), "{e}");
}

#[test]
fn keyframes_fill_linear_growth_step() {
    close(
        &eval(T, "{ 2024: 1 GW, 2027: 4 GW }"),
        &[1e9, 2e9, 3e9, 4e9],
    );
    let g = eval(T, "{ 2024: $5B, 2027: $20B } growth");
    close(
        &g,
        &[
            5e9,
            5e9 * 4f64.powf(1.0 / 3.0),
            5e9 * 4f64.powf(2.0 / 3.0),
            20e9,
        ],
    );
    assert!((g[1] / 1e9 - 7.94).abs() < 0.005);
    close(&eval(T, "{ 2025: 1, 2027: 3 } step"), &[1.0, 1.0, 1.0, 3.0]);
    close(&eval(T, "{ 2020: 0, 2030: 10 }"), &[4.0, 5.0, 6.0, 7.0]);
}

#[test]
fn series_operations() {
    close(&eval(T, "year"), &[2024.0, 2025.0, 2026.0, 2027.0]);
    close(&eval(T, "{ 2024: 1, 2027: 4 }@2026"), &[3.0]);
    close(
        &eval(T, "if year >= 2026 then 1 GW else 0 GW"),
        &[0.0, 0.0, 1e9, 1e9],
    );
    close(&eval(T, "when year * 2 > 4051"), &[2026.0]);
    assert!(
        eval(T, "when year > 3000")[0] == f64::INFINITY,
        "never is later than every period"
    );
    close(&eval(T, "(when year > 3000) == never"), &[1.0]);
    close(&eval(T, "(when year > 3000) <= 2030"), &[0.0]);
    close(&eval(T, "(when year > 2025) == never"), &[0.0]);
    // `if` only evaluates a branch in the years that choose it.
    close(
        &eval(T, "if year > 2025 then 1 / (year - 2025) else 0"),
        &[0.0, 0.0, 1.0, 0.5],
    );
    close(
        &eval(T, "year > 2025 and not (year == 2027) or year == 2024"),
        &[1.0, 0.0, 1.0, 0.0],
    );
}

#[test]
fn every_builtin_function() {
    let x = "let x = { 2024: 1, 2025: 2, 2026: 4, 2027: 8 } step";
    let src = format!("{T}\n{x}");
    close(&eval(&src, "sum(x)"), &[15.0]);
    close(&eval(&src, "sum(x, 2025..2026)"), &[6.0]);
    close(&eval(&src, "avg(x)"), &[3.75]);
    close(&eval(&src, "avg(x, 2026..2027)"), &[6.0]);
    close(&eval(&src, "peak(x)"), &[8.0]);
    close(&eval(&src, "trough(x)"), &[1.0]);
    close(&eval(&src, "cumsum(x)"), &[1.0, 3.0, 7.0, 15.0]);
    close(&eval(&src, "lag(x, 1)"), &[1.0, 1.0, 2.0, 4.0]);
    close(&eval(&src, "lag(x, 2)"), &[1.0, 1.0, 1.0, 2.0]);
    close(&eval(&src, "delta(x)"), &[0.0, 1.0, 2.0, 4.0]);
    close(&eval(&src, "yoy(x)"), &[0.0, 1.0, 1.0, 1.0]);
    close(&eval(&src, "cagr(x, 2024, 2027)"), &[1.0]);
    close(&eval(&src, "min(x, 3)"), &[1.0, 2.0, 3.0, 3.0]);
    close(&eval(&src, "max(x, 3, 2)"), &[3.0, 3.0, 4.0, 8.0]);
    close(&eval(&src, "abs(x - 5)"), &[4.0, 3.0, 1.0, 3.0]);
    close(&eval(&src, "clamp(x, 2, 5)"), &[2.0, 2.0, 4.0, 5.0]);
}

#[test]
fn arithmetic_errors_are_located() {
    let e = eval_in(T, None, "1 / (year - 2025)").unwrap_err();
    assert!(e.contains("division by zero in 2025"), "{e}");
    let e = eval_in(T, None, "{ 2024: 1 }@2031").unwrap_err();
    assert!(e.contains("2031 is outside the timeline 2024..2027"), "{e}");
    let e = eval_in(T, None, "10 ^ 400").unwrap_err();
    assert!(e.contains("scn::not_finite"), "{e}");
}

const TWO: &str = "timeline 2024..2026
demand a = 3 GW
demand b = 2 GW
provider p { capacity = 4 GW
  price = $1B/GW }
provider q { price = { 2024: $2B/GW, 2026: $0.5B/GW } }";

#[test]
fn priority_fills_in_order_and_allocations_share_capacity() {
    let src = format!("{TWO}\nallocate a by priority [p, q]\nallocate b by priority [p, q]");
    // a takes 3 of p's 4 GW; b gets the last 1 GW of p and 1 GW of q.
    close(&eval(&src, "share(p, a)"), &[1.0; 3]);
    close(&eval(&src, "share(p, b)"), &[0.5; 3]);
    close(&eval(&src, "p.load"), &[4e9; 3]);
    close(&eval(&src, "q.load"), &[1e9; 3]);
    close(&eval(&src, "p.headroom"), &[0.0; 3]);
    close(&eval(&src, "p.utilization"), &[1.0; 3]);
    close(
        &eval(&src, "b.spend"),
        &[1e9 + 2e9, 1e9 + 1.25e9, 1e9 + 0.5e9],
    );
    close(&eval(&src, "share(p)"), &[0.8; 3]);
}

#[test]
fn cost_follows_prices_as_they_cross() {
    let src = format!("{TWO}\nallocate a by cost [p, q]");
    // 2024: p ($1B) first; 2025: q is $1.25B, p still first; 2026: q ($0.5B) first.
    close(&eval(&src, "p.load"), &[3e9, 3e9, 0.0]);
    close(&eval(&src, "q.load"), &[0.0, 0.0, 3e9]);
    close(&eval(&src, "a.spend"), &[3e9, 3e9, 1.5e9]);
}

#[test]
fn cost_ties_keep_list_order_even_after_a_year_that_reordered() {
    // 2024: b is cheaper; 2025: a tie, which list order settles in a's favour.
    let src = "timeline 2024..2025\ndemand d = 1 GW\nprovider a { price = $2B/GW }\nprovider b { price = { 2024: $1B/GW, 2025: $2B/GW } }\nallocate d by cost [a, b]";
    close(&eval(src, "a.load"), &[0.0, 1e9]);
    close(&eval(src, "b.load"), &[1e9, 0.0]);
}

#[test]
fn cost_ties_keep_list_order() {
    let src = "timeline 2024..2024\ndemand d = 1 GW\nprovider x { price = $1B/GW }\nprovider y { price = $1B/GW }\nallocate d by cost [y, x]";
    close(&eval(src, "y.load"), &[1e9]);
    close(&eval(src, "x.load"), &[0.0]);
}

#[test]
fn share_caps_by_capacity_and_rest_takes_what_remains() {
    let src = "timeline 2024..2025
demand d = 10 GW
provider s { capacity = { 2024: 2 GW, 2025: 8 GW } }
provider r { capacity = 5 GW }
allocate d by share { s: 50%, r: rest }";
    // 2024: s capped at 2 GW, r takes 5 GW (its capacity), 3 GW unmet.
    // 2025: s takes 5 GW, r takes 5 GW.
    close(&eval(src, "s.load"), &[2e9, 5e9]);
    close(&eval(src, "r.load"), &[5e9, 5e9]);
    close(&eval(src, "d.unmet"), &[3e9, 0.0]);
    close(&eval(src, "d.served"), &[7e9, 10e9]);
}

#[test]
fn online_and_retire_bound_capacity() {
    let src = "timeline 2024..2028
demand d = 1 GW
provider old { capacity = 1 GW
  retire = 2027 }
provider new { capacity = 1 GW
  online = 2026 }
allocate d by priority [new, old]";
    close(&eval(src, "old.capacity"), &[1e9, 1e9, 1e9, 0.0, 0.0]);
    close(&eval(src, "new.load"), &[0.0, 0.0, 1e9, 1e9, 1e9]);
    close(&eval(src, "old.load"), &[1e9, 1e9, 0.0, 0.0, 0.0]);
}

#[test]
fn allocation_errors() {
    let over = "timeline 2024..2025\ndemand d = 1 GW\nprovider a {}\nprovider b {}\nallocate d by share { a: { 2024: 50%, 2025: 70% }, b: 40% }";
    let e = eval_in(over, None, "1").unwrap_err();
    assert!(e.contains("add up to 110% in 2025"), "{e}");
    let e = eval_in("timeline 2024..2025\ndemand d = 1 GW\nprovider a { price = $1B }\nallocate d by priority [a]", None, "1").unwrap_err();
    assert!(e.contains("scn::price_dimension"), "{e}");
}

const SCEN: &str = "timeline 2024..2026
let growth = 10%
let base_spend = $100
let spend = base_spend * (1 + growth) ^ (year - 2024)
demand d = 1 GW
provider p { capacity = 2 GW
  price = $1/GW }
allocate d by priority [p]
scenario fast { growth = 20% }
scenario faster extends fast { base_spend = $200 }
scenario capped { p.capacity = 0.5 GW }
provider q { price = $2/GW }
demand e = 3 GW
allocate e by priority [q]
scenario limited \"q gets a capacity it never had\" { q.capacity = 1 GW }";

#[test]
fn scenarios_override_and_extend() {
    close(
        &eval_in(SCEN, Some("fast"), "spend").unwrap(),
        &[100.0, 120.0, 144.0],
    );
    close(
        &eval_in(SCEN, Some("faster"), "spend").unwrap(),
        &[200.0, 240.0, 288.0],
    );
    close(
        &eval_in(SCEN, None, "spend").unwrap(),
        &[100.0, 110.0, 121.0],
    );
    close(
        &eval_in(SCEN, Some("capped"), "d.unmet").unwrap(),
        &[0.5e9; 3],
    );
    // An override may set a property the file left out: q was unlimited.
    close(&eval_in(SCEN, None, "e.unmet").unwrap(), &[0.0; 3]);
    close(
        &eval_in(SCEN, Some("limited"), "e.unmet").unwrap(),
        &[2e9; 3],
    );
    close(
        &eval_in(SCEN, Some("limited"), "q.utilization").unwrap(),
        &[1.0; 3],
    );
    // Values that no override reaches are shared with the base, not recomputed.
    close(
        &eval_in(SCEN, Some("limited"), "spend").unwrap(),
        &[100.0, 110.0, 121.0],
    );
    let e = eval_in(SCEN, Some("fats"), "1").unwrap_err();
    assert!(e.contains("did you mean `fast`?"), "{e}");
}

#[test]
fn a_scenario_shares_what_its_overrides_do_not_reach() {
    let src =
        "timeline 2024..2026\nlet a = 1 GW\nlet b = a * 2\nlet c = 5 GW\nscenario s { a = 2 GW }";
    let mut sources = scn::source::SourceMap::new();
    let base = sources.add("t.scn", src);
    let opts = scn::RunOptions {
        scenario: Some("s".into()),
        ..Default::default()
    };
    let (model, worlds) = scn::prepare(&mut sources, "t.scn", src, base, &opts).expect("ok");
    let world = worlds.base.clone();
    let s = worlds.current.clone();
    let node = |n: &str| match model.lookup(n) {
        Some(scn::check::Sym::Node(id)) => id,
        _ => panic!("no {n}"),
    };
    let same = |n: &str| {
        let (x, y) = (
            world.values[node(n)].as_ref().expect("v"),
            s.values[node(n)].as_ref().expect("v"),
        );
        std::sync::Arc::ptr_eq(x, y)
    };
    assert!(same("c"), "c does not depend on a: shared, not recomputed");
    assert!(!same("a") && !same("b"), "a and b are recomputed");
    assert_eq!(s.values[node("b")].as_ref().expect("b").data()[0], 4e9);
}
