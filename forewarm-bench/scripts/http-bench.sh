#!/usr/bin/env bash
# HTTP warm-invocation benchmark: the echo worker through the Forewarm API against a minimal Helidon echo
# server (the ceiling), same run, same load generator. Usage: http-bench.sh [CONNECTIONS] [WARMUP_S] [MEASURE_S]
set -euo pipefail
JAVA_OPTS="-Xmx2g ${JAVA_OPTS:-}" exec "$(dirname "$0")/test-main.sh" forewarm-bench io.forewarm.bench.HttpBench \
    "${1:-32}" "${2:-10}" "${3:-20}"
