//! The latency of a REPL line on a loaded session of the article's model
//! (the complete example of LANGUAGE.md): queries, a redeclaration that
//! recomputes everything, and a Tab completion. A query should take well
//! under 10 ms; the figures are printed at the end.
//!
//! `cargo bench --bench repl` runs it.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use scn::repl::{ScnHelper, Session};
use scn::report::Style;

/// The complete example of LANGUAGE.md.
const MODEL: &str = r#"# Compute needs, in gigawatts of data-centre capacity.
timeline 2024..2030

demand training  = { 2024: 0.6 GW, 2027: 1.5 GW, 2030: 3 GW } growth
demand inference = { 2024: 0.4 GW, 2027: 2.5 GW, 2030: 9 GW } growth

provider microsoft "Microsoft Azure" {
  capacity = { 2024: 1.2 GW, 2026: 3 GW, 2030: 3 GW }
  price    = $5B/GW                       # per GW used, per year
}

provider stargate "SoftBank Stargate" {
  online   = 2026
  capacity = { 2026: 1.2 GW, 2030: 10 GW } growth
  price    = { 2026: $4.5B/GW, 2030: $3.5B/GW }
}

allocate training  by priority [stargate, microsoft]
allocate inference by share { stargate: { 2026: 20%, 2030: 75% }, microsoft: rest }

let spend = training.spend + inference.spend

show spend in $B
show share(stargate)
show when inference.spend > training.spend
assert spend@2024 == $5B
assert share(stargate)@2030 >= 75%

scenario delayed "Stargate slips two years" {
  stargate.online = 2028
}
compare base, delayed on spend, share(stargate)@2030
"#;

/// The lines measured, and what each must print (so a broken build cannot
/// measure an error path by mistake).
const LINES: [(&str, &str); 4] = [
    ("spend@2030", "$45.4B"),
    ("share(stargate)", "2030           81.25%"),
    ("compare base, delayed on spend@2027", "-$3.47B"),
    (
        "let spend = training.spend + inference.spend",
        "nothing else changed",
    ),
];

fn loaded() -> Session {
    let mut s = Session::new(Style::Plain);
    let out = s.load_text("openai_stargate.scn", MODEL);
    assert!(out.stderr.is_empty(), "the model loads: {}", out.stderr);
    s
}

/// Every session keeps the text of each line it read, so a long run starts
/// a fresh session now and then (outside the timed part).
fn time_lines(line: &str, iters: u64) -> Duration {
    let mut s = loaded();
    let mut total = Duration::ZERO;
    for i in 0..iters {
        if i > 0 && i % 20_000 == 0 {
            s = loaded();
        }
        let t = Instant::now();
        black_box(s.line(black_box(line)));
        total += t.elapsed();
    }
    total
}

fn bench_lines(c: &mut Criterion) {
    let mut g = c.benchmark_group("repl");
    g.measurement_time(Duration::from_secs(3));
    for (line, expect) in LINES {
        let out = loaded().line(line);
        assert!(
            out.stderr.is_empty() && out.stdout.contains(expect),
            "`{line}` printed {out:?}"
        );
        g.bench_function(line, |b| b.iter_custom(|iters| time_lines(line, iters)));
    }
    let helper = ScnHelper::new(loaded().vocab(), false);
    g.bench_function("complete `stargate.`", |b| {
        b.iter(|| black_box(helper.candidates(black_box("stargate."), 9)))
    });
    g.finish();
}

criterion_group!(benches, bench_lines);

/// The mean time per line over `n` lines, for the summary.
fn mean(line: &str, n: u64) -> Duration {
    time_lines(line, n) / n as u32
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    println!("\nmean latency of one REPL line on the article's model:");
    for (line, _) in LINES {
        println!("  {:>10.1?}  {line}", mean(line, 2_000));
    }
    let load = {
        let t = Instant::now();
        for _ in 0..200 {
            black_box(loaded());
        }
        t.elapsed() / 200
    };
    println!("  {load:>10.1?}  loading the file");
}
