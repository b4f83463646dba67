"""nano-graphrag on Redis, end to end: what `make demo` runs (through scripts/demo.sh).

1. Indexes examples/sample.txt with GraphRAG, every KV namespace in Redis
   through RedisKVStorage, then asks a local, a global and a naive question.
2. Shows what landed in Redis: keys per namespace, TTLs, memory.
3. Starts a second worker (another process, its own working_dir, same Redis,
   same LLM cache) that indexes the same text again: every LLM call is a
   cache hit, and it gives the same answers.

Without OPENAI_API_KEY the LLM is examples/offline.py's fake OpenAI client
behind nano-graphrag's real gpt_4o_complete (so its caching code runs), with a
hashed embedding. Needs REDIS_URL (scripts/demo.sh starts a throwaway server).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import zlib
from pathlib import Path

import offline

NAMESPACES = ("full_docs", "text_chunks", "llm_response_cache", "community_reports")
QUESTION = "Who keeps the lighthouse on Greyholm, and who relies on it?"
MODES = ("local", "global", "naive")
PREFIX = "ngr_demo"


def step(text: str) -> None:
    print(f"\n==> {text}", flush=True)


def online() -> bool:
    return bool(os.environ.get("OPENAI_API_KEY"))


def storage_factory(redis_url: str, docs_prefix: str):
    """The LLM cache under PREFIX (shared by every worker), the index under docs_prefix."""
    from nano_graphrag_redis import RedisKVStorage

    def make(namespace: str, global_config: dict):
        prefix = PREFIX if namespace == "llm_response_cache" else docs_prefix
        addon = {**global_config["addon_params"], "redis_url": redis_url, "redis_key_prefix": prefix}
        return RedisKVStorage(namespace=namespace, global_config={**global_config, "addon_params": addon})

    return make


def build_graphrag(redis_url: str, docs_prefix: str, working_dir: str):
    from nano_graphrag import GraphRAG

    kwargs = offline.offline_graphrag_kwargs()
    if online():
        del kwargs["embedding_func"]  # nano-graphrag's default: OpenAI embeddings
    return GraphRAG(
        working_dir=working_dir,
        key_string_value_json_storage_cls=storage_factory(redis_url, docs_prefix),
        **kwargs,
    )


def run_worker(redis_url: str, docs_prefix: str, working_dir: str) -> dict:
    """Insert the sample text and ask the three questions; returns calls, hits and answers."""
    from nano_graphrag import QueryParam
    from nano_graphrag._utils import always_get_an_event_loop

    fake = None if online() else offline.install_fake_openai()
    rag = build_graphrag(redis_url, docs_prefix, working_dir)
    loop = always_get_an_event_loop()
    text = offline.SAMPLE_TEXT.read_text()

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
    done = subprocess.run(["redis-cli", "-c", "-u", url, *user, *args], capture_output=True, text=True, env=env)
    return done.stdout.strip() if done.returncode == 0 else None


def show_redis_contents(redis_url: str, docs_prefix: str) -> None:
    from nano_graphrag_redis import SyncRedisKVStorage

    step("what landed in Redis")
    print(f"    {'namespace':<20} {'prefix':<10} {'keys':>5} {'ttl':>8} {'MEMORY USAGE (sampled)':>24}")
    for namespace in NAMESPACES:
        prefix = PREFIX if namespace == "llm_response_cache" else docs_prefix
        config = {"addon_params": {"redis_url": redis_url, "redis_key_prefix": prefix}}
        with SyncRedisKVStorage(namespace=namespace, global_config=config) as store:
            stats = store.get_stats()
            ids = sorted(store.all_keys())
        sample = ids[:20]
        sizes = [redis_cli(redis_url, "MEMORY", "USAGE", value_key(prefix, namespace, i)) for i in sample]
        sizes = [int(s) for s in sizes if s and s.isdigit()]
        memory = f"~{sum(sizes) // len(sizes)} B/key" if sizes else "n/a"
        ttl = f"{stats['ttl_seconds'] / 3600:g}h" if stats["ttl_seconds"] else "none"
        print(f"    {namespace:<20} {prefix:<10} {stats['keys']:>5} {ttl:>8} {memory:>24}")
        if ids:
            print(f"      e.g. {value_key(prefix, namespace, ids[0])}")
    info = redis_cli(redis_url, "INFO", "memory") or ""
    used = dict(line.split(":", 1) for line in info.splitlines() if ":" in line).get("used_memory_human")
    if used:
        print(f"    server used_memory: {used.strip()} (whole server, INFO memory)")


def value_key(prefix: str, namespace: str, member: str) -> str:
    """Key layout v1 (docs/monitoring.md): P:{ns:bucket}:v:<id>, bucket = crc32(id) % 64."""
    return f"{prefix}:{{{namespace}:{zlib.crc32(member.encode()) % 64}}}:v:{member}"


def drop_demo_data(redis_url: str) -> None:
    """Start from empty, so a rerun against the same server indexes again."""
    from nano_graphrag_redis import SyncRedisKVStorage

    for prefix in (PREFIX, PREFIX + "_w2"):
        for namespace in NAMESPACES:
            config = {"addon_params": {"redis_url": redis_url, "redis_key_prefix": prefix}}
            with SyncRedisKVStorage(namespace=namespace, global_config=config) as store:
                store.drop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--second-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.getLogger("nano-graphrag").setLevel(logging.WARNING)
    logging.getLogger("nano-vectordb").setLevel(logging.WARNING)
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        print("REDIS_URL is not set (scripts/demo.sh starts a throwaway server and sets it)", file=sys.stderr)
        return 2

    working_dir = tempfile.mkdtemp(prefix="ngr-demo-")
    try:
        if args.second_worker:
            print(json.dumps(run_worker(redis_url, PREFIX + "_w2", working_dir)), flush=True)
            return 0
        from nano_graphrag_redis._config import redact_url

        print(f"Redis: {redact_url(redis_url)}   LLM: {'OpenAI (OPENAI_API_KEY is set)' if online() else 'offline fake'}")
        drop_demo_data(redis_url)
        step("worker 1: GraphRAG with RedisKVStorage for all four KV namespaces")
        first = run_worker(redis_url, PREFIX, working_dir)
        show_redis_contents(redis_url, PREFIX)
        return second_run(redis_url, first)
    finally:
        shutil.rmtree(working_dir, ignore_errors=True)


def second_run(redis_url: str, first: dict) -> int:
    step("worker 2: another process, own working_dir, same Redis and LLM cache, same text")
    done = subprocess.run([sys.executable, __file__, "--second-worker"], capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stdout[-2000:], done.stderr[-4000:], sep="\n", file=sys.stderr)
        return 1
    lines = done.stdout.strip().splitlines()
    second = json.loads(lines[-1])
    print("    " + "\n    ".join(line for line in lines[:-1] if line.startswith("==>")))
    step("LLM cache across workers")
    if first["llm_calls"] is not None:
        print(f"    worker 1: {first['llm_calls']} LLM calls {first['llm_calls_by_kind']}")
        print(f"    worker 2: {second['llm_calls']} LLM calls")
    print(f"    llm_response_cache hits/misses: worker 1 {first['cache_hits']}/{first['cache_misses']}, "
          f"worker 2 {second['cache_hits']}/{second['cache_misses']}")
    same = second["answers"] == first["answers"]
    print(f"    same answers in both workers: {'yes' if same else 'NO'}")
    print("\nDone. Guides: docs/configuration.md, docs/deployment.md, docs/durability.md, docs/monitoring.md")
    # With a real LLM and embeddings, answers need not repeat exactly; offline they must.
    return 0 if online() or (same and second["cache_misses"] == 0) else 1


if __name__ == "__main__":
    sys.exit(main())
