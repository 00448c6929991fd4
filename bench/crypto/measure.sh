#!/usr/bin/env bash
# Every crypto algorithm and operation, JDK and Bouncy Castle side by side, in one JMH run.
# Writes the JMH JSON to bench/results/crypto.json and prints a Markdown table with each
# operation's cycles (ops/s against the CPU's clock) and, where a published optimised-C figure
# exists, the ratio to it.
#
# Usage: bench/crypto/measure.sh [JMH options, e.g. -f 1 -wi 2 -i 3]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
"$ROOT/bench/jmh/run.sh" "CryptoPrimitives" "$@" -rf json -rff "$ROOT/bench/results/crypto.json"
/usr/bin/python3 "$ROOT/bench/crypto/table.py" "$ROOT/bench/results/crypto.json"
