"""Each failure has its own class and a message that says what failed and
what to do (issue #12 via #9): TLS, server replies, out of memory, wrong
database or topology, a URL without a scheme. Never a password."""

from __future__ import annotations

import os

import pytest

from nano_graphrag_redis import (
    AuthenticationError,
    ConfigurationError,
    OutOfMemoryError,
    RedisKVConnectionError,
    RedisKVError,
    ResponseError,
    SyncRedisKVStorage,
    TLSError,
)

from conftest import raw_redis, require_env

PASSWORD = "hunter2-Sekr1t"


def store(namespace, url, **settings):
    return SyncRedisKVStorage(namespace, {"redis_url": url, **{f"redis_{k}": v for k, v in settings.items()}})


def test_the_hierarchy_matches_redis_py():
    assert issubclass(AuthenticationError, RedisKVConnectionError)  # as redis.exceptions.AuthenticationError
    assert issubclass(TLSError, RedisKVConnectionError) and issubclass(TLSError, ConnectionError)
    assert issubclass(OutOfMemoryError, ResponseError) and issubclass(ResponseError, RedisKVError)


def test_a_database_the_server_lacks_is_a_configuration_error(single_url, namespace):
    with pytest.raises(ConfigurationError) as info:  # before: InternalError
        store(namespace, f"{single_url}/99").count()
    assert "database 99 does not exist" in str(info.value) and "url" in str(info.value)


def test_topology_cluster_on_a_single_node_is_a_configuration_error(single_url, namespace):
    with pytest.raises(ConfigurationError) as info:  # before: InternalError
        store(namespace, single_url, topology="cluster").count()
    assert "not a cluster" in str(info.value) and "topology" in str(info.value)


def test_a_url_without_scheme_gets_a_hint(namespace):
    with pytest.raises(ConfigurationError, match="no scheme.*redis://localhost:6379"):
        store(namespace, "localhost:6379")


def test_rediss_to_a_plain_port_is_a_tls_error_with_a_hint(single_url, namespace):
    url = single_url.replace("redis://", f"rediss://:{PASSWORD}@")
    with pytest.raises(TLSError) as info:
        store(namespace, url, max_retries=0).count()
    assert "TLS" in str(info.value) and "use redis://" in str(info.value)
    assert PASSWORD not in str(info.value)


def test_an_untrusted_server_certificate_is_a_tls_error_naming_the_ca_option(namespace):
    url = require_env("NGR_TEST_TLS_URL")  # no tls_ca_file: the test CA is unknown to the system
    with pytest.raises(TLSError, match="tls_ca_file"):
        store(namespace, url, max_retries=0).count()


def test_redis_to_a_tls_port_is_a_connection_error_suggesting_rediss(namespace):
    url = require_env("NGR_TEST_TLS_URL").replace("rediss://", "redis://")
    with pytest.raises(RedisKVConnectionError) as info:
        store(namespace, url, max_retries=0).count()
    assert "rediss://" in str(info.value) and "maxclients" in str(info.value)
    assert not str(info.value).startswith("storage: detecting topology")


def test_a_server_error_reply_is_a_response_error(single_url, namespace, spawn_redis):
    port = spawn_redis("--maxmemory", "1mb", "--maxmemory-policy", "noeviction")
    kv = store(namespace, f"redis://127.0.0.1:{port}")
    with pytest.raises(OutOfMemoryError) as info:  # before: InternalError
        kv.upsert({f"k{i}": "x" * 100_000 for i in range(30)})
    assert "OOM command not allowed" in str(info.value)
    assert isinstance(info.value, ResponseError)
    kv.close()


def test_maxclients_reached_fails_fast_with_a_hint(namespace, spawn_redis):
    # Before: the handshake's retries nested, ~45 s per call with the defaults.
    import socket
    import time

    port = spawn_redis("--maxclients", "1")
    for _ in range(100):  # take the only client slot, once the start-up probe's connection is gone
        holder = socket.create_connection(("127.0.0.1", port))
        holder.sendall(b"PING\r\n")
        if holder.recv(100) == b"+PONG\r\n":
            break
        holder.close()
        time.sleep(0.05)
    try:
        kv = store(namespace, f"redis://127.0.0.1:{port}", max_retries=3, connection_timeout=1)
        start = time.monotonic()
        with pytest.raises(RedisKVConnectionError, match="max number of clients reached.*maxclients"):
            kv.count()
        assert time.monotonic() - start < 1 * (3 + 1)  # dial_timeout x (max_retries+1)
        kv.close()
    finally:
        holder.close()


def test_mtls_without_a_client_certificate_is_a_tls_error(namespace, spawn_redis):
    ca = require_env("NGR_TEST_TLS_CA")
    tls_dir = os.path.dirname(ca)
    port = spawn_redis("--port", "0", "--tls-port", str(__import__("conftest").free_port()),
                       "--tls-cert-file", f"{tls_dir}/server.pem", "--tls-key-file", f"{tls_dir}/server.key",
                       "--tls-ca-cert-file", ca, "--tls-auth-clients", "yes")
    kv = store(namespace, f"rediss://127.0.0.1:{port}", tls_ca_file=ca, max_retries=3)
    with pytest.raises(TLSError, match="tls_cert_file"):
        kv.count()
    kv.close()


def test_a_command_the_acl_refuses_inside_our_script_is_an_authentication_error(namespace, spawn_redis):
    port = spawn_redis()
    admin = raw_redis(f"redis://127.0.0.1:{port}")
    # Everything but ZADD, which only the upsert's index script calls: the refusal comes from inside Lua.
    admin.acl_setuser("nozadd", enabled=True, passwords=[f"+{PASSWORD}"], keys=["*"], commands=["+@all", "-zadd"])
    kv = store(namespace, f"redis://nozadd:{PASSWORD}@127.0.0.1:{port}")
    with pytest.raises(AuthenticationError) as info:  # before: ResponseError
        kv.upsert({"a": {"v": 1}})
    assert "script" in str(info.value) and PASSWORD not in str(info.value)
    kv.close()
