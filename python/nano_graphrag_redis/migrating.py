"""MigratingKVStorage: move a live nano-graphrag app from its old KV backend to Redis without downtime.

It wraps the old store (nano-graphrag's JsonKVStorage unless the setting
``migration_old_class`` names another, e.g. the fork's legacy Redis class)
and a RedisKVStorage, and the setting ``migration_phase`` (env
REDIS_MIGRATION_PHASE, ``redis_migration_phase`` in global_config or its
addon_params) says which one reads and which ones write:

=============  ==========================  =====================
phase          reads                       writes
=============  ==========================  =====================
dual-write     old                         old, then new
verify         old; new compared, counted  old, then new
read-new       new; a miss falls back to   new, then old
               old and is backfilled
new-only       new                         new (deletes and drops:
                                           both)
=============  ==========================  =====================

Between dual-write and verify the backlog is copied with
``nano-graphrag-redis migrate`` (docs/migration.md). Every phase up to
read-new writes both stores, so going back one phase never loses a write;
from new-only, one phase back is read-new, which reads Redis first (and
finds no deleted id in the old store: removals reach it in every phase).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ._async import RedisKVStorage
from ._compat import BaseKVStorage
from ._errors import ConfigurationError
from ._integration import resolve_class

__all__ = ["PHASES", "MigratingKVStorage"]

PHASES = ("dual-write", "verify", "read-new", "new-only")
DEFAULT_OLD_CLASS = "nano_graphrag._storage:JsonKVStorage"

logger = logging.getLogger("nano_graphrag_redis.migrating")


@dataclass(eq=False, repr=False)
class MigratingKVStorage(BaseKVStorage):
    """A nano-graphrag KV storage that reads and writes the old store and Redis by phase."""

    def __post_init__(self) -> None:
        # The settings resolve and are checked as every other one (docs/configuration.md).
        self.new = RedisKVStorage(namespace=self.namespace, global_config=self.global_config)
        self.phase = self.new.settings.migration_phase
        if self.phase is None:
            raise ConfigurationError(
                f"migration_phase (REDIS_MIGRATION_PHASE, or redis_migration_phase in global_config) is not set: "
                f"one of {', '.join(PHASES)} (docs/migration.md)"
            )
        old_class = resolve_class(self.new.settings.migration_old_class or DEFAULT_OLD_CLASS)
        self.old = old_class(namespace=self.namespace, global_config=self.global_config)
        self.mismatches = 0  # verify phase: reads where Redis disagreed with the old store
        self.backfilled = 0  # read-new phase: ids copied from the old store on a miss

    def __repr__(self) -> str:
        return f"MigratingKVStorage(namespace={self.namespace!r}, phase={self.phase!r}, new={self.new!r})"

    # --- which stores take part -------------------------------------------------

    @property
    def _reads_new(self) -> bool:
        return self.phase in ("read-new", "new-only")

    def _writers(self) -> list[Any]:
        """Stores written, the one read first (a failed second write leaves the reader right)."""
        if self.phase == "new-only":
            return [self.new]
        return [self.new, self.old] if self._reads_new else [self.old, self.new]

    # --- reads ----------------------------------------------------------------

    async def all_keys(self) -> list[str]:
        if self.phase == "new-only":
            return await self.new.all_keys()
        if self.phase == "read-new":
            new = await self.new.all_keys()
            seen = set(new)
            return new + [k for k in await self.old.all_keys() if k not in seen]
        return await self.old.all_keys()

    async def get_by_id(self, id: str) -> Any:
        return (await self.get_by_ids([id]))[0]

    async def get_by_ids(self, ids: Iterable[str], fields: Iterable[str] | None = None) -> list[Any]:
        ids = list(ids)
        if self.phase == "new-only":
            return await self.new.get_by_ids(ids, fields)
        if self.phase == "read-new":
            return await self._read_new(ids, fields)
        values = await self.old.get_by_ids(ids, fields)
        if self.phase == "verify":
            await self._compare(ids, fields, values)
        return values

    async def _read_new(self, ids: list[str], fields: Iterable[str] | None) -> list[Any]:
        values = await self.new.get_by_ids(ids)
        missing = [i for i, v in zip(ids, values, strict=True) if v is None]
        if missing:
            found = dict(zip(missing, await self.old.get_by_ids(missing), strict=True))
            backfill = {k: v for k, v in found.items() if v is not None}
            if backfill:
                await self.new.upsert(backfill)
                self.backfilled += len(backfill)
            values = [found.get(i) if v is None else v for i, v in zip(ids, values, strict=True)]
        if fields is None:
            return values
        wanted = set(fields)
        return [None if v is None else {k: x for k, x in v.items() if k in wanted} for v in values]

    async def _compare(self, ids: list[str], fields: Iterable[str] | None, old_values: list[Any]) -> None:
        new_values = await self.new.get_by_ids(ids, fields)
        differ = [i for i, a, b in zip(ids, old_values, new_values, strict=True) if a != b]
        if differ:
            self.mismatches += len(differ)
            logger.warning("migration verify: %s: %d ids differ between the old store and Redis, e.g. %r",
                           self.namespace, len(differ), differ[:3])

    async def filter_keys(self, data: Iterable[str]) -> set[str]:
        data = list(data)
        if self.phase == "new-only":
            return await self.new.filter_keys(data)
        if self.phase == "read-new":
            missing_new = await self.new.filter_keys(data)
            return await self.old.filter_keys(list(missing_new)) if missing_new else set()
        return await self.old.filter_keys(data)

    # --- writes ---------------------------------------------------------------

    async def upsert(self, data: Mapping[str, Any]) -> None:
        for store in self._writers():
            await store.upsert(data)

    # Removals reach the old store in every phase, new-only included: read-new
    # (new-only's rollback) falls back to the old store on a miss, and would
    # bring a deleted id or a dropped namespace (community_reports, on every
    # insert) back to life.

    def _removers(self) -> list[Any]:
        return self._writers() if self.phase != "new-only" else [self.new, self.old]

    async def delete_by_id(self, id: str) -> bool:
        removed = False
        for store in self._removers():
            removed = await _delete(store, id) or removed
        return removed

    async def drop(self) -> None:
        for store in self._removers():
            await store.drop()

    # --- callbacks (the old store persists in index_done_callback) ---------------

    async def _each(self, callback: str) -> None:
        for store in self._removers():
            await getattr(store, callback)()

    async def index_start_callback(self) -> None:
        await self._each("index_start_callback")

    async def index_done_callback(self) -> None:
        await self._each("index_done_callback")

    async def query_done_callback(self) -> None:
        await self._each("query_done_callback")

    async def aclose(self) -> None:
        await self.new.aclose()


async def _delete(store: Any, id: str) -> bool:
    """delete_by_id, also on nano-graphrag's JsonKVStorage, which lacks it (0.0.8.2)."""
    method = getattr(store, "delete_by_id", None)
    if method is not None:
        return bool(await method(id))
    data = getattr(store, "_data", None)
    if isinstance(data, dict):
        return data.pop(id, None) is not None
    raise TypeError(f"{type(store).__name__} has no delete_by_id; cannot delete {id!r} from it")
