#!/usr/bin/env bash
# AWS Lambda, measured locally: the release artifact of examples/lambda_greeter.rs as
# `cargo lambda build --release` makes it (its size), then in cargo-lambda's emulator of the
# Lambda service (`cargo lambda watch --only-lambda-apis`: the Runtime API the function polls,
# and function URLs) its cold start, from starting the process to its first answer through the
# function URL, and warm requests, one after the other on one connection. See
# docs/benchmarks.md, "AWS Lambda".
#
#   benches/load/lambda.sh                 # build, then REPEATS=11 starts of WARM=200 requests
#   REPEATS=3 WARM=50 benches/load/lambda.sh
#
# The request is the conformance vector a-greeter (demo/greeter/alice with its `seen` state, a
# string argument: 110 bytes), answered 200 with the state's mutation. The function runs as
# Lambda starts it: the variables the Lambda service sets (128 MB), the example's logging
# (statefun::logging::init() at INFO, which writes the greeter's one line per message). The
# function runs on SERVICE_CPUS (default 1), the emulator and curl on LOAD_CPUS (default 0).
# The cold start runs from starting the process (the request already waiting in the
# emulator) to curl's exit with the answer.
#
# Settings (environment): REPEATS, WARM, SERVICE_CPUS, LOAD_CPUS, OUT (default
# target/bench-results/lambda), COMPILER (cargo lambda's --compiler: zig when `zig` is on PATH,
# else cargo, a native x86_64 build; COMPILER=zig also works with the Zig that cargo-lambda's
# PyPI package brings, `ziglang`, without `zig` on PATH), CARGO_LAMBDA_VENV (where `pip install cargo-lambda` goes
# when `cargo lambda` is missing, default target/bench-peers/lambda/venv).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=${OUT:-$ROOT/target/bench-results/lambda}
REPEATS=${REPEATS:-11}
WARM=${WARM:-200}
SERVICE_CPUS=${SERVICE_CPUS:-1}
LOAD_CPUS=${LOAD_CPUS:-0}
CARGO_LAMBDA_VENV=${CARGO_LAMBDA_VENV:-$ROOT/target/bench-peers/lambda/venv}
REQUEST=$ROOT/tests/conformance/vectors/a-greeter/request.bin
log() { printf '==> %s\n' "$*" >&2; }
mkdir -p "$OUT"

if ! cargo lambda --version >/dev/null 2>&1; then
  if [ ! -x "$CARGO_LAMBDA_VENV/bin/cargo-lambda" ]; then
    log "cargo-lambda (PyPI) into $CARGO_LAMBDA_VENV"
    python3 -m venv "$CARGO_LAMBDA_VENV"
    "$CARGO_LAMBDA_VENV/bin/pip" install --quiet --disable-pip-version-check cargo-lambda
  fi
  PATH=$CARGO_LAMBDA_VENV/bin:$PATH
fi
if [ -z "${COMPILER:-}" ]; then
  if command -v zig >/dev/null 2>&1; then COMPILER=zig; else COMPILER=cargo; fi
fi

log "cargo lambda build --release --example lambda_greeter --features lambda --compiler $COMPILER ($(cargo lambda --version))"
t0=$(date +%s)
CARGO_INCREMENTAL=0 nice -n 5 cargo lambda build --release --example lambda_greeter --features lambda \
  --compiler "$COMPILER" -j1 --lambda-dir "$OUT/artifact" >"$OUT/build.log" 2>&1 ||
  { tail -n 40 "$OUT/build.log" >&2 && exit 1; }
BIN=$OUT/artifact/lambda_greeter/bootstrap
SIZE=$(stat -c %s "$BIN")
log "artifact: $BIN, $SIZE bytes ($(file -b "$BIN" | cut -d, -f1-2)), built in $(($(date +%s) - t0)) s"

# ---------------------------------------------------------------- the emulator
EMU="" FN=""
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  if [ -n "$FN" ]; then kill -TERM "$FN" 2>/dev/null || true; wait "$FN" 2>/dev/null || true; fi
  if [ -n "$EMU" ]; then kill -TERM "$EMU" 2>/dev/null || true; wait "$EMU" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
taskset -c "$LOAD_CPUS" cargo lambda watch --only-lambda-apis --ignore-changes \
  --invoke-address 127.0.0.1 --invoke-port "$PORT" >"$OUT/emulator.log" 2>&1 &
