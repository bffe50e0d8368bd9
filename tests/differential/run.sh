#!/usr/bin/env bash
# The differential suite against the official Python SDK (docs/conformance.md): installs the
# pinned Python SDK from PyPI into a virtual environment under target/, then runs the ignored
# test `differential_against_the_python_sdk`.
#
#   tests/differential/run.sh                                   # as in CI: 3000 inputs, fixed seed
#   STATEFUN_DIFF_CASES=100000 tests/differential/run.sh        # a longer run
#   STATEFUN_DIFF_SEED=0x1234 tests/differential/run.sh         # another seed
#
# A difference that no row of the table in docs/conformance.md explains fails the run; its
# request is saved under tests/differential/regressions/ and replayed by every later run.
set -euo pipefail
cd "$(dirname "$0")/../.."

python=${PYTHON:-python3}
venv=${STATEFUN_DIFF_VENV:-target/differential-venv}
requirements=tests/differential/requirements.txt

if ! command -v "$python" >/dev/null 2>&1; then
  echo "$python is missing: install Python 3 with its venv module (Debian: python3 python3-venv)" >&2
  exit 1
fi
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$requirements" "$venv/requirements.txt"; then
  echo "==> installing the Python SDK into $venv (PyPI, $($python --version))"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$venv/requirements.txt"
fi

export STATEFUN_DIFF_PYTHON="$PWD/$venv/bin/python"
echo "==> differential suite: ${STATEFUN_DIFF_CASES:-3000} mutations, seed ${STATEFUN_DIFF_SEED:-default}"
cargo test --all-features --test differential -- --ignored --nocapture differential_against_the_python_sdk
