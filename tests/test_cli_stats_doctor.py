"""`nano-graphrag-redis stats` and `doctor` against real servers.

stats: exact counts, a memory estimate and TTL rules, with no SCAN or KEYS
(INFO commandstats before and after). doctor: a server of our own started
with maxmemory-policy allkeys-lru and appendonly no is flagged, and a
healthy cluster passes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import uuid

import pytest
import redis
from cli_support import run_cli

from nano_graphrag_redis import SyncRedisKVStorage

from conftest import free_port


def scan_like_calls(url: str) -> int:
    stats = redis.Redis.from_url(url).info("commandstats")
    return sum(stats.get(f"cmdstat_{c}", {}).get("calls", 0) for c in ("scan", "keys"))


def test_stats_counts_exactly_without_scan(single_url):
    prefix = "stats_" + uuid.uuid4().hex[:8]
    config = {"redis_url": single_url, "redis_key_prefix": prefix}
    with SyncRedisKVStorage(namespace="text_chunks", global_config=config) as chunks, \
            SyncRedisKVStorage(namespace="llm_response_cache", global_config=config) as cache:
        chunks.upsert({f"chunk-{i}": {"content": "x" * 1500, "tokens": 400} for i in range(300)})
        cache.upsert({f"h{i}": {"return": "answer", "model": "m"} for i in range(7)})
        try:
            before = scan_like_calls(single_url)
            out = run_cli("stats", "--url", single_url, "--key-prefix", prefix, "--json")
            assert scan_like_calls(single_url) == before, "stats must not SCAN or KEYS"
            assert out.returncode == 0, out.stderr
            rows = {r["namespace"]: r for r in json.loads(out.stdout)["namespaces"]}
            assert rows["text_chunks"]["keys"] == 300
            assert 300 * 1500 < rows["text_chunks"]["memory_bytes"] < 300 * 4000
            assert rows["llm_response_cache"]["keys"] == 7
            assert rows["llm_response_cache"]["ttl_seconds"] == 43200
            assert rows["full_docs"]["keys"] == 0 and rows["full_docs"]["ttl_seconds"] == 0
            assert rows["text_chunks"]["topology"] == "single"
            table = run_cli("stats", "--url", single_url, "--key-prefix", prefix)
            assert table.returncode == 0 and "text_chunks" in table.stdout and "43200 s" in table.stdout
        finally:
            chunks.drop()
            cache.drop()


@pytest.fixture
def careless_server(tmp_path):
    """A redis-server of this test's own, set up as the NGRAF-016 compose file did."""
    port = free_port()
    proc = subprocess.Popen([shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1",
                             "--dir", str(tmp_path), "--save", "", "--appendonly", "no",
                             "--maxmemory", "100mb", "--maxmemory-policy", "allkeys-lru"],
                            stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def test_doctor_flags_allkeys_lru_and_no_aof(careless_server):
    out = run_cli("doctor", "--url", careless_server)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "allkeys-lru" in out.stdout and "FAIL" in out.stdout
    assert "appendonly no" in out.stdout
    assert "maxmemory-policy noeviction" in out.stdout, "it says what to change"
    report = json.loads(run_cli("doctor", "--url", careless_server, "--json").stdout)
    status = {c["name"]: c["status"] for c in report["checks"]}
    assert status["eviction policy"] == "fail"
    assert status["persistence (AOF)"] == "warn"
    assert status["ACL / commands"] == "ok"
    assert report["ok"] is False


def test_the_library_refuses_an_evicting_server_when_told_to(careless_server):
    from nano_graphrag_redis import ConfigurationError

    config = {"redis_url": careless_server, "redis_evicting_server": "refuse"}
    with (
        SyncRedisKVStorage(namespace="refuse", global_config=config) as store,
        pytest.raises(ConfigurationError, match="evicting_server.*allkeys-lru"),
    ):
        store.count()
    warned = run_cli("stats", "--url", careless_server, "--namespaces", "full_docs")
    assert warned.returncode == 0 and "maxmemory-policy allkeys-lru" in warned.stderr, "warn (the default) logs it"


def test_doctor_passes_a_healthy_cluster_and_reads_its_coverage(redis_url):
    report = json.loads(run_cli("doctor", "--url", redis_url, "--json").stdout)
    status = {c["name"]: c for c in report["checks"]}
    assert status["eviction policy"]["status"] == "ok"
    assert status["ACL / commands"]["status"] == "ok"
    assert status["server version"]["status"] == "ok"
    info = redis.Redis.from_url(redis_url).info("server")  # Valkey answers redis_version 7.2.4 for old clients
    named = f"Valkey {info['valkey_version']}" if "valkey_version" in info else f"Redis {info['redis_version']}"
    assert status["server version"]["detail"] == named
    if "cluster" in status["connection"]["detail"]:
        assert "16384/16384" in status["cluster"]["detail"] and "3 masters" in status["cluster"]["detail"]
    assert report["ok"] is True


def test_doctor_names_the_step_a_restricted_user_cannot_run(single_url):
    """An ACL user limited to other keys fails the permission probe, and doctor says how to grant it."""
    user, password = "d" + uuid.uuid4().hex[:6], uuid.uuid4().hex
    admin = redis.Redis.from_url(single_url)
    admin.acl_setuser(user, enabled=True, passwords=[f"+{password}"], keys=["other:*"], commands=["+@all"])
    try:
        url = single_url.replace("redis://", f"redis://{user}:{password}@")
        out = run_cli("doctor", "--url", url)
        assert out.returncode == 1
        assert "upsert failed" in out.stdout and "ACL SETUSER" in out.stdout
        assert password not in out.stdout + out.stderr
    finally:
        admin.acl_deluser(user)
