"""Two nano-graphrag workers (separate processes) on one Redis, single node and cluster.

Every worker is configured as a user would: ``RedisKVStorage`` as the KV class,
the URL and a key prefix in ``addon_params``, nothing else (tests/e2e/worker.py).
The workspace (the key segment of full_docs, text_chunks and community_reports)
follows from ``working_dir``; llm_response_cache is shared by every workspace.
nano-graphrag's real gpt_4o_complete runs with the OpenAI client faked (see
examples/offline.py).

- the indexer inserts the sample text; the four namespaces then hold exactly
  the expected keys, seen through the storage (all_keys) and directly in
  Redis (SCAN of every node, key layout v1 with the workspace segment);
- topology A, one index and many query workers: a second process with the
  SAME working_dir answers every query from the index the first built, with
  0 LLM calls for the index (it finds the document stored; no extraction, no
  community report);
- topology B, independent workers: a second process with its OWN working_dir
  builds its own graph (never an empty one) from the shared LLM cache, every
  index-time LLM call a cache hit, and answers as the first does.

Both processes run with PYTHONHASHSEED=0: nano-graphrag 0.0.8.2 orders parts
of its local-query context by iterating Python sets, so with different string
hash seeds two processes build different prompts, which the LLM cache rightly
treats as different questions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
import zlib
from pathlib import Path
from typing import NamedTuple

import pytest

REPO = Path(__file__).resolve().parents[2]
TOPOLOGY_VARIABLES = {"single": "NGR_TEST_REDIS_URL", "cluster": "NGR_TEST_CLUSTER_URL"}


@pytest.fixture(scope="module", autouse=True)
def tokenizer_cache() -> str:
    """o200k_base for tiktoken, fetched by the project's own script (idempotent)."""
    folder = subprocess.run(
        [str(REPO / "scripts" / "fetch-tokenizer.sh")], check=True, capture_output=True, text=True
    ).stdout.strip()
    os.environ["TIKTOKEN_CACHE_DIR"] = folder
    return folder


