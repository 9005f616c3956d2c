#!/usr/bin/env bash
# Starts the system under test for the benchmarks in one JVM pinned to one core (SERVER_CPU, default 0):
# auth on $1 and $2 messenger replicas on the next ports, on the benchmarks' own PostgreSQL, Redis and
# Kafka (BENCH_HOME, default .courier/bench: apart from the test stack, whose database every test run
# grows, and crash-safe like production's, where the test stack runs PostgreSQL with fsync off),
# which place.sh then frees to use both cores (INFRA_CPU) whoever started them.
# Full GCs leave no dead filler in place (MarkSweepDeadRatio=0), so idle-memory.sh's live heap is
# live objects only (the filler moved it by up to 1.7 KB per socket between runs).
# JFR=1 records a profile to target/bench/server.jfr. Writes its pid to target/bench/stack.pid.
#   loadtest/bench/stack.sh [authPort=18081] [messengers=1] [heap=512m]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "$here/.." && pwd)
root=$(cd "$module/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
port=${1:-18081}; messengers=${2:-1}; heap=${3:-512m}
cd "$module"
if [[ ! -f target/test-classpath.txt || pom.xml -nt target/test-classpath.txt ]]; then
  "$root/mvnw" -B -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
fi
mkdir -p target/bench
# The benchmarks' PostgreSQL is crash-safe (BenchStack starts it so); one left running by an older
# version of this script with the test stack's fsync=off is restarted with its data kept.
home=${BENCH_HOME:-$root/.courier/bench}
pgport=$(sed -n 's/^postgres=//p' "$home/ports.properties" 2>/dev/null || true)
if [[ -n $pgport ]] && [[ $(psql -X -h 127.0.0.1 -p "$pgport" -U postgres -d postgres -tAc "SHOW fsync" 2>/dev/null) == off ]]; then
  ctl=$(ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -1)
  if [[ $(id -u) == 0 ]]; then su postgres -c "$ctl -D $home/postgres/data -m fast -w stop" > /dev/null
  else "$ctl" -D "$home/postgres/data" -m fast -w stop > /dev/null; fi
  echo "restarting the benchmarks' PostgreSQL with fsync on"
fi
taskset -c "${SERVER_CPU:-0}" nice -n "${NICE:-0}" "$JAVA_HOME/bin/java" -Xmx"$heap" -Xms"$heap" -XX:+UseSerialGC -XX:MarkSweepDeadRatio=0 \
  ${JFR:+-XX:StartFlightRecording=filename=target/bench/server.jfr,settings=profile} ${SERVER_JAVA_OPTS:-} \
  -Dcourier.test.home="$home" \
  -Djava.util.logging.config.file="$root/services/platform/src/test/resources/logging-test.properties" \
  -cp "target/test-classes:$(cat target/test-classpath.txt)" \
  dev.courier.loadtest.BenchStack "$port" "$messengers" > target/bench/stack.log 2>&1 &
echo $! > target/bench/stack.pid
for _ in $(seq 120); do
  grep -q '^ready' target/bench/stack.log && { grep -E '^[a-z0-9]+=' target/bench/stack.log; "$here/place.sh"; exit 0; }
  kill -0 "$(cat target/bench/stack.pid)" 2>/dev/null || { tail -20 target/bench/stack.log; exit 1; }
  sleep 1
done
echo "stack did not start" >&2; exit 1
