"""A steady mixed load from both faces, with a ledger of every acknowledged write.

Two sync threads (SyncRedisKVStorage) and one asyncio loop (RedisKVStorage,
several tasks) each write batches of fresh ids and read back ids they wrote.
A write is acknowledged when upsert returned; only then does its id enter
the ledger, and verify() reads every one back at the end. Every loop stops
at the deadline or when stop() is called; every call is bounded by the
store's timeouts.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import random
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any

from nano_graphrag_redis import RedisKVError, RedisKVStorage, SyncRedisKVStorage

if TYPE_CHECKING:  # typing.Self is 3.11+; annotations are not evaluated at run time
    from typing_extensions import Self

BATCH = 4
PAD = "p" * 200


def settings(url: str, **extra: Any) -> dict[str, Any]:
    """global_config for a store: short timeouts so faults surface quickly."""
    config = {"redis_url": url, "redis_connection_timeout": 1.0, "redis_socket_timeout": 1.0,
              "redis_health_check_interval": -1}
    config.update({f"redis_{k}": v for k, v in extra.items()})
    return config


class Ledger:
    """What the load saw: acknowledged ids, errors by class, and when writes succeeded."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.acked: dict[str, int] = {}
        self.errors: collections.Counter[str] = collections.Counter()
        self.samples: dict[str, str] = {}
        self.ok_times: list[float] = []
        self.ops = 0
        self.bad_reads = 0

    def write_ok(self, batch: dict[str, dict]) -> None:
        with self.lock:
            for key, value in batch.items():
                self.acked[key] = value["n"]
            self.ok_times.append(time.monotonic())
            self.ops += 1

    def read_ok(self, expected: dict[str, int], got: list[Any]) -> None:
        with self.lock:
            self.ops += 1
            for (_key, n), value in zip(expected.items(), got, strict=False):
                # an acknowledged write read back missing or different is counted, never hidden
                if value is None or value.get("n") != n:
                    self.bad_reads += 1

    def failed(self, error: BaseException) -> None:
        name = type(error).__name__
        with self.lock:
            self.ops += 1
            self.errors[name] += 1
            self.samples.setdefault(name, str(error)[:300])

    def sample_acked(self, k: int) -> dict[str, int]:
        with self.lock:
            if not self.acked:
                return {}
            keys = random.sample(list(self.acked), min(k, len(self.acked)))
            return {key: self.acked[key] for key in keys}

    def acked_since(self, since: float) -> bool:
        """Whether a write was acknowledged after `since` (writes have resumed)."""
        with self.lock:
            return bool(self.ok_times) and self.ok_times[-1] > since

    def longest_gap(self, since: float) -> float:
        """Longest time without an acknowledged write after `since` (up to the last one)."""
        with self.lock:
            times = sorted(t for t in self.ok_times if t >= since - 1.0)
        if len(times) < 2:
            return float("inf")
        return max(b - a for a, b in itertools.pairwise(times))


class Load:
    """Runs the three workers on one namespace until stop() or `seconds` pass."""

    def __init__(self, url: str, seconds: float = 600.0, namespace: str | None = None,
                 pace: float = 0.005, tasks: int = 6, **options: Any) -> None:
        self.namespace = namespace or "fault_" + uuid.uuid4().hex[:10]
        self.config = settings(url, **options)
        self.ledger = Ledger()
        self.deadline = time.monotonic() + seconds
        self.pace = pace
        self.tasks = tasks
        self._stop = threading.Event()
        self._seq = itertools.count()
        self._threads = [threading.Thread(target=self._sync_worker, args=(i,), daemon=True) for i in range(2)]
        self._threads.append(threading.Thread(target=lambda: asyncio.run(self._async_main()), daemon=True))

    def __enter__(self) -> Self:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def running(self) -> bool:
        return not self._stop.is_set() and time.monotonic() < self.deadline

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=60)
            if t.is_alive():
                raise RuntimeError("a load worker did not stop within 60 s")

    def _batch(self, face: str) -> dict[str, dict]:
        return {f"{face}-{uuid.uuid4().hex[:12]}": {"n": next(self._seq), "pad": PAD} for _ in range(BATCH)}

    def _sync_worker(self, index: int) -> None:
        store = SyncRedisKVStorage(namespace=self.namespace, global_config=self.config)
        try:
            while self.running():
                batch = self._batch(f"s{index}")
                try:
                    store.upsert(batch)
                    self.ledger.write_ok(batch)
                    wanted = self.ledger.sample_acked(BATCH)
                    if wanted:
                        self.ledger.read_ok(wanted, store.get_by_ids(list(wanted)))
                except RedisKVError as e:
                    self.ledger.failed(e)
                    time.sleep(0.02)
                time.sleep(self.pace)
        finally:
            store.close()

    async def _async_main(self) -> None:
        store = RedisKVStorage(namespace=self.namespace, global_config=self.config)
        try:
            await asyncio.gather(*(self._async_worker(store, i) for i in range(self.tasks)))
        finally:
            await store.aclose()

    async def _async_worker(self, store: RedisKVStorage, index: int) -> None:
        while self.running():
            batch = self._batch(f"a{index}")
            try:
                await store.upsert(batch)
                self.ledger.write_ok(batch)
                wanted = self.ledger.sample_acked(BATCH)
                if wanted:
                    self.ledger.read_ok(wanted, await store.get_by_ids(list(wanted)))
            except RedisKVError as e:
                self.ledger.failed(e)
                await asyncio.sleep(0.02)
            await asyncio.sleep(self.pace)

    def verify(self) -> dict[str, int]:
        """Reads back every acknowledged write (generous timeouts); returns the counts."""
        config = dict(self.config, redis_socket_timeout=10.0, redis_connection_timeout=5.0)
        config.pop("redis_wait_replicas", None)
        acked = dict(self.ledger.acked)
        lost = wrong = 0
        keys = list(acked)
        with SyncRedisKVStorage(namespace=self.namespace, global_config=config) as store:
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                for key, value in zip(chunk, store.get_by_ids(chunk), strict=False):
                    if value is None:
                        lost += 1
                    elif value.get("n") != acked[key]:
                        wrong += 1
            store.drop()
        return {"acked_writes": len(acked), "lost": lost, "wrong": wrong}

    def summary(self, fault_at: float | None = None) -> dict[str, Any]:
        """The figures of a run: ops, errors by class, the longest write gap after the fault, loss."""
        out: dict[str, Any] = {"ops": self.ledger.ops, "errors": dict(self.ledger.errors),
                               "error_samples": dict(self.ledger.samples),
                               "bad_reads_during_load": self.ledger.bad_reads}
        if fault_at is not None:
            out["longest_write_gap_s"] = round(self.ledger.longest_gap(fault_at), 3)
        out.update(self.verify())
        return out
