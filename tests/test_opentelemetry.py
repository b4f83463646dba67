"""OpenTelemetry (extra [otel], _telemetry.py): spans and the duration histogram, read back from the SDK's
in-memory exporter and reader, on real servers (single node and cluster), through both faces.

Each test installs fresh global providers and removes them afterwards (opentelemetry-test-utils' reset
helpers), so no other test in the session is traced.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.test.globals_test import reset_metrics_globals, reset_trace_globals
from opentelemetry.trace import SpanKind, StatusCode

from nano_graphrag_redis import ClosedError, RedisKVStorage, SyncRedisKVStorage, _telemetry


class Telemetry:
    """The spans and histogram points our calls produced, from an SDK of the test's own."""

    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.reader = InMemoryMetricReader()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        trace.set_tracer_provider(provider)
        metrics.set_meter_provider(MeterProvider(metric_readers=[self.reader]))

    def spans(self) -> list[Any]:
        return [s for s in self.exporter.get_finished_spans() if s.attributes.get("db.system.name") == "redis"]

    def durations(self) -> list[Any]:
        data = self.reader.get_metrics_data()
        points = []
        for rm in data.resource_metrics if data else []:
            for sm in rm.scope_metrics:
                for m in sm.metrics:
                    if m.name == "db.client.operation.duration":
                        assert m.unit == "s"
                        points.extend(m.data.data_points)
        return points


@pytest.fixture
def telemetry() -> Iterator[Telemetry]:
    reset_trace_globals()
    reset_metrics_globals()
    yield Telemetry()
    reset_trace_globals()
    reset_metrics_globals()


async def test_every_call_is_a_client_span_with_the_conventions_attributes(
        telemetry: Telemetry, kv: Any, redis_url: str, namespace: str) -> None:
    await kv.upsert({"a": {"n": 1}, "b": {"n": 2}, "c": {"n": 3}})
    assert await kv.get_by_id("a") == {"n": 1}
    assert await kv.get_by_ids(iter(["a", "b"])) == [{"n": 1}, {"n": 2}]  # a generator: no batch size
    assert await kv.get_by_ids(["a", "b", "zz"]) == [{"n": 1}, {"n": 2}, None]
    assert await kv.filter_keys(["a", "new"]) == {"new"}
    assert await kv.count() == 3

    spans = telemetry.spans()
    assert [s.name for s in spans] == [f"{op} {namespace}" for op in (
        "upsert", "get_by_id", "get_by_ids", "get_by_ids", "filter_keys", "count")]
    url = urlsplit(redis_url)
    for s in spans:
        assert s.kind is SpanKind.CLIENT
        assert s.status.status_code is StatusCode.UNSET
        assert s.attributes["db.operation.name"] == s.name.split()[0]
        assert s.attributes["db.collection.name"] == namespace
        assert (s.attributes["server.address"], s.attributes["server.port"]) == (url.hostname, url.port)
        assert "error.type" not in s.attributes
    assert [s.attributes.get("db.operation.batch.size") for s in spans] == [3, None, None, 3, 2, None]


async def test_a_failed_call_sets_error_type_on_its_span_and_its_duration(
        telemetry: Telemetry, kv: Any, namespace: str) -> None:
    with pytest.raises(TypeError):
        await kv.get_by_ids([1])
    await kv.close()
    with pytest.raises(ClosedError):
        await kv.get_by_id("a")

    spans = telemetry.spans()
    assert [s.attributes.get("error.type") for s in spans] == ["TypeError", "nano_graphrag_redis.ClosedError"]
    assert all(s.status.status_code is StatusCode.ERROR for s in spans)
    assert all(any(e.name == "exception" for e in s.events) for s in spans)
    failed = {p.attributes["db.operation.name"]: p.attributes.get("error.type") for p in telemetry.durations()}
    assert failed == {"get_by_ids": "TypeError", "get_by_id": "nano_graphrag_redis.ClosedError"}


async def test_the_duration_histogram_counts_every_call_per_operation(
        telemetry: Telemetry, kv: Any, namespace: str) -> None:
    await kv.upsert({"a": 1})
    for _ in range(4):
        await kv.get_by_id("a")
    points = {p.attributes["db.operation.name"]: p for p in telemetry.durations()}
    assert {name: p.count for name, p in points.items()} == {"upsert": 1, "get_by_id": 4}
    for p in points.values():
        assert p.attributes["db.system.name"] == "redis"
        assert p.attributes["db.collection.name"] == namespace
        assert 0 < p.sum < 60
        assert p.explicit_bounds[0] == 0.001  # the conventions' advice, not the SDK's millisecond default


async def test_concurrent_async_gets_are_each_a_child_of_the_callers_span(
        telemetry: Telemetry, redis_url: str, namespace: str) -> None:
    store = RedisKVStorage(namespace=namespace, global_config={"redis_url": redis_url})
    try:
        await store.upsert({f"k{i}": i for i in range(5)})
        tracer = trace.get_tracer("test")
        with tracer.start_as_current_span("request") as request:
            # Sent as one coalesced batch, yet each await has its own span under the request.
            assert await asyncio.gather(*(store.get_by_id(f"k{i}") for i in range(5))) == list(range(5))
        gets = [s for s in telemetry.spans() if s.name == f"get_by_id {namespace}"]
        assert len(gets) == 5
        assert {s.parent.span_id for s in gets} == {request.get_span_context().span_id}
    finally:
        await store.drop()
        await store.aclose()


async def test_opentelemetry_false_emits_nothing(telemetry: Telemetry, redis_url: str, namespace: str) -> None:
    store = SyncRedisKVStorage(namespace=namespace,
                               global_config={"redis_url": redis_url, "redis_opentelemetry": False})
    try:
        store.upsert({"a": 1})
        assert store.get_by_id("a") == 1
    finally:
        store.drop()
        store.close()
    assert telemetry.spans() == []
    assert telemetry.durations() == []


def test_no_provider_set_means_no_tracer_is_even_made(single_url: str, namespace: str) -> None:
    reset_trace_globals()
    reset_metrics_globals()
    before = _telemetry._instruments.__dict__.get("_made_for")
    store = SyncRedisKVStorage(namespace=namespace, global_config={"redis_url": single_url})
    try:
        store.upsert({"a": 1})
        assert store.get_by_id("a") == 1
        assert not _telemetry._enabled(store)
    finally:
        store.drop()
        store.close()
    assert _telemetry._instruments.__dict__.get("_made_for") is before


def test_without_the_extra_the_classes_are_not_wrapped(single_url: str) -> None:
    # A fresh interpreter in which `import opentelemetry` fails, as it does without the [otel] extra.
    script = (
        "import sys; sys.modules['opentelemetry'] = None\n"
        "from nano_graphrag_redis import SyncRedisKVStorage as S, RedisKVStorage as A\n"
        "assert not any(hasattr(getattr(c, m), '__wrapped__') for c in (S, A) for m in ('get_by_id', 'upsert'))\n"
        f"s = S(namespace='otel_absent', global_config={{'redis_url': {single_url!r}}})\n"
        "s.upsert({'a': 1}); assert s.get_by_id('a') == 1; s.drop(); s.close(); print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
