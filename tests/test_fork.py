"""The fork's own code on our storage; optional, since CI cannot fetch the fork.

Set NGR_FORK_SRC to an extracted copy of remcohendriks/nano-graphrag with its dependencies importable, e.g.
``git -C <mirror> archive HEAD | tar -x -C /tmp/fork`` and ``NGR_FORK_SRC=/tmp/fork``. The script runs in
a child process (the fork's ``nano_graphrag`` package would clash with the PyPI one here) and drives,
unchanged: GraphRAG with kv_backend json and redis after register(), its StorageFactory, KVExporter.export / get_statistics / restore,
BackupManager.create_backup (graph and vector exporters stubbed, where a Neo4j + Qdrant user reaches the
KV step) and the health router's check_redis. tests/test_fork_compat.py makes the same calls always.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from test_fork_compat import NAMESPACES, sample

REPO = Path(__file__).resolve().parents[1]
FORK = os.environ.get("NGR_FORK_SRC")
pytestmark = pytest.mark.skipif(not FORK, reason="NGR_FORK_SRC (an extracted copy of the fork) is not set")

SCRIPT = r"""
import asyncio, json, sys, tarfile, tempfile, types
from pathlib import Path
import nano_graphrag_redis
from nano_graphrag._storage.factory import StorageFactory

url, prefix, data_file = sys.argv[1:]
expected = json.loads(Path(data_file).read_text())
assert nano_graphrag_redis.register()
config = {"redis_url": url, "redis_key_prefix": prefix, "working_dir": tempfile.mkdtemp()}
assert type(StorageFactory.create_kv_storage("json", "full_docs", config)).__module__ == "nano_graphrag._storage.kv_json"
from nano_graphrag import GraphRAG
from nano_graphrag.config import GraphRAGConfig, StorageConfig
for backend, cls in (("json", "JsonKVStorage"), ("redis", "RedisKVStorage")):
    storage = StorageConfig(kv_backend=backend, working_dir=tempfile.mkdtemp(), redis_url=url)
    rag = GraphRAG(GraphRAGConfig(storage=storage))
    assert type(rag.full_docs).__name__ == cls, (backend, type(rag.full_docs))
assert type(rag.full_docs) is nano_graphrag_redis.RedisKVStorage
stores = {ns: StorageFactory.create_kv_storage("redis", ns, config) for ns in expected}
assert all(type(s) is nano_graphrag_redis.RedisKVStorage for s in stores.values())

from nano_graphrag.backup.exporters.kv_exporter import KVExporter
from nano_graphrag.backup.manager import BackupManager
from nano_graphrag.api.routers.health import check_redis

async def everything_back(where):
    for ns, store in stores.items():
        ids = sorted(expected[ns])
        assert sorted(await store.all_keys()) == ids, ns
        assert await store.get_by_ids(ids) == [expected[ns][i] for i in ids], ns

async def main():
    for ns, store in stores.items():
        await store.upsert(expected[ns])
    out = Path(tempfile.mkdtemp())
    exporter = KVExporter(stores)
    kv_dir = await exporter.export(out)
    stats = await exporter.get_statistics()
    assert stats == {"documents": len(expected["full_docs"]), "chunks": len(expected["text_chunks"]),
                     "reports": len(expected["community_reports"])}, stats
    for store in stores.values():
        await store.drop()
    await exporter.restore(kv_dir)
    await everything_back("KVExporter")

    rag = types.SimpleNamespace(config=GraphRAGConfig(), chunk_entity_relation_graph=object(), entities_vdb=object(),
                                chunks_vdb=None, **stores)
    manager = BackupManager(rag, backup_dir=tempfile.mkdtemp())
    async def nothing(_):
        return {}
    manager._export_graph = manager._export_vectors = nothing  # Neo4j / Qdrant only: stubbed
    meta = await manager.create_backup("b1")
    assert meta.backends["kv"] == "redis", meta.backends
    for store in stores.values():
        await store.drop()
    with tarfile.open(Path(manager.backup_dir) / "b1.ngbak") as archive:
        archive.extractall(out / "b1")
    kv = next((out / "b1").rglob("kv"))
    await KVExporter(stores).restore(kv)
    await everything_back("BackupManager")

    assert await check_redis(types.SimpleNamespace(full_docs=stores["full_docs"])) is True
    for store in stores.values():
        await store.drop()
    print("fork ok")

asyncio.run(main())
"""


def test_the_forks_exporter_backup_factory_and_health_on_our_storage(redis_url, tmp_path):
    data = tmp_path / "expected.json"
    data.write_text(json.dumps({ns: sample(ns, n) for ns, n in zip(NAMESPACES, (7, 1200, 30, 5), strict=True)}))
    tokenizer = subprocess.run([str(REPO / "scripts" / "fetch-tokenizer.sh")], check=True, capture_output=True,
                               text=True).stdout.strip()  # GraphRAG loads tiktoken's o200k_base; offline here
    env = {**os.environ, "TIKTOKEN_CACHE_DIR": tokenizer, "OPENAI_API_KEY": "sk-not-used",
           "PYTHONPATH": os.pathsep.join(p for p in (FORK, os.environ.get("PYTHONPATH")) if p)}
    prefix = "forkreal_" + uuid.uuid4().hex[:8]
    # cwd: the fork's app mounts nano_graphrag/api/static relative to the current directory.
    run = subprocess.run([sys.executable, "-c", SCRIPT, redis_url, prefix, str(data)], env=env, cwd=FORK,
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0 and "fork ok" in run.stdout, run.stderr[-4000:]
