//! The `scn` binary as a user runs it: exit codes, formats, scenarios and
//! `--set` from the command line, standard input, colour.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn scn(args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scn"));
    cmd.args(args)
        .env("NO_COLOR", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("scn starts");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("scn finishes")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const SMALL: &str = "timeline 2024..2026
let growth = 10%
let spend = $100 * (1 + growth) ^ (year - 2024)
show spend
assert spend@2024 == $100
scenario fast \"Faster growth\" { growth = 20% }
";

#[test]
fn exit_codes() {
    assert_eq!(scn(&["run", "-"], Some(SMALL)).status.code(), Some(0));
    assert_eq!(
        scn(&["run", "-"], Some("assert 1 == 2")).status.code(),
        Some(1)
    );
    assert_eq!(scn(&["run", "-"], Some("let x = ")).status.code(), Some(2));
    assert_eq!(
        scn(&["run", "no/such/file.scn"], None).status.code(),
        Some(2)
    );
    assert_eq!(scn(&["frobnicate"], None).status.code(), Some(2));
    assert_eq!(
        scn(&["run", "-", "--format", "xml"], Some(SMALL))
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn help_and_version() {
    let h = scn(&["--help"], None);
    assert_eq!(h.status.code(), Some(0));
    assert!(out(&h).contains("run") && out(&h).contains("check") && out(&h).contains("repl"));
    let v = scn(&["--version"], None);
    assert!(out(&v).starts_with("scn "), "{}", out(&v));
}

#[test]
fn a_failed_assert_shows_both_sides_and_goes_on() {
    let o = scn(
        &["run", "-"],
        Some(
            "timeline 2024..2025\nlet x = { 2024: 1 GW, 2025: 3 GW }\nassert x < 2 GW\nshow x@2025",
        ),
    );
    assert_eq!(o.status.code(), Some(1));
    let s = out(&o);
    assert!(s.contains("assert failed at <stdin>:3:8"), "{s}");
    assert!(s.contains("fails in 2025"), "{s}");
    assert!(s.contains("2025: x = 3 GW, 2 GW = 2 GW"), "{s}");
    assert!(
        s.contains("x@2025 = 3 GW"),
        "the run goes on after a failed assert: {s}"
    );
}

#[test]
fn scenario_and_set_from_the_command_line() {
    let o = scn(&["run", "-", "--scenario", "fast"], Some(SMALL));
    assert!(out(&o).contains("$144"), "{}", out(&o));
    let o = scn(&["run", "-", "--set", "growth=50%"], Some(SMALL));
    assert!(out(&o).contains("$225"), "{}", out(&o));
    // --set applies on top of the chosen scenario.
    let o = scn(
        &["run", "-", "--scenario", "fast", "--set", "growth=0%"],
        Some(SMALL),
    );
    let row = |l: &str| l.split_whitespace().collect::<Vec<_>>() == ["2026", "$100"];
    assert!(out(&o).lines().any(row), "{}", out(&o));
}

#[test]
fn command_line_errors_point_into_the_argument() {
    let o = scn(&["run", "-", "--scenario", "fats"], Some(SMALL));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("unknown scenario `fats`") && err(&o).contains("did you mean `fast`?"),
        "{}",
        err(&o)
    );
    let o = scn(&["run", "-", "--set", "grwth=1"], Some(SMALL));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("[--set:1:1]") && err(&o).contains("did you mean `growth`?"),
        "{}",
        err(&o)
    );
    let o = scn(&["run", "-", "--set", "growth=5 GW"], Some(SMALL));
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("scn::override_dimension"), "{}", err(&o));
    let o = scn(&["run", "-", "--set", "growth=(1"], Some(SMALL));
    assert!(err(&o).contains("expected"), "{}", err(&o));
}

#[test]
fn json_and_csv_carry_si_numbers() {
    let o = scn(&["run", "-", "--format", "json"], Some(SMALL));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    let show = &doc["outputs"][0]["values"][0];
    assert_eq!(show["label"], "spend");
    assert_eq!(show["unit"], "USD");
    assert_eq!(show["years"], serde_json::json!([2024, 2025, 2026]));
    let v = show["values"].as_array().expect("values");
    assert!((v[2].as_f64().expect("number") - 121.0).abs() < 1e-9);
    let o = scn(&["run", "-", "--format", "csv"], Some(SMALL));
    let csv = out(&o);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("scenario,label,year,value,unit"));
    assert_eq!(lines.next(), Some("base,spend,2024,100,USD"));
}

