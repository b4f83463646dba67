"""`stats`: per namespace the exact count, a sampled memory estimate, the TTL
rule and the topology, through the storage API: per namespace one pipelined
round of ~64 small scripts for the count, plus --samples MEMORY USAGE calls.
Never SCAN, never KEYS."""

from __future__ import annotations

import click

from . import dumps
from ._connect import open_store, settings_for, shown_url, target_config
from ._table import human_bytes, table, ttl_rule
from .sources import NANO_GRAPHRAG_NAMESPACES


def collect(url: str | None, namespaces: list[str] | None, key_prefix: str | None, working_dir: str | None,
            samples: int) -> list[dict]:
    config = target_config(url, key_prefix, working_dir)
    out = []
    for namespace in namespaces or NANO_GRAPHRAG_NAMESPACES:
        store = open_store(namespace, config)
        try:
            s = store.get_stats(memory_samples=samples)
        finally:
            store.close()
        memory = s.get("memory") or {}
        out.append({
            "namespace": namespace,
            "keys": s["keys"],
            "memory_bytes": memory.get("bytes") if samples else None,
            "memory_sampled": memory.get("sampled", 0),
            "ttl_seconds": s["ttl_seconds"],
            "topology": s["topology"],
            "key_prefix": s["key_prefix"],
            "workspace": s.get("workspace", ""),
        })
    return out


def run(url: str | None, namespaces: list[str] | None, key_prefix: str | None, working_dir: str | None,
        samples: int, as_json: bool) -> int:
    rows = collect(url, namespaces, key_prefix, working_dir, samples)
    if as_json:
        click.echo(dumps({"url": shown_url(settings_for(target_config(url))), "namespaces": rows}))
        return 0
    click.echo(f"{shown_url(settings_for(target_config(url)))} ({rows[0]['topology'] if rows else '?'})")
    click.echo(table(
        ("namespace", "keys", "memory (est.)", "sampled", "TTL"),
        [(r["namespace"], r["keys"], human_bytes(r["memory_bytes"]), r["memory_sampled"], ttl_rule(r["ttl_seconds"]))
         for r in rows],
    ))
    return 0
