//! Units and dimensions: dimensions as vectors of base exponents, the
//! built-in unit table, and how quantities are written for people.

pub mod dim;
pub mod format;
pub mod registry;

pub use dim::{BaseNames, Dim, MAX_DIMS};
pub use format::{Hint, format_in, format_quantity, unit_label};
pub use registry::{builtin, builtin_names};