#[test]
fn compare_in_json_has_differences() {
    let src = format!("{SMALL}compare base, fast on spend@2026\n");
    let o = scn(&["run", "-", "--format", "json"], Some(&src));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    let cmp = doc["outputs"]
        .as_array()
        .expect("outputs")
        .iter()
        .find(|o| o["kind"] == "compare")
        .expect("a compare");
    let d = cmp["rows"][0]["differences"][0]["value"]
        .as_f64()
        .expect("a difference");
    assert!((d - (144.0 - 121.0)).abs() < 1e-9, "{d}");
}

#[test]
fn check_runs_nothing_but_finds_errors() {
    let o = scn(&["check", "-"], Some(SMALL));
    assert_eq!(o.status.code(), Some(0));
    assert!(!out(&o).contains("$100"), "check prints no values");
    let o = scn(
        &["check", "-"],
        Some("timeline 2024..2025\nlet a = 1 GW + 1 h\nlet b = c\n"),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("cannot add GW and s") || err(&o).contains("cannot add GW and"),
        "{}",
        err(&o)
    );
    assert!(err(&o).contains("unknown name `c`"), "{}", err(&o));
}

#[test]
fn unmet_demand_is_a_warning_not_an_error() {
    let o = scn(
        &["run", "-"],
        Some(
            "timeline 2024..2025\ndemand d = 2 GW\nprovider p { capacity = 1.5 GW }\nallocate d by priority [p]\nshow d.unmet",
        ),
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(
        err(&o).contains("demand `d` is not fully served: 500 MW in 2024, 500 MW in 2025"),
        "{}",
        err(&o)
    );
}

#[test]
fn no_colour_when_piped() {
    let o = scn(&["run", "-"], Some("let x = y"));
    assert!(!err(&o).contains('\u{1b}'), "escape codes in piped output");
}

#[test]
fn plot_writes_an_svg_with_one_line_per_series() {
    let dir = std::env::temp_dir().join(format!("scn-plot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let svg = dir.join("spend.svg");
    let svg_arg = svg.to_string_lossy().into_owned();
    let o = scn(
        &[
            "plot",
            "examples/openai_stargate.scn",
            "microsoft.spend",
            "stargate.spend",
            "--title",
            "Spend",
            "-o",
            &svg_arg,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let text = std::fs::read_to_string(&svg).expect("the SVG was written");
    let doc = roxmltree::Document::parse(&text).expect("valid XML");
    // Each series is one polyline in its own colour (grid lines are grey).
    for k in 0..2 {
        let colour = scn::chart::svg::colour_hex(k);
        let lines = doc
            .descendants()
            .filter(|n| {
                n.has_tag_name("polyline") && n.attribute("stroke") == Some(colour.as_str())
            })
            .count();
        assert_eq!(lines, 1, "one line for series {k}");
    }
    let texts: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect();
    assert!(
        texts.contains(&"Spend") && texts.contains(&"2027"),
        "{texts:?}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn plot_errors_point_into_the_argument() {
    let o = scn(
        &[
            "plot",
            "examples/openai_stargate.scn",
            "spend",
            "stargate.load",
            "-o",
            "-",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("scn::plot_mixed_units"), "{}", err(&o));
    let o = scn(
        &["plot", "examples/openai_stargate.scn", "spnd", "-o", "-"],
        None,
    );
    assert!(
        err(&o).contains("[<expr>:1:1]") && err(&o).contains("did you mean `spend`?"),
        "{}",
        err(&o)
    );
}

#[test]
fn export_writes_every_series_and_leaves_no_temporary_file() {
    let dir = std::env::temp_dir().join(format!("scn-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let csv = dir.join("plan.csv");
    let csv_arg = csv.to_string_lossy().into_owned();
    let o = scn(
        &[
            "export",
            "examples/openai_stargate.scn",
            "--scenario",
            "delayed",
            "-o",
            &csv_arg,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let text = std::fs::read_to_string(&csv).expect("written");
    let header = text.lines().next().expect("a header");
    for col in [
        "spend [USD]",
        "stargate.load [W]",
        "inference.unmet [W]",
        "microsoft.utilization",
    ] {
        assert!(
            header.split(',').any(|h| h == col),
            "no `{col}` in {header}"
        );
    }
    assert_eq!(text.lines().count(), 1 + 7, "a row per year");
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(|e| e.ok())
        .collect();
    assert_eq!(leftovers.len(), 1, "only the export itself");
    std::fs::remove_dir_all(&dir).ok();
}
