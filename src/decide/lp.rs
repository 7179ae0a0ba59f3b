//! Linear programs for `by optimal` and `plan`, solved by a pure-Rust solver.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sense {
    Le,
    Ge,
    Eq,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Var {
    pub lo: f64,
    pub hi: f64,
    pub cost: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub terms: Vec<(usize, f64)>,
    pub sense: Sense,
    pub rhs: f64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lp {
    pub vars: Vec<Var>,
    pub rows: Vec<Row>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Solution {
    pub x: Vec<f64>,
    pub objective: f64,
    pub duals: Vec<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum LpError {
    Infeasible,
    Unbounded,
    Numerical(String),
}

pub fn solve(_lp: &Lp) -> Result<Solution, LpError> {
    Err(LpError::Numerical("no solver yet".into()))
}

pub fn infeasible_subset(_lp: &Lp, candidates: &[usize]) -> Vec<usize> {
    candidates.to_vec()
}
