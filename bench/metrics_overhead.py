"""What the per-operation metrics cost: the same workload on two builds of the library, interleaved.

    python bench/metrics_overhead.py BEFORE.so AFTER.so [rounds]

BEFORE.so is a build without the metrics (e.g. the commit before them), AFTER.so
one with them. Each round runs the workload once per build, each in a fresh
process (the library is chosen by NGR_REDIS_LIB at load), alternating which
goes first; the medians are compared. Needs REDIS_URL (make bench's servers,
or any Redis). Each figure is given as wall time and as the process's CPU time
(all threads, Go's included): on a shared, loaded machine the CPU time is the
steadier measure of what the metrics cost. The workload is the hot path the metrics sit on: 3000 sync
get_by_id, 3000 asyncio get_by_id 64 at a time, and 20 get_by_ids/upsert of 500.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import uuid

WORKLOAD = r"""
import asyncio, json, sys, time
from nano_graphrag_redis import RedisKVStorage, SyncRedisKVStorage
cfg = {"redis_url": sys.argv[1], "redis_key_prefix": sys.argv[2]}
sync = SyncRedisKVStorage(namespace="overhead", global_config=cfg)
values = {f"id-{i}": {"content": "x" * 400, "n": i} for i in range(500)}
sync.upsert(values)
ids = list(values)
timings = {}
def measure(name, t, c):
    timings[name + " wall"] = time.perf_counter() - t
    timings[name + " cpu"] = time.process_time() - c  # all threads, Go's included
t, c = time.perf_counter(), time.process_time()
for i in range(3000):
    sync.get_by_id(ids[i % 500])
measure("sync get_by_id x3000", t, c)
t, c = time.perf_counter(), time.process_time()
for _ in range(20):
    sync.get_by_ids(ids)
    sync.upsert(values)
measure("sync get_by_ids+upsert 500 x20", t, c)
async def run():
    store = RedisKVStorage(namespace="overhead", global_config=cfg)
    sem = asyncio.Semaphore(64)
    async def one(i):
        async with sem:
            await store.get_by_id(ids[i % 500])
    t, c = time.perf_counter(), time.process_time()
    await asyncio.gather(*(one(i) for i in range(3000)))
    measure("async get_by_id x3000 (64 in flight)", t, c)
    await store.aclose()
asyncio.run(run())
sync.drop()
sync.close()
print(json.dumps(timings))
"""


def run_once(url: str, env: dict[str, str], prelude: str = "") -> dict[str, float]:
    """The workload in a fresh process with env added and prelude run before it; its timings."""
    out = subprocess.run([sys.executable, "-c", prelude + WORKLOAD, url, "ovh_" + uuid.uuid4().hex[:8]],
                         env={**os.environ, **env}, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def compare(variants: dict[str, tuple[dict[str, str], str]], rounds: int) -> None:
    """Run each variant (env, prelude) once per round, in an order that rotates, and print the medians
    against the first variant."""
    url = os.environ.get("REDIS_URL") or os.environ["NGR_TEST_REDIS_URL"]
    names = list(variants)
    results: dict[str, dict[str, list[float]]] = {name: {} for name in names}
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            for k, v in run_once(url, *variants[name]).items():
                results[name].setdefault(k, []).append(v)
    base, others = names[0], names[1:]
    print(f"medians of {rounds} interleaved rounds, ms; change against {base!r}")
    print(f"{'workload':40} " + " ".join(f"{n[:16]:>16}" for n in names))
    for k in results[base]:
        b = statistics.median(results[base][k])
        cells = [f"{b * 1e3:16.1f}"] + [
            f"{statistics.median(results[n][k]) * 1e3:8.1f} {100 * (statistics.median(results[n][k]) - b) / b:+6.1f}%"
            for n in others]
        print(f"{k:40} " + " ".join(cells))


def main() -> None:
    before, after = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 9
    compare({"before": ({"NGR_REDIS_LIB": before}, ""), "after": ({"NGR_REDIS_LIB": after}, "")}, rounds)


if __name__ == "__main__":
    main()
