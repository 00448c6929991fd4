#!/usr/bin/env bash
# The privacy accountant's speed (federation/core), one JMH run.
# Writes the JMH JSON to bench/results/privacy.json.
#
# Usage: bench/privacy/measure.sh [JMH options]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
"$ROOT/bench/jmh/run.sh" "PrivacyAccounting" "$@" -rf json -rff "$ROOT/bench/results/privacy.json"
