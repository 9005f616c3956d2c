#!/usr/bin/env bash
# Memory per idle WebSocket: the server's live heap (after a full GC) and RSS before and while
# DeliveryBench mode=idle holds SOCKETS sockets (users x socketsPerUser) on one messenger.
# BIND=127.0.0.2,127.0.0.3 binds the client's sockets to those source addresses in turn (past one
# address's ~28,000 ephemeral ports); OPEN_RATE=500 opens at most 500 sockets a second.
#   loadtest/bench/idle-memory.sh            (bench/stack.sh must be running; heap 512m)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "$here/.." && pwd)
jcmd=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/jcmd
pid=$(cat "$module/target/bench/stack.pid")
rooms=${ROOMS:-100}; members=${MEMBERS:-10}; per=${PER_USER:-10}
sockets=$((rooms * members * per))
measure() {
  "$jcmd" "$pid" GC.run > /dev/null; sleep 2; "$jcmd" "$pid" GC.run > /dev/null; sleep 1
  # Serial GC: young (DefNew) plus old (Tenured) used KiB.
  heap=$("$jcmd" "$pid" GC.heap_info | grep -E '^ *(DefNew|Tenured|def new generation|tenured generation) .*total' | grep -oE 'used [0-9]+K' | grep -oE '[0-9]+' | paste -sd+ | bc)
  rss=$(grep VmRSS /proc/"$pid"/status | grep -oE '[0-9]+')
  echo "$heap $rss"
}
read -r heap0 rss0 < <(measure)
echo "before: heap used ${heap0} KiB, RSS ${rss0} KiB"
log=$module/target/bench/idle.log
"$here/run.sh" mode=idle url="${URL:-http://127.0.0.1:18082}" auth="${AUTH:-http://127.0.0.1:18081}" \
  rooms="$rooms" members="$members" socketsPerUser="$per" duration="${HOLD:-90}" bind="${BIND:-}" openRate="${OPEN_RATE:-0}" out="${IDLE_OUT:-$module/target/bench/idle}" > "$log" 2>&1 &
client=$!
for _ in $(seq 600); do grep -q HOLDING "$log" && break; sleep 1; done
grep -E "sockets open|HOLDING|connect failed" "$log"
sleep 10
read -r heap1 rss1 < <(measure)
echo "holding $sockets: heap used ${heap1} KiB, RSS ${rss1} KiB"
echo "per connection: heap $(( (heap1 - heap0) * 1024 / sockets )) bytes, RSS $(( (rss1 - rss0) * 1024 / sockets )) bytes"
wait "$client" || true
grep -E "still open" "$log" || tail -5 "$log"
