"""Where `migrate` reads from. Each source yields batches of (id, value, bytes).

- ``json:<working_dir>``: nano-graphrag's JsonKVStorage files
  ``kv_store_<namespace>.json``, streamed with ijson (memory stays flat
  whatever the file size: docs/migration.md has the measurement).
- ``redis-legacy:<url>``: the NGRAF-016 layout ``<prefix>:<namespace>:<id>``
  with JSON string values (prefix ``nano_graphrag`` unless --source-prefix).
  It has no index, so it is read with SCAN on every master.
- ``redis:<url>``: a deployment of ours, read through the storage API (also what
  ``export`` reads).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol, TypeVar

import msgpack

from .._config import redact_url
from ._connect import RawRedis, open_store, settings_for, source_config

Record = tuple[str, Any, int]  # id, value, size in the source's own encoding
T = TypeVar("T")

# nano-graphrag's KV namespaces: what `redis:` sources and `stats` look at by default.
NANO_GRAPHRAG_NAMESPACES = ("full_docs", "text_chunks", "llm_response_cache", "community_reports")
SCHEMES = ("json", "redis-legacy", "redis")


class Source(Protocol):
    label: str

    def namespaces(self) -> list[str]: ...

    def count(self, namespace: str) -> int | None: ...

    def batches(self, namespace: str, size: int) -> Iterator[list[Record]]: ...

    def close(self) -> None: ...


def open_source(spec: str, source_prefix: str | None) -> Source:
    """The source named by ``scheme:location``; ValueError says what is wrong."""
    scheme, sep, location = spec.partition(":")
    if not sep or scheme not in SCHEMES or not location:
        raise ValueError(f"--from {redact_url(spec)!r}: expected json:<working_dir>, redis-legacy:<url> or redis:<url>")
    if scheme == "json":
        return JsonSource(Path(location))
    if scheme == "redis-legacy":
        return LegacySource(location, source_prefix or "nano_graphrag")
    return OursSource(location, source_prefix or "nano_graphrag")


def _batched(records: Iterator[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class JsonSource:
    PATTERN = re.compile(r"^kv_store_(.+)\.json$")

    def __init__(self, working_dir: Path) -> None:
        if not working_dir.is_dir():
            raise ValueError(f"--from json:{working_dir}: not a directory")
        self.dir = working_dir
        self.label = f"json:{working_dir}"

    def namespaces(self) -> list[str]:
        found = (self.PATTERN.match(p.name) for p in self.dir.iterdir())
        return sorted(m.group(1) for m in found if m)

    def count(self, namespace: str) -> int | None:
        return None  # known only after reading the whole file

    def batches(self, namespace: str, size: int) -> Iterator[list[Record]]:
        path = self.dir / f"kv_store_{namespace}.json"
        if not path.is_file():
            return iter(())
        return _batched(self._records(path), size)

    @staticmethod
    def _records(path: Path) -> Iterator[Record]:
        import ijson

        with path.open("rb") as f:
            for key, value in ijson.kvitems(f, "", use_float=True):
                yield key, value, len(json.dumps(value, ensure_ascii=False).encode())

    def close(self) -> None:
        pass


def _glob_escape(text: str) -> str:
    return re.sub(r"([*?\[\]\\])", r"\\\1", text)


class LegacySource:
    def __init__(self, url: str, prefix: str) -> None:
        self.settings = settings_for(source_config(url, prefix))
        try:
            self.raw = RawRedis.connect(self.settings)
        except Exception as exc:  # noqa: BLE001 - say which side failed
            raise RuntimeError(f"source {redact_url(url)}: {type(exc).__name__}: {exc}") from None
        self.prefix = prefix
        self.label = f"redis-legacy:{redact_url(url)} (prefix {prefix!r})"

    def _scan(self, match: str) -> Iterator[bytes]:
        # RedisCluster.scan_iter walks every primary; a single node is one walk.
        return self.raw.client.scan_iter(match=match, count=1000)

    def namespaces(self) -> list[str]:
        head = self.prefix + ":"
        found = set()
        for key in self._scan(_glob_escape(head) + "*"):
            namespace, sep, _ = key.decode()[len(head):].partition(":")
            if sep:
                found.add(namespace)
        return sorted(found)

    def count(self, namespace: str) -> int | None:
        return None

    def batches(self, namespace: str, size: int) -> Iterator[list[Record]]:
        head = f"{self.prefix}:{namespace}:"
        keys = self._scan(_glob_escape(head) + "*")
        for chunk in _batched(((k, None, 0) for k in keys), size):
            pipe = self.raw.client.pipeline(transaction=False)
            for key, _, _ in chunk:
                pipe.get(key)
            batch: list[Record] = []
            for (key, _, _), raw in zip(chunk, pipe.execute(), strict=True):
                if raw is not None:  # expired or deleted since the scan
                    batch.append((key.decode()[len(head):], json.loads(raw), len(raw)))
            if batch:
                yield batch

    def close(self) -> None:
        self.raw.close()


class OursSource:
    """A deployment of ours, ids in sorted order (so an export writes the same file twice)."""

    def __init__(self, url: str, prefix: str, config: dict[str, Any] | None = None) -> None:
        self.config = config if config is not None else source_config(url, prefix)
        self.label = f"redis:{redact_url(url)} (prefix {prefix!r})"
        self.stores: dict[str, Any] = {}

    def _store(self, namespace: str) -> Any:
        if namespace not in self.stores:
            self.stores[namespace] = open_store(namespace, self.config)
        return self.stores[namespace]

    def namespaces(self) -> list[str]:
        return list(NANO_GRAPHRAG_NAMESPACES)

    def count(self, namespace: str) -> int | None:
        return self._store(namespace).count()

    def batches(self, namespace: str, size: int) -> Iterator[list[Record]]:
        store = self._store(namespace)
        ids = sorted(store.all_keys())
        for lo in range(0, len(ids), size):
            chunk = ids[lo:lo + size]
            values = store.get_by_ids(chunk)
            batch = [(i, v, len(msgpack.packb(v))) for i, v in zip(chunk, values, strict=True) if v is not None]
            if batch:
                yield batch

    def close(self) -> None:
        for store in self.stores.values():
            store.close()
