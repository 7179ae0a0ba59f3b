//! The vocabularies of the language, one table each: built-in functions,
//! the names of the time axis, provider fields, demand fields and
//! allocation policies. Checking, evaluation, completion, `:help`, the
//! language server and the reference all read these tables; the checker's
//! type rules and the evaluator match on the enums, so a function without
//! an evaluation does not compile.

/// A built-in function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    Sum,
    Avg,
    Peak,
    Trough,
    Cumsum,
    Lag,
    Delta,
    Yoy,
    Cagr,
    Min,
    Max,
    Abs,
    Clamp,
    Round,
    Floor,
    Ceil,
    Exp,
    Ln,
    Npv,
    Share,
    Total,
    Mean,
    Sd,
    Percentile,
    Prob,
    Rankcorr,
    Normal,
    Lognormal,
    Uniform,
    Triangular,
    Pert,
}

/// Which part of the reference a function belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    Time,
    Elementwise,
    Allocation,
    Samples,
    Distribution,
}

pub struct BuiltinInfo {
    pub f: Builtin,
    pub name: &'static str,
    pub min_args: usize,
    /// `usize::MAX` for any number.
    pub max_args: usize,
    pub signature: &'static str,
    pub doc: &'static str,
    pub example: &'static str,
    pub group: Group,
}

const ANY: usize = usize::MAX;

