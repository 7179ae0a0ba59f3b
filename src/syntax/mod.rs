//! Syntax: the pest grammar (`grammar/scn.pest`), the owned AST, the byte
//! scans that run before pest, the lowering from pairs to the AST, and a
//! forgiving tokenizer for editors.

pub mod ast;
pub mod error;
pub mod lex;
pub mod parser;
pub mod prescan;

pub use error::SyntaxError;
pub use parser::{MAX_EXPR_DEPTH, Mode, parse, parse_override};
pub use prescan::MAX_DEPTH;
