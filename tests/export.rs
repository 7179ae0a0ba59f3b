//! Export: the table of every named series, as CSV and JSON, read back and
//! compared with what the interpreter shows for the same names.

use scn::RunOptions;
use scn::check::Model;
use scn::eval::{Value, World};
use scn::export::{self, Format, Table};
use scn::run::Output;

const ARTICLE: &str = include_str!("../examples/openai_stargate.scn");

const SMALL: &str = "\
timeline 2024..2026
let growth = 50%
let target = $20B
demand training = { 2024: 1 GW, 2026: 2 GW }
provider azure \"Microsoft Azure\" {
  capacity = 1.5 GW
  price = $5B/GW
  pue = 1.2
}
provider stargate {
  online = 2025
  price = $4B/GW
}
allocate training by priority [azure, stargate]
let spend = training.spend
let ok = spend < target
";

fn model(text: &str) -> (Model, World) {
    let mut sources = scn::source::SourceMap::new();
    let base = sources.add("model.scn", text);
    let (model, worlds) = scn::prepare(
        &mut sources,
        "model.scn",
        text,
        base,
        &RunOptions::default(),
    )
    .expect("the model evaluates");
    let world = (*worlds.base).clone();
    (model, world)
}

/// What `show NAME` gives for the name, through the interpreter.
fn shown(text: &str, name: &str) -> Value {
    let program = format!("{text}\nshow {name}\n");
    let mut sources = scn::source::SourceMap::new();
    let base = sources.add("model.scn", program.as_str());
    let r = scn::run_text(
        &mut sources,
        "model.scn",
        &program,
        base,
        &RunOptions::default(),
    );
    assert!(r.errors.is_empty(), "show {name}: {:?}", r.errors);
    match r.outputs.last() {
        Some(Output::Show { columns, .. }) => columns[0].value.clone(),
        // `show DEMAND` is the demand's table: its first column is the demand.
        Some(Output::Table { columns, .. }) if columns[0].label == "demand" => {
            columns[0].value.clone()
        }
        other => panic!("show {name} gave {other:?}"),
    }
}

/// A CSV file read back: the header cells and the rows of numbers.
struct Csv {
    headers: Vec<String>,
    years: Vec<String>,
    columns: Vec<Vec<Option<f64>>>,
}

fn read_csv(text: &str) -> Csv {
    let mut lines = text.lines();
    let headers: Vec<String> = lines
        .next()
        .expect("a header row")
        .split(',')
        .map(String::from)
        .collect();
    assert_eq!(headers[0], "year");
    let mut out = Csv {
        headers: headers[1..].to_vec(),
        years: Vec::new(),
        columns: vec![Vec::new(); headers.len() - 1],
    };
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), headers.len(), "a cell per column in {line:?}");
        out.years.push(cells[0].to_string());
        for (c, cell) in cells[1..].iter().enumerate() {
            out.columns[c].push(if cell.is_empty() {
                None
            } else {
                Some(cell.parse().expect("a number"))
            });
        }
    }
    out
}

/// `spend [USD]` → (`spend`, `USD`); `share` → (`share`, ``).
fn split_header(h: &str) -> (&str, &str) {
    match h.split_once(" [") {
        Some((n, u)) => (n, u.trim_end_matches(']')),
        None => (h, ""),
    }
}

/// Every column of the CSV is what the interpreter shows for its name.
fn check_against_interpreter(text: &str) {
    let (m, w) = model(text);
    let csv = read_csv(&export::to_csv(&export::table(&m, &w)));
    let t = m.timeline.expect("timeline");
    let years: Vec<String> = (0..t.len()).map(|i| t.label(i)).collect();
    assert_eq!(csv.years, years);
    for (h, col) in csv.headers.iter().zip(&csv.columns) {
        let (name, unit) = split_header(h);
        let v = shown(text, name);
        let expected_unit = match v.kind() {
            scn::units::format::Kind::Bool => "bool".to_string(),
            scn::units::format::Kind::Period => m.period_unit().to_string(),
            _ => m.base_names.si_unit(v.dim()),
        };
        assert_eq!(unit, expected_unit, "unit of {name}");
        for (i, cell) in col.iter().enumerate() {
            let x = v.at(i);
            match cell {
                Some(c) => assert_eq!(*c, x, "{name} in {}", years[i]),
                None => assert!(
                    !x.is_finite(),
                    "{name} in {} is {x}, exported empty",
                    years[i]
                ),
            }
        }
    }
}

