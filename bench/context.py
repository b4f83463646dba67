"""The state of one run on one topology: its sizes (Profile) and its open peers and data (Context).

Peers open lazily, once, each in a namespace of its own, and are seeded with a
dataset the first time a workload needs it; `seeded` also checks that a peer
reads back what it wrote, so a peer that skips work fails instead of winning.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import data, peers
from .peers import Server


@dataclass(frozen=True)
class Profile:
    """Sizes of one run. quick = `make bench`, full = `make bench-full`."""

    name: str
    rounds: int
    items: int = 10_000
    concurrency: tuple[int, ...] = (1, 16, 256, 1024)
    get_by_id_ops: int = 2048
    sync_get_ops: int = 2000
    unrelated_keys: int = 100_000
    # Clients not run on the cluster. quick: coredis, whose cluster client takes ~2 s per 10k batch there
    # (a third of the run's time); its cluster figures are in the full profile.
    cluster_left_out: tuple[str, ...] = ()


PROFILES = {
    "quick": Profile("quick", rounds=5, cluster_left_out=("coredis",)),
    "full": Profile("full", rounds=9, get_by_id_ops=16384, sync_get_ops=10_000, unrelated_keys=1_000_000),
    "smoke": Profile("smoke", rounds=1, items=200, concurrency=(1, 16), get_by_id_ops=64, sync_get_ops=50,
                     unrelated_keys=1000),
}


@dataclass
class Context:
    """One topology's run: the server, the sizes, the open peers and the values they hold."""

    server: Server
    profile: Profile
    tick: Callable[[], None] = lambda: None
    _peers: dict[tuple[str, str, str], Any] = field(default_factory=dict)
    _values: dict[str, data.Values] = field(default_factory=dict)
    _seeded: set[tuple[str, str, str]] = field(default_factory=set)

    def values(self, dataset: str) -> data.Values:
        if dataset not in self._values:
            n = self.profile.items // 10 if dataset == "community_reports" else self.profile.items
            self._values[dataset] = data.NAMESPACES[dataset](n)
        return self._values[dataset]

    async def peer(self, face: str, client: str, dataset: str) -> Any:
        """The client's storage for dataset, opened once, in a namespace of its own."""
        key = (face, client, dataset)
        if key not in self._peers:
            namespace = f"bench_{dataset}_{client}_{face}"
            if face == "async":
                self._peers[key] = await peers.open_async(client, self.server, namespace)
            else:
                self._peers[key] = peers.open_sync(client, self.server, namespace)
        return self._peers[key]

    async def seeded(self, face: str, client: str, dataset: str) -> Any:
        """The client's storage holding every value of dataset, checked once: a peer that
        returns wrong values is a bug in the harness, not a figure."""
        kv = await self.peer(face, client, dataset)
        if (face, client, dataset) in self._seeded:
            return kv
        self._seeded.add((face, client, dataset))
        values = self.values(dataset)
        ids = list(values)
        await call(kv.upsert, values)
        probe = ids[:20] + ["absent-1", "absent-2"]
        got = await call(kv.get_by_ids, probe)
        if got != [values[i] for i in ids[:20]] + [None, None]:
            raise AssertionError(f"{client} ({face}) read back other values than it wrote")
        if await call(kv.filter_keys, probe) != {"absent-1", "absent-2"}:
            raise AssertionError(f"{client} ({face}) filter_keys is wrong")
        return kv

    def forget(self, face: str, client: str, dataset: str) -> None:
        """The namespace no longer holds the dataset (after drop): seed it again when next needed."""
        self._seeded.discard((face, client, dataset))

    async def close(self) -> None:
        for kv in reversed(self._peers.values()):  # LIFO: coredis's pools are nested anyio scopes
            await peers.close(kv)
        self._peers.clear()


async def call(fn: Callable[..., Any], *args: Any) -> Any:
    """Calls a sync or async peer method alike."""
    result = fn(*args)
    return await result if asyncio.iscoroutine(result) else result
