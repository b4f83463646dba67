"""SyncRedisKVStorage: the blocking face, for scripts and threads.

The same operations as RedisKVStorage, one line each over _requests.py.
Calls release the GIL while Go works, so threads run in parallel; on the
main thread Ctrl-C interrupts a call that waits on Redis (_interruptible.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from . import _interruptible
from . import _requests as rq
from ._base import StoreCore
from ._compat import StorageFields
from ._docs import documented
from ._telemetry import instrumented

if TYPE_CHECKING:  # typing.Self is 3.11+; annotations are not evaluated at run time
    from typing_extensions import Self

T = TypeVar("T")


@instrumented
@documented
@dataclass(eq=False, repr=False)
class SyncRedisKVStorage(StoreCore, StorageFields):
    """Blocking KV storage on Redis with the methods of RedisKVStorage, plus close()."""

    def _call(self, request: rq.Request[T]) -> T:
        interruptible = self._settings.sync_interruptible is not False
        return _interruptible.call(self._store.handle(), request, interruptible)

    def all_keys(self) -> list[str]:
        return self._call(rq.ALL_KEYS)

    def get_by_id(self, id: str) -> Any:
        return self._call(rq.get(self.namespace, id))

    def get_by_ids(self, ids: Iterable[str], fields: Iterable[str] | None = None) -> list[Any]:
        """Values in ids order, None for a missing id. Any stored value that cannot be read raises
        CorruptValueError naming every bad id (docs/errors.md)."""
        return self._call(rq.get_many(self.namespace, ids, fields))

    def filter_keys(self, data: Iterable[str]) -> set[str]:
        return self._call(rq.filter_missing(data))

    def upsert(self, data: Mapping[str, Any]) -> int:
        return self._call(rq.upsert(data))

    def delete_by_id(self, id: str) -> bool:
        return self._call(rq.delete(id))

    def drop(self) -> int:
        return self._call(rq.DROP)

    def count(self) -> int:
        return self._call(rq.COUNT)

    def repair(self) -> int:
        return self._call(rq.REPAIR)

    def ping(self) -> bool:
        return self._call(rq.PING)

    def get_stats(self, memory_samples: int = 0) -> dict[str, Any]:
        return self._call(rq.stats(memory_samples))

    def index_start_callback(self) -> None:
        pass

    def index_done_callback(self) -> None:
        pass

    def query_done_callback(self) -> None:
        pass

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
