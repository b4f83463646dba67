#!/usr/bin/env bash
# Installs redis-server and redis-cli from Debian's packages when they are missing.
# Used by every script that starts a server, so a fresh machine needs no manual step.
set -euo pipefail
if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing redis-server with apt-get" >&2
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-tools >/dev/null
command -v redis-server >/dev/null
