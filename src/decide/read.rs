//! Reading the model symbolically for a plan: every expression becomes an
//! affine form over what the plan chooses ([`Lin`]). What does not depend
//! on a choice is evaluated as usual and enters as a constant; what does is
//! followed through the definitions. An operation that would make the plan
//! non-linear is an error that labels it.

use std::collections::HashMap;

use miette::LabeledSpan;

use super::linear::{Aff, Lin, weighted_sum};
use crate::check::ir::{At, ChainOp, Ir, IrKind, NodeId, ProviderRead};
use crate::check::vocab::{Builtin, DField};
use crate::check::{Model, NodeKind};
use crate::eval::error::EvalError;
use crate::eval::{Ctx, World};
use crate::span::Span;

/// The symbolic values of what the allocation and the builds compute, per
/// period.
#[derive(Clone, Debug, Default)]
pub struct Forms {
    pub built: Vec<Vec<Aff>>,
    pub capacity: Vec<Vec<Aff>>,
    pub load: Vec<Vec<Aff>>,
    pub spend: Vec<Vec<Aff>>,
    pub idle: Vec<Vec<Aff>>,
    pub capex_spend: Vec<Vec<Aff>>,
    pub served: Vec<Vec<Aff>>,
    pub unmet: Vec<Vec<Aff>>,
    pub demand_spend: Vec<Vec<Aff>>,
    /// (provider, demand) → what the provider serves of the demand.
    pub pairs: HashMap<(usize, usize), Vec<Aff>>,
    /// Per provider: the demands whose allocation lists it, added (the
    /// denominator of `share(p)`).
    pub listed_demand: Vec<Vec<f64>>,
    pub demand: Vec<Vec<f64>>,
}

pub struct Reader<'a> {
    pub m: &'a Model,
    pub w: &'a World,
    /// Nodes whose value depends on what the plan chooses.
    pub chosen: &'a [bool],
    pub forms: &'a Forms,
    memo: HashMap<NodeId, Lin>,
}

type R<T> = Result<T, EvalError>;

fn not_linear(what: &str, help: &str, labels: Vec<(Span, String)>) -> EvalError {
    EvalError::NotLinear {
        what: what.to_string(),
        help: help.to_string(),
        labels: labels
            .into_iter()
            .map(|(s, l)| LabeledSpan::new_with_span(Some(l), s))
            .collect(),
    }
}

