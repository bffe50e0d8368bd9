#!/usr/bin/env bash
# Mutation testing with cargo-mutants (docs/testing.md, "Mutation testing").
#
#   scripts/mutants.sh BASE     the mutants in the lines changed since commit BASE
#                               (`git diff BASE`, uncommitted changes included): minutes
#   scripts/mutants.sh --full   every mutant of statefun-core, statefun-actix, the facade
#                               and statefun-macros: hours
#
# One cargo-mutants pass per crate, each skipped when the diff gives it no mutant: the core,
# the actix adapter and the facade with `.cargo/mutants.toml` (every workspace test but the
# trybuild suite), the macros with `.cargo/mutants-macros.toml` (every test, trybuild too).
# Each pass has two rounds. The first tests every mutant with the crate's own tests, which
# build in seconds; the second (`--iterate`) tests only the mutants the first missed, with
# every test of the workspace (a timeout is detected already). A mutant is missed only when
# the second misses it: the same verdict as one round with the workspace's tests, in a
# fraction of the time, since most mutants are caught by the tests next to their code.
# Prints a table per crate; exits 1 if a mutant outside the exclusions of those files was
# missed (or an unmutated baseline failed), 0 otherwise. Timeouts (most often a mutant that
# makes a loop endless) are listed, not failed.
#
# Environment:
#   MUTANTS_OUT         where the reports go (default target/mutants.out); each round writes
#                       <crate>/{own,workspace}/mutants.out/{caught,missed,timeout,unviable}.txt
#   MUTANTS_TIME_LIMIT  seconds for the whole run; the mutants left untested when it is
#                       reached are counted and reported, not failed (default: no limit)
#   MUTANTS_IN_PLACE=1  mutate the checkout itself instead of a copy: reuses its build as
#                       it is (CI); cargo-mutants restores each file, also when interrupted
#   MUTANTS_PROFILE     cargo profile (default: `mutants`, from the config files; CI passes
#                       `test` to reuse the build of `cargo test`)
#   MUTANTS_BASELINE    `skip` to skip the unmutated baseline run (CI: the tests just passed)
#   MUTANTS_TIMEOUT     test timeout per mutant in seconds (default: set by cargo-mutants
#                       from the baseline; with MUTANTS_BASELINE=skip, 300)
#   MUTANTS_BUILD_TIMEOUT  build timeout per mutant in seconds (default 900)
#   MUTANTS_PATHS       with BASE: the files whose changed lines are mutated, as git
#                       pathspecs separated by spaces (default `*.rs`: every changed file),
#                       e.g. 'statefun-core/src/http/*.rs src/logging*'
#   MUTANTS_NICE        niceness of the run (default 10: the machine is shared)
#   MUTANTS_LINKER      a linker for the mutants' builds, e.g. `mold` (`-fuse-ld=`): most
#                       of a mutant's time is linking test binaries (default: the system's)
#   MUTANTS_CRATES      the passes to run, of statefun-core statefun-actix facade
#                       statefun-macros (default: all four); e.g. a full run one crate at
#                       a time: MUTANTS_CRATES=facade scripts/mutants.sh --full
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

usage() {
  sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
[ $# -eq 1 ] || usage
case "$1" in
  -h | --help) usage ;;
  --full) base= ;;
  *) base=$1 ;;
esac

if ! cargo mutants --version >/dev/null 2>&1; then
  echo "cargo-mutants is missing: cargo install --locked cargo-mutants" >&2
  exit 2
fi

