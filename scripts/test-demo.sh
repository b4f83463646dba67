#!/usr/bin/env bash
# `make demo` as a fresh machine with only Python and make runs it: a clean clone of this checkout's
# HEAD, a PATH that holds neither redis-server (nor redis-cli) nor apt-get nor go, and no .venv. The demo
# must pick the pinned valkey-server, say so, and finish. Everything it made is in one temp dir.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(mktemp -d /tmp/ngr-test-demo.XXXXXX)
trap 'rm -rf "$root"' EXIT
git clone -q --no-hardlinks . "$root/clone"
mkdir "$root/bin"
# every tool of the usual PATH, bar the ones a fresh machine need not have
IFS=: read -r -a dirs <<<"$PATH"
for dir in "${dirs[@]}"; do
  for tool in "$dir"/*; do
    name=$(basename "$tool")
    case $name in redis-* | apt-get | apt | go | gofmt) continue ;; esac
    [ -x "$tool" ] && [ ! -e "$root/bin/$name" ] && ln -s "$tool" "$root/bin/$name"
  done
done
for absent in redis-server redis-cli apt-get go; do
  if PATH=$root/bin command -v "$absent" >/dev/null; then echo "test-demo: $absent is still on PATH" >&2; exit 1; fi
done
(cd "$root/clone" && PATH=$root/bin make demo) 2>&1 | tee "$root/demo.log"
grep -q '^==> Valkey v=9.1.2 (.*/.venv/.*/valkey-server)' "$root/demo.log" ||
  { echo "test-demo: the demo did not say it used the pinned valkey-server" >&2; exit 1; }
echo "test-demo: make demo passed with no redis-server, apt-get or go on PATH"
