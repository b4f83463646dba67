"""One nano-graphrag "API worker", as a user would configure it: no custom code.

Run as a separate process (``python tests/e2e/worker.py '<json spec>'``) so two
workers really are two processes sharing one Redis; prints one JSON line with
what it saw: LLM calls by kind, LLM-cache hits and misses, answers, graph size.

GraphRAG gets ``key_string_value_json_storage_cls=RedisKVStorage`` and
``addon_params`` with the URL and the key prefix, nothing else: the workspace
follows from ``working_dir``. Spec keys: redis_url, key_prefix, working_dir,
insert (default true) and query (default true).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))

import offline

QUESTION = "Who keeps the lighthouse on Greyholm, and who relies on it?"
MODES = ("local", "global", "naive")


def run_worker(spec: dict) -> dict:
    from nano_graphrag import GraphRAG, QueryParam
    from nano_graphrag._utils import always_get_an_event_loop

    from nano_graphrag_redis import RedisKVStorage

    client = offline.install_fake_openai()
    rag = GraphRAG(
        working_dir=spec["working_dir"],
        key_string_value_json_storage_cls=RedisKVStorage,
        addon_params={"redis_url": spec["redis_url"], "redis_key_prefix": spec["key_prefix"]},
        **offline.offline_graphrag_kwargs(),
    )
    loop = always_get_an_event_loop()
    cache = rag.llm_response_cache

    def cache_ops() -> dict:
        ops = loop.run_until_complete(cache.get_stats())["ops"]
        return {"hits": ops["hits"], "misses": ops["misses"]}

    if spec.get("insert", True):
        rag.insert(offline.SAMPLE_TEXT.read_text())
    insert_calls, insert_cache = client.total_calls, cache_ops()
    answers = {}
    if spec.get("query", True):
        answers = {mode: rag.query(QUESTION, QueryParam(mode=mode)) for mode in MODES}
    communities = loop.run_until_complete(rag.chunk_entity_relation_graph.community_schema())
    for store in (rag.full_docs, rag.text_chunks, rag.llm_response_cache, rag.community_reports):
        loop.run_until_complete(store.aclose())
    return {
        "insert_calls": insert_calls,
        "insert_cache": insert_cache,
        "query_calls": client.total_calls - insert_calls,
        "calls_by_kind": dict(client.calls),
        "answers": answers,
        "communities": len(communities),
        "graph_nodes": rag.chunk_entity_relation_graph._graph.number_of_nodes(),
        "workspace": rag.full_docs.settings.workspace,
    }


if __name__ == "__main__":
    result = run_worker(json.loads(sys.argv[1]))
    print("WORKER-RESULT " + json.dumps(result))
