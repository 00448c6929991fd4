#!/usr/bin/env bash
# Builds bench/jmh (and what it depends on) and runs JMH with the given arguments:
#   bench/jmh/run.sh BENCHMARK-REGEX [JMH options...]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
cd "$ROOT"
./mvnw -B -q -pl bench/jmh -am install -DskipTests
./mvnw -B -q -pl bench/jmh dependency:build-classpath -Dmdep.outputFile=/tmp/truststram-jmh.classpath
CP="$ROOT/bench/jmh/target/classes:$(cat /tmp/truststram-jmh.classpath)"
# BENCH_MAIN runs another main class of bench/jmh (a load generator, a table) instead of JMH.
exec "$JAVA_HOME/bin/java" -cp "$CP" "${BENCH_MAIN:-org.openjdk.jmh.Main}" "$@"
