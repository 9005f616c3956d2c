#!/usr/bin/env bash
# Stops the benchmarks' PostgreSQL, Redis, Kafka and SMTP sink and deletes their data (BENCH_HOME,
# default .courier/bench) with its cached accounts, so the next stack.sh starts from empty databases.
# suite.sh runs it first when FRESH=1.
#   loadtest/bench/reset.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
home=${BENCH_HOME:-$root/.courier/bench}
[[ -d $home ]] || exit 0
if [[ -f $home/postgres/data/postmaster.pid ]]; then
  ctl=$(ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -1)
  if [[ $(id -u) == 0 ]]; then
    su postgres -c "$ctl -D $home/postgres/data -m fast -w stop" > /dev/null || true
  else
    "$ctl" -D "$home/postgres/data" -m fast -w stop > /dev/null || true
  fi
fi
redis=$(sed -n 's/^redis=//p' "$home/ports.properties" 2>/dev/null || true)
smtp=$(sed -n 's/^smtp=//p' "$home/ports.properties" 2>/dev/null || true)
[[ -n $redis ]] && pkill -f "redis-server 127.0.0.1:$redis" || true
[[ -n $smtp ]] && pkill -f "greenmail.smtp.port=$smtp" || true
pkill -f "kafka.Kafka $home/" || true
sleep 2
# As root the PostgreSQL folder may be a link to /var/tmp (see infra's Postgres); delete both.
target=$(readlink -f "$home/postgres" || true)
rm -rf "$home"
[[ -n $target && $target != "$home/postgres" ]] && rm -rf "$target" || true
echo "reset $home"
