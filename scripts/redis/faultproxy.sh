# The fault proxy (internal/faultproxy): TCP proxies that put latency, a bandwidth cap, a black hole
# or resets between a client and a server, driven over HTTP (tests/faultproxy.py). Sourced by
# with-redis.sh and reliability.sh; needs lib.sh.

NGR_REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NGR_FAULTPROXY_BIN=$NGR_REPO_ROOT/.cache/bin/ngr-faultproxy

# ngr_start_faultproxy DIR API_PORT [NAME=LISTEN=UPSTREAM ...]: builds the proxy into .cache/bin
# (Go's build cache makes that instant after the first time), starts it with those proxies (its PID
# joins NGR_PIDS, so ngr_stop_all stops it) and exports NGR_FAULTPROXY_API once its API answers.
ngr_start_faultproxy() {
  local dir=$1 port=$2 spec
  shift 2
  local args=(-api "127.0.0.1:$port")
  for spec in "$@"; do args+=(-proxy "$spec"); done
  mkdir -p "$dir"
  (cd "$NGR_REPO_ROOT" && go build -o "$NGR_FAULTPROXY_BIN" ./internal/faultproxy/cmd/ngr-faultproxy)
  "$NGR_FAULTPROXY_BIN" "${args[@]}" 2>"$dir/faultproxy.log" &
  NGR_PIDS+=($!)
  export NGR_FAULTPROXY_API="http://127.0.0.1:$port"
  for _ in $(seq 300); do
    if python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/proxies", timeout=1)' \
      "$NGR_FAULTPROXY_API" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "the fault proxy on port $port did not answer" >&2
  cat "$dir/faultproxy.log" >&2
  return 1
}
