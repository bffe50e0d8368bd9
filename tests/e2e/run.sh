#!/usr/bin/env bash
# End-to-end suite: our Rust function service against the real Apache Flink StateFun runtime
# (statefun-flink-harness 3.3.0, Flink 1.16.2 MiniCluster in one JVM), a real Kafka broker and
# nginx in front of three replicas of the service. See tests/e2e/README.md.
#
#   tests/e2e/run.sh                      # every scenario, in this order:
#       features exactly-once             #   harness source, file egresses, one replica
#       kafka-features kafka-exactly-once #   Kafka in and out (module.yaml), nginx, 3 replicas
#       kafka-direct                      #   Kafka, the runtime pointed at one replica directly
#       dead-letters                      #   poison among the Kafka workload, dead-letter policy
#       dead-letters-control              #   the same without the policy: a restart loop
#       local                             #   the same workloads through statefun::local::LocalRuntime
#       cart                              #   examples/playground_cart through runtime/run.sh
#                                         #   (--expected, --induce-failure)
#       lambda (with E2E_LAMBDA=1 only)   #   features against examples/e2e_lambda.rs as an AWS
#                                         #   Lambda function in cargo-lambda's local emulator
#   tests/e2e/run.sh kafka-exactly-once   # or some of them
#
# Needs java (11 or 17), mvn, cargo and, for the Kafka scenarios that use it, nginx on PATH (or in
# /usr/sbin); Maven downloads into ~/.m2 on the first run and works offline after that. Every
# process it starts listens on 127.0.0.1 only and is stopped by its PID when the script ends,
# also on failure or Ctrl-C. Environment knobs:
#   E2E_PROFILE=release        build the service with --release (default: debug, the build of
#                              `cargo test --workspace --all-features --no-run`, which it shares
#                              with CI's test step)
#   E2E_RUN_DIR=DIR            where logs, configs and egress files go (default: a new /tmp dir)
#   E2E_MAVEN_OFFLINE=1        pass -o to Maven
#   E2E_KAFKA_VERSION=V        the broker (org.apache.kafka:kafka_2.13:V; default in
#                              runtime/kafka/pom.xml)
#   E2E_MESSAGES, E2E_INSTANCES, E2E_SEED   size of the exactly-once workloads (defaults 10000,
#                              64, 7; tests/e2e/expected/exactly-once.txt holds the defaults' counts)
#   E2E_RATE=1000              input messages per second of the Kafka exactly-once producer
#   E2E_DL_RATE=2000           the same for the dead-letters scenario and its control
#   E2E_DL_POLICY=kafka        the dead-letters scenario's policy (E2E_DEAD_LETTERS of the
#                              service); `fail` (the default policy) shows its verdict failing
#   E2E_BROKEN=memory-counter  serve the deliberately broken e2e/cmd (counts in process memory):
#                              the exactly-once scenarios must then FAIL
#   E2E_SERVICE_CMD="..."      run this instead of the Rust example (it must listen on
#                              127.0.0.1:$PORT at path /statefun); for checking the Java side alone
#   E2E_LAMBDA=1               add the lambda scenario to the default list (it needs cargo-lambda,
#                              `pip install cargo-lambda`, and a release build of several minutes,
#                              so CI leaves it out); `tests/e2e/run.sh lambda` runs it alone
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# say, now, since, print_log, free_port, wait_listening, stop_pid and start_kafka (the broker of
# runtime/kafka/pom.xml), shared with runtime/run.sh.
SAY_TAG=e2e
# shellcheck source=runtime/lib.sh
. "$ROOT/runtime/lib.sh"
E2E="$ROOT/tests/e2e"
POM="$E2E/harness/pom.xml"
RUN_DIR="${E2E_RUN_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/statefun-e2e.XXXXXX")}"
mkdir -p "$RUN_DIR"
RUN_DIR="$(cd "$RUN_DIR" && pwd)"
PROFILE="${E2E_PROFILE:-debug}"
ALL_SCENARIOS=(features exactly-once kafka-features kafka-exactly-once kafka-direct dead-letters
  dead-letters-control local cart lambda)
SCENARIOS=("$@")
if [ ${#SCENARIOS[@]} -eq 0 ]; then
  SCENARIOS=(features exactly-once kafka-features kafka-exactly-once kafka-direct dead-letters
    dead-letters-control local cart)
  [ "${E2E_LAMBDA:-0}" = 1 ] && SCENARIOS+=(lambda)
fi
for s in "${SCENARIOS[@]}"; do
  case " ${ALL_SCENARIOS[*]} " in
    *" $s "*) ;;
    *) echo "unknown scenario $s (known: ${ALL_SCENARIOS[*]})" >&2; exit 2 ;;
  esac
