#!/usr/bin/env bash
# The explanation service through its REST API, on the packaged server and PostgreSQL
# (bench/results/explain.md): TreeSHAP on 100 rows computed and from the cache, LIME on 20 rows,
# and compliance reports, milliseconds per request (medians). One JSON line.
# Usage: bench/explain/service.sh [REPEATS] [OUT.jsonl]
set -euo pipefail
source "$(dirname "$0")/../federation/server.sh"
REPEATS=${1:-10}
OUT=${2:-/dev/stdout}
start_bench_server 2g
"$JAVA" -cp "$BENCH_CP" io.truststram.bench.ExplainService \
  "http://127.0.0.1:$PORT" "$CLIENT" "$SECRET" "$ROOT/examples/explain" "$REPEATS" \
  | grep '^{' >> "$OUT"
server_errors >&2
