//! Bad input never panics: random token streams, mutated examples and
//! hostile input (deep nesting, long chains, extreme numbers, huge names)
//! through `run`, `check`, `export` and the REPL end with exit status 0, 1
//! or 2 — 2 always with a located diagnostic — never show `inf` or `NaN`,
//! and never report a bug.

use proptest::prelude::*;
use scn::RunOptions;
use scn::cli::{Format, Printed, run_bytes};
use scn::report::Style;

/// What every run must satisfy, whatever its input.
fn sound(p: &Printed) -> Result<(), String> {
    if !matches!(p.code, 0..=2) {
        return Err(format!("exit status {}", p.code));
    }
    if p.code == 2 && !p.stderr.contains("scn::") {
        return Err(format!("an error without a diagnostic code:\n{}", p.stderr));
    }
    if p.stderr.contains("a bug") {
        return Err(format!("an internal error:\n{}", p.stderr));
    }
    // What scn writes itself (not the user's source quoted under a diagnostic).
    let own = |t: &str| -> String {
        t.lines()
            .filter(|l| !l.contains('│') && !l.contains('·'))
            .collect::<Vec<_>>()
            .join("\n")
    };
    for text in [own(&p.stdout), own(&p.stderr)] {
        if text
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| matches!(w, "inf" | "NaN" | "nan"))
        {
            return Err(format!("a non-finite number is shown:\n{text}"));
        }
    }
    Ok(())
}

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

/// Runs `f` on a thread with a large stack, as the binary does; a panic
/// fails the test.
fn big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(f)
        .expect("thread starts")
        .join()
        .expect("scn panicked")
}

/// One hostile line: deep nesting, long chains, extreme numbers, huge
/// names, odd periods.
fn hostile() -> impl Strategy<Value = String> {
    let numbers = prop::sample::select(vec![
        "1e308",
        "-1e308",
        "5e-324",
        "1e-308",
        "0",
        "9223372036854775807",
        "1e15",
        "1e16",
        "1e20",
        "2^1023",
        "1e308 * 10",
        "1 / 3",
        "$1e300",
        "1e300 GW",
        "1e-300 GW",
    ]);
    let forms = prop::sample::select(vec![
        "let a{i} = {n}",
        "let a{i} = {n} GW ^ {n}",
        "let a{i} = {{ 2024: {n}, 2030: {n} }} growth",
        "let a{i} = {n} to {n}",
        "let a{i} = normal({n}, {n})",
        "let a{i} = sum({n})",
        "let a{i} = cumsum({n} * year)",
        "let a{i} = mean({n} to 2 * {n})",
        "show {n} in %",
        "show {n}",
        "plot {n}",
        "assert {n} == {n}",
        "let a{i} = x@{n}",
        "let a{i} = lag(d, {n})",
        "let a{i} = percentile(1 to 2, {n})",
        "let a{i} = round({n}, {n})",
        "let a{i} = ln({n}) + exp({n})",
        "let a{i} = npv(d.spend, {n})",
        "let a{i} = cagr(d, 2024, {n})",
        "provider q{i} {{ capacity = {n} GW, online = {n} }}",
        "scenario s{i} {{ p.price = {n} }}",
        "let a{i} = when year > {n}",
        "let a{i} = 2026-{n}",
    ]);
    (numbers, forms, 0u32..1000, 0usize..5).prop_map(|(n, f, i, shape)| {
        let line = f
            .replace("{n}", n)
            .replace("{i}", &i.to_string())
            .replace("{{", "{")
            .replace("}}", "}");
        match shape {
            0 => line,
            1 => format!("let deep{i} = {}{n}{}", "(".repeat(150), ")".repeat(150)),
            2 => format!("let chain{i} = {}", vec![n; 3000].join(" + ")),
            3 => format!("let {} = {n}", "x".repeat(5000 + i as usize)),
            _ => format!("let m{i} = {}{n}", "-".repeat(150)),
        }
    })
}

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
        prop_assert!(sound(&p).is_ok(), "{}", sound(&p).unwrap_err());
    }

    #[test]
    fn hostile_input_everywhere(parts in prop::collection::vec(hostile(), 1..6), format in 0u8..3) {
        let src = format!("timeline 2024..2030\nsamples 50\nprovider p {{ capacity = 2 GW, price = $1B/GW }}\ndemand d = 1 GW\nallocate d by cost [p]\n{}", parts.join("\n"));
        let fmt = match format { 0 => Format::Text, 1 => Format::Json, _ => Format::Csv };
        let p = run(src.clone().into_bytes(), fmt);
        prop_assert!(sound(&p).is_ok(), "{}\n{}", sound(&p).unwrap_err(), &src[..src.len().min(300)]);
        let check = big_stack(move || {
            let mut sources = scn::source::SourceMap::new();
            let base = sources.add("fuzz.scn", src.as_str());
            let errors = scn::check_text(&mut sources, "fuzz.scn", &src, base);
            // Whatever check says, export of what evaluates never panics.
            if let Ok((m, w)) = scn::prepare(&mut sources, "fuzz.scn", &src, base, &RunOptions::default()) {
                let t = scn::export::table(&m, &w.current);
                let _ = scn::export::to_csv(&t);
                let _ = scn::export::to_json(&t);
            }
            let mut session = scn::repl::Session::new(Style::Plain);
            for line in src.lines() {
                let _ = session.line_uncaught(line);
            }
            let _ = session.line_uncaught(":list");
            errors.len()
        });
        let _ = check;
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
        prop_assert!(sound(&p).is_ok(), "{}", sound(&p).unwrap_err());
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
