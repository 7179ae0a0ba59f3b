//! Errors of the REPL's own commands, rendered like every other diagnostic.

use miette::Diagnostic;
use thiserror::Error;

use crate::span::Span;

#[derive(Clone, Debug, Error, Diagnostic, PartialEq)]
pub enum ReplError {
    #[error("unknown command `{name}`")]
    #[diagnostic(code(scn::repl::unknown_command))]
    UnknownCommand {
        name: String,
        #[label("not a command")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("`{command}` needs {what}")]
    #[diagnostic(code(scn::repl::missing_argument))]
    MissingArgument {
        command: &'static str,
        what: &'static str,
        #[label("{what} expected after this")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("`{command}` takes no argument")]
    #[diagnostic(code(scn::repl::unexpected_argument))]
    UnexpectedArgument {
        command: &'static str,
        #[label("not expected")]
        span: Span,
    },

    #[error("cannot read `{path}`: {reason}")]
    #[diagnostic(code(scn::repl::cannot_read))]
    CannotRead {
        path: String,
        reason: String,
        #[label("this file")]
        span: Option<Span>,
    },

    #[error("there is no file to reload")]
    #[diagnostic(
        code(scn::repl::no_file),
        help("load one with `:load FILE`, or start with `scn repl FILE`")
    )]
    NoFile {
        #[label("nothing loaded")]
        span: Span,
    },

    #[error("`:type` takes one expression")]
    #[diagnostic(
        code(scn::repl::not_an_expression),
        help("ask about a value, such as `:type spend@2030`")
    )]
    NotAnExpression {
        #[label("not an expression")]
        span: Span,
    },
}
