"""OpenTelemetry spans and the operation-duration histogram (extra ``[otel]``).

With opentelemetry-api installed, `instrumented` wraps each storage method of
a face so that a call emits a CLIENT span named ``"<operation> <namespace>"``
and records ``db.client.operation.duration``, both with the attributes of the
database semantic conventions (db.system.name, db.operation.name,
db.collection.name, db.operation.batch.size, server.address, server.port,
error.type). The span is started in the caller's context, so it is a child of
the app's request span, also for an async get_by_id whose read travels in a
coalesced batch.

What it costs:
- without opentelemetry-api: nothing, the classes are left as they are;
- installed, but the app set neither a TracerProvider nor a MeterProvider (or
  ``opentelemetry=false``): two lookups per call, no span object is made;
- with providers: what the SDK costs per span and measurement.

The providers are looked up per call, not at import, so an app may set them
after building its storages. docs/monitoring.md shows it next to Prometheus.
"""

from __future__ import annotations

import functools
import inspect
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from . import _version

try:
    from opentelemetry import metrics, trace
except ImportError:  # the [otel] extra is not installed
    trace = None  # type: ignore[assignment]
    metrics = None  # type: ignore[assignment]

C = TypeVar("C", bound=type)

# The methods that talk to Redis, with how to count a call's batch (None: not a batch).
_Batch = Callable[[tuple[Any, ...]], int | None]


def _sized(args: tuple[Any, ...]) -> int | None:
    """len() of the first argument, when it has one: a generator is never consumed here."""
    return len(args[0]) if args and hasattr(args[0], "__len__") else None


OPERATIONS: dict[str, _Batch | None] = {
    "get_by_id": None,
    "get_by_ids": _sized,
    "filter_keys": _sized,
    "upsert": _sized,
    "delete_by_id": None,
    "all_keys": None,
    "count": None,
    "drop": None,
    "repair": None,
    "ping": None,
    "get_stats": None,
}

# What the API hands out while the app has set no provider (types named, as the
# meter's proxy is private to the API package).
_UNSET_PROVIDERS = frozenset({"ProxyTracerProvider", "NoOpTracerProvider", "_ProxyMeterProvider", "NoOpMeterProvider"})
# The semantic conventions' advice for db.client.operation.duration, in seconds.
_DURATION_BUCKETS = (0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0)


def instrumented(cls: C) -> C:
    """Class decorator: wrap cls's storage methods, if opentelemetry-api is installed."""
    if trace is None:
        return cls
    for name, batch in OPERATIONS.items():
        method = getattr(cls, name)
        wrap = _async_wrapper if inspect.iscoroutinefunction(method) else _sync_wrapper
        setattr(cls, name, wrap(method, name, batch))
    return cls


def _sync_wrapper(method: Callable[..., Any], name: str, batch: _Batch | None) -> Callable[..., Any]:
    @functools.wraps(method)
    def traced(self: Any, *args: Any, **kwargs: Any) -> Any:
        if not _enabled(self):
            return method(self, *args, **kwargs)
        with _operation(self, name, batch and batch(args)):
            return method(self, *args, **kwargs)
    return traced


def _async_wrapper(method: Callable[..., Any], name: str, batch: _Batch | None) -> Callable[..., Any]:
    @functools.wraps(method)
    async def traced(self: Any, *args: Any, **kwargs: Any) -> Any:
        if not _enabled(self):
            return await method(self, *args, **kwargs)
        with _operation(self, name, batch and batch(args)):
            return await method(self, *args, **kwargs)
    return traced


def _enabled(store: Any) -> bool:
    return store._settings.opentelemetry is not False and not _providers_unset()


def _public_providers_unset() -> bool:
    return (type(trace.get_tracer_provider()).__name__ in _UNSET_PROVIDERS
            and type(metrics.get_meter_provider()).__name__ in _UNSET_PROVIDERS)


def _private_providers_unset() -> bool:
    return trace._TRACER_PROVIDER is None and _metrics_api._METER_PROVIDER is None


def _pick_unset_check() -> Callable[[], bool]:
    """The public getters read os.environ on every call (2.4 µs each on a loaded 2-core machine, +8%
    on a sync get_by_id); the API's own globals cost two attribute reads. Those are private, so they are
    used only where they exist and no OTEL_PYTHON_*_PROVIDER variable asks the API to load a provider."""
    global _metrics_api
    try:
        from opentelemetry.metrics import _internal as _metrics_api
        private = hasattr(trace, "_TRACER_PROVIDER") and hasattr(_metrics_api, "_METER_PROVIDER")
    except ImportError:
        private = False
    from_env = any(v in os.environ for v in ("OTEL_PYTHON_TRACER_PROVIDER", "OTEL_PYTHON_METER_PROVIDER"))
    return _private_providers_unset if private and not from_env else _public_providers_unset


_metrics_api: Any = None
_providers_unset: Callable[[], bool] = _pick_unset_check if trace is None else _pick_unset_check()


class _Instruments:
    """The tracer and histogram of the current providers, made again if the app replaces one."""

    def __init__(self) -> None:
        self._made_for: tuple[Any, Any] | None = None

    def get(self) -> tuple[Any, Any]:
        providers = (trace.get_tracer_provider(), metrics.get_meter_provider())
        if self._made_for is None or self._made_for[0] is not providers[0] or self._made_for[1] is not providers[1]:
            version = _version.__version__
            self._tracer = providers[0].get_tracer("nano_graphrag_redis", version)
            self._duration = providers[1].get_meter("nano_graphrag_redis", version).create_histogram(
                "db.client.operation.duration", unit="s", description="Duration of database client operations.",
                explicit_bucket_boundaries_advisory=_DURATION_BUCKETS)
            self._made_for = providers
        return self._tracer, self._duration


_instruments = _Instruments()


@contextmanager
def _operation(store: Any, name: str, batch_size: int | None) -> Iterator[None]:
    tracer, duration = _instruments.get()
    common = {**_server_attributes(store), "db.operation.name": name, "db.collection.name": store.namespace}
    span_attributes = dict(common)
    if batch_size is not None and batch_size >= 2:  # the conventions: a batch has two or more items
        span_attributes["db.operation.batch.size"] = batch_size
    start = time.perf_counter()
    with tracer.start_as_current_span(f"{name} {store.namespace}", kind=trace.SpanKind.CLIENT,
                                      attributes=span_attributes) as span:
        try:
            yield
        except BaseException as exc:
            common["error.type"] = error_type(exc)
            span.set_attribute("error.type", common["error.type"])
            raise
        finally:
            duration.record(time.perf_counter() - start, common)


def error_type(exc: BaseException) -> str:
    """The exception's fully qualified class name, ours under the public package name."""
    cls = type(exc)
    module = "nano_graphrag_redis" if cls.__module__.startswith("nano_graphrag_redis") else cls.__module__
    return cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"


def _server_attributes(store: Any) -> dict[str, Any]:
    """The attributes that never change for a storage (its first seed address), worked out once."""
    cached: dict[str, Any] | None = store.__dict__.get("_otel_server")
    if cached is None:
        settings = store._settings
        ep = settings.endpoint()
        cached = {"db.system.name": "redis"}
        if ep.network == "unix":
            cached["server.address"] = ep.addrs[0]
        else:
            host, _, port = (settings.cluster_addrs or ep.addrs)[0].rpartition(":")
            cached["server.address"] = host.strip("[]")
            cached["server.port"] = int(port)
        store.__dict__["_otel_server"] = cached
    return cached
