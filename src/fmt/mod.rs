//! The one canonical layout of scn source (`scn fmt`), and printing
//! expressions back as text.

mod print;

pub use print::{expr_text, number};
