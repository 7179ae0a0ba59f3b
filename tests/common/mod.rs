//! Evaluating a probe expression in a program, for the semantics tests.

use scn::RunOptions;
use scn::source::SourceMap;

/// Evaluates `expr` in the program `src` (under a scenario, if given) and
/// returns its numbers in SI units, or the rendered errors.
pub fn eval_in(src: &str, scenario: Option<&str>, expr: &str) -> Result<Vec<f64>, String> {
    let text = format!("{src}\nlet probe__ = {expr}\n");
    let mut sources = SourceMap::new();
    let base = sources.add("test.scn", text.as_str());
    let opts = RunOptions {
        scenario: scenario.map(str::to_string),
        ..RunOptions::default()
    };
    let fail = |errors: Vec<scn::ScnError>, sources: &SourceMap| {
        Err(errors
            .into_iter()
            .map(|e| scn::report::render_diagnostic(e, sources, scn::report::Style::Plain))
            .collect::<String>())
    };
    let (model, worlds) = match scn::prepare(&mut sources, "test.scn", &text, base, &opts) {
        Ok(x) => x,
        Err(es) => return fail(es, &sources),
    };
    let Some(scn::check::Sym::Node(id)) = model.lookup("probe__") else {
        return Err("no probe".into());
    };
    worlds
        .current
        .value(&model, id)
        .map(|v| v.data().to_vec())
        .map_err(|e| format!("{e}"))
}

pub fn eval(src: &str, expr: &str) -> Vec<f64> {
    match eval_in(src, None, expr) {
        Ok(v) => v,
        Err(e) => panic!("`{expr}` failed:\n{e}"),
    }
}
