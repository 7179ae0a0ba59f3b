//! "Did you mean": the closest known name to a misspelt one.

/// Names longer than this get no suggestion: string similarity is quadratic
/// in length, and nobody misspells a 100-character name by a letter.
const MAX_LEN: usize = 64;

/// The closest candidate to a misspelt name, if any is close enough.
pub fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let n = name.chars().count();
    if n == 0 || n > MAX_LEN {
        return None;
    }
    let lower = name.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let m = c.chars().count();
        if c == name || m > MAX_LEN || m.abs_diff(n) > 3.max(n / 2) {
            continue;
        }
        let score = strsim::jaro_winkler(&lower, &c.to_lowercase());
        let dist = strsim::damerau_levenshtein(name, c);
        let close = score > 0.85 || (dist <= 2 && dist < n.max(2));
        if close && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// `did you mean `x`?`, when there is a close name.
pub fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    suggest(name, candidates).map(|s| format!("did you mean `{s}`?"))
}

/// "`a`, `b` and `c`".
pub fn list_words(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, init)) => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_only() {
        let names = ["stargate", "microsoft", "spend"];
        assert_eq!(suggest("stargte", names.iter().copied()), Some("stargate"));
        assert_eq!(suggest("zzz", names.iter().copied()), None);
        let long = "x".repeat(100_000);
        let t = std::time::Instant::now();
        assert_eq!(suggest(&long, [long.as_str()].into_iter()), None);
        assert!(t.elapsed().as_millis() < 100);
        assert_eq!(list_words(&["a", "b", "c"]), "`a`, `b` and `c`");
    }
}
