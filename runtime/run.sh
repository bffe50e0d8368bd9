#!/usr/bin/env bash
# Runs your StateFun application on the real Apache Flink Stateful Functions 3.3.0 runtime, with
# no Java to write and no Docker: your module.yaml, your function service, a Kafka broker, and
# input and expected egress as JSON lines. See runtime/README.md.
#
#   runtime/run.sh --module module.yaml (--service 'CMD' | --url URL) --input input.jsonl \
#       [--expected expected.jsonl] [--induce-failure] [--out DIR] [--timeout-s N]
#
# Exit status: 0 passed, 1 the comparison or the job failed, 2 a usage error or a missing tool.
set -euo pipefail

SAY_TAG=runtime
# shellcheck source=runtime/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
HARNESS="$RUNTIME_DIR/harness"
MVN=(mvn -B -q)

usage() {
  cat <<'EOF'
usage: runtime/run.sh --module FILE (--service 'CMD' | --url URL) --input FILE
                      [--expected FILE] [--induce-failure] [--out DIR] [--timeout-s N]

  --module FILE       your module.yaml (endpoints, Kafka ingresses and egresses)
  --service 'CMD'     start your function service with `bash -c CMD` in this directory, with
                      PORT=<free port> and HOST=127.0.0.1 in its environment; endpoints are
                      served at http://127.0.0.1:PORT + the path of their urlPathTemplate
  --url URL           your service already listens at URL: every endpoint goes there
  --input FILE        JSON lines: {"topic": T, "key": K, "value": JSON} (or "text"/"base64"
                      instead of "value") for the ingress topics, {"advance_ms": N} to wait
  --expected FILE     JSON lines of the records the egress topics must hold (any order)
  --induce-failure    fail the job once, mid-run, and check that it recovers
  --out DIR           where logs and results go (default: a new directory in $TMPDIR or /tmp)
  --timeout-s N       give up N s after the job starts (default 120)
EOF
}
usage_error() {
  echo "runtime/run.sh: $*" >&2
  echo "run 'runtime/run.sh --help' for the options" >&2
  exit 2
}

MODULE="" SERVICE="" URL="" INPUT="" EXPECTED="" INDUCE=0 OUT="" TIMEOUT_S=120
while [ $# -gt 0 ]; do
  opt="$1"
  case "$opt" in
    -h | --help) usage; exit 0 ;;
    --induce-failure) INDUCE=1; shift; continue ;;
    --module | --service | --url | --input | --expected | --out | --timeout-s)
      [ $# -ge 2 ] || usage_error "$opt needs a value"
      val="$2"; shift 2 ;;
    --*=*) val="${opt#*=}"; opt="${opt%%=*}"; shift ;;
    *) usage_error "unknown argument: $opt" ;;
  esac
  case "$opt" in
    --module) MODULE="$val" ;;
    --service) SERVICE="$val" ;;
    --url) URL="$val" ;;
    --input) INPUT="$val" ;;
    --expected) EXPECTED="$val" ;;
    --out) OUT="$val" ;;
    --timeout-s) TIMEOUT_S="$val" ;;
    *) usage_error "unknown option: $opt" ;;
  esac
done
[ -n "$MODULE" ] || usage_error "--module is required"
[ -n "$INPUT" ] || usage_error "--input is required"
if [ -n "$SERVICE" ] && [ -n "$URL" ]; then usage_error "give --service or --url, not both"; fi
if [ -z "$SERVICE" ] && [ -z "$URL" ]; then usage_error "give --service 'CMD' or --url URL"; fi
case "$TIMEOUT_S" in '' | *[!0-9]*) usage_error "--timeout-s takes whole seconds, not '$TIMEOUT_S'" ;; esac
for f in "$MODULE" "$INPUT" ${EXPECTED:+"$EXPECTED"}; do
  [ -f "$f" ] || usage_error "no such file: $f"
