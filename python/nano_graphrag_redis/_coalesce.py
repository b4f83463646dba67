"""Concurrent get_by_id calls travel together, as one get_many.

nano-graphrag fires many get_by_id at once (asyncio.gather over chunk ids and
LLM-cache hashes). One native call per id costs a submit, a pipe wake-up and
a take each; one get_many for all of them costs one of each (DataLoader-style
batching). Calls made in the same event-loop turn join one batch, which is
sent at the end of the turn; calls made while MAX_IN_FLIGHT batches are
already out wait for one of them to return and then travel together.

Semantics stay per call:
- each await gets the value of its own id, or its own error: when a batch of
  several ids fails with an error that concerns a key (a value that cannot
  be decoded, a key of the wrong type), its ids are fetched again one per
  call, so only the bad id's await sees the error; an error of the
  connection (unreachable, timeout, closed) goes to every await of the batch;
- cancelling one await cancels only its own future;
- a batch never takes new ids once it is sent, so a call made after an
  awaited upsert reads that upsert;
- the same id asked twice is read twice: each await gets its own object,
  as without batching (a caller may mutate what it got).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

from . import _requests as rq
from ._errors import ClosedError, RedisKVConnectionError, RedisKVError, RedisKVTimeoutError

# Batches of one store and one loop that may be out at once: two let the
# next batch be sent while the previous one's answer is being decoded.
MAX_IN_FLIGHT = 2

# Errors that say nothing about a particular key: retrying ids one by one
# would only repeat them (and wait out a timeout once more).
_SHARED_ERRORS = (RedisKVConnectionError, RedisKVTimeoutError, ClosedError)

Submit = Callable[[rq.Request[Any]], Awaitable[Any]]
_Call = tuple[str, "asyncio.Future[Any]"]


class _LoopState:
    """The open batch ((id, future) per call) and the batches in flight, of one loop."""

    __slots__ = ("in_flight", "open", "scheduled")

    def __init__(self) -> None:
        self.open: list[_Call] = []
        self.in_flight: set[asyncio.Task[None]] = set()  # held here: the loop keeps only weak references
        self.scheduled = False


class GetCoalescer:
    """Batches the get_by_id calls of one store, per event loop."""

    def __init__(self, submit: Submit, namespace: str) -> None:
        self._submit = submit
        self._namespace = namespace  # named by a CorruptValueError
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopState] = (
            weakref.WeakKeyDictionary()
        )

    async def get(self, id: str) -> Any:
        rq.check_id(id)  # a bad id fails its own call, now
        loop = asyncio.get_running_loop()
        state = self._loops.get(loop)
        if state is None:
            state = self._loops[loop] = _LoopState()
        future: asyncio.Future[Any] = loop.create_future()
        state.open.append((id, future))
        self._schedule(loop, state)
        return await future

    def _schedule(self, loop: asyncio.AbstractEventLoop, state: _LoopState) -> None:
        """Send the open batch at the end of this loop turn, unless enough are in flight."""
        if not state.scheduled and state.open and len(state.in_flight) < MAX_IN_FLIGHT:
            state.scheduled = True
            loop.call_soon(self._send, loop, state)

    def _send(self, loop: asyncio.AbstractEventLoop, state: _LoopState) -> None:
        state.scheduled = False
        batch = [call for call in state.open if not call[1].done()]  # drop cancelled calls
        state.open = []
        if not batch:
            return
        task = loop.create_task(self._fetch(batch))
        state.in_flight.add(task)
        task.add_done_callback(lambda done: self._finished(loop, state, done))

    def _finished(self, loop: asyncio.AbstractEventLoop, state: _LoopState, task: asyncio.Task[None]) -> None:
        state.in_flight.discard(task)
        self._schedule(loop, state)

    async def _fetch(self, batch: list[_Call]) -> None:
        ids = [id for id, _ in batch]
        try:
            if len(ids) == 1:
                values = [await self._submit(rq.get(self._namespace, ids[0]))]
            else:
                values = await self._submit(rq.get_many(self._namespace, ids))
        except RedisKVError as exc:
            if len(ids) == 1 or isinstance(exc, _SHARED_ERRORS):
                _fail(batch, exc)
            else:
                await asyncio.gather(*(self._fetch([call]) for call in batch))
            return
        except BaseException as exc:  # cancelled (loop shutting down) or a bug: no await hangs
            _fail(batch, exc if isinstance(exc, Exception) else ClosedError("the event loop stopped"))
            raise
        for (_, future), value in zip(batch, values, strict=False):
            if not future.done():
                future.set_result(value)


def _fail(batch: list[_Call], exc: BaseException) -> None:
    for _, future in batch:
        if not future.done():
            future.set_exception(exc)
