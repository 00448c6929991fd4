#!/usr/bin/env bash
# Proof generation and verification in a 10-million-entry log (audit/core), one JMH run.
# Writes the JMH JSON to bench/results/audit.json.
#
# Usage: bench/audit/measure.sh [JMH options]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
"$ROOT/bench/jmh/run.sh" "AuditProofs" "$@" -rf json -rff "$ROOT/bench/results/audit.json"