done
abs() { (cd "$(dirname "$1")" && printf '%s/%s\n' "$(pwd)" "$(basename "$1")"); }
MODULE="$(abs "$MODULE")"
INPUT="$(abs "$INPUT")"
[ -z "$EXPECTED" ] || EXPECTED="$(abs "$EXPECTED")"

if ! check_java_maven; then exit 2; fi

if [ -z "$OUT" ]; then
  OUT="$(mktemp -d "${TMPDIR:-/tmp}/statefun-runtime.XXXXXX")"
else
  mkdir -p "$OUT"
  OUT="$(cd "$OUT" && pwd)"
  # A directory used before: this run's own pieces start afresh.
  rm -rf "$OUT/kafka" "$OUT/checkpoints" "$OUT/java-tmp"
fi
START="$(now)"
say "run directory: $OUT"

# ---------------------------------------------------------------------------------------------
# Processes: every one is ours, started here, recorded by PID and stopped by PID.
# ---------------------------------------------------------------------------------------------
JVM_PID="" SERVICE_PID="" SERVICE_GROUP=1 KAFKA_PID=""
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  stop_pid "$JVM_PID" 5
  if [ "$SERVICE_GROUP" = 1 ]; then stop_group "$SERVICE_PID" 10; else stop_pid "$SERVICE_PID" 10; fi
  stop_pid "$KAFKA_PID" 15
  # Flink unpacks tens of MB into the JVM's temporary directory at every start.
  rm -rf "$OUT/java-tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------
# 1. The driver: built once with Maven, then reused (runtime/harness/target).
# ---------------------------------------------------------------------------------------------
CLASSPATH_FILE="$HARNESS/target/classpath"
driver_built() {
  classpath_ok "$CLASSPATH_FILE" && [ -d "$HARNESS/target/classes/statefun" ] \
    && [ -z "$(find "$HARNESS/pom.xml" "$HARNESS/src" -newer "$CLASSPATH_FILE" -print -quit)" ]
}
build_driver() {
  driver_built && return 0
  local t; t="$(now)"
  say "building the driver (runtime/harness, mvn; the first time Maven downloads ~300 MB)"
  if ! "${MVN[@]}" -f "$HARNESS/pom.xml" compile dependency:build-classpath \
    -Dmdep.outputFile="$CLASSPATH_FILE.$$" >"$OUT/maven.log" 2>&1; then
    rm -f "$CLASSPATH_FILE.$$"
    print_log "$OUT/maven.log" "Maven log" 100
    say "FAIL: the driver did not build (the first build needs Maven Central)"
    exit 1
  fi
  mv -f "$CLASSPATH_FILE.$$" "$CLASSPATH_FILE"
  say "driver built in $(since "$t") s"
}
mkdir -p "$HARNESS/target"
if command -v flock >/dev/null 2>&1; then
  # Two runs at once build one after the other.
  exec 9>"$HARNESS/target/.build.lock"
  flock 9
  build_driver
  flock -u 9
  exec 9>&-
else
  build_driver
fi
DRIVER_CP="$HARNESS/target/classes:$(cat "$CLASSPATH_FILE")"
read -r -a JVM_FLAGS <<<"$(sed -n 's:.*<runtime.jvm.flags>\(.*\)</runtime.jvm.flags>.*:\1:p' "$HARNESS/pom.xml")"

DRIVER_ARGS=(--module "$MODULE" --input "$INPUT" --timeout-s "$TIMEOUT_S")
[ -z "$EXPECTED" ] || DRIVER_ARGS+=(--expected "$EXPECTED")
if [ -n "$URL" ]; then DRIVER_ARGS+=(--url "$URL"); fi

