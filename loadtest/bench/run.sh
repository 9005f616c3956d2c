#!/usr/bin/env bash
# Runs the delivery benchmark client pinned to the load-generator core (LOADGEN_CPU, default 1). Its
# accounts are cached beside the stack whose auth issued them ($BENCH_HOME/accounts.csv) unless an
# accounts= argument says otherwise.
#   loadtest/bench/run.sh mode=deliver url=http://127.0.0.1:18080 rooms=100 members=10 rate=1 ...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "$here/.." && pwd)
home=${BENCH_HOME:-$(cd "$module/.." && pwd)/.courier/bench}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
cd "$module"
exec taskset -c "${LOADGEN_CPU:-1}" nice -n "${NICE:-0}" "$JAVA_HOME/bin/java" -Xmx1g -XX:+UseParallelGC -Dbench.tokenReuseSeconds=${TOKEN_REUSE_SECONDS:-6000} \
  -cp "${CLASSES:-target/classes}:$(cat target/test-classpath.txt)" dev.courier.loadtest.delivery.DeliveryBench accounts="$home/accounts.csv" "$@"
