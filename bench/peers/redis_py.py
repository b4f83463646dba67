"""redis-py (with hiredis) in the two ways a Python user writes a KV backend with it.

- LightRAG style: what LightRAG's RedisKVStorage and the NGRAF-016 backend do:
  one pipelined SET/GET/EXISTS per id, json values, SCAN for all_keys/count/drop.
- MGET style: redis-py at its best for batches: one MSET/MGET (`mset_nonatomic`/
  `mget_nonatomic` on a cluster, which split by slot).
Each comes as an async (redis.asyncio) and a sync class; the JSON work is JsonLayout's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import redis
import redis.asyncio as aredis

from .base import JsonLayout, Server

SCAN_COUNT = 1000
# redis.asyncio takes one connection per call in flight and fails past max_connections
# (default 100): room for the 1024 concurrent tasks of the concurrent workload.
ASYNC_MAX_CONNECTIONS = 2048


class AsyncLightRAG:
    def __init__(self, server: Server, namespace: str) -> None:
        cls = aredis.RedisCluster if server.cluster else aredis.Redis
        self.r = cls.from_url(server.url, max_connections=ASYNC_MAX_CONNECTIONS)
        self.layout = JsonLayout(namespace)

    async def upsert(self, data: Mapping[str, Any]) -> None:
        pipe = self.r.pipeline(transaction=False)
        for key, raw in self.layout.encode(data).items():
            pipe.set(key, raw)
        await pipe.execute()

    async def get_by_id(self, id: str) -> Any:
        return self.layout.decode(await self.r.get(self.layout.key(id)))

    async def get_by_ids(self, ids: list[str], fields: Iterable[str] | None = None) -> list[Any]:
        pipe = self.r.pipeline(transaction=False)
        for key in self.layout.keys(ids):
            pipe.get(key)
        return self.layout.decode_all(await pipe.execute(), fields)

    async def filter_keys(self, ids: list[str]) -> set[str]:
        pipe = self.r.pipeline(transaction=False)
        for key in self.layout.keys(ids):
            pipe.exists(key)
        return self.layout.missing(ids, await pipe.execute())

    async def all_keys(self) -> list[str]:
        return self.layout.strip([k async for k in self.r.scan_iter(match=self.layout.pattern(), count=SCAN_COUNT)])

    async def count(self) -> int:
        return len(await self.all_keys())

    async def drop(self) -> None:
        keys = self.layout.keys(await self.all_keys())
        for i in range(0, len(keys), SCAN_COUNT):
            await self.r.unlink(*keys[i : i + SCAN_COUNT])

    async def aclose(self) -> None:
        await self.r.aclose()


class AsyncMGet(AsyncLightRAG):
    def __init__(self, server: Server, namespace: str) -> None:
        super().__init__(server, namespace)
        self._mget = self.r.mget_nonatomic if server.cluster else self.r.mget
        self._mset = self.r.mset_nonatomic if server.cluster else self.r.mset

    async def upsert(self, data: Mapping[str, Any]) -> None:
        await self._mset(self.layout.encode(data))

    async def get_by_ids(self, ids: list[str], fields: Iterable[str] | None = None) -> list[Any]:
        return self.layout.decode_all(await self._mget(self.layout.keys(ids)), fields)


class SyncLightRAG:
    def __init__(self, server: Server, namespace: str) -> None:
        cls = redis.RedisCluster if server.cluster else redis.Redis
        self.r = cls.from_url(server.url)
        self.layout = JsonLayout(namespace)

    def upsert(self, data: Mapping[str, Any]) -> None:
        pipe = self.r.pipeline(transaction=False)
        for key, raw in self.layout.encode(data).items():
            pipe.set(key, raw)
        pipe.execute()

    def get_by_id(self, id: str) -> Any:
        return self.layout.decode(self.r.get(self.layout.key(id)))

    def get_by_ids(self, ids: list[str], fields: Iterable[str] | None = None) -> list[Any]:
        pipe = self.r.pipeline(transaction=False)
        for key in self.layout.keys(ids):
            pipe.get(key)
        return self.layout.decode_all(pipe.execute(), fields)

    def filter_keys(self, ids: list[str]) -> set[str]:
        pipe = self.r.pipeline(transaction=False)
        for key in self.layout.keys(ids):
            pipe.exists(key)
        return self.layout.missing(ids, pipe.execute())

    def close(self) -> None:
        self.r.close()


class SyncMGet(SyncLightRAG):
    def __init__(self, server: Server, namespace: str) -> None:
        super().__init__(server, namespace)
        self._mget = self.r.mget_nonatomic if server.cluster else self.r.mget
        self._mset = self.r.mset_nonatomic if server.cluster else self.r.mset

    def upsert(self, data: Mapping[str, Any]) -> None:
        self._mset(self.layout.encode(data))

    def get_by_ids(self, ids: list[str], fields: Iterable[str] | None = None) -> list[Any]:
        return self.layout.decode_all(self._mget(self.layout.keys(ids)), fields)
