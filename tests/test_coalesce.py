"""Concurrent get_by_id calls of the asyncio face travel as one native call
(python/nano_graphrag_redis/_coalesce.py), yet each call keeps its own
semantics: its own value in its own order, its own error, its own
cancellation, and it reads what its task wrote before. Single node and
cluster (the `redis_url` fixture).
"""

from __future__ import annotations

import asyncio
import os
import random
import zlib

import pytest
import redis
import redis.cluster

from nano_graphrag_redis import (
    RedisKVConnectionError,
    RedisKVError,
    RedisKVStorage,
    SerializationError,
    _native,
)

from conftest import free_port


@pytest.fixture
async def store(redis_url: str, namespace: str):
    kv = RedisKVStorage(namespace=namespace, global_config={"redis_url": redis_url})
    yield kv
    await kv.drop()
    await kv.aclose()


@pytest.fixture
def submits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts native submissions (the real call still runs): one per batch sent."""
    calls: list[int] = []
    real = _native.submit

    def counting(cq: int, handle: int, op: int, payload: bytes) -> int:
        calls.append(op)
        return real(cq, handle, op, payload)

    monkeypatch.setattr(_native, "submit", counting)
    return calls


def raw_client(redis_url: str) -> redis.Redis | redis.cluster.RedisCluster:
    """Talks to the server behind the store's back, to plant bad values."""
    if redis_url == os.environ.get("NGR_TEST_CLUSTER_URL"):
        return redis.cluster.RedisCluster.from_url(redis_url)
    return redis.Redis.from_url(redis_url)


def value_key(namespace: str, id: str) -> str:
    """The key layout of docs/design.md: prefix:{namespace:bucket}:v:id."""
    return f"nano_graphrag:{{{namespace}:{zlib.crc32(id.encode()) % 64}}}:v:{id}"


def value(i: int) -> dict:
    return {"return": f"answer {i}", "model": "m", "n": i}


async def test_concurrent_gets_travel_as_one_call_in_order(store, submits):
    await store.upsert({f"k{i}": value(i) for i in range(300)})
    asked = [f"k{i}" for i in range(300)] + [f"missing{i}" for i in range(20)] + ["k7", "k7"]
    random.Random(7).shuffle(asked)
    submits.clear()

    got = await asyncio.gather(*(store.get_by_id(id) for id in asked))

    expected = [value(int(id[1:])) if id.startswith("k") else None for id in asked]
    assert got == expected
    assert len(submits) == 1, f"{len(asked)} concurrent get_by_id went as {len(submits)} native calls"
    twice = [g for g, id in zip(got, asked, strict=True) if id == "k7"]
    assert twice[0] is not twice[1], "an id asked twice must give each caller its own object"


async def test_calls_made_while_a_batch_is_out_travel_together(store, submits):
    await store.upsert({f"k{i}": value(i) for i in range(64)})
    submits.clear()

    async def worker(w: int) -> list:
        return [await store.get_by_id(f"k{(w + j) % 64}") for j in range(10)]

    results = await asyncio.gather(*(worker(w) for w in range(64)))

    assert results == [[value((w + j) % 64) for j in range(10)] for w in range(64)]
    # 640 calls; 64 tasks in lockstep make about 10 batches (a few more if a wake-up straggles).
    assert len(submits) <= 40, f"640 calls from 64 tasks went as {len(submits)} native calls"


async def test_a_bad_value_fails_only_its_own_call(store, redis_url, namespace, submits):
    await store.upsert({f"k{i}": value(i) for i in range(20)})
    raw = raw_client(redis_url)
    raw.set(value_key(namespace, "corrupt"), b"\xc1 not zstd")  # the compression marker, then junk
    raw.hset(value_key(namespace, "a_hash"), "f", "v")  # a key of the wrong type
    raw.close()
    asked = [f"k{i}" for i in range(20)] + ["corrupt", "a_hash"]
    random.Random(3).shuffle(asked)

    got = await asyncio.gather(*(store.get_by_id(id) for id in asked), return_exceptions=True)

    for id, result in zip(asked, got, strict=True):
        if id == "corrupt":
            assert isinstance(result, SerializationError) and "corrupt" in str(result), result
        elif id == "a_hash":
            assert isinstance(result, RedisKVError) and "WRONGTYPE" in str(result), result
        else:
            assert result == value(int(id[1:]))
    await store.delete_by_id("corrupt")
    await store.delete_by_id("a_hash")


