"""nano_graphrag_redis against redis-py on the same server, in the same run.

Run it through the test servers: `make bench-py`, i.e.
    scripts/redis/with-redis.sh .venv/bin/python bench/bench_vs_redis_py.py
It reads NGR_TEST_REDIS_URL (single node) and NGR_TEST_CLUSTER_URL (the
cluster, against redis-py's RedisCluster). redis-py plays the pure-Python
backend it replaces: JSON values under `nano_graphrag:{namespace}:{id}`,
pipelines without MULTI. Figures vary between runs on shared machines:
read the ratios, not the absolute times.

Measured:
- sync get_by_id: per-call cost, one call at a time;
- async get_by_id: throughput with 256 concurrent tasks;
- 10k items of 4-5 KB text (text_chunks shape): upsert, get_by_ids, filter_keys;
- on the cluster: sync get_by_id and the 10k batches, against redis-py's RedisCluster.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Awaitable, Callable

import redis
import redis.asyncio as aredis

from nano_graphrag_redis import RedisKVStorage, SyncRedisKVStorage

MOCK_DATA = Path("/work/shared/data/nano-graphrag/mock_data.txt")
REPEATS = 3
SYNC_CALLS = 20_000
ASYNC_TASKS = 256
ASYNC_CALLS = 51_200
BATCH = 10_000


def chunk_values(n: int) -> dict[str, dict[str, Any]]:
    """n text_chunks values with 4-5 KB of real text (mock_data.txt) or generated text."""
    text = MOCK_DATA.read_text() if MOCK_DATA.exists() else "lorem ipsum dolor sit amet " * 8000
    out = {}
    for i in range(n):
        size = 4096 + (i * 37) % 1024
        start = (i * 4099) % max(1, len(text) - size)
        out[f"chunk-{uuid.uuid4().hex}"] = {
            "tokens": size // 4,
            "content": text[start : start + size],
            "chunk_order_index": i,
            "full_doc_id": f"doc-{i // 20}",
        }
    return out


def best(fn: Callable[[], Any]) -> float:
    """Best wall time of REPEATS runs (least disturbed by other processes)."""
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def best_async(fn: Callable[[], Awaitable[Any]]) -> float:
    async def run() -> float:
        times = []
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            await fn()
            times.append(time.perf_counter() - t0)
        return min(times)

    return asyncio.run(run())


class RedisPyKV:
    """The pure-Python backend's way of storing: JSON strings, one key per id.

    r is a redis.Redis or a redis.RedisCluster (whose non-transactional
    pipelines split by node, and whose SCAN and UNLINK cover every master).
    """

    def __init__(self, r: redis.Redis | redis.RedisCluster, namespace: str) -> None:
        self.r = r
        self.prefix = f"nano_graphrag:{namespace}:"

    def get_by_id(self, id: str) -> Any:
        raw = self.r.get(self.prefix + id)
        return None if raw is None else json.loads(raw)

    def upsert(self, data: dict[str, Any]) -> None:
        pipe = self.r.pipeline(transaction=False)
        for k, v in data.items():
            pipe.set(self.prefix + k, json.dumps(v))
        pipe.execute()

    def get_by_ids(self, ids: list[str]) -> list[Any]:
        pipe = self.r.pipeline(transaction=False)
        for k in ids:
            pipe.get(self.prefix + k)
        return [None if raw is None else json.loads(raw) for raw in pipe.execute()]

    def filter_keys(self, ids: list[str]) -> set[str]:
        pipe = self.r.pipeline(transaction=False)
        for k in ids:
            pipe.exists(self.prefix + k)
        return {k for k, found in zip(ids, pipe.execute()) if not found}

    def drop(self) -> None:
        keys = list(self.r.scan_iter(match=self.prefix + "*", count=1000))
        for i in range(0, len(keys), 1000):
            self.r.unlink(*keys[i : i + 1000])


async def async_gets(get: Callable[[str], Awaitable[Any]], key: str) -> None:
    per_task = ASYNC_CALLS // ASYNC_TASKS

    async def worker() -> None:
        for _ in range(per_task):
            await get(key)

    await asyncio.gather(*[worker() for _ in range(ASYNC_TASKS)])


Row = tuple[str, str, float, float]  # (what, unit, ours, redis-py)


def sync_rows(ours: SyncRedisKVStorage, theirs: RedisPyKV, label: str) -> list[Row]:
    """Per-call get_by_id and the 10k-chunk batches, ours and theirs on the same server."""
    rows: list[Row] = []
    small = {"return": "a cached LLM answer " * 10, "model": "gpt-4o"}
    ours.upsert({"k": small})
    theirs.upsert({"k": small})
    t_ours = best(lambda: [ours.get_by_id("k") for _ in range(SYNC_CALLS)])
    t_theirs = best(lambda: [theirs.get_by_id("k") for _ in range(SYNC_CALLS)])
    rows.append((f"{label}sync get_by_id, per call", "us", t_ours / SYNC_CALLS * 1e6, t_theirs / SYNC_CALLS * 1e6))

    data = chunk_values(BATCH)
    ids = list(data)
    probe = ids[::2] + [f"absent-{i}" for i in range(BATCH // 2)]
    for name, run_ours, run_theirs in [
        ("upsert", lambda: ours.upsert(data), lambda: theirs.upsert(data)),
        ("get_by_ids", lambda: ours.get_by_ids(ids), lambda: theirs.get_by_ids(ids)),
        ("filter_keys", lambda: ours.filter_keys(probe), lambda: theirs.filter_keys(probe)),
    ]:
        t_ours, t_theirs = best(run_ours), best(run_theirs)
        rows.append((f"{label}{name}, 10k x 4-5 KB", "items/s", BATCH / t_ours, BATCH / t_theirs))
    assert ours.get_by_ids(ids[:100]) == theirs.get_by_ids(ids[:100]) == [data[i] for i in ids[:100]]
    assert ours.filter_keys(probe) == theirs.filter_keys(probe)
    ours.drop()
    ours.close()
    theirs.drop()
    return rows


def async_row(url: str, ns: str, prefix: str) -> Row:
    async def ours_async() -> None:
        async with RedisKVStorage(ns, {"redis_url": url}) as kv:
            await async_gets(kv.get_by_id, "k")

    async def theirs_async() -> None:
        r = aredis.Redis.from_url(url, max_connections=ASYNC_TASKS)
        key = prefix + "k"

        async def get(_: str) -> Any:
            return json.loads(await r.get(key))

        await async_gets(get, key)
        await r.aclose()

    small = {"return": "a cached LLM answer " * 10, "model": "gpt-4o"}
    with SyncRedisKVStorage(ns, {"redis_url": url}) as kv:
        kv.upsert({"k": small})
        redis.Redis.from_url(url).set(prefix + "k", json.dumps(small))
        t_ours, t_theirs = best_async(ours_async), best_async(theirs_async)
        kv.drop()
    redis.Redis.from_url(url).delete(prefix + "k")
    return (f"async get_by_id, {ASYNC_TASKS} tasks", "ops/s", ASYNC_CALLS / t_ours, ASYNC_CALLS / t_theirs)


def main() -> int:
    url = os.environ.get("NGR_TEST_REDIS_URL")
    cluster_url = os.environ.get("NGR_TEST_CLUSTER_URL")
    if not url or not cluster_url:
        print("NGR_TEST_REDIS_URL / NGR_TEST_CLUSTER_URL are not set: run through scripts/redis/with-redis.sh "
              "or make bench", file=sys.stderr)
        return 2
    ns = "bench_" + uuid.uuid4().hex[:8]
    single = sync_rows(SyncRedisKVStorage(ns, {"redis_url": url}), RedisPyKV(redis.Redis.from_url(url), ns), "")
    rows = [single[0], async_row(url, ns, f"nano_graphrag:{ns}:"), *single[1:]]
    rows += sync_rows(SyncRedisKVStorage(ns, {"redis_url": cluster_url}),
                      RedisPyKV(redis.RedisCluster.from_url(cluster_url), ns), "cluster: ")

    print(f"\nnano_graphrag_redis vs redis-py {redis.__version__} (hiredis: {redis.utils.HIREDIS_AVAILABLE}), "
          f"same servers (single {url}, cluster seed {cluster_url}), best of {REPEATS}\n")
    print(f"| {'workload':<41} | {'unit':<7} | {'nano_graphrag_redis':>19} | {'redis-py':>10} | {'ours better by':>14} |")
    print(f"|{'-' * 43}|{'-' * 9}|{'-' * 21}|{'-' * 12}|{'-' * 16}|")
    for what, unit, o, t in rows:
        ratio = t / o if unit == "us" else o / t
        print(f"| {what:<41} | {unit:<7} | {o:>19,.1f} | {t:>10,.1f} | {ratio:>13.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
