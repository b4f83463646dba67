"""A nano-graphrag API worker on Redis: the app docs/deployment.md runs under uvicorn and gunicorn.

    GET  /query?q=...&mode=local|global|naive   -> {"answer": ..., "workspace": ...}
    GET  /health                                -> {"redis": true, "graph_nodes": N, "workspace": ..., "llm_cache": ...}
    python serve.py index FILE                  -> index FILE into RAG_DIR (a job, not a worker)

Settings are the product's, from the environment: REDIS_URL (and any REDIS_*, docs/configuration.md),
plus RAG_DIR, the working_dir (default ./rag). The index namespaces in Redis follow RAG_DIR: workers on
the same RAG_DIR share one index; a worker with its own RAG_DIR builds its own, from the shared LLM cache.
With INDEX_FILE set, a worker whose graph is empty indexes that file at start (each-worker-its-own-graph).

Without OPENAI_API_KEY it runs offline: examples/offline.py's fake OpenAI client behind nano-graphrag's
real gpt_4o_complete, hashed embeddings. nano-graphrag loads the graph from RAG_DIR when a worker starts,
so restart (or reload) the workers after indexing.
"""

from __future__ import annotations

import json
import os
import sys
from urllib.parse import parse_qs

from nano_graphrag import GraphRAG, QueryParam

from nano_graphrag_redis import RedisKVStorage

import offline


def build_graphrag() -> GraphRAG:
    kwargs = offline.offline_graphrag_kwargs()
    if os.environ.get("OPENAI_API_KEY"):
        del kwargs["embedding_func"]  # nano-graphrag's default: OpenAI embeddings
    else:
        offline.install_fake_openai()
    return GraphRAG(working_dir=os.environ.get("RAG_DIR", "./rag"),
                    key_string_value_json_storage_cls=RedisKVStorage, **kwargs)


def graph_nodes(rag: GraphRAG) -> int:
    return rag.chunk_entity_relation_graph._graph.number_of_nodes()


class App:
    """A plain ASGI app: one GraphRAG per worker process, built at startup (after any fork)."""

    rag: GraphRAG | None = None

    async def startup(self) -> None:
        self.rag = build_graphrag()
        index_file = os.environ.get("INDEX_FILE")
        if index_file and graph_nodes(self.rag) == 0:
            with open(index_file) as f:  # noqa: ASYNC230 - once, at startup, before serving
                await self.rag.ainsert(f.read())

    async def handle(self, path: str, params: dict[str, str]) -> tuple[int, dict]:
        rag = self.rag
        workspace = rag.full_docs.settings.workspace
        if path == "/health":
            cache = (await rag.llm_response_cache.get_stats())["ops"]  # this process's LLM-cache lookups
            return 200, {"redis": await rag.full_docs.ping(), "graph_nodes": graph_nodes(rag), "workspace": workspace,
                         "llm_cache": {"hits": cache["hits"], "misses": cache["misses"]}}
        if path == "/query" and params.get("q"):
            answer = await rag.aquery(params["q"], QueryParam(mode=params.get("mode", "local")))
            return 200, {"answer": answer, "workspace": workspace}
        return 404, {"error": "try /health or /query?q=...&mode=local"}

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await self.startup()
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        params = {k: v[0] for k, v in parse_qs(scope["query_string"].decode()).items()}
        status, body = await self.handle(scope["path"], params)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": json.dumps(body).encode()})


app = App()

if __name__ == "__main__":
    if sys.argv[1:2] != ["index"] or len(sys.argv) != 3:
        sys.exit("usage: python serve.py index FILE   (serve with uvicorn or gunicorn: docs/deployment.md)")
    rag = build_graphrag()
    with open(sys.argv[2]) as f:
        rag.insert(f.read())
    print(f"indexed {sys.argv[2]} into {rag.working_dir}: {graph_nodes(rag)} graph nodes, "
          f"workspace {rag.full_docs.settings.workspace!r}")