pub const BUILTINS: &[BuiltinInfo] = &[
    BuiltinInfo {
        f: Builtin::Sum,
        name: "sum",
        min_args: 1,
        max_args: 2,
        signature: "sum(x) · sum(x, 2025..2027) · sum(x, 2026)",
        doc: "the total over every period, or over a range of periods or one year",
        example: "sum(spend, 2025..2027)",
        group: Group::Time,
    },
    BuiltinInfo {
        f: Builtin::Avg,
        name: "avg",
        min_args: 1,
        max_args: 2,
        signature: "avg(x) · avg(x, 2025..2027) · avg(x, 2026)",
        doc: "the average over every period, or over a range of periods or one year",
        example: "avg(share(stargate), 2028..2030)",
        group: Group::Time,
    },
    BuiltinInfo {
        f: Builtin::Peak,
        name: "peak",
        min_args: 1,
        max_args: 2,
        signature: "peak(x) · peak(x, 2025..2027)",
        doc: "the highest value over the periods",
        example: "peak(microsoft.spend)",
        group: Group::Time,
    },
    BuiltinInfo {
        f: Builtin::Trough,
        name: "trough",
        min_args: 1,
        max_args: 2,
        signature: "trough(x) · trough(x, 2025..2027)",
        doc: "the lowest value over the periods",
        example: "trough(cloud.load)",
        group: Group::Time,
    },
    BuiltinInfo {
        f: Builtin::Cumsum,
        name: "cumsum",
        min_args: 1,
        max_args: 1,
        signature: "cumsum(x)",
        doc: "the running total, a series",
        example: "cumsum(spend)",
        group: Group::Time,
    },
    BuiltinInfo {
        f: Builtin::Lag,
        name: "lag",
        min_args: 2,
        max_args: 2,
        signature: "lag(x, n)",
        doc: "the value n periods earlier (the first period's value before the timeline)",
        example: "lag(capacity, 1)",
        group: Group::Time,
    },
    BuiltinInfo {
        f: Builtin::Delta,
        name: "delta",
        min_args: 1,
        max_args: 1,
        signature: "delta(x)",
        doc: "the change from the period before (0 in the first)",
        example: "delta(stargate.capacity)",
        group: Group::Time,
    },
    BuiltinInfo {
        f: Builtin::Yoy,
        name: "yoy",
        min_args: 1,
        max_args: 1,
        signature: "yoy(x)",
        doc: "the growth from the same period a year earlier (0 in the first year)",
        example: "yoy(spend)",
        group: Group::Time,
    },
    BuiltinInfo {
        f: Builtin::Cagr,
        name: "cagr",
        min_args: 3,
        max_args: 3,
        signature: "cagr(x, from, to)",
        doc: "the compound annual growth rate of x between two periods or years",
        example: "cagr(spend, 2024, 2027)",
        group: Group::Time,
    },
    BuiltinInfo {
        f: Builtin::Min,
        name: "min",
        min_args: 2,
        max_args: ANY,
        signature: "min(a, b, …)",
        doc: "the lowest of its arguments, period by period",
        example: "min(demand_gw, 3 GW)",
        group: Group::Elementwise,
    },
    BuiltinInfo {
        f: Builtin::Max,
        name: "max",
        min_args: 2,
        max_args: ANY,
        signature: "max(a, b, …)",
        doc: "the highest of its arguments, period by period",
        example: "max(x - 1 GW, 0 GW)",
        group: Group::Elementwise,
    },
    BuiltinInfo {
        f: Builtin::Abs,
        name: "abs",
        min_args: 1,
        max_args: 1,
        signature: "abs(x)",
        doc: "the absolute value",
        example: "abs(delta(spend))",
        group: Group::Elementwise,
    },
    BuiltinInfo {
        f: Builtin::Clamp,
        name: "clamp",
        min_args: 3,
        max_args: 3,
        signature: "clamp(x, lo, hi)",
        doc: "x held between lo and hi",
        example: "clamp(growth, 0%, 50%)",
        group: Group::Elementwise,
    },
    BuiltinInfo {
        f: Builtin::Round,
        name: "round",
        min_args: 1,
        max_args: 2,
        signature: "round(x) · round(x, step)",
        doc: "the nearest whole number, or the nearest multiple of a step of x's unit",
        example: "round(need, 100 MW)",
        group: Group::Elementwise,
    },
    BuiltinInfo {
        f: Builtin::Floor,
        name: "floor",
        min_args: 1,
        max_args: 2,
        signature: "floor(x) · floor(x, step)",
        doc: "rounded down, to a whole number or a multiple of a step",
        example: "floor(gpus, 8 gpu)",
        group: Group::Elementwise,
    },
    BuiltinInfo {
        f: Builtin::Ceil,
        name: "ceil",
        min_args: 1,
        max_args: 2,
        signature: "ceil(x) · ceil(x, step)",
        doc: "rounded up, to a whole number or a multiple of a step",
        example: "ceil(need / 1 MW)",
        group: Group::Elementwise,
    },
    BuiltinInfo {
        f: Builtin::Exp,
        name: "exp",
        min_args: 1,
        max_args: 1,
        signature: "exp(x)",
        doc: "e to the power x, of a plain number",
        example: "exp(0.1)",
        group: Group::Elementwise,
    },
    BuiltinInfo {
        f: Builtin::Ln,
        name: "ln",
        min_args: 1,
        max_args: 1,
        signature: "ln(x)",
        doc: "the natural logarithm of a positive plain number",
        example: "ln(2)",
        group: Group::Elementwise,
    },
    BuiltinInfo {
        f: Builtin::Npv,
        name: "npv",
        min_args: 2,
        max_args: 2,
        signature: "npv(x, rate)",
        doc: "the series x discounted to the first year at a yearly rate: Σ x / (1 + rate)^(t − first year)",
        example: "npv(spend, 8%)",
        group: Group::Time,
    },
    BuiltinInfo {
        f: Builtin::Share,
        name: "share",
        min_args: 1,
        max_args: 2,
        signature: "share(p) · share(p, d)",
        doc: "provider p's load over all the demand allocated to it, or the part of demand d that p serves",
        example: "share(stargate)@2030",
        group: Group::Allocation,
    },
    BuiltinInfo {
        f: Builtin::Total,
        name: "total",
        min_args: 1,
        max_args: 1,
        signature: "total(property)",
        doc: "a provider property or derived series summed over every provider",
        example: "total(load * pue)",
        group: Group::Allocation,
    },
    BuiltinInfo {
        f: Builtin::Mean,
        name: "mean",
        min_args: 1,
        max_args: 1,
        signature: "mean(x)",
        doc: "the mean of an uncertain value's samples (per period for a series)",
        example: "mean(spend@2030)",
        group: Group::Samples,
    },
    BuiltinInfo {
        f: Builtin::Sd,
        name: "sd",
        min_args: 1,
        max_args: 1,
        signature: "sd(x)",
        doc: "the sample standard deviation of an uncertain value",
        example: "sd(spend@2030)",
        group: Group::Samples,
    },
    BuiltinInfo {
        f: Builtin::Percentile,
        name: "percentile",
        min_args: 2,
        max_args: 2,
        signature: "percentile(x, p)",
        doc: "the p-th percentile of an uncertain value's samples",
        example: "percentile(spend@2030, 95%)",
        group: Group::Samples,
    },
    BuiltinInfo {
        f: Builtin::Prob,
        name: "prob",
        min_args: 1,
        max_args: 1,
        signature: "prob(condition)",
        doc: "how likely a condition is: the share of samples where it holds",
        example: "prob(spend@2027 > $25B)",
        group: Group::Samples,
    },
    BuiltinInfo {
        f: Builtin::Rankcorr,
        name: "rankcorr",
        min_args: 2,
        max_args: 2,
        signature: "rankcorr(a, b)",
        doc: "the Spearman rank correlation of two uncertain values' samples",
        example: "rankcorr(growth, stargate.price)",
        group: Group::Samples,
    },
    BuiltinInfo {
        f: Builtin::Normal,
        name: "normal",
        min_args: 2,
        max_args: 2,
        signature: "normal(mean, sd)",
        doc: "a normal distribution",
        example: "normal(10 GW, 2 GW)",
        group: Group::Distribution,
    },
    BuiltinInfo {
        f: Builtin::Lognormal,
        name: "lognormal",
        min_args: 2,
        max_args: 2,
        signature: "lognormal(mu, sigma)",
        doc: "a lognormal distribution, of the mean and spread of its logarithm (plain numbers)",
        example: "lognormal(0, 0.3) * 5 GW",
        group: Group::Distribution,
    },
    BuiltinInfo {
        f: Builtin::Uniform,
        name: "uniform",
        min_args: 2,
        max_args: 2,
        signature: "uniform(low, high)",
        doc: "every value between low and high equally likely",
        example: "uniform(2026, 2029)",
        group: Group::Distribution,
    },
    BuiltinInfo {
        f: Builtin::Triangular,
        name: "triangular",
        min_args: 3,
        max_args: 3,
        signature: "triangular(low, mode, high)",
        doc: "a triangular distribution",
        example: "triangular(2 GW, 3 GW, 6 GW)",
        group: Group::Distribution,
    },
    BuiltinInfo {
        f: Builtin::Pert,
        name: "pert",
        min_args: 3,
        max_args: 3,
        signature: "pert(low, mode, high)",
        doc: "a beta-PERT distribution (weight 4 on the mode)",
        example: "pert($3B/GW, $4B/GW, $6B/GW)",
        group: Group::Distribution,
    },
];

