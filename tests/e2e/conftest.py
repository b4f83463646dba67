"""Fixtures for the end-to-end tests: real nano-graphrag, real Redis, offline LLM.

The servers come from scripts/redis/with-redis.sh (make test); a missing
variable fails the test rather than skipping it.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TOPOLOGY_VARIABLES = {"single": "NGR_TEST_REDIS_URL", "cluster": "NGR_TEST_CLUSTER_URL"}


@pytest.fixture(scope="session", autouse=True)
def tokenizer_cache() -> str:
    """o200k_base for tiktoken, fetched by the project's own script (idempotent)."""
    folder = subprocess.run(
        [str(REPO / "scripts" / "fetch-tokenizer.sh")], check=True, capture_output=True, text=True
    ).stdout.strip()
    os.environ["TIKTOKEN_CACHE_DIR"] = folder
    return folder


@pytest.fixture(scope="module", params=sorted(TOPOLOGY_VARIABLES))
def topology(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def redis_url(topology) -> str:
    variable = TOPOLOGY_VARIABLES[topology]
    url = os.environ.get(variable)
    if not url:
        pytest.fail(f"{variable} is not set: run through scripts/redis/with-redis.sh or make test")
    return url


@pytest.fixture(scope="module")
def cluster_addrs(topology) -> list[str]:
    """host:port of every node to scan directly (all cluster nodes, or the single node)."""
    if topology == "single":
        return []
    addrs = os.environ.get("NGR_TEST_CLUSTER_ADDRS", "")
    if not addrs:
        pytest.fail("NGR_TEST_CLUSTER_ADDRS is not set: run through scripts/redis/with-redis.sh or make test")
    return addrs.split(",")
