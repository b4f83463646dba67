"""The copy and the check behind `nano-graphrag-redis migrate`.

Idempotent and resumable by construction: each batch first reads what the
target holds for its ids and writes only the values that are missing or
different. A run that stopped half-way is finished by running it again; a
run over an up-to-date target writes nothing. Writes go through the storage
API (SyncRedisKVStorage), so the target's key layout, prefix and TTL rules
are the library's own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .sources import Source


@dataclass
class NamespaceResult:
    namespace: str
    source_keys: int = 0
    source_bytes: int = 0
    copied: int = 0
    unchanged: int = 0
    verified: int = 0
    mismatched: list[str] = field(default_factory=list)  # first ids that differ
    mismatches: int = 0
    ttl_seconds: float | None = None  # the target's rule for this namespace


MAX_LISTED = 10


def copy_namespace(source: Source, target: Any, result: NamespaceResult, batch_size: int,
                   dry_run: bool, advance: Callable[[int], None]) -> None:
    """Copy one namespace (or, with dry_run, only count keys and bytes)."""
    for batch in source.batches(result.namespace, batch_size):
        result.source_keys += len(batch)
        result.source_bytes += sum(size for _, _, size in batch)
        if not dry_run:
            current = target.get_by_ids([i for i, _, _ in batch])
            todo = {i: v for (i, v, _), now in zip(batch, current, strict=True) if now != v}
            if todo:
                target.upsert(todo)
            result.copied += len(todo)
            result.unchanged += len(batch) - len(todo)
        advance(len(batch))


def verify_namespace(source: Source, target: Any, result: NamespaceResult, batch_size: int,
                     advance: Callable[[int], None]) -> None:
    """Compare every source value with the target's, after the copy."""
    for batch in source.batches(result.namespace, batch_size):
        current = target.get_by_ids([i for i, _, _ in batch])
        for (i, v, _), now in zip(batch, current, strict=True):
            if now == v:
                result.verified += 1
            else:
                result.mismatches += 1
                if len(result.mismatched) < MAX_LISTED:
                    result.mismatched.append(i)
        advance(len(batch))
