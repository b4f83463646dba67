"""Two nano-graphrag workers (separate processes) on one Redis, single node and cluster.

Worker 1 indexes the sample text through RedisKVStorage with nano-graphrag's
real gpt_4o_complete (OpenAI client faked, see examples/offline.py) and runs
local, global and naive queries. Then:

- the four namespaces must hold exactly the expected keys, seen through the
  storage (all_keys) and directly in Redis (SCAN of every node, key layout v1);
- worker 2, a second process with its own working_dir and its own documents
  prefix but the same llm_response_cache, re-indexes the same text with zero
  LLM calls and answers every query identically;
- worker 3, sharing all four namespaces, finds the document already stored and
  skips the insert (nano-graphrag's graph and vector stores stay per
  working_dir: sharing the KV store does not share them).

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
        [sys.executable, str(WORKER), json.dumps(spec)], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"worker failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    line = [ln for ln in done.stdout.splitlines() if ln.startswith("WORKER-RESULT ")][-1]
    return json.loads(line.removeprefix("WORKER-RESULT "))


def stored_ids(redis_url: str, prefix: str) -> dict[str, set[str]]:
    """all_keys() of each namespace, through the sync face of the package."""
    from nano_graphrag_redis import SyncRedisKVStorage

    ids = {}
    for namespace in NAMESPACES:
        config = {"addon_params": {"redis_url": redis_url, "redis_key_prefix": prefix}}
        with SyncRedisKVStorage(namespace=namespace, global_config=config) as store:
            ids[namespace] = set(store.all_keys())
    return ids


def drop_all(redis_url: str, *prefixes: str) -> None:
    from nano_graphrag_redis import SyncRedisKVStorage

    for prefix in prefixes:
        for namespace in NAMESPACES:
            config = {"addon_params": {"redis_url": redis_url, "redis_key_prefix": prefix}}
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


def layout_keys(prefix: str, ids: dict[str, set[str]]) -> set[str]:
    """Key layout v1: P:{ns:b}:v:<id> per value and P:{ns:b}:i per non-empty bucket."""
    keys = set()
    for namespace, members in ids.items():
        for member in members:
            bucket = zlib.crc32(member.encode()) % BUCKETS
            keys.add(f"{prefix}:{{{namespace}:{bucket}}}:v:{member}")
            keys.add(f"{prefix}:{{{namespace}:{bucket}}}:i")
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


@pytest.fixture(scope="module")
def first_worker(redis_url, tmp_path_factory):
    prefix = unique_prefix()
    result = run_worker_process(redis_url=redis_url, key_prefix=prefix,
                                working_dir=str(tmp_path_factory.mktemp("worker1")))
    yield prefix, result
    drop_all(redis_url, prefix, prefix + "-w2")


def test_first_worker_calls_the_llm_and_answers(first_worker):
    _, result = first_worker
    kinds = result["calls_by_kind"]
    assert kinds["extract"] >= 2 and kinds["community-report"] == result["communities"] > 0
    assert {"local", "global-map", "global-reduce", "naive"} <= set(kinds)
    for mode, answer in result["answers"].items():
        assert answer.startswith(f"[{mode} answer to"), answer  # not nano-graphrag's fail_response


def test_four_namespaces_hold_the_expected_keys(first_worker, redis_url, cluster_addrs):
    prefix, result = first_worker
    doc_ids, chunk_ids = expected_doc_and_chunk_ids()
    ids = stored_ids(redis_url, prefix)
    assert ids["full_docs"] == doc_ids
    assert ids["text_chunks"] == chunk_ids and len(chunk_ids) >= 2
    assert ids["community_reports"] == {str(i) for i in range(result["communities"])}
    # One cache entry per LLM call: every prompt of the run was distinct.
    assert len(ids["llm_response_cache"]) == result["insert_calls"] + result["query_calls"]
    # The same, read directly from Redis: nothing else under the prefix.
    assert scan_keys(redis_url, cluster_addrs, prefix) == layout_keys(prefix, ids)


def test_llm_cache_and_reports_expire_documents_do_not(first_worker, redis_url):
    prefix, _ = first_worker
    ids = stored_ids(redis_url, prefix)

    def ttl(namespace: str) -> int:
        member = sorted(ids[namespace])[0]
        key = f"{prefix}:{{{namespace}:{zlib.crc32(member.encode()) % BUCKETS}}}:v:{member}"
        out = subprocess.run(["redis-cli", "-c", "-u", redis_url, "TTL", key], check=True,
                             capture_output=True, text=True).stdout
        return int(out.strip())

    assert 0 < ttl("llm_response_cache") <= 12 * 3600
    assert 12 * 3600 < ttl("community_reports") <= 24 * 3600
    assert ttl("full_docs") == -1 and ttl("text_chunks") == -1


def test_second_worker_reindexes_from_the_shared_llm_cache(first_worker, redis_url, tmp_path):
    prefix, first = first_worker
    cache_before = stored_ids(redis_url, prefix)["llm_response_cache"]
    second = run_worker_process(redis_url=redis_url, key_prefix=prefix, docs_key_prefix=prefix + "-w2",
                                working_dir=str(tmp_path / "worker2"))
    assert second["insert_calls"] == 0 and second["query_calls"] == 0, second["calls_by_kind"]
    assert second["answers"] == first["answers"]
    assert (second["communities"], second["graph_nodes"]) == (first["communities"], first["graph_nodes"])
    assert stored_ids(redis_url, prefix)["llm_response_cache"] == cache_before
    own = stored_ids(redis_url, prefix + "-w2")
    assert own["llm_response_cache"] == set()
    assert own["full_docs"] == stored_ids(redis_url, prefix)["full_docs"]


def test_worker_sharing_every_namespace_skips_the_stored_document(first_worker, redis_url, tmp_path):
    prefix, _ = first_worker
    before = stored_ids(redis_url, prefix)
    third = run_worker_process(redis_url=redis_url, key_prefix=prefix, working_dir=str(tmp_path / "worker3"))
    assert third["insert_calls"] == 0
    assert third["graph_nodes"] == 0  # the graph lives in the working_dir, not in Redis
    after = stored_ids(redis_url, prefix)
    assert {ns: after[ns] for ns in NAMESPACES if ns != "llm_response_cache"} == \
        {ns: before[ns] for ns in NAMESPACES if ns != "llm_response_cache"}
