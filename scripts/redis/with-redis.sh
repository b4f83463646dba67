#!/usr/bin/env bash
# Runs a command against throwaway Redis servers, then stops exactly the servers it started.
#
#   scripts/redis/with-redis.sh go test ./storage/
#
# It starts, each on free loopback ports and in its own temp dir:
#   - a single node            -> NGR_TEST_REDIS_URL
#   - a 3+3 Redis Cluster      -> NGR_TEST_CLUSTER_URL (a seed) and NGR_TEST_CLUSTER_ADDRS (all six nodes)
#   - a TLS-only single node   -> NGR_TEST_TLS_URL and NGR_TEST_TLS_CA
#   - an mTLS-only single node -> NGR_TEST_MTLS_URL, with NGR_TEST_TLS_CLIENT_CERT and _KEY
#   - the minimal ACL user of docs/security.md on the single node and the cluster
#                              -> NGR_TEST_ACL_REDIS_URL and NGR_TEST_ACL_CLUSTER_URL
#   - a master + replica watched by one sentinel
#                              -> NGR_TEST_SENTINEL_URL (redis+sentinel://127.0.0.1:PORT/ngrmaster)
#   - the fault proxy, in front of nothing yet: tests put proxies before these servers
#                              -> NGR_FAULTPROXY_API (tests/faultproxy.py)
# The servers are stopped by PID on exit, also when the command fails or is interrupted.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/install.sh"
source "$here/lib.sh"
source "$here/cluster.sh"
source "$here/tls.sh"
source "$here/sentinel.sh"
source "$here/acl.sh"
source "$here/faultproxy.sh"

root=$(mktemp -d /tmp/ngr-redis.XXXXXX)
cleanup() {
  ngr_stop_all
  rm -rf "$root"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

read -r -a ports <<<"$(python3 "$here/free-ports.py" 12)"
ngr_start_server "$root/single" "${ports[0]}"
ngr_wait_ping "${ports[0]}"
# NGR_TEST_NO_TLS (a reason, set by scripts/test-valkey.sh): the server binary has no TLS, the TLS tests skip
[ -n "${NGR_TEST_NO_TLS:-}" ] || ngr_start_tls "$root/tls" "${ports[1]}" "${ports[11]}"
ngr_start_cluster "$root" "${ports[@]:2:6}"
ngr_start_sentinel "$root" "${ports[8]}" "${ports[9]}" "${ports[10]}"
ngr_start_faultproxy "$root/faultproxy" "$(python3 "$here/free-ports.py" 1)"

export NGR_TEST_REDIS_URL="redis://127.0.0.1:${ports[0]}"
export NGR_TEST_TLS_URL="rediss://127.0.0.1:${ports[1]}"
export NGR_TEST_TLS_CA="$root/tls/ca.pem"
export NGR_TEST_MTLS_URL="rediss://127.0.0.1:${ports[11]}"
export NGR_TEST_TLS_CLIENT_CERT="$root/tls/client.pem" NGR_TEST_TLS_CLIENT_KEY="$root/tls/client.key"
acl_password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
for port in "${ports[0]}" "${ports[@]:2:6}"; do ngr_acl_user "$port" ngr_app "$acl_password" nano_graphrag; done
export NGR_TEST_ACL_REDIS_URL="redis://ngr_app:$acl_password@127.0.0.1:${ports[0]}"
export NGR_TEST_ACL_CLUSTER_URL="redis://ngr_app:$acl_password@127.0.0.1:${ports[2]}"
export NGR_TEST_CLUSTER_URL="redis://127.0.0.1:${ports[2]}"
NGR_TEST_CLUSTER_ADDRS=$(printf '127.0.0.1:%s,' "${ports[@]:2:6}")
export NGR_TEST_CLUSTER_ADDRS=${NGR_TEST_CLUSTER_ADDRS%,}
export NGR_TEST_SENTINEL_URL="redis+sentinel://127.0.0.1:${ports[10]}/$NGR_SENTINEL_MASTER"
echo "with-redis: single $NGR_TEST_REDIS_URL, tls $NGR_TEST_TLS_URL, cluster $NGR_TEST_CLUSTER_ADDRS," \
  "sentinel $NGR_TEST_SENTINEL_URL" >&2

status=0
"$@" || status=$?
exit $status
