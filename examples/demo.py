"""nano-graphrag on Redis, end to end: what `make demo` runs (through scripts/demo.sh).

1. Indexes examples/sample.txt with GraphRAG, every KV namespace in Redis
   through RedisKVStorage, then asks a local, a global and a naive question.
2. Shows what landed in Redis: keys per namespace, TTLs, memory.
3. Starts a second worker (another process, its own working_dir, same Redis):
   its own workspace, so it builds its own graph, and every LLM call is a hit
   in the LLM cache that all workspaces share; it gives the same answers.
4. Starts a query worker on the first worker's working_dir (as on a shared
   volume): same workspace, so it answers from the first worker's index.

Every worker is configured as an application would be: RedisKVStorage as the
KV class, the URL and a key prefix in addon_params, no custom code.

Without OPENAI_API_KEY the LLM is examples/offline.py's fake OpenAI client
behind nano-graphrag's real gpt_4o_complete (so its caching code runs), with a
hashed embedding. Needs REDIS_URL (scripts/demo.sh starts a throwaway server).
Run it as `REDIS_URL=redis://127.0.0.1:6379 python examples/demo.py`; it
re-runs itself with PYTHONHASHSEED=0 when that is not set (see
docs/deployment.md: every worker needs the same seed to share query caching).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import time
import urllib.parse
import zlib
from pathlib import Path

import offline

NAMESPACES = ("full_docs", "text_chunks", "llm_response_cache", "community_reports")
QUESTION = "Who keeps the lighthouse on Greyholm, and who relies on it?"
MODES = ("local", "global", "naive")
PREFIX = "ngr_demo"
WORKDIRS = Path(__file__).resolve().parent.parent / ".cache" / "demo"  # worker-1/, worker-2/


def step(text: str) -> None:
    print(f"\n==> {text}", flush=True)


def online() -> bool:
    return bool(os.environ.get("OPENAI_API_KEY"))


def build_graphrag(redis_url: str, working_dir: Path):
    from nano_graphrag import GraphRAG

    from nano_graphrag_redis import RedisKVStorage

    kwargs = offline.offline_graphrag_kwargs()
    if online():
        del kwargs["embedding_func"]  # nano-graphrag's default: OpenAI embeddings
    return GraphRAG(
        working_dir=str(working_dir),
        key_string_value_json_storage_cls=RedisKVStorage,
        addon_params={"redis_url": redis_url, "redis_key_prefix": PREFIX},
        **kwargs,
    )


def run_worker(redis_url: str, working_dir: Path, insert: bool = True) -> dict:
    """Insert the sample text (unless told not to) and ask the three questions; returns calls, hits and answers."""
    from nano_graphrag import QueryParam
    from nano_graphrag._utils import always_get_an_event_loop

    fake = None if online() else offline.install_fake_openai()
    rag = build_graphrag(redis_url, working_dir)
    loop = always_get_an_event_loop()
    text = offline.SAMPLE_TEXT.read_text()
    print(f"    working_dir {working_dir}: workspace {rag.full_docs.settings.workspace!r}", flush=True)

    if insert:
        step(f"insert {offline.SAMPLE_TEXT.name} ({len(text)} characters)")
        started = time.perf_counter()
        rag.insert(text)
        print(f"\n    indexed in {time.perf_counter() - started:.1f}s", flush=True)

    answers = {}
    for mode in MODES:
        step(f"query, mode={mode}: {QUESTION}")
        answers[mode] = rag.query(QUESTION, QueryParam(mode=mode))
        print("    " + answers[mode].strip().replace("\n", "\n    ")[:600], flush=True)

    stats = loop.run_until_complete(rag.llm_response_cache.get_stats())
    for store in (rag.full_docs, rag.text_chunks, rag.llm_response_cache, rag.community_reports):
        loop.run_until_complete(store.aclose())
    return {
        "workspace": rag.full_docs.settings.workspace,
        "graph_nodes": rag.chunk_entity_relation_graph._graph.number_of_nodes(),
        "llm_calls": fake.total_calls if fake else None,
        "llm_calls_by_kind": dict(fake.calls) if fake else None,
        "cache_hits": stats["ops"]["hits"],
        "cache_misses": stats["ops"]["misses"],
        "answers": answers,
    }


def redis_cli(redis_url: str, *args: str) -> str | None:
    """One redis-cli command (-c follows cluster redirects), or None without redis-cli."""
    if not shutil.which("redis-cli"):
        return None
    # The password goes through REDISCLI_AUTH, not argv, where `ps` would show it.
    parts = urllib.parse.urlsplit(redis_url)
    url = urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    user = ["--user", urllib.parse.unquote(parts.username)] if parts.username else []
    env = dict(os.environ)
    if parts.password:
        env["REDISCLI_AUTH"] = urllib.parse.unquote(parts.password)
    done = subprocess.run(["redis-cli", "-c", "-u", url, *user, *args], check=False, capture_output=True, text=True, env=env)
    return done.stdout.strip() if done.returncode == 0 else None


def storage_config(redis_url: str, working_dir: Path) -> dict:
    """What GraphRAG passes a storage, as far as the settings go: the same workspace."""
    return {"working_dir": str(working_dir), "addon_params": {"redis_url": redis_url, "redis_key_prefix": PREFIX}}


def show_redis_contents(redis_url: str, working_dir: Path) -> None:
    from nano_graphrag_redis import SyncRedisKVStorage

    step("what landed in Redis")
    print(f"    {'namespace':<20} {'workspace':<20} {'keys':>5} {'ttl':>6} {'MEMORY USAGE (sampled)':>23}")
    for namespace in NAMESPACES:
        with SyncRedisKVStorage(namespace=namespace, global_config=storage_config(redis_url, working_dir)) as store:
            stats = store.get_stats()
            ids = sorted(store.all_keys())
        base = ":".join(filter(None, (PREFIX, stats["workspace"])))
        sample = ids[:20]
        sizes = [redis_cli(redis_url, "MEMORY", "USAGE", value_key(base, namespace, i)) for i in sample]
        sizes = [int(s) for s in sizes if s and s.isdigit()]
        memory = f"~{sum(sizes) // len(sizes)} B/key" if sizes else "n/a"
        ttl = f"{stats['ttl_seconds'] / 3600:g}h" if stats["ttl_seconds"] else "none"
        print(f"    {namespace:<20} {stats['workspace'] or '(shared)':<20} {stats['keys']:>5} {ttl:>6} {memory:>23}")
        if ids:
            print(f"      e.g. {value_key(base, namespace, ids[0])}")
    info = redis_cli(redis_url, "INFO", "memory") or ""
    used = dict(line.split(":", 1) for line in info.splitlines() if ":" in line).get("used_memory_human")
    if used:
        print(f"    server used_memory: {used.strip()} (whole server, INFO memory)")


def value_key(base: str, namespace: str, member: str) -> str:
    """Key layout v1 (docs/monitoring.md): P[:W]:{ns:bucket}:v:<id>, bucket = crc32(id) % 64."""
    return f"{base}:{{{namespace}:{zlib.crc32(member.encode()) % 64}}}:v:{member}"


def drop_demo_data(redis_url: str) -> None:
    """Start from empty (both workspaces, the shared cache, the working_dirs), so a rerun indexes again."""
    from nano_graphrag_redis import SyncRedisKVStorage

    for worker in ("worker-1", "worker-2"):
        for namespace in NAMESPACES:
            config = storage_config(redis_url, WORKDIRS / worker)
            with SyncRedisKVStorage(namespace=namespace, global_config=config) as store:
                store.drop()
        shutil.rmtree(WORKDIRS / worker, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)  # worker-2 or query (a child process)
    args = parser.parse_args()
    logging.getLogger("nano-graphrag").setLevel(logging.WARNING)
    logging.getLogger("nano-vectordb").setLevel(logging.WARNING)
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        print("REDIS_URL is not set: run `make demo` (it starts a throwaway server), or\n"
              "REDIS_URL=redis://127.0.0.1:6379 python examples/demo.py (it writes under the prefix "
              f"{PREFIX!r} only)", file=sys.stderr)
        return 2
    if args.worker:
        if args.worker == "query":  # topology A: the first worker's working_dir, no insert
            result = run_worker(redis_url, WORKDIRS / "worker-1", insert=False)
        else:  # topology B: a working_dir of its own
            result = run_worker(redis_url, WORKDIRS / "worker-2")
        print(json.dumps(result), flush=True)
        return 0
    from nano_graphrag_redis._config import redact_url

    print(f"Redis: {redact_url(redis_url)}   LLM: {'OpenAI (OPENAI_API_KEY is set)' if online() else 'offline fake'}")
    drop_demo_data(redis_url)
    step("worker 1: GraphRAG with RedisKVStorage for all four KV namespaces")
    first = run_worker(redis_url, WORKDIRS / "worker-1")
    show_redis_contents(redis_url, WORKDIRS / "worker-1")
    step("worker 2: another process, its own working_dir (so its own workspace), same Redis, same text")
    second = child_worker("worker-2")
    step("worker 3: another process on worker 1's working_dir (a shared volume), queries only")
    third = child_worker("query")
    if None in (second, third):
        return 1
    return summary(first, second, third)


def child_worker(name: str) -> dict | None:
    """Run `demo.py --worker NAME` in a new process; echo its steps, return its result."""
    done = subprocess.run([sys.executable, __file__, "--worker", name], check=False, capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stdout[-2000:], done.stderr[-4000:], sep="\n", file=sys.stderr)
        return None
    lines = done.stdout.rstrip().splitlines()
    print("    " + "\n    ".join(line.strip() for line in lines[:-1] if line.startswith(("==>", "    working_dir"))))
    return json.loads(lines[-1])


def summary(first: dict, second: dict, third: dict) -> int:
    step("LLM cache and index across workers")
    workers = (("worker 1 (indexes)", first), ("worker 2 (own working_dir)", second),
               ("worker 3 (worker 1's working_dir)", third))
    for name, result in workers:
        calls = "" if result["llm_calls"] is None else f"{result['llm_calls']:>3} LLM calls, "
        print(f"    {name:<34} {calls}cache hits/misses {result['cache_hits']}/{result['cache_misses']}, "
              f"graph of {result['graph_nodes']} nodes")
    same = first["answers"] == second["answers"] == third["answers"]
    print(f"    same answers in all three workers: {'yes' if same else 'NO'}")
    print("\nDone. Guides: docs/configuration.md, docs/deployment.md, docs/durability.md, docs/monitoring.md")
    # With a real LLM and embeddings, answers need not repeat exactly; offline they must.
    cached = second["cache_misses"] == 0 and third["cache_misses"] == 0
    graphs = second["graph_nodes"] == third["graph_nodes"] == first["graph_nodes"] > 0
    return 0 if graphs and (online() or (same and cached)) else 1


def same_hash_seed() -> None:
    """Re-run this script with PYTHONHASHSEED=0 unless a seed is set (docs/deployment.md says why)."""
    if os.environ.get("PYTHONHASHSEED") is None:
        print("(PYTHONHASHSEED is not set: running again with PYTHONHASHSEED=0, as every worker needs one seed)",
              file=sys.stderr, flush=True)
        os.execve(sys.executable, [sys.executable, __file__, *sys.argv[1:]], {**os.environ, "PYTHONHASHSEED": "0"})


if __name__ == "__main__":
    same_hash_seed()
    sys.exit(main())
