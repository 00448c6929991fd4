#!/usr/bin/env bash
# FedProx's reference comparison on Synthetic(1,1), and FedAvg vs FedNova with heterogeneous local
# steps, in the in-process simulation. Writes bench/results/federation/reference.csv and the plot
# reference.png (Debian's python3-matplotlib).
#
# Usage: bench/federation/reference.sh [rounds, default 200] [seed, default 1]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
OUT=$ROOT/bench/results/federation
cd "$ROOT"
./mvnw -B -q -pl federation/core -am install -DskipTests
./mvnw -B -q -pl federation/core test-compile dependency:build-classpath -Dmdep.outputFile="$OUT.classpath"
CP="$ROOT/federation/core/target/test-classes:$ROOT/federation/core/target/classes:$(cat "$OUT.classpath")"
rm -f "$OUT.classpath"
mkdir -p "$OUT"
"$JAVA_HOME/bin/java" -Xmx2g -cp "$CP" io.truststram.federation.bench.ReferenceRuns \
  "$OUT/reference.csv" "${1:-200}" "${2:-1}"
/usr/bin/python3 "$ROOT/bench/federation/plot.py" "$OUT/reference.csv" "$OUT/reference.png"