impl Builtin {
    pub fn lookup(name: &str) -> Option<Builtin> {
        BUILTINS.iter().find(|b| b.name == name).map(|b| b.f)
    }

    pub fn info(self) -> &'static BuiltinInfo {
        BUILTINS
            .iter()
            .find(|b| b.f == self)
            .unwrap_or_else(|| unreachable!("every builtin has a table entry"))
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// Whether the function draws samples (an uncertain input).
    pub fn is_distribution(self) -> bool {
        self.info().group == Group::Distribution
    }
}

/// The names of the time axis, readable anywhere a timeline exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimeName {
    /// The calendar year of each period.
    Year,
    /// The period itself (prints `2026-07`).
    Period,
    /// The length of a period in years.
    Dt,
}

pub struct TimeNameInfo {
    pub t: TimeName,
    pub name: &'static str,
    pub doc: &'static str,
}

pub const TIME_NAMES: &[TimeNameInfo] = &[
    TimeNameInfo {
        t: TimeName::Year,
        name: "year",
        doc: "the calendar year of each period, a series",
    },
    TimeNameInfo {
        t: TimeName::Period,
        name: "period",
        doc: "each period itself (prints `2026-07`), a series",
    },
    TimeNameInfo {
        t: TimeName::Dt,
        name: "dt",
        doc: "the length of a period in years: 1, 0.25 or 1/12",
    },
];

impl TimeName {
    pub fn lookup(name: &str) -> Option<TimeName> {
        TIME_NAMES.iter().find(|t| t.name == name).map(|t| t.t)
    }
}

/// A provider's field: a property written in its block, or a series the
/// allocation (or a plan) computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PField {
    Capacity,
    Price,
    Online,
    Retire,
    Commit,
    Build,
    Capex,
    Lifetime,
    Load,
    Spend,
    Utilization,
    Headroom,
    Idle,
    Built,
    CapexSpend,
}

pub struct PFieldInfo {
    pub f: PField,
    pub name: &'static str,
    /// Written in the provider's block (and overridable); else computed.
    pub property: bool,
    pub doc: &'static str,
}

