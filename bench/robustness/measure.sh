#!/usr/bin/env bash
# Every robust configuration against every attack, at 10% and 20% malicious clients, in the
# in-process simulation. Prints the Markdown tables that bench/results/robustness.md records.
#
# Usage:
#   bench/robustness/measure.sh synthetic [CLIENTS] [ROUNDS] [SEED]
#   bench/robustness/measure.sh synthetic-iid [CLIENTS] [ROUNDS] [SEED]
#   bench/robustness/measure.sh adult [COLUMN] [ROUNDS] [SEED] [ADULT_DIRECTORY]
# Adult's directory defaults to ../shared/datasets/adult beside the project, then data/datasets/adult
# (truststram datasets fetch adult).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
KIND=${1:-synthetic}
if [ "$KIND" = adult ]; then
  # shellcheck source=../adult-directory.sh
  . "$ROOT/bench/adult-directory.sh" "${5:-}"
  BENCH_MAIN=io.truststram.bench.RobustnessTable exec "$ROOT/bench/jmh/run.sh" \
    adult "${2:-occupation}" "${3:-20}" "${4:-1}" "$ADULT_DIR"
fi
BENCH_MAIN=io.truststram.bench.RobustnessTable exec "$ROOT/bench/jmh/run.sh" \
  "$KIND" "${2:-30}" "${3:-20}" "${4:-1}"
