"""The package version: its one source.

pyproject.toml reads it (``[tool.setuptools.dynamic]``), setup.py stamps it
into the native library at build time (``ngr_package_version()``), and the
loader in _abi.py names it when the library and the package disagree.
"""

__version__ = "0.2.0"
