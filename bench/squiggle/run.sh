#!/usr/bin/env bash
# scn against Squiggle on the same Monte Carlo model, side by side.
#
#   bash bench/squiggle/run.sh                 # from anywhere in the repository
#   SIZES="10000 100000" bash bench/squiggle/run.sh
#
# The model (7 years of compute spend, 3 uncertain inputs) is written twice:
# model.scn for scn and model.squiggle for Squiggle (@quri/squiggle-lang
# 0.10.0 on Node, run by run.js). For each sample count this script
#   1. runs both once and checks that they agree (check.js: yearly and total
#      mean spend within 3%, the probability within 1.5 points);
#   2. times each whole process (start-up, parse, evaluate, print) over
#      several runs, with hyperfine when installed, else a loop; for Squiggle
#      also the in-process evaluation time that run.js measures around run();
#   3. measures peak memory (maximum resident set size, /usr/bin/time -v);
# then prints a markdown table and checks the targets of issue 6: scn at least
# 50x faster than Squiggle at 100k samples, scn under 1 s and under 1 GiB at
# 1M samples. Exits 1 when a target is missed or the models disagree.
#
# Environment: SIZES (default "10000 100000 1000000"); RUNS, timed runs of
# scn per size (default 10); SQUIGGLE_RUNS, timed runs of Squiggle per size
# (default 5, and 3 from 1M samples on); SQUIGGLE_TIMEOUT, seconds one Squiggle
# run may take before it is recorded as too slow (default 600); NODE_FLAGS,
# extra flags for node (e.g. --max-old-space-size=8192, which 0.10.0 did not
# need on this model). Progress goes to stderr, the table to stdout; both
# models' outputs and hyperfine's JSON stay in target/bench/squiggle/.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
out="$root/target/bench/squiggle"
mkdir -p "$out"

sizes=${SIZES:-10000 100000 1000000}
runs=${RUNS:-10}
sq_timeout=${SQUIGGLE_TIMEOUT:-600}
node_flags=${NODE_FLAGS:-}
seed=1
say() { echo "== $*" >&2; }

# --- tools ------------------------------------------------------------------
if [[ ! -x /usr/bin/time ]]; then
    say "installing GNU time (apt-get install -y time)"
    apt-get install -y time >/dev/null || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
fi
have_hyperfine=0
command -v hyperfine >/dev/null && have_hyperfine=1
[[ $have_hyperfine == 1 ]] || say "hyperfine not found (apt-get install -y hyperfine): timing with a loop"

installed=$(node -p 'require(process.argv[1]).version' \
    "$here/node_modules/@quri/squiggle-lang/package.json" 2>/dev/null || true)
if [[ $installed != 0.10.0 ]]; then
    say "installing @quri/squiggle-lang@0.10.0 into bench/squiggle/node_modules"
    npm install --prefix "$here" --save-exact --no-audit --no-fund @quri/squiggle-lang@0.10.0 >&2
fi

say "building scn (release)"
cargo build --release --quiet
# A private copy, so that a build started meanwhile cannot swap the binary
# under the benchmark.
scn="$out/scn"
cp target/release/scn "$scn"

# --- helpers ----------------------------------------------------------------
# time_cmd NAME RUNS CMD...: times CMD (whole process) RUNS times; writes
# "median_s min_s mean_user_s mean_sys_s" to $out/NAME.time.
time_cmd() {
    local name=$1 n=$2
    shift 2
    if [[ $have_hyperfine == 1 ]]; then
        hyperfine -N --style none --runs "$n" --export-json "$out/$name.json" -- "$*" >&2
        node -e '
            const r = require(process.argv[1]).results[0];
            console.log(r.median, r.min, r.user, r.system);
        ' "$out/$name.json" >"$out/$name.time"
    else
        local times=() t0 t1
        for ((i = 0; i < n; i++)); do
            t0=$(date +%s%N)
            "$@" >/dev/null
            t1=$(date +%s%N)
            times+=("$(((t1 - t0) / 1000))")
        done
        printf '%s\n' "${times[@]}" | sort -n | awk '
            { t[NR] = $1 / 1e6 }
            END { m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
                  print m, t[1], "nan", "nan" }' >"$out/$name.time"
    fi
}

# peak_rss CMD...: the maximum resident set size of CMD, in KiB.
peak_rss() {
    /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ { print $2 }'
}

# median of the numbers in a file, one a line
median() { sort -n "$1" | awk '{ t[NR] = $1 } END { if (NR == 0) print "nan"; else print NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2 }'; }

# fmt_s SECONDS: "12.3 ms" / "1.23 s"
fmt_s() { awk -v t="$1" 'BEGIN { if (t == "nan") print "—"; else if (t < 1) printf "%.3g ms\n", t * 1000; else printf "%.3g s\n", t }'; }
fmt_mib() { awk -v k="$1" 'BEGIN { printf "%.0f MiB\n", k / 1024 }'; }
fmt_n() { awk -v n="$1" 'BEGIN { if (n >= 1e6) printf "%gM\n", n / 1e6; else if (n >= 1e3) printf "%gk\n", n / 1e3; else print n }'; }

