#!/usr/bin/env bash
# The coordinator over real HTTP on loopback: NODES client nodes (the Java SDK's node loop, all in
# one load-generator JVM, started at NODES_PER_SECOND) in one federation, PER_ROUND of them per
# round, ROUNDS rounds, a model of PARAMETERS float32 parameters. The server is the packaged jar on
# PostgreSQL, in its own JVM with a fixed heap, so that its resident memory shows whether it grows
# with the clients. Prints one JSON object (bench/jmh CoordinatorScale) and keeps it in
# bench/results/federation/.
#
# Usage: bench/federation/scale.sh NODES PER_ROUND ROUNDS [PARAMETERS] [SERVER_HEAP] [NODES_PER_SECOND]
set -euo pipefail
source "$(dirname "$0")/server.sh"
NODES=${1:?nodes}
PER_ROUND=${2:?per round}
ROUNDS=${3:?rounds}
PARAMETERS=${4:-100000}
HEAP=${5:-1g}
RATE=${6:-500}
start_bench_server "$HEAP"
mkdir -p "$ROOT/bench/results/federation"
"$JAVA" -XX:+UseParallelGC -Xmx6g -cp "$BENCH_CP" io.truststram.bench.CoordinatorScale \
  "http://127.0.0.1:$PORT" "$CLIENT" "$SECRET" "$SERVER_PID" \
  "$NODES" "$PER_ROUND" "$ROUNDS" "$PARAMETERS" "$RATE" \
  | tee "$ROOT/bench/results/federation/scale-$NODES-$PER_ROUND-$HEAP.json"
server_errors