async def test_a_bad_id_fails_only_its_own_call(store):
    await store.upsert({"a": value(1)})
    got = await asyncio.gather(store.get_by_id("a"), store.get_by_id(123), store.get_by_id("a"), return_exceptions=True)
    assert got[0] == got[2] == value(1)
    assert isinstance(got[1], TypeError) and "123" in str(got[1])


async def test_cancelling_one_await_leaves_the_others(store, submits):
    await store.upsert({f"k{i}": value(i) for i in range(100)})
    handles_before = _native.handle_count()
    tasks = [asyncio.ensure_future(store.get_by_id(f"k{i}")) for i in range(100)]
    await asyncio.sleep(0)  # every task has joined the open batch
    for t in tasks[::3]:
        t.cancel()  # before the batch is sent
    await asyncio.sleep(0)
    await asyncio.sleep(0)  # the batch is out now
    for t in tasks[1::3]:
        t.cancel()  # while it is in flight (or just done: either way only these are touched)

    results = await asyncio.gather(*tasks, return_exceptions=True)

    for i, (_t, result) in enumerate(zip(tasks, results, strict=True)):
        if i % 3 == 0:
            assert isinstance(result, asyncio.CancelledError)
        elif i % 3 == 2:
            assert result == value(i), f"k{i} was disturbed by the cancellation of others: {result!r}"
    # The store still works, and no native ticket is left behind.
    assert await store.get_by_id("k5") == value(5)
    for _ in range(50):
        if _native.handle_count() <= handles_before:
            break
        await asyncio.sleep(0.01)
    assert _native.handle_count() <= handles_before


async def test_each_task_reads_its_own_upsert(store):
    ids = [f"k{i}" for i in range(32)]
    await store.upsert({id: {"v": -1} for id in ids})
    stop = asyncio.Event()
    background_reads = 0

    async def reader() -> None:  # keeps batches of the same ids in flight all the time
        nonlocal background_reads
        while not stop.is_set():
            await asyncio.gather(*(store.get_by_id(id) for id in ids))
            background_reads += 1

    async def writer(id: str) -> None:
        for version in range(15):
            await store.upsert({id: {"v": version}})
            assert await store.get_by_id(id) == {"v": version}, f"{id} did not read back version {version}"

    readers = [asyncio.ensure_future(reader()) for _ in range(4)]
    try:
        await asyncio.gather(*(writer(id) for id in ids))
    finally:
        stop.set()
        await asyncio.gather(*readers)
    assert background_reads > 0


async def test_a_connection_error_reaches_every_await(namespace):
    kv = RedisKVStorage(
        namespace=namespace,
        global_config={"redis_url": f"redis://127.0.0.1:{free_port()}", "redis_max_retries": 0},
    )
    try:
        got = await asyncio.gather(*(kv.get_by_id(f"k{i}") for i in range(10)), return_exceptions=True)
    finally:
        await kv.aclose()
    assert all(isinstance(r, RedisKVConnectionError) for r in got), got


async def test_one_store_on_two_loops_in_turn(redis_url, namespace):
    kv = RedisKVStorage(namespace=namespace, global_config={"redis_url": redis_url})

    async def round_trip(i: int) -> list:
        await kv.upsert({"a": value(i)})
        return await asyncio.gather(*(kv.get_by_id("a") for _ in range(5)))

    try:
        for i in range(2):  # each asyncio.run is a new event loop
            assert await asyncio.to_thread(asyncio.run, round_trip(i)) == [value(i)] * 5
    finally:
        await kv.drop()
        await kv.aclose()