# The module, the input and the expected lines are checked before anything starts.
set +e
check="$(java -Xmx128m -cp "$DRIVER_CP" statefun.runtime.Main --check "${DRIVER_ARGS[@]}" 2>"$OUT/check.log")"
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
  printf '%s\n' "$check" | sed 's/^error: //' | while IFS= read -r line; do say "$line"; done >&2
  [ "$rc" -eq 2 ] && exit 2
  print_log "$OUT/check.log" "driver log" 50
  exit 1
fi
say "$check"

# ---------------------------------------------------------------------------------------------
# 2. The service (started first: it may compile), the Kafka broker, then wait for the service.
# ---------------------------------------------------------------------------------------------
if [ -n "$SERVICE" ]; then
  SERVICE_PORT="$(free_port)"
  say "service: bash -c '$SERVICE' with PORT=$SERVICE_PORT HOST=127.0.0.1 (log: $OUT/service.log)"
  # Its own process group (setsid), so that stopping it also stops what it started (cargo run).
  if command -v setsid >/dev/null 2>&1; then
    PORT="$SERVICE_PORT" HOST=127.0.0.1 setsid bash -c "$SERVICE" </dev/null >"$OUT/service.log" 2>&1 &
  else
    SERVICE_GROUP=0
    PORT="$SERVICE_PORT" HOST=127.0.0.1 bash -c "$SERVICE" </dev/null >"$OUT/service.log" 2>&1 &
  fi
  SERVICE_PID=$!
  DRIVER_ARGS+=(--service-base "http://127.0.0.1:$SERVICE_PORT")
fi
KAFKA_T="$(now)"
start_kafka "$OUT/kafka"
KAFKA_S="$(since "$KAFKA_T")"
if [ -n "$SERVICE" ]; then
  t="$(now)"
  wait_listening "$SERVICE_PORT" "$SERVICE_PID" "${RUNTIME_SERVICE_WAIT_S:-600}" "the service" "$OUT/service.log"
  say "service listening on 127.0.0.1:$SERVICE_PORT (pid $SERVICE_PID; waited $(since "$t") s more)"
fi

# ---------------------------------------------------------------------------------------------
# 3. The job: the driver's JVM (runtime and MiniCluster); stdout egress lines and the summary.
# ---------------------------------------------------------------------------------------------
DRIVER_ARGS+=(--kafka "$KAFKA" --out "$OUT")
[ "$INDUCE" -eq 0 ] || DRIVER_ARGS+=(--induce-failure)
mkdir -p "$OUT/java-tmp"
say "starting the StateFun runtime (log: $OUT/jvm.log)"
JOB_T="$(now)"
set +e
java "${JVM_FLAGS[@]}" "-Xmx${RUNTIME_HEAP:-768m}" "-Djava.io.tmpdir=$OUT/java-tmp" \
  -Dlog4j.configuration=statefun-runtime-log4j.properties -cp "$DRIVER_CP" \
  statefun.runtime.Main "${DRIVER_ARGS[@]}" 2>"$OUT/jvm.log" &
JVM_PID=$!
service_died=0
while kill -0 "$JVM_PID" 2>/dev/null; do
  if [ -n "$SERVICE_PID" ] && ! kill -0 "$SERVICE_PID" 2>/dev/null; then
    service_died=1
    say "the service exited during the run: stopping the job"
    stop_pid "$JVM_PID" 5
    break
  fi
  sleep 0.2
done
wait "$JVM_PID"
rc=$?
set -e
JVM_PID=""
[ "$service_died" -eq 0 ] || rc=1

if [ "$rc" -ne 0 ]; then
  print_log "$OUT/jvm.log" "JVM log" 80
  [ -z "$SERVICE" ] || print_log "$OUT/service.log" "service log" 60
fi
verdict=PASS
[ "$rc" -eq 0 ] || verdict="FAIL (exit $rc)"
say "$verdict; wall time $(since "$START") s (Kafka start $KAFKA_S s, job $(since "$JOB_T") s)"
say "module as run: $OUT/module.yaml; egress: $OUT/egress.jsonl; logs: $OUT"
exit "$rc"
