"""What the OpenTelemetry instrumentation (_telemetry.py) costs, interleaved in fresh processes.

    scripts/redis/with-redis.sh .venv/bin/python bench/otel_overhead.py [rounds]   (make bench-otel)

Three variants of bench/metrics_overhead.py's workload (sync and asyncio get_by_id, batches):
- "no otel": `import opentelemetry` fails, as without the [otel] extra (the classes are not wrapped);
- "otel, no provider": the API installed, the app set no provider, the default case of the promise
  "costs nothing measurable when no provider is set";
- "otel + SDK": an SDK TracerProvider (batch span processor, in-memory exporter) and MeterProvider, the
  cost of actually recording a span and a histogram point per call.
"""

from __future__ import annotations

import sys

from metrics_overhead import compare

ABSENT = "import sys; sys.modules['opentelemetry'] = None\n"
SDK = (
    "from opentelemetry import metrics, trace\n"
    "from opentelemetry.sdk.metrics import MeterProvider\n"
    "from opentelemetry.sdk.metrics.export import InMemoryMetricReader\n"
    "from opentelemetry.sdk.trace import TracerProvider\n"
    "from opentelemetry.sdk.trace.export import BatchSpanProcessor\n"
    "from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter\n"
    "_tp = TracerProvider(); _tp.add_span_processor(BatchSpanProcessor(InMemorySpanExporter()))\n"
    "trace.set_tracer_provider(_tp)\n"
    "metrics.set_meter_provider(MeterProvider(metric_readers=[InMemoryMetricReader()]))\n"
)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    compare({"no otel": ({}, ABSENT), "otel, no provider": ({}, ""), "otel + SDK": ({}, SDK)}, rounds)


if __name__ == "__main__":
    main()
