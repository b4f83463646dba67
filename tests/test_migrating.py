"""MigratingKVStorage through every phase and every one-step rollback, with the real
JsonKVStorage (files in a working dir) and real Redis, under concurrent writers.

A phase change is what an operator does: every worker flushes
(index_done_callback) and restarts with the next setting, so each phase gets
a fresh wrapper over the same working dir and key prefix.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

import pytest

pytest.importorskip("nano_graphrag")  # tests/e2e dependencies: installed by make test

from nano_graphrag._storage import JsonKVStorage

from nano_graphrag_redis import RedisKVStorage, SyncRedisKVStorage
from nano_graphrag_redis.cli.migrate import NamespaceResult, copy_namespace, verify_namespace
from nano_graphrag_redis.cli.sources import JsonSource
from nano_graphrag_redis.migrating import PHASES, MigratingKVStorage

NS = "full_docs"
WRITERS, PER_WRITER = 8, 20


class Deployment:
    """One working dir and one Redis key prefix, as every worker of an app sees them."""

    def __init__(self, workdir: Path, url: str) -> None:
        self.workdir, self.url, self.prefix = workdir, url, "mig_" + uuid.uuid4().hex[:10]

    def config(self, phase: str | None = None) -> dict:
        addon = {"redis_url": self.url, "redis_key_prefix": self.prefix}
        if phase:
            addon["redis_migration_phase"] = phase
        return {"working_dir": str(self.workdir), "addon_params": addon}

    def wrapper(self, phase: str) -> MigratingKVStorage:
        return MigratingKVStorage(namespace=NS, global_config=self.config(phase))

    def json_file(self) -> dict:
        path = self.workdir / f"kv_store_{NS}.json"
        return json.loads(path.read_text()) if path.exists() else {}

    def redis_store(self) -> SyncRedisKVStorage:
        return SyncRedisKVStorage(namespace=NS, global_config=self.config())

    def migrate_backlog(self) -> NamespaceResult:
        result = NamespaceResult(NS)
        with self.redis_store() as target:
            copy_namespace(JsonSource(self.workdir), target, result, 50, False, lambda n: None)
            verify_namespace(JsonSource(self.workdir), target, result, 50, lambda n: None)
        return result


async def stop(store) -> None:
    """A worker shutting down: flush (JsonKVStorage writes its file here), then close."""
    await store.index_done_callback()
    if hasattr(store, "aclose"):
        await store.aclose()


async def write_concurrently(store, tag: str) -> dict:
    """WRITERS tasks upsert their own ids (and overwrite a shared one), each reading its writes back."""
    written = {}

    async def writer(w: int) -> None:
        for i in range(PER_WRITER):
            key, value = f"{tag}-{w}-{i}", {"content": f"{tag} {w} {i}", "w": w}
            await store.upsert({key: value})
            written[key] = value
            assert await store.get_by_id(key) == value, (tag, key)
            await asyncio.sleep(0)

    await asyncio.gather(*(writer(w) for w in range(WRITERS)))
    return written


async def assert_reads(store, expected: dict) -> None:
    ids = sorted(expected)
    assert await store.get_by_ids(ids) == [expected[i] for i in ids]
    assert await store.filter_keys(ids) == set()
    assert set(ids) <= set(await store.all_keys())
    assert await store.get_by_ids(ids[-3:], fields={"content"}) == [{"content": expected[i]["content"]} for i in ids[-3:]]


@pytest.fixture
def deployment(tmp_path, redis_url):
    d = Deployment(tmp_path, redis_url)
    yield d
    with d.redis_store() as store:
        store.drop()


async def seed_json(d: Deployment) -> dict:
    """The app before the migration: plain JsonKVStorage with some documents."""
    old = JsonKVStorage(namespace=NS, global_config=d.config())
    docs = {f"doc-{i}": {"content": f"document {i}"} for i in range(30)}
    await old.upsert(docs)
    await old.index_done_callback()
    return docs


async def test_forward_through_every_phase(deployment):
    d = deployment
    expected = await seed_json(d)

    # 1. dual-write: reads the old store, writes both.
    w = d.wrapper("dual-write")
    expected |= await write_concurrently(w, "dual")
    with d.redis_store() as redis_only:
        redis_only.upsert({"only-in-redis": {"content": "x"}})
    assert await w.get_by_id("only-in-redis") is None, "dual-write reads the old store"
    await assert_reads(w, expected)
    await stop(w)
    assert all(d.json_file()[k] == v for k, v in expected.items())

    # 2. the backlog: the command's copy and verify over the working dir.
    backlog = d.migrate_backlog()
    assert backlog.mismatches == 0 and backlog.verified == len(expected)
    assert backlog.copied == 30, "only the documents from before dual-write were missing"

    # 3. verify: still reads old, compares with Redis.
    w = d.wrapper("verify")
    expected |= await write_concurrently(w, "verify")
    await assert_reads(w, expected)
    assert w.mismatches == 0
    with d.redis_store() as redis_only:
        redis_only.upsert({"doc-0": {"content": "tampered"}})
    assert await w.get_by_id("doc-0") == expected["doc-0"], "verify still answers from the old store"
    assert w.mismatches == 1
    await w.upsert({"doc-0": expected["doc-0"]})  # repaired by a write, as dual-write keeps them equal
    await stop(w)

    # 4. read-new: reads Redis; a miss falls back to the old store and is backfilled.
    w = d.wrapper("read-new")
    await w.old.upsert({"late": {"content": "written by a worker still on verify"}})
    expected["late"] = {"content": "written by a worker still on verify"}
    assert await w.filter_keys(["late", "never"]) == {"never"}
    assert await w.get_by_id("late") == expected["late"] and w.backfilled == 1
    with d.redis_store() as redis_only:
        assert redis_only.get_by_id("late") == expected["late"]
    expected |= await write_concurrently(w, "readnew")
    await assert_reads(w, expected)
    await stop(w)

    # 5. new-only: Redis alone; the JSON file no longer changes.
    before = d.json_file()
    w = d.wrapper("new-only")
    expected |= await write_concurrently(w, "newonly")
    await assert_reads(w, expected)
    await stop(w)
    assert d.json_file() == before


# Each phase and the setting one step back; dual-write's step back is the plain JsonKVStorage.
ROLLBACKS = [("dual-write", None), ("verify", "dual-write"), ("read-new", "verify"), ("new-only", "read-new")]


@pytest.mark.parametrize(("phase", "back"), ROLLBACKS, ids=[p for p, _ in ROLLBACKS])
async def test_one_step_back_loses_no_write(deployment, phase, back):
    d = deployment
    expected = await seed_json(d)
    if PHASES.index(phase) >= PHASES.index("verify"):
        assert d.migrate_backlog().mismatches == 0  # the operator migrated before moving on
    w = d.wrapper(phase)
    expected |= await write_concurrently(w, phase)
    deleted = next(iter(expected))
    assert await w.delete_by_id(deleted)
    del expected[deleted]
    await stop(w)

    if back is None:
        rolled = JsonKVStorage(namespace=NS, global_config=d.config())
    else:
        rolled = d.wrapper(back)
    await assert_reads(rolled, expected)
    assert await rolled.get_by_id(deleted) is None, "a delete is not undone by the rollback"
    await stop(rolled)


def test_a_bad_phase_is_refused_naming_the_setting(tmp_path):
    from nano_graphrag_redis import ConfigurationError

    with pytest.raises(ConfigurationError, match="redis_migration_phase.*dual"):
        MigratingKVStorage(namespace=NS, global_config={"working_dir": str(tmp_path),
                                                        "addon_params": {"redis_migration_phase": "dual"}})
    with pytest.raises(ConfigurationError, match="migration_phase .* is not set"):
        MigratingKVStorage(namespace=NS, global_config={"working_dir": str(tmp_path)})


def test_redis_kv_storage_accepts_the_same_global_config(tmp_path, single_url):
    """Other namespaces can keep RedisKVStorage with the migration settings present."""
    RedisKVStorage(namespace=NS, global_config={"working_dir": str(tmp_path), "addon_params": {
        "redis_url": single_url, "redis_migration_phase": "verify"}})
