//! Every answer right or loudly wrong: the cases where scn once printed
//! nothing, skipped an assert, gave a wrong allocation, let `inf` through
//! or crashed — each with its value worked out by hand.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{eval, eval_in};

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn scn_env(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Out {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scn"));
    cmd.args(args)
        .env("NO_COLOR", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("scn starts");
    let mut input = child.stdin.take().expect("stdin");
    let text = stdin.to_string();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(text.as_bytes());
    });
    let o = child.wait_with_output().expect("scn finishes");
    let _ = writer.join();
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn scn(args: &[&str], stdin: &str) -> Out {
    scn_env(args, stdin, &[])
}

fn run(src: &str) -> Out {
    scn(&["run", "-"], src)
}

fn close(a: &[f64], b: &[f64]) {
    assert_eq!(a.len(), b.len(), "{a:?} vs {b:?}");
    for (x, y) in a.iter().zip(b) {
        assert!(
            (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1e-12),
            "{a:?} vs {b:?}"
        );
    }
}

/// Nothing a user sees is ever `inf` or `NaN`.
fn no_non_finite(o: &Out) {
    for text in [&o.stdout, &o.stderr] {
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            assert!(
                !matches!(word, "inf" | "NaN" | "nan" | "infinity"),
                "non-finite number shown:\n{text}"
            );
        }
    }
}

#[test]
fn a_demand_that_reads_a_capacity_is_served_and_checked() {
    let src = "timeline 2024..2026
provider p { capacity = 2 GW }
demand d = p.capacity * 80%
allocate d by priority [p]
show d
assert d.served == 99 GW
";
    let o = run(src);
    // 80% of 2 GW is 1.6 GW, all served by p: the assert runs, and fails.
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("demand d"),
        "show d prints its table:\n{}",
        o.stdout
    );
    assert!(o.stdout.contains("1.6 GW"), "{}", o.stdout);
    assert!(o.stdout.contains("assert failed"), "{}", o.stdout);
    assert!(o.stdout.contains("1 of 1 asserts fail"), "{}", o.stdout);
    close(
        &eval(
            &src.replace("show d\nassert d.served == 99 GW\n", ""),
            "d.served",
        ),
        &[1.6e9; 3],
    );
    let c = scn(&["check", "-"], src);
    assert_eq!(c.code, 0, "{}", c.stderr);
}

#[test]
fn unlimited_providers_serve_only_while_online() {
    let src = "timeline 2024..2027
demand d = 1 GW
provider cloud { price = $1B/GW, online = 2026, retire = 2027 }
allocate d by priority [cloud]
scenario early { cloud.online = 2025 }";
    // Online in 2026 only (retires at the start of 2027).
    close(&eval(src, "d.served"), &[0.0, 0.0, 1e9, 0.0]);
    close(&eval(src, "cloud.spend"), &[0.0, 0.0, 1e9, 0.0]);
    close(
        &eval_in(src, Some("early"), "d.served").unwrap(),
        &[0.0, 1e9, 1e9, 0.0],
    );
}

#[test]
fn what_must_be_certain_is_checked() {
    let o = run("unit gpu\nunit b200 = 2 gpu to 3 gpu\nshow 1 b200");
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("scn::uncertain_not_allowed"),
        "{}",
        o.stderr
    );
    let o = run("let x = 1 to 2\nassert x == x within (1% to 2%)");
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("scn::uncertain_not_allowed"),
        "{}",
        o.stderr
    );
}

#[test]
fn never_is_later_than_every_period() {
    let t = "timeline 2024..2026";
    assert_eq!(eval(t, "never > 2030"), vec![1.0]);
    assert_eq!(eval(t, "never <= 2030"), vec![0.0]);
    assert_eq!(eval(t, "never == never"), vec![1.0]);
    assert_eq!(eval(t, "(when year > 2100) > 2030"), vec![1.0]);
    // `never` is not a number to compute with.
    let e = eval_in(t, None, "(when year > 2100) - 2024").unwrap_err();
    assert!(e.contains("scn::not_finite"), "{e}");
}

