//! The built-in unit table: name → factor to SI base units and dimension.

use super::dim::{COMPUTE, Dim, MASS, MONEY, POWER, TIME};

const SI: [(&str, f64); 7] = [
    ("", 1.0),
    ("k", 1e3),
    ("M", 1e6),
    ("G", 1e9),
    ("T", 1e12),
    ("P", 1e15),
    ("E", 1e18),
];

/// Looks a built-in unit up: `GW` → (1e9, power).
pub fn builtin(name: &str) -> Option<(f64, Dim)> {
    let fixed = match name {
        "USD" => Some((1.0, Dim::base(MONEY))),
        "s" => Some((1.0, Dim::base(TIME))),
        "min" => Some((60.0, Dim::base(TIME))),
        "h" => Some((3600.0, Dim::base(TIME))),
        "day" => Some((86400.0, Dim::base(TIME))),
        "yr" => Some((365.0 * 86400.0, Dim::base(TIME))),
        "kg" => Some((1.0, Dim::base(MASS))),
        "t" => Some((1000.0, Dim::base(MASS))),
        _ => None,
    };
    if fixed.is_some() {
        return fixed;
    }
    for (prefix, f) in SI {
        let Some(rest) = name.strip_prefix(prefix) else {
            continue;
        };
        let hit = match rest {
            "W" if f <= 1e12 => Some((f, Dim::base(POWER))),
            "Wh" if f <= 1e12 => Some((f * 3600.0, Dim::energy())),
            "FLOP" => Some((f, Dim::base(COMPUTE))),
            _ => None,
        };
        if hit.is_some() {
            return hit;
        }
    }
    None
}

/// Every built-in unit name, for completion and suggestions.
pub fn builtin_names() -> Vec<String> {
    let mut v: Vec<String> = ["USD", "s", "min", "h", "day", "yr", "kg", "t"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for (p, f) in SI {
        if f <= 1e12 {
            v.push(format!("{p}W"));
            v.push(format!("{p}Wh"));
        }
        v.push(format!("{p}FLOP"));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_scale() {
        assert_eq!(builtin("GW"), Some((1e9, Dim::base(POWER))));
        assert_eq!(builtin("TWh"), Some((3.6e15, Dim::energy())));
        assert_eq!(builtin("EFLOP"), Some((1e18, Dim::base(COMPUTE))));
        assert_eq!(builtin("yr").map(|u| u.0), Some(31_536_000.0));
        assert_eq!(builtin("PW"), None);
        assert_eq!(builtin("B"), None);
    }
}
