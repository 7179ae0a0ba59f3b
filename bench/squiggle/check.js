#!/usr/bin/env node
// Checks that scn and Squiggle computed the same model: the mean of each
// year's spend and of the total within TOL (default 3%), and the probability
// of spend above $25B in 2027 within 1.5 percentage points (a few standard
// errors at 10,000 samples).
//
//   node check.js SCN.json SQUIGGLE.json [TOL]
//
// SCN.json is `scn run model.scn --format json`, SQUIGGLE.json is
// `node run.js N --json`. Prints the comparison; exits 1 when they disagree.
import { readFileSync } from "node:fs";

const [scnFile, sqFile, tolArg] = process.argv.slice(2);
const tol = Number(tolArg ?? 0.03);
const scn = JSON.parse(readFileSync(scnFile, "utf8"));
const sq = JSON.parse(readFileSync(sqFile, "utf8"));

const values = scn.outputs.flatMap((o) => o.values ?? []);
const byLabel = (l) => {
  const v = values.find((x) => x.label === l);
  if (!v) throw new Error(`scn output has no value labelled ${l}`);
  return v;
};
const spend = byLabel("spend");
const total = byLabel("total");
const prob = byLabel("prob(spend@2027 > $25B)");

const rows = [];
spend.mean.forEach((m, i) => rows.push([String(spend.years[i]), m / 1e9, sq.spend[i].mean]));
rows.push(["total", total.mean / 1e9, sq.total.mean]);

let ok = true;
console.log("mean spend ($B)   scn   Squiggle   diff");
for (const [label, a, b] of rows) {
  const d = (b - a) / a;
  const bad = Math.abs(d) > tol;
  ok &&= !bad;
  console.log(
    `${label.padEnd(10)} ${a.toFixed(2).padStart(9)} ${b.toFixed(2).padStart(9)} ${(100 * d).toFixed(2).padStart(6)}%${bad ? "  <-- differs" : ""}`
  );
}
const dp = sq.p2027 - prob.value;
const badP = Math.abs(dp) > 0.015;
ok &&= !badP;
console.log(
  `P(spend@2027 > $25B): scn ${(100 * prob.value).toFixed(2)}%, Squiggle ${(100 * sq.p2027).toFixed(2)}%${badP ? "  <-- differs" : ""}`
);
console.log(ok ? "agree" : "DISAGREE");
process.exit(ok ? 0 : 1);
