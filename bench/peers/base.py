"""What every client under test offers, and the JSON layout the peers share.

A peer is an object with nano-graphrag's KV methods (upsert, get_by_id,
get_by_ids with fields, filter_keys, all_keys, count, drop): coroutines on an
async peer, plain calls on a sync one. nano_graphrag_redis's own storages
already have that shape; the other clients get a thin class each.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Server:
    """One deployment under test: "single" or "cluster" (then url is one seed node)."""

    topology: str
    url: str

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or "127.0.0.1"

    @property
    def port(self) -> int:
        return urlsplit(self.url).port or 6379

    @property
    def cluster(self) -> bool:
        return self.topology == "cluster"


def project(value: dict[str, Any], fields: Iterable[str] | None) -> dict[str, Any]:
    """nano-graphrag's get_by_ids(fields=...): the value cut down to those keys."""
    if fields is None:
        return value
    return {k: v for k, v in value.items() if k in fields}


class JsonLayout:
    """The pure-Python backends' layout: `nano_graphrag:{namespace}:{id}` holding json.dumps(value)."""

    def __init__(self, namespace: str) -> None:
        self.prefix = f"nano_graphrag:{namespace}:"

    def key(self, id: str) -> str:
        return self.prefix + id

    def keys(self, ids: Iterable[str]) -> list[str]:
        return [self.prefix + i for i in ids]

    def encode(self, data: Mapping[str, Any]) -> dict[str, str]:
        return {self.prefix + k: json.dumps(v) for k, v in data.items()}

    @staticmethod
    def decode(raw: bytes | None, fields: Iterable[str] | None = None) -> Any:
        return None if raw is None else project(json.loads(raw), fields)

    def decode_all(self, raws: Iterable[bytes | None], fields: Iterable[str] | None = None) -> list[Any]:
        wanted = None if fields is None else set(fields)
        return [self.decode(r, wanted) for r in raws]

    @staticmethod
    def missing(ids: list[str], found: Iterable[Any]) -> set[str]:
        """filter_keys from one EXISTS reply per id."""
        return {i for i, hit in zip(ids, found, strict=False) if not hit}

    def pattern(self) -> str:
        return self.prefix + "*"

    def strip(self, keys: Iterable[bytes]) -> list[str]:
        n = len(self.prefix)
        return [k.decode()[n:] for k in keys]


class AsyncMSetKV:
    """An async client with mset(mapping), mget(keys) and get(key) (GLIDE, coredis), in the JSON layout."""

    def __init__(self, client: Any, namespace: str) -> None:
        self.client, self.layout = client, JsonLayout(namespace)

    async def upsert(self, data: Mapping[str, Any]) -> None:
        await self.client.mset(self.layout.encode(data))

    async def get_by_id(self, id: str) -> Any:
        return self.layout.decode(await self.client.get(self.layout.key(id)))

    async def get_by_ids(self, ids: list[str], fields: Iterable[str] | None = None) -> list[Any]:
        return self.layout.decode_all(await self.client.mget(self.layout.keys(ids)), fields)
