"""Figures that need no Python client: the server's own limit, the Go core alone, Redis memory.

- redis_limit: `redis-benchmark -P 64` SET/GET at the chunks' value size, rounds
  interleaved with the Go core's `BenchmarkBatch10k` (storage/bench_test.go)
  on the same single node, so "Go core / server limit" is a ratio within one run;
- memory: Redis used_memory for 10k text_chunks, ours (default and zstd) against
  the JSON layout;
- populate_unrelated: the keys all_keys/count must not pay for; cleanup removes
  them and every bench namespace afterwards.
"""

from __future__ import annotations

import csv
import io
import re
import statistics
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis

from . import data, peers
from .peers import Server

ROOT = Path(__file__).resolve().parent.parent
UNRELATED = "bench_unrelated"
GO_TEST_BINARY = ROOT / ".cache" / "bench" / "storage.test"
VALUE_SIZE = 4500  # bytes, as storage/bench_test.go's values and the text_chunks json (4.1-5.2 KB)
GO_BENCH = "^BenchmarkBatch10k$/^single$/^(Upsert|GetMany)$"
GO_LINE = re.compile(r"^BenchmarkBatch10k/single/(\w+)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op", re.MULTILINE)


def _primaries(server: Server) -> list[redis.Redis]:
    if not server.cluster:
        return [redis.Redis.from_url(server.url)]
    cluster = redis.RedisCluster.from_url(server.url)
    nodes = [redis.Redis(n.host, n.port) for n in cluster.get_primaries()]
    cluster.close()
    return nodes


def populate_unrelated(server: Server, n: int) -> None:
    """n small keys outside every namespace (`bench_unrelated:N`)."""
    if not server.cluster:
        node = redis.Redis.from_url(server.url)
        node.execute_command("DEBUG", "POPULATE", n, UNRELATED)  # fast, and correct on a single node
        node.close()
        return
    cluster = redis.RedisCluster.from_url(server.url)  # each key on the master that owns its slot
    for start in range(0, n, 10_000):
        cluster.mset_nonatomic({f"{UNRELATED}:{i}": "x" for i in range(start, min(n, start + 10_000))})
    cluster.close()


def cleanup(server: Server) -> None:
    """Unlinks every key the bench wrote (its namespaces, the unrelated keys), and nothing else:
    the servers may be shared with tests (tests/test_bench_harness.py)."""
    for pattern in (f"{UNRELATED}:*", "nano_graphrag:*bench_*"):
        _unlink_matching(server, pattern)


def _unlink_matching(server: Server, pattern: str) -> None:
    cls = redis.RedisCluster if server.cluster else redis.Redis
    client = cls.from_url(server.url)
    keys = list(client.scan_iter(match=pattern, count=10_000))
    for i in range(0, len(keys), 10_000):
        client.unlink(*keys[i : i + 10_000])
    client.close()


def build_go_bench() -> None:
    GO_TEST_BINARY.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["go", "test", "-c", "-o", str(GO_TEST_BINARY), "./storage"], cwd=ROOT, check=True)


def _go_core_once() -> dict[str, float]:
    """Seconds per 10k batch for Upsert and GetMany (the binary reads NGR_TEST_* from the environment)."""
    out = subprocess.run([str(GO_TEST_BINARY), "-test.run", "^$", "-test.bench", GO_BENCH,
                          "-test.benchtime", "3x"], cwd=ROOT / "storage", check=True,
                         capture_output=True, text=True).stdout
    found = {name: float(ns) / 1e9 for name, ns in GO_LINE.findall(out)}
    if set(found) != {"Upsert", "GetMany"}:
        raise RuntimeError(f"go benchmark output not understood:\n{out}")
    return found


def _redis_benchmark_once(server: Server, requests: int) -> dict[str, float]:
    """Requests per second of SET and GET, 64 pipelined, VALUE_SIZE-byte values."""
    out = subprocess.run(["redis-benchmark", "-h", server.host, "-p", str(server.port), "-P", "64",
                          "-d", str(VALUE_SIZE), "-t", "set,get", "-n", str(requests), "--csv"],
                         check=True, capture_output=True, text=True).stdout
    return {row["test"]: float(row["rps"]) for row in csv.DictReader(io.StringIO(out))}


def redis_limit(server: Server, rounds: int, items: int, requests: int,
                tick: Callable[[], None] = lambda: None) -> dict[str, Any]:
    """Server limit and Go core, interleaved: both as seconds per `items` items, medians of rounds."""
    build_go_bench()
    go: dict[str, list[float]] = {"Upsert": [], "GetMany": []}
    rb: dict[str, list[float]] = {"SET": [], "GET": []}
    for _ in range(rounds):
        for name, s in _go_core_once().items():
            go[name].append(s * items / 10_000)
        tick()
        for name, rps in _redis_benchmark_once(server, requests).items():
            rb[name].append(items / rps)
        tick()
    med = {f"go_{k.lower()}_s": statistics.median(v) for k, v in go.items()}
    med.update({f"redis_benchmark_{k.lower()}_s": statistics.median(v) for k, v in rb.items()})
    return {"items": items, "value_size": VALUE_SIZE, "pipeline": 64, "requests": requests, "rounds": rounds,
            **med, "samples": {"go": go, "redis_benchmark": rb},
            "go_upsert_vs_limit": med["redis_benchmark_set_s"] / med["go_upsert_s"],
            "go_get_vs_limit": med["redis_benchmark_get_s"] / med["go_getmany_s"]}


def _used_memory(server: Server) -> int:
    total = 0
    for node in _primaries(server):
        total += int(node.info("memory")["used_memory"])
        node.close()
    return total


MEMORY_LAYOUTS: dict[str, tuple[str, dict[str, Any]]] = {
    "json": ("redispy_lightrag", {}),
    "ours": ("ours", {}),
    "ours_zstd_1k": ("ours", {"redis_compress_threshold": 1024}),
}


def memory(server: Server, items: int) -> dict[str, Any]:
    """Redis used_memory added by `items` text_chunks in each layout (written, measured, dropped)."""
    values = data.text_chunks(items)
    out: dict[str, Any] = {"items": items}
    for layout, (client, settings) in MEMORY_LAYOUTS.items():
        kv = peers.open_sync(client, server, f"bench_memory_{layout}", **settings)
        before = _used_memory(server)
        kv.upsert(values)
        out[f"{layout}_bytes"] = _used_memory(server) - before
        kv.close()
        _unlink_matching(server, f"nano_graphrag:*bench_memory_{layout}*")
    out["ours_vs_json"] = out["ours_bytes"] / out["json_bytes"]
    out["ours_zstd_1k_vs_json"] = out["ours_zstd_1k_bytes"] / out["json_bytes"]
    return out

