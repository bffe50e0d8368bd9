#!/usr/bin/env bash
# Through the real runtime: the same workload through Apache Flink StateFun 3.3.0 and Kafka
# (runtime/run.sh) against our greeter and the official Java and Python SDKs' greeters, one
# fresh run per SDK and round, the rounds alternating the SDKs. Messages per second end to
# end, and CPU per message of the function process, of the runtime's JVM and of the Kafka
# broker. Not in CI; see docs/benchmarks.md, "Through the real runtime".
#
#   benches/runtime/run.sh                        # build what is missing, measure, report
#   ROUNDS=1 RECORDS=20000 SDKS="statefun java" benches/runtime/run.sh
#
# The workload: RECORDS Kafka records (default 100000) on the topic `names`, keys spread over
# IDS ids (default 100) in turn, each value an io.statefun.types/string ("name-<id>"); the
# module's Kafka ingress routes them to `demo/greeter` by key (the key is the id). The
# greeter reads the argument as a string and counts it in its state (`seen`), the same
# function in every SDK (benches/common/functions.rs, benches/peers/{java,python}). No egress.
# Every record is written to Kafka before the job starts (runtime/run.sh writes the input up
# to its first wait first), then, TAIL_MS after the job's first checkpoint, one more record
# (see the input below for why).
#
# Each run starts a fresh function service (pinned to SERVICE_CPUS) and a fresh runtime
# (runtime/run.sh --url, pinned to RUNTIME_CPUS with its Kafka broker), so both JVMs' JIT
# warm-up is inside the figures. Sampled every 50 ms, reading /proc with bash builtins (the
# only fork a sample is its `sleep`, once the processes are found): CPU time (utime + stime
# from /proc/PID/stat, all threads) of the function process, of the runtime's JVM (Flink
# MiniCluster running the StateFun runtime, parallelism 1, checkpoints every 500 ms, plus
# runtime/run.sh's driver threads, which only follow offsets here) and of the Kafka broker.
# The window is the function process's main stretch of activity, its first request to its
# last (see analyse below); messages per second are RECORDS over the window, CPU per message
# each process's CPU time in the window over RECORDS. The runtime must report no failed call
# and no retry.
#
# Settings (environment):
#   SDKS          statefun java python (default: all three)
#   ROUNDS        rounds, each runs every SDK once, in a rotated order (default 3)
#   ROUND_FROM    the first round to run (default 1; from 2 on the results of the earlier
#                 rounds in OUT are kept and the medians cover them too)
#   RECORDS, IDS  see above (runtime/run.sh reads the whole input into its JVMs, the check's
#                 with a 128 MB heap: 200000 records do not fit there, 100000 do)
#   TAIL_MS       the tail record's wait (default RECORDS/10 + 10000 ms: assumes the runtime
#                 passes 10,000 messages a second or more; the run fails if it was too short)
#   SERVICE_CPUS  taskset CPU list of the function service (default 1)
#   RUNTIME_CPUS  taskset CPU list of runtime/run.sh, hence of Kafka and the runtime's JVM
#                 (default 0)
#   LOG           the greeter's logging: info (default, the README's setup,
#                 statefun::logging::init() at INFO) or none
#   OUT           results (default target/bench-results/runtime); run directories under it are
#                 removed after each run unless KEEP=1
#
# Needs what runtime/run.sh needs (java, mvn) and builds what the load benchmark builds: the
# load-greeter (release), the Java SDK's greeter (Maven) and the Python SDK in a venv (PyPI),
# into target/bench-peers as benches/load/run.sh does.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WORK=$ROOT/target/bench-peers
OUT=${OUT:-$ROOT/target/bench-results/runtime}
SDKS=${SDKS:-statefun java python}
ROUNDS=${ROUNDS:-3}
ROUND_FROM=${ROUND_FROM:-1}
RECORDS=${RECORDS:-100000}
TAIL_MS=${TAIL_MS:-$((RECORDS / 10 + 10000))}
IDS=${IDS:-100}
SERVICE_CPUS=${SERVICE_CPUS:-1}
RUNTIME_CPUS=${RUNTIME_CPUS:-0}
LOG=${LOG:-info}
KEEP=${KEEP:-0}
TICK_US=$((1000000 / $(getconf CLK_TCK)))