#[test]
fn within_pp_is_absolute_percentage_points() {
    assert_eq!(run("assert 76.5% == 75% within 2 pp").code, 0);
    let o = run("assert 78% == 75% within 2 pp");
    assert_eq!(o.code, 1);
    // 78% − 75% = 3 points, beyond 2.
    assert!(o.stdout.contains("difference: 3%"), "{}", o.stdout);
    assert!(o.stdout.contains("within 2 pp"), "{}", o.stdout);
    let o = run("let x = 1 pp");
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("within"),
        "pp means nothing outside within: {}",
        o.stderr
    );
}

#[test]
fn draws_do_not_move_when_the_file_is_edited_elsewhere() {
    let a = "timeline 2024..2026\nsamples 2000\nlet g = 10% to 30%\nlet x = mean(g)\nshow x";
    let b = "# a comment that shifts every byte\ntimeline 2024..2026\n\nsamples 2000\nlet unrelated = 5\nlet g = 10% to 30%\nlet x = mean(g)\nshow x";
    let (oa, ob) = (run(a), run(b));
    assert_eq!(oa.code, 0);
    assert_eq!(
        oa.stdout, ob.stdout,
        "the same input draws the same samples"
    );
}

#[test]
fn syntax_errors_do_not_depend_on_the_core_count() {
    // Large enough to be parsed in pieces, with two independent errors.
    let mut src = String::from("timeline 2024..2026\n");
    for i in 0..4000 {
        src.push_str(&format!("let x{i} = {i} GW * 2\n"));
        if i == 100 || i == 3900 {
            src.push_str("let broken = (1 +\n");
        }
    }
    let one = scn_env(&["check", "-"], &src, &[("SCN_THREADS", "1")]);
    let two = scn_env(&["check", "-"], &src, &[("SCN_THREADS", "2")]);
    assert_eq!(one.code, 2);
    assert_eq!(one.stderr, two.stderr);
}

#[test]
fn non_finite_values_are_errors() {
    for src in [
        "timeline 2024..2030\nlet x = { 2024: 1e300, 2025: 1e308 } growth\nlet y = x * 1e10",
        "timeline 2024..2030\nlet x = 1e308\nlet s = sum(x)",
        "timeline 2024..2030\nsamples 100\nlet x = normal(1e308, 1e308)\nshow mean(x)",
        "let x = 1e308\nshow x in %",
        "let x = 1e200 * 1e200",
        "timeline 2024..2026\nlet x = { 2024: 1, 2026: 1e308 } growth\nlet y = cumsum(x * 1e10)",
    ] {
        let o = run(src);
        assert_eq!(o.code, 2, "{src}:\n{}{}", o.stdout, o.stderr);
        assert!(o.stderr.contains("scn::not_finite"), "{src}:\n{}", o.stderr);
        no_non_finite(&o);
    }
}

#[test]
fn hostile_numbers_and_shapes_are_located_errors() {
    for (src, code) in [
        ("let x = 1 GW ^ 1e13", "scn::unit_mismatch"),
        ("let x = 1 GW ^ -128", "scn::unit_mismatch"),
        (
            "timeline -9223372036854775807..9223372036854775807",
            "scn::bad_year",
        ),
        (
            "timeline 2024..2030\nlet x = { -9223372036854775807: 1, 9223372036854775807: 2 }",
            "scn::bad_year",
        ),
        (
            "timeline 2024..2030\nlet x = 1 GW\nlet y = x.load.load.load",
            "scn::unknown_field",
        ),
        ("unit USD", "scn::duplicate_name"),
        ("unit MW = 2 GW", "scn::duplicate_name"),
    ] {
        let o = run(src);
        assert_eq!(o.code, 2, "{src}:\n{}{}", o.stdout, o.stderr);
        assert!(
            o.stderr.contains(code),
            "{src}: wanted {code}:\n{}",
            o.stderr
        );
        assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
    }
}

#[test]
fn tiny_values_plot_and_long_lines_render() {
    let o = run("timeline 2024..2026\nplot 5e-324");
    assert!(matches!(o.code, 0 | 2), "{}", o.stderr);
    assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
    let src = format!("let x = 1{} + nosuch", " ".repeat(70_000));
    let o = run(&src);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("scn::unknown_name"), "{}", o.stderr);
    assert!(
        o.stderr.contains(":1:"),
        "located by line and column: {}",
        o.stderr
    );
}

