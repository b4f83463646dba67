"""Valkey GLIDE, the closest peer (a Rust core behind CFFI): MSET/MGET with json values.

`valkey-glide` for the async rows, `valkey-glide-sync` for the sync rows;
GlideClusterClient on the cluster (its MSET/MGET split by slot themselves).
filter_keys is a non-atomic batch of EXISTS, one per id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import glide
import glide_sync

from .base import AsyncMSetKV, JsonLayout, Server

# GLIDE's Rust core logs warnings (e.g. a full pipeline channel under 1024 concurrent tasks) to the
# terminal, across the progress bar; its errors still raise.
glide.Logger.set_logger_config(glide.LogLevel.ERROR)
glide_sync.Logger.set_logger_config(glide_sync.LogLevel.ERROR)

REQUEST_TIMEOUT_MS = 30_000  # GLIDE's default (250 ms) fails a 45 MB MSET; the others wait that long too


def _config(lib: Any, server: Server) -> Any:
    address = [lib.NodeAddress(server.host, server.port)]
    if server.cluster:
        return lib.GlideClusterClientConfiguration(address, request_timeout=REQUEST_TIMEOUT_MS)
    return lib.GlideClientConfiguration(address, request_timeout=REQUEST_TIMEOUT_MS)


def _client_class(lib: Any, server: Server) -> Any:
    return lib.GlideClusterClient if server.cluster else lib.GlideClient


def _exists_batch(lib: Any, server: Server, keys: list[str]) -> Any:
    batch = lib.ClusterBatch(is_atomic=False) if server.cluster else lib.Batch(is_atomic=False)
    for key in keys:
        batch.exists([key])
    return batch


class AsyncGlide(AsyncMSetKV):
    @classmethod
    async def open(cls, server: Server, namespace: str) -> AsyncGlide:
        return cls(server, namespace, await _client_class(glide, server).create(_config(glide, server)))

    def __init__(self, server: Server, namespace: str, client: Any) -> None:
        super().__init__(client, namespace)
        self.server = server

    async def filter_keys(self, ids: list[str]) -> set[str]:
        batch = _exists_batch(glide, self.server, self.layout.keys(ids))
        return self.layout.missing(ids, await self.client.exec(batch, raise_on_error=True))

    async def aclose(self) -> None:
        await self.client.close()


class SyncGlide:
    def __init__(self, server: Server, namespace: str) -> None:
        self.server, self.layout = server, JsonLayout(namespace)
        self.client = _client_class(glide_sync, server).create(_config(glide_sync, server))

    def upsert(self, data: Mapping[str, Any]) -> None:
        self.client.mset(self.layout.encode(data))

    def get_by_id(self, id: str) -> Any:
        return self.layout.decode(self.client.get(self.layout.key(id)))

    def get_by_ids(self, ids: list[str], fields: Iterable[str] | None = None) -> list[Any]:
        return self.layout.decode_all(self.client.mget(self.layout.keys(ids)), fields)

    def filter_keys(self, ids: list[str]) -> set[str]:
        batch = _exists_batch(glide_sync, self.server, self.layout.keys(ids))
        return self.layout.missing(ids, self.client.exec(batch, raise_on_error=True))

    def close(self) -> None:
        self.client.close()
