#!/bin/sh
# Runs a benchmark main that lives in a module's test (or main) sources, on this checkout's classes:
#   [JAVA_OPTS=...] forewarm-bench/scripts/test-main.sh MODULE CLASS [ARGS...]
# e.g. forewarm-bench/scripts/test-main.sh forewarm-engine io.forewarm.engine.EngineBench 5000 20
set -eu
module="$1"; main="$2"; shift 2
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -B -q test-compile -pl "$module" -am
./mvnw -B -q dependency:build-classpath -pl "$module" -Dmdep.includeScope=test \
    -Dmdep.outputFile="$PWD/$module/target/bench.classpath"
# Use this checkout's modules, not whatever snapshot the local repository holds.
cp=$(sed -E 's#[^:]*/io/forewarm/(forewarm-[a-z-]+)/[^:]*\.jar#'"$PWD"'/\1/target/classes#g' \
    "$module/target/bench.classpath")
cd "$module"
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED ${JAVA_OPTS:-} -cp "target/test-classes:target/classes:$cp" \
    "$main" "$@"
