//! Decisions scn makes itself: `by optimal` allocation and `plan` (linear
//! programs), and `solve` (goal seek).

pub mod lp;
pub mod plan;
pub mod solve;
