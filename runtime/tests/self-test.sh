#!/usr/bin/env bash
# Self-test of runtime/run.sh: the fixture in runtime/tests/counter (examples/e2e_functions.rs's
# command interpreter e2e/cmd over Kafka, exactly-once egress) run once plain and once with
# --induce-failure, both against expected.jsonl; then the error paths, which must exit 2 with
# their message before anything starts: an input line without a key, a topic no ingress reads, a
# direct message to a function, a Kinesis document in module.yaml, and mvn missing from PATH.
#
#   runtime/tests/self-test.sh                  # builds the example with cargo first
#   RUNTIME_SERVICE=path/to/binary runtime/tests/self-test.sh
#
# Prints one line per check and ends with "self-test: N passed, N failed"; exit 0 if all passed.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RUN="$ROOT/runtime/run.sh"
FIXTURE="$HERE/counter"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/statefun-runtime-self-test.XXXXXX")"
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "[self-test] ok: $*"; }
not_ok() { failed=$((failed + 1)); echo "[self-test] FAILED: $*"; }

service="${RUNTIME_SERVICE:-}"
if [ -z "$service" ]; then
  echo "[self-test] cargo build --example e2e_functions --all-features"
  (cd "$ROOT" && cargo build --quiet --example e2e_functions --all-features --message-format=json \
    >"$WORK/cargo.json" 2>"$WORK/cargo.log") || { cat "$WORK/cargo.log"; exit 1; }
  service="$(grep '"kind":\["example"\]' "$WORK/cargo.json" | grep '"name":"e2e_functions"' \
    | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1)"
  [ -x "$service" ] || { echo "[self-test] no e2e_functions executable in cargo's output"; exit 1; }
fi
echo "[self-test] service: $service; work directory: $WORK"

# A full run: exit 0, and the summary says what it must.
full_run() { # name, extra options...
  local name="$1" t rc=0
  shift
  t="$(date +%s)"
  "$RUN" --module "$FIXTURE/module.yaml" --service "$service" --input "$FIXTURE/input.jsonl" \
    --expected "$FIXTURE/expected.jsonl" --out "$WORK/$name" "$@" >"$WORK/$name.log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    tail -n 60 "$WORK/$name.log"
    not_ok "$name run: exit $rc, expected 0 (log: $WORK/$name.log)"
    return
  fi
  if [ "$(wc -l <"$WORK/$name/egress.jsonl")" -ne 26 ]; then
    not_ok "$name run: egress.jsonl has $(wc -l <"$WORK/$name/egress.jsonl") lines, expected 26"
    return
  fi
  ok "$name run passed in $(($(date +%s) - t)) s: $(grep -o 'restarts: [0-9]*' "$WORK/$name/summary.txt")"
}

full_run plain
if grep -q 'restarts: 0' "$WORK/plain/summary.txt" 2>/dev/null; then ok "plain run: no restart"; else not_ok "plain run: a restart"; fi
full_run induced --induce-failure
if grep -q 'restarts: 1 (the failure was induced' "$WORK/induced/summary.txt" 2>/dev/null; then
  ok "induced run: one restart, induced"
else
  not_ok "induced run: the summary shows no induced restart"
fi

# An error path: exit 2 and the message, before any broker or service starts.
expect_usage_error() { # name, message (grep -F), run.sh options...
  local name="$1" message="$2" rc=0
  shift 2
  "$RUN" --out "$WORK/$name" "$@" >"$WORK/$name.log" 2>&1 || rc=$?
  if [ "$rc" -ne 2 ]; then
    not_ok "$name: exit $rc, expected 2 (log: $WORK/$name.log)"
  elif ! grep -qF -- "$message" "$WORK/$name.log"; then
    cat "$WORK/$name.log"
    not_ok "$name: exit 2 but no \"$message\""
  elif [ -e "$WORK/$name/kafka" ] || [ -e "$WORK/$name/service.log" ]; then
    not_ok "$name: started a broker or the service before failing"
  else
    ok "$name: exit 2, $(grep -F -- "$message" "$WORK/$name.log" | head -n 1 | cut -c 1-110)"
  fi
}

printf '{"topic": "commands", "key": "a", "value": 1}\n\n{"topic": "commands", "value": 2}\n' >"$WORK/no-key.jsonl"
expect_usage_error no-key "no-key.jsonl line 3: the record has no key" \
  --module "$FIXTURE/module.yaml" --service "$service" --input "$WORK/no-key.jsonl"
printf '{"topic": "greet", "key": "a", "value": {"name": "A"}}\n' >"$WORK/unknown-topic.jsonl"
expect_usage_error unknown-topic 'unknown-topic.jsonl line 1: topic "greet" is read by no Kafka ingress' \
  --module "$FIXTURE/module.yaml" --service "$service" --input "$WORK/unknown-topic.jsonl"
printf '{"target": "e2e/cmd/a", "typename": "e2e/Greet", "value": {}}\n' >"$WORK/direct.jsonl"
expect_usage_error direct-message "direct.jsonl line 1: a message addressed to a function" \
  --module "$FIXTURE/module.yaml" --service "$service" --input "$WORK/direct.jsonl"
{
  cat "$FIXTURE/module.yaml"
  printf -- '---\nkind: io.statefun.kinesis.v1/egress\nspec:\n  id: e2e/kinesis\n'
} >"$WORK/kinesis-module.yaml"
expect_usage_error kinesis "kinesis-module.yaml document 4 (kind io.statefun.kinesis.v1/egress, id e2e/kinesis)" \
  --module "$WORK/kinesis-module.yaml" --service "$service" --input "$FIXTURE/input.jsonl"
expect_usage_error both-service-and-url "give --service or --url, not both" \
  --module "$FIXTURE/module.yaml" --service "$service" --url http://127.0.0.1:1/ --input "$FIXTURE/input.jsonl"

# mvn missing: a PATH of links to every command of the real PATH but mvn.
mkdir -p "$WORK/path-without-mvn"
IFS=: read -r -a dirs <<<"$PATH"
for d in "${dirs[@]}"; do
  [ -d "$d" ] || continue
  for f in "$d"/*; do
    name="$(basename "$f")"
    [ "$name" != mvn ] && [ -x "$f" ] && [ ! -e "$WORK/path-without-mvn/$name" ] \
      && ln -s "$f" "$WORK/path-without-mvn/$name"
  done
done
rc=0
PATH="$WORK/path-without-mvn" "$RUN" --module "$FIXTURE/module.yaml" --service "$service" \
  --input "$FIXTURE/input.jsonl" --out "$WORK/no-mvn" >"$WORK/no-mvn.log" 2>&1 || rc=$?
if [ "$rc" -eq 2 ] && grep -qF 'missing: mvn' "$WORK/no-mvn.log" \
  && grep -qF 'apt-get install default-jdk-headless maven' "$WORK/no-mvn.log"; then
  ok "no mvn on PATH: exit 2, $(grep -F 'missing' "$WORK/no-mvn.log")"
else
  cat "$WORK/no-mvn.log"
  not_ok "no mvn on PATH: exit $rc"
fi

echo "[self-test] logs and run directories: $WORK"
echo "self-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
