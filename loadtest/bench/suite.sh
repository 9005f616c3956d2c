#!/usr/bin/env bash
# Every benchmark figure of BENCHMARKS.md in one run, in the order the report lists them, RUNS times
# each (medians are taken from these): the system under test pinned to SERVER_CPU (0) by stack.sh,
# the load generators to LOADGEN_CPU (1). Needs a quiet machine, the modules installed
# (./mvnw install -DskipTests -Dgatling.skip=true), wrk and pgbench (Debian), node and npm (the big
# rooms' ws reference server). About 25 minutes, plus the big rooms (big-rooms.sh, one run each).
# The stack runs on its own PostgreSQL, Redis and Kafka in BENCH_HOME (.courier/bench); FRESH=1
# deletes them first (reset.sh), so the run starts from empty databases (and signs its accounts up again).
#   loadtest/bench/suite.sh              -> loadtest/target/bench/suite-<UTC time>/
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "$here/.." && pwd)
runs=${RUNS:-3}
out=${OUT:-$module/target/bench/suite-$(date -u +%Y%m%dT%H%M)}
mkdir -p "$out"
pidfile=$module/target/bench/stack.pid
stop_stack() {
  if [[ -f $pidfile ]] && kill "$(cat "$pidfile")" 2>/dev/null; then
    for _ in $(seq 30); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 1; done
    kill -9 "$(cat "$pidfile")" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}
trap stop_stack EXIT
stamp() { echo "== $1, $(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"; }
deliver() { # name, runs, extra args...
  local name=$1 n=$2; shift 2
  for i in $(seq "$n"); do
    local warmup=10; [[ $i == 1 ]] && warmup=30
    stamp "$name run $i"
    "$here/cpu.sh" "$here/run.sh" mode=deliver url=http://127.0.0.1:18082 auth=http://127.0.0.1:18081 rooms=100 members=10 \
      rate=1 warmup=$warmup duration=60 out="$out/$name-$i" "$@" > "$out/$name-$i.log" 2>&1 || echo "run failed (see $out/$name-$i.log)"
    grep -vE '^\s*$' "$out/$name-$i/report.txt" 2>/dev/null | head -30 || tail -5 "$out/$name-$i.log"
    grep -E '^cpu:' "$out/$name-$i.log" || true
  done
}

stop_stack
[[ ${FRESH:-0} == 1 ]] && "$here/reset.sh"
{
  stamp "stack: auth + 1 messenger"; "$here/stack.sh" 18081 1
  stamp "trivial GET"; RUNS=$runs "$here/trivial-get.sh" http://127.0.0.1:18082/health/live
  stamp "durable sends beside pgbench"; RUNS=$runs OUT="$out/sends" "$here/sends-vs-pgbench.sh"
  deliver deliver-http "$runs" sendVia=http
  deliver deliver-ws "$runs" sendVia=ws
  stop_stack
  stamp "stack: auth + 2 messengers"; "$here/stack.sh" 18081 2
  deliver cross-ws "$runs" sendVia=ws ws=ws://127.0.0.1:18082/ws,ws://127.0.0.1:18083/ws
  stamp "10,000 idle sockets on messenger 1"; HOLD=60 "$here/idle-memory.sh"
  stop_stack
  # Its own stack (1 GB heap) beside the bare ws reference server; one run of each, ~15 minutes.
  stamp "big rooms (issue 20)"; OUT="$out/big-rooms" "$here/big-rooms.sh"
  stamp "done"
} 2>&1 | tee "$out/suite.txt"
echo "results in $out"
