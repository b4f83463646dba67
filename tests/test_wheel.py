"""The wheel from `pip wheel .` is a platform wheel that works without Go.

Builds the wheel from this checkout, installs it (and msgpack, its only
dependency) into a fresh venv, and runs both faces against the test server
from a process that cannot find the Go toolchain. Fast path: the Go build
cache is reused, and when this interpreter already has the setuptools that
pyproject.toml pins (requirements/test.txt installs it), pip builds without
an isolated build environment.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
import venv
import zipfile
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LIB_IN_WHEEL = "nano_graphrag_redis/_lib/libngr_redis.so"
PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]

SMOKE = """
import asyncio, os, shutil, sys, uuid
import nano_graphrag_redis
from nano_graphrag_redis import RedisKVStorage, SyncRedisKVStorage

assert shutil.which("go") is None, "the Go toolchain is still reachable"
assert nano_graphrag_redis.__file__.startswith(sys.prefix), nano_graphrag_redis.__file__
cfg = {"redis_url": os.environ["NGR_TEST_REDIS_URL"]}
ns = "wheel_" + uuid.uuid4().hex[:12]

with SyncRedisKVStorage(ns, cfg) as kv:
    assert kv.upsert({"a": {"content": "x"}, "b": {"n": 1}}) == 2
    assert kv.get_by_id("a") == {"content": "x"}
    assert kv.count() == 2

async def main():
    async with RedisKVStorage(ns, cfg) as kv:
        assert await kv.upsert({"c": [1, 2]}) == 1
        assert await kv.get_by_id("b") == {"n": 1}
        assert await kv.count() == 3
        assert await kv.drop() == 3

asyncio.run(main())
print("smoke ok")
"""


def build_isolation_flags() -> list[str]:
    """--no-build-isolation when this env already has the pinned build backend (no download)."""
    pinned = re.search(r'"setuptools==([^"]+)"', (REPO / "pyproject.toml").read_text())
    try:
        have = metadata.version("setuptools")
    except metadata.PackageNotFoundError:
        have = None
    return ["--no-build-isolation"] if pinned and have == pinned.group(1) else []


def outside_checkout(env: dict[str, str]) -> dict[str, str]:
    """env without what points Python at this checkout's package (it would shadow the wheel)."""
    return {k: v for k, v in env.items() if k not in ("PYTHONPATH", "NGR_REDIS_LIB")}


def without_go(env: dict[str, str]) -> dict[str, str]:
    """env with the Go toolchain's directory off PATH and Go's variables unset."""
    go = shutil.which("go", path=env.get("PATH"))
    go_dirs = {str(Path(go).resolve().parent), str(Path(go).parent)} if go else set()
    path = [d for d in env.get("PATH", "").split(os.pathsep) if d and d not in go_dirs]
    clean = {k: v for k, v in env.items() if not k.startswith("GO")}
    clean["PATH"] = os.pathsep.join(path)
    return clean


def test_wheel_installs_and_runs_without_go(tmp_path, single_url):
    pip_env = outside_checkout(dict(os.environ))
    out = tmp_path / "dist"
    subprocess.run([*PIP, "wheel", "--no-deps", *build_isolation_flags(), "-w", str(out), "."],
                   cwd=REPO, env=pip_env, check=True, capture_output=True)
    (wheel,) = out.glob("nano_graphrag_redis-*.whl")
    assert not wheel.name.endswith("-any.whl"), wheel.name
    assert re.search(r"-py3-none-(manylinux|linux)_\w+\.whl$", wheel.name), wheel.name
    with zipfile.ZipFile(wheel) as zf:
        assert LIB_IN_WHEEL in zf.namelist()
        (meta,) = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
        requires = [ln for ln in zf.read(meta).decode().splitlines() if ln.startswith("Requires-Dist: msgpack")]
    # A compatible range, not a pin: an application resolves msgpack together with its own pins.
    assert len(requires) == 1 and "==" not in requires[0] and ">=" in requires[0], requires

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)  # the outer pip installs into it: no ensurepip
    python = env_dir / "bin" / "python"
    subprocess.run([*PIP, "--python", str(python), "install", "--quiet", str(wheel)],  # + msgpack, its dependency
                   env=pip_env, check=True, capture_output=True)

    env = without_go(pip_env)
    env["NGR_TEST_REDIS_URL"] = single_url
    proc = subprocess.run([str(python), "-c", textwrap.dedent(SMOKE)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == "smoke ok"
