"""nano-graphrag behind FastAPI, moved from JsonKVStorage to Redis without downtime (docs/migration.md).

The phase is read from the file ``migration-phase`` (or $MIGRATION_PHASE_FILE)
when a worker starts, so ``echo read-new > migration-phase`` followed by
gunicorn's SIGHUP (new workers first, then the old ones retire) switches a
live app:

    json -> dual-write -> verify -> read-new -> new-only -> redis

``json`` is the app before (JsonKVStorage), ``redis`` the app after
(RedisKVStorage); the phases in between use MigratingKVStorage. It runs
offline (examples/offline.py fakes the LLM and the embedding); in your app,
keep your own model functions.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from nano_graphrag import GraphRAG, QueryParam
from nano_graphrag._storage import JsonKVStorage
from pydantic import BaseModel

from nano_graphrag_redis import MigratingKVStorage, RedisKVStorage

import offline

PHASE = Path(os.environ.get("MIGRATION_PHASE_FILE", "migration-phase")).read_text().strip()
STORAGE = {"json": JsonKVStorage, "redis": RedisKVStorage}.get(PHASE, MigratingKVStorage)

offline.install_fake_openai()  # offline demo only
rag = GraphRAG(
    working_dir=os.environ.get("GRAPHRAG_WORKING_DIR", "./graphrag-migrating-app"),
    key_string_value_json_storage_cls=STORAGE,
    addon_params={"redis_url": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379"),
                  **({"redis_migration_phase": PHASE} if STORAGE is MigratingKVStorage else {})},
    **offline.offline_graphrag_kwargs(),  # offline demo only
)
KV = {"full_docs": rag.full_docs, "text_chunks": rag.text_chunks,
      "llm_response_cache": rag.llm_response_cache, "community_reports": rag.community_reports}

app = FastAPI()


class Document(BaseModel):
    text: str


@app.post("/insert")
async def insert(doc: Document) -> dict:
    await rag.ainsert(doc.text)
    return {"phase": PHASE, "docs": len(await rag.full_docs.all_keys())}


@app.get("/query")
async def query(q: str, mode: str = "local") -> dict:
    return {"phase": PHASE, "answer": await rag.aquery(q, QueryParam(mode=mode))}


@app.get("/phase")
async def phase() -> dict:
    """This worker's phase, class, and (verify / read-new) what the wrapper has seen."""
    seen = {ns: {"mismatches": kv.mismatches, "backfilled": kv.backfilled}
            for ns, kv in KV.items() if isinstance(kv, MigratingKVStorage)}
    return {"phase": PHASE, "class": STORAGE.__name__, "pid": os.getpid(), "migration": seen}
