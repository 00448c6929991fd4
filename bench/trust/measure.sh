#!/usr/bin/env bash
# Trust scoring's speed (bench/results/trust.md): EigenTrust on a graph of 1 million entities and
# 10 million ratings (time per iteration against this machine's memory bandwidth, iterations, an
# update after 1,000 new ratings), and PageRank against networkx's on 100,000 ratings, same scores.
# Usage: bench/trust/measure.sh [OUT.jsonl]   (a few minutes on 2 cores)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${1:-/dev/stdout}"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
[ "$OUT" = /dev/stdout ] || : > "$OUT"
export JAVA_TOOL_OPTIONS="-Xmx6g"
BENCH_MAIN=io.truststram.bench.TrustSpeed "$ROOT/bench/jmh/run.sh" eigen 1000000 10000000 \
  2>/dev/null | grep '^{' >> "$OUT"
BENCH_MAIN=io.truststram.bench.TrustSpeed "$ROOT/bench/jmh/run.sh" write 20000 100000 \
  "$WORK/edges.csv" 2>/dev/null
BENCH_MAIN=io.truststram.bench.TrustSpeed "$ROOT/bench/jmh/run.sh" pagerank "$WORK/edges.csv" \
  "$WORK/java.csv" 2>/dev/null | grep '^{' >> "$OUT"
python3 "$ROOT/bench/trust/networkx_pagerank.py" "$WORK/edges.csv" "$WORK/java.csv" >> "$OUT"