#[test]
fn article_csv_reads_back_as_evaluated() {
    check_against_interpreter(ARTICLE);
}

#[test]
fn small_csv_reads_back_as_evaluated() {
    check_against_interpreter(SMALL);
}

#[test]
fn article_columns() {
    let (m, w) = model(ARTICLE);
    let t = export::table(&m, &w);
    let headers: Vec<String> = t.columns.iter().map(export::header).collect();
    insta::assert_snapshot!("article_columns", headers.join("\n"));
    let spend = t.column("spend").expect("spend");
    assert_eq!(spend.unit, "USD");
    assert!(
        (spend.values[0] - 5e9).abs() < 1.0,
        "the article's $5B in 2024"
    );
    // A limited provider has capacity, utilization and headroom.
    for c in [
        "microsoft.capacity",
        "microsoft.utilization",
        "microsoft.headroom",
        "stargate.online",
    ] {
        assert!(t.column(c).is_some(), "{c}");
    }
}

#[test]
fn small_model_csv_and_json() {
    let (m, w) = model(SMALL);
    let t = export::table(&m, &w);
    // An unlimited provider has no capacity, utilization or headroom.
    assert!(t.column("stargate.capacity").is_none());
    assert!(t.column("stargate.headroom").is_none());
    assert!(t.column("stargate.load").is_some());
    // Scalars are repeated in every row.
    let target = t.column("target").expect("target");
    assert!(target.scalar);
    assert_eq!(target.values, vec![20e9; 3]);
    let csv = export::to_csv(&t);
    insta::assert_snapshot!("small_csv", csv);
    let json = export::to_json(&t);
    insta::assert_snapshot!("small_json", json);

    // The JSON holds the same table.
    let doc: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(doc["years"], serde_json::json!([2024, 2025, 2026]));
    let cols = doc["columns"].as_array().expect("columns");
    assert_eq!(cols.len(), t.columns.len());
    for (j, c) in cols.iter().zip(&t.columns) {
        assert_eq!(j["name"], c.name.as_str());
        assert_eq!(j["unit"], c.unit.as_str());
        let values = j["values"].as_array().expect("values");
        assert_eq!(values.len(), 3);
        for (jv, v) in values.iter().zip(&c.values) {
            match jv {
                serde_json::Value::Bool(b) => assert_eq!(*b, *v != 0.0),
                serde_json::Value::Number(n) => assert_eq!(n.as_f64(), Some(*v)),
                other => panic!("{} has {other}", c.name),
            }
        }
    }
}

#[test]
fn uncertain_values_take_four_columns() {
    let text = "\
timeline 2024..2026
samples 400
seed 7
let g = 40% to 80%
let x = { 2024: 1 GW, 2026: 2 GW } * (1 + g)
let fixed = 3 GW
";
    let (m, w) = model(text);
    let t = export::table(&m, &w);
    let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "g.mean", "g.p5", "g.p50", "g.p95", "x.mean", "x.p5", "x.p50", "x.p95", "fixed"
        ]
    );
    let col = |n: &str| t.column(n).expect(n);
    for i in 0..3 {
        let (p5, p50, p95) = (
            col("x.p5").values[i],
            col("x.p50").values[i],
            col("x.p95").values[i],
        );
        assert!(p5 < p50 && p50 < p95, "percentiles in order in year {i}");
    }
    // `g` is a scalar: the same four numbers in every row.
    assert!(col("g.p5").scalar);
    assert!(
        col("g.p5")
            .values
            .iter()
            .all(|&v| v == col("g.p5").values[0])
    );
    // The 90% interval was asked as 40%..80%.
    assert!((col("g.p5").values[0] - 0.4).abs() < 0.05);
    assert!((col("g.p95").values[0] - 0.8).abs() < 0.08);
    assert_eq!(col("x.mean").unit, "W");
    let csv = export::to_csv(&t);
    assert!(csv.starts_with(
        "year,g.mean,g.p5,g.p50,g.p95,x.mean [W],x.p5 [W],x.p50 [W],x.p95 [W],fixed [W]\n"
    ));
    let doc: serde_json::Value = serde_json::from_str(&export::to_json(&t)).expect("json");
    assert_eq!(doc["columns"][5]["series"], "x");
    assert_eq!(doc["columns"][5]["stat"], "p5");
}

