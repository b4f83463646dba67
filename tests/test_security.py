"""docs/security.md, tested: mTLS, and the minimal ACL user's limits.

The whole storage-method suite also runs as that ACL user (scripts/test-acl.sh,
`make test-acl`); these tests check what the ACL refuses and that its
password stays out of what a caller can print.
"""

from __future__ import annotations

import os

import pytest

from nano_graphrag_redis import AuthenticationError, RedisKVError, SyncRedisKVStorage

from conftest import make_face, require_env


def mtls_config(**extra: object) -> dict[str, object]:
    return {"redis_url": require_env("NGR_TEST_MTLS_URL"), "redis_tls_ca_file": require_env("NGR_TEST_TLS_CA"),
            "redis_max_retries": 0, "redis_connection_timeout": 2.0, **extra}


async def test_mtls_round_trip_with_client_certificate(face: str, namespace: str) -> None:
    kv = make_face(face, namespace, mtls_config(
        redis_tls_cert_file=require_env("NGR_TEST_TLS_CLIENT_CERT"),
        redis_tls_key_file=require_env("NGR_TEST_TLS_CLIENT_KEY")))
    try:
        await kv.upsert({"a": {"over": "mtls"}})
        assert await kv.get_by_id("a") == {"over": "mtls"}
        await kv.drop()
    finally:
        await kv.close()


@pytest.mark.parametrize("cert", ["none", "server certificate as client"])
def test_mtls_refuses_a_client_without_a_valid_certificate(namespace: str, cert: str) -> None:
    extra = {}
    if cert != "none":  # signed by the CA, but the key does not match: the handshake fails
        extra = {"redis_tls_cert_file": require_env("NGR_TEST_TLS_CLIENT_CERT"),
                 "redis_tls_key_file": os.path.join(os.path.dirname(require_env("NGR_TEST_TLS_CA")), "server.key")}
    with SyncRedisKVStorage(namespace=namespace, global_config=mtls_config(**extra)) as kv, \
            pytest.raises(RedisKVError):
        kv.get_by_id("a")


def acl_url(topology: str) -> str:
    return require_env({"single": "NGR_TEST_ACL_REDIS_URL", "cluster": "NGR_TEST_ACL_CLUSTER_URL"}[topology])


@pytest.mark.parametrize("topology", ["single", "cluster"])
def test_acl_user_cannot_touch_keys_outside_its_prefix(namespace: str, topology: str) -> None:
    config = {"redis_url": acl_url(topology), "redis_key_prefix": "other_app"}
    with SyncRedisKVStorage(namespace=namespace, global_config=config) as kv, \
            pytest.raises(AuthenticationError, match="no permissions to access one of the keys") as raised:
        kv.upsert({"a": {"x": 1}})
    password = acl_url(topology).split("@")[0].rsplit(":", 1)[1]
    assert password not in str(raised.value) and password not in repr(kv)


@pytest.mark.parametrize("topology", ["single", "cluster"])
def test_acl_user_can_wait_for_replicas_on_its_keys(namespace: str, topology: str) -> None:
    config = {"redis_url": acl_url(topology), "redis_wait_replicas": 1 if topology == "cluster" else 0}
    with SyncRedisKVStorage(namespace=namespace, global_config=config) as kv:
        assert kv.upsert({"a": {"x": 1}, "b": {"y": 2}}) == 2
        assert kv.get_by_ids(["a", "b", "c"], fields=["x"]) == [{"x": 1}, {}, None]
        assert kv.count() == 2 and sorted(kv.all_keys()) == ["a", "b"]
        assert kv.repair() == 0 and kv.drop() == 2
