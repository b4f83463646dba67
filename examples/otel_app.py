"""A FastAPI app beside nano-graphrag whose request spans hold our storage spans (docs/monitoring.md).

    pip install 'nano-graphrag-redis[otel]' -r requirements/otel.txt -r requirements/examples.txt
    REDIS_URL=redis://127.0.0.1:6379 uvicorn --app-dir examples otel_app:app --port 8000
    curl -X POST localhost:8000/insert    # indexes examples/sample.txt
    curl 'localhost:8000/query?q=Who+keeps+the+lighthouse'

Each request prints its spans to stdout as JSON (ConsoleSpanExporter): the server span
"GET /query" and, as its children, "get_by_id llm_response_cache", "get_by_ids text_chunks", ...
In your app, put your own exporter (OTLP to a collector) where the console one is. It runs offline
(examples/offline.py fakes the LLM and the embedding, as `make demo` does).
"""

from __future__ import annotations

import os

from fastapi import FastAPI
from nano_graphrag import GraphRAG, QueryParam
from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

from nano_graphrag_redis import RedisKVStorage

import offline

# The app sets the provider; the storage finds it at each call, so the order does not matter.
provider = TracerProvider()
provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
trace.set_tracer_provider(provider)

offline.install_fake_openai()  # offline demo only: your app uses its real LLM
rag = GraphRAG(
    working_dir=os.environ.get("GRAPHRAG_WORKING_DIR", "./graphrag-otel-app"),
    key_string_value_json_storage_cls=RedisKVStorage,
    addon_params={"redis_url": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379")},
    **offline.offline_graphrag_kwargs(),  # offline demo only
)

app = FastAPI()
FastAPIInstrumentor.instrument_app(app)


@app.post("/insert")
async def insert() -> dict:
    await rag.ainsert(offline.SAMPLE_TEXT.read_text())
    return {"docs": len(await rag.full_docs.all_keys())}


@app.get("/query")
async def query(q: str, mode: str = "global") -> dict:
    return {"answer": await rag.aquery(q, QueryParam(mode=mode))}
