# shellcheck shell=bash
# Shell pieces shared by runtime/run.sh and tests/e2e/run.sh: messages, logs, loopback ports,
# stopping processes by PID, the tool check, and the Kafka broker (one KRaft node on 127.0.0.1,
# from runtime/kafka/pom.xml). Source it from a script running under `set -euo pipefail`; set
# SAY_TAG first (the prefix of its messages) and, for Maven, the array MVN (default: mvn -B -q).

RUNTIME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_POM="$RUNTIME_DIR/kafka/pom.xml"

say() { printf '[%s] %s\n' "${SAY_TAG:-runtime}" "$*"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

print_log() { # file title [lines, default 3000]: the file's last lines between two rulers
  [ -f "$1" ] || return 0
  printf '\n----- %s (%s, last %s lines) -----\n' "$2" "$1" "${3:-3000}"
  tail -n "${3:-3000}" "$1"
  printf -- '----- end of %s -----\n\n' "$2"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

TAKEN_PORTS=" "
# Ports are drawn below the kernel's ephemeral range (32768-60999 by default), which outgoing
# connections take their local port from: a port drawn there could be taken by one (another
# process's, or a client's of ours) between this check and the bind ("Address already in use").
EPHEMERAL_LOW="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
if [ "${EPHEMERAL_LOW:-0}" -gt 22000 ] 2>/dev/null; then
  PORT_SPAN=$((EPHEMERAL_LOW - 20000))
else
  PORT_SPAN=40000
fi
free_port() { # a loopback port nobody listens on and this script has not handed out before
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % PORT_SPAN))
    case "$TAKEN_PORTS" in *" $p "*) continue ;; esac
    if ! port_in_use "$p"; then
      TAKEN_PORTS+="$p "
      echo "$p"
      return 0
    fi
  done
  echo "no free port found" >&2
  return 1
}

# Waits until 127.0.0.1:port listens; exits 1 with the log if the process ends first or the time
# runs out.
wait_listening() { # port pid seconds what log
  local port="$1" pid="$2" seconds="$3" what="$4" log="$5"
  for _ in $(seq $((seconds * 10))); do
    port_in_use "$port" && return 0
    if ! kill -0 "$pid" 2>/dev/null; then
      print_log "$log" "$what log" 200
      say "FAIL: $what exited before listening on 127.0.0.1:$port"
      exit 1
    fi
    sleep 0.1
  done
  print_log "$log" "$what log" 200
  say "FAIL: $what not listening on 127.0.0.1:$port after $seconds s"
  exit 1
}

