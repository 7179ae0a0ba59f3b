//! The REPL: scripted sessions (`tests/repl/*.repl`) snapshotted as
//! transcripts, the piped binary, and the completer and validator.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use scn::repl::{LineOutcome, ScnHelper, Session, history_path_from, needs_more, validate};
use scn::report::Style;

const STARGATE: &str = "tests/repl/stargate.scn";

/// Runs on a thread with a large stack, as the binary does.
fn big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(f)
        .expect("thread starts")
        .join()
        .expect("the session does not panic")
}

/// Appends what a line printed: standard output as is, standard error with
/// each line marked `! `. A line the session had to catch a panic on fails
/// the test.
fn put(t: &mut String, out: &LineOutcome) {
    assert!(
        !out.stderr.contains("a bug"),
        "the session hit a bug:\n{}",
        out.stderr
    );
    t.push_str(&out.stdout);
    for l in out.stderr.lines() {
        t.push_str(if l.is_empty() { "!" } else { "! " });
        t.push_str(l);
        t.push('\n');
    }
}

/// Feeds a script line by line, as piped input is read, and writes the
/// transcript: `> ` before each input, `. ` before its continuation lines.
fn transcript(script: &str) -> String {
    let mut session = Session::new(Style::Plain);
    let mut t = String::new();
    let mut continued = false;
    for line in script.lines() {
        t.push_str(if continued { ". " } else { "> " });
        t.push_str(line);
        t.push('\n');
        match session.feed(line) {
            None => continued = true,
            Some(out) => {
                continued = false;
                put(&mut t, &out);
                if out.quit {
                    t.push_str("(session over)\n");
                    return t;
                }
            }
        }
    }
    if let Some(out) = session.finish() {
        t.push_str("(end of input)\n");
        put(&mut t, &out);
    }
    t
}

#[test]
fn scripted_sessions() {
    insta::glob!("repl/*.repl", |path| {
        let script = std::fs::read_to_string(path).expect("script is readable");
        let t = big_stack(move || transcript(&script));
        assert!(!t.contains('\x1b'), "no colour in a transcript");
        insta::assert_snapshot!(t);
    });
}

/// A session with the article's model loaded.
fn loaded() -> Session {
    let mut s = Session::new(Style::Plain);
    let out = s.load(Path::new(STARGATE));
    assert_eq!(out.stderr, "", "the example loads cleanly");
    s
}

fn value(s: &mut Session, input: &str) -> String {
    let out = s.line(input);
    assert_eq!(out.stderr, "", "`{input}` fails");
    out.stdout.trim_end().to_string()
}

#[test]
fn a_redeclaration_recomputes_what_depends_on_it() {
    big_stack(|| {
        let mut s = loaded();
        assert_eq!(value(&mut s, "spend@2030"), "$45.4B");
        assert_eq!(value(&mut s, "let k = 2"), "");
        assert_eq!(value(&mut s, "let double = spend * k"), "");
        assert_eq!(value(&mut s, "double@2030"), "$90.8B");
        assert_eq!(value(&mut s, "let k = 3"), "changed: double");
        assert_eq!(value(&mut s, "double@2030"), "$136B");
        // Through the allocation: a cheaper Stargate lowers total spend.
        let out = s.line(
            "provider stargate { online = 2026\n capacity = { 2026: 1.2 GW, 2030: 10 GW } growth\n price = $1B/GW }",
        );
        assert_eq!(out.stderr, "");
        assert!(
            out.stdout.starts_with("changed: spend, double"),
            "{}",
            out.stdout
        );
        assert_eq!(value(&mut s, "spend@2030"), "$21.0B");
    });
}