@pytest.fixture(scope="module", params=sorted(TOPOLOGY_VARIABLES))
def topology(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def redis_url(topology) -> str:
    variable = TOPOLOGY_VARIABLES[topology]
    url = os.environ.get(variable)
    if not url:
        pytest.fail(f"{variable} is not set: run through scripts/redis/with-redis.sh or make test")
    return url


@pytest.fixture(scope="module")
def cluster_addrs(topology) -> list[str]:
    """host:port of every node to scan directly (all cluster nodes, or the single node)."""
    if topology == "single":
        return []
    addrs = os.environ.get("NGR_TEST_CLUSTER_ADDRS", "")
    if not addrs:
        pytest.fail("NGR_TEST_CLUSTER_ADDRS is not set: run through scripts/redis/with-redis.sh or make test")
    return addrs.split(",")


NAMESPACES = ("full_docs", "text_chunks", "llm_response_cache", "community_reports")
WORKER = Path(__file__).resolve().parent / "worker.py"
BUCKETS = 64


def unique_prefix() -> str:
    return f"ngr-e2e-{uuid.uuid4().hex[:12]}"


def run_worker_process(**spec) -> dict:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(
        [sys.executable, str(WORKER), json.dumps(spec)], env=env, check=False, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"worker failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    line = [ln for ln in done.stdout.splitlines() if ln.startswith("WORKER-RESULT ")][-1]
    return json.loads(line.removeprefix("WORKER-RESULT "))


def storage_config(redis_url: str, prefix: str, working_dir: str) -> dict:
    """The global_config a worker's storages get, minus what GraphRAG adds besides."""
    return {"working_dir": working_dir, "addon_params": {"redis_url": redis_url, "redis_key_prefix": prefix}}


def stored_ids(redis_url: str, prefix: str, working_dir: str) -> dict[str, set[str]]:
    """all_keys() of each namespace of a working_dir's workspace, through the sync face."""
    from nano_graphrag_redis import SyncRedisKVStorage

    ids = {}
    for namespace in NAMESPACES:
        config = storage_config(redis_url, prefix, working_dir)
        with SyncRedisKVStorage(namespace=namespace, global_config=config) as store:
            ids[namespace] = set(store.all_keys())
    return ids


def drop_all(redis_url: str, prefix: str, *working_dirs: str) -> None:
    from nano_graphrag_redis import SyncRedisKVStorage

    for working_dir in working_dirs:
        for namespace in NAMESPACES:
            config = storage_config(redis_url, prefix, working_dir)
            with SyncRedisKVStorage(namespace=namespace, global_config=config) as store:
                store.drop()


def scan_keys(redis_url: str, nodes: list[str], prefix: str) -> set[str]:
    """Every key under the prefix, read with redis-cli SCAN on each node (replicas add nothing new)."""
    targets = [["-u", redis_url]] if not nodes else [["-h", n.rsplit(":", 1)[0], "-p", n.rsplit(":", 1)[1]] for n in nodes]
    keys: set[str] = set()
    for target in targets:
        out = subprocess.run(["redis-cli", *target, "--scan", "--pattern", f"{prefix}:*"],
                             check=True, capture_output=True, text=True).stdout
        keys.update(line for line in out.splitlines() if line)
    return keys


def namespace_base(prefix: str, workspace: str, namespace: str) -> str:
    """P:W for the index namespaces, P for the shared llm_response_cache."""
    return prefix if namespace == "llm_response_cache" else f"{prefix}:{workspace}"


def layout_keys(prefix: str, workspace: str, ids: dict[str, set[str]]) -> set[str]:
    """Key layout v1: P[:W]:{ns:b}:v:<id> per value and P[:W]:{ns:b}:i per non-empty bucket."""
    keys = set()
    for namespace, members in ids.items():
        base = namespace_base(prefix, workspace, namespace)
        for member in members:
            bucket = zlib.crc32(member.encode()) % BUCKETS
            keys.add(f"{base}:{{{namespace}:{bucket}}}:v:{member}")
            keys.add(f"{base}:{{{namespace}:{bucket}}}:i")
    return keys


def expected_doc_and_chunk_ids() -> tuple[set[str], set[str]]:
    """What nano-graphrag's own code computes for the sample text with the offline settings."""
    from nano_graphrag._op import chunking_by_token_size, get_chunks
    from nano_graphrag._utils import compute_mdhash_id

    sys.path.insert(0, str(REPO / "examples"))
    import offline

    text = offline.SAMPLE_TEXT.read_text().strip()
    docs = {compute_mdhash_id(text, prefix="doc-"): {"content": text}}
    kwargs = offline.offline_graphrag_kwargs()
    chunks = get_chunks(new_docs=docs, chunk_func=chunking_by_token_size,
                        overlap_token_size=kwargs["chunk_overlap_token_size"],
                        max_token_size=kwargs["chunk_token_size"])
    return set(docs), set(chunks)


class Worker(NamedTuple):
    prefix: str
    working_dir: str
    result: dict


@pytest.fixture(scope="module")
def indexer(redis_url, tmp_path_factory):
    """The worker that indexes; it asks nothing, so the query workers below pay for their own queries."""
    prefix, working_dir = unique_prefix(), str(tmp_path_factory.mktemp("indexer"))
    result = run_worker_process(redis_url=redis_url, key_prefix=prefix, working_dir=working_dir, query=False)
    yield Worker(prefix, working_dir, result)
    drop_all(redis_url, prefix, working_dir, working_dir + "-b")


def test_indexer_calls_the_llm_and_builds_a_graph(indexer):
    result = indexer.result
    kinds = result["calls_by_kind"]
    assert kinds["extract"] >= 2 and kinds["community-report"] == result["communities"] > 0
    assert result["graph_nodes"] > 0 and result["query_calls"] == 0
    assert result["insert_cache"] == {"hits": 0, "misses": result["insert_calls"]}
    assert result["workspace"].startswith(Path(indexer.working_dir).name + "-")


def test_namespaces_hold_the_expected_keys_in_the_workspace(indexer, redis_url, cluster_addrs):
    prefix, working_dir, result = indexer
    doc_ids, chunk_ids = expected_doc_and_chunk_ids()
    ids = stored_ids(redis_url, prefix, working_dir)
    assert ids["full_docs"] == doc_ids
    assert ids["text_chunks"] == chunk_ids and len(chunk_ids) >= 2
    assert ids["community_reports"] == {str(i) for i in range(result["communities"])}
    # One cache entry per LLM call: every prompt of the run was distinct.
    assert len(ids["llm_response_cache"]) == result["insert_calls"]
    # The same, read directly from Redis: nothing else under the prefix.
    assert scan_keys(redis_url, cluster_addrs, prefix) == layout_keys(prefix, result["workspace"], ids)


def test_llm_cache_and_reports_expire_documents_do_not(indexer, redis_url):
    prefix, working_dir, result = indexer
    ids = stored_ids(redis_url, prefix, working_dir)

    def ttl(namespace: str) -> int:
        member = min(ids[namespace])
        base = namespace_base(prefix, result["workspace"], namespace)
        key = f"{base}:{{{namespace}:{zlib.crc32(member.encode()) % BUCKETS}}}:v:{member}"
        out = subprocess.run(["redis-cli", "-c", "-u", redis_url, "TTL", key], check=True,
                             capture_output=True, text=True).stdout
        return int(out.strip())

    assert 0 < ttl("llm_response_cache") <= 12 * 3600
    assert 12 * 3600 < ttl("community_reports") <= 24 * 3600
    assert ttl("full_docs") == -1 and ttl("text_chunks") == -1


def assert_real_answers(answers: dict) -> None:
    assert set(answers) == {"local", "global", "naive"}
    for mode, answer in answers.items():
        assert answer.startswith(f"[{mode} answer to"), answer  # not nano-graphrag's fail_response


@pytest.fixture(scope="module")
def query_worker(indexer, redis_url):
    """Topology A: another process on the indexer's working_dir (a shared volume), queries only."""
    return run_worker_process(redis_url=redis_url, key_prefix=indexer.prefix,
                              working_dir=indexer.working_dir, insert=False)


def test_topology_a_query_worker_answers_from_the_index_another_built(indexer, query_worker):
    assert_real_answers(query_worker["answers"])
    assert query_worker["workspace"] == indexer.result["workspace"]
    assert query_worker["graph_nodes"] == indexer.result["graph_nodes"]
    # It paid for its questions only: nothing was extracted or summarised again.
    assert query_worker["insert_calls"] == 0 and query_worker["query_calls"] > 0
    assert not {"extract", "community-report"} & set(query_worker["calls_by_kind"]), query_worker["calls_by_kind"]


def test_topology_a_a_worker_that_inserts_too_finds_the_document_stored(indexer, query_worker, redis_url):
    before = stored_ids(redis_url, indexer.prefix, indexer.working_dir)
    again = run_worker_process(redis_url=redis_url, key_prefix=indexer.prefix, working_dir=indexer.working_dir)
    assert again["insert_calls"] == 0 and again["query_calls"] == 0  # its questions were cached by the first
    assert again["answers"] == query_worker["answers"]
    assert again["graph_nodes"] == indexer.result["graph_nodes"]
    assert stored_ids(redis_url, indexer.prefix, indexer.working_dir) == before


def test_topology_b_own_working_dir_builds_its_own_graph_from_the_shared_cache(indexer, query_worker, redis_url):
    own_dir = indexer.working_dir + "-b"
    cache_before = stored_ids(redis_url, indexer.prefix, indexer.working_dir)["llm_response_cache"]
    second = run_worker_process(redis_url=redis_url, key_prefix=indexer.prefix, working_dir=own_dir)
    assert second["workspace"] != indexer.result["workspace"]
    # Never an empty graph: the document was not in ITS workspace, so it indexed it.
    assert (second["communities"], second["graph_nodes"]) == \
        (indexer.result["communities"], indexer.result["graph_nodes"])
    # Every index-time LLM call was a cache hit.
    assert second["insert_calls"] == 0
    assert second["insert_cache"] == {"hits": indexer.result["insert_calls"], "misses": 0}
    assert_real_answers(second["answers"])
    assert second["answers"] == query_worker["answers"] and second["query_calls"] == 0
    own, first = stored_ids(redis_url, indexer.prefix, own_dir), stored_ids(redis_url, indexer.prefix, indexer.working_dir)
    assert own["full_docs"] == first["full_docs"] and own["text_chunks"] == first["text_chunks"]
    assert own["llm_response_cache"] == first["llm_response_cache"]  # one shared cache
    assert cache_before <= first["llm_response_cache"]
