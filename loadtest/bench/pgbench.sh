#!/usr/bin/env bash
# The reference for durable sends/s: pgbench inserting one message row per transaction, with as many
# clients as the messenger's connection pool. PostgreSQL stays where place.sh put it for the Courier
# measurement (INFRA_CPU, both cores by default); pgbench, the client that issues the SQL, gets the
# core the messenger gets (SERVER_CPU, 0): both figures are "one core of SQL client against this database".
#   loadtest/bench/pgbench.sh [clients=10] [seconds=15] [runs=3]
# PostgreSQL is the benchmarks' stack's (port from $BENCH_HOME/ports.properties), database courier_bench.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
clients=${1:-10}; seconds=${2:-15}; runs=${3:-3}
port=${PGPORT:-$(sed -n 's/^postgres=//p' "${BENCH_HOME:-$root/.courier/bench}/ports.properties")}
bin=/usr/lib/postgresql/15/bin
psql=(psql -X -q -h 127.0.0.1 -p "$port" -U postgres)
"${psql[@]}" -d postgres -tc "SELECT 1 FROM pg_database WHERE datname = 'courier_bench'" | grep -q 1 \
  || "${psql[@]}" -d postgres -c "CREATE DATABASE courier_bench"
"${psql[@]}" -d courier_bench -f "$here/pgbench-schema.sql"
for i in $(seq "$runs"); do
  taskset -c "${SERVER_CPU:-0}" "$bin/pgbench" -h 127.0.0.1 -p "$port" -U postgres -n \
    -c "$clients" -j 1 -T "$seconds" -f "$here/pgbench-insert.sql" courier_bench 2>&1 \
    | grep -E "^(tps|latency average|number of transactions actually)" | sed "s/^/run $i: /"
done