done
wants() { case " ${SCENARIOS[*]} " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
wants_any() { local s; for s in "$@"; do wants "$s" && return 0; done; return 1; }

MVN=(mvn -B -q)
[ "${E2E_MAVEN_OFFLINE:-0}" = 1 ] && MVN+=(-o)
MESSAGES="${E2E_MESSAGES:-10000}"
INSTANCES="${E2E_INSTANCES:-64}"
SEED="${E2E_SEED:-7}"
# The Kafka exactly-once producer writes this many messages per second, so that the job's
# progress (and with it the replica failures and the induced Flink failure) spreads over ~10 s.
RATE="${E2E_RATE:-1000}"
# The dead-letters scenario needs no replica failures to spread: its input goes twice as fast.
DL_RATE="${E2E_DL_RATE:-2000}"
DL_POLICY="${E2E_DL_POLICY:-kafka}"
KAFKA_SCENARIOS=(kafka-features kafka-exactly-once kafka-direct dead-letters dead-letters-control)

# ---------------------------------------------------------------------------------------------
# Processes: every one is ours, started here, recorded by PID and stopped by PID.
# ---------------------------------------------------------------------------------------------
REPLICAS=(1 2 3)
declare -A REPLICA_PID=() REPLICA_PORT=()
NGINX_PID=""
KAFKA_PID=""
JVM_PID=""
LAMBDA_EMULATOR_PID=""
LAMBDA_PID=""

cleanup() {
  local i
  stop_pid "$JVM_PID" 5
  stop_pid "$LAMBDA_PID" 5
  stop_pid "$LAMBDA_EMULATOR_PID" 5
  for i in "${REPLICAS[@]}"; do stop_pid "${REPLICA_PID[$i]:-}" 5; done
  stop_pid "$NGINX_PID" 5
  stop_pid "$KAFKA_PID" 15
  # The JVMs' unpacked jars (tens of MB per start): logs and outputs stay for reading.
  rm -rf "$RUN_DIR/java-tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

SUITE_START="$(now)"
say "run directory: $RUN_DIR"
[ -n "${E2E_BROKEN:-}" ] && say "E2E_BROKEN=$E2E_BROKEN: the service runs a deliberately broken function"

# ---------------------------------------------------------------------------------------------
# 1. Build the function service and the Java driver.
# ---------------------------------------------------------------------------------------------
# The example and the local runtime's test as `cargo test --workspace --all-features` (the
# README's test command, run by CI just before) builds them: the same command resolves the
# same features and so reuses that build instead of compiling the dependency graph again.
artifact() { # kind name: the executable of that target in the cargo messages on stdin
  grep "\"kind\":\[\"$1\"\]" | grep "\"name\":\"$2\"" \
    | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1
}
t="$(now)"
say "cargo test --workspace --all-features --no-run"
if ! (cd "$ROOT" && cargo test --workspace --all-features --no-run --message-format=json \
  2>"$RUN_DIR/cargo-build.log" >"$RUN_DIR/cargo-build.json"); then
  print_log "$RUN_DIR/cargo-build.log" "cargo log"
  say "FAIL: the workspace did not build"
  exit 1
fi
LOCAL_TEST="$(artifact test e2e_local <"$RUN_DIR/cargo-build.json" || true)"
CART_BIN="$(artifact example playground_cart <"$RUN_DIR/cargo-build.json" || true)"
if [ -z "${E2E_SERVICE_CMD:-}" ]; then
  if [ "$PROFILE" = release ]; then
    say "cargo build --release --example e2e_functions --all-features"
    (cd "$ROOT" && cargo build --quiet --release --example e2e_functions --all-features \
      --message-format=json 2>>"$RUN_DIR/cargo-build.log" >"$RUN_DIR/cargo-build-release.json")
    service_bin="$(artifact example e2e_functions <"$RUN_DIR/cargo-build-release.json" || true)"
  else
    service_bin="$(artifact example e2e_functions <"$RUN_DIR/cargo-build.json" || true)"
  fi
  if [ -z "$service_bin" ] || [ ! -x "$service_bin" ]; then
    say "FAIL: no executable of examples/e2e_functions.rs in cargo's output"
    exit 1
  fi
  SERVICE_CMD=("$service_bin")
else
  SERVICE_CMD=(bash -c "$E2E_SERVICE_CMD")
fi
say "built in $(since "$t") s; service: ${SERVICE_CMD[*]}"

# The Lambda function: the release artifact that `cargo lambda deploy` would upload, built
# without actix-web (examples/e2e_lambda.rs serves the functions of examples/e2e_functions.rs).
if wants lambda; then
  if ! cargo lambda --version >/dev/null 2>&1; then
    say "FAIL: the lambda scenario needs cargo-lambda: pip install cargo-lambda"
    exit 1
  fi
  t="$(now)"
  say "cargo lambda build --release --example e2e_lambda ($(cargo lambda --version))"
  if ! (cd "$ROOT" && cargo lambda build --release --example e2e_lambda --no-default-features \
    --features lambda,logging --lambda-dir "$RUN_DIR/lambda-artifact") >"$RUN_DIR/lambda-build.log" 2>&1; then
    print_log "$RUN_DIR/lambda-build.log" "cargo lambda build log"
    say "FAIL: the Lambda function did not build"
    exit 1
  fi
  LAMBDA_BIN="$RUN_DIR/lambda-artifact/e2e_lambda/bootstrap"
  LAMBDA_FIGURES="artifact $(stat -c %s "$LAMBDA_BIN") bytes, built in $(since "$t") s"
  say "Lambda function: $LAMBDA_BIN ($LAMBDA_FIGURES)"
fi

JAVA_FLAGS=()
if wants_any features exactly-once "${KAFKA_SCENARIOS[@]}" lambda; then
  t="$(now)"
  say "mvn compile (tests/e2e/harness)"
  if ! "${MVN[@]}" -f "$POM" compile dependency:build-classpath \
    -Dmdep.outputFile="$RUN_DIR/harness.classpath" >"$RUN_DIR/maven-build.log" 2>&1; then
    print_log "$RUN_DIR/maven-build.log" "Maven build log"
    say "FAIL: the Java driver did not build"
    exit 1
  fi
  # The JVM flags live in one place, the pom's e2e.jvm.flags (see README: Java 17 module flags).
  read -r -a JAVA_FLAGS <<<"$(sed -n 's:.*<e2e.jvm.flags>\(.*\)</e2e.jvm.flags>.*:\1:p' "$POM")"
  # Flink unpacks a 35 MB jar into the temporary directory at every start and leaves it
  # there: keep it in the run directory.
  mkdir -p "$RUN_DIR/java-tmp"
  JAVA_FLAGS+=("-Djava.io.tmpdir=$RUN_DIR/java-tmp")
  HARNESS_CP="$E2E/harness/target/classes:$(cat "$RUN_DIR/harness.classpath")"
  say "driver built in $(since "$t") s"
fi

# ---------------------------------------------------------------------------------------------
# 2. The function service: three replicas on loopback ports.
# ---------------------------------------------------------------------------------------------
# The service's environment beyond PORT: the dead-letters scenario runs it with its policy.
SERVICE_ENV=()
start_replica() { # index
  local i="$1"
  env ${SERVICE_ENV[@]+"${SERVICE_ENV[@]}"} PORT="${REPLICA_PORT[$i]}" RUST_LOG="${RUST_LOG:-info}" \
    "${SERVICE_CMD[@]}" >>"$RUN_DIR/replica-$i.log" 2>&1 &
  REPLICA_PID[$i]=$!
  wait_listening "${REPLICA_PORT[$i]}" "${REPLICA_PID[$i]}" 30 "replica $i" "$RUN_DIR/replica-$i.log"
}

# SIGKILL (crash) or SIGTERM (graceful: in-flight batches are answered), wait for the exit.
stop_replica() { # index signal
  local i="$1" sig="$2" pid="${REPLICA_PID[$1]}"
  kill "-$sig" "$pid" 2>/dev/null || true
  for _ in $(seq 400); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  wait "$pid" 2>/dev/null || true
  REPLICA_PID[$i]=""
}

# Restarts the replicas (SIGTERM, then started again on the same ports) when a scenario needs
# another service environment than the one they run with.
use_service_env() { # VAR=VALUE...
  local i
  [ "$*" != "${SERVICE_ENV[*]}" ] || return 0
  SERVICE_ENV=("$@")
  for i in "${REPLICAS[@]}"; do
    stop_replica "$i" TERM
    echo "--- restarted with: ${SERVICE_ENV[*]:-no extra environment}" >>"$RUN_DIR/replica-$i.log"
    start_replica "$i"
  done
  say "replicas restarted with: ${SERVICE_ENV[*]:-no extra environment}"
}

if wants_any features exactly-once "${KAFKA_SCENARIOS[@]}"; then
  for i in "${REPLICAS[@]}"; do
    REPLICA_PORT[$i]="$(free_port)"
    start_replica "$i"
  done
  say "replicas: $(for i in "${REPLICAS[@]}"; do printf 'r%s=127.0.0.1:%s (pid %s) ' \
    "$i" "${REPLICA_PORT[$i]}" "${REPLICA_PID[$i]}"; done)"
fi
replica_url() { echo "http://127.0.0.1:${REPLICA_PORT[$1]}/statefun"; }
replica_name() { # host:port -> r1, r2, r3 (or the address)
  local i
  for i in "${REPLICAS[@]}"; do
    [ "$1" = "127.0.0.1:${REPLICA_PORT[$i]}" ] && { echo "r$i"; return; }
  done
  echo "$1"
}

# ---------------------------------------------------------------------------------------------
# 3. nginx in front of the replicas (generated config, loopback only, everything in RUN_DIR).
# ---------------------------------------------------------------------------------------------
NGINX_DIR="$RUN_DIR/nginx"
start_nginx() {
  local nginx port i user_line=""
  nginx="$(command -v nginx || true)"
  [ -n "$nginx" ] || { [ -x /usr/sbin/nginx ] && nginx=/usr/sbin/nginx; }
  if [ -z "$nginx" ]; then
    say "FAIL: nginx is not installed (Debian: apt-get install nginx; .ci/run installs it)"
    exit 1
  fi
  port="$(free_port)"
  mkdir -p "$NGINX_DIR/tmp"
  # As root, nginx's workers would switch to `nobody`, who cannot enter a private run directory.
  [ "$(id -u)" = 0 ] && user_line="user root;"
  {
    cat <<EOF
# Generated by tests/e2e/run.sh: nginx in front of the function service's replicas.
$user_line
worker_processes 1;
pid $NGINX_DIR/nginx.pid;
error_log $NGINX_DIR/error.log notice;
events { worker_connections 1024; }
http {
  log_format e2e '\$msec \$status "\$upstream_addr" "\$upstream_status" \$request_time \$request_length';
  access_log $NGINX_DIR/access.log e2e;
  client_body_temp_path $NGINX_DIR/tmp/client_body;
  proxy_temp_path $NGINX_DIR/tmp/proxy;
  fastcgi_temp_path $NGINX_DIR/tmp/fastcgi;
  uwsgi_temp_path $NGINX_DIR/tmp/uwsgi;
  scgi_temp_path $NGINX_DIR/tmp/scgi;
  # The runtime's payload_max_bytes and the service's body limit are 32 MiB.
  client_max_body_size 32m;
  client_body_buffer_size 1m;
  upstream statefun_functions {
EOF
    for i in "${REPLICAS[@]}"; do
      echo "    server 127.0.0.1:${REPLICA_PORT[$i]} max_fails=1 fail_timeout=2s;"
    done
    cat <<EOF
    keepalive 32;
  }
  server {
    listen 127.0.0.1:$port;
    location / {
      proxy_pass http://statefun_functions;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # A batch is a pure function of the request (the state comes with it, the effects go
      # back in the response and the runtime applies one response), so a POST that failed on
      # one replica may be sent to the next: hence non_idempotent.
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
      proxy_next_upstream_tries 3;
      proxy_connect_timeout 2s;
      proxy_send_timeout 60s;
      proxy_read_timeout 60s;
    }
  }
}
EOF
  } >"$NGINX_DIR/nginx.conf"
  "$nginx" -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf" -e "$NGINX_DIR/error.log" \
    -g 'daemon off;' >"$NGINX_DIR/stdout.log" 2>&1 &
  NGINX_PID=$!
  wait_listening "$port" "$NGINX_PID" 20 "nginx" "$NGINX_DIR/error.log"
  NGINX_URL="http://127.0.0.1:$port/statefun"
  say "nginx on 127.0.0.1:$port (pid $NGINX_PID) in front of r1 r2 r3"
}

# Requests per replica in the access log lines after line $1: attempts answered 200 per
# replica, attempts that failed there, requests nginx passed to a second replica, and
# requests answered with a non-200 status to the runtime.
nginx_report() { # first line
  local from="$1" i map=""
  for i in "${REPLICAS[@]}"; do map+="127.0.0.1:${REPLICA_PORT[$i]}=r$i "; done
  tail -n "+$from" "$NGINX_DIR/access.log" | awk -F'"' -v map="$map" '
    BEGIN { n = split(map, m, " "); for (k = 1; k <= n; k++) { split(m[k], kv, "="); name[kv[1]] = kv[2] } }
    {
      requests++
      split($1, f, " ")
      if (f[2] != 200) not_ok++
      na = split($2, a, ", "); split($4, s, ", ")
      if (na > 1) passed_on++
      for (k = 1; k <= na; k++) {
        r = (a[k] in name) ? name[a[k]] : a[k]
        if (s[k] == 200) served[r]++; else failed[r]++
      }
    }
    END {
      printf "nginx: %d requests; served (200) per replica:", requests
      for (k = 1; k <= 3; k++) printf " r%d=%d", k, served["r" k] + 0
      printf "; failed attempts per replica:"
      for (k = 1; k <= 3; k++) printf " r%d=%d", k, failed["r" k] + 0
      printf "; requests nginx passed on to another replica: %d; non-200 answers to the runtime: %d\n", passed_on + 0, not_ok + 0
    }'
}

# ---------------------------------------------------------------------------------------------
# 4. Apache Kafka: one KRaft node (broker + controller) in its own JVM, data in RUN_DIR.
# ---------------------------------------------------------------------------------------------
KAFKA_DIR="$RUN_DIR/kafka" # start_kafka (runtime/lib.sh) keeps config, data and logs there

# ---------------------------------------------------------------------------------------------
# 4b. The Lambda function in cargo-lambda's emulator of the Lambda service: the emulator serves
# the Runtime API (which the function polls for invocations) and function URLs, turning an HTTP
# request into a function URL event (body base64-encoded) and the function's answer back.
# ---------------------------------------------------------------------------------------------
LAMBDA_DIR="$RUN_DIR/lambda" # the scenario's own directory
start_lambda() {
  local port t0 cold warm i
  port="$(free_port)"
  # --only-lambda-apis: the emulator runs no `cargo run` of its own; the function is the
  # release artifact, started below with the variables the Lambda service sets.
  (cd "$ROOT" && exec cargo-lambda lambda watch --only-lambda-apis --ignore-changes \
    --invoke-address 127.0.0.1 --invoke-port "$port") >"$LAMBDA_DIR/emulator.log" 2>&1 &
  LAMBDA_EMULATOR_PID=$!
  wait_listening "$port" "$LAMBDA_EMULATOR_PID" 30 "Lambda emulator" "$LAMBDA_DIR/emulator.log"
  LAMBDA_URL="http://127.0.0.1:$port/lambda-url/_/statefun"
  # Cold start: from starting the process to its first answer through the function URL (the
  # emulator holds the request until the function asks for its first invocation). The
  # request is a conformance vector's, for a function e2e_lambda does not have: the
  # dispatcher answers it 404 after decoding it, with no state to touch.
  local probe="$ROOT/tests/conformance/vectors/a-greeter/request.bin"
  t0="$(now)"
  AWS_LAMBDA_RUNTIME_API="http://127.0.0.1:$port/.rt" AWS_LAMBDA_FUNCTION_NAME=_ \
    AWS_LAMBDA_FUNCTION_VERSION=1 AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128 RUST_LOG="${RUST_LOG:-info}" \
    "$LAMBDA_BIN" >>"$LAMBDA_DIR/function.log" 2>&1 &
  LAMBDA_PID=$!
  local status
  status="$(curl -sS -o /dev/null -w '%{http_code}' --max-time 30 -H 'content-type: application/octet-stream' \
    --data-binary "@$probe" "$LAMBDA_URL" || true)"
  cold="$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.0f", (b - a) * 1000 }')"
  if [ "$status" != 404 ] || ! kill -0 "$LAMBDA_PID" 2>/dev/null; then
    print_log "$LAMBDA_DIR/emulator.log" "Lambda emulator log"
    print_log "$LAMBDA_DIR/function.log" "Lambda function log"
    say "FAIL: the Lambda function's first answer was HTTP $status, expected 404 from its dispatcher"
    exit 1
  fi
  warm=""
  for i in 1 2 3 4 5; do
    warm+="$(curl -sS -o /dev/null -w '%{time_total}' -H 'content-type: application/octet-stream' \
      --data-binary "@$probe" "$LAMBDA_URL") "
  done
  warm="$(awk -v w="$warm" 'BEGIN { n = split(w, a, " "); for (i = 1; i <= n; i++) s += a[i]; printf "%.1f", s / n * 1000 }')"
  LAMBDA_FIGURES+="; cold start to first answer ${cold} ms, warm request ${warm} ms (mean of 5, through the emulator)"
  say "Lambda emulator on 127.0.0.1:$port (pid $LAMBDA_EMULATOR_PID), function pid $LAMBDA_PID: $LAMBDA_FIGURES"
}

# ---------------------------------------------------------------------------------------------
# 5. The scenarios.
# ---------------------------------------------------------------------------------------------
# Replica failures during a run, timed by the job's progress (the committed input offsets that
# the Java driver writes to OUT/progress.txt): "FRACTION ACTION REPLICA [PAUSE_S]", ACTION kill
# (SIGKILL, then start again after PAUSE_S) or term (SIGTERM, wait for the graceful exit, start
# again).
PLAN=()
PLAN_DONE=0
run_plan_step() { # out
  local out="$1" step frac action replica pause progress t
  [ "$PLAN_DONE" -lt "${#PLAN[@]}" ] || return 0
  step="${PLAN[$PLAN_DONE]}"
  read -r frac action replica pause <<<"$step"
  progress="$(cat "$out/progress.txt" 2>/dev/null || true)"
  [ -n "$progress" ] || return 0
  awk -v p="$progress" -v f="$frac" 'BEGIN { split(p, a, " "); exit !(a[2] >= f * a[4]) }' \
    || return 0
  t="$(now)"
  case "$action" in
    # (2>/dev/null: bash's own "Killed" job notice)
    kill) stop_replica "$replica" KILL 2>/dev/null; sleep "${pause:-0.5}" ;;
    term) stop_replica "$replica" TERM ;;
  esac
  local stopped_in; stopped_in="$(since "$t")"
  start_replica "$replica"
  printf '%s at %s: %s replica r%s (pid gone in %s s), started again (pid %s) after %s s\n' \
    "$(date +%T.%3N)" "$progress" "$([ "$action" = kill ] && echo SIGKILL || echo SIGTERM)" \
    "$replica" "$stopped_in" "${REPLICA_PID[$replica]}" "$(since "$t")" >>"$out/replica-events.txt"
  PLAN_DONE=$((PLAN_DONE + 1))
  # The driver holds its report rounds (and so the verdict) until the failures are done.
  [ "$PLAN_DONE" -lt "${#PLAN[@]}" ] || touch "$out/replica-failures-done"
}

