"""The Prometheus collector's exposition, parsed as Prometheus would, and get_stats' metrics.

Both faces feed one set of counters per namespace (the collector's twin
store shares them); get_stats and a scrape never SCAN (INFO commandstats).
"""

from __future__ import annotations

import itertools

import redis
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from nano_graphrag_redis import RedisKVStorage, SyncRedisKVStorage, ValueTooLargeError
from nano_graphrag_redis.prometheus import RedisKVCollector


def samples(text: str) -> dict[tuple[str, tuple], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def scan_like_calls(url: str) -> int:
    stats = redis.Redis.from_url(url).info("commandstats")
    return sum(stats.get(f"cmdstat_{c}", {}).get("calls", 0) for c in ("scan", "keys"))


async def test_exposition_is_parsed_with_histograms_hit_rate_and_errors(redis_url, namespace):
    config = {"redis_url": redis_url, "redis_max_value_size": 1000}
    cache = RedisKVStorage(namespace=namespace, global_config=config)
    docs = SyncRedisKVStorage(namespace=namespace + "_docs", global_config=config)
    collector = RedisKVCollector([cache, docs])
    registry = CollectorRegistry()
    registry.register(collector)
    try:
        await cache.upsert({"h1": {"return": "a", "model": "m"}, "h2": {"return": "b", "model": "m"}})
        for key in ("h1", "h2", "h1", "nope"):  # 3 hits, 1 miss
            await cache.get_by_id(key)
        await cache.get_by_ids(["h2", "gone"])  # 1 hit, 1 miss
        docs.upsert({"d": {"content": "x"}})
        try:
            docs.upsert({"big": {"content": "y" * 5000}})
        except ValueTooLargeError:
            pass
        else:
            raise AssertionError("a value above max_value_size must be refused")

        seen = samples(generate_latest(registry).decode())
        c = ("namespace", namespace)
        d = ("namespace", namespace + "_docs")
        assert seen[("nano_graphrag_redis_keys", (c,))] == 2
        assert seen[("nano_graphrag_redis_ttl_seconds", (c,))] == 0
        assert seen[("nano_graphrag_redis_operations_total", (c, ("operation", "get")))] == 4
        assert seen[("nano_graphrag_redis_operations_total", (c, ("operation", "get_many")))] == 1
        assert seen[("nano_graphrag_redis_read_hits_total", (c,))] == 4
        assert seen[("nano_graphrag_redis_read_misses_total", (c,))] == 2
        assert seen[("nano_graphrag_redis_reads_total", (c,))] == 6
        assert seen[("nano_graphrag_redis_errors_total", (("kind", "too_large"), d, ("operation", "upsert")))] == 1
        assert seen[("nano_graphrag_redis_operations_total", (d, ("operation", "upsert")))] == 2
        assert seen[("nano_graphrag_redis_items_written_total", (d,))] == 1
        assert seen[("nano_graphrag_redis_health_ok", (c,))] in (0, 1)
        assert seen[("nano_graphrag_redis_pool_connections", (c, ("state", "total")))] >= 1

        # A real histogram: cumulative buckets ending in +Inf == count, and a positive sum.
        name = "nano_graphrag_redis_operation_duration_seconds"
        get = (c, ("operation", "get"))
        buckets = sorted(((float(dict(k[1])["le"]), v) for k, v in seen.items()
                          if k[0] == name + "_bucket" and set(get) <= set(k[1])))
        assert len(buckets) == 18 and buckets[-1] == (float("inf"), 4)
        assert all(a[1] <= b[1] for a, b in itertools.pairwise(buckets))
        assert seen[(name + "_count", get)] == 4
        assert seen[(name + "_sum", get)] > 0
    finally:
        collector.close()
        await cache.drop()
        await cache.aclose()
        docs.drop()
        docs.close()


def test_get_stats_and_a_scrape_never_scan(single_url, namespace):
    with SyncRedisKVStorage(namespace=namespace, global_config={"redis_url": single_url}) as store:
        store.upsert({f"k{i}": i for i in range(100)})
        collector = RedisKVCollector([store])
        try:
            before = scan_like_calls(single_url)
            stats = store.get_stats(memory_samples=10)
            list(collector.collect())
            assert scan_like_calls(single_url) == before
            assert stats["keys"] == 100 and stats["memory"]["keys"] == 100
            assert stats["operations"]["upsert"]["calls"] == 1
        finally:
            collector.close()
            store.drop()
