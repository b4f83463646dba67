"""Helpers for the command's tests: run it as a user does, write a legacy-layout database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import redis


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``python -m nano_graphrag_redis ARGS`` in a fresh process; stdout and stderr captured."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("REDIS_")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "nano_graphrag_redis", *args],
                          check=False, capture_output=True, text=True, env=full_env, timeout=600)


def raw_client(url: str, cluster: bool) -> Any:
    return redis.RedisCluster.from_url(url) if cluster else redis.Redis.from_url(url)


def write_legacy(url: str, cluster: bool, prefix: str, data: dict[str, dict[str, Any]]) -> int:
    """The NGRAF-016 layout: ``<prefix>:<namespace>:<id>`` holding json.dumps(value)."""
    client = raw_client(url, cluster)
    pipe = client.pipeline(transaction=False)
    n = 0
    for namespace, items in data.items():
        for key, value in items.items():
            pipe.set(f"{prefix}:{namespace}:{key}", json.dumps(value))
            n += 1
    pipe.execute()
    client.close()
    return n


def delete_legacy(url: str, cluster: bool, prefix: str) -> None:
    client = raw_client(url, cluster)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    for key in keys:
        client.delete(key)
    client.close()
