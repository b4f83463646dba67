"""Damaged stored data never escapes the error hierarchy (issue #9, defect 5).

Bytes are planted with redis-py, behind the library's back, as another
program or a disk fault would leave them.
"""

from __future__ import annotations

import msgpack
import pytest

from nano_graphrag_redis import CorruptValueError, ResponseError, SerializationError

from conftest import index_key, raw_redis, value_key

GOOD = {"a": 1}
DAMAGED = {
    "empty": b"",
    "garbage": b"\xc1\xff\x00",
    "truncated": msgpack.packb(GOOD)[:-1],
    "trailing": msgpack.packb(GOOD) + b"\x01",
    "bad_utf8": b"\x81\xa1a\xa2\xff\xfe",  # well-formed msgpack, but the str is not UTF-8
    "list_key": b"\x81\x91\x01\x02",  # a map keyed by a list: unhashable in Python
}


async def test_every_damaged_value_is_a_corrupt_value_error_naming_it(kv, redis_url, namespace):
    await kv.upsert({"good": GOOD})
    raw = raw_redis(redis_url)
    for id, data in DAMAGED.items():
        raw.set(value_key(namespace, id), data)
    for id in DAMAGED:
        with pytest.raises(CorruptValueError) as info:
            await kv.get_by_id(id)
        assert repr(id) in str(info.value) or f'"{id}"' in str(info.value)
        assert namespace in str(info.value)
        assert isinstance(info.value, SerializationError)

    # A batch with any bad value raises, naming every bad id; the good ids still read alone.
    with pytest.raises(CorruptValueError) as info:
        await kv.get_by_ids(["good", "missing", *DAMAGED])
    for id in DAMAGED:
        assert id in str(info.value)
    with pytest.raises(CorruptValueError):
        await kv.get_by_ids(list(DAMAGED), fields=["a"])
    assert await kv.get_by_ids(["good", "missing"]) == [GOOD, None]


async def test_values_only_python_cannot_decode_are_named_with_their_ids(kv, redis_url, namespace):
    # Well-formed msgpack that the Go side passes, but Python refuses: a
    # timestamp with more than 999,999,999 nanoseconds (ValueError before).
    bad_time = b"\xd7\xff" + (((1 << 30) - 1) << 34 | 5).to_bytes(8, "big")
    await kv.upsert({"good": GOOD})
    raw = raw_redis(redis_url)
    raw.set(value_key(namespace, "t1"), b"\x81\xa1a" + bad_time)
    raw.set(value_key(namespace, "t2"), bad_time)
    with pytest.raises(CorruptValueError) as info:
        await kv.get_by_ids(["t1", "good", "t2"])
    assert "'t1', 't2' in namespace" in str(info.value) and "'good'" not in str(info.value)
    with pytest.raises(CorruptValueError, match=f"'t2' in namespace '{namespace}'"):
        await kv.get_by_id("t2")


async def test_a_non_utf8_index_member_does_not_break_all_keys(kv, redis_url, namespace):
    await kv.upsert({"good": GOOD})
    raw_redis(redis_url).zadd(index_key(namespace, 5), {b"\xff\xfe": float("inf")})
    keys = await kv.all_keys()  # before: UnicodeDecodeError
    assert sorted(keys) == ["good", "\udcff\udcfe"]


@pytest.mark.parametrize("method", ["get_by_id", "get_by_ids", "filter_keys", "delete_by_id", "upsert"])
async def test_a_surrogate_in_an_id_is_a_clear_error(kv, method):
    bad = "chunk-\ud800"
    arg = {"get_by_id": bad, "delete_by_id": bad, "upsert": {bad: GOOD}}.get(method, ["ok", bad])
    with pytest.raises(SerializationError) as info:  # before: a bare UnicodeEncodeError
        await getattr(kv, method)(arg)
    assert repr(bad) in str(info.value) and "UTF-8" in str(info.value)
    assert not isinstance(info.value, UnicodeError)


async def test_an_index_of_the_wrong_type_fails_before_any_value_changes(kv, redis_url, namespace):
    await kv.upsert({"k": "old"})
    raw = raw_redis(redis_url)
    bucket = int(value_key(namespace, "k").split(":")[2].rstrip("}"))
    raw.delete(index_key(namespace, bucket))
    raw.set(index_key(namespace, bucket), "not a sorted set")
    with pytest.raises(ResponseError, match="WRONGTYPE index key"):
        await kv.upsert({"k": "new"})
    with pytest.raises(ResponseError, match="WRONGTYPE index key"):
        await kv.delete_by_id("k")
    assert await kv.get_by_id("k") == "old"
    raw.delete(index_key(namespace, bucket))
    assert await kv.repair() == 1
    assert await kv.all_keys() == ["k"]