impl<'a> Reader<'a> {
    pub fn new(m: &'a Model, w: &'a World, chosen: &'a [bool], forms: &'a Forms) -> Reader<'a> {
        Reader {
            m,
            w,
            chosen,
            forms,
            memo: HashMap::new(),
        }
    }

    fn periods(&self) -> usize {
        self.m.periods()
    }

    /// Whether an expression reads anything the plan chooses.
    pub fn reads_choice(&self, ir: &Ir) -> bool {
        let mut any = false;
        ir.visit(&mut |e| {
            any |= match e.kind {
                IrKind::Provider(..) | IrKind::Demand(..) | IrKind::Share(..) => true,
                IrKind::Node(id) => self.chosen.get(id).copied().unwrap_or(false),
                _ => false,
            }
        });
        any
    }

    /// Evaluates an expression that reads no choice, as usual.
    fn numeric(&self, ir: &Ir) -> R<Lin> {
        let v = Ctx::new(self.m, self.w).eval(ir)?;
        if v.is_uncertain() {
            return Err(uncertain(ir.span));
        }
        Ok(if v.is_series() {
            Lin::Series(
                (0..self.periods())
                    .map(|i| Aff::constant(v.at(i)))
                    .collect(),
            )
        } else {
            Lin::Scalar(Aff::constant(v.data()[0]))
        })
    }

    pub fn lin(&mut self, ir: &Ir) -> R<Lin> {
        if !self.reads_choice(ir) {
            return self.numeric(ir);
        }
        let p = self.periods();
        let series = |v: &Vec<Aff>| Lin::Series(v.clone());
        match &ir.kind {
            IrKind::Node(id) => self.node(*id, ir.span),
            IrKind::Provider(prov, read) => {
                let f = self.forms;
                Ok(match read {
                    ProviderRead::Load => series(&f.load[*prov]),
                    ProviderRead::Spend => series(&f.spend[*prov]),
                    ProviderRead::Idle => series(&f.idle[*prov]),
                    ProviderRead::CapexSpend => series(&f.capex_spend[*prov]),
                    ProviderRead::Headroom => Lin::Series(
                        (0..p)
                            .map(|i| {
                                let c = &f.capacity[*prov][i];
                                if c.c.is_finite() {
                                    c.add_scaled(&f.load[*prov][i], -1.0)
                                } else {
                                    Aff::constant(0.0)
                                }
                            })
                            .collect(),
                    ),
                    ProviderRead::Utilization => {
                        let mut out = Vec::with_capacity(p);
                        for i in 0..p {
                            let c = &f.capacity[*prov][i];
                            if !c.is_constant() {
                                return Err(not_linear(
                                    "this divides by a capacity the plan builds",
                                    "use `load` and `capacity` in a linear form: `load <= 90% * capacity`",
                                    vec![(
                                        ir.span,
                                        "load / capacity, and capacity is chosen".into(),
                                    )],
                                ));
                            }
                            out.push(if c.c > 0.0 && c.c.is_finite() {
                                f.load[*prov][i].scale(1.0 / c.c)
                            } else {
                                Aff::constant(0.0)
                            });
                        }
                        Lin::Series(out)
                    }
                })
            }
            IrKind::Demand(d, field) => {
                let f = self.forms;
                Ok(match field {
                    DField::Served => series(&f.served[*d]),
                    DField::Unmet => series(&f.unmet[*d]),
                    DField::Spend => series(&f.demand_spend[*d]),
                })
            }
            IrKind::Share(prov, d) => {
                let f = self.forms;
                Ok(Lin::Series(
                    (0..p)
                        .map(|i| match d {
                            None => {
                                let den = f.listed_demand[*prov][i];
                                if den > 0.0 {
                                    f.load[*prov][i].scale(1.0 / den)
                                } else {
                                    Aff::constant(0.0)
                                }
                            }
                            Some(d) => {
                                let den = f.demand[*d][i];
                                match f.pairs.get(&(*prov, *d)) {
                                    Some(v) if den > 0.0 => v[i].scale(1.0 / den),
                                    _ => Aff::constant(0.0),
                                }
                            }
                        })
                        .collect(),
                ))
            }
            IrKind::Neg(a) => Ok(self.lin(a)?.map(|x| x.scale(-1.0))),
            IrKind::Chain(first, rest) => {
                let mut acc = self.lin(first)?;
                let mut acc_span = first.span;
                for (op, x) in rest {
                    let v = self.lin(x)?;
                    acc = match op {
                        ChainOp::Add => acc.zip(&v, p, |a, b| a.add_scaled(b, 1.0)),
                        ChainOp::Sub => acc.zip(&v, p, |a, b| a.add_scaled(b, -1.0)),
                        ChainOp::Mul => match (acc.constants(p), v.constants(p)) {
                            (Some(k), _) => scale_by(&v, &k, acc.is_series()),
                            (None, Some(k)) => scale_by(&acc, &k, v.is_series()),
                            (None, None) => {
                                return Err(not_linear(
                                    "this multiplies two quantities the plan chooses",
                                    "a plan's objective and constraints may scale what it chooses by known values only",
                                    vec![
                                        (acc_span, "chosen".into()),
                                        (x.span, "also chosen".into()),
                                    ],
                                ));
                            }
                        },
                        ChainOp::Div => match v.constants(p) {
                            Some(k) => {
                                if let Some(i) = k.iter().position(|k| *k == 0.0) {
                                    return Err(EvalError::DivisionByZero {
                                        period: v
                                            .is_series()
                                            .then(|| Ctx::new(self.m, self.w).period_label(i)),
                                        span: x.span,
                                    });
                                }
                                let inv: Vec<f64> = k.iter().map(|k| 1.0 / k).collect();
                                scale_by(&acc, &inv, v.is_series())
                            }
                            None => {
                                return Err(not_linear(
                                    "this divides by a quantity the plan chooses",
                                    "multiply through instead: `a <= 75% * b` rather than `a / b <= 75%`",
                                    vec![(x.span, "chosen by the plan".into())],
                                ));
                            }
                        },
                        ChainOp::And | ChainOp::Or => {
                            return Err(not_linear(
                                "`and`/`or` of conditions on what the plan chooses",
                                "write each condition as its own constraint",
                                vec![(x.span, "here".into())],
                            ));
                        }
                    };
                    acc_span = acc_span.join(x.span);
                }
                Ok(acc)
            }
            IrKind::At(x, at) => {
                let v = self.lin(x)?;
                let i = match at {
                    At::Index(i) => *i,
                    At::Value(b) => {
                        if self.reads_choice(b) {
                            return Err(not_linear(
                                "a period chosen by the plan",
                                "pick the period with a known value",
                                vec![(b.span, "depends on the plan".into())],
                            ));
                        }
                        let ctx = Ctx::new(self.m, self.w);
                        let pv = ctx.eval(b)?;
                        ctx.period_index(pv.data()[0], b.span)?
                    }
                };
                Ok(Lin::Scalar(v.at(i.min(p.saturating_sub(1))).clone()))
            }
            IrKind::Sum(terms) => {
                let mut acc = Lin::Scalar(Aff::constant(0.0));
                for t in terms {
                    let v = self.lin(t)?;
                    acc = acc.zip(&v, p, |a, b| a.add_scaled(b, 1.0));
                }
                Ok(acc)
            }
            IrKind::Call { f, args, range } => self.call(ir, *f, args, range.clone()),
            _ => Err(not_linear(
                &format!("{} of a quantity the plan chooses", what_op(ir)),
                "a plan's objective and constraints may add, subtract and scale what it chooses, sum it over periods and pick a period",
                vec![(ir.span, "not linear in what the plan chooses".into())],
            )),
        }
    }

    fn node(&mut self, id: NodeId, span: Span) -> R<Lin> {
        if let Some(v) = self.memo.get(&id) {
            return Ok(v.clone());
        }
        let m = self.m;
        let v = match m.nodes[id].kind {
            NodeKind::Built(p) => Lin::Series(self.forms.built[p].clone()),
            NodeKind::Capacity(p) => {
                let c = &self.forms.capacity[p];
                if c.iter().any(|a| !a.c.is_finite()) {
                    return Err(EvalError::Decision {
                        what: format!("`{}` has no capacity limit to read", m.providers[p].name),
                        help: "give it a `capacity`, or leave its capacity out of the plan".into(),
                        labels: vec![LabeledSpan::new_with_span(Some("read here".into()), span)],
                    });
                }
                Lin::Series(c.clone())
            }
            NodeKind::Solve(_) | NodeKind::Plan | NodeKind::Allocation => {
                return Err(not_linear(
                    &format!("`{}` is decided together with the plan", m.nodes[id].name),
                    "a plan cannot read a `solve`; solve after planning instead",
                    vec![(span, "read here".into())],
                ));
            }
            _ => {
                let Some(ir) = self.w.defs.ir[id].clone() else {
                    return Ok(Lin::Scalar(Aff::constant(0.0)));
                };
                let v = self.lin(&ir)?;
                if m.nodes[id].kind != NodeKind::Let && !v.is_series() {
                    Lin::Series(vec![v.at(0).clone(); self.periods()])
                } else {
                    v
                }
            }
        };
        self.memo.insert(id, v.clone());
        Ok(v)
    }

    fn call(
        &mut self,
        ir: &Ir,
        f: Builtin,
        args: &[Ir],
        range: Option<std::ops::Range<usize>>,
    ) -> R<Lin> {
        let p = self.periods();
        match f {
            Builtin::Sum | Builtin::Avg => {
                let x = self.lin(&args[0])?;
                let r = range.unwrap_or(0..p);
                let k = if f == Builtin::Avg {
                    1.0 / r.len().max(1) as f64
                } else {
                    1.0
                };
                Ok(Lin::Scalar(match &x {
                    Lin::Scalar(a) => a.scale(k * r.len() as f64),
                    Lin::Series(v) => weighted_sum(r.map(|i| (&v[i], k))),
                }))
            }
            Builtin::Npv => {
                if self.reads_choice(&args[1]) {
                    return Err(not_linear(
                        "a discount rate chosen by the plan",
                        "discount at a known rate",
                        vec![(args[1].span, "depends on the plan".into())],
                    ));
                }
                let x = self.lin(&args[0])?;
                let rate = self.numeric(&args[1])?.at(0).c;
                let w = discount_weights(self.m, rate);
                Ok(Lin::Scalar(weighted_sum((0..p).map(|i| (x.at(i), w[i])))))
            }
            Builtin::Cumsum => {
                let x = self.lin(&args[0])?;
                let mut acc = Aff::constant(0.0);
                let mut out = Vec::with_capacity(p);
                for i in 0..p {
                    acc = acc.add_scaled(x.at(i), 1.0);
                    out.push(acc.clone());
                }
                Ok(Lin::Series(out))
            }
            Builtin::Delta => {
                let x = self.lin(&args[0])?;
                Ok(Lin::Series(
                    (0..p)
                        .map(|i| match i {
                            0 => Aff::constant(0.0),
                            _ => x.at(i).add_scaled(x.at(i - 1), -1.0),
                        })
                        .collect(),
                ))
            }
            Builtin::Lag => {
                if self.reads_choice(&args[1]) {
                    return Err(not_linear(
                        "a lag chosen by the plan",
                        "lag by a known number of periods",
                        vec![(args[1].span, "depends on the plan".into())],
                    ));
                }
                let x = self.lin(&args[0])?;
                let n = self.numeric(&args[1])?.at(0).c;
                if n.fract() != 0.0 || n.abs() > 1e9 {
                    return Err(EvalError::BadArguments {
                        func: "lag".into(),
                        problem: "needs a whole number of periods here".into(),
                        span: args[1].span,
                        help: None,
                    });
                }
                let last = p as i64 - 1;
                Ok(Lin::Series(
                    (0..p as i64)
                        .map(|i| x.at((i - n as i64).clamp(0, last.max(0)) as usize).clone())
                        .collect(),
                ))
            }
            // On a certain model the mean of a value is the value.
            Builtin::Mean => self.lin(&args[0]),
            _ => Err(not_linear(
                &format!("`{}` of a quantity the plan chooses", f.name()),
                "a plan's objective and constraints may add, subtract and scale what it chooses, sum it over periods and pick a period",
                vec![(ir.span, "not linear in what the plan chooses".into())],
            )),
        }
    }
}

