#!/usr/bin/env bash
# Instructions per request of `Handler::handle` on the greeter request (benches/handle_loop.rs)
# under callgrind, for builds side by side: (Ir(2N) - Ir(N)) / N, start-up cancelled; each
# build REPEATS times (default 3), alternating. Counts move by a few instructions between
# runs, not by percents: the figure for changes the CPU time of a shared machine cannot
# resolve (docs/benchmarks.md).
#
#   benches/instructions.sh                 # the default build beside `--features otel`
#   BUILDS="default otel otel-export" benches/instructions.sh
#   BASE=c1ae8df BUILDS="base default" benches/instructions.sh   # before and after a change
#
# BUILDS: any of default (the default features), otel (the `otel` feature compiled in, the
# export not set up), otel-export (the OpenTelemetry layer installed, spans made and
# dropped), base (the default features at commit BASE: its tree is checked out into
# target/bench-instructions/base and built there with this checkout's handle_loop.rs). BATCHES (default "1 100"): invocations per request. Prints one line per run and
# the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILDS=${BUILDS:-default otel}
BATCHES=${BATCHES:-1 100}
REPEATS=${REPEATS:-3}
BIN=target/bench-instructions
mkdir -p "$BIN"
if [[ " $BUILDS " == *" base "* ]]; then
  [ -n "${BASE:-}" ] || { echo "BUILDS has base: set BASE to a commit" >&2 && exit 1; }
  rm -rf "$BIN/base" && mkdir -p "$BIN/base"
  git archive "$BASE" | tar -x -C "$BIN/base"
  cp benches/handle_loop.rs "$BIN/base/benches/"
  grep -q '^name = "handle-loop"' "$BIN/base/Cargo.toml" ||
    printf '\n[[example]]\nname = "handle-loop"\npath = "benches/handle_loop.rs"\n' >>"$BIN/base/Cargo.toml"
  (cd "$BIN/base" && CARGO_TARGET_DIR=../base-target cargo build --release --quiet --example handle-loop)
  cp "$BIN/base-target/release/examples/handle-loop" "$BIN/handle-loop-base"
fi
for build in $BUILDS; do
  case $build in
  base) continue ;;
  default) features=() ;;
  otel | otel-export) features=(--features otel) ;;
  *) echo "unknown build $build" >&2 && exit 1 ;;
  esac
  cargo build --release --quiet --example handle-loop "${features[@]}"
  cp target/release/examples/handle-loop "$BIN/handle-loop-${features[1]:-default}"
done

ir() { # build batch rounds -> instructions of the whole run
  local build=$1 binary=$BIN/handle-loop-default settings=()
  case $build in
  base) binary=$BIN/handle-loop-base ;;
  otel) binary=$BIN/handle-loop-otel ;;
  otel-export) binary=$BIN/handle-loop-otel settings=(OTEL=export) ;;
  esac
  env "${settings[@]}" valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    "$binary" "$2" "$3" 2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

results=$(mktemp)
for batch in $BATCHES; do
  n=$((batch == 1 ? 20000 : 1000))
  [ "$batch" -ge 1000 ] && n=100
  for repeat in $(seq 1 "$REPEATS"); do
    for build in $BUILDS; do
      once=$(ir "$build" "$batch" "$n")
      twice=$(ir "$build" "$batch" $((2 * n)))
      per_request=$(((twice - once) / n))
      echo "batch=$batch repeat=$repeat build=$build instructions/request=$per_request"
      echo "$batch $build $per_request" >>"$results"
    done
  done
done
echo "medians:"
for batch in $BATCHES; do
  for build in $BUILDS; do
    median=$(awk -v b="$batch" -v s="$build" '$1 == b && $2 == s {print $3}' "$results" | sort -n |
      awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
    echo "batch=$batch build=$build instructions/request=$median"
  done
done
rm -f "$results"
