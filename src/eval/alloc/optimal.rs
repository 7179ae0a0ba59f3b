//! `by optimal [a, b, …] { rules }`: every `by optimal` allocation of a lane
//! solved together as one linear program, on the capacity the other
//! allocations left: first as much demand served as capacity and rules
//! allow, then the least spend; ties go to the provider listed first. A
//! plan fixes these flows for all years at once; then they are used as
//! they are.

use miette::LabeledSpan;

use super::Lane;
use crate::check::Model;
use crate::decide::lp::{self, Lp, LpError, Row, Sense, Var};
use crate::eval::error::EvalError;
use crate::eval::expr::Ctx;
use crate::syntax::ast::RuleOp;

/// Flows a plan fixed for the `by optimal` allocations: per allocation
/// (by index in the model), per entry, per period.
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
            fixed: fixed.filter(|f| !f.flows.is_empty()),
        }
    }

    /// Solves lane `lane.i` and writes each entry's flow into `takes`.
    #[allow(clippy::too_many_arguments)]
    pub fn solve_lane(
        &mut self,
        lane: &mut Lane,
        demand: &[Vec<f64>],
        rules: &[Vec<(Vec<f64>, bool)>],
        budgets: &[Option<Vec<f64>>],
        commit: &[Option<Vec<f64>>],
        takes: &mut [Vec<f64>],
        samples: usize,
        ctx: &Ctx,
    ) -> Result<(), EvalError> {
        let m = self.m;
        let i = lane.i;
        if let Some(f) = self.fixed {
            let period = i / samples.max(1);
            for &a in &self.ids {
                for (k, t) in takes[a].iter_mut().enumerate() {
                    let x = f
                        .flows
                        .get(a)
                        .and_then(|e| e.get(k))
                        .and_then(|v| v.get(period))
                        .copied()
                        .unwrap_or(0.0);
                    let p = m.allocations[a].entries[k].provider;
                    *t = x;
                    lane.remaining[p] -= x;
                }
            }
            return Ok(());
        }
        let groups = self.groups(rules, budgets);
        // Variables: a flow per entry of each group, the unmet part per
        // group, and per committed provider the load beyond its commitment.
        let mut lp = Lp::default();
        let mut flow_var: Vec<Vec<usize>> = Vec::with_capacity(groups.len());
        let mut unmet_var: Vec<usize> = Vec::with_capacity(groups.len());
        let mut used: Vec<usize> = Vec::new();
        let np = m.providers.len();
        let mut on_provider: Vec<Vec<usize>> = vec![Vec::new(); np];
        let wants: Vec<f64> = groups
            .iter()
            .map(|g| {
                g.iter()
                    .map(|&a| demand[m.allocations[a].demand][i].max(0.0))
                    .sum()
            })
            .collect();
        for (g, &want) in groups.iter().zip(&wants) {
            let al = &m.allocations[g[0]];
            let mut vs = Vec::with_capacity(al.entries.len());
            for e in &al.entries {
                let v = lp.vars.len();
                lp.vars.push(Var {
                    lo: 0.0,
                    hi: lane.remaining[e.provider].max(0.0).min(want),
                    cost: 0.0,
                });
                vs.push(v);
                if on_provider[e.provider].is_empty() {
                    used.push(e.provider);
                }
                on_provider[e.provider].push(v);
            }
            flow_var.push(vs);
            unmet_var.push(lp.vars.len());
            lp.vars.push(Var {
                lo: 0.0,
                hi: want,
                cost: 0.0,
            });
        }
        for (j, &want) in wants.iter().enumerate() {
            let mut terms: Vec<(usize, f64)> = flow_var[j].iter().map(|&v| (v, 1.0)).collect();
            terms.push((unmet_var[j], 1.0));
            lp.rows.push(Row {
                terms,
                sense: Sense::Eq,
                rhs: want,
            });
        }
        for &p in &used {
            if lane.remaining[p].is_finite() {
                lp.rows.push(Row {
                    terms: on_provider[p].iter().map(|&v| (v, 1.0)).collect(),
                    sense: Sense::Le,
                    rhs: lane.remaining[p].max(0.0),
                });
            }
        }
        // Rules and budgets (their allocations are groups of one).
        let first_rule = lp.rows.len();
        let mut rule_of_row: Vec<(usize, usize)> = Vec::new();
        for (j, g) in groups.iter().enumerate() {
            let a = g[0];
            let al = &m.allocations[a];
            let want = wants[j];
            for (r, rule) in al.rules.iter().enumerate() {
                let (vals, pct) = &rules[a][r];
                let rhs = if *pct { vals[i] * want } else { vals[i] };
                lp.rows.push(Row {
                    terms: vec![(flow_var[j][rule.entry], 1.0)],
                    sense: match rule.op {
                        RuleOp::AtLeast => Sense::Ge,
                        RuleOp::AtMost => Sense::Le,
                        RuleOp::Exactly => Sense::Eq,
                    },
                    rhs,
                });
                rule_of_row.push((a, r));
            }
            if let Some(b) = &budgets[a] {
                let terms: Vec<(usize, f64)> = al
                    .entries
                    .iter()
                    .zip(&flow_var[j])
                    .map(|(e, &v)| (v, lane.price[e.provider][i] * lane.dt))
                    .filter(|t| t.1 != 0.0)
                    .collect();
                if !terms.is_empty() {
                    lp.rows.push(Row {
                        terms,
                        sense: Sense::Le,
                        rhs: b[i].max(0.0),
                    });
                }
            }
        }
        // Spend: price × dt on what passes a provider's unused commitment.
        for &p in &used {
            let price = lane.price[p][i] * lane.dt;
            if price == 0.0 {
                continue;
            }
            let free = if commit[p].is_some() {
                lane.committed[p].max(0.0)
            } else {
                0.0
            };
            if free > 0.0 {
                let e = lp.vars.len();
                lp.vars.push(Var {
                    lo: 0.0,
                    hi: f64::INFINITY,
                    cost: price,
                });
                let mut terms: Vec<(usize, f64)> =
                    on_provider[p].iter().map(|&v| (v, 1.0)).collect();
                terms.push((e, -1.0));
                lp.rows.push(Row {
                    terms,
                    sense: Sense::Le,
                    rhs: free,
                });
            } else {
                for &v in &on_provider[p] {
                    lp.vars[v].cost += price;
                }
            }
        }
        // Serving comes first: a unit left unmet costs more than any way of
        // moving flows around to serve it (an augmenting path crosses each
        // provider at most once), so one solve gives the most demand served
        // and, at that service, the least spend.
        let path_bound: f64 = used
            .iter()
            .map(|&p| (lane.price[p][i] * lane.dt).abs())
            .sum();
        let penalty = 1.0 + 4.0 * path_bound;
        for &u in &unmet_var {
            lp.vars[u].cost = penalty;
        }
        let s = match lp::solve_vertex(&lp) {
            Ok(s) => s,
            Err(LpError::Infeasible) => {
                let candidates: Vec<usize> = (first_rule..first_rule + rule_of_row.len()).collect();
                let bad = lp::infeasible_subset(&lp, &candidates);
                return Err(self.infeasible(&bad, first_rule, &rule_of_row, i, samples, ctx));
            }
            Err(e) => return Err(numerical(e, ctx, i, samples)),
        };
        // A group's flows go to its allocations in file order, each taking
        // from the providers in list order.
        for (j, g) in groups.iter().enumerate() {
            let mut left: Vec<f64> = flow_var[j].iter().map(|&v| s.x[v].max(0.0)).collect();
            for (n, &a) in g.iter().enumerate() {
                let mut want = demand[m.allocations[a].demand][i].max(0.0);
                let last = n + 1 == g.len();
                for (k, x) in left.iter_mut().enumerate() {
                    let t = if last { *x } else { x.min(want) };
                    *x -= t;
                    want -= t;
                    takes[a][k] = t;
                    let p = m.allocations[a].entries[k].provider;
                    lane.remaining[p] -= t;
                    let c = t.min(lane.committed[p]);
                    lane.committed[p] -= c;
                }
            }
        }
        Ok(())
    }

    /// The allocations solved as one: those with the same list and neither
    /// rules nor a budget are merged (any split of their total among them
    /// costs the same); the others stand alone.
    fn groups(
        &self,
        rules: &[Vec<(Vec<f64>, bool)>],
        budgets: &[Option<Vec<f64>>],
    ) -> Vec<Vec<usize>> {
        let m = self.m;
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let plain = |a: usize| rules[a].is_empty() && budgets[a].is_none();
        let same = |a: usize, b: usize| {
            let (x, y) = (&m.allocations[a].entries, &m.allocations[b].entries);
            x.len() == y.len() && x.iter().zip(y).all(|(e, f)| e.provider == f.provider)
        };
        for &a in &self.ids {
            match groups
                .iter_mut()
                .find(|g| plain(a) && plain(g[0]) && same(g[0], a))
            {
                Some(g) => g.push(a),
                None => groups.push(vec![a]),
            }
        }
        groups
    }

    fn infeasible(
        &self,
        rows: &[usize],
        first_rule: usize,
        rule_of_row: &[(usize, usize)],
        i: usize,
        samples: usize,
        ctx: &Ctx,
    ) -> EvalError {
        let m = self.m;
        let mut labels = Vec::new();
        let mut demand = String::new();
        for &r in rows {
            if let Some(&(a, k)) = r.checked_sub(first_rule).and_then(|x| rule_of_row.get(x)) {
                let al = &m.allocations[a];
                demand = m.demands[al.demand].name.clone();
                let rule = &al.rules[k];
                labels.push(LabeledSpan::new_with_span(
                    Some("this rule".into()),
                    rule.span,
                ));
            }
        }
        if labels.is_empty() {
            // Nothing but capacity: every rule of the lane's allocations is involved.
            for &a in &self.ids {
                let al = &m.allocations[a];
                demand = m.demands[al.demand].name.clone();
                for rule in &al.rules {
                    labels.push(LabeledSpan::new_with_span(
                        Some("this rule".into()),
                        rule.span,
                    ));
                }
            }
        }
        EvalError::RulesInfeasible {
            demand,
            period: ctx.period_label(i / samples.max(1)),
            rules: labels,
        }
    }
}

fn numerical(e: LpError, ctx: &Ctx, i: usize, samples: usize) -> EvalError {
    EvalError::Decision {
        what: format!(
            "the optimal allocation of {} could not be solved: {e}",
            ctx.period_label(i / samples.max(1))
        ),
        help: "report this model as a bug; meanwhile `by cost` gives the merit order".into(),
        labels: Vec::new(),
    }
}
