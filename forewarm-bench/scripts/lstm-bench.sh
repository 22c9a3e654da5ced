#!/usr/bin/env bash
# LSTM benchmarks (docs/benchmarks.md, section LSTM):
#  1. training time, backtest quality and per-unit forecast cost on a generated FUNCTIONS x DAYS trace,
#     trained on every day but the last (LstmBenchmark main in forewarm-predict-lstm's test sources);
#  2. the simulator (the forewarm CLI with the lstm module on the class path, found by ServiceLoader):
#     lstm beside hybrid, fixed:10 and oracle on that trace scored on its last day, and on the bundled
#     Azure excerpt with --score-from 720.
# Usage: forewarm-bench/scripts/lstm-bench.sh [FUNCTIONS] [DAYS]   (defaults 1000, 14)
set -euo pipefail
cd "$(dirname "$0")/../.."
functions="${1:-1000}"; days="${2:-14}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java="$JAVA_HOME/bin/java"

./mvnw -q -B -o package -DskipTests -pl forewarm-cli,forewarm-predict-lstm -am
./mvnw -q -B -o test-compile -pl forewarm-predict-lstm -am
./mvnw -q -B -o dependency:build-classpath -pl forewarm-predict-lstm -Dmdep.includeScope=runtime \
    -Dmdep.outputFile=/tmp/forewarm-lstm-runtime.cp >/dev/null
./mvnw -q -B -o dependency:build-classpath -pl forewarm-predict-lstm \
    -Dmdep.outputFile=/tmp/forewarm-lstm-test.cp >/dev/null
# This worktree's own classes first: the io.forewarm jars in ~/.m2 may be another build's.
own=""
for m in forewarm-core forewarm-predict forewarm-sim forewarm-predict-lstm; do own="$own:$m/target/classes"; done
deps() { tr ':' '\n' <"$1" | grep -v '/io/forewarm/' | paste -sd: -; }
# The shaded CLI jar may have been built from those stale jars, so the worktree's classes go before it.
cli_cp="${own#:}:forewarm-cli/target/forewarm.jar:$(deps /tmp/forewarm-lstm-runtime.cp)"
bench_cp="forewarm-predict-lstm/target/test-classes${own}:$(deps /tmp/forewarm-lstm-test.cp)"

gen="/tmp/forewarm-gen-${functions}x${days}-seed3"
if [ ! -f "$gen/invocations.csv" ]; then
  ./forewarm trace generate --functions "$functions" --days "$days" --seed 3 --out "$gen"
fi
last_day=$(( (days - 1) * 1440 ))

echo "== 1. training, backtest and forecast cost on $gen (train before minute $last_day)"
"$java" -cp "$bench_cp" io.forewarm.predict.lstm.LstmBenchmark "$gen" "$last_day" lstm lstm:minute

echo "== 2a. simulator, $gen, scored on the last day"
/usr/bin/time -f "wall %e s, max RSS %M KB" "$java" -cp "$cli_cp" io.forewarm.cli.Main simulate --trace "$gen" \
    --policy lstm --policy hybrid --policy fixed:10 --policy oracle --score-from "$last_day" --quiet

echo "== 2b. simulator, traces/azure2019/sample500_8h, --score-from 720"
/usr/bin/time -f "wall %e s, max RSS %M KB" "$java" -cp "$cli_cp" io.forewarm.cli.Main simulate \
    --trace traces/azure2019/sample500_8h --policy lstm --policy hybrid --policy fixed:10 --policy oracle \
    --score-from 720 --quiet
