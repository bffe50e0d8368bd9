#!/usr/bin/env bash
# HTTP load benchmark: our greeter, a bare actix-web handler (the limit) and the official
# SDKs' greeters (Python, JavaScript, Go, Java), under the same load, alternating, in one
# run. Loopback only; every load run is bounded by DURATION. See docs/benchmarks.md.
#
#   benches/load/run.sh                 # install, build, check, measure, report
#   ROUNDS=5 DURATION=10 benches/load/run.sh
#   SERVERS="statefun bare-actix go" benches/load/run.sh
#
# Settings (environment):
#   SERVERS      which servers (default: all ten): statefun, statefun-metrics (the same
#                greeter built with the `metrics` feature, recording every request),
#                statefun-info (the same greeter with the README's log subscriber at INFO,
#                `statefun::logging::init()`), statefun-json (the same, with
#                STATEFUN_LOG_FORMAT=json), statefun-fmt (the same greeter with
#                tracing-subscriber's fmt subscriber at INFO, a subscriber of the user's own),
#                before, before-info and before-json (statefun, statefun-info and
#                statefun-json built from another commit: the load-greeter in $BEFORE_BIN,
#                for before/after runs; not in the default list), statefun-1w (the same greeter with one
#                worker, for the scaling run of docs/benchmarks.md; not in the default list),
#                statefun-hyper (the same greeter served by `statefun::hyper` instead of
#                the actix service, built with the `hyper` feature; not in the default list),
#                statefun-hyper-lean (the same without the header read timeout),
#                bare-actix (the limit),
#                python, js, go, java (the official SDKs), and two that split statefun's
#                gap to bare-actix: actix-prost (a bare actix route running the greeter
#                with prost alone) and actix-handler (a bare actix route calling the
#                statefun dispatcher, without the statefun-actix adapter)
#   CONNECTIONS  connection counts for single invocations (default: 1 16 64)
#   BATCHES      larger batches, invocations per request (default: 100 1000), each run at
#   BATCH_CONNECTIONS connections (default 16); BATCHES="" runs single invocations only
#   ROUNDS       rounds; each round runs every server at every connection count, in a
#                rotated order (default 3)
#   DURATION     seconds per load run (default 5); WARMUP seconds per server first (5)
#   SERVER_CPUS  CPUs the servers may use (taskset list, default 1)
#   LOAD_CPUS    CPUs wrk may use (default 0); WRK_THREADS (default 1)
#   OUT          where results go (default target/bench-results/load)
#   BIN          where the Rust servers and load-tool are, already built (default: build
#                them into target/release/examples)
#   BEFORE_BIN   where the before* servers' load-greeter is (another commit's
#                target/release/examples)
#
# Installs what is missing: wrk (Debian apt), the Python SDK and aiohttp (PyPI, into a
# venv), the JavaScript SDK (npm), the Go SDK (Go module proxy), the Java SDK and Undertow
# (Maven Central). Build products live in target/bench-peers.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WORK=$ROOT/target/bench-peers
PEERS=$WORK
# shellcheck source=benches/load/servers.sh
. benches/load/servers.sh
OUT=${OUT:-$ROOT/target/bench-results/load}
SERVERS=${SERVERS:-statefun statefun-metrics statefun-info bare-actix actix-prost actix-handler python js go java}
CONNECTIONS=${CONNECTIONS:-1 16 64}
BATCHES=${BATCHES-100 1000}
BATCH_CONNECTIONS=${BATCH_CONNECTIONS:-16}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-5}
SERVER_CPUS=${SERVER_CPUS:-1}
LOAD_CPUS=${LOAD_CPUS:-0}
WRK_THREADS=${WRK_THREADS:-1}
SEEN=41 # every request carries seen = 41; the answer is 41 + its invocations

log() { printf '\n==> %s\n' "$*" >&2; }
has() { [[ " $SERVERS " == *" $1 "* ]]; }
mkdir -p "$WORK" "$OUT/logs"

# ---------------------------------------------------------------- install and build
apt_install() {
  if ! command -v "$1" >/dev/null 2>&1; then
    log "installing $2 (apt)"
    apt-get update -qq && apt-get install -y -qq "$2" >/dev/null
  fi
}
apt_install wrk wrk
apt_install curl curl
apt_install taskset util-linux

if has statefun-metrics; then
  log "building the greeter with the metrics feature (release)"
  cargo build --release --quiet --features metrics --example load-greeter
  cp target/release/examples/load-greeter "$WORK/load-greeter-metrics"
