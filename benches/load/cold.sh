#!/usr/bin/env bash
# From a cold start: each server is started afresh, and the first REQUESTS (default 10,000)
# requests after it first answers are timed; the figure users see after a deploy, a scale-out
# or a restart, when a JIT has not warmed up yet. Run benches/load/run.sh first (it builds the
# servers, installs the official SDKs' and writes the requests; e.g. with SERVERS listing
# the servers below and ROUNDS=1).
#
#   benches/load/cold.sh
#   SERVERS="statefun-info java" REPEATS=5 benches/load/cold.sh
#
# For each server, REPEATS times (default 3): start it on SERVER_CPUS (default 1), post the
# greeter's request every 10 ms until it answers 200 (the time to that answer is "ready"),
# then wrk (one thread on LOAD_CPUS, default 0, CONNECTIONS connections, default 16) posts it
# until REQUESTS answers came back; then the server's CPU time since it started (user +
# system, all threads, from /proc: startup included) is read, and the server stopped.
# Prints one JSON line per start and writes them to OUT (default
# target/bench-results/cold)/results.jsonl.
#
# SERVERS: any of statefun, statefun-info, statefun-json, statefun-hyper, java, go, js,
# python (default: all). BIN (default target/release/examples): where the Rust servers are.
set -euo pipefail
cd "$(dirname "$0")/../.."
W=target/bench-peers
PEERS=$W
# shellcheck source=benches/load/servers.sh
. benches/load/servers.sh
BIN=${BIN:-target/release/examples}
OUT=${OUT:-target/bench-results/cold}
SERVERS=${SERVERS:-statefun statefun-info statefun-hyper java go js python}
REPEATS=${REPEATS:-3}
REQUESTS=${REQUESTS:-10000}
CONNECTIONS=${CONNECTIONS:-16}
SERVER_CPUS=${SERVER_CPUS:-1}
LOAD_CPUS=${LOAD_CPUS:-0}
BODY=$W/request-1.bin
[ -f "$BODY" ] || { echo "$BODY is missing: run benches/load/run.sh first" >&2 && exit 1; }
mkdir -p "$OUT"
TICK_US=$((1000000 / $(getconf CLK_TCK)))
port=${PORT_BASE:-18290}


: >"$OUT/results.jsonl"
for repeat in $(seq 1 "$REPEATS"); do
  for name in $SERVERS; do
    port=$((port + 1))
    server "$name" || exit 1
    started=$(date +%s%N)
    # `env` and `taskset` exec the server: $! is the server's own PID.
    env PORT=$port "${server_env[@]}" taskset -c "$SERVER_CPUS" "${server_cmd[@]}" >"$OUT/$name-$repeat.log" 2>&1 &
    pid=$!
    url=http://127.0.0.1:$port/statefun
    until [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/octet-stream' \
      --data-binary @"$BODY" "$url" 2>/dev/null)" = 200 ]; do
      kill -0 $pid 2>/dev/null || { echo "$name did not start: $(tail -n 3 "$OUT/$name-$repeat.log")" >&2 && exit 1; }
      sleep 0.01
    done
    ready_ms=$((($(date +%s%N) - started) / 1000000))
    done_file=$OUT/$name-$repeat.done
    rm -f "$done_file"
    BODY_FILE=$BODY REQUESTS=$REQUESTS DONE_FILE=$done_file taskset -c "$LOAD_CPUS" \
      wrk -t1 -c"$CONNECTIONS" -d300s --timeout 5s -s benches/load/cold.lua "$url" \
      >"$OUT/$name-$repeat.wrk" &
    wrk_pid=$!
    while [ ! -e "$done_file" ] && kill -0 $wrk_pid 2>/dev/null; do sleep 0.01; done
    kill -INT $wrk_pid 2>/dev/null || true
    wait $wrk_pid || true
    result=$(sed -n 's/^RESULT //p' "$OUT/$name-$repeat.wrk")
    [ -n "$result" ] || { echo "wrk gave no result for $name" >&2 && exit 1; }
    cpu_ms=$(($(sed 's/.*) //' /proc/$pid/stat | awk '{print $12 + $13}') * TICK_US / 1000))
    kill $pid
    wait $pid 2>/dev/null || true
    line="{\"server\":\"$name\",\"repeat\":$repeat,\"ready_ms\":$ready_ms,\"cpu_ms_since_start\":$cpu_ms,${result#\{}"
    echo "$line" | tee -a "$OUT/results.jsonl"
  done
done
