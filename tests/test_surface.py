"""What a redis-py user looks for: from_url, ping, and help() on every public method."""

from __future__ import annotations

import inspect

import pytest

from nano_graphrag_redis import RedisKVConnectionError, RedisKVStorage, SyncRedisKVStorage
from nano_graphrag_redis._docs import METHODS

from conftest import free_port, make_face

FACES = (SyncRedisKVStorage, RedisKVStorage)


def public_members(cls: type) -> dict[str, object]:
    """Every public attribute a user can call or read (dataclass fields aside)."""
    return {name: value for name, value in inspect.getmembers(cls)
            if not name.startswith("_") and name not in ("namespace", "global_config")}


@pytest.mark.parametrize("cls", FACES, ids=lambda c: c.__name__)
def test_every_public_method_has_a_docstring(cls):
    undocumented = [name for name, member in public_members(cls).items()
                    if not (inspect.getdoc(member) or "").strip()]
    assert undocumented == []
    assert (inspect.getdoc(cls) or "").strip()


def test_both_faces_explain_a_method_the_same_way():
    sync, aio = public_members(SyncRedisKVStorage), public_members(RedisKVStorage)
    shared = set(sync) & set(aio)
    assert set(METHODS) - {"close", "aclose"} <= shared
    for name in shared:
        assert inspect.getdoc(sync[name]) == inspect.getdoc(aio[name]), name


async def test_from_url_then_every_face_round_trips(face, redis_url, namespace):
    cls = SyncRedisKVStorage if face == "sync" else RedisKVStorage
    store = cls.from_url(redis_url, namespace=namespace, key_prefix="ngr_from_url")
    assert (store.namespace, store.settings.url, store.settings.key_prefix) == (namespace, redis_url, "ngr_from_url")
    # The same data seen by a storage configured the long way.
    twin = make_face(face, namespace, {"addon_params": {"redis_url": redis_url, "redis_key_prefix": "ngr_from_url"}})
    try:
        await twin.upsert({"k": {"v": 1}})
        got = store.get_by_id("k") if face == "sync" else await store.get_by_id("k")
        assert got == {"v": 1}
    finally:
        await twin.drop()
        await twin.close()
        store.close() if face == "sync" else await store.aclose()


def test_from_url_rejects_an_unknown_setting_by_name():
    from nano_graphrag_redis import ConfigurationError

    with pytest.raises(ConfigurationError, match="redis_key_prefx"):
        SyncRedisKVStorage.from_url("redis://127.0.0.1:6379", namespace="x", key_prefx="typo")


async def test_ping_answers_true(face, redis_url, namespace):
    kv = make_face(face, namespace, {"redis_url": redis_url})
    assert await kv.ping() is True
    await kv.close()


async def test_ping_an_unreachable_server_raises_a_connection_error(face, namespace):
    config = {"redis_url": f"redis://127.0.0.1:{free_port()}", "redis_max_retries": -1,
              "redis_connection_timeout": 0.5}
    kv = make_face(face, namespace, config)
    with pytest.raises(RedisKVConnectionError):
        await kv.ping()
    await kv.close()