out=${MUTANTS_OUT:-$root/target/mutants.out}
case "$out" in /*) ;; *) out=$root/$out ;; esac
rm -rf "$out"
mkdir -p "$out"

args=(--build-timeout "${MUTANTS_BUILD_TIMEOUT:-900}")
if [ -n "$base" ]; then
  git rev-parse --verify --quiet "$base^{commit}" >/dev/null || {
    echo "mutants: no commit $base" >&2
    exit 2
  }
  read -r -a paths <<<"${MUTANTS_PATHS:-*.rs}"
  git diff "$base" -- "${paths[@]}" >"$out/diff"
  echo "mutants: lines changed since $(git rev-parse --short "$base") in ${paths[*]} ($(git diff --stat "$base" -- "${paths[@]}" | tail -1 | sed 's/^ *//'))"
  args+=(--in-diff "$out/diff")
fi
if [ "${MUTANTS_IN_PLACE:-0}" = 1 ]; then
  # One tree, so one mutant at a time (cargo-mutants refuses `--jobs` with `--in-place`).
  args+=(--in-place)
else
  args+=(-j 1)
  # The copies build into this checkout's target directory, so that dependencies built
  # once (in target/mutants/ for the `mutants` profile) serve every later run.
  export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
fi
[ -z "${MUTANTS_PROFILE:-}" ] || args+=(--profile "$MUTANTS_PROFILE")
if [ -n "${MUTANTS_LINKER:-}" ]; then
  export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-fuse-ld=$MUTANTS_LINKER"
fi
if [ "${MUTANTS_BASELINE:-run}" = skip ]; then
  args+=(--baseline skip --timeout "${MUTANTS_TIMEOUT:-300}")
elif [ -n "${MUTANTS_TIMEOUT:-}" ]; then
  args+=(--timeout "$MUTANTS_TIMEOUT")
fi

# crate name, package, config file
passes=(
  "statefun-core statefun-core .cargo/mutants.toml"
  "statefun-actix statefun-actix .cargo/mutants.toml"
  "facade statefun-sdk .cargo/mutants.toml"
  "statefun-macros statefun-macros .cargo/mutants-macros.toml"
)

start=$SECONDS
limit=${MUTANTS_TIME_LIMIT:-}
failed=0
untested_total=0
rows=()
all_crates=$(printf '%s\n' "${passes[@]}" | cut -d' ' -f1 | paste -sd' ')
crates=${MUTANTS_CRATES:-$all_crates}
for name in $crates; do
  [[ " $all_crates " == *" $name "* ]] || {
    echo "mutants: no crate $name in MUTANTS_CRATES ($all_crates)" >&2
    exit 2
  }
done
# The number of lines of OUTDIR/mutants.out/KIND.txt.
count() {
  if [ -f "$1/mutants.out/$2.txt" ]; then grep -c . "$1/mutants.out/$2.txt" || true; else echo 0; fi
}

# One cargo-mutants round of the current pass into OUTDIR, with the time left of
# MUTANTS_TIME_LIMIT; exits as cargo-mutants does, or 124 when the limit stopped it.
round() {
  local dir=$1
  shift
  local run=()
  if [ -n "$limit" ]; then
    local remaining=$((limit - (SECONDS - start)))
    [ "$remaining" -gt 30 ] || return 124
    run=(timeout --signal=INT --kill-after=120 "$remaining")
  fi
  mkdir -p "$dir"
  "${run[@]}" nice -n "${MUTANTS_NICE:-10}" cargo mutants "${pass_args[@]}" "$@" -o "$dir"
}

