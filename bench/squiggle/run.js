#!/usr/bin/env node
// Runs model.squiggle with @quri/squiggle-lang and times the evaluation.
//
//   node run.js SAMPLES [--seed S] [--runs R] [--quiet | --json]
//
// Prints the results (mean and 5th/50th/95th percentiles of each year's spend
// and of the total, in $B, and P(spend in 2027 > $25B)) as a table like
// `scn run` does, or as JSON with --json, or nothing with --quiet. Then one
// line per run on stderr: `eval_ms N`, the wall time of `run()` from source
// text to computed results inside this process (no Node start-up, no module
// loading); the same line is appended to the file $SQUIGGLE_EVAL_LOG when it
// is set. With --runs R the model is evaluated R times in this process (the
// first run is cold, the later ones have a warm JIT).
import { appendFileSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { run } from "@quri/squiggle-lang";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const samples = Number(args.find((a) => /^\d+$/.test(a)) ?? 10000);
const seed = opt("--seed", "1");
const runs = Number(opt("--runs", "1"));
const quiet = args.includes("--quiet");
const json = args.includes("--json");
const evalLog = process.env.SQUIGGLE_EVAL_LOG;

const here = dirname(fileURLToPath(import.meta.url));
const code = readFileSync(join(here, "model.squiggle"), "utf8");
const environment = { sampleCount: samples, xyPointLength: 1000, seed, profile: false };

let result;
for (let r = 0; r < runs; r++) {
  const t0 = performance.now();
  const output = await run(code, { environment });
  const ms = performance.now() - t0;
  if (!output.result.ok) {
    console.error(output.result.value.toString());
    process.exit(1);
  }
  result = output.result.value.result.asJS();
  process.stderr.write(`eval_ms ${ms.toFixed(1)}\n`);
  if (evalLog) appendFileSync(evalLog, `${ms.toFixed(1)}\n`);
}

// asJS() wraps each dict as { vtype: "Dict", value: {...} }.
const asObj = (d) => (d && d.vtype === "Dict" ? d.value : d);
if (json) {
  const r = asObj(result);
  const plain = {
    samples,
    spend: r.spend.map(asObj),
    total: asObj(r.total),
    p2027: r.p2027,
  };
  console.log(JSON.stringify(plain, null, 2));
} else if (!quiet) {
  const b = (x) => `$${x.toFixed(2)}B`;
  const row = (label, s) =>
    `${label}  ${[s.mean, s.p5, s.p50, s.p95].map((x) => b(x).padStart(9)).join(" ")}`;
  const r = asObj(result);
  console.log(`year       mean        p5       p50       p95`);
  r.spend.forEach((s, i) => console.log(row(String(2024 + i), asObj(s))));
  console.log(row("total", asObj(r.total)));
  console.log(`P(spend@2027 > $25B) = ${(100 * r.p2027).toFixed(3)}%`);
}
