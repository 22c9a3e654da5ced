#!/usr/bin/env bash
# LSTM benchmarks (docs/benchmarks.md, section LSTM):
#  1. training time, backtest quality and per-unit forecast cost on a generated FUNCTIONS x DAYS trace,
#     trained on every day but the last (LstmBenchmark main in forewarm-predict-lstm's test sources);
#  2. the simulator (`./forewarm simulate`, which ships the lstm policy): lstm beside hybrid, fixed:10 and
#     oracle on that trace scored on its last day, and on the bundled Azure excerpt with --score-from 720.
# Usage: forewarm-bench/scripts/lstm-bench.sh [FUNCTIONS] [DAYS]   (defaults 1000, 14)
set -euo pipefail
cd "$(dirname "$0")/../.."
functions="${1:-1000}"; days="${2:-14}"
./forewarm --version >/dev/null   # builds the CLI on first use, outside the timings
gen="/tmp/forewarm-gen-${functions}x${days}-seed3"
if [ ! -f "$gen/invocations.csv" ]; then
  ./forewarm trace generate --functions "$functions" --days "$days" --seed 3 --out "$gen"
fi
last_day=$(( (days - 1) * 1440 ))

echo "== 1. training, backtest and forecast cost on $gen (train before minute $last_day)"
JAVA_OPTS="-Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 -Dai.djl.offline=true" \
    forewarm-bench/scripts/test-main.sh forewarm-predict-lstm io.forewarm.predict.lstm.LstmBenchmark \
    "$gen" "$last_day" lstm lstm:minute

echo "== 2a. simulator, $gen, scored on the last day"
/usr/bin/time -f "wall %e s, max RSS %M KB" ./forewarm simulate --trace "$gen" \
    --policy lstm --policy hybrid --policy fixed:10 --policy oracle --score-from "$last_day" --quiet

echo "== 2b. simulator, traces/azure2019/sample500_8h, --score-from 720"
/usr/bin/time -f "wall %e s, max RSS %M KB" ./forewarm simulate \
    --trace traces/azure2019/sample500_8h --policy lstm --policy hybrid --policy fixed:10 --policy oracle \
    --score-from 720 --quiet
