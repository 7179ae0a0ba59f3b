#!/usr/bin/env bash
# Whole-process timing of `scn run`: start-up, parse, check, evaluate, print.
#
#   bench/whole_process.sh            # from anywhere inside the repository
#
# Builds the release binary, generates the models (with the generators of
# benches/model.rs and benches/allocation.rs, so they are the very models the
# criterion benchmarks measure) and times `scn run` on each:
#
#   bench/example.scn          the complete example of LANGUAGE.md   target < 5 ms
#   target/bench/model_10k.scn 10,000 `let`s over 2000..2049         target < 100 ms
#   target/bench/model_20k.scn 20,000 `let`s (scaling)               no target
#   target/bench/alloc_50.scn  1,000 providers × 1,000 demands, each
#                              allocated over 50 providers            no target
#
# Uses hyperfine when it is installed (`apt-get install -y hyperfine`), else
# a bash loop timed with `date +%s%N`. Environment: RUNS (default 30) is the
# number of timed runs per model for the fallback loop, and the minimum for
# hyperfine; SCN_LANGUAGE_MD points at LANGUAGE.md to refresh the example.
# Exits 1 when a target is missed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
out="$root/target/bench"
mkdir -p "$out"
runs=${RUNS:-30}
scn="$root/target/release/scn"

echo "== building (release)" >&2
cargo build --release --quiet

# The small example: the complete example of LANGUAGE.md, refreshed from it
# when it is at hand, else the copy saved in bench/.
lang=${SCN_LANGUAGE_MD:-$root/../shared/LANGUAGE.md}
if [[ -f $lang ]]; then
    awk '/^```scn$/ { f = 1; next } /^```$/ { f = 0 } f' "$lang" >"$out/example.scn"
    if [[ -s $out/example.scn ]] && ! cmp -s "$out/example.scn" bench/example.scn; then
        cp "$out/example.scn" bench/example.scn
        echo "== bench/example.scn refreshed from $lang" >&2
    fi
fi

echo "== generating models" >&2
SCN_BENCH_EMIT="$out/model_10k.scn" SCN_BENCH_SIZE=10000 cargo bench --quiet --bench model
SCN_BENCH_EMIT="$out/model_20k.scn" SCN_BENCH_SIZE=20000 cargo bench --quiet --bench model
SCN_BENCH_EMIT="$out/alloc_50.scn" SCN_BENCH_LIST=50 cargo bench --quiet --bench allocation

# name, file, target in ms (0 = none)
cases=(
    "example bench/example.scn 5"
    "model_10k $out/model_10k.scn 100"
    "model_20k $out/model_20k.scn 0"
    "alloc_50 $out/alloc_50.scn 0"
)

# Every run must succeed before it is timed.
for c in "${cases[@]}"; do
    read -r _ file _ <<<"$c"
    "$scn" run "$file" >/dev/null
done

declare -A mean_ms min_ms cpu_ms
if command -v hyperfine >/dev/null; then
    echo "== timing with $(hyperfine --version)" >&2
    args=()
    for c in "${cases[@]}"; do
        read -r name file _ <<<"$c"
        args+=(--command-name "$name" "$scn run $file")
    done
    hyperfine -N --warmup 3 --min-runs "$runs" --output=null \
        --export-json "$out/whole_process.json" \
        --export-markdown "$out/whole_process.md" "${args[@]}"
    for c in "${cases[@]}"; do
        read -r name _ _ <<<"$c"
        mean_ms[$name]=$(jq -r --arg n "$name" \
            '.results[] | select(.command == $n) | .mean * 1000' "$out/whole_process.json")
        min_ms[$name]=$(jq -r --arg n "$name" \
            '.results[] | select(.command == $n) | .min * 1000' "$out/whole_process.json")
        cpu_ms[$name]=$(jq -r --arg n "$name" \
            '.results[] | select(.command == $n) | (.user + .system) * 1000' \
            "$out/whole_process.json")
    done
else
    echo "== hyperfine not found: timing $runs runs with date +%s%N" >&2
    for c in "${cases[@]}"; do
        read -r name file _ <<<"$c"
        for _ in 1 2 3; do "$scn" run "$file" >/dev/null; done
        total=0
        min=
        for ((i = 0; i < runs; i++)); do
            t0=$(date +%s%N)
            "$scn" run "$file" >/dev/null
            t1=$(date +%s%N)
            dt=$((t1 - t0))
            total=$((total + dt))
            if [[ -z $min || $dt -lt $min ]]; then min=$dt; fi
        done
        mean_ms[$name]=$(awk -v t="$total" -v n="$runs" 'BEGIN { print t / n / 1e6 }')
        min_ms[$name]=$(awk -v t="$min" 'BEGIN { print t / 1e6 }')
        cpu_ms[$name]=nan
    done
fi

echo
# Wall-clock mean decides; user+sys CPU time is shown because on a busy
# machine it is less disturbed by other processes than wall-clock time.
printf '%-10s %9s %9s %9s %9s  %s\n' model "mean ms" "min ms" "cpu ms" target result
missed=0
for c in "${cases[@]}"; do
    read -r name file target <<<"$c"
    mean=${mean_ms[$name]}
    if [[ $target == 0 ]]; then
        verdict="-"
        shown="-"
    else
        shown="< $target"
        if awk -v m="$mean" -v t="$target" 'BEGIN { exit !(m < t) }'; then
            verdict="met"
        else
            verdict=$(awk -v m="$mean" -v t="$target" \
                'BEGIN { printf "MISSED by %.1f ms (%.1fx the target)", m - t, m / t }')
            missed=1
        fi
    fi
    printf '%-10s %9.1f %9.1f %9.1f %9s  %s\n' "$name" "$mean" "${min_ms[$name]}" \
        "${cpu_ms[$name]}" "$shown" "$verdict"
done
exit "$missed"
