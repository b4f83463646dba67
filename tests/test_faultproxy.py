"""The fault proxy itself (tests/faultproxy.py over internal/faultproxy), in front of the real
test server and spoken to by redis-py, so a fault test that relies on it relies on something
tested: each fault does what it says, and clearing it restores the path."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import faultproxy
import pytest
import redis


@pytest.fixture
def proxy(single_url):
    p = faultproxy.in_front_of(single_url)
    yield p
    p.close()


def client(proxy, **kw):
    return redis.Redis.from_url(proxy.url, socket_timeout=kw.pop("socket_timeout", 5), **kw)


def test_forwards_untouched_and_counts(proxy):
    r = client(proxy)
    assert r.ping()
    r.set("faultproxy:k", b"v" * 1000)
    assert r.get("faultproxy:k") == b"v" * 1000
    stats = proxy.stats()
    assert stats["connections"] == 1 and stats["bytes_to_server"] > 1000 and stats["bytes_to_client"] > 1000
    r.delete("faultproxy:k")


def test_latency_is_added_in_each_direction(proxy):
    r = client(proxy)
    r.ping()
    with proxy.faults(latency_ms=25):
        start = time.perf_counter()
        r.ping()
        assert time.perf_counter() - start >= 0.050  # a lower bound: twice the latency, never less
    assert proxy.in_force() == {}  # cleared on leaving the block
    assert r.ping()


def test_a_black_hole_holds_bytes_until_it_closes(proxy, single_url):
    r = client(proxy, socket_timeout=0.3)
    r.ping()
    direct = redis.Redis.from_url(single_url)
    with proxy.faults(blackhole=True):
        with pytest.raises(redis.TimeoutError):
            r.set("faultproxy:held", "1")
        assert direct.get("faultproxy:held") is None  # nothing reached the server
        with pytest.raises(redis.TimeoutError):
            client(proxy, socket_timeout=0.3).ping()  # a new connection is accepted, then silence
    # The held SET arrives once the path heals, as TCP would retransmit it: "outcome unknown".
    deadline = time.monotonic() + 5
    while direct.get("faultproxy:held") is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert direct.get("faultproxy:held") == b"1"
    assert client(proxy).ping()
    direct.delete("faultproxy:held")


def test_reset_after_bytes_cuts_a_command_midway(proxy, single_url):
    r = client(proxy)
    r.ping()
    direct = redis.Redis.from_url(single_url)
    proxy.set(reset_after_bytes=2000)
    with pytest.raises(redis.ConnectionError):
        r.set("faultproxy:big", b"x" * 100_000)
    assert direct.exists("faultproxy:big") == 0  # half a command is no command
    assert proxy.stats()["resets"] >= 1
    proxy.clear()
    assert client(proxy).set("faultproxy:big", b"x" * 100_000)
    direct.delete("faultproxy:big")


def test_reset_connections_now(proxy):
    r = client(proxy)
    r.ping()
    assert proxy.reset_connections() == 1
    assert r.ping()  # redis-py reconnects once


def test_rate_caps_bandwidth(proxy, single_url):
    redis.Redis.from_url(single_url).set("faultproxy:bw", b"b" * 300_000)
    r = client(proxy)
    r.ping()
    with proxy.faults(rate_bytes_per_s=1_000_000):
        start = time.perf_counter()
        assert len(r.get("faultproxy:bw")) == 300_000
        assert time.perf_counter() - start >= 0.25  # 300 kB at 1 MB/s: at least 0.3 s, less one piece
    r.delete("faultproxy:bw")


def test_url_keeps_the_database_and_credentials(single_url):
    with faultproxy.in_front_of(single_url.replace("redis://", "redis://user:pw@") + "/3") as p:
        assert p.url == f"redis://user:pw@{p.listen}/3"
        assert p.upstream == single_url.removeprefix("redis://")


def test_a_misspelt_or_bad_fault_is_refused(proxy):
    with pytest.raises(TypeError, match="latency"):
        proxy.set(latency=5)
    with pytest.raises(faultproxy.FaultProxyError, match="latency_ms"):
        proxy.set(latency_ms=-1)


def test_the_command_line(single_url):
    script = [sys.executable, str(Path(faultproxy.__file__))]
    listen = subprocess.run([*script, "add", "cli-test", single_url.removeprefix("redis://"), "--latency-ms", "0.5"],
                            check=True, capture_output=True, text=True).stdout.strip()
    try:
        assert redis.Redis.from_url(f"redis://{listen}").ping()
        listed = subprocess.run([*script, "list"], check=True, capture_output=True, text=True).stdout
        assert '"latency_ms": 0.5' in listed
        subprocess.run([*script, "set", "cli-test", "--blackhole"], check=True)
        with pytest.raises(redis.TimeoutError):
            redis.Redis.from_url(f"redis://{listen}", socket_timeout=0.3).ping()
        subprocess.run([*script, "clear", "cli-test"], check=True)
        assert redis.Redis.from_url(f"redis://{listen}", socket_timeout=5).ping()
    finally:
        subprocess.run([*script, "rm", "cli-test"], check=True)
