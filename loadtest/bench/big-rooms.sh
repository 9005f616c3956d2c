#!/usr/bin/env bash
# Issue 20's big-room figures, each beside the bare `ws` room server (ws-reference/server.js, pinned
# to the same SERVER_CPU as Courier's JVM) in the same run, so every figure is also a ratio:
#   1. big room: 1 room of MEMBERS (10,000) members, all online, ROOM_RATE (2) messages/s sent over
#      the members' sockets in turn: send ack and send->deliver p50/p99, delivered %, server CPU per
#      delivery (the server's /proc CPU time over the window). Its set-up is the joins scenario:
#      the room fills JOINS_AT_ONCE joins at a time, each timed by how full the room was (p50/p99 per
#      tenth of the room), and Courier's rows written per join and per message are counted from
#      pg_stat_user_tables (schema messenger).
#   2. many sockets: SOCKETS (50,000) idle sockets on one messenger from several 127.0.0.x source
#      addresses (BIND), open errors and the server's live heap (idle-memory.sh). One process may
#      hold at most `ulimit -n` descriptors and the server holds one per socket, so SOCKETS is cut to
#      what the limit allows (the report says so).
# Members are accounts of the bench stack's auth made in bulk (BulkAccounts: real rows in auth's
# users table with a real Argon2id hash, tokens signed by auth's key; 10,000 sign-ups would be ~20
# minutes of Argon2id). The stack runs with a HEAP (1g) heap, the many-sockets target's bound.
#   loadtest/bench/big-rooms.sh     -> loadtest/target/bench/big-rooms-<UTC time>/report.txt
# RUNS (1) repeats the big room per server, alternating them; MEMBERS, ROOM_RATE, WARMUP (30),
# DURATION (60), JOINS_AT_ONCE (4), SOCKETS, BIND (127.0.0.2-127.0.0.5), REF_PORT (18090),
# OPEN_RATE (sockets opened per second, 500; 0 opens them as fast as the server upgrades them: on
# a loaded machine Courier then closed most of 10,000 new sockets, see BENCHMARKS.md).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "$here/.." && pwd)
root=$(cd "$module/.." && pwd)
home=${BENCH_HOME:-$root/.courier/bench}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
members=${MEMBERS:-10000}; rate=${ROOM_RATE:-2}; warmup=${WARMUP:-30}; duration=${DURATION:-60}
joins=${JOINS_AT_ONCE:-4}; runs=${RUNS:-1}; refport=${REF_PORT:-18090}; open=${OPEN_RATE:-500}
bind=${BIND:-127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5}
out=${OUT:-$module/target/bench/big-rooms-$(date -u +%Y%m%dT%H%M)}
mkdir -p "$out"
pidfile=$module/target/bench/stack.pid
refpid=
stop_stack() {
  if [[ -f $pidfile ]] && kill "$(cat "$pidfile")" 2>/dev/null; then
    for _ in $(seq 30); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 1; done
    kill -9 "$(cat "$pidfile")" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}
stop_all() {
  [[ -n $refpid ]] && kill "$refpid" 2>/dev/null || true
  stop_stack
}
trap stop_all EXIT
stamp() { echo "== $1, $(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"; }

# The reference server: its locked dependencies, pinned like the server JVM.
(cd "$here/ws-reference" && { [[ -d node_modules/ws && node_modules/.package-lock.json -nt package-lock.json ]] || npm ci --no-audit --no-fund; })
taskset -c "${SERVER_CPU:-0}" nice -n "${NICE:-0}" node "$here/ws-reference/server.js" "$refport" > "$out/ws-reference.log" 2>&1 &
refpid=$!

