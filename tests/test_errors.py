"""Errors: the right class, a useful message, and never a password."""

from __future__ import annotations

import pytest

from nano_graphrag_redis import (
    AuthenticationError,
    ConfigurationError,
    NotReplicatedError,
    RedisKVConnectionError,
    RedisKVError,
    SyncRedisKVStorage,
)
from nano_graphrag_redis._abi import NGR_ERR_TIMEOUT, NGR_ERR_TOO_LARGE
from nano_graphrag_redis._errors import InternalError, RedisKVTimeoutError, ValueTooLargeError, error_for

from conftest import free_port, make_face

PASSWORD = "hunter2-Sekr1t"


def test_error_for_maps_codes_and_keeps_the_message():
    err = error_for(NGR_ERR_TIMEOUT, "storage: redis i/o timeout")
    assert isinstance(err, RedisKVTimeoutError) and isinstance(err, TimeoutError)
    assert str(err) == "storage: redis i/o timeout" and err.status == NGR_ERR_TIMEOUT
    assert isinstance(error_for(NGR_ERR_TOO_LARGE, "x"), ValueTooLargeError)
    assert type(error_for(999, "new code")) is InternalError


async def test_too_few_replicas_is_not_replicated_but_stored(face, single_url, namespace):
    # The single test node has no replica, so WAIT 1 must come back short.
    config = {"redis_url": single_url, "redis_wait_replicas": 1, "redis_wait_timeout": 0.05}
    kv = make_face(face, namespace, config)
    with pytest.raises(NotReplicatedError) as info:
        await kv.upsert({"doc": {"content": "x"}})
    assert "replica" in str(info.value)
    reader = make_face(face, namespace, {"redis_url": single_url})
    assert await reader.get_by_id("doc") == {"content": "x"}
    await reader.drop()
    await kv.close()
    await reader.close()


async def test_unreachable_server_raises_connection_error_without_password(face, namespace):
    url = f"redis://:{PASSWORD}@127.0.0.1:{free_port()}"
    kv = make_face(face, namespace, {"redis_url": url, "redis_max_retries": -1})
    with pytest.raises(RedisKVConnectionError) as info:
        await kv.get_by_id("a")
    assert isinstance(info.value, ConnectionError)
    assert PASSWORD not in str(info.value)
    assert PASSWORD not in repr(kv.store) and PASSWORD not in str(kv.store)
    assert "***" in repr(kv.store)


async def test_wrong_password_raises_authentication_error_without_password(face, single_url, namespace):
    url = single_url.replace("redis://", f"redis://nosuchuser:{PASSWORD}@")
    kv = make_face(face, namespace, {"redis_url": url})
    with pytest.raises(AuthenticationError) as info:
        await kv.get_by_id("a")
    assert "WRONGPASS" in str(info.value)
    assert PASSWORD not in str(info.value) and PASSWORD not in repr(kv.store)


def test_password_in_global_config_never_in_repr(single_url, namespace):
    kv = SyncRedisKVStorage(namespace, {"redis_url": single_url, "redis_password": PASSWORD})
    assert PASSWORD not in repr(kv) and PASSWORD not in str(kv)


async def test_invalid_namespace_is_a_configuration_error_naming_it(face, redis_url):
    kv = make_face(face, "bad{ns}", {"redis_url": redis_url})
    with pytest.raises(ConfigurationError, match="namespace") as info:
        await kv.get_by_id("a")
    assert isinstance(info.value, ValueError) and isinstance(info.value, RedisKVError)


def test_bad_setting_fails_at_construction(namespace):
    with pytest.raises(ConfigurationError, match="redis_max_connections"):
        SyncRedisKVStorage(namespace, {"redis_max_connections": "many"})


async def test_value_too_large_rejects_the_whole_batch(face, redis_url, namespace):
    kv = make_face(face, namespace, {"redis_url": redis_url, "addon_params": {"redis_max_value_size": 1000}})
    try:
        with pytest.raises(ValueTooLargeError, match='"big"'):
            await kv.upsert({"small": "x", "big": "y" * 5000})
        assert await kv.count() == 0
    finally:
        await kv.drop()
        await kv.close()
