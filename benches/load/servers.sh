# shellcheck shell=bash
# The load benchmark's servers, one table for run.sh, callgrind.sh and cold.sh (sourced).
# `server NAME` sets `server_env` (VAR=value settings, for `env` or a wrapper such as
# valgrind that must not run `env` itself) and `server_cmd` (the command line). Uses BIN
# (the Rust servers), PEERS (run.sh's target/bench-peers) and, for before*, BEFORE_BIN.
# shellcheck disable=SC2034 # server_env and server_cmd are read by the scripts that source this
server() { # name
  server_env=()
  case $1 in
  statefun) server_cmd=("$BIN/load-greeter") ;;
  statefun-metrics) server_cmd=("$PEERS/load-greeter-metrics") ;;
  statefun-info) server_env=(LOG=info) server_cmd=("$BIN/load-greeter") ;;
  statefun-json) server_env=(LOG=info STATEFUN_LOG_FORMAT=json) server_cmd=("$BIN/load-greeter") ;;
  statefun-fmt) server_env=(LOG=fmt) server_cmd=("$BIN/load-greeter") ;;
  statefun-1w) server_env=(WORKERS=1) server_cmd=("$BIN/load-greeter") ;;
  before) server_cmd=("$BEFORE_BIN/load-greeter") ;;
  before-info) server_env=(LOG=info) server_cmd=("$BEFORE_BIN/load-greeter") ;;
  before-json) server_env=(LOG=info STATEFUN_LOG_FORMAT=json) server_cmd=("$BEFORE_BIN/load-greeter") ;;
  statefun-hyper) server_cmd=("$BIN/load-greeter-hyper") ;;
  statefun-hyper-1w) server_env=(WORKERS=1) server_cmd=("$BIN/load-greeter-hyper") ;;
  statefun-hyper-lean) server_env=(HEADER_READ_TIMEOUT=off) server_cmd=("$BIN/load-greeter-hyper") ;;
  bare-actix) server_cmd=("$BIN/load-bare-actix") ;;
  actix-prost) server_env=(HANDLER=prost) server_cmd=("$BIN/load-bare-actix") ;;
  actix-handler) server_env=(HANDLER=statefun) server_cmd=("$BIN/load-bare-actix") ;;
  python) server_cmd=("$PEERS/python/venv/bin/python" benches/peers/python/greeter.py) ;;
  js) server_env=(NODE_PATH="$PEERS/js/node_modules") server_cmd=(node "$PEERS/js/greeter.js") ;;
  go) server_cmd=("$PEERS/go/greeter") ;;
  java) server_cmd=(java -cp "$PEERS/java/target/classes:$PEERS/java/target/dependency/*" bench.Greeter) ;;
  *) echo "unknown server $1" >&2 && return 1 ;;
  esac
}
