"""Blocking calls that Ctrl-C can interrupt.

CPython runs signal handlers (Ctrl-C's KeyboardInterrupt among them) on its
main thread only, between two bytecodes: a main thread blocked in one C call
for a whole operation ignores Ctrl-C until Redis answers or every retry has
timed out. So the sync face, on the main thread, starts a call and waits for
it in slices (ngr_call_start, then ngr_call_wait): a pending signal handler
runs between two slices, and the call it interrupts is abandoned (cancelled
in Go, its result dropped when it ends). Other threads never receive signals
and call straight through with ngr_call, one thread hand-off cheaper.
"""

from __future__ import annotations

import threading
from typing import TypeVar

from . import _native
from ._requests import Request

T = TypeVar("T")

SLICE_MS = 100  # how long Ctrl-C may wait to be seen, at most


def call(handle: int, request: Request[T], interruptible: bool) -> T:
    """Run a request and block until it ends; on the main thread (if interruptible), in slices."""
    if not interruptible or threading.current_thread() is not threading.main_thread():
        return _native.call(handle, request.op, request.payload, request.decode)
    call_id, raw = _native.call_start(handle, request.op, request.payload, SLICE_MS)
    try:
        while call_id:
            call_id, raw = _native.call_wait(call_id, SLICE_MS)
    except BaseException:  # KeyboardInterrupt, or whatever a signal handler raised
        _native.call_abandon(call_id)
        raise
    return _native.decode_response(raw, request.decode)
