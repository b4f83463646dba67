"""examples/otel_app.py driven as an ASGI server would: its FastAPI request spans hold our storage spans.

The app runs in a child process (it sets the global TracerProvider, which can be set once); the child adds
an in-memory exporter beside the app's console one and prints what it caught.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

ASGI_CLIENT = r"""
import asyncio, json
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
import otel_app

caught = InMemorySpanExporter()
otel_app.provider.add_span_processor(SimpleSpanProcessor(caught))

async def request(method, path, query=b""):
    sent = []
    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}
    async def send(message):
        sent.append(message)
    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(), "query_string": query,
             "headers": [], "http_version": "1.1", "scheme": "http", "server": ("127.0.0.1", 8000),
             "client": ("127.0.0.1", 50000), "root_path": ""}
    await otel_app.app(scope, receive, send)
    return sent[0]["status"]

async def main():
    statuses = [await request("POST", "/insert"), await request("GET", "/query", b"q=Who+keeps+the+lighthouse")]
    spans = [{"name": s.name, "id": s.context.span_id, "trace": s.context.trace_id,
              "parent": s.parent.span_id if s.parent else None, "redis": s.attributes.get("db.system.name") == "redis"}
             for s in caught.get_finished_spans()]
    print("CAUGHT " + json.dumps({"statuses": statuses, "spans": spans}), flush=True)

asyncio.run(main())
"""


def test_request_spans_have_our_storage_spans_as_children(tmp_path, tokenizer_cache):
    url = os.environ.get("NGR_TEST_REDIS_URL")
    if not url:
        pytest.fail("NGR_TEST_REDIS_URL is not set: run through scripts/redis/with-redis.sh or make test")
    prefix = f"ngr-otel-{uuid.uuid4().hex[:12]}"
    env = {**os.environ, "REDIS_URL": url, "REDIS_KEY_PREFIX": prefix, "PYTHONHASHSEED": "0",
           "GRAPHRAG_WORKING_DIR": str(tmp_path / "rag"), "TIKTOKEN_CACHE_DIR": tokenizer_cache}
    env.pop("OPENAI_API_KEY", None)
    child = subprocess.run([sys.executable, "-c", ASGI_CLIENT], cwd=EXAMPLES, env=env,
                           check=False, capture_output=True, text=True, timeout=300)
    assert child.returncode == 0, child.stderr[-3000:]
    # The app's console exporter prints too (its batch is flushed at exit): take the line we printed.
    caught = json.loads(next(line[7:] for line in child.stdout.splitlines() if line.startswith("CAUGHT ")))
    assert caught["statuses"] == [200, 200]
    spans = caught["spans"]
    servers = {s["name"]: s for s in spans if s["parent"] is None}
    assert set(servers) == {"POST /insert", "GET /query"}
    for route, expected in (("POST /insert", "upsert full_docs"), ("GET /query", "get_by_id llm_response_cache")):
        children = {s["name"] for s in spans if s["redis"] and s["parent"] == servers[route]["id"]}
        assert expected in children, (route, sorted(children))
    # Every storage span belongs to one of the two requests' traces: none is orphaned.
    assert {s["trace"] for s in spans if s["redis"]} <= {s["trace"] for s in servers.values()}
    from nano_graphrag_redis import SyncRedisKVStorage

    for namespace in ("full_docs", "text_chunks", "llm_response_cache", "community_reports"):
        config = {"working_dir": env["GRAPHRAG_WORKING_DIR"], "addon_params": {"redis_url": url, "redis_key_prefix": prefix}}
        with SyncRedisKVStorage(namespace=namespace, global_config=config) as store:
            store.drop()
