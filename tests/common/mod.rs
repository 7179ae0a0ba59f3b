//! Evaluating a probe expression in a program, for the semantics tests.

use scn::source::SourceMap;
use scn::{RunOptions, eval};

/// Evaluates `expr` in the program `src` (under a scenario, if given) and
/// returns its numbers in SI units, or the rendered errors.
pub fn eval_in(src: &str, scenario: Option<&str>, expr: &str) -> Result<Vec<f64>, String> {
    let text = format!("{src}\nlet probe__ = {expr}\n");
    let mut sources = SourceMap::new();
    let base = sources.add("test.scn", text.as_str());
    let (model, errors) = scn::compile(&text, base);
    let fail = |errors: Vec<scn::ScnError>, sources: &SourceMap| {
        Err(errors
            .into_iter()
            .map(|e| scn::report::render_diagnostic(e, sources, scn::report::Style::Plain))
            .collect::<String>())
    };
    if !errors.is_empty() {
        return fail(errors, &sources);
    }
    let model = model.ok_or("no model")?;
    let (world, errors) = eval::evaluate(&model);
    if !errors.is_empty() {
        return fail(errors.into_iter().map(Into::into).collect(), &sources);
    }
    let opts = RunOptions {
        scenario: scenario.map(str::to_string),
        ..RunOptions::default()
    };
    let chosen = match scn::select_world(&model, &world, &mut sources, &opts) {
        Ok(w) => w,
        Err(es) => return fail(es, &sources),
    };
    let w = chosen.as_ref().unwrap_or(&world);
    let Some(scn::check::Sym::Node(id)) = model.lookup("probe__") else {
        return Err("no probe".into());
    };
    w.value(id)
        .map(|v| v.data.to_vec())
        .map_err(|e| format!("{e}"))
}

pub fn eval(src: &str, expr: &str) -> Vec<f64> {
    match eval_in(src, None, expr) {
        Ok(v) => v,
        Err(e) => panic!("`{expr}` failed:\n{e}"),
    }
}