#[test]
fn an_error_leaves_no_trace() {
    big_stack(|| {
        let mut s = loaded();
        let list = value(&mut s, ":list");
        let before = value(&mut s, "spend");
        for bad in [
            "let spend = training.spend + 1 GW",
            "let a = b; let b = a",
            "let ok = 1; let spend = )",
            "demand training = $5B",
            "timeline 2030..2024",
            "allocate training by priority [stargate, azure]",
            "scenario delayed { stargate.online = 1 GW }",
        ] {
            let out = s.line(bad);
            assert!(!out.stderr.is_empty(), "`{bad}` should fail");
            assert_eq!(out.stdout, "", "`{bad}` prints no result");
            assert_eq!(value(&mut s, ":list"), list, "`{bad}` changed the names");
            assert_eq!(value(&mut s, "spend"), before, "`{bad}` changed spend");
        }
        assert!(s.line("ok").stderr.contains("unknown name `ok`"));
        // A failed `:scenario` or `:load` keeps the scenario and the file.
        let out = s.line(":scenario delayed");
        assert_eq!(
            out.stdout,
            "scenario: delayed \"Stargate slips two years\"\n"
        );
        assert!(
            out.stderr
                .contains("demand `inference` is not fully served: 1 GW in 2027")
        );
        assert!(!s.line(":scenario nope").stderr.is_empty());
        assert!(!s.line(":load tests/repl/missing.scn").stderr.is_empty());
        assert_eq!(s.scenario(), "delayed");
        assert_eq!(s.prompt(), "delayed> ");
        let out = s.line(":reload");
        assert!(
            out.stdout.starts_with("loaded tests/repl/stargate.scn"),
            "{out:?}"
        );
        assert_eq!(s.scenario(), "delayed");
    });
}

#[test]
fn multi_line_input_waits_for_the_end() {
    big_stack(|| {
        let mut s = loaded();
        assert_eq!(s.feed("let t = training.spend +"), None);
        assert_eq!(
            s.feed("  inference.spend  # both"),
            Some(LineOutcome::default())
        );
        assert_eq!(s.feed("max("), None);
        assert_eq!(s.feed("  t@2030,"), None);
        let out = s.feed("  $1B)").expect("complete");
        assert_eq!(out.stdout, "$45.4B\n");
        assert_eq!(s.feed("(1 +"), None);
        assert_eq!(
            s.finish().map(|o| o.stderr.contains("expected")),
            Some(true)
        );
        assert_eq!(s.finish(), None);
    });
}

#[test]
fn quit_ends_the_session() {
    let mut s = Session::new(Style::Plain);
    assert!(s.line(":quit").quit);
    assert!(s.line(":q").quit);
    assert!(!s.line(":help").quit);
}

#[test]
fn the_binary_reads_a_pipe_without_prompts() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_scn"))
        .args(["repl", STARGATE])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("NO_COLOR", "")
        .spawn()
        .expect("scn starts");
    let input =
        "spend@2030\nnope\nlet x = (\n  spend@2024 +\n  $1B)\nx\n:scenario delayed\nspend@2027\n";
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("input written");
    let out = child.wait_with_output().expect("scn ends");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(
        stdout,
        "$45.4B\n$6.00B\nscenario: delayed \"Stargate slips two years\"\n$15.0B\n"
    );
    assert!(stderr.contains("unknown name `nope`"), "{stderr}");
    assert!(stderr.contains("<repl:2>:1:1"), "{stderr}");
    assert!(
        stderr.contains("demand `inference` is not fully served"),
        "{stderr}"
    );
    assert!(!stderr.contains('\x1b'), "no colour on a pipe: {stderr}");
}

#[test]
fn the_binary_survives_hostile_input() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_scn"))
        .arg("repl")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("scn starts");
    let mut input: Vec<u8> = Vec::new();
    input.extend_from_slice(b"\xff\xfe garbage\n");
    input.extend_from_slice("(".repeat(5000).as_bytes());
    input.extend_from_slice(b"\n:load /\n:type\n:scenario \xe2\x82\n\"open\n1 +\n");
    input.extend_from_slice(b"@@@@\n.\n$\n1e999\n:load tests/repl\n");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&input)
        .expect("input written");
    let out = child.wait_with_output().expect("scn ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("a bug"), "a line panicked:\n{stderr}");
}

fn completions(h: &ScnHelper, line: &str) -> (usize, Vec<String>) {
    let (start, c) = h.candidates(line, line.len());
    (start, c.into_iter().map(|p| p.replacement).collect())
}

