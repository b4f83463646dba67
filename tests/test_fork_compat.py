"""The fork's backup and health check on our storage, always run (python/nano_graphrag_redis/_fork_compat.py).

CI cannot fetch the fork, so the calls below are made the way the fork's code makes them,
written from a reading of remcohendriks/nano-graphrag at 670ae32 (not copied):
- `fork_export`: backup/exporters/kv_exporter.py, KVExporter._export_redis_storage;
- `fork_count`: KVExporter.get_statistics, the same scan, counted;
- `fork_restore`: KVExporter._restore_redis_storage, one upsert of the whole file;
- `fork_check_redis`: api/routers/health.py, check_redis.
tests/test_fork.py runs the fork's own code when NGR_FORK_SRC is set.
"""

from __future__ import annotations

import json
import math
import uuid
from pathlib import Path
from typing import Any

import pytest
from test_lazy_connect import start_redis

from nano_graphrag_redis import RedisKVConnectionError, RedisKVStorage, SerializationError

from conftest import free_port

NAMESPACES = ("full_docs", "text_chunks", "llm_response_cache", "community_reports")


async def fork_export(storage: Any, path: Path) -> int:
    await storage._ensure_initialized()
    prefix = storage._prefix
    cursor, found = 0, []
    while True:
        cursor, keys = await storage._redis_client.scan(cursor, match=f"{prefix}*", count=1000)
        found.extend(keys)
        if cursor == 0:
            break
    data = {}
    for key in found:
        name = (key.decode() if isinstance(key, bytes) else key).replace(prefix, "", 1)
        value = await storage._redis_client.get(key)
        if value:
            text = value.decode() if isinstance(value, bytes) else value
            try:
                data[name] = json.loads(text)
            except json.JSONDecodeError:
                data[name] = text
    path.write_text(json.dumps(data, indent=2, default=str))
    return len(data)


async def fork_count(storage: Any) -> int:
    await storage._ensure_initialized()
    cursor, n = 0, 0
    while True:
        cursor, keys = await storage._redis_client.scan(cursor, match=f"{storage._prefix}*", count=1000)
        n += len(keys)
        if cursor == 0:
            return n


async def fork_restore(storage: Any, path: Path) -> None:
    await storage.upsert(json.loads(path.read_text()))


async def fork_check_redis(full_docs: Any) -> bool:
    try:
        if hasattr(full_docs, "_redis_client"):
            await full_docs._ensure_initialized()
            return await full_docs._redis_client.ping()
        return True
    except Exception:  # noqa: BLE001 - as the fork does: any failure is "unhealthy"
        return False


def sample(namespace: str, n: int) -> dict[str, Any]:
    """Values in the shapes nano-graphrag writes, with the text and numbers that are easy to lose."""
    out: dict[str, Any] = {}
    for i in range(n):
        text = f"chunk {i}: naïve café — 東京 \"quoted\" \\ back\nslash 🚀"
        if namespace == "full_docs":
            out[f"doc-{i}"] = {"content": text * 3}
        elif namespace == "text_chunks":
            out[f"chunk-{i:05d}"] = {"tokens": i, "content": text, "chunk_order_index": i % 7,
                                     "full_doc_id": f"doc-{i % 13}"}
        elif namespace == "llm_response_cache":
            out[f"{i:032x}"] = {"return": text, "model": "gpt-4o"}
        else:
            out[str(i)] = {"report_string": text, "report_json": {"title": "t", "rating": 7.5 + i / 3,
                                                                  "findings": [{"summary": "s", "explanation": ""}]},
                           "level": i % 3, "title": f"c{i}", "edges": [["A", "B"]], "nodes": ["A", "B"],
                           "chunk_ids": [f"chunk-{i}"], "occurrence": 1 / (i + 3), "sub_communities": []}
    return out


@pytest.fixture
def config(redis_url: str) -> dict[str, Any]:
    return {"redis_url": redis_url, "redis_key_prefix": "fork_" + uuid.uuid4().hex[:10]}


async def test_export_drop_restore_gives_every_value_back_exactly(config, tmp_path):
    # text_chunks holds more than one page of the fork's count=1000 scan.
    sizes = {"full_docs": 40, "text_chunks": 2500, "llm_response_cache": 300, "community_reports": 25}
    stores = {ns: RedisKVStorage(namespace=ns, global_config=config) for ns in NAMESPACES}
    expected = {ns: sample(ns, sizes[ns]) for ns in NAMESPACES}
    try:
        for ns, store in stores.items():
            await store.upsert(expected[ns])
        for ns, store in stores.items():
            assert await fork_export(store, tmp_path / f"{ns}.json") == sizes[ns], ns
            assert await fork_count(store) == await store.count() == sizes[ns], ns
            assert await store.drop() == sizes[ns]
        for ns, store in stores.items():
            await fork_restore(store, tmp_path / f"{ns}.json")
            ids = sorted(expected[ns])
            assert sorted(await store.all_keys()) == ids, ns
            assert await store.get_by_ids(ids) == [expected[ns][i] for i in ids], ns
    finally:
        for store in stores.values():
            await store.drop()
            await store.aclose()


async def test_statistics_equal_our_counts_and_an_empty_namespace_is_zero(config):
    store = RedisKVStorage(namespace="full_docs", global_config=config)
    try:
        assert await fork_count(store) == 0
        await store.upsert({f"d{i}": {"content": "x"} for i in range(1001)})
        await store.delete_by_id("d7")
        assert await fork_count(store) == await store.count() == 1000
    finally:
        await store.drop()
        await store.aclose()


async def test_a_value_json_cannot_hold_raises_naming_its_id(config):
    store = RedisKVStorage(namespace="full_docs", global_config=config)
    try:
        await store.upsert({"ok": {"content": "x"}, "raw": {"content": b"\x00\xff"}, "intkey": {1: "one"},
                            "nan": {"v": math.nan}})
        view, prefix = store._redis_client, store._prefix
        assert json.loads(await view.get(prefix + "ok")) == {"content": "x"}
        assert await view.get(prefix + "missing") is None
        for bad in ("raw", "intkey", "nan"):
            with pytest.raises(SerializationError, match=f"'{bad}' in namespace 'full_docs'"):
                await view.get(prefix + bad)
        with pytest.raises(ValueError, match="only"):
            await view.scan(0, match="*")
    finally:
        await store.drop()
        await store.aclose()


def test_the_view_is_built_only_when_the_fork_asks_for_it(single_url):
    store = RedisKVStorage(namespace="full_docs", global_config={"redis_url": single_url})
    assert "_redis_client" not in vars(store)
    assert hasattr(store, "_redis_client")
    assert store._redis_client is store._redis_client
    assert store._prefix == "nano_graphrag:full_docs:"


async def test_health_is_false_while_the_server_is_stopped_and_true_after_restart(namespace):
    port = free_port()
    server = start_redis(port)
    store = RedisKVStorage(namespace="full_docs",
                           global_config={"redis_url": f"redis://127.0.0.1:{port}", "redis_max_retries": -1})
    try:
        assert await fork_check_redis(store) is True
        server.terminate()
        server.wait()
        assert await fork_check_redis(store) is False
        with pytest.raises(RedisKVConnectionError):
            await store._redis_client.ping()
        server = start_redis(port)
        assert await fork_check_redis(store) is True
    finally:
        await store.aclose()
        server.terminate()
        server.wait()
