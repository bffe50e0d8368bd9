#!/usr/bin/env bash
# Instructions per request under callgrind: the load greeter without and with the `metrics`
# feature (docs/operations.md#cost). Run benches/load/run.sh with SERVERS="statefun
# statefun-metrics" first: it builds both binaries and the request. Each server gets a 3 s
# warm-up, then its counters are zeroed, wrk runs 10 s at 16 connections, and the counters
# are dumped: instructions (all threads) divided by the requests wrk counted.
set -euo pipefail
cd "$(dirname "$0")/../.."
W=target/bench-peers
OUT=${OUT:-target/bench-results/callgrind}
mkdir -p "$OUT"
rm -f "$OUT"/*.out*
for variant in plain metrics; do
  bin=target/release/examples/load-greeter; [ $variant = metrics ] && bin=$W/load-greeter-metrics
  port=18190; [ $variant = metrics ] && port=18191
  PORT=$port valgrind --tool=callgrind --callgrind-out-file=$OUT/$variant.out $bin 2>$OUT/$variant.log &
  pid=$!
  for _ in $(seq 1 100); do curl -s -o /dev/null http://127.0.0.1:$port/statefun && break; sleep 0.3; done
  BODY_FILE=$W/request.bin wrk -t1 -c16 -d3s -s benches/load/wrk.lua http://127.0.0.1:$port/statefun >/dev/null
  callgrind_control -z $pid >/dev/null
  result=$(BODY_FILE=$W/request.bin wrk -t1 -c16 -d10s -s benches/load/wrk.lua http://127.0.0.1:$port/statefun | sed -n 's/^RESULT //p')
  callgrind_control -d $pid >/dev/null; sleep 1
  kill $pid; wait $pid 2>/dev/null || true
  ir=$(callgrind_annotate $(ls -t $OUT/$variant.out.* | head -1) 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",","",$1); print $1; exit}')
  req=$(echo "$result" | sed 's/.*"requests":\([0-9]*\).*/\1/')
  echo "$variant requests=$req Ir=$ir Ir/request=$((ir / req))"
done