{
  stop_stack
  stamp "stack: auth + 1 messenger, heap ${HEAP:-1g}"; "$here/stack.sh" 18081 1 "${HEAP:-1g}"
  pgport=$(sed -n 's/^postgres=//p' "$home/ports.properties")
  jdbc="jdbc:postgresql://127.0.0.1:$pgport/courier"
  server=$(cat "$pidfile")
  cd "$module"
  limit=$(ulimit -n)
  sockets=${SOCKETS:-50000}
  # The server needs a descriptor per socket plus its own (jars, pools, Kafka, Redis): keep 1,000 spare.
  if (( sockets > limit - 1000 )); then
    echo "many sockets: ${sockets} asked, but a process may open ${limit} files here (ulimit -n; raising it needs CAP_SYS_RESOURCE): measuring $((limit - 1000))"
    sockets=$((limit - 1000))
  fi
  # Two sockets per user (a phone and a laptop), so the accounts the big room made cover them.
  per=2; users=$((sockets / per)); sockets=$((users * per)); accounts=$(( users > members ? users : members ))
  stamp "accounts: $accounts in $home/accounts.csv"
  taskset -c "${LOADGEN_CPU:-1}" "$JAVA_HOME/bin/java" -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
    dev.courier.loadtest.delivery.BulkAccounts "$jdbc" "$home/accounts.csv" "$accounts"
  for i in $(seq "$runs"); do
    stamp "big room on the ws reference, run $i"
    "$here/cpu.sh" "$here/run.sh" mode=deliver url="http://127.0.0.1:$refport" auth=http://127.0.0.1:18081 rooms=1 members="$members" \
      roomRate="$rate" sendVia=ws joinConcurrency="$joins" openRate="$open" warmup="$warmup" duration="$duration" cpuPid="$refpid" \
      out="$out/bigroom-ws-$i" > "$out/bigroom-ws-$i.log" 2>&1 || echo "run failed (see $out/bigroom-ws-$i.log)"
    grep -vE '^\s*$' "$out/bigroom-ws-$i/report.txt" 2>/dev/null || tail -5 "$out/bigroom-ws-$i.log"
    stamp "big room on Courier, run $i"
    "$here/cpu.sh" "$here/run.sh" mode=deliver url=http://127.0.0.1:18082 auth=http://127.0.0.1:18081 rooms=1 members="$members" \
      roomRate="$rate" sendVia=ws joinConcurrency="$joins" openRate="$open" warmup="$warmup" duration="$duration" cpuPid="$server" pg="$jdbc" \
      out="$out/bigroom-courier-$i" > "$out/bigroom-courier-$i.log" 2>&1 || echo "run failed (see $out/bigroom-courier-$i.log)"
    grep -vE '^\s*$' "$out/bigroom-courier-$i/report.txt" 2>/dev/null || tail -5 "$out/bigroom-courier-$i.log"
    grep -E '^cpu:' "$out/bigroom-courier-$i.log" || true
  done
  stamp "many sockets: $sockets on messenger 1 from $bind"
  ROOMS=1 MEMBERS=$users PER_USER=$per HOLD=${HOLD:-60} BIND=$bind OPEN_RATE=$open IDLE_OUT="$out/many-sockets" "$here/idle-memory.sh" | tee "$out/many-sockets.txt"
  stamp "done"
} 2>&1 | tee "$out/run.txt"

# The summary: Courier against the reference, run by run.
num() { # file, sed expression printing one number
  sed -nE "$2" "$1" 2>/dev/null | head -1
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }
{
  echo "big rooms, $(date -u +%Y-%m-%dT%H:%MZ): 1 room x $members members online, $rate msg/s, warm-up $warmup s, window $duration s"
  printf "%-34s %12s %12s %8s\n" figure Courier ws-ref ratio
  for i in $(seq "$runs"); do
    c=$out/bigroom-courier-$i/report.txt; w=$out/bigroom-ws-$i/report.txt
    for f in "send ack p50 ms|s/^sends:.* p50 ([0-9.]+) p90.*/\1/p" "send ack p99 ms|s/^sends:.* p99 ([0-9.]+) p99.9.*/\1/p" \
             "send->deliver p50 ms|s/^send->deliver all:.* p50 ([0-9.]+) p90.*/\1/p" \
             "send->deliver p99 ms|s/^send->deliver all:.* p99 ([0-9.]+) p99.9.*/\1/p" \
             "delivered %|s/^deliveries:.*\(([0-9.]+)%\)/\1/p" \
             "server CPU us per delivery|s/^server CPU over the window:.* cores, ([0-9.]+) us per delivery.*/\1/p" \
             "server cores|s/^server CPU over the window: ([0-9.]+) cores.*/\1/p" \
             "joins/s|s/^joins: [0-9]+ in [0-9.]+ s \(([0-9]+)\/s.*/\1/p" \
             "join p99 ms, first tenth|1,/^join into/s/^join into a room of .* p99 ([0-9.]+) max.*/\1/p" \
             "join p99 ms, last tenth|/^join into/h;\${x;s/^join into a room of .* p99 ([0-9.]+) max.*/\1/p}"; do
      a=$(num "$c" "${f#*|}"); b=$(num "$w" "${f#*|}")
      printf "%-34s %12s %12s %8s\n" "run $i ${f%%|*}" "${a:--}" "${b:--}" "$(ratio "$a" "$b")"
    done
    grep -E '^rows written' "$c" 2>/dev/null | sed "s/^/run $i Courier: /" || true
  done
  grep -E 'asked, but|sockets open|HOLDING|holding|per connection|still open|connect failed' "$out/run.txt" || true
} | tee "$out/report.txt"
echo "results in $out"
