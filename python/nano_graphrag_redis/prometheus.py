"""An optional Prometheus collector (extra ``[metrics]``: prometheus_client).

    from prometheus_client import REGISTRY
    from nano_graphrag_redis.prometheus import RedisKVCollector
    REGISTRY.register(RedisKVCollector([rag.full_docs, rag.text_chunks, rag.llm_response_cache,
                                        rag.community_reports]))

At each scrape it asks each namespace for its stats (what ``get_stats()``
returns, docs/monitoring.md) through a blocking twin store with the same
settings: the twin shares the Go client, hence the very counters, of the
application's stores, and a scrape never touches the application's event
loop. A scrape costs per namespace one pipelined round of ~64 small
scripts (the exact count), never a SCAN.

Every series is labelled by ``namespace`` (and ``operation``); latencies
are Prometheus histograms with the Go side's buckets.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector

from . import _native
from . import _requests as rq
from ._store import NativeStore

PREFIX = "nano_graphrag_redis"


class RedisKVCollector(Collector):
    """Collects the stats of the given storages (RedisKVStorage or SyncRedisKVStorage)."""

    def __init__(self, storages: Iterable[Any]) -> None:
        self._twins = [(s.namespace, NativeStore(s.settings, s.namespace)) for s in storages]

    def close(self) -> None:
        for _, twin in self._twins:
            twin.close()

    def stats(self) -> Iterator[dict[str, Any]]:
        for _, twin in self._twins:
            yield _native.call(twin.handle(), rq.STATS.op, rq.STATS.payload, rq.STATS.decode)

    def collect(self) -> Iterator[Any]:
        f = _Families()
        for s in self.stats():
            f.add(s)
        yield from f.all()


class _Families:
    """The metric families of one scrape, filled namespace by namespace."""

    def __init__(self) -> None:
        ns, op = ["namespace"], ["namespace", "operation"]
        self.keys = GaugeMetricFamily(f"{PREFIX}_keys", "Live keys in the namespace (exact).", labels=ns)
        self.ttl = GaugeMetricFamily(f"{PREFIX}_ttl_seconds", "The namespace's TTL rule, 0 = no expiry.", labels=ns)
        self.up = GaugeMetricFamily(f"{PREFIX}_health_ok", "1 if the last background PING succeeded.", labels=ns)
        self.calls = CounterMetricFamily(f"{PREFIX}_operations", "Storage operations called.", labels=op)
        self.errors = CounterMetricFamily(f"{PREFIX}_errors", "Failed storage operations by error kind.",
                                          labels=op + ["kind"])
        self.latency = HistogramMetricFamily(f"{PREFIX}_operation_duration_seconds",
                                             "Duration of storage operations, measured in Go.", labels=op)
        self.reads = CounterMetricFamily(f"{PREFIX}_reads", "Ids read by get_by_id/get_by_ids.", labels=ns)
        self.hits = CounterMetricFamily(f"{PREFIX}_read_hits", "Ids read that were found.", labels=ns)
        self.misses = CounterMetricFamily(f"{PREFIX}_read_misses", "Ids read that were missing.", labels=ns)
        self.written = CounterMetricFamily(f"{PREFIX}_items_written", "Items written by upsert.", labels=ns)
        self.pool = CounterMetricFamily(f"{PREFIX}_pool_events",
                                        "Connection pool hits, misses (new connections) and timeouts.",
                                        labels=ns + ["event"])
        self.conns = GaugeMetricFamily(f"{PREFIX}_pool_connections", "Connections in the pool by state.",
                                       labels=ns + ["state"])

    def add(self, s: dict[str, Any]) -> None:
        ns = s["namespace"]
        self.keys.add_metric([ns], s["keys"])
        self.ttl.add_metric([ns], s["ttl_seconds"])
        self.up.add_metric([ns], 1.0 if s["health"]["ok"] else 0.0)
        for name, o in sorted(s.get("operations", {}).items()):
            self.calls.add_metric([ns, name], o["calls"])
            for kind, n in sorted(o["errors"].items()):
                self.errors.add_metric([ns, name, kind], n)
            buckets = [(repr(float(b)), c) for b, c in zip(o["latency_bounds"], o["latency_counts"], strict=False)]
            self.latency.add_metric([ns, name], buckets + [("+Inf", o["calls"])], sum_value=o["latency_sum"])
        ops = s["ops"]
        self.reads.add_metric([ns], ops["gets"])
        self.hits.add_metric([ns], ops["hits"])
        self.misses.add_metric([ns], ops["misses"])
        self.written.add_metric([ns], ops["items_written"])
        pool = s["pool"]
        for event in ("hits", "misses", "timeouts"):
            self.pool.add_metric([ns, event], pool[event])
        for state in ("total", "idle", "stale"):
            self.conns.add_metric([ns, state], pool[f"{state}_conns"])

    def all(self) -> list[Any]:
        return [self.keys, self.ttl, self.up, self.calls, self.errors, self.latency, self.reads, self.hits,
                self.misses, self.written, self.pool, self.conns]
