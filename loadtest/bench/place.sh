#!/usr/bin/env bash
# Places the benchmarks' stack (PostgreSQL and every backend, Redis, Kafka, the SMTP sink of
# BENCH_HOME, default .courier/bench) on INFRA_CPU: by default both cores ("0-1"), as for the pgbench reference. A server
# JVM that started the stack itself would otherwise have handed its own pinning to PostgreSQL, Redis
# and Kafka, and they would all share the server's one core (seen: sends/s fell by half, with
# seconds-long stalls). INFRA_CPU=1 puts them beside the load generators instead; on this 2-core
# machine that overloads core 1 (1,000-socket delivery p50 84 ms instead of 13 ms), so it is not
# the default. New PostgreSQL backends inherit the postmaster's affinity; new Kafka threads their creator's.
#   loadtest/bench/place.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
home=${BENCH_HOME:-$root/.courier/bench}
cpu=${INFRA_CPU:-0-1}
pids=()
pm=$(head -1 "$home/postgres/data/postmaster.pid" 2>/dev/null || true)
if [[ -n $pm ]]; then
  pids+=("$pm" $(pgrep -P "$pm" || true))
fi
pids+=($(pgrep -f "redis-server 127.0.0.1:$(sed -n 's/^redis=//p' "$home/ports.properties")" || true))
pids+=($(pgrep -f "kafka.Kafka $home/" || true) $(pgrep -f "GreenMailStandaloneRunner" || true))
for p in "${pids[@]}"; do
  taskset -a -p -c "$cpu" "$p" > /dev/null 2>&1 || true
done
echo "placed ${#pids[@]} infrastructure processes on CPU $cpu"
