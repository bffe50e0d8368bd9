#!/usr/bin/env bash
# Instructions per request under callgrind, server by server: the figure of the load
# benchmark that the shared machine's noise does not move. Run benches/load/run.sh first (it
# builds the servers and writes the requests). Each server runs alone under callgrind: a 3 s
# warm-up, then its counters are zeroed, wrk runs 10 s, and the counters are dumped:
# instructions (all threads, user space) divided by the requests wrk counted.
#
#   benches/load/callgrind.sh                                   # statefun beside actix-prost
#   SERVERS="statefun statefun-metrics" benches/load/callgrind.sh    # docs/operations.md#cost
#   BATCH=100 CONNECTIONS=16 benches/load/callgrind.sh
#
# SERVERS: any of statefun, statefun-metrics, statefun-info, statefun-json, statefun-fmt,
# before, before-info, before-json (with BEFORE_BIN), statefun-hyper, statefun-1w and
# statefun-hyper-1w (one worker thread), statefun-hyper-lean (no header read timeout),
# bare-actix, actix-prost, actix-handler
# (the Rust servers of run.sh). BATCH (default 1): invocations per request.
# CONNECTIONS (default 16). BIN (default target/release/examples): where the servers are.
# OUT (default target/bench-results/callgrind): the profiles, which
# callgrind_annotate or kcachegrind read. PORT_BASE (default 18190): the servers listen on
# the ports after it, one each.
set -euo pipefail
cd "$(dirname "$0")/../.."
W=target/bench-peers
PEERS=$W
# shellcheck source=benches/load/servers.sh
. benches/load/servers.sh
BIN=${BIN:-target/release/examples}
OUT=${OUT:-target/bench-results/callgrind}
SERVERS=${SERVERS:-statefun actix-prost}
BATCH=${BATCH:-1}
CONNECTIONS=${CONNECTIONS:-16}
BODY=$W/request-$BATCH.bin
[ -f "$BODY" ] || { echo "$BODY is missing: run benches/load/run.sh (with BATCHES=\"$BATCH\") first" >&2 && exit 1; }
mkdir -p "$OUT"
port=${PORT_BASE:-18190}
for name in $SERVERS; do
  server "$name" || exit 1
  port=$((port + 1))
  profile=$OUT/$name-batch$BATCH-c$CONNECTIONS.out
  rm -f "$profile"*
  # The settings go to valgrind's environment: valgrind does not follow an `env` it would run.
  env PORT=$port "${server_env[@]}" valgrind --tool=callgrind --callgrind-out-file="$profile" \
    "${server_cmd[@]}" 2>"$profile.log" &
  pid=$!
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/statefun" && break; sleep 0.3; done
  # A server that could not listen (the port taken) would leave wrk measuring another one.
  kill -0 $pid 2>/dev/null || { echo "$name did not start: $(tail -n 3 "$profile.log")" >&2 && exit 1; }
  url=http://127.0.0.1:$port/statefun
  BODY_FILE=$BODY wrk -t1 -c"$CONNECTIONS" -d3s -s benches/load/wrk.lua "$url" >/dev/null
  callgrind_control -z $pid >/dev/null 2>&1
  result=$(BODY_FILE=$BODY wrk -t1 -c"$CONNECTIONS" -d10s -s benches/load/wrk.lua "$url" | sed -n 's/^RESULT //p')
  callgrind_control -d $pid >/dev/null 2>&1
  sleep 1
  kill $pid
  wait $pid 2>/dev/null || true
  # The dump is the newest part file.
  ir=$(callgrind_annotate "$(ls -t "$profile".* | grep -v '\.log$' | head -1)" 2>/dev/null |
    awk '/PROGRAM TOTALS/ {gsub(",","",$1); print $1; exit}')
  requests=$(echo "$result" | sed 's/.*"requests":\([0-9]*\).*/\1/')
  echo "$name batch=$BATCH connections=$CONNECTIONS requests=$requests Ir=$ir Ir/request=$((ir / requests))"
done