#[test]
fn deep_input_in_big_files_is_refused_not_crashed() {
    // Two or more statements, big enough to be parsed in pieces on worker
    // threads: nesting is still refused cleanly.
    let filler = "let pad = 1\n".repeat(8000);
    for deep in [
        format!(
            "let x = {}1{}\n",
            "if true then ".repeat(5000),
            " else 2".repeat(5000)
        ),
        format!("let y = {}1\n", "-".repeat(50_000)),
    ] {
        let src = format!("{filler}{deep}let z = 2\n");
        let o = run(&src);
        assert_eq!(o.code, 2, "{}", &o.stderr[..o.stderr.len().min(300)]);
        assert!(
            o.stderr.contains("scn::too_deep"),
            "{}",
            &o.stderr[..o.stderr.len().min(300)]
        );
    }
}

#[test]
fn runs_too_big_for_memory_are_refused_up_front() {
    let o = scn_env(
        &["run", "-"],
        "timeline 2000..2099\nsamples 10000000\nlet g = 1% to 3%\nlet x = (1 + g) ^ (year - 2000)\nshow x",
        &[("SCN_MEMORY_LIMIT_MB", "2000")],
    );
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains("samples"),
        "names the setting: {}",
        o.stderr
    );
    assert!(o.stderr.contains("scn::too_large"), "{}", o.stderr);
}

#[test]
fn endless_inputs_are_refused() {
    if !std::path::Path::new("/dev/zero").exists() {
        return;
    }
    let o = scn(&["run", "/dev/zero"], "");
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("larger than"), "{}", o.stderr);
    let o = scn(&["repl"], ":load /dev/zero\n1 + 1\n");
    assert!(o.stderr.contains("larger than"), "{}", o.stderr);
    assert!(o.stdout.contains('2'), "the session goes on: {}", o.stdout);
}

#[test]
fn huge_names_and_long_extends_chains_are_fast() {
    let name = "x".repeat(100_000);
    let t = std::time::Instant::now();
    let o = run(&format!("let a = 1\nlet b = {name}"));
    assert_eq!(o.code, 2);
    assert!(t.elapsed().as_secs() < 10, "did-you-mean is bounded");
    let mut src = String::from("timeline 2024..2026\nlet a = 1\nscenario s0 { a = 2 }\n");
    for i in 1..2000 {
        src.push_str(&format!("scenario s{i} extends s{} {{ a = {i} }}\n", i - 1));
    }
    src.push_str("compare base, s1999 on a\n");
    let t = std::time::Instant::now();
    let o = run(&src);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(t.elapsed().as_secs() < 10, "a long extends chain is linear");
}

#[test]
fn files_are_written_safely() {
    let dir = std::env::temp_dir().join(format!("scn-trust-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let model = dir.join("m.scn");
    std::fs::write(
        &model,
        "timeline 2024..2026\nlet x = { 2024: 1 GW, 2026: 3 GW }\n",
    )
    .expect("write");
    let m = model.to_string_lossy().to_string();
    // Over a symlink: the target is updated, the link stays a link.
    let target = dir.join("real.csv");
    std::fs::write(&target, "old").expect("write");
    let link = dir.join("link.csv");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        let o = scn(&["export", &m, "-o", &link.to_string_lossy()], "");
        assert_eq!(o.code, 0, "{}", o.stderr);
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("link")
                .file_type()
                .is_symlink()
        );
        assert!(
            std::fs::read_to_string(&target)
                .expect("target")
                .starts_with("year,")
        );
    }
    // Over an existing file: its permission bits are kept.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let out = dir.join("out.csv");
        std::fs::write(&out, "old").expect("write");
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        let o = scn(&["export", &m, "-o", &out.to_string_lossy()], "");
        assert_eq!(o.code, 0, "{}", o.stderr);
        let mode = std::fs::metadata(&out).expect("out").permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }
    // Onto a device: written into, not replaced.
    if std::path::Path::new("/dev/null").exists() {
        let o = scn(&["export", &m, "-o", "/dev/null"], "");
        assert_eq!(o.code, 0, "{}", o.stderr);
        assert!(
            std::fs::metadata("/dev/null")
                .expect("null")
                .file_type()
                .is_char_device_like()
        );
    }
    // No temporary file is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
    // Out-of-range sizes are refused by the command line.
    let o = scn(&["plot", &m, "x", "-o", "-", "--width", "5"], "");
    assert_eq!(o.code, 2);
    let _ = std::fs::remove_dir_all(&dir);
}

