"""Opening a store does no network I/O; the first operation connects.

So the asyncio face never blocks its event loop on an unreachable server:
connection errors arrive through the awaited future like any other error,
a failed connect is retried by the next call, and option errors are still
reported at once, before anything dials.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import time

import pytest

from nano_graphrag_redis import ConfigurationError, RedisKVConnectionError, RedisKVStorage, _native

from conftest import free_port, make_face

# go-redis waits at least min_retry_backoff before each retry, so one failed
# connect here lasts at least 4 x 0.1 s: long enough for a responsive loop to
# tick many times.
SLOW_FAILING_CONNECT = {"redis_max_retries": 4, "redis_min_retry_backoff": 0.1, "redis_max_retry_backoff": 0.2}


async def test_unreachable_server_fails_awaits_without_blocking_the_loop(namespace):
    config = {"redis_url": f"redis://127.0.0.1:{free_port()}", **SLOW_FAILING_CONNECT}
    kv = RedisKVStorage(namespace, config)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticking = asyncio.ensure_future(ticker())
    await asyncio.sleep(0)
    try:
        results = await asyncio.gather(*[kv.get_by_id(f"k{i}") for i in range(50)], return_exceptions=True)
    finally:
        ticking.cancel()
        await kv.aclose()
    assert all(isinstance(r, RedisKVConnectionError) for r in results), results
    # A loop blocked in a connect (once per await) would tick about once in all.
    assert ticks >= 10, f"the event loop ticked only {ticks} times while 50 connects failed"


def start_redis(port: int) -> subprocess.Popen[bytes]:
    """A throwaway redis-server on port (no persistence), once it answers PING."""
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return proc
        except OSError:
            time.sleep(0.02)
    proc.kill()
    proc.wait()
    pytest.fail(f"redis-server on port {port} did not start")


async def test_server_that_comes_up_later_works_on_the_next_call(face, namespace):
    port = free_port()
    kv = make_face(face, namespace, {"redis_url": f"redis://127.0.0.1:{port}", "redis_max_retries": -1})
    with pytest.raises(RedisKVConnectionError):
        await kv.get_by_id("a")
    server = start_redis(port)
    try:
        assert await kv.upsert({"a": {"v": 1}}) == 1
        assert await kv.get_by_id("a") == {"v": 1}
        await kv.close()
    finally:
        server.terminate()
        server.wait()


def test_open_validates_options_without_connecting():
    unreachable = {"url": f"redis://127.0.0.1:{free_port()}"}
    handle = _native.store_open(json.dumps(unreachable).encode(), "ns")  # no server needed
    _native.store_close(handle)
    # Checked by the Go core at open, before any dial: a cluster has only db 0.
    bad = {"url": f"redis://127.0.0.1:{free_port()}/3", "topology": "cluster"}
    with pytest.raises(ConfigurationError, match="url"):
        _native.store_open(json.dumps(bad).encode(), "ns")
