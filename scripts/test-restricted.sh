#!/usr/bin/env bash
# The server matrix's managed-service row: a single node and a 3+3 cluster of our own that refuse what
# ElastiCache and Memorystore refuse, then the storage-method tests, `stats` and `doctor` on them as
# a Memorystore-like user (tests/restricted_checks.py).
#   - rename-command to "" (gone, as on ElastiCache): CONFIG BGSAVE DEBUG SAVE MIGRATE SHUTDOWN
#   - an allowlist ACL (Memorystore answers NOPERM outside its list): data, scripting, transactions,
#     INFO, the CLUSTER reads, WAIT, CLIENT SETNAME; no @admin/@dangerous beyond INFO, no CLIENT SETINFO
# Servers are stopped by PID on exit (lib.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/redis/install.sh
source scripts/redis/lib.sh
source scripts/redis/cluster.sh
root=$(mktemp -d /tmp/ngr-restricted.XXXXXX)
trap 'ngr_stop_all; rm -rf "$root"' EXIT
trap 'exit 130' INT TERM
for cmd in CONFIG BGSAVE DEBUG SAVE MIGRATE SHUTDOWN; do NGR_SERVER_ARGS+=(--rename-command "$cmd" ''); done
read -r -a ports <<<"$(python3 scripts/redis/free-ports.py 7)"
ngr_start_server "$root/single" "${ports[0]}"
ngr_wait_ping "${ports[0]}"
ngr_start_cluster "$root" "${ports[@]:1:6}"

NGR_MANAGED_ACL="+@read +@write +@keyspace +@string +@sortedset +@hash +@list +@set +@transaction +@scripting \
+@connection +@pubsub -@admin -@dangerous +info +cluster|info +cluster|slots +cluster|shards +cluster|nodes \
+time +wait +memory|usage +zrandmember -client +client|setname +client|getname +client|id"
password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
hash=$(printf '%s' "$password" | sha256sum | cut -d' ' -f1)
for port in "${ports[@]}"; do
  # shellcheck disable=SC2086 # the rule list is meant to split into words
  redis-cli -p "$port" acl setuser ngr_managed reset on "#$hash" '~*' '&*' $NGR_MANAGED_ACL >/dev/null
done
export NGR_TEST_RESTRICTED_URL="redis://ngr_managed:$password@127.0.0.1:${ports[0]}"
export NGR_TEST_RESTRICTED_CLUSTER_URL="redis://ngr_managed:$password@127.0.0.1:${ports[1]}"
NGR_TEST_REDIS_URL=$NGR_TEST_RESTRICTED_URL NGR_TEST_CLUSTER_URL=$NGR_TEST_RESTRICTED_CLUSTER_URL \
  .venv/bin/python -m pytest tests/test_storage_methods.py tests/restricted_checks.py -v "$@"
