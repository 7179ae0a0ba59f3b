//! Writing quantities for people: `$5.00B`, `1.5 GW`, `17.52 TWh`, `75%`.
//! Machine output (JSON, CSV) never goes through here: it carries SI values.

use serde::Serialize;

use super::dim::{BUILTIN_BASES, BaseNames, COMPUTE, Dim, MASS, MONEY, POWER, TIME};

/// What a number means beyond its dimension, for display.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize)]
pub enum Kind {
    #[default]
    Number,
    /// A dimensionless number written or computed as a percentage.
    Percent,
    Bool,
    /// A calendar year (`year`, `when …`); NaN means `never`.
    Year,
}

/// The time and power units a value was written with, so `$2/gpu/h` prints
/// per hour and `$5B/GW` per gigawatt. Indices into [`TIME_UNITS`] and
/// [`POWER_UNITS`]; `None` means the default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Hint {
    pub time: Option<u8>,
    pub power: Option<u8>,
}

impl Hint {
    /// Keeps the first hint where both have one.
    pub fn or(self, o: Hint) -> Hint {
        Hint {
            time: self.time.or(o.time),
            power: self.power.or(o.power),
        }
    }

    /// The hint a unit name gives, if it is a time or power unit.
    pub fn from_unit(name: &str) -> Hint {
        Hint {
            time: TIME_UNITS.iter().position(|u| u.0 == name).map(|i| i as u8),
            power: POWER_UNITS
                .iter()
                .position(|u| u.0 == name)
                .map(|i| i as u8),
        }
    }
}

pub const TIME_UNITS: [(&str, f64); 5] = [
    ("s", 1.0),
    ("min", 60.0),
    ("h", 3600.0),
    ("day", 86400.0),
    ("yr", 31_536_000.0),
];
pub const POWER_UNITS: [(&str, f64); 5] = [
    ("W", 1.0),
    ("kW", 1e3),
    ("MW", 1e6),
    ("GW", 1e9),
    ("TW", 1e12),
];
const ENERGY_UNITS: [(&str, f64); 5] = [
    ("Wh", 3600.0),
    ("kWh", 3.6e6),
    ("MWh", 3.6e9),
    ("GWh", 3.6e12),
    ("TWh", 3.6e15),
];
const COMPUTE_UNITS: [(&str, f64); 7] = [
    ("FLOP", 1.0),
    ("kFLOP", 1e3),
    ("MFLOP", 1e6),
    ("GFLOP", 1e9),
    ("TFLOP", 1e12),
    ("PFLOP", 1e15),
    ("EFLOP", 1e18),
];
const MASS_UNITS: [(&str, f64); 2] = [("kg", 1.0), ("t", 1000.0)];
const MAGNITUDES: [(&str, f64); 5] = [("", 1.0), ("k", 1e3), ("M", 1e6), ("B", 1e9), ("T", 1e12)];

/// A number with `sig` significant digits; trailing zeros dropped when `trim`.
pub fn fmt_sig(v: f64, sig: i32, trim: bool) -> String {
    if v == 0.0 {
        return if trim {
            "0".into()
        } else {
            format!("{:.*}", (sig - 1).max(0) as usize, 0.0)
        };
    }
    let mag = v.abs().log10().floor() as i32;
    let decimals = (sig - 1 - mag).clamp(0, 12) as usize;
    let mut s = format!("{v:.decimals$}");
    if trim && s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" {
        s = "0".into();
    }
    s
}

/// Picks the largest unit of a family that keeps the value at 1 or more.
fn pick<'a>(v: f64, units: &[(&'a str, f64)]) -> (&'a str, f64) {
    let mut best = units[0];
    for &u in units {
        if v.abs() >= u.1 * 0.9995 {
            best = u;
        }
    }
    best
}

/// `$5.00B`, `-$750M`, `$2.00` (the magnitude chosen for `r`).
fn money(v: f64, r: f64) -> String {
    let (suffix, f) = pick(r, &MAGNITUDES);
    let sign = if v < 0.0 { "-" } else { "" };
    format!("{sign}${}{suffix}", fmt_sig(v.abs() / f, 3, false))
}

/// A plain count with a magnitude suffix from a million on: `1.5M`, `2027`.
fn count(v: f64, r: f64) -> String {
    if r.abs() >= 1e6 {
        let (suffix, f) = pick(r, &MAGNITUDES);
        format!("{}{suffix}", fmt_sig(v / f, 4, true))
    } else {
        fmt_sig(v, 4, true)
    }
}

