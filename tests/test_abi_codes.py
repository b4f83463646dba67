"""The ABI is declared once, in include/ngr_redis.h. The binding takes its
codes from it through cgo (binding/codes.go) and checks its exports against it
at compile time (binding/abi_check.c); _abi.py mirrors it for ctypes. These
tests fail as soon as the mirror disagrees, or the binding stops reading the
header."""

from __future__ import annotations

import re
from pathlib import Path

from nano_graphrag_redis import _abi, _native

ROOT = Path(__file__).resolve().parents[1]
HEADER = (ROOT / "include" / "ngr_redis.h").read_text()
GO_CODES = (ROOT / "binding" / "codes.go").read_text()
GO_SOURCES = "\n".join(p.read_text() for p in (ROOT / "binding").glob("*.go"))


def header_enum(name: str) -> dict[str, int]:
    body = re.search(rf"typedef enum {name} \{{(.*?)\}}", HEADER, re.DOTALL)
    assert body, f"enum {name} not found in the header"
    return {k: int(v) for k, v in re.findall(r"\b(NGR_\w+)\s*=\s*(\d+)", body.group(1))}


def go_codes_taken_from_the_header() -> set[str]:
    # Lines like: statusConfig = int32(C.NGR_ERR_CONFIG)
    return set(re.findall(r"^\s*\w+\s*= int32\(C\.(NGR_\w+)\)$", GO_CODES, re.MULTILINE))


def python_codes() -> dict[str, int]:
    return {k: v for k, v in vars(_abi).items() if k.startswith("NGR_") and isinstance(v, int)}


def test_header_go_and_python_status_and_op_codes_agree():
    header = header_enum("ngr_status") | header_enum("ngr_op")
    assert len(header) == 31
    assert go_codes_taken_from_the_header() == set(header)
    assert python_codes() == header


def test_the_binding_compiles_against_the_one_header():
    # A link, not a copy: it is in the package directory so that the Go build
    # cache sees the header change (it does not track headers outside it).
    link = ROOT / "binding" / "ngr_redis.h"
    assert link.is_symlink()
    assert link.resolve() == (ROOT / "include" / "ngr_redis.h").resolve()
    assert re.search(r'^#include "ngr_redis.h"$', GO_CODES, re.MULTILINE)
    assert not re.search(r"=\s*\d", GO_CODES), "binding/codes.go restates a number"


def test_abi_version_agrees_everywhere_and_at_runtime():
    header_version = int(re.search(r"#define NGR_ABI_VERSION (\d+)", HEADER).group(1))
    assert re.search(r"^const abiVersion = C\.NGR_ABI_VERSION$", GO_CODES, re.MULTILINE)
    assert header_version == _abi.ABI_VERSION
    assert _abi.lib().ngr_abi_version() == header_version


def test_every_header_function_is_exported_by_go_and_declared_in_python():
    declared = set(re.findall(r"^(?:int32_t|int64_t|void|const char \*)\s*(ngr_\w+)\(", HEADER, re.MULTILINE))
    exported = set(re.findall(r"^//export (ngr_\w+)$", GO_SOURCES, re.MULTILINE))
    assert len(declared) == 17
    assert exported == declared
    assert set(_abi._SIGNATURES) == declared


def test_handle_count_is_callable():
    assert _native.handle_count() >= 0


def test_goroutine_count_sees_the_go_runtime():
    assert _native.goroutine_count() >= 1
