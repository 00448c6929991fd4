#!/usr/bin/env bash
# The audit service on PostgreSQL: durable appends per second through the REST API (in batches,
# and one entry per request with the server's group commit), and inclusion-proof latency in a log
# of PROOF_LOG_SIZE entries whose tree is in the database (built here with SQL: leaves, then every
# level of complete subtrees, hashed as RFC 9162 says).
# Writes bench/results/audit/service.json.
#
# Usage: bench/audit/service.sh [SECONDS] [CONCURRENCY] [BATCH] [PROOF_LOG_SIZE] [PROOFS]
set -euo pipefail
source "$(dirname "$0")/../federation/server.sh"
SECONDS_EACH=${1:-20}
CONCURRENCY=${2:-8}
BATCH=${3:-500}
PROOF_LOG_SIZE=${4:-10000000}
PROOFS=${5:-2000}
start_bench_server 2g
PROOF_TENANT=$(python3 -c 'import uuid; print(uuid.uuid4())')
mkdir -p "$ROOT/bench/results/audit"
psql -q -h 127.0.0.1 -U postgres -d test -c "CHECKPOINT"
"$JAVA" -cp "$BENCH_CP" io.truststram.bench.AuditAppends appends \
  "http://127.0.0.1:$PORT" "$CLIENT" "$SECRET" "$SECONDS_EACH" "$CONCURRENCY" "$BATCH" \
  | tee "$WORK/appends.json"

sql() { psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres -d test -c "SET search_path TO $SCHEMA; $1"; }

echo "building a log of $PROOF_LOG_SIZE entries in the database" >&2
started=$(date +%s)
sql "INSERT INTO audit_entry (tenant_id, idx, record_id, occurred_at, principal, action, resource,
       outcome, data, leaf_hash)
     SELECT '$PROOF_TENANT', i, md5(i::text)::uuid, now(), 'bench', 'bench.entry', 'r', 'success',
       '{\"i\":' || i || '}', sha256('\\x00'::bytea || convert_to('{\"i\":' || i || '}', 'UTF8'))
     FROM generate_series(0, $PROOF_LOG_SIZE - 1) AS i"
sql "CREATE UNLOGGED TABLE bench_level AS
     SELECT idx, leaf_hash AS hash FROM audit_entry WHERE tenant_id = '$PROOF_TENANT'"
level=1
while :; do
  count=$(psql -tA -h 127.0.0.1 -U postgres -d test -c "SELECT count(*) FROM $SCHEMA.bench_level")
  (( count >= 2 )) || break
  sql "CREATE UNLOGGED TABLE bench_next AS
       SELECT a.idx / 2 AS idx, sha256('\\x01'::bytea || a.hash || b.hash) AS hash
       FROM bench_level a JOIN bench_level b ON b.idx = a.idx + 1 WHERE a.idx % 2 = 0;
       INSERT INTO audit_node (tenant_id, level, idx, hash)
       SELECT '$PROOF_TENANT', $level, idx, hash FROM bench_next;
       DROP TABLE bench_level; ALTER TABLE bench_next RENAME TO bench_level"
  level=$((level + 1))
done
sql "DROP TABLE bench_level;
     INSERT INTO audit_log (tenant_id, size, root_hash, updated_at)
     VALUES ('$PROOF_TENANT', $PROOF_LOG_SIZE, sha256(''::bytea), now()); ANALYZE"
echo "built in $(( $(date +%s) - started )) s" >&2

"$JAVA" -cp "$BENCH_CP" io.truststram.bench.AuditAppends proofs \
  "http://127.0.0.1:$PORT" "$CLIENT" "$SECRET" "$PROOF_TENANT" "$PROOF_LOG_SIZE" "$PROOFS" \
  | tee "$WORK/proofs.json"
python3 - "$WORK/appends.json" "$WORK/proofs.json" "$ROOT/bench/results/audit/service.json" <<'PY'
import json, sys
merged = {}
for name in sys.argv[1:3]:
    merged.update(json.loads(open(name).read().strip().splitlines()[-1]))
open(sys.argv[3], "w").write(json.dumps(merged) + "\n")
print(json.dumps(merged))
PY
server_errors
