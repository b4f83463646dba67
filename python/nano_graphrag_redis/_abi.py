"""The C ABI of libngr_redis, declared once (mirror of include/ngr_redis.h).

- `library_path()` finds the shared library: env NGR_REDIS_LIB, else the
  package's ``_lib/libngr_redis.so``.
- `lib()` loads it lazily on first use (never at import: a process that
  imports us and then forks stays usable), declares every function's
  argtypes/restype, checks the ABI version, and registers a fork hook after
  which every call raises UsedAfterForkError instead of hanging (a forked
  child cannot run the parent's Go runtime).
- `take_decoded` decodes a library-owned buffer in place and frees it;
  `take_message` copies a library-owned message and frees it.

The friendlier call wrappers live in _native.py.
"""

from __future__ import annotations

import ctypes
import glob
import os
import platform
import threading
from collections.abc import Callable
from ctypes import POINTER, c_char_p, c_int32, c_int64, c_size_t, c_uint64, c_void_p
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

from ._version import __version__

ABI_VERSION = 2

# Status codes (enum ngr_status). tests/test_abi_codes.py checks them against the header.
NGR_OK = 0
NGR_ERR_INTERNAL = 1
NGR_ERR_CONFIG = 2
NGR_ERR_CONNECTION = 3
NGR_ERR_TIMEOUT = 4
NGR_ERR_AUTH = 5
NGR_ERR_REDIRECT = 6
NGR_ERR_SERIALIZATION = 7
NGR_ERR_TOO_LARGE = 8
NGR_ERR_CLOSED = 9
NGR_ERR_BAD_HANDLE = 10
NGR_ERR_PANIC = 11
NGR_ERR_CANCELLED = 12
NGR_ERR_PENDING = 13
NGR_ERR_BAD_REQUEST = 14
NGR_ERR_NOT_REPLICATED = 15
NGR_ERR_CORRUPT_VALUE = 16
NGR_ERR_RESPONSE = 17
NGR_ERR_TLS = 18
NGR_ERR_OOM = 19

# Operations (enum ngr_op).
NGR_OP_GET = 1
NGR_OP_GET_MANY = 2
NGR_OP_FILTER_MISSING = 3
NGR_OP_UPSERT = 4
NGR_OP_DELETE = 5
NGR_OP_ALL_KEYS = 6
NGR_OP_COUNT = 7
NGR_OP_DROP = 8
NGR_OP_STATS = 9
NGR_OP_REPAIR = 10
NGR_OP_PING = 11

LIB_ENV = "NGR_REDIS_LIB"
LIB_NAME = "libngr_redis.so"

_OUT_PTR = POINTER(c_void_p)  # char** / uint8_t** out-parameters, read as raw addresses

# name: (restype, argtypes), grouped and ordered like the header.
_SIGNATURES: dict[str, tuple[object, list[object]]] = {
    "ngr_abi_version": (c_int32, []),
    "ngr_package_version": (c_char_p, []),
    "ngr_free": (None, [c_void_p]),
    # stores
    "ngr_store_open": (c_int32, [c_char_p, c_size_t, c_char_p, c_size_t, POINTER(c_uint64), _OUT_PTR]),
    "ngr_store_close": (c_int32, [c_uint64, _OUT_PTR]),
    "ngr_call": (c_int32, [c_uint64, c_int32, c_char_p, c_size_t, _OUT_PTR, POINTER(c_size_t), _OUT_PTR]),
    # interruptible blocking calls
    "ngr_call_start": (
        c_int32,
        [c_uint64, c_int32, c_char_p, c_size_t, c_int32, POINTER(c_uint64), _OUT_PTR, POINTER(c_size_t), _OUT_PTR],
    ),
    "ngr_call_wait": (c_int32, [c_uint64, c_int32, _OUT_PTR, POINTER(c_size_t), _OUT_PTR]),
    "ngr_call_abandon": (c_int32, [c_uint64]),
    # completion queues
    "ngr_cq_open": (c_int32, [POINTER(c_uint64), POINTER(c_int32), _OUT_PTR]),
    "ngr_cq_close": (c_int32, [c_uint64, _OUT_PTR]),
    "ngr_submit": (c_int32, [c_uint64, c_uint64, c_int32, c_char_p, c_size_t, POINTER(c_uint64), _OUT_PTR]),
    "ngr_cancel": (c_int32, [c_uint64, c_uint64]),
    "ngr_take": (c_int32, [c_uint64, c_uint64, _OUT_PTR, POINTER(c_size_t), _OUT_PTR]),
    # diagnostics
    "ngr_handle_count": (c_int64, []),
    "ngr_goroutine_count": (c_int64, []),
    "ngr_debug_panic": (c_int32, [c_int32, c_uint64, POINTER(c_uint64), _OUT_PTR]),
}

_FORK_MESSAGE = (
    "nano_graphrag_redis was used in a process forked after its Go runtime had started in the "
    "parent; a forked child cannot use it (it would hang). Create the storage after the fork, "
    "in the child, and do not use any storage in the parent before forking "
    "(gunicorn --preload, Celery prefork and multiprocessing's 'fork' start method do this)."
)

