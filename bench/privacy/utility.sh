#!/usr/bin/env bash
# Privacy-utility curves on Adult: accuracy against epsilon for DP-FedAvg (fixed and adaptive
# clipping) and for local DP. Prints the Markdown that bench/results/privacy.md records.
#
# Usage: bench/privacy/utility.sh [CLIENTS] [FRACTION] [ROUNDS] [SEED] [ADULT_DIRECTORY]
# Adult's directory defaults to ../shared/datasets/adult beside the project, then data/datasets/adult
# (truststram datasets fetch adult).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../adult-directory.sh
. "$ROOT/bench/adult-directory.sh" "${5:-}"
BENCH_MAIN=io.truststram.bench.PrivacyUtilityCurve exec "$ROOT/bench/jmh/run.sh" \
  "$ADULT_DIR" "${1:-1000}" "${2:-0.1}" "${3:-50}" "${4:-1}"