/// The unit part of a dimension other than its lead: `/GW`, `/gpu/h`, `*s`.
fn tail(d: Dim, hint: Hint, names: &BaseNames) -> (String, f64) {
    let mut num = String::new();
    let mut den = String::new();
    let mut factor = 1.0;
    // Counted things first, time last: `$/gpu/h`, `FLOP/W/s`.
    let order = (BUILTIN_BASES..d.0.len()).chain([COMPUTE, MASS, POWER, MONEY, TIME]);
    for i in order {
        let e = d.0[i];
        if e == 0 {
            continue;
        }
        let (name, f) = match i {
            TIME => TIME_UNITS[hint.time.map_or(4, usize::from)],
            POWER => POWER_UNITS[hint.power.map_or(3, usize::from)],
            _ => (names.name(i), 1.0),
        };
        factor *= f.powi(i32::from(e));
        let part = if e.abs() == 1 {
            name.to_string()
        } else {
            format!("{name}^{}", e.abs())
        };
        if e > 0 {
            num.push('*');
            num.push_str(&part);
        } else {
            den.push('/');
            den.push_str(&part);
        }
    }
    (num + &den, factor)
}

/// A value (SI) written for people, in the most readable unit.
pub fn format_quantity(v: f64, dim: Dim, kind: Kind, hint: Hint, names: &BaseNames) -> String {
    format_like(v, v, dim, kind, hint, names)
}

/// Like [`format_quantity`], with the unit chosen for `reference` rather
/// than `v`: a table column reads in one unit (`0 GW` beside `10 GW`).
pub fn format_like(
    v: f64,
    reference: f64,
    dim: Dim,
    kind: Kind,
    hint: Hint,
    names: &BaseNames,
) -> String {
    let mut r = if reference.is_finite() && reference != 0.0 {
        reference
    } else {
        v
    };
    if r == 0.0 && dim == Dim::base(POWER) {
        // A column of zeros still reads in the unit it was written in.
        r = POWER_UNITS[hint.power.map_or(3, usize::from)].1;
    }
    match kind {
        Kind::Bool => return if v != 0.0 { "true" } else { "false" }.into(),
        Kind::Year if v.is_nan() => return "never".into(),
        Kind::Year => return format!("{}", v.round()),
        Kind::Percent if dim.is_none() => return format!("{}%", fmt_sig(v * 100.0, 4, true)),
        _ => {}
    }
    if v.is_nan() {
        return "–".into();
    }
    if dim.is_none() {
        return count(v, r);
    }
    if dim == Dim::energy() {
        let (u, f) = pick(r, &ENERGY_UNITS);
        return format!("{} {u}", fmt_sig(v / f, 4, true));
    }
    // The lead dimension gets an automatic prefix; the rest fixed units.
    let lead = if dim.0[MONEY] == 1 {
        Some(MONEY)
    } else {
        [POWER, COMPUTE, MASS]
            .into_iter()
            .chain(BUILTIN_BASES..dim.0.len())
            .find(|&i| dim.0[i] == 1)
            .or_else(|| (dim.0[TIME] == 1).then_some(TIME))
    };
    let Some(lead) = lead else {
        let (t, f) = tail(dim, hint, names);
        return format!("{} {}", fmt_sig(v / f, 4, true), t.trim_start_matches('*'));
    };
    let mut rest = dim;
    rest.0[lead] = 0;
    let (t, f) = tail(rest, hint, names);
    let v = v / f;
    let r = r / f;
    match lead {
        MONEY => format!("{}{t}", money(v, r)),
        TIME => {
            let (u, uf) = match hint.time {
                Some(i) => TIME_UNITS[usize::from(i)],
                None => pick(r, &TIME_UNITS),
            };
            format!("{} {u}{t}", fmt_sig(v / uf, 4, true))
        }
        _ => {
            let units: &[(&str, f64)] = match lead {
                POWER => &POWER_UNITS,
                COMPUTE => &COMPUTE_UNITS,
                MASS => &MASS_UNITS,
                _ => &[],
            };
            if units.is_empty() {
                format!("{} {}{t}", count(v, r), names.name(lead))
            } else {
                let (u, uf) = pick(r, units);
                format!("{} {u}{t}", fmt_sig(v / uf, 4, true))
            }
        }
    }
}

