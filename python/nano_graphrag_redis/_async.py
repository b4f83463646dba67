"""RedisKVStorage: the asyncio face, a drop-in nano-graphrag KV storage.

Every method is one line over _requests.py; the work happens in Go
goroutines and completes through _completion.py without blocking the loop.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from . import _completion
from . import _requests as rq
from ._base import StoreCore
from ._coalesce import GetCoalescer
from ._compat import AsyncCallbacks, BaseKVStorage
from ._docs import documented
from ._fork_compat import ForkCompat
from ._telemetry import instrumented

if TYPE_CHECKING:  # typing.Self is 3.11+; annotations are not evaluated at run time
    from typing_extensions import Self

T = TypeVar("T")


@instrumented
@documented
@dataclass(eq=False, repr=False)
class RedisKVStorage(StoreCore, ForkCompat, AsyncCallbacks, BaseKVStorage):
    """KV storage for nano-graphrag on Redis (single node or cluster), asyncio.

    Build it as nano-graphrag does: ``RedisKVStorage(namespace=..., global_config=...)``.
    Settings come from global_config / the environment (docs/configuration.md).
    The index/query callbacks do nothing on purpose: index_done_callback runs
    after every uncached LLM call, so it must cost nothing (no BGSAVE; Redis
    persistence is the server's AOF).
    Concurrent get_by_id calls are sent together as one get_many (_coalesce.py).
    The fork's backup and health check read private names of its own class;
    _fork_compat.py answers them.
    """

    def __post_init__(self) -> None:
        super().__post_init__()
        self._gets = GetCoalescer(self._submit, self.namespace)

    async def _submit(self, request: rq.Request[T]) -> T:
        return await _completion.run(self._store.handle(), request)

    async def all_keys(self) -> list[str]:
        return await self._submit(rq.ALL_KEYS)

    async def get_by_id(self, id: str) -> Any:
        return await self._gets.get(id)

    async def get_by_ids(self, ids: Iterable[str], fields: Iterable[str] | None = None) -> list[Any]:
        """Values in ids order, None for a missing id. Any stored value that cannot be read raises
        CorruptValueError naming every bad id (docs/errors.md)."""
        return await self._submit(rq.get_many(self.namespace, ids, fields))

    async def filter_keys(self, data: Iterable[str]) -> set[str]:
        return await self._submit(rq.filter_missing(data))

    async def upsert(self, data: Mapping[str, Any]) -> int:
        return await self._submit(rq.upsert(data))

    async def delete_by_id(self, id: str) -> bool:
        return await self._submit(rq.delete(id))

    async def drop(self) -> int:
        return await self._submit(rq.DROP)

    async def count(self) -> int:
        return await self._submit(rq.COUNT)

    async def repair(self) -> int:
        return await self._submit(rq.REPAIR)

    async def ping(self) -> bool:
        return await self._submit(rq.PING)

    async def get_stats(self, memory_samples: int = 0) -> dict[str, Any]:
        return await self._submit(rq.stats(memory_samples))

    async def aclose(self) -> None:
        self._store.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