/// Multiplies a form by known values (one, or one per period).
fn scale_by(v: &Lin, k: &[f64], k_series: bool) -> Lin {
    match (v, k_series) {
        (Lin::Scalar(a), false) => Lin::Scalar(a.scale(k[0])),
        (Lin::Scalar(a), true) => Lin::Series(k.iter().map(|k| a.scale(*k)).collect()),
        (Lin::Series(s), false) => Lin::Series(s.iter().map(|a| a.scale(k[0])).collect()),
        (Lin::Series(s), true) => Lin::Series(s.iter().zip(k).map(|(a, k)| a.scale(*k)).collect()),
    }
}

/// 1 / (1 + rate)^(t − first), per period, `t` in years.
pub fn discount_weights(m: &Model, rate: f64) -> Vec<f64> {
    let tl = m
        .timeline
        .unwrap_or_else(|| crate::time::Timeline::yearly(0, -1));
    let t0 = tl.value_of(0);
    (0..m.periods())
        .map(|i| 1.0 / (1.0 + rate).powf(tl.value_of(i) - t0))
        .collect()
}

fn what_op(ir: &Ir) -> &'static str {
    match ir.kind {
        IrKind::Pow(..) => "a power",
        IrKind::Cmp(..) => "a comparison",
        IrKind::If(..) => "`if … then … else`",
        IrKind::When(..) => "`when`",
        IrKind::Not(..) => "`not`",
        IrKind::Keyframes(..) => "keyframes",
        IrKind::Random(..) => "a distribution",
        _ => "this operation",
    }
}

pub fn uncertain(span: Span) -> EvalError {
    EvalError::Decision {
        what: "a plan needs a certain model, and this value is uncertain".into(),
        help: "plan on the model's central values (a plan over Monte Carlo samples is not supported yet)".into(),
        labels: vec![LabeledSpan::new_with_span(Some("uncertain".into()), span)],
    }
}
