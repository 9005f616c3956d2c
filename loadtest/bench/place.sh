#!/usr/bin/env bash
# Places the shared test stack (PostgreSQL and every backend, Redis, Kafka, the SMTP sink of
# .courier/test) on INFRA_CPU (default 1, the load generator's core), so the server under test has
# its core to itself. A server JVM that started the stack itself would otherwise have handed its
# own pinning to PostgreSQL, Redis and Kafka, and they would all share the server's core.
# New PostgreSQL backends inherit the postmaster's affinity; new Kafka threads their creator's.
#   loadtest/bench/place.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
home=$root/.courier/test
cpu=${INFRA_CPU:-1}
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