pub const PROVIDER_FIELDS: &[PFieldInfo] = &[
    PFieldInfo {
        f: PField::Capacity,
        name: "capacity",
        property: true,
        doc: "how much it can serve; unlimited when absent. Reads the effective capacity: zero before `online` and from `retire` on, plus what a plan builds",
    },
    PFieldInfo {
        f: PField::Price,
        name: "price",
        property: true,
        doc: "money per unit of demand served, per year (free when absent)",
    },
    PFieldInfo {
        f: PField::Online,
        name: "online",
        property: true,
        doc: "the period it comes online (may be uncertain)",
    },
    PFieldInfo {
        f: PField::Retire,
        name: "retire",
        property: true,
        doc: "the period it stops serving (may be uncertain)",
    },
    PFieldInfo {
        f: PField::Commit,
        name: "commit",
        property: true,
        doc: "take-or-pay: an amount paid for whether used or not",
    },
    PFieldInfo {
        f: PField::Build,
        name: "build",
        property: true,
        doc: "`LO .. HI`: what a plan may add each year",
    },
    PFieldInfo {
        f: PField::Capex,
        name: "capex",
        property: true,
        doc: "paid once per unit built",
    },
    PFieldInfo {
        f: PField::Lifetime,
        name: "lifetime",
        property: true,
        doc: "years a build serves (default: to the end of the timeline)",
    },
    PFieldInfo {
        f: PField::Load,
        name: "load",
        property: false,
        doc: "what it serves, per period",
    },
    PFieldInfo {
        f: PField::Spend,
        name: "spend",
        property: false,
        doc: "what it is paid in each period: max(load, commit) × price × dt",
    },
    PFieldInfo {
        f: PField::Utilization,
        name: "utilization",
        property: false,
        doc: "load over capacity (0 when unlimited)",
    },
    PFieldInfo {
        f: PField::Headroom,
        name: "headroom",
        property: false,
        doc: "capacity left after the load",
    },
    PFieldInfo {
        f: PField::Idle,
        name: "idle",
        property: false,
        doc: "commitment not used: max(commit − load, 0)",
    },
    PFieldInfo {
        f: PField::Built,
        name: "built",
        property: false,
        doc: "what a plan added each period (at the start of each year)",
    },
    PFieldInfo {
        f: PField::CapexSpend,
        name: "capex_spend",
        property: false,
        doc: "built × capex",
    },
];

impl PField {
    pub fn lookup(name: &str) -> Option<PField> {
        PROVIDER_FIELDS.iter().find(|p| p.name == name).map(|p| p.f)
    }

    pub fn info(self) -> &'static PFieldInfo {
        PROVIDER_FIELDS
            .iter()
            .find(|p| p.f == self)
            .unwrap_or_else(|| unreachable!("every field has a table entry"))
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    pub fn is_property(self) -> bool {
        self.info().property
    }

    /// The properties, in the order a provider keeps them.
    pub const PROPERTIES: [PField; 8] = [
        PField::Capacity,
        PField::Price,
        PField::Online,
        PField::Retire,
        PField::Commit,
        PField::Build,
        PField::Capex,
        PField::Lifetime,
    ];
}

/// A demand's field, computed by its allocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DField {
    Served,
    Unmet,
    Spend,
}

pub struct DFieldInfo {
    pub f: DField,
    pub name: &'static str,
    pub doc: &'static str,
}

pub const DEMAND_FIELDS: &[DFieldInfo] = &[
    DFieldInfo {
        f: DField::Served,
        name: "served",
        doc: "what its providers serve",
    },
    DFieldInfo {
        f: DField::Unmet,
        name: "unmet",
        doc: "what no provider could take",
    },
    DFieldInfo {
        f: DField::Spend,
        name: "spend",
        doc: "what its load costs in each period: Σ load × price × dt",
    },
];

impl DField {
    pub fn lookup(name: &str) -> Option<DField> {
        DEMAND_FIELDS.iter().find(|d| d.name == name).map(|d| d.f)
    }

    pub fn name(self) -> &'static str {
        DEMAND_FIELDS
            .iter()
            .find(|d| d.f == self)
            .map_or("?", |d| d.name)
    }
}

/// How an `allocate` shares a demand between providers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    Priority,
    Cost,
    Share,
    Optimal,
}

pub struct PolicyInfo {
    pub p: PolicyKind,
    pub name: &'static str,
    pub usage: &'static str,
    pub doc: &'static str,
}

pub const POLICIES: &[PolicyInfo] = &[
    PolicyInfo {
        p: PolicyKind::Priority,
        name: "priority",
        usage: "priority [a, b]",
        doc: "fill a up to its capacity, then b, …",
    },
    PolicyInfo {
        p: PolicyKind::Cost,
        name: "cost",
        usage: "cost [a, b]",
        doc: "cheapest price first in each period (merit order); commitments already paid for come first",
    },
    PolicyInfo {
        p: PolicyKind::Share,
        name: "share",
        usage: "share { a: 40%, b: rest }",
        doc: "each provider its share of the demand, capped by its capacity; `rest` takes what remains",
    },
    PolicyInfo {
        p: PolicyKind::Optimal,
        name: "optimal",
        usage: "optimal [a, b] { a >= 20% }",
        doc: "the least-spend split that honours the rules, solved as a linear program",
    },
];

impl PolicyKind {
    pub fn name(self) -> &'static str {
        POLICIES
            .iter()
            .find(|p| p.p == self)
            .map_or("?", |p| p.name)
    }
}
