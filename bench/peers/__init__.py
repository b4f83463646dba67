"""The clients under test, by name: `open_async(name, server, ns)` / `open_sync(name, server, ns)`.

Every peer talks to the same servers. `ours` is nano_graphrag_redis itself,
with extra settings (e.g. compression) passed through as its global_config.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nano_graphrag_redis import RedisKVStorage, SyncRedisKVStorage

from .base import Server
from .coredis_kv import AsyncCoredis
from .glide_kv import AsyncGlide, SyncGlide
from .redis_py import AsyncLightRAG, AsyncMGet, SyncLightRAG, SyncMGet

__all__ = [
    "ASYNC_PEERS",
    "LABELS",
    "SHORT_LABELS",
    "SYNC_PEERS",
    "Server",
    "close",
    "label",
    "open_async",
    "open_sync",
]

LABELS = {
    "ours": "nano_graphrag_redis",
    "ours_direct": "nano_graphrag_redis, sync_interruptible=false (no Ctrl-C slices on the main thread)",
    "ours_zstd": "nano_graphrag_redis, compress_threshold=1024 (zstd above 1 KB)",
    "redispy_lightrag": "redis-py, LightRAG style (pipelined SET/GET)",
    "redispy_mget": "redis-py MSET/MGET",
    "glide": "Valkey GLIDE",
    "coredis": "coredis",
}
SHORT_LABELS = {
    "ours": "ours",
    "ours_direct": "ours (sync_interruptible=false)",
    "ours_zstd": "ours (zstd above 1 KB)",
    "redispy_lightrag": "redis-py (LightRAG)",
    "redispy_mget": "redis-py (MGET)",
    "glide": "GLIDE",
    "coredis": "coredis",
}

SINGLE_KEY_WORKLOADS = ("concurrent", "sync_latency")  # one GET each: both redis-py styles are the same


def label(client: str, workload: str = "") -> str:
    """The short name of a client in a table or chart."""
    if client == "redispy_mget" and workload in SINGLE_KEY_WORKLOADS:
        return "redis-py"
    return SHORT_LABELS.get(client, client)


async def _ours_async(server: Server, namespace: str, **settings: Any) -> RedisKVStorage:
    return RedisKVStorage(namespace, {"redis_url": server.url, **settings})


def _wrap(cls: type) -> Callable[[Server, str], Awaitable[Any]]:
    async def open_(server: Server, namespace: str) -> Any:
        return cls(server, namespace)

    return open_


async def _ours_zstd_async(server: Server, namespace: str, **settings: Any) -> RedisKVStorage:
    return await _ours_async(server, namespace, redis_compress_threshold=1024, **settings)


ASYNC_PEERS: dict[str, Callable[..., Awaitable[Any]]] = {
    "ours": _ours_async,
    "ours_zstd": _ours_zstd_async,
    "redispy_lightrag": _wrap(AsyncLightRAG),
    "redispy_mget": _wrap(AsyncMGet),
    "glide": AsyncGlide.open,
    "coredis": AsyncCoredis.open,
}

SYNC_PEERS: dict[str, Callable[..., Any]] = {
    "ours": lambda server, namespace, **settings: SyncRedisKVStorage(
        namespace, {"redis_url": server.url, **settings}),
    "ours_direct": lambda server, namespace, **settings: SyncRedisKVStorage(
        namespace, {"redis_url": server.url, "redis_sync_interruptible": False, **settings}),
    "redispy_lightrag": SyncLightRAG,
    "redispy_mget": SyncMGet,
    "glide": SyncGlide,
}


async def open_async(name: str, server: Server, namespace: str, **settings: Any) -> Any:
    return await ASYNC_PEERS[name](server, namespace, **settings)


def open_sync(name: str, server: Server, namespace: str, **settings: Any) -> Any:
    return SYNC_PEERS[name](server, namespace, **settings)


async def close(peer: Any) -> None:
    """Close an async (aclose) or sync (close) peer."""
    if hasattr(peer, "aclose"):
        await peer.aclose()
    else:
        peer.close()
