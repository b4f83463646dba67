"""Async completion: one native completion queue per asyncio event loop.

Requests are submitted with ngr_submit and run as goroutines. When one
finishes, Go writes its 8-byte ticket id to the queue's pipe; the loop,
watching the pipe with add_reader, reads every available id, takes each
result with ngr_take, decodes it straight from native memory and resolves
the waiting future. No thread is held per
request on either side.

Cancellation: a cancelled await calls ngr_cancel; the ticket still
completes, and its result is taken (and freed) and dropped when its id
arrives, so nothing leaks.
"""

from __future__ import annotations

import asyncio
import os
import struct
import threading
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

from . import _abi, _native
from ._errors import ClosedError, RedisKVError
from ._requests import Request

T = TypeVar("T")

_READ_SIZE = 8 * 4096  # ids per read; more simply wake the reader again


class _LoopQueue:
    """The completion queue of one event loop; used only from that loop's thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.cq, self.fd = _native.cq_open()
        self.pending: dict[int, tuple[asyncio.Future[Any], Callable[[Any], Any]]] = {}
        self._partial = b""
        loop.add_reader(self.fd, self._on_readable)
        # The loop going away closes the native queue (frees untaken results).
        self.finalizer = weakref.finalize(loop, _close_quietly, self.cq)

    def cancel(self, ticket: int) -> None:
        if ticket in self.pending:
            _native.cancel(self.cq, ticket)

    def _on_readable(self) -> None:
        try:
            data = self._partial + os.read(self.fd, _READ_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        whole = len(data) - len(data) % 8
        self._partial = data[whole:]
        for (ticket,) in struct.iter_unpack("<Q", data[:whole]):
            self._resolve(ticket)

    def _resolve(self, ticket: int) -> None:
        future, decode = self.pending.pop(ticket, (None, _discard))
        if future is not None and future.done():
            decode = _discard  # cancelled: take and free, decode nothing
        try:
            response = _native.take(self.cq, ticket, decode)
        except Exception as exc:  # noqa: BLE001 - the native error, or the decoder's: the awaiting caller gets it
            if future is not None and not future.done():
                future.set_exception(exc)
            return
        if future is not None and not future.done():
            future.set_result(response)


def _discard(_: Any) -> None:
    return None


def _close_quietly(cq: int) -> None:
    if _abi.loaded():
        try:
            _native.cq_close(cq)
        except RedisKVError:
            pass


_queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopQueue] = weakref.WeakKeyDictionary()
_queues_lock = threading.Lock()


def _queue_for(loop: asyncio.AbstractEventLoop) -> _LoopQueue:
    queue = _queues.get(loop)
    if queue is None:
        with _queues_lock:
            queue = _queues.get(loop)
            if queue is None:
                queue = _queues[loop] = _LoopQueue(loop)
    return queue


async def run(handle: int, request: Request[T]) -> T:
    """Run a request on the current event loop without blocking it."""
    return await _complete(lambda cq: _native.submit(cq, handle, request.op, request.payload), request.decode)


async def debug_panic() -> bytes:
    """Test hook (NGR_TEST_HOOKS=1): a ticket whose goroutine panics; raises GoPanicError."""
    return await _complete(lambda cq: _native.debug_panic(cq, in_background=True), bytes)


async def _complete(start: Callable[[int], int], decode: Callable[[Any], T]) -> T:
    """Start a ticket on this loop's queue (start(cq) -> ticket) and await its decoded response."""
    loop = asyncio.get_running_loop()
    queue = _queue_for(loop)
    ticket = start(queue.cq)
    future: asyncio.Future[T] = loop.create_future()
    queue.pending[ticket] = (future, decode)
    try:
        return await future
    except asyncio.CancelledError:
        queue.cancel(ticket)
        raise


def close_loop_queue(loop: asyncio.AbstractEventLoop) -> None:
    """Close the queue of a loop now (tests, shutdown); a later request opens a new one."""
    with _queues_lock:
        queue = _queues.pop(loop, None)
    if queue is None:
        return
    if not loop.is_closed():
        loop.remove_reader(queue.fd)
    for future, _ in queue.pending.values():
        if not future.done():
            future.set_exception(ClosedError("the completion queue of this event loop was closed"))
    queue.pending.clear()
    queue.finalizer()
