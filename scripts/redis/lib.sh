# Shared helpers for the scripts that start throwaway Redis servers (sourced, not run).
# Every server runs in the foreground of a background job, so its PID is known exactly;
# ngr_stop_all stops those PIDs and nothing else.

NGR_PIDS=()
# The server binary: redis-server by default; scripts/test-valkey.sh sets the pinned valkey-server.
NGR_REDIS_SERVER=${NGR_REDIS_SERVER:-redis-server}
# Arguments every server started here gets too (scripts/test-restricted.sh: rename-command).
NGR_SERVER_ARGS=()

# ngr_start_server DIR PORT [extra redis-server args...]: starts one server in its own dir.
ngr_start_server() {
  local dir=$1 port=$2
  shift 2
  mkdir -p "$dir"
  local argv=("$NGR_REDIS_SERVER" --bind 127.0.0.1 --port "$port" --dir "$dir" --logfile "$dir/redis.log"
    --daemonize no --save '' --appendonly no --enable-debug-command local "$@" "${NGR_SERVER_ARGS[@]}")
  # the exact command line, one argument a line, so a test can restart a server it killed
  # (redis-server rewrites its /proc cmdline)
  printf '%s\n' "${argv[@]}" >"$dir/argv"
  "${argv[@]}" &
  NGR_PIDS+=($!)
}

# ngr_wait_ping PORT [redis-cli args...]: waits until the server answers PING (30 s at most: CI and
# shared machines can be slow to start several servers at once).
ngr_wait_ping() {
  local port=$1
  shift
  for _ in $(seq 300); do
    if ! command -v redis-cli >/dev/null; then  # make demo on a machine without Redis: a plain TCP PING
      python3 -c 'import socket,sys; s=socket.create_connection(("127.0.0.1",int(sys.argv[1])),1); s.sendall(b"PING\r\n")
sys.exit(s.recv(7)!=b"+PONG\r\n")' "$port" 2>/dev/null && return 0
    elif [ "$(redis-cli -h 127.0.0.1 -p "$port" "$@" ping 2>/dev/null)" = "PONG" ]; then return 0; fi
    sleep 0.1
  done
  echo "redis on port $port did not answer PING" >&2
  return 1
}

# ngr_wait_info PORT LINE: waits until INFO replication on PORT shows LINE, e.g.
# master_link_status:up (30 s at most).
ngr_wait_info() {
  local port=$1 line=$2
  for _ in $(seq 300); do
    if redis-cli -p "$port" info replication 2>/dev/null | tr -d '\r' | grep -qx "$line"; then return 0; fi
    sleep 0.1
  done
  echo "redis on port $port never showed $line" >&2
  return 1
}

# ngr_stop_pid_file FILE: stops the servers whose PIDs a test wrote into FILE (one a line, e.g. the
# fault suite's restarts), each only if that PID is still a redis-server (never a reused PID).
ngr_stop_pid_file() {
  local pid pids=()
  [ -f "$1" ] || return 0
  while read -r pid; do
    if [ -n "$pid" ] && { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -q redis-server; then
      kill "$pid" 2>/dev/null && pids+=("$pid")
    fi
  done <"$1"
  for pid in "${pids[@]}"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
}

ngr_stop_all() {
  local pid
  for pid in "${NGR_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${NGR_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  NGR_PIDS=()
}
