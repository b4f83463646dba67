"""Every storage method, written once and run through both faces (sync and
asyncio) on both topologies (single node and cluster) via the `kv` fixture."""

from __future__ import annotations

import pytest

from nano_graphrag_redis import ClosedError, SerializationError

CHUNK = {
    "tokens": 1200,
    "content": "Scrooge's nephew " * 280,
    "chunk_order_index": 3,
    "full_doc_id": "doc-7f3a",
}
REPORT = {
    "report_string": "# Community\nsummary",
    "report_json": {"title": "T", "rating": 7.5, "findings": [{"summary": "s", "explanation": "e"}]},
    "level": 0,
    "title": "Cluster 0",
    "edges": [["A", "B"], ["B", "C"]],
    "nodes": ["A", "B", "C"],
    "chunk_ids": ["chunk-1"],
    "occurrence": 0.25,
    "sub_communities": [],
}


async def test_upsert_then_get_by_id_returns_equal_values(kv):
    assert await kv.upsert({"chunk-1": CHUNK, "0": REPORT, "ünï-ключ": {"return": "ok", "model": "m"}}) == 3
    assert await kv.get_by_id("chunk-1") == CHUNK
    assert await kv.get_by_id("0") == REPORT
    assert await kv.get_by_id("ünï-ключ") == {"return": "ok", "model": "m"}
    assert await kv.get_by_id("absent") is None


async def test_upsert_overwrites(kv):
    await kv.upsert({"k": {"v": 1}})
    await kv.upsert({"k": {"v": 2}})
    assert await kv.get_by_id("k") == {"v": 2}
    assert await kv.count() == 1


async def test_get_by_ids_keeps_order_with_none_for_missing(kv):
    await kv.upsert({f"id{i}": {"i": i} for i in range(50)})
    ids = ["id7", "nope", "id0", "id49", "nope2", "id7"]
    assert await kv.get_by_ids(ids) == [{"i": 7}, None, {"i": 0}, {"i": 49}, None, {"i": 7}]


async def test_get_by_ids_cuts_values_to_fields(kv):
    await kv.upsert({"c1": CHUNK, "r0": REPORT})
    got = await kv.get_by_ids(["c1", "r0", "missing"], fields={"content", "title"})
    assert got == [{"content": CHUNK["content"]}, {"title": "Cluster 0"}, None]


async def test_filter_keys_returns_the_ids_not_stored(kv):
    await kv.upsert({"a": 1, "b": 2})
    assert await kv.filter_keys(["a", "x", "b", "y"]) == {"x", "y"}
    assert await kv.filter_keys(["a", "b"]) == set()


async def test_all_keys_and_count(kv):
    ids = {f"k{i}" for i in range(300)}  # spread over all 64 buckets
    await kv.upsert({i: {"n": i} for i in ids})
    assert set(await kv.all_keys()) == ids
    assert await kv.count() == 300


async def test_delete_by_id(kv):
    await kv.upsert({"a": 1, "b": 2})
    assert await kv.delete_by_id("a") is True
    assert await kv.delete_by_id("a") is False
    assert await kv.get_by_id("a") is None
    assert await kv.all_keys() == ["b"]


async def test_drop_empties_only_this_namespace(kv, face, redis_url, namespace):
    from conftest import make_face

    other = make_face(face, namespace + "_other", {"redis_url": redis_url})
    try:
        await other.upsert({"keep": 1})
        await kv.upsert({f"k{i}": i for i in range(100)})
        assert await kv.drop() == 100
        assert await kv.count() == 0
        assert await kv.all_keys() == []
        assert await other.get_by_id("keep") == 1
    finally:
        await other.drop()
        await other.close()


async def test_empty_batches(kv):
    assert await kv.upsert({}) == 0
    assert await kv.get_by_ids([]) == []
    assert await kv.filter_keys([]) == set()
    assert await kv.all_keys() == []
    assert await kv.count() == 0


async def test_large_batch_round_trips(kv):
    data = {f"chunk-{i:05d}": dict(CHUNK, chunk_order_index=i) for i in range(2000)}
    assert await kv.upsert(data) == 2000
    ids = list(data)[::-1]
    assert await kv.get_by_ids(ids) == [data[i] for i in ids]
    assert await kv.filter_keys(ids + ["extra"]) == {"extra"}


async def test_callbacks_do_nothing_to_the_data(kv):
    await kv.upsert({"a": 1})
    assert await kv.index_start_callback() is None
    assert await kv.index_done_callback() is None
    assert await kv.query_done_callback() is None
    assert await kv.get_by_id("a") == 1


async def test_get_stats_and_repair(kv, namespace):
    await kv.upsert({"a": 1, "b": 2})
    stats = await kv.get_stats()
    assert stats["namespace"] == namespace
    assert stats["keys"] == 2
    assert await kv.repair() == 0


async def test_unserializable_value_names_the_key_and_writes_nothing(kv):
    with pytest.raises(SerializationError, match="'bad-one'") as info:
        await kv.upsert({"good": {"v": 1}, "bad-one": {"v": object()}, "good2": 2})
    assert isinstance(info.value, TypeError)
    assert await kv.count() == 0


async def test_non_str_keys_raise_type_error_naming_the_key(kv):
    with pytest.raises(TypeError, match="42"):
        await kv.upsert({"ok": 1, 42: "x"})
    with pytest.raises(TypeError, match="b'raw'"):
        await kv.get_by_id(b"raw")
    with pytest.raises(TypeError, match="7"):
        await kv.get_by_ids(["a", 7])
    with pytest.raises(TypeError, match="None"):
        await kv.filter_keys([None])
    assert await kv.count() == 0


async def test_closed_store_raises_closed_error(kv):
    await kv.upsert({"a": 1})
    await kv.close()
    with pytest.raises(ClosedError):
        await kv.get_by_id("a")
    await kv.close()  # idempotent


async def test_our_connections_send_no_client_setinfo(kv, redis_url):
    # go-redis would name its library with CLIENT SETINFO on every connection, which a -@dangerous ACL
    # (Memorystore) refuses; storage/topology.go turns that off. Redis 7.2+ and Valkey show it as lib-name
    # in CLIENT LIST (make test-valkey runs this on Valkey 9.1.2; Redis 7.0 has no such field).
    import redis

    await kv.upsert({"a": 1})
    assert await kv.get_by_id("a") == 1
    seed = redis.Redis.from_url(redis_url)  # on a cluster, the seed node: our store keeps a connection to it
    try:
        ours = [c for c in seed.client_list() if c.get("name") == "nano-graphrag-redis"]
    except redis.exceptions.NoPermissionError:
        pytest.skip("this user may not run CLIENT LIST (make test-acl, test-restricted): there, the calls above "
                    "passing under an ACL without CLIENT SETINFO are the proof")
    finally:
        seed.close()
    assert ours, "no connection named nano-graphrag-redis on the seed node"
    assert [c.get("lib-name", "") for c in ours] == [""] * len(ours)