fi
if { has statefun-hyper || has statefun-hyper-lean; } && [ -z "${BIN:-}" ]; then
  log "building the greeter served by statefun::hyper (release)"
  cargo build --release --quiet --features hyper --example load-greeter-hyper
fi
if [ -z "${BIN:-}" ]; then
  log "building the Rust servers (release)"
  cargo build --release --quiet --example load-greeter --example load-bare-actix --example load-tool
  BIN=$ROOT/target/release/examples
fi

if has python; then
  log "Python SDK (PyPI) into $WORK/python"
  mkdir -p "$WORK/python"
  [ -x "$WORK/python/venv/bin/python" ] || python3 -m venv "$WORK/python/venv"
  "$WORK/python/venv/bin/pip" install --quiet --disable-pip-version-check \
    -r benches/peers/python/requirements.txt
fi
if has js; then
  log "JavaScript SDK (npm) into $WORK/js"
  mkdir -p "$WORK/js"
  cp benches/peers/js/package.json benches/peers/js/greeter.js "$WORK/js/"
  (cd "$WORK/js" && npm install --silent --no-audit --no-fund >/dev/null)
fi
if has go; then
  log "Go SDK (module proxy), building $WORK/go/greeter"
  mkdir -p "$WORK/go"
  cp benches/peers/go/go.mod benches/peers/go/go.sum benches/peers/go/main.go "$WORK/go/"
  (cd "$WORK/go" && go build -o greeter .)
fi
if has java; then
  log "Java SDK and Undertow (Maven Central), building $WORK/java"
  rm -rf "$WORK/java" && mkdir -p "$WORK/java"
  cp -r benches/peers/java/pom.xml benches/peers/java/src "$WORK/java/"
  (cd "$WORK/java" && mvn -q -B package dependency:copy-dependencies -DincludeScope=runtime >/dev/null)
fi

# ---------------------------------------------------------------- start the servers
declare -A PORT PID
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

start() { # name port command...
  local name=$1 port=$2
  shift 2
  PORT[$name]=$port
  PORT=$port taskset -c "$SERVER_CPUS" "$@" >"$OUT/logs/$name.log" 2>&1 &
  PID[$name]=$!
  PIDS+=($!)
}

# Each server's port, fixed so that a run's logs and URLs read the same from one run to the next.
declare -A PORT_OF=(
  [statefun]=18080 [bare-actix]=18081 [python]=18082 [js]=18083 [go]=18084 [java]=18085
  [actix-handler]=18086 [actix-prost]=18087 [statefun-metrics]=18088 [statefun-info]=18089
  [statefun-1w]=18090 [statefun-json]=18091 [statefun-fmt]=18092 [before]=18093
  [before-info]=18094 [before-json]=18095 [statefun-hyper]=18096 [statefun-hyper-lean]=18097
  [statefun-hyper-1w]=18098
)
for name in $SERVERS; do
  [ -n "${PORT_OF[$name]:-}" ] || { echo "unknown server $name" >&2 && exit 1; }
  server "$name"
  start "$name" "${PORT_OF[$name]}" env "${server_env[@]}" "${server_cmd[@]}"
done

# `env` and `taskset` exec the server, so $! is the server's own PID (VmHWM is its peak).
for batch in 1 $BATCHES; do "$BIN/load-tool" request "$WORK/request-$batch.bin" "$batch"; done
url() { echo "http://127.0.0.1:${PORT[$1]}/statefun"; }

log "checking every answer before timing"
for name in $SERVERS; do
  ok=
  for _ in $(seq 1 120); do
    if curl -s -o /dev/null "$(url "$name")" 2>/dev/null; then ok=1 && break; fi
    kill -0 "${PID[$name]}" 2>/dev/null || break
    sleep 0.5
  done
  [ -n "$ok" ] || { echo "$name did not start; see $OUT/logs/$name.log" >&2; exit 1; }
  for batch in 1 $BATCHES; do
    expected=$((SEEN + batch))
    # The bare route answers the single invocation's bytes to every request: it decodes nothing.
    if [ "$name" = bare-actix ]; then expected=$((SEEN + 1)); fi
    meta=$(curl -sS -o "$WORK/answer-$name.bin" -w '%{http_code} %{content_type}' \
      -H 'Content-Type: application/octet-stream' --data-binary @"$WORK/request-$batch.bin" "$(url "$name")")
    case "$meta" in
    "200 application/octet-stream"*) ;;
    *) echo "$name answered '$meta' to a batch of $batch" >&2 && exit 1 ;;
    esac
    "$BIN/load-tool" check "$WORK/answer-$name.bin" "$expected" ||
      { echo "$name: wrong FromFunction for a batch of $batch" >&2 && exit 1; }
    echo "$name, batch of $batch: 200, application/octet-stream, FromFunction with seen MODIFY = $expected" >&2
  done
