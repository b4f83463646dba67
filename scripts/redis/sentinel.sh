# Starts a master, one replica and one redis-sentinel watching them, on free loopback ports
# (sourced by with-redis.sh). Needs lib.sh; the master is monitored under the name ngrmaster.

NGR_SENTINEL_MASTER=ngrmaster

# ngr_start_sentinel ROOTDIR MASTER_PORT REPLICA_PORT SENTINEL_PORT
ngr_start_sentinel() {
  local root=$1 master=$2 replica=$3 sentinel=$4
  # no 5 s diskless-sync delay: the replica links (and re-links after a failover) at once
  ngr_start_server "$root/sentinel-master" "$master" --repl-diskless-sync-delay 0
  ngr_start_server "$root/sentinel-replica" "$replica" --repl-diskless-sync-delay 0 \
    --replicaof 127.0.0.1 "$master"
  ngr_wait_ping "$master"
  ngr_wait_ping "$replica"
  # The sentinel is started once the replica is linked, so its first INFO of the master already
  # lists the replica (otherwise it learns of it only at the next INFO, up to 10 s later).
  ngr_wait_info "$replica" 'master_link_status:up'
  local dir=$root/sentinel
  mkdir -p "$dir"
  # sentinel rewrites its config file (failovers, discovered replicas), so it gets its own copy
  cat >"$dir/sentinel.conf" <<CONF
bind 127.0.0.1
port $sentinel
dir $dir
logfile $dir/sentinel.log
sentinel monitor $NGR_SENTINEL_MASTER 127.0.0.1 $master 1
sentinel down-after-milliseconds $NGR_SENTINEL_MASTER 1000
sentinel failover-timeout $NGR_SENTINEL_MASTER 3000
CONF
  "$NGR_REDIS_SERVER" "$dir/sentinel.conf" --sentinel --daemonize no &
  NGR_PIDS+=($!)
  ngr_wait_ping "$sentinel"
  ngr_wait_sentinel_ready "$sentinel" "$master"
}

# Waits until the sentinel names the master and sees exactly one healthy replica (10 s at most).
ngr_wait_sentinel_ready() {
  local sentinel=$1 master=$2 flags
  for _ in $(seq 100); do
    # SENTINEL REPLICAS prints field/value lines; the line after "flags" is a replica's flags
    flags=$(redis-cli -p "$sentinel" sentinel replicas "$NGR_SENTINEL_MASTER" 2>/dev/null |
      awk 'prev == "flags" { print } { prev = $0 }')
    if [ "$flags" = slave ] &&
      redis-cli -p "$sentinel" sentinel get-master-addr-by-name "$NGR_SENTINEL_MASTER" 2>/dev/null |
      grep -qx "$master"; then
      return 0
    fi
    sleep 0.1
  done
  echo "the sentinel on port $sentinel did not report master $master with one healthy replica" >&2
  return 1
}
