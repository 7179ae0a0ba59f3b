//! Syntax: the pest grammar (`grammar/scn.pest`), the owned AST, and the
//! lowering from one to the other.

pub mod ast;
pub mod error;
pub mod parser;

pub use error::SyntaxError;
pub use parser::{Mode, parse, parse_override};
