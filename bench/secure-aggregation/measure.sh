#!/usr/bin/env bash
# Measures one round of SecAgg+ and of Paillier aggregation at the sizes of
# bench/results/secure-aggregation.md, one JSON line per run (truststram secagg bench --json).
# Every run quantises to 2^12 + 1 levels with weights up to 100, so that a sum of 5,000 inputs
# fits the 32-bit ring.
# Usage: bench/secure-aggregation/measure.sh [OUT.jsonl]   (about 70 minutes on one core)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${1:-/dev/stdout}"
run() { "$ROOT/truststram" secagg bench --json --levels 4097 "$@" | tail -1 >> "$OUT"; }
[ "$OUT" = /dev/stdout ] || : > "$OUT"
for clients in 100 1000; do
  for dropout in 0 0.05 0.2; do
    run --clients "$clients" --parameters 100000 --dropout "$dropout"
  done
done
for dropout in 0 0.05 0.2; do
  run --clients 100 --parameters 1000000 --dropout "$dropout"
done
# The default threshold (2k/3) tolerates a third of a neighbourhood; a majority threshold more.
run --clients 100 --parameters 1000000 --dropout 0.2 --threshold 11
run --clients 1000 --parameters 100000 --dropout 0.2 --threshold 16
run --clients 5000 --parameters 100000
run --clients 100 --parameters 100000 --protocol secagg
for clients in 100 1000; do
  run --clients "$clients" --parameters 100000 --protocol paillier --sample 1
done
# The largest sizes (about 30 minutes together).
run --clients 1000 --parameters 1000000
run --clients 1000 --parameters 1000000 --dropout 0.05
run --clients 5000 --parameters 1000000