/// A value converted to an explicit unit (`in $B`, `in %`, `in TWh`).
pub fn format_in(v: f64, factor: f64, unit_text: &str) -> String {
    if v.is_nan() {
        return "–".into();
    }
    let x = v / factor;
    if unit_text == "%" {
        return format!("{}%", fmt_sig(x, 4, true));
    }
    if let Some(rest) = unit_text.strip_prefix('$') {
        let sign = if x < 0.0 { "-" } else { "" };
        return format!("{sign}${}{rest}", fmt_sig(x.abs(), 3, false));
    }
    format!("{} {unit_text}", fmt_sig(x, 4, true))
}

/// A short name of a dimension for messages: `GW`, `USD`, `USD/GW`, `a plain number`.
pub fn unit_label(dim: Dim, kind: Kind, hint: Hint, names: &BaseNames) -> String {
    match kind {
        Kind::Bool => return "a true/false value".into(),
        Kind::Year => return "a year".into(),
        _ => {}
    }
    if dim.is_none() {
        return "a plain number".into();
    }
    if dim == Dim::energy() {
        return "Wh".into();
    }
    let mut rest = dim;
    let lead = if dim.0[MONEY] == 1 {
        rest.0[MONEY] = 0;
        "USD".to_string()
    } else if dim.0[POWER] == 1 {
        rest.0[POWER] = 0;
        POWER_UNITS[hint.power.map_or(3, usize::from)].0.to_string()
    } else {
        String::new()
    };
    let (t, _) = tail(rest, hint, names);
    if lead.is_empty() {
        t.trim_start_matches('*').to_string()
    } else {
        lead + &t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(v: f64, d: Dim) -> String {
        format_quantity(v, d, Kind::Number, Hint::default(), &BaseNames::default())
    }

    #[test]
    fn money_reads_with_magnitude() {
        let usd = Dim::base(MONEY);
        assert_eq!(show(5e9, usd), "$5.00B");
        assert_eq!(show(7.937e9, usd), "$7.94B");
        assert_eq!(show(750e6, usd), "$750M");
        assert_eq!(show(-2.5e6, usd), "-$2.50M");
        assert_eq!(show(2.0, usd), "$2.00");
    }

    #[test]
    fn power_and_energy_pick_a_prefix() {
        assert_eq!(show(1.5e9, Dim::base(POWER)), "1.5 GW");
        assert_eq!(show(1500e6, Dim::base(POWER)), "1.5 GW");
        assert_eq!(show(250e6, Dim::base(POWER)), "250 MW");
        assert_eq!(show(2e9 * 31_536_000.0, Dim::energy()), "17.52 TWh");
    }

    #[test]
    fn composite_units_use_hints() {
        let per_gw = Dim::base(MONEY).per(Dim::base(POWER)).unwrap();
        assert_eq!(show(5.0, per_gw), "$5.00B/GW");
        let names = BaseNames(vec![
            "USD".into(),
            "s".into(),
            "W".into(),
            "FLOP".into(),
            "kg".into(),
            "gpu".into(),
        ]);
        let d = Dim::base(MONEY)
            .per(Dim::base(5))
            .unwrap()
            .per(Dim::base(TIME))
            .unwrap();
        let hint = Hint::from_unit("h");
        assert_eq!(
            format_quantity(2.0 / 3600.0, d, Kind::Number, hint, &names),
            "$2.00/gpu/h"
        );
    }

    #[test]
    fn plain_percent_year_bool() {
        assert_eq!(show(0.75, Dim::NONE), "0.75");
        let f = |v, k| format_quantity(v, Dim::NONE, k, Hint::default(), &BaseNames::default());
        assert_eq!(f(0.75, Kind::Percent), "75%");
        assert_eq!(f(2027.0, Kind::Year), "2027");
        assert_eq!(f(f64::NAN, Kind::Year), "never");
        assert_eq!(f(1.0, Kind::Bool), "true");
        assert_eq!(show(2.5e6, Dim::NONE), "2.5M");
    }

    #[test]
    fn explicit_units() {
        assert_eq!(format_in(5e9, 1e9, "$B"), "$5.00B");
        assert_eq!(format_in(0.75, 0.01, "%"), "75%");
        assert_eq!(format_in(6.3072e16, 3.6e15, "TWh"), "17.52 TWh");
    }
}
