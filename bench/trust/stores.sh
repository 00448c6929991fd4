#!/usr/bin/env bash
# The trust stores' speed (bench/results/trust.md, "Stores"): load a graph (100,000 entities,
# 500,000 ratings, 50,000 evidence records by default), compute over it, look scores up with 1 and
# 8 threads, ask for the top 10, and update after 1,000 evidence records; on H2, on the real
# PostgreSQL (TRUSTSTRAM_TEST_PG_URL, default 127.0.0.1:5432/test) and on Neo4j in-process.
# Usage: bench/trust/stores.sh [OUT.jsonl] [ENTITIES] [EDGES] [EVIDENCE] [LOOKUPS]   (10-20 minutes)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$(realpath -m "${1:-$ROOT/bench/results/trust-stores.jsonl}")"
: > "$OUT"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
cd "$ROOT"
./mvnw -B -q -o install -pl trust/core,trust/service -am -DskipTests >/dev/null
./mvnw -B -o test -pl trust/service -Dtest=TrustStoreBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Dtruststram.bench=true -Dtruststram.bench.out="$OUT" \
  -Dtruststram.bench.entities="${2:-100000}" -Dtruststram.bench.edges="${3:-500000}" \
  -Dtruststram.bench.evidence="${4:-50000}" -Dtruststram.bench.lookups="${5:-20000}" \
  -DargLine="-Xmx8g" | grep -E "Tests run|FAIL" || true
cat "$OUT"