log() { printf '==> %s\n' "$*" >&2; }
has() { [[ " $SDKS " == *" $1 "* ]]; }
mkdir -p "$OUT" "$WORK"

# ---------------------------------------------------------------- build what is missing
if has statefun; then
  log "building the load-greeter (release)"
  CARGO_INCREMENTAL=0 nice -n 5 cargo build --release -j1 --quiet --example load-greeter
fi
if has python && [ ! -x "$WORK/python/venv/bin/python" ]; then
  log "Python SDK (PyPI) into $WORK/python"
  mkdir -p "$WORK/python"
  python3 -m venv "$WORK/python/venv"
  "$WORK/python/venv/bin/pip" install --quiet --disable-pip-version-check \
    -r benches/peers/python/requirements.txt
fi
if has java && [ ! -f "$WORK/java/target/classes/bench/Greeter.class" ]; then
  log "Java SDK and Undertow (Maven Central), building $WORK/java"
  rm -rf "$WORK/java" && mkdir -p "$WORK/java"
  cp -r benches/peers/java/pom.xml benches/peers/java/src "$WORK/java/"
  (cd "$WORK/java" && mvn -q -B package dependency:copy-dependencies -DincludeScope=runtime >/dev/null)
fi

service_cmd() { # sdk -> the command in SERVICE[@]
  case "$1" in
  statefun) SERVICE=(env "LOG=$LOG" "$ROOT/target/release/examples/load-greeter") ;;
  java) SERVICE=(java -cp "$WORK/java/target/classes:$WORK/java/target/dependency/*" bench.Greeter) ;;
  python) SERVICE=("$WORK/python/venv/bin/python" "$ROOT/benches/peers/python/greeter.py") ;;
  *) echo "unknown SDK: $1" >&2 && exit 2 ;;
  esac
}

