#!/usr/bin/env bash
# End-to-end suite: our Rust function service against the real Apache Flink StateFun runtime
# (statefun-flink-harness 3.3.0, Flink 1.16.2 MiniCluster in one JVM). See tests/e2e/README.md.
#
#   tests/e2e/run.sh                      # both scenarios: features, then exactly-once
#   tests/e2e/run.sh exactly-once         # one scenario
#
# Needs java (11 or 17), mvn and cargo on PATH; Maven downloads into ~/.m2 on the first run
# and works offline after that. Environment knobs:
#   E2E_PROFILE=release        build the service with --release (default: debug, which shares
#                              the build cache of `cargo test`)
#   E2E_RUN_DIR=DIR            where logs and egress files go (default: a new /tmp directory)
#   E2E_MAVEN_OFFLINE=1        pass -o to Maven
#   E2E_MESSAGES, E2E_INSTANCES, E2E_SEED   size of scenario 2 (defaults 10000, 64, 7)
#   E2E_SERVICE_CMD="..."      run this instead of the Rust example (it must listen on $PORT
#                              at path /statefun); for checking the Java side on its own
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
E2E="$ROOT/tests/e2e"
POM="$E2E/harness/pom.xml"
RUN_DIR="${E2E_RUN_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/statefun-e2e.XXXXXX")}"
mkdir -p "$RUN_DIR"
PROFILE="${E2E_PROFILE:-debug}"
SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=(features exactly-once)

MVN=(mvn -B -q -f "$POM")
[ "${E2E_MAVEN_OFFLINE:-0}" = 1 ] && MVN+=(-o)

SERVICE_PID=""
JVM_PID=""
cleanup() {
  local pid
  for pid in "$JVM_PID" "$SERVICE_PID"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '[e2e] %s\n' "$*"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

print_log() { # file, title
  [ -f "$1" ] || return 0
  printf '\n----- %s (%s) -----\n' "$2" "$1"
  tail -n 3000 "$1"
  printf -- '----- end of %s -----\n\n' "$2"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local p
  for _ in $(seq 100); do
    p=$((20000 + RANDOM % 40000))
    port_in_use "$p" || { echo "$p"; return 0; }
  done
  echo "no free port found" >&2
  return 1
}

SUITE_START="$(now)"
say "run directory: $RUN_DIR"

# 1. Build the function service and the Java driver.
if [ -z "${E2E_SERVICE_CMD:-}" ]; then
  t="$(now)"
  # --all-features: the same feature set as `cargo test --workspace --all-features`, so the
  # build shares its artifacts instead of compiling the dependency graph again.
  cargo_flags=(--example e2e_functions --all-features)
  [ "$PROFILE" = release ] && cargo_flags+=(--release)
  say "cargo build ${cargo_flags[*]}"
  (cd "$ROOT" && cargo build --quiet "${cargo_flags[@]}")
  TARGET_DIR="$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps \
    | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
  SERVICE_CMD=("$TARGET_DIR/$PROFILE/examples/e2e_functions")
  say "service built in $(since "$t") s"
else
  SERVICE_CMD=(bash -c "$E2E_SERVICE_CMD")
fi

t="$(now)"
say "mvn compile (tests/e2e/harness)"
if ! "${MVN[@]}" compile >"$RUN_DIR/maven-build.log" 2>&1; then
  print_log "$RUN_DIR/maven-build.log" "Maven build log"
  say "FAIL: the Java driver did not build"
  exit 1
fi
say "driver built in $(since "$t") s"

# 2. Start the function service on a free loopback port.
PORT="$(free_port)"
URL="http://127.0.0.1:$PORT/statefun"
say "starting the function service on 127.0.0.1:$PORT"
PORT="$PORT" RUST_LOG="${RUST_LOG:-info}" "${SERVICE_CMD[@]}" >"$RUN_DIR/service.log" 2>&1 &
SERVICE_PID=$!
for _ in $(seq 300); do
  port_in_use "$PORT" && break
  if ! kill -0 "$SERVICE_PID" 2>/dev/null; then
    print_log "$RUN_DIR/service.log" "function service log"
    say "FAIL: the function service exited before listening"
    exit 1
  fi
  sleep 0.1
done
port_in_use "$PORT" || { print_log "$RUN_DIR/service.log" "function service log"; say "FAIL: service not listening"; exit 1; }

# 3. Run the scenarios, one JVM each.
passed=0
failed=0
figures=()
for scenario in "${SCENARIOS[@]}"; do
  out="$RUN_DIR/$scenario"
  log="$RUN_DIR/jvm-$scenario.log"
  rm -rf "$out"
  case "$scenario" in
    features)
      args="--scenario features --expected $E2E/expected/features.txt --timeout-s 120" ;;
    exactly-once)
      args="--scenario exactly-once --instances ${E2E_INSTANCES:-64} --messages ${E2E_MESSAGES:-10000}"
      args+=" --seed ${E2E_SEED:-7} --induce-failure true --timeout-s 360" ;;
    *) say "unknown scenario $scenario"; exit 2 ;;
  esac
  args+=" --function-url $URL --out $out"
  say "scenario $scenario: running (JVM log: $log)"
  t="$(now)"
  set +e
  "${MVN[@]}" exec:exec -De2e.args="$args" >"$log" 2>&1 &
  JVM_PID=$!
  wait "$JVM_PID"
  rc=$?
  set -e
  JVM_PID=""
  wall="$(since "$t")"
  if [ -f "$out/summary.txt" ]; then
    sed 's/^/[e2e]   /' "$out/summary.txt"
  fi
  if ! kill -0 "$SERVICE_PID" 2>/dev/null; then
    say "the function service died during $scenario"
    rc=1
  fi
  if [ "$rc" -eq 0 ]; then
    passed=$((passed + 1))
    say "scenario $scenario: PASS (wall time with JVM start: $wall s)"
  else
    failed=$((failed + 1))
    say "scenario $scenario: FAIL (exit $rc, $wall s)"
    print_log "$log" "JVM log of $scenario"
    print_log "$RUN_DIR/service.log" "function service log"
  fi
  figures+=("$scenario: $wall s")
done

say "wall time per scenario: ${figures[*]}; whole suite: $(since "$SUITE_START") s"
say "logs and egress files: $RUN_DIR"
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
