//! Every example is run as `scn run` would run it and its output
//! snapshotted; examples must pass their own asserts, and every error
//! example must fail with exit status 2 and a diagnostic.

use scn::RunOptions;
use scn::cli::{Format, Printed, run_bytes};
use scn::report::Style;

/// Runs on a thread with a large stack, as the binary does.
fn run(path: &std::path::Path) -> Printed {
    let bytes = std::fs::read(path).expect("example is readable");
    let name = format!(
        "examples/{}{}",
        if path.parent().is_some_and(|p| p.ends_with("errors")) {
            "errors/"
        } else {
            ""
        },
        path.file_name().expect("file name").to_string_lossy()
    );
    std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(move || {
            run_bytes(
                &name,
                bytes,
                &RunOptions::default(),
                Format::Text,
                Style::Plain,
            )
        })
        .expect("thread starts")
        .join()
        .expect("run does not panic")
}

fn transcript(p: &Printed) -> String {
    format!(
        "{}--- stderr ---\n{}--- exit {} ---\n",
        p.stdout, p.stderr, p.code
    )
}

#[test]
fn examples_run_and_pass_their_asserts() {
    insta::glob!("../examples", "*.scn", |path| {
        let p = run(path);
        assert_eq!(p.code, 0, "{} failed:\n{}", path.display(), transcript(&p));
        insta::assert_snapshot!(transcript(&p));
    });
}

#[test]
fn error_examples_report_a_located_diagnostic() {
    insta::glob!("../examples/errors", "*.scn", |path| {
        let p = run(path);
        assert_eq!(
            p.code,
            2,
            "{} should be an input error:\n{}",
            path.display(),
            transcript(&p)
        );
        assert!(
            p.stderr.contains("scn::"),
            "{} has no diagnostic code:\n{}",
            path.display(),
            p.stderr
        );
        insta::assert_snapshot!(transcript(&p));
    });
}
