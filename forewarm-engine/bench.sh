#!/bin/sh
# Runs the engine benchmark (EngineBench) on this host's sandbox backend, from the repository root:
#   forewarm-engine/bench.sh [warmCalls] [coldStarts]
set -eu
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -B -o -q test-compile -pl forewarm-engine -am
./mvnw -B -o -q dependency:build-classpath -pl forewarm-engine -Dmdep.includeScope=test \
    -Dmdep.outputFile="$PWD/forewarm-engine/target/bench.classpath"
# Use this checkout's modules, not whatever snapshot the local repository holds.
cp=$(sed -E 's#[^:]*/io/forewarm/(forewarm-[a-z-]+)/[^:]*\.jar#'"$PWD"'/\1/target/classes#g' \
    forewarm-engine/target/bench.classpath)
cd forewarm-engine
exec "$JAVA_HOME/bin/java" -cp "target/test-classes:target/classes:$cp" io.forewarm.engine.EngineBench "$@"
