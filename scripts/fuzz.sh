#!/usr/bin/env bash
# Runs every Go fuzz target for FUZZTIME each (default 60s), one after the other.
# Run through scripts/redis/with-redis.sh (FuzzRunOp talks to the single test node):
#   scripts/redis/with-redis.sh scripts/fuzz.sh            (or: make fuzz)
# A failing input is written to PKG/testdata/fuzz/FuzzXxx/, where plain `go test` replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-60s}
for pkg in ./storage ./binding; do
  for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz'); do
    echo "== $pkg $target ($fuzztime)"
    go test "$pkg" -run '^$' -fuzz "^$target\$" -fuzztime "$fuzztime"
  done
done
