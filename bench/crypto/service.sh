#!/usr/bin/env bash
# The key manager's service overhead: 1 KiB AES-256-GCM encryptions as the raw call, through REST
# one per request, and through REST in batches, against the packaged server on PostgreSQL.
# Writes bench/results/crypto/service-overhead.json.
#
# Usage: bench/crypto/service.sh [SECONDS] [CONCURRENCY] [BATCH]
set -euo pipefail
source "$(dirname "$0")/../federation/server.sh"
SECONDS_EACH=${1:-10}
CONCURRENCY=${2:-4}
BATCH=${3:-500}
start_bench_server 1g
mkdir -p "$ROOT/bench/results/crypto"
"$JAVA" -cp "$BENCH_CP" io.truststram.bench.KeyManagerOverhead \
  "http://127.0.0.1:$PORT" "$CLIENT" "$SECRET" "$SECONDS_EACH" "$CONCURRENCY" "$BATCH" \
  | tee "$ROOT/bench/results/crypto/service-overhead.json"
server_errors
