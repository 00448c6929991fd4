#!/usr/bin/env bash
# Every robust aggregator against every model-poisoning attack on Synthetic(1,1) (or Synthetic
# IID), at 10% and 20% malicious clients, in the in-process simulation. Prints the Markdown tables
# that bench/results/robustness.md records.
#
# Usage: bench/robustness/measure.sh [CLIENTS] [ROUNDS] [SEED] [iid]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BENCH_MAIN=io.truststram.bench.RobustnessTable exec "$ROOT/bench/jmh/run.sh" \
  "${1:-30}" "${2:-20}" "${3:-1}" "${4:-noniid}"
