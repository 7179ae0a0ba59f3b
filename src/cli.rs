//! The command line: `scn run`, `scn check`, `scn repl`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diag::Style;
use crate::report;
use crate::source::SourceMap;
use crate::{RunOptions, ScnError};

#[derive(Parser, Debug)]
#[command(
    name = "scn",
    version,
    about = "Plan compute capacity and cost across providers, period by period."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Evaluate a file and run its show/assert/compare statements.
    Run {
        /// The .scn file, or `-` for standard input.
        file: PathBuf,
        /// Run under this scenario instead of the file as written.
        #[arg(long)]
        scenario: Option<String>,
        /// Override a value: `--set growth=40%` or `--set stargate.online=2028`.
        #[arg(long = "set", value_name = "NAME=EXPR")]
        sets: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Monte Carlo samples per uncertain value (overrides `samples`).
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
        samples: Option<u64>,
        /// Seed of the random draws (overrides `seed`).
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Check files for syntax, name, dimension and cycle errors; run nothing.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// An interactive session over a file.
    Repl { file: Option<PathBuf> },
    /// Draw expressions of a file as an SVG chart.
    Plot {
        file: PathBuf,
        /// The expressions to draw, all of one unit: `spend`, `'share(stargate)'`.
        #[arg(required = true)]
        exprs: Vec<String>,
        /// Where to write the SVG (`-` for standard output). Without it, the
        /// chart goes to standard output when that is not a terminal, else
        /// to `chart.svg` (and scn says so).
        #[arg(short, long)]
        output: Option<String>,
        /// Stack the series as areas (who carries the demand).
        #[arg(long)]
        stack: bool,
        /// The chart's title (default: the expressions).
        #[arg(long, default_value = "")]
        title: String,
        #[arg(long)]
        scenario: Option<String>,
        #[arg(long = "set", value_name = "NAME=EXPR")]
        sets: Vec<String>,
        /// Width of the SVG in pixels (200 to 10000).
        #[arg(long, default_value_t = 960, value_parser = clap::value_parser!(u32).range(200..=10_000))]
        width: u32,
        /// Height of the SVG in pixels (150 to 10000).
        #[arg(long, default_value_t = 540, value_parser = clap::value_parser!(u32).range(150..=10_000))]
        height: u32,
    },
    /// Write every named series of a file as CSV or JSON, a row per year.
    Export {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
        /// Where to write it (`-` for standard output).
        #[arg(short, long, default_value = "-")]
        output: String,
        #[arg(long)]
        scenario: Option<String>,
        #[arg(long = "set", value_name = "NAME=EXPR")]
        sets: Vec<String>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Csv,
}

/// Colour only on a terminal, and never with `NO_COLOR` set.
pub fn diagnostic_style() -> Style {
    crate::diag::style_for_stderr()
}

/// What a run prints and its exit status, kept apart from the process so
/// tests see exactly what a user would.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printed {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// The bytes of a file, or of standard input for `-`.
pub fn read_bytes(path: &std::path::Path) -> Result<Vec<u8>, String> {
    if path.as_os_str() == "-" {
        crate::files::read_all_limited(std::io::stdin().lock(), crate::files::MAX_SOURCE)
            .map_err(|e| format!("cannot read standard input: {e}"))
    } else {
        crate::files::read_limited(path, crate::files::MAX_SOURCE)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))
    }
}

/// `scn run` on a file's bytes: evaluates, runs the statements and renders
/// outputs, warnings and errors.
pub fn run_bytes(
    name: &str,
    bytes: Vec<u8>,
    opts: &RunOptions,
    format: Format,
    style: Style,
) -> Printed {
    let mut sources = SourceMap::new();
    let (text, base) = match crate::decode(&mut sources, name, bytes) {
        Ok(t) => t,
        Err(e) => {
            return Printed {
                stdout: String::new(),
                stderr: report::render_diagnostic(e, &sources, style),
                code: 2,
            };
        }
    };
    let r = crate::run_text(&mut sources, name, &text, base, opts);
    let code = r.exit_code();
    let mut stdout = String::new();
    if code != 2 {
        let out = match format {
            Format::Text => {
                let (held, total) = r.asserts();
                let mut t = report::text(&r.model, &r.outputs).trim_end().to_string();
                if !t.is_empty() {
                    t.push_str("\n\n");
                }
                t + &report::summary_line(held, total)
            }
            Format::Json => report::json(&r.model, &r.scenario, &r.outputs, &r.warnings),
            Format::Csv => report::csv(&r.model, &r.scenario, &r.outputs),
        };
        stdout = out.trim_end().to_string() + "\n";
        if stdout == "\n" {
            stdout.clear();
        }
    }
    let mut stderr = String::new();
    if r.empty && r.errors.is_empty() {
        stderr.push_str(&format!(
            "note: `{name}` is empty: there is nothing to run\n"
        ));
    }
    for w in r.warnings {
        stderr.push_str(&report::render_diagnostic(w, &sources, style));
    }
    for e in r.errors {
        stderr.push_str(&report::render_diagnostic(e, &sources, style));
    }
    Printed {
        stdout,
        stderr,
        code,
    }
}

/// A file that could not be read: a plain line, or the rendered diagnostic.
fn print_read_error(msg: &str) {
    if msg.ends_with('\n') {
        eprint!("{msg}");
    } else {
        eprintln!("error: {msg}");
    }
}

