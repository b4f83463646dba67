"""Four caller mistakes get a clear error before anything is sent (issue 17).

Each used to pass construction and fail later with someone else's words (a
bare UnicodeEncodeError, a ValueError from dict()), or worse, to work on the
wrong server (an unclosed IPv6 bracket, global_config=None).
"""

from __future__ import annotations

import pytest

from nano_graphrag_redis import ConfigurationError, RedisKVStorage, SyncRedisKVStorage

from conftest import free_port, make_face

FACES = [SyncRedisKVStorage, RedisKVStorage]


@pytest.mark.parametrize("cls", FACES)
def test_a_namespace_with_a_lone_surrogate_fails_at_construction_naming_it(cls):
    with pytest.raises(ConfigurationError) as info:
        cls(namespace="a\ud800", global_config={})
    assert "namespace 'a\\ud800'" in str(info.value)
    assert "UTF-8" in str(info.value)


@pytest.mark.parametrize("cls", FACES)
def test_an_unclosed_ipv6_bracket_fails_at_construction_naming_the_redacted_url(cls):
    with pytest.raises(ConfigurationError) as info:
        cls(namespace="ns", global_config={"redis_url": "redis://app:s3cr3t@[::1:6379"})
    message = str(info.value)
    assert "redis://app:***@[::1:6379" in message
    assert "unbalanced" in message
    assert "s3cr3t" not in message


@pytest.mark.parametrize("cls", FACES)
def test_global_config_none_is_refused_rather_than_connecting_to_the_default(cls):
    with pytest.raises(TypeError) as info:
        cls(namespace="ns", global_config=None)
    assert "global_config" in str(info.value)
    assert "not None" in str(info.value)


@pytest.mark.parametrize("face", ["sync", "async"])
@pytest.mark.parametrize("bad", ["ab", ["ab", "cd"], 3])
async def test_upsert_of_a_non_mapping_says_what_upsert_takes_before_connecting(face, bad):
    # Nothing listens on this port: a call that sent anything would fail with a connection error.
    store = make_face(face, "ns", {"redis_url": f"redis://127.0.0.1:{free_port()}"})
    try:
        with pytest.raises(TypeError) as info:
            await store.upsert(bad)
        assert "upsert takes a mapping of id to value" in str(info.value)
        assert type(bad).__name__ in str(info.value)
    finally:
        await store.close()


async def test_a_refused_upsert_writes_nothing(kv):
    await kv.upsert({"kept": {"v": 1}})
    with pytest.raises(TypeError):
        await kv.upsert("ab")
    assert await kv.all_keys() == ["kept"]
