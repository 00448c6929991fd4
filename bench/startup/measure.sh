#!/usr/bin/env bash
# Measures the server's start-up: jar size, wall time from `java -jar` to readiness UP, and resident
# memory at idle, on H2 (embedded) and on PostgreSQL. Prints a Markdown table.
#
#   bench/startup/measure.sh [RUNS] [IDLE_SECONDS]
#
# Needs: a built jar (platform/server/target/truststram.jar), JAVA_HOME on a JDK 25, curl, and for
# the PostgreSQL runs psql and a server on 127.0.0.1:5432 (database test, user postgres).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAR="$ROOT/platform/server/target/truststram.jar"
RUNS="${1:-5}"
IDLE="${2:-10}"
JAVA="${JAVA_HOME:?set JAVA_HOME to a JDK 25}/bin/java"
PORT=18765
[[ -f "$JAR" ]] || { echo "build the jar first: ./mvnw -B -DskipTests package" >&2; exit 1; }

now_ms() { date +%s%3N; }

# One run: prints "<ready_ms> <rss_kib> <spring_started_s>".
run_once() {
  local work log pid start ready rss started
  work="$(mktemp -d)"
  log="$work/server.log"
  start="$(now_ms)"
  # Only the variables given here reach the server, not TRUSTSTRAM_* of the caller's shell.
  env $(env | sed -n 's/^\(TRUSTSTRAM_[A-Z_]*\)=.*/-u \1/p') "$@" "$JAVA" -jar "$JAR" --server.port="$PORT" --truststram.data-dir="$work/data" >"$log" 2>&1 &
  pid=$!
  until curl -fs "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    if (($(now_ms) - start > 180000)); then
      kill -KILL "$pid"
      echo "not ready after 180 s" >&2
      exit 1
    fi
    sleep 0.02
  done
  ready=$(($(now_ms) - start))
  sleep "$IDLE"
  rss="$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")"
  started="$(sed -n 's/.*Started TrustStram in \([0-9.]*\) seconds.*/\1/p' "$log" | head -n 1)"
  kill -TERM "$pid"
  wait "$pid" || true
  rm -rf "$work"
  echo "$ready $rss $started"
}

# Prints "median min max" of the numbers on stdin.
stats() {
  sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; print m, a[1], a[NR]}'
}

measure() {
  local label="$1"
  shift
  local results=()
  local i
  run_once "$@" >/dev/null # warm the page cache; not counted
  for ((i = 0; i < RUNS; i++)); do results+=("$(run_once "$@")"); done
  local ready rss started
  ready="$(printf '%s\n' "${results[@]}" | awk '{print $1}' | stats)"
  rss="$(printf '%s\n' "${results[@]}" | awk '{print $2 / 1024}' | stats)"
  started="$(printf '%s\n' "${results[@]}" | awk '{print $3}' | stats)"
  read -r rm rmin rmax <<<"$ready"
  read -r mm mmin mmax <<<"$rss"
  read -r sm smin smax <<<"$started"
  printf '| %s | %d (%d–%d) | %.2f (%.2f–%.2f) | %.0f (%.0f–%.0f) |\n' \
    "$label" "$rm" "$rmin" "$rmax" "$sm" "$smin" "$smax" "$mm" "$mmin" "$mmax"
}

schema="ts_bench_$$"
psql -h 127.0.0.1 -U postgres -d test -qc "CREATE SCHEMA $schema" >/dev/null
trap 'psql -h 127.0.0.1 -U postgres -d test -qc "DROP SCHEMA IF EXISTS '"$schema"' CASCADE" >/dev/null' EXIT

echo "jar: $(stat -c %s "$JAR") bytes ($(du -h "$JAR" | cut -f1))"
echo
echo "| backend | java -jar to readiness UP, ms: median (min–max) | Spring 'Started in', s | RSS after ${IDLE} s idle, MiB |"
echo "|---|---|---|---|"
measure "H2 (embedded, file)" TRUSTSTRAM_LOG_FORMAT=
# A fresh schema each run would re-run migrations; the first run migrates, later runs find it current.
measure "PostgreSQL 15 (local)" \
  "TRUSTSTRAM_DB_URL=jdbc:postgresql://127.0.0.1:5432/test?currentSchema=$schema" \
  TRUSTSTRAM_DB_USER=postgres TRUSTSTRAM_DB_PASSWORD=
