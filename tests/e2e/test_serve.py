"""examples/serve.py, the worker docs/deployment.md runs under uvicorn and gunicorn, driven as an ASGI app.

Topology A in two processes: `python serve.py index sample.txt` builds the index, then a worker process
on the same RAG_DIR starts (lifespan) and answers /health and /query from it without indexing again.
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

# Drives the app as an ASGI server would: lifespan startup, then GET requests; prints the JSON bodies.
ASGI_CLIENT = r"""
import asyncio, json, sys
from serve import app

async def get(path, query=b""):
    sent = []
    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}
    async def send(message):
        sent.append(message)
    await app({"type": "http", "path": path, "query_string": query}, receive, send)
    return sent[0]["status"], json.loads(sent[1]["body"])

async def main():
    events = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    started = asyncio.Event()
    async def receive():
        await asyncio.sleep(0)
        message = next(events)
        if message["type"] == "lifespan.shutdown":
            await started.wait()
        return message
    async def send(message):
        if message["type"] == "lifespan.startup.complete":
            started.set()
    lifespan = asyncio.create_task(app({"type": "lifespan"}, receive, send))
    await started.wait()
    print(json.dumps([await get("/health"), await get("/query", b"q=Who+keeps+the+lighthouse%3F&mode=global"),
                      await get("/nope")]))
    await lifespan

asyncio.run(main())
"""


def test_index_job_then_a_worker_answers_from_its_index(tmp_path, tokenizer_cache):
    url = os.environ.get("NGR_TEST_REDIS_URL")
    if not url:
        pytest.fail("NGR_TEST_REDIS_URL is not set: run through scripts/redis/with-redis.sh or make test")
    prefix = f"ngr-serve-{uuid.uuid4().hex[:12]}"
    env = {**os.environ, "REDIS_URL": url, "REDIS_KEY_PREFIX": prefix, "PYTHONHASHSEED": "0",
           "RAG_DIR": str(tmp_path / "rag"), "TIKTOKEN_CACHE_DIR": tokenizer_cache}
    env.pop("OPENAI_API_KEY", None)
    job = subprocess.run([sys.executable, "serve.py", "index", "sample.txt"], cwd=EXAMPLES, env=env,
                         check=False, capture_output=True, text=True, timeout=300)
    assert job.returncode == 0, job.stderr[-3000:]
    assert "14 graph nodes" in job.stdout, job.stdout
    worker = subprocess.run([sys.executable, "-c", ASGI_CLIENT], cwd=EXAMPLES, env=env,
                            check=False, capture_output=True, text=True, timeout=300)
    assert worker.returncode == 0, worker.stderr[-3000:]
    (health_status, health), (query_status, query), (missing_status, _) = json.loads(worker.stdout.splitlines()[-1])
    assert (health_status, query_status, missing_status) == (200, 200, 404)
    assert health["redis"] is True and health["graph_nodes"] == 14
    assert health["workspace"].startswith("rag-") and query["workspace"] == health["workspace"]
    assert health["llm_cache"] == {"hits": 0, "misses": 0}  # it did not index again
    assert query["answer"].startswith("[global answer to 'Who keeps the lighthouse?']"), query["answer"]
    # Clean up: the index namespaces of that workspace and the shared cache under the test's prefix.
    from nano_graphrag_redis import SyncRedisKVStorage

    for namespace in ("full_docs", "text_chunks", "llm_response_cache", "community_reports"):
        config = {"working_dir": env["RAG_DIR"], "addon_params": {"redis_url": url, "redis_key_prefix": prefix}}
        with SyncRedisKVStorage(namespace=namespace, global_config=config) as store:
            store.drop()