/// Reads a file (or standard input for `-`) into the source map.
pub fn read_source(
    sources: &mut SourceMap,
    path: &std::path::Path,
) -> Result<(String, usize), String> {
    let name = path.display().to_string();
    let bytes = read_bytes(path)?;
    let name = if name == "-" {
        "<stdin>".to_string()
    } else {
        name
    };
    crate::decode(sources, &name, bytes)
        .map_err(|e| report::render_diagnostic(e, sources, diagnostic_style()))
}

pub fn print_errors(errors: Vec<ScnError>, sources: &SourceMap) {
    let style = diagnostic_style();
    let mut err = std::io::stderr().lock();
    for e in errors {
        let _ = write!(err, "{}", report::render_diagnostic(e, sources, style));
    }
}

fn reports(es: Vec<ScnError>) -> Vec<miette::Report> {
    es.into_iter().map(miette::Report::new).collect()
}

/// A failure outside the language (drawing, writing a file), as a report.
fn other(e: impl miette::Diagnostic + Send + Sync + 'static) -> miette::Report {
    miette::Report::new(e)
}

/// Loads a file, evaluates the chosen scenario and hands it to `f`;
/// reports errors and returns the exit status.
fn with_world(
    file: &std::path::Path,
    opts: RunOptions,
    f: impl FnOnce(
        &crate::check::Model,
        &crate::run::Worlds,
        &mut SourceMap,
    ) -> Result<(), Vec<miette::Report>>,
) -> i32 {
    let mut sources = SourceMap::new();
    let (text, base) = match read_source(&mut sources, file) {
        Ok(t) => t,
        Err(msg) => {
            print_read_error(&msg);
            return 2;
        }
    };
    let name = if file.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        file.display().to_string()
    };
    let result = crate::prepare(&mut sources, &name, &text, base, &opts)
        .map_err(|es| es.into_iter().map(miette::Report::new).collect::<Vec<_>>())
        .and_then(|(model, worlds)| f(&model, &worlds, &mut sources));
    match result {
        Ok(()) => 0,
        Err(reports) => {
            let style = diagnostic_style();
            for r in reports {
                let r = r.with_source_code(sources.clone());
                eprint!("{}", crate::diag::render_report(&r, style));
            }
            2
        }
    }
}

/// Runs the command line and returns the exit status.
pub fn main_with(cli: Cli) -> i32 {
    crate::files::install_interrupt_handler();
    match cli.command {
        Command::Run {
            file,
            scenario,
            sets,
            format,
            samples,
            seed,
        } => {
            let name = file.display().to_string();
            let bytes = match read_bytes(&file) {
                Ok(b) => b,
                Err(msg) => {
                    eprintln!("error: {msg}");
                    return 2;
                }
            };
            let name = if name == "-" {
                "<stdin>".to_string()
            } else {
                name
            };
            let out = run_bytes(
                &name,
                bytes,
                &RunOptions {
                    scenario,
                    sets,
                    samples: samples.map(|n| n as usize),
                    seed,
                },
                format,
                diagnostic_style(),
            );
            let _ = std::io::stdout().lock().write_all(out.stdout.as_bytes());
            let _ = std::io::stderr().lock().write_all(out.stderr.as_bytes());
            out.code
        }
        Command::Check { files } => {
            let mut code = 0;
            for f in files {
                let mut sources = SourceMap::new();
                let (text, base) = match read_source(&mut sources, &f) {
                    Ok(t) => t,
                    Err(msg) => {
                        print_read_error(&msg);
                        code = 2;
                        continue;
                    }
                };
                let name = if f.as_os_str() == "-" {
                    "<stdin>".to_string()
                } else {
                    f.display().to_string()
                };
                let errors = crate::check_text(&mut sources, &name, &text, base);
                if errors.is_empty() {
                    println!("{}: ok", f.display());
                } else {
                    code = 2;
                    print_errors(errors, &sources);
                }
            }
            code
        }
        Command::Repl { file } => crate::repl::run(file),
        Command::Plot {
            file,
            exprs,
            output,
            stack,
            title,
            scenario,
            sets,
            width,
            height,
        } => with_world(
            &file,
            RunOptions {
                scenario,
                sets,
                ..RunOptions::default()
            },
            |model, worlds, sources| {
                let values = crate::eval_args(model, worlds, sources, &exprs).map_err(reports)?;
                let chart =
                    crate::run::plot_chart(model, &values, stack, &title).map_err(reports)?;
                let svg =
                    crate::chart::svg::render(&chart, width, height).map_err(|e| vec![other(e)])?;
                let target = output.unwrap_or_else(|| {
                    if std::io::stdout().is_terminal() {
                        "chart.svg".into()
                    } else {
                        "-".into()
                    }
                });
                crate::export::write_output(&target, svg.as_bytes()).map_err(|e| vec![other(e)])?;
                if target != "-" {
                    eprintln!("wrote {target}");
                }
                Ok(())
            },
        ),
        Command::Export {
            file,
            format,
            output,
            scenario,
            sets,
        } => with_world(
            &file,
            RunOptions {
                scenario,
                sets,
                ..RunOptions::default()
            },
            |model, worlds, _| {
                let format = match format {
                    ExportFormat::Csv => crate::export::Format::Csv,
                    ExportFormat::Json => crate::export::Format::Json,
                };
                crate::export::write(model, &worlds.current, format, &output)
                    .map_err(|e| vec![other(e)])
            },
        ),
    }
}
