"""coredis (async only): MSET/MGET with json values; RedisCluster on the cluster.

coredis 6 opens its pool in `async with`; open()/aclose() enter and leave it.
"""

from __future__ import annotations

import coredis

from .base import AsyncMSetKV, Server


class AsyncCoredis(AsyncMSetKV):
    @classmethod
    async def open(cls, server: Server, namespace: str) -> AsyncCoredis:
        client_class = coredis.RedisCluster if server.cluster else coredis.Redis
        client = client_class(server.host, server.port)
        await client.__aenter__()
        return cls(client, namespace)

    async def filter_keys(self, ids: list[str]) -> set[str]:
        async with self.client.pipeline(transaction=False) as pipe:
            replies = [pipe.exists([key]) for key in self.layout.keys(ids)]
        return self.layout.missing(ids, [await r for r in replies])

    async def aclose(self) -> None:
        await self.client.__aexit__(None, None, None)