#[test]
fn charts_of_uncertain_values_have_a_band() {
    let text =
        "timeline 2024..2026\nsamples 300\nlet x = { 2024: 1 GW, 2026: 2 GW } * (90% to 110%)\n";
    let (m, w) = model(text);
    let id = m.nodes.iter().position(|n| n.name == "x").expect("x");
    let v = (*w.values[id].clone().expect("x evaluated")).clone();
    let s = scn::chart::Series::from_value(&m, "x", &v);
    let (p5, p95) = s.band.as_ref().expect("a band");
    for i in 0..3 {
        assert!(p5[i] < s.values[i] && s.values[i] < p95[i]);
    }
}

#[test]
fn writes_whole_files_or_nothing() {
    let dir = std::env::temp_dir().join(format!("scn-export-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (m, w) = model(SMALL);
    let leftovers = |dir: &std::path::Path| -> Vec<String> {
        std::fs::read_dir(dir)
            .expect("readable")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect()
    };

    let csv = dir.join("plan.csv");
    export::write(&m, &w, Format::Csv, csv.to_str().expect("utf-8")).expect("written");
    let expected = export::to_csv(&export::table(&m, &w));
    assert_eq!(std::fs::read_to_string(&csv).expect("read"), expected);
    // Overwriting replaces the file whole.
    std::fs::write(
        &csv,
        "old contents that are longer than nothing\n".repeat(100),
    )
    .expect("w");
    export::write(&m, &w, Format::Csv, csv.to_str().expect("utf-8")).expect("rewritten");
    assert_eq!(std::fs::read_to_string(&csv).expect("read"), expected);
    let json = dir.join("plan.json");
    export::write(&m, &w, Format::Json, json.to_str().expect("utf-8")).expect("written");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("read")).expect("json");
    assert_eq!(doc["scenario"], "base");
    assert!(leftovers(&dir).is_empty());

    // A failed write (the target is a directory) reports the path and
    // leaves no temporary file behind.
    let blocked = dir.join("blocked.csv");
    std::fs::create_dir_all(blocked.join("inside")).expect("dir");
    let err = export::write(&m, &w, Format::Csv, blocked.to_str().expect("utf-8"))
        .expect_err("cannot replace a directory");
    assert!(err.to_string().contains("blocked.csv"), "{err}");
    assert!(
        blocked.join("inside").is_dir(),
        "the directory is untouched"
    );
    assert!(leftovers(&dir).is_empty(), "{:?}", leftovers(&dir));
    // A missing directory: an error, nothing written.
    let missing = dir.join("no/such/dir/plan.csv");
    assert!(export::write(&m, &w, Format::Csv, missing.to_str().expect("utf-8")).is_err());
    assert!(!missing.exists());

    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn formats() {
    assert_eq!("csv".parse::<Format>(), Ok(Format::Csv));
    assert_eq!("JSON".parse::<Format>(), Ok(Format::Json));
    assert!("xlsx".parse::<Format>().is_err());
    assert_eq!(Format::from_path("out/plan.json"), Some(Format::Json));
    assert_eq!(Format::from_path("plan"), None);
    // Standard output.
    export::write_output("-", b"").expect("stdout");
}

#[test]
fn no_timeline_is_one_row() {
    let (m, w) = model("let a = 5 GW\nlet b = a * 2\n");
    let t: Table = export::table(&m, &w);
    assert_eq!(t.rows(), 1);
    assert_eq!(
        export::to_csv(&t),
        "year,a [W],b [W]\n,5000000000,10000000000\n"
    );
}
