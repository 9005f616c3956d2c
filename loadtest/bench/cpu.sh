#!/usr/bin/env bash
# Runs a command (a load client) and prints the CPU each part of the system used meanwhile, in cores
# averaged over the command's wall time: PostgreSQL (postmaster and its backends), the server JVM
# (target/bench/stack.pid), Kafka and Redis of the benchmark stack, and the command itself. Divide
# by the operations per second to get CPU per operation; that split is what decides where the next
# microsecond can come from on this 2-core machine. Backends that exit during the run are not counted.
#   loadtest/bench/cpu.sh loadtest/bench/run.sh mode=sends ...     -> the command's output, then "cpu: ..."
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "$here/.." && pwd)
home=${BENCH_HOME:-$(cd "$module/.." && pwd)/.courier/bench}
hz=$(getconf CLK_TCK)
ticks() { # pids... -> utime + stime summed
  local t=0 p s
  for p in "$@"; do
    s=$(cut -d' ' -f14,15 "/proc/$p/stat" 2>/dev/null) || continue
    t=$((t + ${s% *} + ${s#* }))
  done
  echo "$t"
}
snapshot() {
  local pm redis
  pm=$(head -1 "$home/postgres/data/postmaster.pid" 2>/dev/null || true)
  redis=$(sed -n 's/^redis=//p' "$home/ports.properties" 2>/dev/null || true)
  echo "$(ticks ${pm:+$pm $(pgrep -P "$pm" || true)}) $(ticks $(cat "$module/target/bench/stack.pid" 2>/dev/null || true))" \
    "$(ticks $(pgrep -f "kafka.Kafka $home/" || true)) $(ticks ${redis:+$(pgrep -f "redis-server 127.0.0.1:$redis" || true)})"
}
read -r pg0 server0 kafka0 redis0 < <(snapshot)
start=$(date +%s.%N)
status=0
"$@" || status=$?
end=$(date +%s.%N)
read -r pg1 server1 kafka1 redis1 < <(snapshot)
# Children's user and system time of this shell (the command and everything it started); `times`
# must run in this shell, not in a pipeline's subshell, whose children have none.
tmp=$(mktemp)
times > "$tmp"
load=$(tail -1 "$tmp" | awk '{ split($1, u, "m"); split($2, s, "m"); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }')
rm -f "$tmp"
awk -v w="$(echo "$end - $start" | bc)" -v hz="$hz" -v pg=$((pg1 - pg0)) -v sv=$((server1 - server0)) \
    -v kf=$((kafka1 - kafka0)) -v rd=$((redis1 - redis0)) -v ld="${load%s}" \
  'BEGIN { printf "cpu: cores over %.0f s: postgres %.2f, server %.2f, kafka %.2f, redis %.2f, load client %.2f\n", w, pg/hz/w, sv/hz/w, kf/hz/w, rd/hz/w, ld/w }'
exit "$status"
