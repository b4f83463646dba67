#!/usr/bin/env bash
# Installs what runs the aarch64 library on this x86_64 machine (tests/test_packaging.py): qemu-user and the
# aarch64 glibc, from Debian's packages, when they are missing.
set -euo pipefail
if command -v qemu-aarch64 >/dev/null && [ -d /usr/aarch64-linux-gnu/lib ]; then
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing qemu-user and libc6-arm64-cross with apt-get" >&2
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user libc6-arm64-cross >/dev/null
command -v qemu-aarch64 >/dev/null
