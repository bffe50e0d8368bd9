#!/usr/bin/env bash
# Runs each fuzz target for a bounded time on the stable toolchain (libFuzzer through
# cargo-fuzz with `--sanitizer none`: only the stable SanitizerCoverage flags, no -Z).
#
#   fuzz/run.sh                              # every target, 60 s each
#   FUZZ_SECONDS=300 fuzz/run.sh             # 5 minutes each
#   FUZZ_TARGETS=handler_bytes fuzz/run.sh   # one target
#   FUZZ_RUNS=10000000 fuzz/run.sh           # each target to 10 million executions, no time limit
#
# Corpora are kept in fuzz/corpus/<target> between runs (not committed), crashes in
# fuzz/artifacts/<target>, logs in fuzz/logs. Prints per target: executions, exec/s,
# corpus size, crashes, and the outcome kinds of the corpus. Exits 1 if a target crashed.
set -euo pipefail
cd "$(dirname "$0")"

seconds=${FUZZ_SECONDS:-60}
runs=${FUZZ_RUNS:-}
targets=${FUZZ_TARGETS:-"handler_structured handler_bytes wrapper_decoding"}
# -a: debug assertions (integer overflow checks) in the SDK under test.
flags=(-s none -a)
# Bounded: time (or a number of executions), memory per process, time per input.
if [ -n "$runs" ]; then
  bound=(-runs="$runs")
  budget="$runs executions"
else
  bound=(-max_total_time="$seconds")
  budget="${seconds}s"
fi
libfuzzer=("${bound[@]}" -rss_limit_mb=2048 -timeout=10 -max_len=65536 -print_final_stats=1 -dict="$PWD/statefun.dict")

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "==> installing cargo-fuzz (crates.io)"
  cargo install cargo-fuzz --locked
fi
echo "==> building the targets on $(rustc --version)"
cargo fuzz build "${flags[@]}"
mkdir -p logs
for target in $targets; do
  # `ls` of a missing folder would end the script (pipefail).
  mkdir -p "corpus/$target" "artifacts/$target"
done

failed=0
summary=()
for target in $targets; do
  if [ "$target" = handler_bytes ] && [ -n "$(ls -A corpus/handler_structured)" ]; then
    echo "==> seeding handler_bytes with the encoded requests of the structured corpus"
    STATEFUN_FUZZ_SEEDS="$PWD/corpus/handler_bytes" \
      cargo fuzz run "${flags[@]}" handler_structured -- -runs=0 >/dev/null 2>&1 || true
  fi
  echo "==> $target for $budget"
  before=$(ls artifacts/"$target" 2>/dev/null | wc -l)
  status=0
  cargo fuzz run "${flags[@]}" "$target" -- "${libfuzzer[@]}" >"logs/$target.log" 2>&1 || status=$?
  after=$(ls artifacts/"$target" 2>/dev/null | wc -l)
  executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "logs/$target.log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "logs/$target.log" | tail -1)
  corpus=$(ls corpus/"$target" | wc -l)
  crashes=$((after - before))
  if [ "$status" -ne 0 ]; then
    failed=1
    echo "!! $target failed (exit $status): see fuzz/logs/$target.log and fuzz/artifacts/$target"
    grep -E "panicked|ERROR|SUMMARY" "logs/$target.log" | head -5 || true
  fi
  echo "==> outcomes of the $target corpus"
  STATEFUN_FUZZ_STATS=1 cargo fuzz run "${flags[@]}" "$target" -- -runs=0 2>&1 \
    | sed -n '/^statefun-fuzz outcomes/,$p' | tee "logs/$target.outcomes"
  summary+=("$(printf '%-20s %12s runs %8s exec/s %6s corpus %3s new crashes (exit %s)' \
    "$target" "${executed:-?}" "${speed:-?}" "$corpus" "$crashes" "$status")")
done

echo
echo "==> summary ($(rustc --version), $budget per target)"
printf '%s\n' "${summary[@]}"
exit "$failed"
