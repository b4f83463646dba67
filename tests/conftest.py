"""Shared fixtures: real Redis servers from the environment, and the two faces.

The servers come from scripts/redis/with-redis.sh (`make test`); a missing
variable fails the test rather than skipping it. `kv` runs a test through
both faces (sync and asyncio) on both topologies (single node and cluster):
the sync face is wrapped so every test is written once, with ``await``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import uuid
import zlib
from typing import Any

import pytest

# ngr_debug_panic is enabled by this variable when the library loads (lazily, later).
os.environ.setdefault("NGR_TEST_HOOKS", "1")

from nano_graphrag_redis import RedisKVStorage, SyncRedisKVStorage

HINT = "run through scripts/redis/with-redis.sh or make test"
TOPOLOGY_ENV = {"single": "NGR_TEST_REDIS_URL", "cluster": "NGR_TEST_CLUSTER_URL"}


@pytest.fixture(scope="module")
def tokenizer_cache() -> str:
    """The folder holding o200k_base (for TIKTOKEN_CACHE_DIR), fetched by the project's own script."""
    script = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts", "fetch-tokenizer.sh")
    return subprocess.run([script], check=True, capture_output=True, text=True).stdout.strip()


def require_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: {HINT}")
    return value


@pytest.fixture(params=sorted(TOPOLOGY_ENV))
def redis_url(request: pytest.FixtureRequest) -> str:
    return require_env(TOPOLOGY_ENV[request.param])


@pytest.fixture
def single_url() -> str:
    return require_env("NGR_TEST_REDIS_URL")


@pytest.fixture
def namespace() -> str:
    # Test runs share the servers: every test gets its own namespace.
    return "t_" + uuid.uuid4().hex[:16]


class SyncAsAsync:
    """SyncRedisKVStorage with awaitable methods, so one test body serves both faces."""

    def __init__(self, store: SyncRedisKVStorage) -> None:
        self.store = store

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.store, name)

        async def call(*args: Any, **kwargs: Any) -> Any:
            return method(*args, **kwargs)

        return call

    async def close(self) -> None:
        self.store.close()


class AsyncFace:
    """RedisKVStorage as is, with close() meaning aclose()."""

    def __init__(self, store: RedisKVStorage) -> None:
        self.store = store

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    async def close(self) -> None:
        await self.store.aclose()


def free_port() -> int:
    """A loopback port nothing listens on (for unreachable-server tests)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_face(face: str, namespace: str, global_config: dict[str, Any]) -> Any:
    if face == "sync":
        return SyncAsAsync(SyncRedisKVStorage(namespace=namespace, global_config=global_config))
    return AsyncFace(RedisKVStorage(namespace=namespace, global_config=global_config))


@pytest.fixture(params=["sync", "async"])
def face(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
async def kv(face: str, redis_url: str, namespace: str):
    store = make_face(face, namespace, {"redis_url": redis_url})
    yield store
    if not store.store.closed:
        await store.drop()
        await store.close()


def value_key(namespace: str, id: str, prefix: str = "nano_graphrag") -> str:
    """The Redis key of id's value (layout in storage/keys.go): for writing damaged bytes in tests."""
    bucket = zlib.crc32(id.encode("utf-8", "surrogateescape")) % 64
    return f"{prefix}:{{{namespace}:{bucket}}}:v:{id}"


def index_key(namespace: str, bucket: int, prefix: str = "nano_graphrag") -> str:
    return f"{prefix}:{{{namespace}:{bucket}}}:i"


def raw_redis(url: str) -> Any:
    """A redis-py client on the test server (cluster-aware), to plant bytes our library would never write."""
    import redis
    from redis.cluster import RedisCluster

    if url == os.environ.get("NGR_TEST_CLUSTER_URL"):
        return RedisCluster.from_url(url)
    return redis.Redis.from_url(url)


@pytest.fixture
def spawn_redis(tmp_path):
    """Start a throwaway redis-server with extra arguments (a setting no shared test server may have,
    e.g. maxmemory or maxclients) on a free loopback port; returns its port (start.pids maps it to the
    server's pid, for tests that stop it). Stopped by its own handle."""
    import subprocess
    import time

    procs = []

    def start(*args: str) -> int:
        port = free_port()
        proc = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
             "--dir", str(tmp_path), *args],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        procs.append(proc)
        start.pids[port] = proc.pid
        tls = "--tls-port" in args
        probe = int(args[args.index("--tls-port") + 1]) if tls else port
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", probe), timeout=0.2).close()
                return probe
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    start.pids = {}
    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=10)
