#!/usr/bin/env bash
# A model of PARAMETERS float32 parameters (default 250 million: 1 GB) through one round: the node
# downloads it, then uploads its update through the resumable protocol in CHUNK_MB chunks with the
# connection broken once mid-chunk. Server on PostgreSQL with a 10 GB G1 heap (the coordinator
# holds about five model-sized arrays: the global model, its double-precision aggregate, the update
# being checked and the next model). Prints one JSON object and keeps it in
# bench/results/federation/.
#
# Usage: bench/federation/large-upload.sh [PARAMETERS] [CHUNK_MB] [SERVER_HEAP]
set -euo pipefail
# G1: large arrays may live anywhere in its heap, not only in ParallelGC's old generation.
export BENCH_SERVER_GC=-XX:+UseG1GC
source "$(dirname "$0")/server.sh"
PARAMETERS=${1:-250000000}
CHUNK_MB=${2:-64}
HEAP=${3:-10g}
start_bench_server "$HEAP"
mkdir -p "$ROOT/bench/results/federation"
"$JAVA" -Xmx1g -cp "$BENCH_CP" io.truststram.bench.LargeModelUpload "http://127.0.0.1:$PORT" \
  "$CLIENT" "$SECRET" "$SERVER_PID" "$PARAMETERS" "$CHUNK_MB" "$WORK" \
  | tee "$ROOT/bench/results/federation/large-upload-$PARAMETERS.json"
server_errors