trait CharDevice {
    fn is_char_device_like(&self) -> bool;
}

impl CharDevice for std::fs::FileType {
    fn is_char_device_like(&self) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            self.is_char_device()
        }
        #[cfg(not(unix))]
        {
            true
        }
    }
}

#[test]
fn a_piped_session_survives_an_unclosed_bracket() {
    let o = scn(&["repl"], "let x = (1 +\n\nlet y = 2\ny * 3\n");
    assert!(
        o.stdout.contains('6'),
        "the rest of the session runs: {}\n{}",
        o.stdout,
        o.stderr
    );
    assert!(
        o.stderr.contains("scn::unclosed") || o.stderr.contains("scn::syntax"),
        "{}",
        o.stderr
    );
}

#[test]
fn a_failing_line_changes_nothing() {
    let o = scn(&["repl"], "let b1 = 2 GW; show nosuch\nb1\n");
    assert!(o.stderr.contains("unknown name `nosuch`"), "{}", o.stderr);
    assert!(
        o.stderr.contains("unknown name `b1`"),
        "b1 was not kept: {}",
        o.stderr
    );
}

#[test]
fn runs_say_what_they_checked() {
    let o = run("assert 1 == 1\nassert 2 > 1");
    assert!(
        o.stdout.trim_end().ends_with("2 asserts hold"),
        "{}",
        o.stdout
    );
    let o = run("assert 1 == 1\nassert 2 < 1");
    assert!(
        o.stdout.trim_end().ends_with("1 of 2 asserts fail"),
        "{}",
        o.stdout
    );
    let o = run("");
    assert_eq!(o.code, 0);
    assert!(
        o.stderr.contains("empty"),
        "an empty file says so: {}",
        o.stderr
    );
}

#[test]
fn a_failed_assert_shows_both_sides_the_difference_and_the_tolerance() {
    let o = run("let a = 1.0000001 GW\nassert a == 1 GW");
    assert_eq!(o.code, 1);
    // 1.0000001 GW − 1 GW = 100 W: both sides need 8 digits to differ.
    assert!(o.stdout.contains("left:  a = 1.0000001 GW"), "{}", o.stdout);
    assert!(o.stdout.contains("right: 1 GW = 1 GW"), "{}", o.stdout);
    assert!(o.stdout.contains("difference: 100 W"), "{}", o.stdout);
    assert!(
        o.stdout.contains("tolerance: relative, 1e-9"),
        "{}",
        o.stdout
    );
}

#[test]
fn numbers_read_well() {
    let o = run("let tariff = $60/MWh\nshow tariff\nshow 1e20\nshow 1e-20");
    assert!(o.stdout.contains("tariff = $60.0/MWh"), "{}", o.stdout);
    assert!(o.stdout.contains("1e20 = 1e20"), "{}", o.stdout);
    assert!(o.stdout.contains("1e-20 = 1e-20"), "{}", o.stdout);
}

#[test]
fn messages_do_not_contradict_themselves() {
    let o = run("timeline 2024..2030\nprovider p { online = 2026.5 }");
    assert!(o.stderr.contains("found 2026.5"), "{}", o.stderr);
    let o = run("timeline 2024..2030\nlet c = year > 3000\nlet y = year@(when c)");
    assert!(o.stderr.contains("never holds"), "{}", o.stderr);
    assert!(
        !o.stderr.contains("expected a year, found a year"),
        "{}",
        o.stderr
    );
    let o = run("let q = r");
    assert!(!o.stderr.contains("did you mean `q`"), "{}", o.stderr);
    let o = run("let a = 1\nlet b = a\nscenario loop { a = b }");
    assert!(o.stderr.contains("in scenario `loop`"), "{}", o.stderr);
    assert!(o.stderr.contains("overridden here"), "{}", o.stderr);
    let o = run("let coût = 5 GW\nassert coût == 5 GW");
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = run("provider p {\n  capacity = 1 GW\n\nlet x = 1\n");
    assert!(o.stderr.contains("scn::unclosed"), "{}", o.stderr);
    assert!(o.stderr.contains("provider p {"), "{}", o.stderr);
}
