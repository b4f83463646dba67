#!/usr/bin/env bash
# Go benchmarks next to redis-benchmark -P 64 at the same value size, on the servers of with-redis.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${NGR_TEST_REDIS_URL:?run through scripts/redis/with-redis.sh}"
single_port=${NGR_TEST_REDIS_URL##*:}
cluster_port=${NGR_TEST_CLUSTER_URL##*:}
echo "== go test -bench (storage)"
go test -run '^$' -bench . -benchtime 5x -benchmem ./storage/
echo "== redis-benchmark -P 64, 4500-byte values, single node"
redis-benchmark -h 127.0.0.1 -p "$single_port" -P 64 -d 4500 -t set,get -n 200000 -q
echo "== redis-benchmark -P 64, 4500-byte values, cluster"
redis-benchmark --cluster -h 127.0.0.1 -p "$cluster_port" -P 64 -d 4500 -t set,get -n 200000 -q
