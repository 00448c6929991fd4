#!/usr/bin/env bash
# Trust-weighted federated learning against the same robust aggregator without trust, with 20% and
# 40% attackers (bench/results/trust.md): per-round accuracy and mean trust, as Markdown tables.
# Usage: bench/trust/curves.sh [CLIENTS] [ROUNDS] [ATTACK] [SEED] [iid|non-iid] [ROBUST] [exclude|score] [NAME=VALUE...]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BENCH_MAIN=io.truststram.bench.TrustCurves exec "$ROOT/bench/jmh/run.sh" \
  "${1:-30}" "${2:-30}" "${3:-scaling}" "${4:-1}" "${5:-iid}" "${6:-detect(fedavg)}" "${7:-exclude}" \
  "${@:8}"