done
if has statefun-metrics; then
  scrape=$(curl -s "http://127.0.0.1:${PORT[statefun-metrics]}/metrics")
  checked=$(wc -w <<<"1 $BATCHES")
  grep -q "^statefun_requests_total{function=\"demo/greeter\",outcome=\"answered\"} $checked\$" <<<"$scrape" ||
    { echo "statefun-metrics does not count its requests at /metrics" >&2 && exit 1; }
  echo "statefun-metrics: GET /metrics counts the $checked requests" >&2
fi

# ---------------------------------------------------------------- measure
load() { # name connections seconds [batch] -> RESULT json on stdout
  BODY_FILE=$WORK/request-${4:-1}.bin taskset -c "$LOAD_CPUS" wrk -t"$WRK_THREADS" -c"$2" -d"$3s" \
    --timeout 5s -s benches/load/wrk.lua "$(url "$1")" | sed -n 's/^RESULT //p'
}
hwm_kib() { awk '/^VmHWM/ {print $2}' "/proc/${PID[$1]}/status"; }
# CPU time (user + system, all threads) the server has used so far, in clock ticks.
cpu_ticks() { sed 's/.*) //' "/proc/${PID[$1]}/stat" | awk '{print $12 + $13}'; }
TICK_US=$((1000000 / $(getconf CLK_TCK)))

log "warm-up: ${WARMUP}s per server and batch size at 16 connections"
for name in $SERVERS; do
  for batch in 1 $BATCHES; do load "$name" 16 "$WARMUP" "$batch" >/dev/null; done
done

RESULTS=$OUT/results.jsonl
: >"$RESULTS"
read -r -a order <<<"$SERVERS"
loads=()
for c in $CONNECTIONS; do loads+=("1:$c"); done
for batch in $BATCHES; do loads+=("$batch:$BATCH_CONNECTIONS"); done
for round in $(seq 1 "$ROUNDS"); do
  for batch_and_c in "${loads[@]}"; do
    batch=${batch_and_c%%:*} c=${batch_and_c#*:}
    log "round $round/$ROUNDS, batch of $batch, $c connection(s): ${order[*]}"
    for name in "${order[@]}"; do
      before=$(cpu_ticks "$name")
      result=$(load "$name" "$c" "$DURATION" "$batch")
      cpu_us=$((($(cpu_ticks "$name") - before) * TICK_US))
      [ -n "$result" ] || { echo "wrk gave no result for $name" >&2 && exit 1; }
      kill -0 "${PID[$name]}" 2>/dev/null || { echo "$name died; see $OUT/logs/$name.log" >&2 && exit 1; }
      line="{\"server\":\"$name\",\"batch\":$batch,\"connections\":$c,\"round\":$round,\"hwm_kib\":$(hwm_kib "$name"),\"cpu_us\":$cpu_us,${result#\{}"
      echo "$line" >>"$RESULTS"
      echo "  $line" >&2
    done
    order=("${order[@]:1}" "${order[0]}") # rotate: no server always runs first or last
  done
done

# ---------------------------------------------------------------- report
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(nproc) CPUs"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel: $(uname -r)"
  echo "servers on CPUs $SERVER_CPUS, wrk on CPUs $LOAD_CPUS with $WRK_THREADS thread(s)"
  echo "rounds: $ROUNDS x ${DURATION}s per server and load, warm-up ${WARMUP}s"
  echo "rustc: $(rustc --version)"
  echo "wrk: $(wrk -v 2>&1 | head -1)"
  has python && echo "python: $("$WORK/python/venv/bin/python" --version 2>&1), $("$WORK/python/venv/bin/pip" list 2>/dev/null | grep -Ei '^(apache-flink-statefun|aiohttp|protobuf) ' | tr -s ' ' | paste -sd, -)"
  has js && echo "node: $(node --version), apache-flink-statefun $(node -p "require('$WORK/js/node_modules/apache-flink-statefun/package.json').version")"
  has go && echo "go: $(go version | cut -d' ' -f3), $(grep -h 'statefun-sdk-go' benches/peers/go/go.mod | tr -s ' \t' ' ')"
  has java && echo "java: $(java -version 2>&1 | head -1), statefun-sdk-java 3.3.0, undertow-core 2.3.21.Final"
} >"$OUT/machine.txt"
"$BIN/load-tool" report "$RESULTS" "$OUT"
cat "$OUT/machine.txt"
echo "results: $OUT/{results.jsonl,results.csv,results.json,table.md,chart.svg}" >&2