_lib: ctypes.CDLL | None = None
_load_lock = threading.Lock()
_forked = False


def library_path() -> Path:
    """Where the shared library is; ImportError saying what to do if it is not there."""
    override = os.environ.get(LIB_ENV)
    path = Path(override) if override else Path(__file__).with_name("_lib") / LIB_NAME
    if not path.is_file():
        raise ImportError(
            f"nano_graphrag_redis: native library not found at {path}. Install the package with "
            "`pip install nano-graphrag-redis` (a wheel, or the sdist, which builds it with Go and zig from "
            f"PyPI), or run `make build` in a source checkout. {LIB_ENV} can point at a built library."
        )
    return path


def lib() -> ctypes.CDLL:
    """The loaded library, loading it on first use. Raises UsedAfterForkError in a forked child."""
    if _forked:
        from ._errors import UsedAfterForkError

        raise UsedAfterForkError(_FORK_MESSAGE)
    if _lib is None:
        _load()
    assert _lib is not None
    return _lib


def loaded() -> bool:
    """Whether this process (not a forked parent) has loaded the library."""
    return _lib is not None and not _forked


def _load() -> None:
    global _lib
    with _load_lock:
        if _lib is not None:
            return
        path = library_path()
        try:
            library = ctypes.CDLL(str(path))
        except OSError as exc:
            raise ImportError(f"nano_graphrag_redis: cannot load {path}: {exc}. {_load_hint()}") from exc
        _check_abi(library, path)
        for name, (restype, argtypes) in _SIGNATURES.items():
            fn = getattr(library, name)
            fn.restype = restype
            fn.argtypes = argtypes
        os.register_at_fork(after_in_child=_mark_forked)
        _lib = library


def _check_abi(library: ctypes.CDLL, path: Path) -> None:
    """ImportError unless the library speaks this package's ABI; checked before any other symbol is
    declared, so an older or newer library fails here with both versions named."""
    library.ngr_abi_version.restype, library.ngr_abi_version.argtypes = c_int32, []
    version = library.ngr_abi_version()
    if version == ABI_VERSION:
        return
    built_by = "an unknown version"
    if hasattr(library, "ngr_package_version"):
        library.ngr_package_version.restype, library.ngr_package_version.argtypes = c_char_p, []
        built_by = "version " + library.ngr_package_version().decode()
    raise ImportError(
        f"nano_graphrag_redis {__version__}: {path} has ABI version {version} (built by nano-graphrag-redis "
        f"{built_by}); this package needs ABI {ABI_VERSION}. Reinstall the package (`pip install "
        "--force-reinstall nano-graphrag-redis`) or rebuild the library with `make build`."
    )


def _load_hint(libc: str | None = None, musl_loaders: list[str] | None = None) -> str:
    """What to do when the library does not load: musl is the one case a rebuild cannot fix.
    The arguments default to this system's C library and its /lib/ld-musl-* loaders."""
    libc = platform.libc_ver()[0] if libc is None else libc
    musl_loaders = glob.glob("/lib/ld-musl-*") if musl_loaders is None else musl_loaders
    if libc != "glibc" and musl_loaders:
        return (
            "This system uses musl libc (Alpine), which cannot load a Go shared library: nano-graphrag-redis "
            "supports glibc-based Linux only (e.g. python:3.12-slim, Debian, Ubuntu, RHEL)."
        )
    return "Reinstall the package (`pip install --force-reinstall nano-graphrag-redis`) or run `make build`."


def package_version_of_library() -> str:
    """The package version stamped into the loaded library ("dev" for `make build`)."""
    return lib().ngr_package_version().decode()


def _mark_forked() -> None:
    global _forked
    _forked = True


# A read-only memoryview over native memory, straight from the C API: the
# ctypes way, memoryview((c_char * size).from_address(p)), builds an array
# type per response size (the cache keeps it only while it is referenced),
# 9-17 us per response on the async get_by_id path against 0.7 us for this.
_view_of_memory = ctypes.pythonapi.PyMemoryView_FromMemory
_view_of_memory.argtypes = (c_void_p, ctypes.c_ssize_t, ctypes.c_int)
_view_of_memory.restype = ctypes.py_object
_PYBUF_READ = 0x100


def take_decoded(ptr: c_void_p, size: int, decode: Callable[[Any], T]) -> T:
    """decode(a read-only view of a library-owned buffer), then free the buffer.

    No copy into a bytes object first: a 10k get_by_ids answer is ~45 MB,
    and a fresh 45 MB bytes per call costs an mmap, page faults and a munmap
    (CONTEXT §5). decode must not keep the view (msgpack.unpackb does not).
    """
    if not ptr.value:
        return decode(b"")
    view = _view_of_memory(ptr.value, size, _PYBUF_READ)
    try:
        return decode(view)
    finally:
        view.release()
        _lib.ngr_free(ptr)  # type: ignore[union-attr]


def take_message(ptr: c_void_p) -> str:
    """Copy a library-owned NUL-terminated message into str and free it."""
    if not ptr.value:
        return ""
    try:
        return ctypes.string_at(ptr.value).decode("utf-8", "replace")
    finally:
        _lib.ngr_free(ptr)  # type: ignore[union-attr]
