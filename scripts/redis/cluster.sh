# Starts a 3-master/3-replica Redis Cluster on six free loopback ports (sourced by with-redis.sh).
# Needs lib.sh; sets NGR_CLUSTER_PORTS.

# ngr_start_cluster ROOTDIR PORT0 ... PORT5
ngr_start_cluster() {
  local root=$1
  shift
  NGR_CLUSTER_PORTS=("$@")
  local port addrs=()
  for port in "${NGR_CLUSTER_PORTS[@]}"; do
    ngr_start_server "$root/cluster-$port" "$port" --cluster-enabled yes \
      --cluster-config-file nodes.conf --cluster-node-timeout 1000 --repl-diskless-sync-delay 0
    addrs+=("127.0.0.1:$port")
  done
  for port in "${NGR_CLUSTER_PORTS[@]}"; do ngr_wait_ping "$port"; done
  redis-cli --cluster create "${addrs[@]}" --cluster-replicas 1 --cluster-yes >"$root/cluster-create.log" 2>&1 || {
    cat "$root/cluster-create.log" >&2
    return 1
  }
  ngr_wait_cluster_ok
  ngr_wait_cluster_replicas
}

# Waits until every node reports cluster_state:ok and the check of the seed passes (30 s at most).
ngr_wait_cluster_ok() {
  local port ok
  for _ in $(seq 300); do
    ok=1
    for port in "${NGR_CLUSTER_PORTS[@]}"; do
      redis-cli -p "$port" cluster info 2>/dev/null | grep -q 'cluster_state:ok' || ok=0
    done
    if [ $ok = 1 ] && redis-cli --cluster check "127.0.0.1:${NGR_CLUSTER_PORTS[0]}" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.1
  done
  echo "the cluster did not reach cluster_state:ok" >&2
  return 1
}

# Waits until every replica is linked to its master, so tests that WAIT for a replica or read
# from one start from a whole cluster. No 5 s diskless-sync delay (see above): this takes ~1 s.
ngr_wait_cluster_replicas() {
  local port
  for port in "${NGR_CLUSTER_PORTS[@]}"; do
    if redis-cli -p "$port" info replication | tr -d '\r' | grep -qx 'role:slave'; then
      ngr_wait_info "$port" 'master_link_status:up'
    fi
  done
}