# What the replicas logged during a dead-letters run: the messages they set aside (one WARN line
# each, in the span of its request, whose batch_size says how many messages the batch had), and
# the batches that failed (500).
dead_letter_report() { # replica log lines
  awk '
    /message set aside as a dead letter/ {
      set_aside++
      if (match($0, /batch_size=[0-9]+/) && substr($0, RSTART + 11, RLENGTH - 11) + 0 > 1) shared++
    }
    /request failed/ && /status=500/ { failed++ }
    END {
      printf "replicas: %d set aside as dead letters (logged once per run of a batch, so again when a batch is sent again), %d of them in a batch with other messages; %d batches answered 500\n", set_aside + 0, shared + 0, failed + 0
    }' "$1"
}

passed=0
failed=0
figures=()
for scenario in "${SCENARIOS[@]}"; do
  out="$RUN_DIR/$scenario"
  log="$RUN_DIR/jvm-$scenario.log"
  rm -rf "$out"
  mkdir -p "$out"
  t="$(now)"
  rc=0

  if [ "$scenario" = cart ]; then
    # A user's application run the way runtime/README.md tells users to: runtime/run.sh with the
    # example's own module.yaml, input and expected egress, a failure induced mid-run. It starts
    # its own broker (it reads every topic but the ingress topics) and its own driver JVM.
    say "scenario cart: runtime/run.sh on examples/playground_cart (log: $out/run.log)"
    set +e
    if [ -x "$CART_BIN" ]; then
      (cd "$ROOT/examples/playground_cart" && "$ROOT/runtime/run.sh" --module module.yaml \
        --service "$CART_BIN" --input input.jsonl --expected expected.jsonl --induce-failure \
        --out "$out" --timeout-s 120) >"$out/run.log" 2>&1
      rc=$?
    else
      echo "no executable of examples/playground_cart in cargo's output" >"$out/run.log"
      rc=1
    fi
    set -e
    [ -f "$out/summary.txt" ] && sed 's/^/[e2e]   /' "$out/summary.txt"
    wall="$(since "$t")"
    if [ "$rc" -eq 0 ]; then
      passed=$((passed + 1)); say "scenario cart: PASS ($wall s with its broker's start)"
    else
      failed=$((failed + 1)); say "scenario cart: FAIL (exit $rc, $wall s)"
      print_log "$out/run.log" "runtime/run.sh output"
    fi
    figures+=("cart: $wall s")
    continue
  fi

  if [ "$scenario" = local ]; then
    say "scenario local: tests/e2e_local through statefun::local::LocalRuntime"
    set +e
    if [ -x "$LOCAL_TEST" ]; then
      (cd "$ROOT" && "$LOCAL_TEST" --nocapture) >"$out/cargo-test.log" 2>&1
      rc=$?
    else
      echo "no executable of tests/e2e_local in cargo's output" >"$out/cargo-test.log"
      rc=1
    fi
    set -e
    grep -o '\[local\].*' "$out/cargo-test.log" | sed 's/^/[e2e]   /' || true
    wall="$(since "$t")"
    if [ "$rc" -eq 0 ]; then
      passed=$((passed + 1)); say "scenario local: PASS ($wall s)"
    else
      failed=$((failed + 1)); say "scenario local: FAIL (exit $rc, $wall s)"
      print_log "$out/cargo-test.log" "cargo test log"
    fi
    figures+=("local: $wall s")
    continue
  fi

  PLAN=()
  PLAN_DONE=0
  nginx_from=""
  case "$scenario" in
    features)
      args=(--scenario features --expected "$E2E/expected/features.txt" --timeout-s 120
        --function-url "$(replica_url 1)") ;;
    exactly-once)
      args=(--scenario exactly-once --instances "$INSTANCES" --messages "$MESSAGES" --seed "$SEED"
        --induce-failure true --timeout-s 360 --expected-counts "$E2E/expected/exactly-once.txt"
        --function-url "$(replica_url 1)") ;;
    lambda)
      mkdir -p "$LAMBDA_DIR"
      start_lambda
      args=(--scenario features --expected "$E2E/expected/features.txt" --timeout-s 120
        --function-url "$LAMBDA_URL") ;;
    kafka-features | kafka-exactly-once | kafka-direct | dead-letters | dead-letters-control)
      [ -n "$KAFKA_PID" ] || start_kafka "$KAFKA_DIR" "${E2E_KAFKA_VERSION:-}"
      if [ "$scenario" != kafka-direct ] && [ -z "$NGINX_PID" ]; then start_nginx; fi
      ;;
  esac
  # The dead-letter policy only where the scenario's module.yaml declares its egress.
  if [ "$scenario" = dead-letters ] && [ "$DL_POLICY" != fail ]; then
    use_service_env "E2E_DEAD_LETTERS=$DL_POLICY"
  elif [ ${#REPLICA_PID[@]} -gt 0 ]; then
    use_service_env
  fi
  case "$scenario" in
    kafka-features)
      args=(--scenario kafka-features --kafka "$KAFKA" --expected "$E2E/expected/features.txt"
        --timeout-s 120 --function-url "$NGINX_URL") ;;
    kafka-exactly-once)
      args=(--scenario kafka-exactly-once --kafka "$KAFKA" --topic-prefix eo-
        --instances "$INSTANCES" --messages "$MESSAGES" --seed "$SEED" --induce-failure true
        --rate "$RATE" --timeout-s 360 --expected-counts "$E2E/expected/exactly-once.txt"
        --function-url "$NGINX_URL")
      PLAN=("0.15 kill 1 0.5" "0.60 term 2") ;;
    kafka-direct)
      # No nginx: module.yaml names replica r1 itself, as StateFun allows one URL per function
      # type. r1 is killed and comes back 2 s later; the runtime retries the same URL meanwhile.
      args=(--scenario kafka-exactly-once --kafka "$KAFKA" --topic-prefix direct-
        --instances "$INSTANCES" --messages "$MESSAGES" --seed "$SEED" --induce-failure false
        --rate "$RATE" --timeout-s 360 --expected-counts "$E2E/expected/exactly-once.txt"
        --function-url "$(replica_url 1)")
      PLAN=("0.30 kill 1 2") ;;
    dead-letters)
      args=(--scenario dead-letters --kafka "$KAFKA" --instances "$INSTANCES" --messages "$MESSAGES"
        --seed "$SEED" --induce-failure true --rate "$DL_RATE" --timeout-s 240
        --expected-counts "$E2E/expected/exactly-once.txt"
        --expected-dead-letters "$E2E/expected/dead-letters.txt" --function-url "$NGINX_URL") ;;
    dead-letters-control)
      # StateFun's own deployments restart a failed job without limit: so does the control, until
      # the driver has seen the loop and stops it.
      args=(--scenario dead-letters-control --kafka "$KAFKA" --instances "$INSTANCES"
        --messages "$MESSAGES" --seed "$SEED" --rate "$DL_RATE" --restart-attempts 1000
        --timeout-s 120 --function-url "$NGINX_URL") ;;
  esac
  args+=(--out "$out")
  [ ${#PLAN[@]} -eq 0 ] || args+=(--hold-reports-until "$out/replica-failures-done")
  t="$(now)" # the scenario's own time, without the broker's and nginx's start
  case "$scenario" in
    kafka-features | kafka-exactly-once | dead-letters | dead-letters-control)
      nginx_from=$(($(wc -l <"$NGINX_DIR/access.log" 2>/dev/null || echo 0) + 1)) ;;
  esac
  declare -A replica_from=()
  for i in "${REPLICAS[@]}"; do
    replica_from[$i]=$(($(wc -l <"$RUN_DIR/replica-$i.log" 2>/dev/null || echo 0) + 1))
  done

  say "scenario $scenario: running (JVM log: $log)"
  set +e
  java "${JAVA_FLAGS[@]}" -Dlog4j.configuration=statefun-e2e-log4j.properties \
    -cp "$HARNESS_CP" statefun.e2e.Main "${args[@]}" >"$log" 2>&1 &
  JVM_PID=$!
  while kill -0 "$JVM_PID" 2>/dev/null; do
    if [ ${#PLAN[@]} -gt 0 ]; then run_plan_step "$out"; fi
    sleep 0.2
  done
  wait "$JVM_PID"
  rc=$?
  set -e
  JVM_PID=""
  wall="$(since "$t")"
  [ -f "$out/summary.txt" ] && sed 's/^/[e2e]   /' "$out/summary.txt"
  [ -f "$out/replica-events.txt" ] && sed 's/^/[e2e]   replica failure: /' "$out/replica-events.txt"
  if [ ${#PLAN[@]} -gt 0 ] && [ "$PLAN_DONE" -lt "${#PLAN[@]}" ]; then
    say "the run ended before all replica failures happened ($PLAN_DONE of ${#PLAN[@]})"
    rc=1
  fi
  if [ "$scenario" = kafka-direct ] && [ "$rc" -eq 0 ] \
    && grep -q 'async transport): 0 failed attempts' "$out/summary.txt"; then
    say "the runtime never failed to reach r1: the kill did not hit the run"
    rc=1
  fi
  if [ -n "$nginx_from" ]; then
    report="$(nginx_report "$nginx_from")"
    say "  $report"
    echo "$report" >>"$out/summary.txt"
  fi
  case "$scenario" in
    dead-letters | dead-letters-control)
      for i in "${REPLICAS[@]}"; do tail -n "+${replica_from[$i]}" "$RUN_DIR/replica-$i.log"; done \
        >"$out/replica-lines.log"
      report="$(dead_letter_report "$out/replica-lines.log")"
      say "  $report"
      echo "$report" >>"$out/summary.txt"
      if [ "$scenario" = dead-letters-control ] && [ "$rc" -eq 0 ] \
        && ! grep -q ' 0 set aside' <<<"$report"; then
        say "the service set messages aside without a policy"
        rc=1
      fi
      ;;
  esac
  if [ "$scenario" = lambda ]; then
    say "  $LAMBDA_FIGURES"
    echo "$LAMBDA_FIGURES" >>"$out/summary.txt"
    if ! kill -0 "$LAMBDA_PID" 2>/dev/null; then
      say "the Lambda function died during $scenario"
      rc=1
    fi
  else
    for i in "${REPLICAS[@]}"; do
      if ! kill -0 "${REPLICA_PID[$i]}" 2>/dev/null; then
        say "replica r$i died during $scenario"
        rc=1
      fi
    done
  fi
  if [ "$rc" -eq 0 ]; then
    passed=$((passed + 1))
    say "scenario $scenario: PASS (wall time with JVM start: $wall s)"
  else
    failed=$((failed + 1))
    say "scenario $scenario: FAIL (exit $rc, $wall s)"
    print_log "$log" "JVM log of $scenario"
    for i in "${REPLICAS[@]}"; do print_log "$RUN_DIR/replica-$i.log" "replica r$i log"; done
    if [ "$scenario" = lambda ]; then
      print_log "$LAMBDA_DIR/emulator.log" "Lambda emulator log"
      print_log "$LAMBDA_DIR/function.log" "Lambda function log"
    fi
    [ -n "$NGINX_PID" ] && print_log "$NGINX_DIR/error.log" "nginx error log"
    [ -n "$KAFKA_PID" ] && print_log "$KAFKA_DIR/broker.log" "Kafka broker log"
  fi
  figures+=("$scenario: $wall s")
done

say "wall time per scenario: ${figures[*]}; whole suite: $(since "$SUITE_START") s"
say "logs, configs and egress files: $RUN_DIR"
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
