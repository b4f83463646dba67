"""Faults between client and server, through the fault proxy (internal/faultproxy): added latency.

Every other scenario faults the server; these fault the path to it. The
proxy runs in scripts/reliability.sh (NGR_FAULTPROXY_API) in front of the
plain node.
"""

from __future__ import annotations

import sys
import time
import uuid
from pathlib import Path
from typing import Any

from load import Load, settings
from servers import admin, ports

from nano_graphrag_redis import SyncRedisKVStorage

sys.path.insert(0, str(Path(__file__).parent.parent))  # tests/faultproxy.py
import faultproxy

# Commands a new connection or a stats read sends: not writes, so not counted as one.
_SETUP = {"hello", "client", "ping", "info", "select", "auth", "command", "cluster", "readonly", "config"}
_BATCHES = 50


def _server_calls(port: int) -> int:
    """Commands the server ran since start, connection setup left out."""
    stats = admin(port).info("commandstats")
    return sum(v["calls"] for k, v in stats.items() if k.removeprefix("cmdstat_").split("|")[0] not in _SETUP)


def _calls_per_batch(url: str, port: int) -> float:
    """Server commands per upsert of 4 fresh ids, over _BATCHES serial upserts: a retried write shows here."""
    store = SyncRedisKVStorage(namespace=f"lat-{uuid.uuid4().hex[:8]}", global_config=settings(url))
    try:
        store.upsert({"warm": {"n": 0}})  # connect first: the count is of steady state only
        before = _server_calls(port)
        for i in range(_BATCHES):
            store.upsert({f"{i}-{j}": {"n": i} for j in range(4)})
        calls = _server_calls(port) - before
        store.drop()
    finally:
        store.close()
    return calls / _BATCHES


def latency(profile: dict, latency_ms: float) -> dict[str, Any]:
    """latency_ms added per direction: every call succeeds, no write is sent twice."""
    port = ports("PLAIN")[0]
    direct = f"redis://127.0.0.1:{port}"
    baseline = _calls_per_batch(direct, port)
    with faultproxy.in_front_of(direct, latency_ms=latency_ms) as proxy:
        through = _calls_per_batch(proxy.url, port)
        with Load(proxy.url) as load:
            time.sleep(profile["warmup"] + profile["after_fault"])
        result = load.summary()  # reads every acknowledged write back, through the proxy
    result["latency_ms_per_direction"] = latency_ms
    result["server_commands_per_upsert"] = {"direct": baseline, "through_proxy": through}
    result["promise"] = (f"+{latency_ms} ms each way: every call succeeds, none is retried into a duplicate write "
                         "(server commands per upsert as without the proxy)")
    result["kept"] = (not result["errors"] and result["lost"] == 0 and result["wrong"] == 0
                      and through == baseline and result["ops"] > 0)
    return result