for pass in "${passes[@]}"; do
  read -r crate package config <<<"$pass"
  [[ " $crates " == *" $crate "* ]] || continue
  pass_args=("${args[@]}" --package "$package" --config "$config")
  # A refused command line must fail the run, not read as "no mutants".
  if ! listed=$(cargo mutants "${pass_args[@]}" --list); then
    echo "mutants: $crate: cargo mutants --list failed" >&2
    exit 2
  fi
  planned=$(grep -c . <<<"$listed" || true)
  if [ "$planned" -eq 0 ]; then
    continue
  fi
  echo "mutants: $crate: $planned mutants ($config)"
  pass_start=$SECONDS
  own=$out/$crate/own
  whole=$out/$crate/workspace
  # Round 1: the crate's own tests (`--test-package`; the config's test_workspace would
  # otherwise win).
  status=0
  round "$own" --test-package "$package" || status=$?
  caught=$(count "$own" caught)
  unviable=$(count "$own" unviable)
  # A timeout is detected already (the tests did not pass): only the missed go on.
  timeouts=$(count "$own" timeout)
  survivors=$(count "$own" missed)
  missed=0
  if [ "$status" = 124 ]; then
    # Round 1's survivors are unconfirmed until round 2 has run them: untested.
    echo "mutants: $crate: stopped at the time limit in round 1"
  elif [ "$survivors" -gt 0 ] && [[ "$status" =~ ^[023]$ ]]; then
    # Round 2: what round 1 missed, with every test of the workspace. `--iterate` skips
    # the mutants of round 1's caught.txt (its timeouts added) and unviable.txt.
    echo "mutants: $crate: $survivors mutants not caught by $package's own tests; now with the workspace's"
    rm -rf "$whole"
    mkdir -p "$whole"
    cp -r "$own/mutants.out" "$whole/"
    if [ -f "$own/mutants.out/timeout.txt" ]; then
      cat "$own/mutants.out/timeout.txt" >>"$whole/mutants.out/caught.txt"
    fi
    status=0
    round "$whole" --test-workspace=true --iterate || status=$?
    caught=$((caught + $(count "$whole" caught)))
    unviable=$((unviable + $(count "$whole" unviable)))
    missed=$(count "$whole" missed)
    timeouts=$((timeouts + $(count "$whole" timeout)))
  fi
  elapsed=$((SECONDS - pass_start))
  untested=$((planned - caught - missed - timeouts - unviable))
  untested_total=$((untested_total + untested))
  rows+=("$crate $planned $caught $missed $unviable $timeouts $untested $elapsed")
  case "$status" in
    0 | 2 | 3) ;;
    124) echo "mutants: $crate: stopped at the time limit, $untested mutants untested" ;;
    4)
      echo "mutants: $crate: the tests fail without any mutation (see the baseline.log in $out/$crate)" >&2
      failed=1
      ;;
    *)
      echo "mutants: $crate: cargo mutants failed (exit $status)" >&2
      failed=1
      ;;
  esac
  if [ "$missed" -gt 0 ]; then
    echo "mutants: $crate: MISSED (no test fails with this change; add a test, or an exclusion with its reason in $config):"
    sed 's/^/  /' "$whole/mutants.out/missed.txt"
    failed=1
  fi
  if [ "$timeouts" -gt 0 ]; then
    echo "mutants: $crate: timed out (counted as caught; check that each is a hang the mutant causes):"
    for list in "$own/mutants.out/timeout.txt" "$whole/mutants.out/timeout.txt"; do
      if [ -f "$list" ]; then sed 's/^/  /' "$list"; fi
    done
  fi
done

echo
echo "| crate | mutants | caught | missed | unviable | timeouts | untested | time (s) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
if [ ${#rows[@]} -eq 0 ]; then
  echo "| (no mutant in the changed lines) | 0 | 0 | 0 | 0 | 0 | 0 | 0 |"
fi
for row in "${rows[@]}"; do
  read -r crate planned caught missed unviable timeouts untested elapsed <<<"$row"
  echo "| $crate | $planned | $caught | $missed | $unviable | $timeouts | $untested | $elapsed |"
done
echo "mutants: $((SECONDS - start)) s in all; reports in $out"
if [ "$untested_total" -gt 0 ] && [ -n "$limit" ]; then
  echo "mutants: $untested_total mutants were not tested within MUTANTS_TIME_LIMIT=${limit}s: run scripts/mutants.sh ${base:---full} without a limit"
elif [ "$untested_total" -gt 0 ]; then
  echo "mutants: $untested_total mutants were not tested (see the errors above)"
fi
exit "$failed"
