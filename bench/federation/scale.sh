#!/usr/bin/env bash
# The coordinator over real HTTP on loopback: NODES client nodes (the Java SDK's node loop, all in
# one load-generator JVM) in one federation, PER_ROUND of them per round, ROUNDS rounds, a model of
# PARAMETERS float32 parameters. The server is the packaged jar on PostgreSQL, in its own JVM with
# a fixed heap, so that its resident memory shows whether it grows with the clients.
# Prints one JSON object (bench/jmh CoordinatorScale) and keeps it in bench/results/federation/.
#
# Usage: bench/federation/scale.sh NODES PER_ROUND ROUNDS [PARAMETERS] [SERVER_HEAP]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
NODES=${1:?nodes}
PER_ROUND=${2:?per round}
ROUNDS=${3:?rounds}
PARAMETERS=${4:-100000}
HEAP=${5:-1g}
SCHEMA=bench_scale_$$
WORK=$(mktemp -d)
PORT=18191
SERVER_PID=

cleanup() {
  [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null || true
  sleep 1
  psql -q -h 127.0.0.1 -U postgres -d test -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
ulimit -n 200000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

cd "$ROOT"
./mvnw -B -q -pl platform/server,bench/jmh -am install -DskipTests
./mvnw -B -q -pl bench/jmh dependency:build-classpath -Dmdep.outputFile="$WORK/classpath"
JAR="$ROOT/platform/server/target/truststram.jar"

psql -q -h 127.0.0.1 -U postgres -d test -c "CREATE SCHEMA $SCHEMA" >/dev/null
LIMITS=()
for i in 0 1 2; do
  key=(client tenant address)
  path=(/api/** /api/** /oauth2/token)
  LIMITS+=(--truststram.gateway.rate-limits[$i].name=bench-$i
    --truststram.gateway.rate-limits[$i].path=${path[$i]}
    --truststram.gateway.rate-limits[$i].key=${key[$i]}
    --truststram.gateway.rate-limits[$i].replenish-rate=10000000
    --truststram.gateway.rate-limits[$i].burst-capacity=10000000)
done
TRUSTSTRAM_DB_URL="jdbc:postgresql://127.0.0.1:5432/test?currentSchema=$SCHEMA" \
TRUSTSTRAM_DB_USER=postgres \
TRUSTSTRAM_DB_POOL_SIZE=20 \
TRUSTSTRAM_IDENTITY_BOOTSTRAPADMIN_PASSWORD=bench-one-time-password \
  "$JAVA" -XX:+UseParallelGC -Xms"$HEAP" -Xmx"$HEAP" -jar "$JAR" --server.port=$PORT \
    --truststram.data-dir="$WORK/data" --server.tomcat.max-connections=30000 \
    --server.tomcat.accept-count=2000 "${LIMITS[@]}" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 240); do
  curl -fs "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null 2>&1 && break
  sleep 0.5
done
read -r CLIENT SECRET < <(python3 "$ROOT/bench/gateway/signin.py" http://localhost:$PORT \
  bench-one-time-password 'bench chosen passphrase 1')

mkdir -p "$ROOT/bench/results/federation"
OUT="$ROOT/bench/results/federation/scale-$NODES-$PER_ROUND.json"
"$JAVA" -XX:+UseParallelGC -Xmx6g -Djdk.httpclient.connectionPoolSize=0 \
  -cp "$ROOT/bench/jmh/target/classes:$(cat "$WORK/classpath")" \
  io.truststram.bench.CoordinatorScale "http://127.0.0.1:$PORT" "$CLIENT" "$SECRET" "$SERVER_PID" \
  "$NODES" "$PER_ROUND" "$ROUNDS" "$PARAMETERS" | tee "$OUT"
grep -c " ERROR " "$WORK/server.log" | sed 's/^/server log ERROR lines: /'
