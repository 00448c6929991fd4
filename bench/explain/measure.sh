#!/usr/bin/env bash
# Measures the explanations' speed (bench/results/explain.md): path-dependent TreeSHAP against
# XGBoost's native predictContrib on the same model and rows, and Kernel SHAP at M = 20 with a
# 100-row background. One JSON line per measurement.
# Usage: bench/explain/measure.sh [ADULT.data] [OUT.jsonl]   (a few minutes on 2 cores)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ADULT="${1:-$ROOT/../shared/datasets/adult/adult.data}"
OUT="${2:-/dev/stdout}"
[ "$OUT" = /dev/stdout ] || : > "$OUT"
for shape in "100 4" "200 6" "500 8"; do
  # shellcheck disable=SC2086
  BENCH_MAIN=io.truststram.bench.ExplainSpeed "$ROOT/bench/jmh/run.sh" "$ADULT" $shape 10000 \
    2>/dev/null | grep '^{' >> "$OUT"
done
