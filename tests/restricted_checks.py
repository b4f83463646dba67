"""`stats` and `doctor` on a server that refuses what managed services refuse (scripts/test-restricted.sh).

Not collected by `pytest tests` (no test_ prefix): it needs the restricted servers that script
starts. The script runs tests/test_storage_methods.py on the same servers, as the same user.
"""

from __future__ import annotations

import json
import uuid

import pytest
import redis
from cli_support import raw_client, run_cli

from nano_graphrag_redis import SyncRedisKVStorage

from conftest import require_env

TOPOLOGIES = {"single": "NGR_TEST_RESTRICTED_URL", "cluster": "NGR_TEST_RESTRICTED_CLUSTER_URL"}


@pytest.fixture(params=sorted(TOPOLOGIES))
def restricted(request: pytest.FixtureRequest) -> tuple[str, bool]:
    return require_env(TOPOLOGIES[request.param]), request.param == "cluster"


@pytest.mark.parametrize("command", [["CONFIG", "GET", "maxmemory-policy"], ["BGSAVE"], ["SAVE"],
                                     ["DEBUG", "SLEEP", "0"], ["SHUTDOWN"], ["CLIENT", "SETINFO", "LIB-NAME", "x"],
                                     ["KEYS", "*"], ["FLUSHALL"]])
def test_the_server_refuses_what_managed_services_refuse(restricted, command):
    """The stand-in is as strict as claimed: renamed away or NOPERM. CLIENT SETINFO among them (the ACL
    denies it; Redis 7.0 does not know it yet), as go-redis' handshake extras broke other projects on
    managed servers (go-redis issues 2911, 3536)."""
    url, cluster = restricted
    client = raw_client(url, cluster)
    try:
        with pytest.raises(redis.ResponseError, match="unknown command|unknown subcommand|NOPERM|no permissions"):
            client.execute_command(*command)
    finally:
        client.close()


def test_stats_counts_on_the_restricted_server(restricted):
    url, _ = restricted
    prefix = "restricted_" + uuid.uuid4().hex[:8]
    with SyncRedisKVStorage(namespace="text_chunks", global_config={"redis_url": url, "redis_key_prefix": prefix}) as s:
        s.upsert({f"c{i}": {"content": "x" * 100} for i in range(25)})
        try:
            out = run_cli("stats", "--url", url, "--key-prefix", prefix, "--json", "--samples", "5")
            assert out.returncode == 0, out.stderr
            rows = {r["namespace"]: r for r in json.loads(out.stdout)["namespaces"]}
            assert rows["text_chunks"]["keys"] == 25
            assert rows["text_chunks"]["memory_bytes"] > 25 * 100
        finally:
            s.drop()


def test_doctor_works_and_its_advice_fits_a_server_without_config(restricted):
    url, _ = restricted
    out = run_cli("doctor", "--url", url)
    assert out.returncode == 0, out.stdout + out.stderr
    report = json.loads(run_cli("doctor", "--url", url, "--json").stdout)
    checks = {c["name"]: c for c in report["checks"]}
    assert checks["ACL / commands"]["status"] == "ok", checks["ACL / commands"]
    assert checks["eviction policy"]["status"] == "ok"  # read from INFO, CONFIG being gone
    assert checks["persistence (AOF)"]["status"] == "warn"  # these servers run appendonly no
    fix = checks["persistence (AOF)"]["fix"]
    assert "CONFIG SET" not in fix and "CONFIG SET" not in out.stdout, "advice a managed service refuses"
    assert "CONFIG is refused here" in fix and "Memorystore" in fix and "MemoryDB" in fix
    assert url.split("@")[0].split(":")[-1] not in out.stdout + out.stderr, "the password is never shown"