# --- runs -------------------------------------------------------------------
load() { cut -d' ' -f1-3 /proc/loadavg; }
load_before=$(load)
rows=()
status=0
declare -A scn_med scn_rss sq_med
for n in $sizes; do
    say "$n samples"
    sq_runs=${SQUIGGLE_RUNS:-$((n >= 1000000 ? 3 : 5))}
    sq=(node $node_flags "$here/run.js" "$n" --seed "$seed")

    # 1. both once, with their results, which must agree
    "$scn" run bench/squiggle/model.scn --samples "$n" --seed "$seed" --format json >"$out/scn_$n.json"
    sq_ok=1
    if ! /usr/bin/time -v -o "$out/squiggle_$n.rss" timeout "$sq_timeout" "${sq[@]}" --json \
        >"$out/squiggle_$n.json" 2>"$out/squiggle_$n.err"; then
        sq_ok=0
        reason=$(grep -m1 -oE 'heap out of memory|Killed' "$out/squiggle_$n.err" || true)
        grep -q 'Command exited with non-zero status 124' "$out/squiggle_$n.rss" && reason="over ${sq_timeout} s"
        reason=${reason:-"failed, see target/bench/squiggle/squiggle_$n.err"}
        say "Squiggle failed at $n samples: $reason"
    fi
    if [[ $sq_ok == 1 ]]; then
        node "$here/check.js" "$out/scn_$n.json" "$out/squiggle_$n.json" >&2 || status=1
    fi

    # 2. time: scn, then Squiggle (whole process, and eval inside run.js)
    time_cmd "scn_$n" "$runs" "$scn" run bench/squiggle/model.scn --samples "$n" --seed "$seed"
    read -r s_med s_min s_user s_sys <"$out/scn_$n.time"
    if [[ $sq_ok == 1 ]]; then
        rm -f "$out/squiggle_eval_$n.txt"
        SQUIGGLE_EVAL_LOG="$out/squiggle_eval_$n.txt" time_cmd "squiggle_$n" "$sq_runs" "${sq[@]}" --quiet
        read -r q_med q_min _ _ <"$out/squiggle_$n.time"
        q_eval=$(awk -v ms="$(median "$out/squiggle_eval_$n.txt")" 'BEGIN { print ms / 1000 }')
        q_rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$out/squiggle_$n.rss")
    fi

    # 3. peak memory of scn (the largest of three runs)
    s_rss=0
    for _ in 1 2 3; do
        r=$(peak_rss "$scn" run bench/squiggle/model.scn --samples "$n" --seed "$seed")
        ((r > s_rss)) && s_rss=$r
    done

    scn_med[$n]=$s_med
    scn_rss[$n]=$s_rss
    s_cpu=$(awk -v u="$s_user" -v s="$s_sys" 'BEGIN { if (u == "nan") print "nan"; else print u + s }')
    if [[ $sq_ok == 1 ]]; then
        sq_med[$n]=$q_med
        up=$(awk -v a="$q_med" -v b="$s_med" 'BEGIN { printf "%.0f×\n", a / b }')
        up_eval=$(awk -v a="$q_eval" -v b="$s_med" 'BEGIN { printf "%.0f×\n", a / b }')
        rows+=("| $(fmt_n "$n") | $(fmt_s "$q_med") | $(fmt_s "$s_med") | **$up** | $(fmt_mib "$s_rss") | $(fmt_s "$q_eval") | $up_eval | $(fmt_mib "$q_rss") | $(fmt_s "$s_min") | $(fmt_s "$s_cpu") |")
    else
        rows+=("| $(fmt_n "$n") | $reason | $(fmt_s "$s_med") | — | $(fmt_mib "$s_rss") | — | — | — | $(fmt_s "$s_min") | $(fmt_s "$s_cpu") |")
    fi
done

# --- report -----------------------------------------------------------------
echo
echo "| samples | Squiggle time | scn time | speed-up | scn peak RSS | Squiggle eval (in-process) | speed-up vs eval | Squiggle peak RSS | scn fastest run | scn CPU (user+sys) |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
echo "Times are medians of whole processes ($runs runs of scn; ${SQUIGGLE_RUNS:-5 (3 at 1M)} of Squiggle), seed $seed;"
echo "$(nproc) cores ($(lscpu | awk -F': *' '/Model name/ { print $2; exit }')), load average $load_before before and $(load) after."
echo "Speed-up: Squiggle's whole process over scn's; against Squiggle's in-process evaluation alone in the 7th column."
echo

# --- targets (issue 6) ------------------------------------------------------
target() {
    local ok=$1 what=$2
    if [[ $ok == 1 ]]; then echo "- [x] $what"; else echo "- [ ] $what (MISSED)"; status=1; fi
}
if [[ -n ${scn_med[100000]:-} && -n ${sq_med[100000]:-} ]]; then
    r=$(awk -v a="${sq_med[100000]}" -v b="${scn_med[100000]}" 'BEGIN { printf "%.0f", a / b }')
    target "$(awk -v r="$r" 'BEGIN { print (r >= 50) }')" "scn at least 50× faster than Squiggle at 100k samples: ${r}×"
fi
if [[ -n ${scn_med[1000000]:-} ]]; then
    target "$(awk -v t="${scn_med[1000000]}" 'BEGIN { print (t < 1) }')" \
        "scn under 1 s at 1M samples: $(fmt_s "${scn_med[1000000]}")"
    target "$(awk -v k="${scn_rss[1000000]}" 'BEGIN { print (k < 1048576) }')" \
        "scn under 1 GiB at 1M samples: $(fmt_mib "${scn_rss[1000000]}")"
fi
exit $status
