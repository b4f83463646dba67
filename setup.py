"""Packaging for nano-graphrag-redis.

`pip install .` / `pip wheel .` compile the Go core (./binding) with
`go build -buildmode=c-shared` straight into the built package as
nano_graphrag_redis/_lib/libngr_redis.so. The wheel is platform-specific
(it carries that .so) but not Python-version-specific: the library does not
link against libpython, ctypes loads it. Installing the wheel needs no Go.
"""

import os
import shutil
import subprocess

from setuptools import find_packages, setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution
from setuptools.errors import ExecError

HERE = os.path.dirname(os.path.abspath(__file__))
LIB_RELPATH = os.path.join("nano_graphrag_redis", "_lib", "libngr_redis.so")


class build_go_library(build_py):
    """build_py, then the Go c-shared library into the build tree."""

    def run(self):
        super().run()
        go = shutil.which(os.environ.get("GO", "go"))
        if go is None:
            raise ExecError(
                "nano-graphrag-redis: the Go toolchain (`go`, 1.24 or later) is needed to build "
                "the native library from source; install it from https://go.dev/dl/ and make sure "
                "`go` is on PATH, or install a prebuilt wheel instead."
            )
        target = os.path.join(os.path.abspath(self.build_lib), LIB_RELPATH)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        self.announce(f"building {target} with {go}", level=2)
        subprocess.run(
            [go, "build", "-buildmode=c-shared", "-trimpath", "-o", target, "./binding"],
            cwd=HERE,
            check=True,
        )
        # cgo writes a generated header next to the library; the real one is include/ngr_redis.h.
        generated_header = os.path.splitext(target)[0] + ".h"
        if os.path.exists(generated_header):
            os.remove(generated_header)


class platform_wheel(bdist_wheel):
    """Tag py3-none-<platform>: native code inside, but any CPython 3 can load it."""

    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        _, _, platform = super().get_tag()
        return "py3", "none", platform


class BinaryDistribution(Distribution):
    def has_ext_modules(self):
        return True


setup(
    name="nano-graphrag-redis",
    version="0.1.0",
    description="Redis KV storage for nano-graphrag, with a Go core (single node and Redis Cluster)",
    long_description=open(os.path.join(HERE, "README.md"), encoding="utf-8").read()
    if os.path.exists(os.path.join(HERE, "README.md"))
    else "",
    long_description_content_type="text/markdown",
    license="MIT",
    python_requires=">=3.10",
    package_dir={"": "python"},
    packages=find_packages("python"),
    package_data={"nano_graphrag_redis": ["py.typed"]},
    include_package_data=False,
    install_requires=["msgpack==1.2.4"],
    extras_require={
        "nano-graphrag": ["nano-graphrag==0.0.8.2"],
        "test": ["pytest==9.2.0", "pytest-asyncio==1.5.0", "pytest-timeout==2.4.0"],
        "bench": ["redis==8.1.0", "hiredis==3.5.0", "tqdm==4.70.1"],
        # Keep in step with requirements/cli.txt and requirements/metrics.txt.
        "cli": ["click==8.5.1", "tqdm==4.70.1", "ijson==3.6.0", "redis==8.1.0"],
        "metrics": ["prometheus-client==0.26.0"],
    },
    entry_points={"console_scripts": ["nano-graphrag-redis = nano_graphrag_redis.cli:main"]},
    cmdclass={"build_py": build_go_library, "bdist_wheel": platform_wheel},
    distclass=BinaryDistribution,
    zip_safe=False,
    classifiers=[
        "Programming Language :: Python :: 3",
        "Programming Language :: Go",
        "Operating System :: POSIX :: Linux",
        "Framework :: AsyncIO",
    ],
)
