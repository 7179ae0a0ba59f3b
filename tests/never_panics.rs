//! Bad input never panics: random token streams and mutated examples always
//! end with exit status 0, 1 or 2, and hostile nesting is refused cleanly.

use proptest::prelude::*;
use scn::RunOptions;
use scn::cli::{Format, Printed, run_bytes};
use scn::report::Style;

/// Runs like the binary (large stack); a panic fails the test.
fn run(bytes: Vec<u8>, format: Format) -> Printed {
    std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(move || {
            run_bytes(
                "fuzz.scn",
                bytes,
                &RunOptions::default(),
                format,
                Style::Plain,
            )
        })
        .expect("thread starts")
        .join()
        .expect("scn panicked")
}

const TOKENS: &[&str] = &[
    "timeline",
    "2024..2030",
    "let",
    "demand",
    "provider",
    "allocate",
    "by",
    "priority",
    "cost",
    "share",
    "rest",
    "scenario",
    "extends",
    "compare",
    "on",
    "show",
    "assert",
    "plot",
    "unit",
    "samples",
    "seed",
    "within",
    "when",
    "if",
    "then",
    "else",
    "and",
    "or",
    "not",
    "in",
    "to",
    "never",
    "base",
    "x",
    "y",
    "p",
    "d",
    "gpu",
    "year",
    "capacity",
    "price",
    "online",
    "retire",
    "load",
    "spend",
    "unmet",
    "5",
    "0",
    "2027",
    "1e400",
    "75%",
    "5B",
    "1_000",
    "$5B",
    "$",
    "$B",
    "GW",
    "TWh",
    "h",
    "yr",
    "B",
    "+",
    "-",
    "*",
    "/",
    "^",
    "@",
    ".",
    ",",
    ":",
    ";",
    "=",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "\n",
    "\"title\"",
    "#c\n",
    "growth",
    "step",
    "linear",
    "sum",
    "lag",
    "cagr",
    "when",
    "share(p)",
    "x@2030",
    "{ 2024: 1 GW, 2030: 2 GW }",
];

fn examples() -> Vec<Vec<u8>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples");
    let mut v: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .expect("examples folder")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "scn"))
        .filter_map(|e| std::fs::read(e.path()).ok())
        .collect();
    v.sort();
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_token_streams(tokens in prop::collection::vec(prop::sample::select(TOKENS), 0..60)) {
        let src = tokens.join(" ");
        let p = run(src.into_bytes(), Format::Text);
        prop_assert!(matches!(p.code, 0..=2));
    }

    #[test]
    fn mutated_examples(which in any::<prop::sample::Index>(), at in any::<prop::sample::Index>(),
                        len in 0usize..40, insert in prop::sample::select(TOKENS), kind in 0u8..4) {
        let files = examples();
        prop_assume!(!files.is_empty());
        let mut bytes = which.get(&files).clone();
        let pos = at.index(bytes.len() + 1);
        match kind {
            0 => { let end = (pos + len).min(bytes.len()); bytes.drain(pos..end); }
            1 => { bytes.splice(pos..pos, insert.bytes()); }
            2 => { let end = (pos + len).min(bytes.len()); let chunk = bytes[pos..end].to_vec(); bytes.splice(pos..pos, chunk); }
            _ => { if pos < bytes.len() { bytes[pos] = bytes[pos].wrapping_add(len as u8 + 1); } }
        }
        let p = run(bytes, if kind == 3 { Format::Json } else { Format::Text });
        prop_assert!(matches!(p.code, 0..=2));
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for src in [
        format!("let x = {}1{}", "(".repeat(20_000), ")".repeat(20_000)),
        format!("let x = {}1", "-".repeat(20_000)),
        format!("let x = {}1", "not ".repeat(20_000)),
        format!("let x = {}", "{ 2024: ".repeat(20_000)),
    ] {
        let p = run(src.into_bytes(), Format::Text);
        assert_eq!(p.code, 2);
        assert!(p.stderr.contains("scn::too_deep"), "{}", p.stderr);
    }
}

#[test]
fn long_power_chains_give_an_error_not_a_crash() {
    // 20,000 right-associative powers nest 20,000 deep: refused, not crashed.
    let src = format!("let x = {}", vec!["2"; 20_000].join("^"));
    let p = run(src.into_bytes(), Format::Text);
    assert_eq!(p.code, 2);
    let head = &p.stderr[..p.stderr.len().min(400)];
    assert!(p.stderr.contains("scn::too_deep"), "{head}");
}

#[test]
fn long_flat_expressions_evaluate() {
    // A chain of one operator is flat, however long: it evaluates.
    for n in [1_999, 2_001, 40_000] {
        let src = format!(
            "let x = {}\nlet y = x\nassert y == {n}",
            vec!["1"; n].join(" + ")
        );
        let p = run(src.into_bytes(), Format::Text);
        assert_eq!(p.code, 0, "{n} terms: {}", p.stderr);
    }
    let src = format!("let x = {}\nassert x > 0", vec!["2"; 40_000].join(" * "));
    let p = run(src.into_bytes(), Format::Text);
    assert_eq!(p.code, 2, "2^40000 overflows: an error, not infinity");
    assert!(p.stderr.contains("scn::not_finite"), "{}", p.stderr);
}
