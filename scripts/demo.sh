#!/usr/bin/env bash
# `make demo`: nano-graphrag insert + queries through RedisKVStorage, on a fresh machine.
#   - installs the package and nano-graphrag into .venv (scripts/venv.sh) unless they import already
#   - fetches the gpt-4o tokenizer file (scripts/fetch-tokenizer.sh), so nothing else is downloaded
#   - starts a throwaway server (AOF, appendfsync everysec) unless REDIS_URL is set: a redis-server on
#     PATH, else the pinned valkey-server in .venv, else redis-server from apt; it says which,
#     and stops exactly that server (by PID) on exit
#   - runs examples/demo.py: offline fake LLM unless OPENAI_API_KEY is set
set -euo pipefail
cd "$(dirname "$0")/.."
here=$PWD

echo "==> environment: .venv with nano-graphrag-redis and nano-graphrag 0.0.8.2"
if ! .venv/bin/python -c 'import nano_graphrag, nano_graphrag_redis' 2>/dev/null; then
  scripts/venv.sh test e2e   # says what it does; the benchmark peers are left to `make venv`
fi

echo "==> tokenizer: o200k_base"
TIKTOKEN_CACHE_DIR=$(scripts/fetch-tokenizer.sh)
export TIKTOKEN_CACHE_DIR

if [ -z "${REDIS_URL:-}" ]; then
  # A redis-server on PATH; else the pinned valkey-server in .venv (requirements/test.txt); apt last.
  if ! command -v redis-server >/dev/null; then
    NGR_REDIS_SERVER=$(scripts/redis/valkey-path.sh 2>/dev/null) || { scripts/redis/install.sh; NGR_REDIS_SERVER=redis-server; }
    export NGR_REDIS_SERVER
  fi
  source scripts/redis/lib.sh
  root=$(mktemp -d /tmp/ngr-demo.XXXXXX)
  trap 'ngr_stop_all; rm -rf "$root"' EXIT
  trap 'exit 130' INT TERM
  port=$(python3 scripts/redis/free-ports.py 1)
  ngr_start_server "$root" "$port" --appendonly yes --appendfsync everysec
  ngr_wait_ping "$port"
  export REDIS_URL="redis://127.0.0.1:$port"
  echo "==> $("$NGR_REDIS_SERVER" --version | awk '{print $1, $3}') ($(command -v "$NGR_REDIS_SERVER")) on $REDIS_URL (pid ${NGR_PIDS[0]}, stopped at exit)"
fi

# Same string-hash seed in both worker processes: nano-graphrag builds part of its
# local-query prompt from Python sets, and the LLM cache is keyed by the prompt.
export PYTHONHASHSEED=${PYTHONHASHSEED:-0}
cd "$here/examples"
"$here/.venv/bin/python" demo.py
