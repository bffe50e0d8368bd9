#!/usr/bin/env bash
# The tracing proof on the real StateFun 3.3.0 runtime (issue 28; docs/operations.md,
# "Tracing"): the chain of chain.rs (ingress -> trace/a -> trace/b -> delayed trace/c ->
# Kafka egress) served by the example trace_chain with the `otel` feature, run by
# runtime/run.sh with --induce-failure against chain-expected.jsonl (exactly-once output), its
# spans sent over OTLP/HTTP to otlp_receiver.py, which then checks that each record's path is
# one trace with the right parent links. With --probe, the experiment of docs/conformance.md
# ("An extra field in TypedValue through the runtime") runs first: probe.rs, module.yaml,
# input.jsonl, expected.jsonl.
#
#   tests/trace-metadata/run.sh [--probe]
#
# Prints each step and ends with "trace-metadata: N passed, N failed"; exit 0 if all passed.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/statefun-trace-metadata.XXXXXX")"
probe=""
[ "${1:-}" = "--probe" ] && probe=1
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "[trace-metadata] ok: $*"; }
not_ok() { failed=$((failed + 1)); echo "[trace-metadata] FAILED: $*"; }
receiver=""
cleanup() {
  if [ -n "$receiver" ]; then kill "$receiver" 2>/dev/null || true; wait "$receiver" 2>/dev/null || true; fi
}
trap cleanup EXIT

# The example's executable, from cargo's own report of what it built. With every feature, as
# the test command builds the examples: after it, nothing is compiled again.
build() { # example
  (cd "$ROOT" && cargo build --quiet --example "$1" --all-features --message-format=json \
    >"$WORK/cargo-$1.json" 2>"$WORK/cargo-$1.log") || { cat "$WORK/cargo-$1.log"; exit 1; }
  grep '"kind":\["example"\]' "$WORK/cargo-$1.json" | grep "\"name\":\"$1\"" \
    | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1
}

t0="$(date +%s)"
echo "[trace-metadata] work directory: $WORK"
chain="$(build trace_chain)"
echo "[trace-metadata] built $chain in $(($(date +%s) - t0)) s"

if [ -n "$probe" ]; then
  probe_bin="$(build trace_metadata_probe)"
  t="$(date +%s)"
  if "$ROOT/runtime/run.sh" --module "$HERE/module.yaml" --service "$probe_bin" \
    --input "$HERE/input.jsonl" --expected "$HERE/expected.jsonl" --induce-failure \
    --out "$WORK/probe" >"$WORK/probe.log" 2>&1; then
    ok "the experiment: field 4 kept in messages, also delayed across a restore, dropped from state ($(($(date +%s) - t)) s)"
  else
    tail -n 40 "$WORK/probe.log"
    not_ok "the experiment (log: $WORK/probe.log)"
  fi
fi

python3 "$HERE/otlp_receiver.py" serve "$WORK/spans.jsonl" "$WORK/receiver.port" &
receiver=$!
for _ in $(seq 50); do [ -s "$WORK/receiver.port" ] && break; sleep 0.1; done
port="$(cat "$WORK/receiver.port")"
echo "[trace-metadata] OTLP receiver on 127.0.0.1:$port"

t="$(date +%s)"
service="OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$port OTEL_BSP_SCHEDULE_DELAY=100 OTEL_SERVICE_NAME=trace-chain RUST_LOG=info $chain"
if "$ROOT/runtime/run.sh" --module "$HERE/chain-module.yaml" --service "$service" \
  --input "$HERE/chain-input.jsonl" --expected "$HERE/chain-expected.jsonl" --induce-failure \
  --out "$WORK/chain" >"$WORK/chain.log" 2>&1; then
  ok "the chain on the real runtime, with a restart: $(grep -o 'restarts: [0-9]*' "$WORK/chain/summary.txt") ($(($(date +%s) - t)) s)"
else
  tail -n 40 "$WORK/chain.log"
  not_ok "the chain on the real runtime (log: $WORK/chain.log)"
fi

# The service flushed its spans when runtime/run.sh stopped it.
ids="$(sed -n 's/.*"key": "\([^"]*\)".*/\1/p' "$HERE/chain-input.jsonl")"
# shellcheck disable=SC2086
if python3 "$HERE/otlp_receiver.py" check "$WORK/spans.jsonl" $ids; then
  ok "one trace per record: trace/a (root) -> trace/b -> delayed trace/c, no orphan span"
else
  not_ok "the trace shape (spans: $WORK/spans.jsonl)"
fi

echo "[trace-metadata] $(($(date +%s) - t0)) s in all"
echo "trace-metadata: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
