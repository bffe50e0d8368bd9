#!/usr/bin/env bash
# Bounded soak test (docs/robustness.md): builds the soak example in release mode and runs
# it: SOAK_WARMUP (30 s) + SOAK_SECONDS (180 s) of mixed load on 127.0.0.1 against a
# greeter-like service in a child process, sampling its RSS every SOAK_SAMPLE (5 s).
# Prints a markdown report; exits 1 on any unexpected answer or RSS growth >= 10%.
#
#   scripts/soak.sh
#   SOAK_SECONDS=600 SOAK_CLIENTS=8 scripts/soak.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --example soak
exec timeout --kill-after=10 $(( ${SOAK_WARMUP:-30} + ${SOAK_SECONDS:-180} + 120 )) \
  target/release/examples/soak drive
