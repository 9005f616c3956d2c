#!/usr/bin/env bash
# Durable sends/s beside its reference, in the same session: for each of RUNS rounds, pgbench
# inserting one message row per transaction with POOL clients, then DeliveryBench mode=sends (closed
# loop, for each count in SENDERS that many concurrent senders, each in a room with one other member)
# against a messenger pinned to SERVER_CPU. Closed-loop throughput is senders / latency, so the
# figure is the best sends/s among the counts whose p99 stays within the 100 ms target. Each run also
# reports the cores PostgreSQL, the server, Kafka, Redis and the load client used (cpu.sh; averaged over
# the whole run, set-up and warm-up included).
# The messenger's Hikari pool is courier.db.pool (10 by default), so POOL defaults to 10.
#   loadtest/bench/sends-vs-pgbench.sh      (stack.sh must be running: auth on 18081, messenger on 18082)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "$here/.." && pwd)
runs=${RUNS:-3}; pool=${POOL:-10}; senders=${SENDERS:-20 50 100 200}
out=${OUT:-$module/target/bench/sends-$(date +%s)}
mkdir -p "$out"
for i in $(seq "$runs"); do
  "$here/pgbench.sh" "$pool" 15 1 | sed "s/^run 1/round $i pgbench/" | tee -a "$out/pgbench.txt"
  for n in $senders; do
    warmup=10; [[ $i == 1 && $n == "${senders%% *}" ]] && warmup=30
    "$here/cpu.sh" "$here/run.sh" mode=sends url=http://127.0.0.1:18082 auth=http://127.0.0.1:18081 senders="$n" \
      warmup=$warmup duration=20 out="$out/round-$i-senders-$n" | grep -E "^(sends|cpu):" | sed "s/^/round $i senders $n messenger /" | tee -a "$out/sends.txt"
  done
done
echo "results in $out"
