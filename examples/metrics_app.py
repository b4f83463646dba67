"""A FastAPI app beside nano-graphrag that serves Prometheus /metrics (docs/monitoring.md).

    pip install 'nano-graphrag-redis[metrics]' -r requirements/examples.txt
    REDIS_URL=redis://127.0.0.1:6379 uvicorn --app-dir examples metrics_app:app --port 8000
    curl -X POST localhost:8000/insert    # indexes examples/sample.txt
    curl 'localhost:8000/query?q=Who+keeps+the+lighthouse'
    curl localhost:8000/metrics | grep nano_graphrag_redis_read

It runs offline (examples/offline.py fakes the LLM and the embedding, as
`make demo` does); in your app, drop those two lines and keep your own model
functions. Every worker process serves its own counters: Prometheus scrapes
each one (or use prometheus_client's multiprocess mode for gunicorn).
"""

from __future__ import annotations

import os

from fastapi import FastAPI, Response
from nano_graphrag import GraphRAG, QueryParam
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from nano_graphrag_redis import RedisKVStorage
from nano_graphrag_redis.prometheus import RedisKVCollector

import offline

offline.install_fake_openai()  # offline demo only: your app uses its real LLM
rag = GraphRAG(
    # The graph and vector stores stay in working_dir: keep it with the Redis data it belongs to.
    working_dir=os.environ.get("GRAPHRAG_WORKING_DIR", "./graphrag-metrics-app"),
    key_string_value_json_storage_cls=RedisKVStorage,
    addon_params={"redis_url": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379")},
    **offline.offline_graphrag_kwargs(),  # offline demo only
)
REGISTRY.register(RedisKVCollector([rag.full_docs, rag.text_chunks, rag.llm_response_cache, rag.community_reports]))

app = FastAPI()


@app.get("/metrics")
def metrics() -> Response:
    # A plain def: FastAPI runs it in its thread pool, so a scrape never blocks the event loop.
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


@app.post("/insert")
async def insert() -> dict:
    await rag.ainsert(offline.SAMPLE_TEXT.read_text())
    return {"docs": len(await rag.full_docs.all_keys())}


@app.get("/query")
async def query(q: str, mode: str = "global") -> dict:
    return {"answer": await rag.aquery(q, QueryParam(mode=mode))}
