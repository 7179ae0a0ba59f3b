//! Keyframes read from a CSV price sheet: `csv("prices.csv", "h100")` takes
//! the `year` (or `period`) column and one column of plain numbers.

use std::path::{Path, PathBuf};

use super::error::CheckError;
use crate::span::Span;
use crate::time::{PeriodLit, Timeline};

/// CSV files larger than this are refused: a price sheet is small.
const MAX_BYTES: u64 = 64 << 20;

/// The file `name` relative to the directory of the file `from`.
pub fn relative(from: &str, name: &str) -> PathBuf {
    let p = Path::new(name);
    if p.is_absolute() {
        return p.to_path_buf();
    }
    match Path::new(from).parent() {
        Some(dir) if !from.starts_with('<') => dir.join(p),
        _ => p.to_path_buf(),
    }
}

/// Reads the keyframes: (position on the timeline, value) in file order.
/// Every bad cell, duplicate period and missing piece is reported.
pub fn read(
    from: &str,
    file: &str,
    file_span: Span,
    column: &str,
    column_span: Span,
    t: &Timeline,
) -> Result<Vec<(i64, f64)>, Vec<CheckError>> {
    let path = relative(from, file);
    let shown = path.display().to_string();
    let err = |what: String, span: Span, label: &str, help: Option<String>| CheckError::Csv {
        what,
        span,
        label: label.to_string(),
        help,
    };
    let bytes = crate::files::read_limited(&path, MAX_BYTES).map_err(|e| {
        vec![err(
            format!("cannot read `{shown}`: {e}"),
            file_span,
            "this file",
            Some("the path is relative to the file that names it".into()),
        )]
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let headers = reader
        .headers()
        .map_err(|e| {
            vec![err(
                format!("`{shown}` is not a CSV file: {e}"),
                file_span,
                "this file",
                None,
            )]
        })?
        .clone();
    let find = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let Some(key) = find("year").or_else(|| find("period")) else {
        return Err(vec![err(
            format!("`{shown}` has no `year` or `period` column"),
            file_span,
            "this file",
            Some(format!(
                "its columns are: {}",
                headers.iter().collect::<Vec<_>>().join(", ")
            )),
        )]);
    };
    let Some(col) = headers.iter().position(|h| h == column) else {
        let names: Vec<&str> = headers.iter().collect();
        return Err(vec![err(
            format!("`{shown}` has no column `{column}`"),
            column_span,
            "no such column",
            crate::diag::did_you_mean(column, names.iter().copied())
                .or_else(|| Some(format!("its columns are: {}", names.join(", ")))),
        )]);
    };
    let mut out: Vec<(i64, f64)> = Vec::new();
    let mut seen: Vec<(i64, usize)> = Vec::new();
    let mut errors = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let row = i + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(err(
                    format!("{shown}:{row}: {e}"),
                    file_span,
                    "in this file",
                    None,
                ));
                continue;
            }
        };
        let at_text = rec.get(key).unwrap_or("");
        let Some(lit) = PeriodLit::parse(at_text, column_span) else {
            errors.push(err(
                format!("{shown}:{row}:{}: `{at_text}` is not a period", key + 1),
                file_span,
                "in this file",
                Some("write a year (`2026`), a quarter (`2026Q3`) or a month (`2026-07`)".into()),
            ));
            continue;
        };
        let pos = match t.position_of(&lit) {
            Ok(p) => p,
            Err(_) => {
                errors.push(err(
                    format!(
                        "{shown}:{row}:{}: `{at_text}` is finer than the {} timeline",
                        key + 1,
                        t.step.word()
                    ),
                    file_span,
                    "in this file",
                    None,
                ));
                continue;
            }
        };
        let cell = rec.get(col).unwrap_or("");
        let value = cell
            .replace('_', "")
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite());
        let Some(value) = value else {
            errors.push(err(
                format!("{shown}:{row}:{}: `{cell}` is not a number", col + 1),
                column_span,
                "in this column",
                Some("cells hold plain numbers; multiply by a unit: `csv(…) * $1/gpu/h`".into()),
            ));
            continue;
        };
        if let Some((_, first)) = seen.iter().find(|(p, _)| *p == pos) {
            errors.push(err(
                format!(
                    "{shown}:{row}:{}: `{at_text}` appears twice (first on row {first})",
                    key + 1
                ),
                file_span,
                "in this file",
                Some("each period once".into()),
            ));
            continue;
        }
        seen.push((pos, row));
        out.push((pos, value));
    }
    if out.is_empty() && errors.is_empty() {
        errors.push(err(
            format!("`{shown}` has no rows"),
            file_span,
            "this file",
            None,
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    out.sort_by_key(|(p, _)| *p);
    Ok(out)
}
