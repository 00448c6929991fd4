#!/usr/bin/env bash
# Gateway overhead and token-endpoint throughput on loopback with wrk, all in one run:
#   B      truststram.services=identity: the backend alone (bearer-token check, no gateway filters)
#   A      truststram.services=all: the same endpoint behind the gateway's filters (inspection,
#          version policy, client and tenant token buckets in process memory)
#   A+R    as A, with the buckets in Redis (one script per request per policy)
#   nginx  nginx as a plain reverse proxy in front of B
# plus POST /oauth2/token (client credentials) on A. A and B share one PostgreSQL schema, so one
# token is valid on both. Results: bench/results/gateway.md.
#
# Usage: bench/gateway/measure.sh [seconds per run, default 15] [connections, default 16]
# Needs: the jar (./mvnw -DskipTests package), wrk, nginx, psql, python3, PostgreSQL and Redis on
# 127.0.0.1.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR=$ROOT/platform/server/target/truststram.jar
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
SECONDS_PER_RUN=${1:-15}
CONNECTIONS=${2:-16}
SCHEMA=bench_gateway_$$
WORK=$(mktemp -d)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [[ -f $WORK/nginx.pid ]] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  psql -q -h 127.0.0.1 -U postgres -d test -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

psql -q -h 127.0.0.1 -U postgres -d test -c "CREATE SCHEMA $SCHEMA" >/dev/null

# start NAME PORT ARGS...: one server on the shared schema, waits until ready.
start() {
  local name=$1 port=$2
  shift 2
  TRUSTSTRAM_DB_URL="jdbc:postgresql://127.0.0.1:5432/test?currentSchema=$SCHEMA" \
  TRUSTSTRAM_DB_USER=postgres \
  TRUSTSTRAM_IDENTITY_BOOTSTRAPADMIN_PASSWORD=bench-one-time-password \
    "$JAVA" -XX:+UseParallelGC -Xms512m -Xmx512m -jar "$JAR" --server.port="$port" \
      --truststram.data-dir="$WORK/$name" --truststram.security.issuer=http://localhost:18181 \
      --truststram.identity.key-encryption-key="$KEK" "$@" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 240); do
    curl -fs "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "server $name did not become ready; log:" >&2
  tail -50 "$WORK/$name.log" >&2
  exit 1
}

HIGH_LIMITS=(
  --truststram.gateway.rate-limits[0].name=per-client --truststram.gateway.rate-limits[0].path=/api/**
  --truststram.gateway.rate-limits[0].key=client --truststram.gateway.rate-limits[0].replenish-rate=1000000
  --truststram.gateway.rate-limits[0].burst-capacity=1000000
  --truststram.gateway.rate-limits[1].name=per-tenant --truststram.gateway.rate-limits[1].path=/api/**
  --truststram.gateway.rate-limits[1].key=tenant --truststram.gateway.rate-limits[1].replenish-rate=1000000
  --truststram.gateway.rate-limits[1].burst-capacity=1000000
  --truststram.gateway.rate-limits[2].name=token-endpoint --truststram.gateway.rate-limits[2].path=/oauth2/token
  --truststram.gateway.rate-limits[2].key=address --truststram.gateway.rate-limits[2].replenish-rate=1000000
  --truststram.gateway.rate-limits[2].burst-capacity=1000000
)

KEK=$(head -c 32 /dev/urandom | base64)
start A 18181 "${HIGH_LIMITS[@]}"
read -r CLIENT SECRET < <(python3 "$ROOT/bench/gateway/signin.py" http://localhost:18181 \
  bench-one-time-password 'bench chosen passphrase 1')
start B 18182 --truststram.services=identity
start AR 18184 "${HIGH_LIMITS[@]}" --truststram.redis.url=redis://127.0.0.1:6379 \
  --truststram.redis.key-prefix="bench-$$"

cat >"$WORK/nginx.conf" <<NGINX
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  upstream backend { server 127.0.0.1:18182; keepalive 64; }
  server {
    listen 127.0.0.1:18183;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
    }
  }
}
NGINX
nginx -c "$WORK/nginx.conf" -p "$WORK"

token() {
  curl -fs -u "$CLIENT:$SECRET" -d grant_type=client_credentials http://127.0.0.1:18181/oauth2/token \
    | sed -E 's/.*"access_token":"([^"]+)".*/\1/'
}
TOKEN=$(token)

cat >"$WORK/token.lua" <<LUA
wrk.method = "POST"
wrk.body = "grant_type=client_credentials"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic $(printf '%s:%s' "$CLIENT" "$SECRET" | base64 -w0)"
LUA

# run LABEL URL [wrk args...]: a warm-up, then the measured run; prints one table row.
# C=<connections> overrides the connection count (C=1: one request at a time, latency only).
run() {
  local label=$1 url=$2
  shift 2
  local connections=${C:-$CONNECTIONS} threads=2
  ((connections == 1)) && threads=1
  wrk -t"$threads" -c"$connections" -d10s "$@" "$url" >/dev/null
  local out
  out=$(wrk -t"$threads" -c"$connections" -d"${SECONDS_PER_RUN}s" --latency "$@" "$url")
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  printf '| %s | %s | %s | %s | %s |\n' "$label" "$rps" "$p50" "$p99" "${non2xx:-0}"
}

ME=/api/v1/identity/me
AUTH=(-H "Authorization: Bearer $TOKEN")
echo "One request at a time (latency of one request, no queueing):"
echo
echo "| run | requests/s | p50 | p99 | non-2xx |"
echo "|---|---|---|---|---|"
C=1 run "B: backend alone, $ME (JWT check)" "http://127.0.0.1:18182$ME" "${AUTH[@]}"
C=1 run "nginx -> B, $ME" "http://127.0.0.1:18183$ME" "${AUTH[@]}"
C=1 run "A: gateway + backend, $ME (buckets in memory)" "http://127.0.0.1:18181$ME" "${AUTH[@]}"
C=1 run "A+R: gateway + backend, $ME (buckets in Redis)" "http://127.0.0.1:18184$ME" "${AUTH[@]}"
echo
echo "$CONNECTIONS connections (throughput):"
echo
echo "| run | requests/s | p50 | p99 | non-2xx |"
echo "|---|---|---|---|---|"
run "B: backend alone, /actuator/health/liveness (no token)" http://127.0.0.1:18182/actuator/health/liveness
run "B: backend alone, $ME (JWT check)" "http://127.0.0.1:18182$ME" "${AUTH[@]}"
run "nginx -> B, $ME" "http://127.0.0.1:18183$ME" "${AUTH[@]}"
run "A: gateway + backend, $ME (JWT, inspection, 2 buckets in memory)" "http://127.0.0.1:18181$ME" "${AUTH[@]}"
run "A+R: gateway + backend, $ME (JWT, inspection, 2 buckets in Redis)" "http://127.0.0.1:18184$ME" "${AUTH[@]}"
run "A: POST /oauth2/token (client credentials)" http://127.0.0.1:18181/oauth2/token -s "$WORK/token.lua"
