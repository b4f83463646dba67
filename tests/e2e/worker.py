"""One nano-graphrag "API worker": insert the sample text, run the three query modes.

Run as a separate process (``python tests/e2e/worker.py '<json spec>'``) so two
workers really are two processes sharing one Redis; prints one JSON line with
what it saw: LLM calls by kind, answers, community count.

Spec keys: redis_url, key_prefix (all four namespaces), working_dir, and
optionally docs_key_prefix: a prefix for full_docs, text_chunks and
community_reports only, so the worker builds its own index while sharing the
llm_response_cache under key_prefix.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))

import offline  # noqa: E402  (examples/offline.py)

QUESTION = "Who keeps the lighthouse on Greyholm, and who relies on it?"
MODES = ("local", "global", "naive")


def kv_storage_factory(key_prefix: str, docs_key_prefix: str | None):
    """GraphRAG's key_string_value_json_storage_cls: any callable(namespace=, global_config=)."""
    from nano_graphrag_redis import RedisKVStorage

    def make(namespace: str, global_config: dict):
        prefix = key_prefix
        if docs_key_prefix and namespace != "llm_response_cache":
            prefix = docs_key_prefix
        addon = {**global_config.get("addon_params", {}), "redis_key_prefix": prefix}
        return RedisKVStorage(namespace=namespace, global_config={**global_config, "addon_params": addon})

    return make


def run_worker(spec: dict) -> dict:
    from nano_graphrag import GraphRAG, QueryParam
    from nano_graphrag._utils import always_get_an_event_loop

    client = offline.install_fake_openai()
    rag = GraphRAG(
        working_dir=spec["working_dir"],
        key_string_value_json_storage_cls=kv_storage_factory(spec["key_prefix"], spec.get("docs_key_prefix")),
        addon_params={"redis_url": spec["redis_url"]},
        **offline.offline_graphrag_kwargs(),
    )
    rag.insert(offline.SAMPLE_TEXT.read_text())
    insert_calls = client.total_calls
    answers = {mode: rag.query(QUESTION, QueryParam(mode=mode)) for mode in MODES}
    loop = always_get_an_event_loop()
    communities = loop.run_until_complete(rag.chunk_entity_relation_graph.community_schema())
    for store in (rag.full_docs, rag.text_chunks, rag.llm_response_cache, rag.community_reports):
        loop.run_until_complete(store.aclose())
    return {
        "insert_calls": insert_calls,
        "query_calls": client.total_calls - insert_calls,
        "calls_by_kind": dict(client.calls),
        "answers": answers,
        "communities": len(communities),
        "graph_nodes": rag.chunk_entity_relation_graph._graph.number_of_nodes(),
    }


if __name__ == "__main__":
    result = run_worker(json.loads(sys.argv[1]))
    print("WORKER-RESULT " + json.dumps(result))