# ---------------------------------------------------------------- the module and the input
cat >"$OUT/module.yaml" <<'EOF'
# benches/runtime/run.sh: demo/greeter fed from the Kafka topic `names` (key: the id).
kind: io.statefun.endpoints.v2/http
spec:
  functions: demo/*
  urlPathTemplate: http://functions:8000/statefun
  transport:
    type: io.statefun.transports.v1/async
    call: 60s
    connect: 5s
---
kind: io.statefun.kafka.v1/ingress
spec:
  id: bench/names
  address: kafka:9092
  consumerGroupId: bench
  topics:
    - topic: names
      valueType: io.statefun.types/string
      targets:
        - demo/greeter
EOF
# An io.statefun.types/string value is a protobuf StringWrapper: field 1, length, UTF-8.
declare -a VALUE
for ((i = 0; i < IDS; i++)); do
  name="name-$i"
  VALUE[i]=$({ printf '%b' "\\x0a\\x$(printf %02x "${#name}")" && printf %s "$name"; } | base64 -w0)
done
INPUT=$OUT/input.jsonl
for ((n = 0; n < RECORDS; n++)); do
  i=$((n % IDS))
  printf '{"topic":"names","key":"%d","base64":"%s"}\n' "$i" "${VALUE[i]}"
done >"$INPUT"
# The tail: one more record, TAIL_MS after the job's first completed checkpoint. Without an
# egress, runtime/run.sh ends the job 3 s after a completed checkpoint covers all input, and a
# checkpoint covers records the runtime has consumed but not yet handed to the function (they
# wait in its batches); the tail keeps the job running until the function has had them all.
printf '{"advance_ms":%d}\n{"topic":"names","key":"0","base64":"%s"}\n' "$TAIL_MS" "${VALUE[0]}" >>"$INPUT"
log "input: $RECORDS records over $IDS ids in $INPUT"

# ---------------------------------------------------------------- one run
SPID="" RPID=""
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  if [ -n "$RPID" ]; then kill -TERM "$RPID" 2>/dev/null || true; wait "$RPID" 2>/dev/null || true; fi
  if [ -n "$SPID" ]; then kill -TERM "$SPID" 2>/dev/null || true; wait "$SPID" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ticks VAR PID: CPU time of PID so far (utime + stime, clock ticks) into VAR, -1 if gone.
ticks() {
  local line rest
  local -a f
  if ! { read -r line <"/proc/$2/stat"; } 2>/dev/null; then printf -v "$1" %s -1 && return; fi
  rest=${line##*) }
  read -r -a f <<<"$rest"
  printf -v "$1" %s $((f[11] + f[12]))
}
# child PID PATTERN: the child of PID whose command line contains PATTERN (not --check).
child() {
  local p cmd line rest
  local -a f
  for p in /proc/[0-9]*; do
    [ -r "$p/stat" ] || continue
    { read -r line <"$p/stat"; } 2>/dev/null || continue
    rest=${line##*) }
    read -r -a f <<<"$rest"
    [ "${f[1]}" = "$1" ] || continue
    { cmd=$(tr '\0' ' ' <"$p/cmdline"); } 2>/dev/null || continue
    if [[ "$cmd" == *"$2"* && "$cmd" != *--check* ]]; then echo "${p#/proc/}" && return; fi
  done
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# analyse ROUND SDK SAMPLES: the window and the figures, one tab-separated line. Stretches of
# the function process's activity (its CPU time grows, with no pause over 1.5 s); the window is
# the largest (the RECORDS records; the tail record is a later one of a few ticks at most),
# from the sample before its first growth to the sample of its last. It must end at least 4 s
# before the JVM's last CPU use (its exit), or the job may have ended before the function had
# every record (exit 1).
analyse() {
  awk -v r="$1" -v sdk="$2" -v N="$RECORDS" -v tick="$TICK_US" '
    { t[NR] = $1; s[NR] = $2; j[NR] = $3; k[NR] = $4 }
    END {
      for (i = 2; i <= NR; i++) if (j[i - 1] >= 0 && j[i] > j[i - 1]) jx = i
      best = 0; i = 2
      while (i <= NR) {
        if (j[i - 1] < 0 || s[i] <= s[i - 1]) { i++; continue }
        a = i - 1; b = i
        for (m = i + 1; m <= NR; m++) {
          if (s[m] > s[m - 1]) b = m
          else if (t[m] - t[b] > 1.5e6) break
        }
        if (s[b] - s[a] > best) { best = s[b] - s[a]; A = a; B = b }
        i = m
      }
      if (!best) { print "round " r ", " sdk ": the function process never used CPU" > "/dev/stderr"; exit 1 }
      w = (t[B] - t[A]) / 1e6; margin = (t[jx] - t[B]) / 1e6
      printf "%s\t%s\t%d\t%.2f\t%.0f\t%.1f\t%.1f\t%.1f\t%.1f\n", r, sdk, N, w, N / w,
        (s[B] - s[A]) * tick / N, (j[B] - j[A]) * tick / N, (k[B] - k[A]) * tick / N, margin
      if (margin < 4) {
        print "round " r ", " sdk ": the function was busy until " margin " s before the job ended: raise TAIL_MS" > "/dev/stderr"
        exit 1
      }
    }' "$3"
}

RESULTS=$OUT/results.tsv
[ "$ROUND_FROM" -gt 1 ] && [ -f "$RESULTS" ] || printf 'round\tsdk\trecords\twindow_s\tmsgs_per_s\tservice_us_per_msg\tjvm_us_per_msg\tkafka_us_per_msg\tmargin_s\n' >"$RESULTS"

run_one() { # round sdk
  local round=$1 sdk=$2 port dir url ok rc
  port=$(free_port)
  dir=$OUT/run-$round-$sdk
  rm -rf "$dir" && mkdir -p "$dir"
  service_cmd "$sdk"
  PORT=$port HOST=127.0.0.1 taskset -c "$SERVICE_CPUS" "${SERVICE[@]}" >"$dir/service.log" 2>&1 &
  SPID=$!
  url="http://127.0.0.1:$port/statefun"
  ok=
  for _ in $(seq 1 240); do
    if curl -s -o /dev/null "$url" 2>/dev/null; then ok=1 && break; fi
    kill -0 "$SPID" 2>/dev/null || break
    sleep 0.25
  done
  [ -n "$ok" ] || { echo "$sdk did not start; see $dir/service.log" >&2 && exit 1; }
  sleep 1 # let a JVM's start-up compilation settle before the baseline
  taskset -c "$RUNTIME_CPUS" runtime/run.sh --module "$OUT/module.yaml" --url "$url" \
    --input "$INPUT" --out "$dir/runtime" --timeout-s 900 >"$dir/run.log" 2>&1 &
  RPID=$!
  # Samples: time (µs), service ticks, JVM ticks, Kafka ticks.
  local jvm="" kafka="" s v j=-1 k=-1 t
  local -a T S J K
  while kill -0 "$RPID" 2>/dev/null; do
    t=${EPOCHREALTIME/./}
    [ -n "$kafka" ] || kafka=$(child "$RPID" 'kafka.Kafka ')
    if [ -z "$jvm" ] && [ -n "$kafka" ]; then jvm=$(child "$RPID" 'statefun.runtime.Main'); fi
    ticks s "$SPID"
    if [ -n "$jvm" ]; then ticks v "$jvm"; [ "$v" -lt 0 ] || j=$v; fi
    if [ -n "$kafka" ]; then ticks v "$kafka"; [ "$v" -lt 0 ] || k=$v; fi
    T+=("$t") S+=("$s") J+=("$j") K+=("$k")
    sleep 0.05
  done
  set +e
  wait "$RPID"
  rc=$?
  set -e
  RPID=""
  kill -TERM "$SPID" 2>/dev/null || true
  wait "$SPID" 2>/dev/null || true
  SPID=""
  local n=${#T[@]} i
  for ((i = 0; i < n; i++)); do echo "${T[i]} ${S[i]} ${J[i]} ${K[i]}"; done >"$dir/samples.txt"
  cp "$dir/runtime/summary.txt" "$dir/summary.txt" 2>/dev/null || true
  if [ "$rc" -ne 0 ]; then
    echo "round $round, $sdk: runtime/run.sh failed (exit $rc); see $dir/run.log" >&2
    tail -n 30 "$dir/run.log" >&2
    exit 1
  fi
  grep -q ' 0 failed attempts to reach the function service, 0 retries' "$dir/summary.txt" ||
    { echo "round $round, $sdk: the runtime retried calls; see $dir/summary.txt" >&2 && exit 1; }
  analyse "$round" "$sdk" "$dir/samples.txt" | tee -a "$RESULTS"
  [ "$KEEP" = 1 ] || rm -rf "$dir/runtime"
}

SDK_LIST=()
for sdk in $SDKS; do SDK_LIST+=("$sdk"); done
for ((round = ROUND_FROM; round <= ROUNDS; round++)); do
  m=${#SDK_LIST[@]}
  for ((x = 0; x < m; x++)); do
    sdk=${SDK_LIST[(x + round - 1) % m]}
    log "round $round: $sdk"
    run_one "$round" "$sdk"
  done
done

# ---------------------------------------------------------------- medians
log "medians over $ROUNDS rounds ($RESULTS)"
printf 'sdk\tmsgs_per_s\tservice_us_per_msg\tjvm_us_per_msg\tkafka_us_per_msg\tservice_share\n'
for sdk in $SDKS; do
  awk -F'\t' -v sdk="$sdk" 'NR > 1 && $2 == sdk { print }' "$RESULTS" | awk -F'\t' -v sdk="$sdk" '
    function median(a, n,   i, j, x) {
      for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    { n++; r[n] = $5; s[n] = $6; j[n] = $7; k[n] = $8; sh[n] = $6 / ($6 + $7 + $8) }
    END { if (n) printf "%s\t%.0f\t%.1f\t%.1f\t%.1f\t%.0f%%\n", sdk, median(r, n), median(s, n), median(j, n), median(k, n), 100 * median(sh, n) }'
done | tee "$OUT/medians.tsv"
