#!/usr/bin/env bash
# Durable sends/s beside its reference, in the same session: for each of RUNS rounds, pgbench
# inserting one message row per transaction with POOL clients, then DeliveryBench mode=sends (closed
# loop, SENDERS concurrent senders in direct chats) against a messenger pinned to SERVER_CPU.
# The messenger's Hikari pool is courier.db.pool (10 by default), so POOL defaults to 10.
#   loadtest/bench/sends-vs-pgbench.sh      (stack.sh must be running: auth on 18081, messenger on 18082)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "$here/.." && pwd)
runs=${RUNS:-3}; pool=${POOL:-10}; senders=${SENDERS:-20}
out=$module/target/bench/sends-$(date +%s)
mkdir -p "$out"
for i in $(seq "$runs"); do
  "$here/pgbench.sh" "$pool" 15 1 | sed "s/^run 1/round $i pgbench/" | tee -a "$out/pgbench.txt"
  warmup=10; [[ $i == 1 ]] && warmup=30
  "$here/run.sh" mode=sends url=http://127.0.0.1:18082 auth=http://127.0.0.1:18081 senders="$senders" \
    warmup=$warmup duration=20 out="$out/round-$i" | grep -E "^sends:" | sed "s/^/round $i messenger /" | tee -a "$out/sends.txt"
done
echo "results in $out"
