//! Diagnostics for people: "did you mean", and rendering miette reports
//! (graphical with colour on a terminal, plain for pipes and tests).

mod suggest;

use std::io::IsTerminal;

use miette::{GraphicalReportHandler, GraphicalTheme, Report};

pub use suggest::{did_you_mean, list_words, suggest};

use crate::source::SourceMap;

/// How diagnostics are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Unicode boxes, with colour.
    Colour,
    /// Unicode boxes, no colour: pipes, files and snapshot tests.
    Plain,
}

/// Colour only on a terminal, and never with `NO_COLOR` set.
pub fn style_for_stderr() -> Style {
    if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    {
        Style::Colour
    } else {
        Style::Plain
    }
}

/// Labels past this column are not drawn under their line (miette's
/// renderer counts columns in 16 bits); the report still names the place.
const MAX_LABEL_COLUMN: usize = 10_000;

/// A report (its source already attached), drawn at a fixed width.
pub fn render_report(report: &Report, style: Style) -> String {
    let theme = match style {
        Style::Colour => GraphicalTheme::unicode(),
        Style::Plain => GraphicalTheme::unicode_nocolor(),
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    if handler.render_report(&mut out, report.as_ref()).is_err() {
        out = format!("{report}\n");
    }
    out
}

/// A diagnostic with its source attached, drawn at a fixed width. A label
/// far along a very long line is drawn as a plain message with the file,
/// line and column instead, which is all a reader could use there.
pub fn render(
    d: impl miette::Diagnostic + Send + Sync + 'static,
    sources: &SourceMap,
    style: Style,
) -> String {
    let far = d.labels().and_then(|mut ls| {
        ls.find(|l| {
            sources
                .locate(l.offset())
                .is_some_and(|(_, _, col)| col > MAX_LABEL_COLUMN)
        })
        .map(|l| l.offset())
    });
    if let Some(offset) = far {
        let (name, line, col) = sources.locate(offset).unwrap_or_default();
        let code = d.code().map(|c| format!("{c}\n\n")).unwrap_or_default();
        let help = d
            .help()
            .map(|h| format!("\n  help: {h}"))
            .unwrap_or_default();
        return format!("{code}  × {d}\n  at {name}:{line}:{col}{help}\n");
    }
    render_report(&Report::new(d).with_source_code(sources.clone()), style)
}
