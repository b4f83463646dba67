"""Pythonic wrappers over the C ABI: one function per export.

Each wrapper passes out-parameters, copies and frees what the library
returned (via _abi.take_*), and raises the mapped exception on a non-OK
status. Nothing else in the package touches ctypes.
"""

from __future__ import annotations

from collections.abc import Callable
from ctypes import byref, c_int32, c_size_t, c_uint64, c_void_p
from typing import Any, TypeVar

from . import _abi
from ._errors import error_for

T = TypeVar("T")


def _raise_unless_ok(status: int, err: c_void_p) -> None:
    message = _abi.take_message(err)
    if status != _abi.NGR_OK:
        raise error_for(status, message)


def store_open(options_json: bytes, namespace: str) -> int:
    """Open a store for one namespace; returns its handle."""
    lib = _abi.lib()
    ns = namespace.encode("utf-8")
    handle, err = c_uint64(), c_void_p()
    status = lib.ngr_store_open(options_json, len(options_json), ns, len(ns), byref(handle), byref(err))
    _raise_unless_ok(status, err)
    return handle.value


def store_close(handle: int) -> None:
    err = c_void_p()
    _raise_unless_ok(_abi.lib().ngr_store_close(handle, byref(err)), err)


def call(handle: int, op: int, payload: bytes, decode: Callable[[Any], Any] = bytes) -> Any:
    """Run one op and block (the GIL is released by ctypes meanwhile); decode its response (default: a copy)."""
    resp, size, err = c_void_p(), c_size_t(), c_void_p()
    status = _abi.lib().ngr_call(handle, op, payload, len(payload), byref(resp), byref(size), byref(err))
    _raise_unless_ok(status, err)
    return _abi.take_decoded(resp, size.value, decode)


def call_start(handle: int, op: int, payload: bytes, wait_ms: int) -> tuple[int, Any]:
    """Start one op and wait at most wait_ms: (0, raw response) if it finished, else (call handle, None)."""
    call_id, resp, size, err = c_uint64(), c_void_p(), c_size_t(), c_void_p()
    status = _abi.lib().ngr_call_start(
        handle, op, payload, len(payload), wait_ms, byref(call_id), byref(resp), byref(size), byref(err)
    )
    return _finished_or_pending(status, err, call_id.value, resp, size)


def call_wait(call_id: int, wait_ms: int) -> tuple[int, Any]:
    """Wait at most wait_ms more for a pending call: (0, raw response) once finished, else (call_id, None)."""
    resp, size, err = c_void_p(), c_size_t(), c_void_p()
    status = _abi.lib().ngr_call_wait(call_id, wait_ms, byref(resp), byref(size), byref(err))
    return _finished_or_pending(status, err, call_id, resp, size)


def _finished_or_pending(status: int, err: c_void_p, call_id: int, resp: c_void_p, size: c_size_t) -> tuple[int, Any]:
    if status == _abi.NGR_ERR_PENDING:
        _abi.take_message(err)
        return call_id, None
    _raise_unless_ok(status, err)
    return 0, (resp, size.value)


def call_abandon(call_id: int) -> None:
    """Give up on a pending call: it is cancelled and its result dropped when it finishes."""
    _abi.lib().ngr_call_abandon(call_id)


def decode_response(raw: tuple[c_void_p, int], decode: Callable[[Any], T]) -> T:
    """Decode (and free) the raw response that call_start or call_wait returned."""
    resp, size = raw
    return _abi.take_decoded(resp, size, decode)


def cq_open() -> tuple[int, int]:
    """Open a completion queue; returns (queue handle, read fd of its pipe)."""
    cq, fd, err = c_uint64(), c_int32(), c_void_p()
    _raise_unless_ok(_abi.lib().ngr_cq_open(byref(cq), byref(fd), byref(err)), err)
    return cq.value, fd.value


def cq_close(cq: int) -> None:
    err = c_void_p()
    _raise_unless_ok(_abi.lib().ngr_cq_close(cq, byref(err)), err)


def submit(cq: int, handle: int, op: int, payload: bytes) -> int:
    """Start one op in the background; returns its ticket."""
    ticket, err = c_uint64(), c_void_p()
    status = _abi.lib().ngr_submit(cq, handle, op, payload, len(payload), byref(ticket), byref(err))
    _raise_unless_ok(status, err)
    return ticket.value


def cancel(cq: int, ticket: int) -> int:
    """Ask a ticket to stop; returns the status (BAD_HANDLE if already taken)."""
    return int(_abi.lib().ngr_cancel(cq, ticket))


def take(cq: int, ticket: int, decode: Callable[[Any], T]) -> T:
    """The decoded response of a completed ticket (which is then forgotten), or its error raised."""
    resp, size, err = c_void_p(), c_size_t(), c_void_p()
    status = _abi.lib().ngr_take(cq, ticket, byref(resp), byref(size), byref(err))
    _raise_unless_ok(status, err)
    return _abi.take_decoded(resp, size.value, decode)


def handle_count() -> int:
    """Live native handles (stores, shared clients, queues, tickets)."""
    return int(_abi.lib().ngr_handle_count())


def goroutine_count() -> int:
    """Goroutines in the library's Go runtime (a leak check for soak tests)."""
    return int(_abi.lib().ngr_goroutine_count())


def debug_panic(cq: int = 0, *, in_background: bool = False) -> int:
    """Test hook (NGR_TEST_HOOKS=1): panic in Go. Sync raises GoPanicError; background returns a ticket."""
    ticket, err = c_uint64(), c_void_p()
    status = _abi.lib().ngr_debug_panic(int(in_background), cq, byref(ticket), byref(err))
    _raise_unless_ok(status, err)
    return ticket.value