EMU=$!
for _ in $(seq 1 120); do
  if (: >"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then break; fi
  kill -0 "$EMU" 2>/dev/null || { cat "$OUT/emulator.log" >&2 && exit 1; }
  sleep 0.25
done
URL=http://127.0.0.1:$PORT/lambda-url/_/statefun
log "emulator on 127.0.0.1:$PORT (pid $EMU), function URL $URL"

# ---------------------------------------------------------------- starts
CURL=(taskset -c "$LOAD_CPUS" curl -sS -H 'content-type: application/octet-stream' --data-binary "@$REQUEST")
WARM_ARGS=()
for ((i = 0; i < WARM; i++)); do WARM_ARGS+=(-o /dev/null "$URL"); done
printf 'start\tcold_ms\twarm_p50_ms\twarm_p99_ms\twarm_mean_ms\tcpu_ms\tpeak_rss_kib\n' >"$OUT/results.tsv"
for ((r = 1; r <= REPEATS; r++)); do
  # The first request goes out before the process starts: the emulator holds it until the
  # function asks for its first invocation, so curl's own start is not in the figure.
  "${CURL[@]}" -o /dev/null -w '%{http_code}' --max-time 30 "$URL" >"$OUT/first-status" 2>&1 &
  first=$!
  sleep 0.5
  t0=${EPOCHREALTIME/./}
  AWS_LAMBDA_RUNTIME_API=http://127.0.0.1:$PORT/.rt AWS_LAMBDA_FUNCTION_NAME=_ \
    AWS_LAMBDA_FUNCTION_VERSION=1 AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128 \
    taskset -c "$SERVICE_CPUS" "$BIN" >>"$OUT/function.log" 2>&1 &
  FN=$!
  wait "$first" || true
  t1=${EPOCHREALTIME/./}
  status=$(cat "$OUT/first-status")
  [ "$status" = 200 ] || { echo "start $r: the first answer was HTTP $status" >&2 && tail -n 20 "$OUT/function.log" >&2 && exit 1; }
  times=$("${CURL[@]}" -w '%{http_code} %{time_total}\n' "${WARM_ARGS[@]}")
  if grep -qv '^200 ' <<<"$times"; then echo "start $r: a warm request was not answered 200" >&2 && exit 1; fi
  read -r line <"/proc/$FN/stat"
  read -r -a f <<<"${line##*) }"
  cpu_ms=$(((f[11] + f[12]) * 1000 / $(getconf CLK_TCK)))
  rss=$(awk '/^VmHWM/ {print $2}' "/proc/$FN/status")
  kill -TERM "$FN" 2>/dev/null || true
  wait "$FN" 2>/dev/null || true
  FN=""
  awk -v r="$r" -v cold="$(((t1 - t0) / 1000))" -v cpu="$cpu_ms" -v rss="$rss" '
    { t[++n] = $2 * 1000; s += $2 * 1000 }
    END {
      for (i = 2; i <= n; i++) { x = t[i]; for (j = i - 1; j >= 1 && t[j] > x; j--) t[j + 1] = t[j]; t[j + 1] = x }
      p50 = t[int((n + 1) / 2)]; p99 = t[int(n * 0.99 + 0.5)]
      printf "%d\t%d\t%.2f\t%.2f\t%.2f\t%d\t%d\n", r, cold, p50, p99, s / n, cpu, rss
    }' <<<"$times" | tee -a "$OUT/results.tsv"
  sleep 1
done

log "artifact $SIZE bytes; medians over $REPEATS starts ($OUT/results.tsv)"
awk -F'\t' 'NR > 1 { for (c = 2; c <= 7; c++) v[c, ++n[c]] = $c }
  function med(c,   i, j, x, m, a) {
    m = n[c]; for (i = 1; i <= m; i++) a[i] = v[c, i]
    for (i = 2; i <= m; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
    return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
  }
  END { printf "cold start %s ms, warm p50 %.2f ms, p99 %.2f ms, mean %.2f ms, CPU of the process %s ms, peak RSS %s KiB\n",
    med(2), med(3), med(4), med(5), med(6), med(7) }' "$OUT/results.tsv" | tee "$OUT/medians.txt"
