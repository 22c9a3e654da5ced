#!/usr/bin/env bash
# HTTP warm-invocation benchmark: the echo worker through the Forewarm API against a minimal Helidon echo
# server (the ceiling), same run, same load generator. Usage: http-bench.sh [CONNECTIONS] [WARMUP_S] [MEASURE_S]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -q -B -DskipTests install -pl forewarm-bench -am >&2
./mvnw -q -B dependency:build-classpath -pl forewarm-bench -Dmdep.outputFile=target/bench.cp >&2
# our own modules from this checkout, not from ~/.m2 (other checkouts install snapshots there too)
cp="$here/forewarm-bench/target/classes:$(sed -E "s#[^:]*/io/forewarm/(forewarm-[a-z-]+)/[^:]*#$here/\1/target/classes#g" forewarm-bench/target/bench.cp)"
exec "$JAVA_HOME/bin/java" -Xmx2g -cp "$cp" io.forewarm.bench.HttpBench "${1:-32}" "${2:-10}" "${3:-20}"
