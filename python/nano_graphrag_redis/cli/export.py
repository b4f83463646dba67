"""`nano-graphrag-redis export --to json:<working_dir>`: the reverse of `migrate --from json:`.

It writes each namespace as the ``kv_store_<namespace>.json`` that nano-graphrag's
JsonKVStorage reads, streamed: ids come from the index, values in batches of
--batch-size, each written as it arrives; the file appears (atomically renamed)
only when complete. Ids are sorted, so two exports of the same data are the same
bytes. --verify reads the files back (as `migrate --from json:` reads them) and
compares every value with Redis. The workspace is that of --working-dir, by
default the target folder, as `migrate --from json:` takes it from its source.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import click

from .._json import json_text
from ._connect import open_store, settings_for, shown_url, target_config
from ._migrate_command import bar, report_verify
from ._table import table
from .migrate import NamespaceResult, verify_namespace
from .sources import NANO_GRAPHRAG_NAMESPACES, JsonSource, OursSource


def write_namespace(source: OursSource, namespace: str, path: Path, batch_size: int,
                    advance: Callable[[int], None]) -> int:
    """Write one namespace to path as a JSON object, one batch at a time; returns the number of ids."""
    partial = path.with_name(path.name + ".partial")
    n = 0
    try:
        with partial.open("w", encoding="utf-8") as f:
            f.write("{")
            for batch in source.batches(namespace, batch_size):
                for id, value, _ in batch:
                    f.write(",\n  " if n else "\n  ")
                    f.write(f"{json.dumps(id, ensure_ascii=False)}: {json_text(namespace, id, value)}")
                    n += 1
                advance(len(batch))
            f.write("\n}\n" if n else "}\n")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)  # a failed export leaves no half file behind
    return n


def run(target_spec: str, url: str | None, namespaces: list[str] | None, key_prefix: str | None,
        working_dir: str | None, verify: bool, batch_size: int) -> int:
    scheme, sep, location = target_spec.partition(":")
    if scheme != "json" or not sep or not location:
        raise click.UsageError(f"--to {target_spec!r}: expected json:<working_dir>")
    folder = Path(location)
    folder.mkdir(parents=True, exist_ok=True)
    config = target_config(url, key_prefix, working_dir or str(folder))
    settings = settings_for(config)
    source = OursSource(settings.url or "", settings.key_prefix or "", config)
    wanted = namespaces or list(NANO_GRAPHRAG_NAMESPACES)
    workspace = f" (workspace {settings.workspace})" if settings.workspace else ""
    click.echo(f"exporting {shown_url(settings)}{workspace} -> json:{folder}: {', '.join(wanted)}", err=True)
    results = []
    try:
        for ns in wanted:
            result = NamespaceResult(ns)
            with bar(ns, source.count(ns)) as progress:
                result.source_keys = write_namespace(source, ns, folder / f"kv_store_{ns}.json", batch_size,
                                                     progress.update)
            if verify:
                store = open_store(ns, config)
                try:
                    with bar(f"{ns} verify", result.source_keys) as progress:
                        verify_namespace(JsonSource(folder), store, result, batch_size, progress.update)
                finally:
                    store.close()
            results.append(result)
    finally:
        source.close()
    headers = ["namespace", "file", "keys"] + (["verified", "mismatches"] if verify else [])
    rows = [[r.namespace, f"kv_store_{r.namespace}.json", r.source_keys] + ([r.verified, r.mismatches] if verify else [])
            for r in results]
    click.echo(table(headers, rows))
    click.echo(f"exported {sum(r.source_keys for r in results)} keys to {folder}")
    report_verify(results, verify)
    return 1 if any(r.mismatches for r in results) else 0
