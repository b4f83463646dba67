"""nano-graphrag's storage base classes, or stand-ins when it is not installed.

RedisKVStorage subclasses nano_graphrag.base.BaseKVStorage when nano-graphrag
imports; otherwise this module provides a dataclass with the same fields
(namespace, global_config), so the package works (and is tested) without
nano-graphrag and its heavy dependencies. `AsyncCallbacks` holds the three
index/query hooks, documented, for RedisKVStorage in both cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ._docs import documented

T = TypeVar("T")


@dataclass
class StorageFields:
    """The two fields nano-graphrag passes to every storage."""

    namespace: str
    global_config: dict[str, Any]


@documented
class AsyncCallbacks:
    """nano-graphrag's three hooks, as no-ops (RedisKVStorage puts them before the base's)."""

    async def index_start_callback(self) -> None:
        pass

    async def index_done_callback(self) -> None:
        pass

    async def query_done_callback(self) -> None:
        pass


try:
    from nano_graphrag.base import BaseKVStorage
except ImportError:  # nano-graphrag (or one of its dependencies) is not installed

    @dataclass
    class BaseKVStorage(StorageFields, Generic[T]):  # type: ignore[no-redef]
        """Stand-in for nano_graphrag.base.BaseKVStorage (its callbacks: AsyncCallbacks)."""


__all__ = ["AsyncCallbacks", "BaseKVStorage", "StorageFields"]
