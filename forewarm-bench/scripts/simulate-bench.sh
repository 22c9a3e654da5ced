#!/usr/bin/env bash
# Simulator benchmarks (docs/benchmarks.md): whole-command wall time, including JVM start, of
#  1. all five policies on the bundled Azure excerpt in the paper model (median of RUNS runs), and
#  2. hybrid on a generated FUNCTIONS x DAYS trace in the paper model, with peak resident memory.
# Usage: forewarm-bench/scripts/simulate-bench.sh [RUNS] [FUNCTIONS] [DAYS]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-5}"; functions="${2:-50000}"; days="${3:-14}"
fw=./forewarm
$fw --version >/dev/null   # builds on first use, outside the timings

now_ms() { date +%s%3N; }
echo "== 1. five policies, paper model, traces/azure2019/sample500_8h ($runs runs)"
times=()
for _ in $(seq "$runs"); do
  t0=$(now_ms)
  $fw simulate --trace traces/azure2019/sample500_8h --policy none --policy fixed:10 --policy hybrid \
      --policy greedy-dual --policy oracle --output json --quiet >/tmp/forewarm-bench-sample.json
  times+=($(( $(now_ms) - t0 )))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "wall ms per run: ${times[*]}; median ${sorted[$(( runs / 2 ))]}"
cat /tmp/forewarm-bench-sample.json

gen="/tmp/forewarm-gen-${functions}x${days}"
echo "== 2. hybrid, paper model, generated ${functions} functions x ${days} days ($gen)"
if [ ! -f "$gen/invocations.csv" ]; then
  t0=$(now_ms)
  $fw trace generate --functions "$functions" --days "$days" --seed 1 --out "$gen"
  echo "generated in $(( $(now_ms) - t0 )) ms; $(du -sh "$gen" | cut -f1)"
fi
/usr/bin/time -f "wall %e s, max RSS %M KB" $fw simulate --trace "$gen" --policy hybrid --output json --quiet
