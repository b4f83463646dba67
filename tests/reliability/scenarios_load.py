"""Scale and leaks: 10k concurrent awaits, and a soak of mixed ops from both faces."""

from __future__ import annotations

import asyncio
import gc
import os
import statistics
import threading
import time
import uuid
from typing import Any

from load import settings
from servers import admin, ports

from nano_graphrag_redis import RedisKVStorage, SyncRedisKVStorage, _native


def os_threads() -> int:
    return len(os.listdir("/proc/self/task"))


def rss_kib() -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def concurrent_awaits(profile: dict, url: str, topology: str) -> dict[str, Any]:
    """N awaits in flight at once on one RedisKVStorage: latency, threads and connections stay bounded."""
    n, pool = profile["concurrency"], 16
    namespace = "conc_" + uuid.uuid4().hex[:10]
    server_ports = ports("CLUSTER") if topology == "cluster" else ports("PLAIN")

    async def main() -> dict[str, Any]:
        store = RedisKVStorage(namespace=namespace, global_config=settings(
            url, max_connections=pool, socket_timeout=30.0))
        await store.upsert({f"k{i}": {"i": i} for i in range(1000)})
        peak_threads = os_threads()
        latencies: list[float] = []

        async def one(i: int) -> None:
            start = time.perf_counter()
            if i % 4 == 0:
                await store.upsert({f"w{i}": {"i": i}})
            else:
                value = await store.get_by_id(f"k{i % 1000}")
                assert value == {"i": i % 1000}, value
            latencies.append(time.perf_counter() - start)

        threads_before = os_threads()
        clients_before = sum(int(admin(p).info("clients")["connected_clients"]) for p in server_ports)
        tasks = [asyncio.ensure_future(one(i)) for i in range(n)]
        peak_clients = 0
        while not all(t.done() for t in tasks):
            peak_threads = max(peak_threads, os_threads())
            peak_clients = max(peak_clients, sum(
                int(admin(p).info("clients")["connected_clients"]) for p in server_ports) - clients_before)
            await asyncio.sleep(0.05)
        await asyncio.gather(*tasks)
        count = await store.count()
        await store.drop()
        await store.aclose()
        return {"awaits": n, "p50_ms": round(percentile(latencies, 50) * 1000, 1),
                "p99_ms": round(percentile(latencies, 99) * 1000, 1),
                "threads_before": threads_before, "peak_threads": peak_threads,
                "peak_new_connections": peak_clients, "pool_size_per_node": pool,
                "stored_after": count}

    result = asyncio.run(asyncio.wait_for(main(), timeout=300))
    nodes = 3 if topology == "cluster" else 1
    result["promise"] = (f"{n} awaits complete; OS threads grow by <= 16 (no thread per call); "
                         f"connections <= pool_size per master ({pool} x {nodes})")
    result["kept"] = (result["stored_after"] == 1000 + n // 4
                      and result["peak_threads"] - result["threads_before"] <= 16
                      and result["peak_new_connections"] <= pool * nodes)
    return result


def soak(profile: dict, url: str) -> dict[str, Any]:
    """M mixed ops (upsert, get, get_by_ids with fields, filter_keys, delete) from both faces."""
    total = profile["soak_ops"]
    namespace = "soak_" + uuid.uuid4().hex[:10]
    config = settings(url, socket_timeout=10.0)
    baseline = {"goroutines": _native.goroutine_count(), "handles": _native.handle_count()}
    done = {"sync": 0, "async": 0}

    def op(i: int) -> tuple[str, tuple]:
        k = f"k{i % 5000}"
        match i % 5:
            case 0: return "upsert", ({k: {"i": i, "text": "t" * 300, "tags": ["a", "b"]}},)
            case 1: return "get_by_id", (k,)
            case 2: return "get_by_ids", ([k, f"k{(i + 7) % 5000}", "missing"], ["i"])
            case 3: return "filter_keys", ([k, "missing"],)
        return "delete_by_id", (f"k{(i + 2500) % 5000}",)

    def sync_part(n: int) -> None:
        with SyncRedisKVStorage(namespace=namespace, global_config=config) as s:
            for i in range(n):
                name, args = op(i)
                getattr(s, name)(*args)
                done["sync"] += 1

    async def async_part(n: int) -> None:
        s = RedisKVStorage(namespace=namespace, global_config=config)
        try:
            async def worker(w: int) -> None:
                for i in range(w, n, 16):
                    name, args = op(i)
                    await getattr(s, name)(*args)
                    done["async"] += 1
            await asyncio.gather(*(worker(w) for w in range(16)))
        finally:
            await s.aclose()

    def run(n: int) -> None:
        t = threading.Thread(target=sync_part, args=(n // 4,))
        t.start()
        asyncio.run(async_part(n - n // 4))
        t.join(timeout=600)

    warm = max(total // 10, 1000)
    run(warm)  # warm up: pools, caches, allocator arenas
    gc.collect()
    rss_start = rss_kib()
    start = time.monotonic()
    run(total)
    seconds = time.monotonic() - start
    gc.collect()
    time.sleep(1.0)  # let finished goroutines exit
    rss_end = rss_kib()
    with SyncRedisKVStorage(namespace=namespace, global_config=config) as s:
        s.drop()
    after = {"goroutines": _native.goroutine_count(), "handles": _native.handle_count()}
    growth_mb = (rss_end - rss_start) / 1024
    result = {"ops": done["sync"] + done["async"], "measured_ops": total, "seconds": round(seconds, 1),
              "ops_per_s": round(total / seconds), "rss_start_mb": round(rss_start / 1024, 1),
              "rss_growth_mb": round(growth_mb, 2), "baseline": baseline, "after_close": after}
    result["promise"] = "RSS growth < 5 MB over the measured ops; goroutines and handles back to baseline"
    result["kept"] = (growth_mb < 5 and after["handles"] <= baseline["handles"]
                      and after["goroutines"] <= baseline["goroutines"] + 2)
    return result
