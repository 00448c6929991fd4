#!/usr/bin/env bash
# Aggregation kernel throughput against memory bandwidth (STREAM-style copy and triad), one JMH run.
# Writes the JMH JSON to bench/results/kernels.json and prints GB/s and ratios.
#
# Usage: bench/kernels/measure.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
"$ROOT/bench/jmh/run.sh" "AggregationBandwidth" -rf json -rff "$ROOT/bench/results/kernels.json"
/usr/bin/python3 - "$ROOT/bench/results/kernels.json" <<'PY'
import json, sys
results = {r["benchmark"].rsplit(".", 1)[1]: r for r in json.load(open(sys.argv[1]))}
def rate(name, bytes_per_op):
    r = results[name]
    ops = r["primaryMetric"]["score"]
    err = r["primaryMetric"]["scoreError"]
    p = r["params"]
    n = int(p["parameters"]) * int(p["updates"])
    return ops * bytes_per_op(n) / 1e9, err * bytes_per_op(n) / 1e9
copy, copy_err = rate("streamCopy", lambda n: 8 * n)
triad, triad_err = rate("streamTriad", lambda n: 12 * n)
for name in ("foldInDouble", "foldInDoubleVectorApi", "foldWaitingInDouble", "foldInFloat"):
    fold, fold_err = rate(name, lambda n: 4 * n)
    print(f"{name}: {fold:.2f} ± {fold_err:.2f} GB/s of updates folded; "
          f"{fold / copy:.2f} of copy ({copy:.2f} ± {copy_err:.2f} GB/s), "
          f"{fold / triad:.2f} of triad ({triad:.2f} ± {triad_err:.2f} GB/s)")
PY
/usr/bin/python3 - "$ROOT/bench/results/kernels.json" <<'PY'
import json, sys
results = {r["benchmark"].rsplit(".", 1)[1]: r for r in json.load(open(sys.argv[1]))}
def rate(name, bytes_per_element):
    r = results[name]
    p = r["params"]
    n = int(p["parameters"]) * int(p["updates"])
    return (r["primaryMetric"]["score"] * bytes_per_element * n / 1e9,
            r["primaryMetric"]["scoreError"] * bytes_per_element * n / 1e9)
for fold_name, copy_name in (("shardedFoldInDouble", "shardedStreamCopy"),
                             ("serialFoldInDoubleLarge", "streamCopyLarge")):
    fold, fold_err = rate(fold_name, 4)
    copy, copy_err = rate(copy_name, 8)
    print(f"{fold_name}: {fold:.2f} ± {fold_err:.2f} GB/s of updates folded; "
          f"{fold / copy:.2f} of {copy_name} ({copy:.2f} ± {copy_err:.2f} GB/s)")
PY