stop_pid() { # pid [seconds to wait after TERM, default 10]: TERM, then KILL
  local pid="$1" wait_s="${2:-10}"
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq $((wait_s * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# The process group a `setsid` child leads (its PGID is its PID): TERM to the group, then KILL.
stop_group() { # pgid [seconds to wait after TERM, default 10]
  local pgid="$1" wait_s="${2:-10}"
  [ -n "$pgid" ] || return 0
  kill -0 -- "-$pgid" 2>/dev/null || { wait "$pgid" 2>/dev/null || true; return 0; }
  kill -TERM -- "-$pgid" 2>/dev/null || true
  for _ in $(seq $((wait_s * 10))); do kill -0 -- "-$pgid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pgid" 2>/dev/null || true
  wait "$pgid" 2>/dev/null || true
}

java_major() { # the major version of the java on PATH: 8, 11, 17, 21, ...
  java -version 2>&1 | sed -n 's/.*version "\([0-9]*\)\.\{0,1\}\([0-9]*\).*/\1 \2/p' | head -n 1 \
    | awk '{ print ($1 == 1) ? $2 : $1 }'
}

# Prints what is missing of java (11 or 17+) and mvn, with how to install it; returns 1 if so.
check_java_maven() {
  local missing=() major
  command -v java >/dev/null 2>&1 || missing+=("java (a JDK 11 or 17+)")
  command -v mvn >/dev/null 2>&1 || missing+=("mvn (Apache Maven 3)")
  if [ ${#missing[@]} -gt 0 ]; then
    local list="${missing[0]}"
    [ ${#missing[@]} -eq 1 ] || list+=", ${missing[1]}"
    say "missing: $list; the StateFun runtime runs on the JVM, and Maven fetches it"
    say "install them, e.g. on Debian or Ubuntu: apt-get install default-jdk-headless maven"
    return 1
  fi
  major="$(java_major)"
  case "$major" in
    11 | 1[7-9] | [2-9][0-9]) ;;
    *)
      say "java on PATH is version ${major:-unknown}; StateFun 3.3.0 (Flink 1.16) needs Java 11 or 17+"
      say "install one, e.g. on Debian or Ubuntu: apt-get install default-jdk-headless"
      return 1 ;;
  esac
}

classpath_ok() { # file: it exists and every entry of the classpath in it exists
  local entry
  [ -s "$1" ] || return 1
  while IFS= read -r -d ':' entry; do
    [ -e "$entry" ] || return 1
  done < <(tr -d '\n' <"$1"; printf ':')
}

# Starts Apache Kafka in its own JVM: one KRaft node (broker and controller) on loopback ports,
# configuration, data and logs in DIR. The classpath comes from `mvn dependency:build-classpath`
# of runtime/kafka/pom.xml and is kept in runtime/kafka/target for the next run. Sets KAFKA_PID
# and KAFKA (127.0.0.1:PORT, the bootstrap address); exits 1 with the log if it does not start.
start_kafka() { # dir [version]
  local dir="$1" version="${2:-}" t broker controller cluster_id cp
  t="$(now)"
  [ -n "$version" ] || version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_POM")"
  mkdir -p "$dir" "$RUNTIME_DIR/kafka/target"
  cp="$RUNTIME_DIR/kafka/target/classpath-$version"
  if ! classpath_ok "$cp" || [ "$KAFKA_POM" -nt "$cp" ]; then
    if [ -z "${MVN+x}" ]; then MVN=(mvn -B -q); fi
    if ! "${MVN[@]}" -f "$KAFKA_POM" -Dkafka.version="$version" dependency:build-classpath \
      -Dmdep.outputFile="$cp.$$" >"$dir/maven.log" 2>&1; then
      print_log "$dir/maven.log" "Maven (Kafka broker) log" 200
      say "FAIL: could not resolve the Kafka broker org.apache.kafka:kafka_2.13:$version"
      exit 1
    fi
    mv -f "$cp.$$" "$cp"
  fi
  broker="$(free_port)"
  controller="$(free_port)"
  # free_port runs in a subshell here, so it cannot remember the port it handed out first.
  while [ "$controller" = "$broker" ]; do controller="$(free_port)"; done
  cat >"$dir/server.properties" <<EOF
# Generated by runtime/lib.sh: a one-node KRaft cluster on the loopback interface.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller
listeners=PLAINTEXT://127.0.0.1:$broker,CONTROLLER://127.0.0.1:$controller
advertised.listeners=PLAINTEXT://127.0.0.1:$broker
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
num.partitions=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
group.initial.rebalance.delay.ms=0
EOF
  # A cluster id is 16 random bytes, base64url without padding (not starting with '-', which
  # the storage tool would take for an option).
  cluster_id="-"
  while [ "${cluster_id#-}" != "$cluster_id" ]; do
    cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
  done
  local kafka_java=(java -Xmx384m -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn
    -Dorg.slf4j.simpleLogger.showDateTime=true -cp "$(cat "$cp")")
  if ! "${kafka_java[@]}" kafka.tools.StorageTool format -t "$cluster_id" \
    -c "$dir/server.properties" >"$dir/format.log" 2>&1; then
    print_log "$dir/format.log" "Kafka storage format log" 200
    say "FAIL: could not format the Kafka storage"
    exit 1
  fi
  "${kafka_java[@]}" kafka.Kafka "$dir/server.properties" >"$dir/broker.log" 2>&1 &
  KAFKA_PID=$!
  wait_listening "$broker" "$KAFKA_PID" 90 "Kafka broker" "$dir/broker.log"
  KAFKA="127.0.0.1:$broker"
  say "Kafka $version on $KAFKA (pid $KAFKA_PID), ready in $(since "$t") s"
}
