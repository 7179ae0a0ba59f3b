//! The static type of a value, known before any number is computed: its
//! dimension, how it reads (number, %, true/false, period), whether it has
//! a value per period (a series) and whether it is uncertain (samples).

use crate::units::format::{Hint, Kind};
use crate::units::{BaseNames, Dim, unit_label};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Type {
    pub dim: Dim,
    pub kind: Kind,
    pub series: bool,
    pub uncertain: bool,
}

impl Type {
    pub const NUMBER: Type = Type {
        dim: Dim::NONE,
        kind: Kind::Number,
        series: false,
        uncertain: false,
    };
    pub const BOOL: Type = Type {
        kind: Kind::Bool,
        ..Type::NUMBER
    };
    pub const PERIOD: Type = Type {
        kind: Kind::Period,
        ..Type::NUMBER
    };
    pub const PERCENT: Type = Type {
        kind: Kind::Percent,
        ..Type::NUMBER
    };

    /// A certain scalar of a dimension.
    pub fn of(dim: Dim) -> Type {
        Type {
            dim,
            ..Type::NUMBER
        }
    }

    pub fn with_kind(self, kind: Kind) -> Type {
        Type { kind, ..self }
    }

    pub fn series(self) -> Type {
        Type {
            series: true,
            ..self
        }
    }

    pub fn scalar(self) -> Type {
        Type {
            series: false,
            ..self
        }
    }

    pub fn certain(self) -> Type {
        Type {
            uncertain: false,
            ..self
        }
    }

    pub fn uncertain_if(self, u: bool) -> Type {
        Type {
            uncertain: self.uncertain || u,
            ..self
        }
    }

    /// The shape of a value combining `self` and `o` (broadcasting).
    pub fn shape_with(self, o: Type) -> Type {
        Type {
            series: self.series || o.series,
            uncertain: self.uncertain || o.uncertain,
            ..self
        }
    }

    pub fn is_bool(self) -> bool {
        self.kind == Kind::Bool
    }

    pub fn is_period(self) -> bool {
        self.kind == Kind::Period
    }

    /// A number of some dimension (not true/false).
    pub fn is_number(self) -> bool {
        self.kind != Kind::Bool
    }

    /// Plain numbers, percentages and periods: what a dimensionless value is.
    pub fn is_plain(self) -> bool {
        self.dim.is_none() && self.kind != Kind::Bool
    }

    /// The unit for messages: `GW`, `USD/GW`, `a plain number`, `a period`.
    pub fn label(self, hint: Hint, names: &BaseNames) -> String {
        unit_label(self.dim, self.kind, hint, names)
    }

    /// The shape for messages: `a certain scalar`, `an uncertain series`.
    pub fn shape_text(self) -> &'static str {
        match (self.uncertain, self.series) {
            (false, false) => "a single value",
            (false, true) => "a series",
            (true, false) => "an uncertain value",
            (true, true) => "an uncertain series",
        }
    }
}
