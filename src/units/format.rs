//! Writing quantities for people: `$5.00B`, `1.5 GW`, `17.52 TWh`, `75%`.
//! Machine output (JSON, CSV) never goes through here: it carries SI values.

use serde::Serialize;

use super::dim::{BUILTIN_BASES, BaseNames, COMPUTE, Dim, MASS, MONEY, POWER, TIME};

/// What a number means beyond its dimension, for display.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize)]
pub enum Kind {
    #[default]
    Number,
    /// A dimensionless number written or computed as a percentage.
    Percent,
    Bool,
    /// A period of the timeline (`period`, `when …`, `2026-07`), as a year
    /// with a fraction; +∞ means `never`.
    Period,
}

/// The time and power units a value was written with, so `$2/gpu/h` prints
/// per hour and `$5B/GW` per gigawatt. Indices into [`TIME_UNITS`] and
/// [`POWER_UNITS`]; `None` means the default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Hint {
    pub time: Option<u8>,
    pub power: Option<u8>,
    /// An energy unit (`MWh`), so a price per energy reads `$60/MWh`.
    pub energy: Option<u8>,
}

impl Hint {
    /// Keeps the first hint where both have one.
    pub fn or(self, o: Hint) -> Hint {
        Hint {
            time: self.time.or(o.time),
            power: self.power.or(o.power),
            energy: self.energy.or(o.energy),
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
            energy: ENERGY_UNITS
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
pub const ENERGY_UNITS: [(&str, f64); 5] = [
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

/// Numbers this large or this small (but not zero) are written with an
/// exponent: `1.000e20`, not `100000000T`; `1.000e-20`, not `0`.
fn needs_exponent(v: f64) -> bool {
    v != 0.0 && (v.abs() >= 1e15 || v.abs() < 1e-6)
}

fn exponent_form(v: f64, sig: i32, trim: bool) -> String {
    let s = format!("{:.*e}", (sig - 1).max(0) as usize, v);
    if !trim {
        return s;
    }
    match s.split_once('e') {
        Some((m, e)) if m.contains('.') => {
            let m = m.trim_end_matches('0').trim_end_matches('.');
            format!("{m}e{e}")
        }
        _ => s,
    }
}

/// How many decimals give `sig` significant digits to a number of the
/// size of `reference`.
pub fn decimals_for(reference: f64, sig: i32) -> usize {
    if reference == 0.0 || !reference.is_finite() {
        return 0;
    }
    let mag = reference.abs().log10().floor() as i32;
    (sig - 1 - mag).clamp(0, 12) as usize
}

/// A number with `sig` significant digits; trailing zeros dropped when `trim`.
pub fn fmt_sig(v: f64, sig: i32, trim: bool) -> String {
    if v == 0.0 {
        return if trim {
            "0".into()
        } else {
            format!("{:.*}", (sig - 1).max(0) as usize, 0.0)
        };
    }
    if needs_exponent(v) {
        return exponent_form(v, sig, trim);
    }
    // Rounding may carry into a new digit (0.99996 → 1.000): count the
    // decimals on the rounded value, so it reads 1.00.
    let d = decimals_for(v, sig);
    let rounded: f64 = format!("{v:.d$}").parse().unwrap_or(v);
    fmt_fixed(v, d.min(decimals_for(rounded, sig)), trim)
}

/// A number with a fixed number of decimals (a table column's), or with
/// an exponent when it is too large or small to read that way.
pub fn fmt_fixed(v: f64, decimals: usize, trim: bool) -> String {
    if needs_exponent(v) {
        return exponent_form(v, 4, trim);
    }
    let mut s = format!("{v:.decimals$}");
    if trim && s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" || s.chars().all(|c| c == '-' || c == '0' || c == '.') && s.starts_with('-') {
        s = s.trim_start_matches('-').to_string();
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

/// How a number is written: alone (its own significant digits, trailing
/// zeros dropped), or in a table column (the decimals the column's largest
/// value needs, the same for every row).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Layout {
    Alone,
    /// Alone, with at least this many significant digits (to show two
    /// close numbers as different).
    Digits(i32),
    /// A column whose largest value is `reference`; `whole` when every
    /// value of the column is a whole number (then no decimals at all).
    Column {
        reference: f64,
        whole: bool,
    },
}

impl Layout {
    fn num(self, x: f64, sig: i32, trim_alone: bool) -> String {
        match self {
            Layout::Alone => fmt_sig(x, sig, trim_alone),
            Layout::Digits(d) => fmt_sig(x, sig.max(d), true),
            Layout::Column { whole: true, .. } => fmt_fixed(x, 0, false),
            Layout::Column { reference, .. } => fmt_fixed(x, decimals_for(reference, sig), false),
        }
    }

    fn scaled(self, f: f64) -> Layout {
        match self {
            Layout::Alone => Layout::Alone,
            Layout::Digits(d) => Layout::Digits(d),
            Layout::Column { reference, whole } => Layout::Column {
                reference: reference / f,
                whole: whole && f == 1.0,
            },
        }
    }
}

/// How a table column is laid out: its largest value, and whether all its
/// values are whole numbers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ColumnStyle {
    pub reference: f64,
    pub whole: bool,
}

impl ColumnStyle {
    pub fn of(values: &[f64]) -> ColumnStyle {
        let finite = values.iter().copied().filter(|x| x.is_finite());
        let reference = finite
            .clone()
            .fold(0.0, |a: f64, x| if x.abs() > a.abs() { x } else { a });
        let _ = finite;
        ColumnStyle {
            reference,
            whole: false,
        }
    }
}

/// `$5.00B`, `-$750M`, `$2.00` (the magnitude chosen for `r`).
fn money(v: f64, r: f64, layout: Layout) -> String {
    let (suffix, f) = pick(r, &MAGNITUDES);
    let sign = if v < 0.0 { "-" } else { "" };
    if r.abs() / f >= 1e4 {
        return format!("{sign}${}", exponent_form(v.abs(), 3, false));
    }
    format!(
        "{sign}${}{suffix}",
        layout.scaled(f).num(v.abs() / f, 3, false)
    )
}

/// A plain count with a magnitude suffix from a million on: `1.5M`, `2027`.
fn count(v: f64, r: f64, layout: Layout) -> String {
    if r.abs() >= 1e16 {
        return exponent_form(v, 4, true);
    }
    if r.abs() >= 1e6 {
        let (suffix, f) = pick(r, &MAGNITUDES);
        format!("{}{suffix}", layout.scaled(f).num(v / f, 4, true))
    } else {
        layout.num(v, 4, true)
    }
}

/// The unit part of a dimension other than its lead: `/GW`, `/gpu/h`,
/// `/MWh` (power and time to the same power read as energy).
fn tail(d: Dim, hint: Hint, names: &BaseNames) -> (String, f64) {
    let mut num = String::new();
    let mut den = String::new();
    let mut factor = 1.0;
    let mut d = d;
    let mut push = |name: &str, e: i8, f: f64, num: &mut String, den: &mut String| {
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
    };
    let energy = d.0[POWER];
    let energy_first = energy != 0 && d.0[TIME] == energy;
    // Counted things first, time last: `$/gpu/h`, `FLOP/W/s`.
    let order = (BUILTIN_BASES..d.0.len()).chain([COMPUTE, MASS, POWER, MONEY, TIME]);
    for i in order {
        if energy_first && i == POWER {
            let (name, f) = ENERGY_UNITS[hint.energy.map_or(2, usize::from)];
            push(name, energy, f, &mut num, &mut den);
            d.0[POWER] = 0;
            d.0[TIME] = 0;
            continue;
        }
        let e = d.0[i];
        if e == 0 {
            continue;
        }
        let (name, f) = match i {
            TIME => TIME_UNITS[hint.time.map_or(4, usize::from)],
            POWER => POWER_UNITS[hint.power.map_or(3, usize::from)],
            _ => (names.name(i), 1.0),
        };
        push(name, e, f, &mut num, &mut den);
    }
    (num + &den, factor)
}

/// A value (SI) written for people, in the most readable unit.
pub fn format_quantity(v: f64, dim: Dim, kind: Kind, hint: Hint, names: &BaseNames) -> String {
    format_in_layout(v, v, dim, kind, hint, names, Layout::Alone)
}

/// A value in a table column whose largest value is `reference`: the
/// column reads in one unit (`0 GW` beside `10 GW`) with one precision
/// (`0.00%` beside `85.71%`).
pub fn format_like(
    v: f64,
    reference: f64,
    dim: Dim,
    kind: Kind,
    hint: Hint,
    names: &BaseNames,
) -> String {
    let r = if reference.is_finite() && reference != 0.0 {
        reference
    } else {
        v
    };
    format_in_layout(
        v,
        r,
        dim,
        kind,
        hint,
        names,
        Layout::Column {
            reference: r,
            whole: false,
        },
    )
}

/// A value in the unit that suits `reference`, with at least `digits`
/// significant digits: how a failed assert shows two close numbers.
pub fn format_digits(
    v: f64,
    reference: f64,
    digits: i32,
    dim: Dim,
    kind: Kind,
    hint: Hint,
    names: &BaseNames,
) -> String {
    format_in_layout(v, reference, dim, kind, hint, names, Layout::Digits(digits))
}

/// A value in a table column laid out by `style`.
pub fn format_column(
    v: f64,
    style: ColumnStyle,
    dim: Dim,
    kind: Kind,
    hint: Hint,
    names: &BaseNames,
) -> String {
    let r = if style.reference.is_finite() && style.reference != 0.0 {
        style.reference
    } else {
        v
    };
    format_in_layout(
        v,
        r,
        dim,
        kind,
        hint,
        names,
        Layout::Column {
            reference: r,
            whole: style.whole,
        },
    )
}

fn format_in_layout(
    v: f64,
    reference: f64,
    dim: Dim,
    kind: Kind,
    hint: Hint,
    names: &BaseNames,
    layout: Layout,
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
    let layout = match layout {
        Layout::Column { whole, .. } => Layout::Column {
            reference: r,
            whole,
        },
        l => l,
    };
    match kind {
        Kind::Bool => return if v != 0.0 { "true" } else { "false" }.into(),
        Kind::Period if v.is_infinite() => return "never".into(),
        Kind::Period => return crate::time::Timeline::yearly(0, 0).format_value(v),
        Kind::Percent if dim.is_none() => {
            // Percentages in a column keep two decimals (more when tiny).
            return match layout {
                Layout::Column { reference, .. } => {
                    let d = decimals_for(reference * 100.0, 4).max(2);
                    format!("{}%", fmt_fixed(v * 100.0, d, false))
                }
                Layout::Alone => format!("{}%", fmt_sig(v * 100.0, 4, true)),
                Layout::Digits(d) => format!("{}%", fmt_sig(v * 100.0, d.max(4), true)),
            };
        }
        _ => {}
    }
    if v.is_nan() {
        return "–".into();
    }
    if dim.is_none() {
        return count(v, r, layout);
    }
    if dim == Dim::energy() {
        let (u, f) = pick(r, &ENERGY_UNITS);
        return format!("{} {u}", layout.scaled(f).num(v / f, 4, true));
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
        return format!(
            "{} {}",
            layout.scaled(f).num(v / f, 4, true),
            t.trim_start_matches('*')
        );
    };
    let mut rest = dim;
    rest.0[lead] = 0;
    let (t, f) = tail(rest, hint, names);
    let v = v / f;
    let r = r / f;
    let layout = layout.scaled(f);
    match lead {
        MONEY => format!("{}{t}", money(v, r, layout)),
        TIME => {
            let (u, uf) = match hint.time {
                Some(i) => TIME_UNITS[usize::from(i)],
                None => pick(r, &TIME_UNITS),
            };
            format!("{} {u}{t}", layout.scaled(uf).num(v / uf, 4, true))
        }
        _ => {
            let units: &[(&str, f64)] = match lead {
                POWER => &POWER_UNITS,
                COMPUTE => &COMPUTE_UNITS,
                MASS => &MASS_UNITS,
                _ => &[],
            };
            if units.is_empty() {
                format!("{} {}{t}", count(v, r, layout), names.name(lead))
            } else {
                let (u, uf) = pick(r, units);
                format!("{} {u}{t}", layout.scaled(uf).num(v / uf, 4, true))
            }
        }
    }
}

/// The first number written in `s`, ignoring a sign and currency
/// (`-$5.25B` → 5.25).
pub fn leading_number(s: &str) -> Option<f64> {
    let start = s.find(|c: char| c.is_ascii_digit())?;
    let rest = &s[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// `s` with its first number replaced by `num` (a leading `-` of `num`
/// goes before a currency sign: `-$5.25B`).
pub fn replace_leading_number(s: &str, num: &str, _negative: bool) -> String {
    let Some(start) = s.find(|c: char| c.is_ascii_digit()) else {
        return num.to_string();
    };
    let rest = &s[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let (sign, digits) = match num.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", num),
    };
    let prefix = s[..start].trim_start_matches('-');
    format!("{sign}{prefix}{digits}{}", &rest[end..])
}

/// Drops the trailing zeros every cell of a column has in common, so the
/// column keeps one precision with no more decimals than it needs
/// (`0.00%`, `38.82%`, `55.60%`; but `0 MW`, `500 MW` rather than `0.0 MW`).
pub fn tidy_column(cells: &mut [String]) {
    fn number_at(s: &str) -> Option<(usize, usize)> {
        let start = s.find(|c: char| c.is_ascii_digit())?;
        let len = s[start..]
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(s.len() - start);
        Some((start, start + len))
    }
    let mut common = usize::MAX;
    for c in cells.iter() {
        if let Some((a, b)) = number_at(c)
            && let Some(dot) = c[a..b].find('.')
        {
            let frac = &c[a + dot + 1..b];
            let zeros = frac.len() - frac.trim_end_matches('0').len();
            common = common.min(zeros);
        }
    }
    if common == 0 || common == usize::MAX {
        return;
    }
    for c in cells.iter_mut() {
        if let Some((a, b)) = number_at(c)
            && let Some(dot) = c[a..b].find('.')
        {
            let frac_len = b - (a + dot + 1);
            let cut = if common >= frac_len {
                frac_len + 1
            } else {
                common
            };
            c.replace_range(b - cut..b, "");
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

/// Like [`format_in`], for a table column whose largest value is
/// `reference`: one precision for the whole column.
pub fn format_in_column(v: f64, reference: f64, factor: f64, unit_text: &str) -> String {
    if v.is_nan() {
        return "–".into();
    }
    let (x, r) = (v / factor, reference / factor);
    if unit_text == "%" {
        return format!("{}%", fmt_fixed(x, decimals_for(r, 4).max(2), false));
    }
    if let Some(rest) = unit_text.strip_prefix('$') {
        let sign = if x < 0.0 { "-" } else { "" };
        return format!(
            "{sign}${}{rest}",
            fmt_fixed(x.abs(), decimals_for(r, 3), false)
        );
    }
    format!("{} {unit_text}", fmt_fixed(x, decimals_for(r, 4), false))
}

/// A short name of a dimension for messages: `GW`, `USD`, `USD/GW`, `a plain number`.
pub fn unit_label(dim: Dim, kind: Kind, hint: Hint, names: &BaseNames) -> String {
    match kind {
        Kind::Bool => return "a true/false value".into(),
        Kind::Period => return "a period".into(),
        _ => {}
    }
    if dim.is_none() {
        return "a plain number".into();
    }
    if dim == Dim::energy() {
        return hint
            .energy
            .map_or("Wh", |i| ENERGY_UNITS[usize::from(i)].0)
            .into();
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
        assert_eq!(f(2027.0, Kind::Period), "2027");
        assert_eq!(f(f64::INFINITY, Kind::Period), "never");
        assert_eq!(f(1.0, Kind::Bool), "true");
        assert_eq!(show(2.5e6, Dim::NONE), "2.5M");
    }

    #[test]
    fn prices_per_energy_keep_an_energy_unit() {
        let per_mwh = Dim::base(MONEY).per(Dim::energy()).unwrap();
        let v = 60.0 / 3.6e9;
        assert_eq!(
            format_quantity(
                v,
                per_mwh,
                Kind::Number,
                Hint::from_unit("MWh"),
                &BaseNames::default()
            ),
            "$60.0/MWh"
        );
        assert_eq!(show(v, per_mwh), "$60.0/MWh");
    }

    #[test]
    fn columns_share_one_precision() {
        let usd = Dim::base(MONEY);
        let col = |v| {
            format_like(
                v,
                34.2e9,
                usd,
                Kind::Number,
                Hint::default(),
                &BaseNames::default(),
            )
        };
        assert_eq!(col(0.0), "$0.0B");
        assert_eq!(col(4.5e9), "$4.5B");
        assert_eq!(col(34.2e9), "$34.2B");
        let pct = |v| {
            format_like(
                v,
                0.8571,
                Dim::NONE,
                Kind::Percent,
                Hint::default(),
                &BaseNames::default(),
            )
        };
        assert_eq!(pct(0.556), "55.60%");
        assert_eq!(pct(0.3882), "38.82%");
    }

    #[test]
    fn huge_and_tiny_numbers_keep_their_digits() {
        assert_eq!(show(1e20, Dim::NONE), "1e20");
        assert_eq!(show(1e-20, Dim::NONE), "1e-20");
        assert_eq!(show(1.5e-20, Dim::NONE), "1.5e-20");
    }

    #[test]
    fn explicit_units() {
        assert_eq!(format_in(5e9, 1e9, "$B"), "$5.00B");
        assert_eq!(format_in(0.75, 0.01, "%"), "75%");
        assert_eq!(format_in(6.3072e16, 3.6e15, "TWh"), "17.52 TWh");
    }
}
