"""What is measured: nano-graphrag's KV calls, each run by every client that can, on one server.

A Workload names its face (async/sync), its clients, its schedules (timing.MODES)
and a builder that turns a Context into timing cases. `run_workload` times
them and returns flat figure records (one per client, mode and variant),
which results/latest.json keeps as they are.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

from . import data, timing
from .context import Context, Profile, call
from .timing import Case

ASYNC_BATCH = ("ours", "redispy_lightrag", "redispy_mget", "glide", "coredis")
SYNC_BATCH = ("ours", "redispy_lightrag", "redispy_mget", "glide")
ASYNC_SINGLE = ("ours", "redispy_mget", "glide", "coredis")  # get_by_id: LightRAG style is the same GET
SYNC_SINGLE = ("ours", "ours_direct", "redispy_mget", "glide")  # ours_direct: what the Ctrl-C slices cost
SCAN_REFERENCE = ("ours", "redispy_lightrag")
COMPRESSION = ("ours", "ours_zstd")  # what compression by default would cost the batch calls
ALL_MODES = timing.MODES
# back_to_back and app run ours and the strongest peer of each library (time budget); interleaved runs all.
SCHEDULE_CLIENTS = ("ours", "redispy_mget", "glide")
FIELDS = ("tokens", "chunk_order_index", "full_doc_id")  # metadata only: the content is left out


Builder = Callable[[Context, "Workload"], Awaitable[list[tuple[dict[str, Any], list[Case]]]]]


@dataclass(frozen=True)
class Workload:
    name: str
    face: str
    clients: tuple[str, ...]
    modes: tuple[str, ...]
    build: Builder
    dataset: str = "text_chunks"
    variants: Callable[[Profile], int] = lambda p: 1
    single_only: bool = False  # a figure only the single node needs (e.g. what compression costs)

    def on(self, topology: str, profile: Profile) -> Workload | None:
        """This workload as it runs on `topology`: None if it does not, else without the clients the
        profile leaves out there (the quick profile's time budget)."""
        if topology != "single" and self.single_only:
            return None
        left_out = profile.cluster_left_out if topology == "cluster" else ()
        kept = tuple(c for c in self.clients if c not in left_out)
        return replace(self, clients=kept) if kept else None

    def modes_on(self, topology: str) -> tuple[str, ...]:
        """Every schedule on the single node; the cluster's figures are interleaved only (time budget)."""
        return self.modes if topology == "single" else ("interleaved",)

    def clients_in(self, mode: str) -> tuple[str, ...]:
        return self.clients if mode == "interleaved" else tuple(c for c in self.clients if c in SCHEDULE_CLIENTS)

    def calls(self, profile: Profile, topology: str) -> int:
        """Timed and warm-up calls, for the progress bar."""
        timed = sum(profile.rounds * len(self.clients_in(m)) for m in self.modes_on(topology))
        return (timed + len(self.clients)) * self.variants(profile)


def _batch(method: str, *args_of: Callable[[data.Values], Any]) -> Builder:
    """A workload of one batch call per round (upsert, get_by_ids, filter_keys) on every client."""

    async def build(ctx: Context, w: Workload) -> list[tuple[dict[str, Any], list[Case]]]:
        values = ctx.values(w.dataset)
        args = [f(values) for f in args_of]
        cases = []
        for client in w.clients:
            kv = await ctx.seeded(w.face, client, w.dataset)
            cases.append(Case(client, _bound(getattr(kv, method), *args)))
        return [({"ops": len(values)}, cases)]

    return build


def _bound(fn: Callable[..., Any], *args: Any) -> Callable[[], Awaitable[Any]]:
    async def run() -> Any:
        return await call(fn, *args)

    return run


def _values_arg(values: data.Values) -> Any:
    return values


def _ids_arg(values: data.Values) -> Any:
    return list(values)


def _fields_arg(values: data.Values) -> Any:
    return set(FIELDS)


def _half_present(values: data.Values) -> Any:
    ids = list(values)
    return ids[::2] + [f"absent-{i}" for i in range(len(ids) // 2)]


async def _gets(get: Callable[[str], Awaitable[Any]], ids: list[str], tasks: int, ops: int) -> list[float]:
    """ops get_by_id calls spread over `tasks` concurrent tasks; the latency of each call."""
    latencies: list[float] = []
    per_task = max(1, ops // tasks)

    async def worker(t: int) -> None:
        for j in range(per_task):
            key = ids[(t * per_task + j) % len(ids)]
            t0 = time.perf_counter()
            await get(key)
            latencies.append(time.perf_counter() - t0)

    await asyncio.gather(*(worker(t) for t in range(tasks)))
    return latencies


async def _concurrent(ctx: Context, w: Workload) -> list[tuple[dict[str, Any], list[Case]]]:
    ids = list(ctx.values(w.dataset))
    kvs = {c: await ctx.seeded(w.face, c, w.dataset) for c in w.clients}
    out = []
    for tasks in ctx.profile.concurrency:
        ops = max(1, ctx.profile.get_by_id_ops // tasks) * tasks
        cases = [Case(c, _bound(_gets, kv.get_by_id, ids, tasks, ops)) for c, kv in kvs.items()]
        out.append(({"ops": ops, "concurrency": tasks}, cases))
    return out


def _sync_gets(get: Callable[[str], Any], ids: list[str], ops: int) -> list[float]:
    latencies = []
    for j in range(ops):
        t0 = time.perf_counter()
        get(ids[j % len(ids)])
        latencies.append(time.perf_counter() - t0)
    return latencies


async def _sync_latency(ctx: Context, w: Workload) -> list[tuple[dict[str, Any], list[Case]]]:
    ids = list(ctx.values(w.dataset))
    ops = ctx.profile.sync_get_ops
    cases = []
    for client in w.clients:
        kv = await ctx.seeded(w.face, client, w.dataset)
        cases.append(Case(client, _bound(_sync_gets, kv.get_by_id, ids, ops)))
    return [({"ops": ops}, cases)]


def _admin(method: str) -> Builder:
    """all_keys or count of a namespace, beside the unrelated keys server.populate_unrelated put in."""

    async def build(ctx: Context, w: Workload) -> list[tuple[dict[str, Any], list[Case]]]:
        n = len(ctx.values(w.dataset))
        cases = [Case(c, _bound(getattr(await ctx.seeded(w.face, c, w.dataset), method))) for c in w.clients]
        return [({"ops": 1, "namespace_keys": n, "unrelated_keys": ctx.profile.unrelated_keys}, cases)]

    return build


async def _drop(ctx: Context, w: Workload) -> list[tuple[dict[str, Any], list[Case]]]:
    values = ctx.values(w.dataset)
    cases = []
    for client in w.clients:
        kv = await ctx.seeded(w.face, client, w.dataset)
        cases.append(Case(client, _bound(kv.drop), prepare=_bound(kv.upsert, values)))
        ctx.forget(w.face, client, w.dataset)  # the last timed drop leaves it empty
    return [({"ops": len(values)}, cases)]


def _levels(p: Profile) -> int:
    return len(p.concurrency)


WORKLOADS: dict[str, list[Workload]] = {
    "upsert": [Workload("upsert", f, c, ALL_MODES, _batch("upsert", _values_arg))
               for f, c in (("async", ASYNC_BATCH), ("sync", SYNC_BATCH))],
    "get": [Workload("get", f, c, ALL_MODES, _batch("get_by_ids", _ids_arg))
            for f, c in (("async", ASYNC_BATCH), ("sync", SYNC_BATCH))],
    "get_fields": [Workload("get_fields", f, c, ("interleaved",), _batch("get_by_ids", _ids_arg, _fields_arg))
                   for f, c in (("async", ASYNC_BATCH), ("sync", SYNC_BATCH))],
    "filter": [Workload("filter", f, c, ("interleaved",), _batch("filter_keys", _half_present))
               for f, c in (("async", ASYNC_BATCH), ("sync", SYNC_BATCH))],
    "reports": [Workload("reports_upsert", "async", ASYNC_BATCH, ("interleaved",), _batch("upsert", _values_arg),
                         dataset="community_reports"),
                Workload("reports_get", "async", ASYNC_BATCH, ("interleaved",), _batch("get_by_ids", _ids_arg),
                         dataset="community_reports")],
    "concurrent": [Workload("concurrent", "async", ASYNC_SINGLE, ("interleaved",), _concurrent,
                            dataset="llm_response_cache", variants=_levels)],
    "sync_latency": [Workload("sync_latency", "sync", SYNC_SINGLE, ("interleaved",), _sync_latency,
                              dataset="llm_response_cache")],
    "compression": [Workload("zstd_upsert", "async", COMPRESSION, ("interleaved",), _batch("upsert", _values_arg),
                             single_only=True),
                    Workload("zstd_get", "async", COMPRESSION, ("interleaved",), _batch("get_by_ids", _ids_arg),
                             single_only=True)],
    "drop": [Workload("drop", "async", SCAN_REFERENCE, ("interleaved",), _drop)],
    "admin": [Workload("all_keys", "async", SCAN_REFERENCE, ("interleaved",), _admin("all_keys"),
                       dataset="llm_response_cache"),
              Workload("count", "async", SCAN_REFERENCE, ("interleaved",), _admin("count"),
                       dataset="llm_response_cache")],
}


async def run_workload(ctx: Context, w: Workload) -> list[dict[str, Any]]:
    """Times w on ctx's server in each of its modes; one record per client, mode and variant."""
    figures = []
    for extra, cases in await w.build(ctx, w):
        for i, mode in enumerate(w.modes_on(ctx.server.topology)):
            chosen = [c for c in cases if c.client in w.clients_in(mode)]
            samples = await timing.run(chosen, ctx.profile.rounds, mode, ctx.tick, warm_up=i == 0)
            for client, s in samples.items():
                figures.append({"topology": ctx.server.topology, "face": w.face, "workload": w.name,
                                "dataset": w.dataset, "mode": mode, "client": client, **extra,
                                **timing.summarise(s, extra["ops"])})
    return figures


def selected(only: set[str] | None, clients: set[str] | None = None) -> list[Workload]:
    """The workloads named in `only` (all if None), each cut down to `clients` (all if None)."""
    out = []
    for name, ws in WORKLOADS.items():
        for w in ws if only is None or name in only else ():
            kept = tuple(c for c in w.clients if clients is None or c in clients)
            if kept:
                out.append(replace(w, clients=kept))
    return out
