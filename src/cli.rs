//! The command line: `scn run`, `scn check`, `scn repl`.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::report::{self, Style};
use crate::source::SourceMap;
use crate::{RunOptions, ScnError};

#[derive(Parser, Debug)]
#[command(
    name = "scn",
    version,
    about = "Plan compute capacity and cost across providers, year by year."
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
    },
    /// Check files for syntax, name, dimension and cycle errors; run nothing.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// An interactive session over a file.
    Repl { file: Option<PathBuf> },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Csv,
}

/// Colour only on a terminal, and never with `NO_COLOR` set.
pub fn diagnostic_style() -> Style {
    if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    {
        Style::Colour
    } else {
        Style::Plain
    }
}

/// Reads a file (or standard input for `-`) into the source map.
pub fn read_source(sources: &mut SourceMap, path: &PathBuf) -> Result<(String, usize), String> {
    let name = path.display().to_string();
    let bytes = if name == "-" {
        let mut b = Vec::new();
        std::io::stdin()
            .read_to_end(&mut b)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        b
    } else {
        std::fs::read(path).map_err(|e| format!("cannot read `{name}`: {e}"))?
    };
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

/// Runs the command line and returns the exit status.
pub fn main_with(cli: Cli) -> i32 {
    match cli.command {
        Command::Run {
            file,
            scenario,
            sets,
            format,
        } => {
            let mut sources = SourceMap::new();
            let (text, base) = match read_source(&mut sources, &file) {
                Ok(t) => t,
                Err(msg) => {
                    eprint!(
                        "{}",
                        if msg.ends_with('\n') {
                            msg
                        } else {
                            format!("error: {msg}\n")
                        }
                    );
                    return 2;
                }
            };
            let r = crate::run_text(&mut sources, &text, base, &RunOptions { scenario, sets });
            let out = match format {
                Format::Text => report::text(&r.model, &r.outputs),
                Format::Json => report::json(&r.model, &r.scenario, &r.outputs, &r.warnings),
                Format::Csv => report::csv(&r.model, &r.scenario, &r.outputs),
            };
            let code = r.exit_code();
            if code != 2 {
                let mut stdout = std::io::stdout().lock();
                let _ = stdout.write_all(out.trim_end().as_bytes());
                let _ = stdout.write_all(b"\n");
            }
            let style = diagnostic_style();
            for w in r.warnings {
                eprint!("{}", report::render_diagnostic(w, &sources, style));
            }
            print_errors(r.errors, &sources);
            code
        }
        Command::Check { files } => {
            let mut code = 0;
            for f in files {
                let mut sources = SourceMap::new();
                let (text, base) = match read_source(&mut sources, &f) {
                    Ok(t) => t,
                    Err(msg) => {
                        eprint!(
                            "{}",
                            if msg.ends_with('\n') {
                                msg
                            } else {
                                format!("error: {msg}\n")
                            }
                        );
                        code = 2;
                        continue;
                    }
                };
                let errors = crate::check_text(&mut sources, &text, base);
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
    }
}