fn helper() -> ScnHelper {
    ScnHelper::new(big_stack(|| loaded().vocab()), false)
}

#[test]
fn completes_names_fields_functions_and_commands() {
    let h = helper();
    assert_eq!(completions(&h, "sta"), (0, vec!["stargate".to_string()]));
    assert_eq!(
        completions(&h, "show share(sta"),
        (11, vec!["stargate".to_string()])
    );
    let fields = [
        "build",
        "built",
        "capacity",
        "capex",
        "capex_spend",
        "commit",
        "headroom",
        "idle",
        "lifetime",
        "load",
        "online",
        "price",
        "retire",
        "spend",
        "utilization",
    ];
    assert_eq!(
        completions(&h, "stargate."),
        (9, fields.map(String::from).to_vec())
    );
    assert_eq!(
        completions(&h, "1 + stargate.lo"),
        (13, vec!["load".to_string()])
    );
    assert_eq!(
        completions(&h, "training.s"),
        (9, vec!["served".to_string(), "spend".to_string()])
    );
    assert_eq!(completions(&h, "spend."), (6, Vec::new()));
    assert_eq!(completions(&h, ":lo"), (0, vec![":load ".to_string()]));
    assert_eq!(completions(&h, ":re"), (0, vec![":reload".to_string()]));
    assert_eq!(
        completions(&h, ":scenario d"),
        (10, vec!["delayed".to_string()])
    );
    assert_eq!(completions(&h, ":type spe"), (6, vec!["spend".to_string()]));
    assert_eq!(completions(&h, "cum"), (0, vec!["cumsum(".to_string()]));
    assert_eq!(
        completions(&h, "sh"),
        (0, vec!["share(".to_string(), "show".to_string()])
    );
    assert_eq!(
        completions(&h, "let x = 5 G"),
        (
            10,
            vec!["GFLOP".to_string(), "GW".to_string(), "GWh".to_string()]
        )
    );
    assert_eq!(
        completions(&h, "allocate training by p"),
        (21, vec!["priority ".to_string()])
    );
    let (start, files) = completions(&h, ":load tests/repl/starg");
    assert_eq!(start, 6);
    assert_eq!(files, vec![STARGATE.to_string()]);
}

#[test]
fn open_brackets_and_trailing_operators_continue() {
    for s in [
        "let x = (1 +",
        "max(a,",
        "provider p {",
        "let k = { 2024: 1 GW",
        "spend +",
        "spend * # comment",
        "let x =",
        "a and",
        "when x >",
        "show spend,",
        "compare base, delayed on",
        "allocate training by priority [a,\n b,",
    ] {
        assert!(needs_more(s), "{s:?} should continue");
        assert!(matches!(
            validate(s),
            rustyline::validate::ValidationResult::Incomplete
        ));
    }
    for s in [
        "",
        "spend",
        "spend@2030",
        "max(a, b)",
        "show x in %",
        "let s = 75%",
        "x)",
        "\"(\"",
        "# (",
        ":type (spend +",
        "let x = (1 +\n 2)",
        "let x = 1;",
    ] {
        assert!(!needs_more(s), "{s:?} is complete");
        assert!(matches!(
            validate(s),
            rustyline::validate::ValidationResult::Valid(None)
        ));
    }
}

#[test]
fn history_goes_where_asked() {
    let env = |vars: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            vars.iter()
                .find(|v| v.0 == k)
                .map(|v| std::ffi::OsString::from(v.1))
        }
    };
    assert_eq!(
        history_path_from(env(&[("SCN_HISTORY", "/h/x"), ("HOME", "/home/u")])),
        Some("/h/x".into())
    );
    assert_eq!(
        history_path_from(env(&[("XDG_DATA_HOME", "/d"), ("HOME", "/home/u")])),
        Some("/d/scn/history".into())
    );
    assert_eq!(
        history_path_from(env(&[("SCN_HISTORY", ""), ("HOME", "/home/u")])),
        Some("/home/u/.local/share/scn/history".into())
    );
    assert_eq!(history_path_from(env(&[])), None);
}
