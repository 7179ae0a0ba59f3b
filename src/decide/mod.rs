//! Decisions scn makes itself: `by optimal` allocation and `plan` (linear
//! programs), and `solve` (goal seek).

pub mod linear;
pub mod lp;
pub mod plan;
pub mod read;
pub mod solve;
