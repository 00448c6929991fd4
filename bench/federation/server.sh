# Sourced by the federation benchmarks: builds the server and the load generators, starts the
# packaged server on a fresh PostgreSQL schema with a fixed heap, and signs in a platform-admin API
# client. Sets ROOT, JAVA, WORK, PORT, SERVER_PID, CLIENT, SECRET and BENCH_CP; removes everything
# on exit. BENCH_SERVER_JVM_ARGS adds JVM options to the server (a flight recording, say).
#   start_bench_server HEAP [EXTRA SERVER ARGS...]
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
SCHEMA=bench_fl_$$
WORK=$(mktemp -d)
PORT=18191
SERVER_PID=

cleanup() {
  if [[ -n $SERVER_PID ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  # The server's log outlives the run, for a look at what went wrong.
  cp "$WORK/server.log" "${TMPDIR:-/tmp}/truststram-bench-server.log" 2>/dev/null || true
  psql -q -h 127.0.0.1 -U postgres -d test -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
ulimit -n 200000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

start_bench_server() {
  local heap=$1
  shift
  cd "$ROOT"
  ./mvnw -B -q -pl platform/server,bench/jmh -am install -DskipTests
  ./mvnw -B -q -pl bench/jmh dependency:build-classpath -Dmdep.outputFile="$WORK/classpath"
  BENCH_CP="$ROOT/bench/jmh/target/classes:$(cat "$WORK/classpath")"
  for _ in $(seq 1 60); do
    (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null || break
    echo "port $PORT is still in use; waiting" >&2
    sleep 1
  done
  psql -q -h 127.0.0.1 -U postgres -d test -c "CREATE SCHEMA $SCHEMA" >/dev/null
  local limits=() keys=(client tenant address) paths=(/api/** /api/** /oauth2/token)
  for i in 0 1 2; do
    limits+=(--truststram.gateway.rate-limits[$i].name=bench-$i
      --truststram.gateway.rate-limits[$i].path=${paths[$i]}
      --truststram.gateway.rate-limits[$i].key=${keys[$i]}
      --truststram.gateway.rate-limits[$i].replenish-rate=10000000
      --truststram.gateway.rate-limits[$i].burst-capacity=10000000)
  done
  TRUSTSTRAM_DB_URL="jdbc:postgresql://127.0.0.1:5432/test?currentSchema=$SCHEMA" \
  TRUSTSTRAM_DB_USER=postgres \
  TRUSTSTRAM_DB_POOL_SIZE=20 \
  TRUSTSTRAM_IDENTITY_BOOTSTRAPADMIN_PASSWORD=bench-one-time-password \
    "$JAVA" ${BENCH_SERVER_GC:--XX:+UseParallelGC} -Xms256m -Xmx"$heap" ${BENCH_SERVER_JVM_ARGS:-} -jar "$ROOT/platform/server/target/truststram.jar" \
      --server.port=$PORT --truststram.data-dir="$WORK/data" --server.tomcat.max-connections=30000 \
      --server.tomcat.accept-count=2000 "${limits[@]}" "$@" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 240); do
    curl -fs "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null 2>&1 && break
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "the server exited; its log:" >&2
      tail -30 "$WORK/server.log" >&2
      exit 1
    fi
    sleep 0.5
  done
  read -r CLIENT SECRET < <(python3 "$ROOT/bench/gateway/signin.py" http://localhost:$PORT \
    bench-one-time-password 'bench chosen passphrase 1')
}

server_errors() {
  echo "server log ERROR lines: $(grep -c " ERROR " "$WORK/server.log" || true)"
}
