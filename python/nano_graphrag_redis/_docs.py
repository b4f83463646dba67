"""The docstrings of the storage methods, written once for both faces.

`help(SyncRedisKVStorage.get_by_id)` and `help(RedisKVStorage.get_by_id)`
say the same thing (the async one is awaited), and the wheel carries no
docs/, so these texts are the reference a user sees.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

C = TypeVar("C", bound=type)

METHODS: dict[str, str] = {
    "all_keys": "Every id stored in this namespace (live ones: expired ids are left out), in no particular order.",
    "get_by_id": "The value stored under ``id``, or None when there is none.",
    "get_by_ids": (
        "The values of ``ids`` in the same order, None for a missing id. With ``fields``,\n"
        "each dict value is cut down to those top-level keys (done in Go, nested values untouched)."
    ),
    "filter_keys": "The ids of ``data`` that are NOT stored (nano-graphrag's contract), as a set.",
    "upsert": (
        "Store every ``id: value`` of ``data`` (JSON-like values: dict, list, str, int, float,\n"
        "bool, None, bytes) and return how many were written. A value that cannot be\n"
        "serialised rejects the whole batch, naming its key, and nothing is written."
    ),
    "delete_by_id": "Delete ``id``; True when a live value was removed.",
    "drop": "Delete every id of this namespace (and only of it); returns how many were removed.",
    "count": "The exact number of live ids in this namespace (TTL-expired ones are not counted).",
    "repair": (
        "Remove index entries whose value was deleted behind the storage's back (by hand or\n"
        "by eviction); returns how many. Never needed after the storage's own writes."
    ),
    "ping": "True once Redis answered PING; raises the connection error otherwise (readiness probes).",
    "get_stats": (
        "A snapshot for monitoring (docs/monitoring.md): exact key count, TTL, key prefix and\n"
        "workspace, pool stats, counters and per-operation metrics, the last health check; with\n"
        "``memory_samples=N``, MEMORY USAGE of N sampled values. Never a SCAN, never the password."
    ),
    "index_start_callback": "nano-graphrag's hook before indexing: nothing to do.",
    "index_done_callback": (
        "nano-graphrag's hook after indexing and after every uncached LLM call: nothing to do,\n"
        "on purpose (every write is already on the server; persistence is its AOF)."
    ),
    "query_done_callback": "nano-graphrag's hook after a query: nothing to do.",
    "close": "Release this storage's native store (its connection pool goes with the last one). Idempotent.",
    "aclose": "Release this storage's native store (its connection pool goes with the last one). Idempotent.",
}


def documented(cls: C) -> C:
    """Class decorator: give each method named in METHODS its docstring."""
    for name, doc in METHODS.items():
        method: Callable | None = cls.__dict__.get(name)
        if method is not None:
            method.__doc__ = doc
    return cls
