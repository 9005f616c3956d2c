#!/usr/bin/env bash
# A trivial GET on one core: wrk (Debian: apt-get install wrk) pinned to LOADGEN_CPU against a URL
# served by a JVM pinned to SERVER_CPU (bench/stack.sh). 30 s of warm-up, then RUNS x 15 s.
#   loadtest/bench/trivial-get.sh http://127.0.0.1:18082/health/live
set -euo pipefail
url=${1:?url}; runs=${RUNS:-3}
w=(taskset -c "${LOADGEN_CPU:-1}" nice -n "${NICE:-0}" wrk -t1 -c64)
"${w[@]}" -d30s "$url" > /dev/null
for i in $(seq "$runs"); do
  echo "run $i, $(uptime)"
  "${w[@]}" -d15s --latency "$url" | grep -E "Requests/sec|50%|99%|Non-2xx"
done
