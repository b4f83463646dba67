#!/usr/bin/env bash
# The fault suite (tests/reliability/): starts its own servers on free loopback ports, runs every
# scenario under load, writes the figures to reliability-results.json, stops exactly its servers.
#
#   scripts/reliability.sh [quick|full] [extra run.py args]      (make test-reliability [PROFILE=full])
#
# Servers: a 3+3 cluster, a sentinel-watched master+replica, a plain node (SIGSTOP, CLIENT KILL/PAUSE,
# maxclients, maxmemory), two AOF nodes (appendfsync always and everysec) and a master+replica pair
# whose replica is made to lag. Servers the suite restarts after kill -9 are listed in pids.txt and
# stopped here too.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
profile=${1:-quick}
shift || true
"$here/redis/install.sh"
source "$here/redis/lib.sh"
source "$here/redis/cluster.sh"
source "$here/redis/sentinel.sh"
source "$here/redis/faultproxy.sh"

root=$(mktemp -d /tmp/ngr-faults.XXXXXX)
export NGR_FAULT_PIDS_FILE=$root/pids.txt
: >"$NGR_FAULT_PIDS_FILE"
cleanup() {
  # a scenario may have left a server stopped (SIGSTOP): it would not act on SIGTERM
  for pid in "${NGR_PIDS[@]}"; do kill -CONT "$pid" 2>/dev/null || true; done
  ngr_stop_pid_file "$NGR_FAULT_PIDS_FILE"
  ngr_stop_all
  rm -rf "$root"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

read -r -a p <<<"$(python3 "$here/redis/free-ports.py" 15)"
ngr_start_cluster "$root" "${p[@]:0:6}"
ngr_start_sentinel "$root" "${p[6]}" "${p[7]}" "${p[8]}"
ngr_start_server "$root/plain" "${p[9]}"
ngr_start_server "$root/aof-always" "${p[10]}" --appendonly yes --appendfsync always
ngr_start_server "$root/aof-everysec" "${p[11]}" --appendonly yes --appendfsync everysec
ngr_start_server "$root/lag-master" "${p[12]}" --repl-diskless-sync-delay 0
ngr_start_server "$root/lag-replica" "${p[13]}" --replicaof 127.0.0.1 "${p[12]}"
for port in "${p[@]:9:5}"; do ngr_wait_ping "$port"; done
ngr_wait_info "${p[13]}" 'master_link_status:up'
ngr_start_faultproxy "$root/faultproxy" "${p[14]}"  # NGR_FAULTPROXY_API: faults between client and server

export NGR_FAULT_CLUSTER="${p[*]:0:6}" NGR_FAULT_SENTINEL="${p[8]}" NGR_FAULT_PLAIN="${p[9]}"
export NGR_FAULT_AOF_ALWAYS="${p[10]}" NGR_FAULT_AOF_EVERYSEC="${p[11]}" NGR_FAULT_LAG="${p[12]} ${p[13]}"
cd "$here/.."
status=0
timeout 3600 .venv/bin/python tests/reliability/run.py --profile "$profile" \
  --out "${NGR_FAULT_OUT:-reliability-results.json}" "$@" || status=$?
exit $status
