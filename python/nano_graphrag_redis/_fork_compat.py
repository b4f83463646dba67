"""The private names of the fork's own RedisKVStorage that the fork's service reads, honoured.

It serves one caller: the nano-graphrag fork (remcohendriks/nano-graphrag, HEAD 670ae32),
which picks code paths by ``type(storage).__name__ == "RedisKVStorage"`` and then reads
the private attributes of its own redis-py based class. What it reads, and where:

- ``backup/exporters/kv_exporter.py``: ``KVExporter._export_redis_storage`` and
  ``KVExporter.get_statistics``: ``await storage._ensure_initialized()``, ``storage._prefix``,
  ``await storage._redis_client.scan(cursor, match=f"{prefix}*", count=1000)`` until the cursor is
  0, and ``await storage._redis_client.get(key)``, whose bytes it decodes as UTF-8 and
  ``json.loads`` (it strips ``_prefix`` from the key to get the id). Restore only calls ``upsert``.
- ``backup/manager.py``: ``BackupManager._export_kv`` / ``_restore_kv`` run the exporter above.
- ``api/routers/health.py``: ``check_redis``: ``hasattr(full_docs, "_redis_client")``, then
  ``await full_docs._ensure_initialized()`` and ``await full_docs._redis_client.ping()``,
  healthy only if that returns True.

Everything here is read-only (writes go through ``upsert``, as the fork's restore does) and
goes through the public storage API: the keys come from our index (``all_keys``, never SCAN,
every master on a cluster), the values from ``get_by_id``. Nothing is built until the fork
touches ``_redis_client``. The day the fork exports through ``all_keys()`` + ``get_by_ids()``
and checks health through ``ping()`` (docs/fork.md), this module can go.
SyncRedisKVStorage does not need it: the fork is async and never reaches a class of that name.
"""

from __future__ import annotations

import itertools
from functools import cached_property
from typing import Any

from ._json import json_text
from ._settings_spec import SETTINGS

_DEFAULT_KEY_PREFIX = next(s["default"] for s in SETTINGS if s["key"] == "key_prefix")

__all__ = ["ForkCompat"]


class ForkCompat:
    """Mixin for RedisKVStorage: ``_ensure_initialized``, ``_prefix`` and ``_redis_client``."""

    namespace: str

    async def _ensure_initialized(self) -> None:
        """Nothing to do: the native store opens itself on the first operation."""

    @property
    def _prefix(self) -> str:
        # Not a Redis key of ours (the layout is storage/keys.go): the name space of the view below.
        key_prefix = self.settings.key_prefix or _DEFAULT_KEY_PREFIX  # type: ignore[attr-defined]
        return f"{key_prefix}:{self.namespace}:"

    @cached_property
    def _redis_client(self) -> ForkRedisView:
        return ForkRedisView(self)


class ForkRedisView:
    """The three redis-py calls the fork makes, answered from one storage's public API.

    ``scan`` pages through a snapshot of ``all_keys()`` taken at cursor 0, so a walk sees each
    id once; the keys it returns are ``_prefix + id``.
    """

    def __init__(self, storage: Any) -> None:
        self._storage = storage
        self._walks: dict[int, list[str]] = {}  # cursor -> ids still to return
        self._cursors = itertools.count(1)

    async def scan(self, cursor: int = 0, match: str | None = None, count: int | None = None,
                   **_: Any) -> tuple[int, list[str]]:
        prefix = self._storage._prefix
        if match not in (None, f"{prefix}*"):
            raise ValueError(f"scan match {match!r}: only {prefix + '*'!r} (this namespace) is served")
        if cursor == 0:
            ids = await self._storage.all_keys()
        else:
            try:
                ids = self._walks.pop(int(cursor))
            except KeyError:
                raise ValueError(f"scan cursor {cursor!r} is not one this view returned") from None
        size = max(1, count or 10)
        page, rest = ids[:size], ids[size:]
        next_cursor = 0
        if rest:
            next_cursor = next(self._cursors)
            self._walks[next_cursor] = rest
        return next_cursor, [prefix + i for i in page]

    async def get(self, key: str | bytes) -> bytes | None:
        """The value as UTF-8 JSON bytes, None for a missing id."""
        name = key.decode("utf-8", "surrogateescape") if isinstance(key, bytes) else key
        prefix = self._storage._prefix
        if not name.startswith(prefix):
            raise ValueError(f"key {name!r} is not under {prefix!r}, the keys scan returns")
        id = name[len(prefix):]
        value = await self._storage.get_by_id(id)
        return None if value is None else json_text(self._storage.namespace, id, value).encode("utf-8")

    async def ping(self) -> bool:
        """True, or our connection error (RedisKVConnectionError, ...) when Redis is down."""
        return bool(await self._storage.ping())
