"""`migrate`'s command line face: progress bar, summary table, exit code (logic in migrate.py)."""

from __future__ import annotations

import sys
from typing import Any

import click
from tqdm import tqdm

from ._connect import open_store, scrub, settings_for, shown_url, target_config
from ._table import human_bytes, table, ttl_rule
from .migrate import NamespaceResult, copy_namespace, verify_namespace
from .sources import JsonSource, open_source


def run(source_spec: str, to_url: str | None, namespaces: list[str] | None, source_prefix: str | None,
        key_prefix: str | None, working_dir: str | None, dry_run: bool, verify: bool, batch_size: int) -> int:
    try:
        source = open_source(source_spec, source_prefix)
    except ValueError as exc:
        raise click.UsageError(scrub(str(exc), settings_for(target_config(to_url)))) from None
    if working_dir is None and isinstance(source, JsonSource):
        working_dir = str(source.dir)  # the app reads its KV under the workspace of this folder
    config = target_config(to_url, key_prefix, working_dir)
    target_settings = settings_for(config)
    try:
        wanted = namespaces or source.namespaces()
        action = "counting (dry run)" if dry_run else "copying"
        workspace = f" (workspace {target_settings.workspace})" if target_settings.workspace else ""
        click.echo(f"{action} {source.label} -> {shown_url(target_settings)}{workspace}: "
                   f"{', '.join(wanted) or 'no namespace found'}", err=True)
        results = [_one(source, ns, config, batch_size, dry_run, verify) for ns in wanted]
    finally:
        source.close()
    _summary(results, dry_run, verify)
    return 1 if any(r.mismatches for r in results) else 0


def _one(source: Any, namespace: str, config: dict, batch_size: int, dry_run: bool, verify: bool) -> NamespaceResult:
    result = NamespaceResult(namespace)
    target = None if dry_run else open_store(namespace, config)
    try:
        with bar(f"{namespace}", source.count(namespace)) as progress:
            copy_namespace(source, target, result, batch_size, dry_run, progress.update)
        if target is not None:
            result.ttl_seconds = target.get_stats()["ttl_seconds"]
            if verify:
                with bar(f"{namespace} verify", result.source_keys) as progress:
                    verify_namespace(source, target, result, batch_size, progress.update)
    finally:
        if target is not None:
            target.close()
    return result


def bar(label: str, total: int | None) -> tqdm:
    """The progress bar of migrate and export."""
    # On stderr, keys/s in the rate; off when stderr is not a terminal (logs, CI).
    return tqdm(total=total, desc=label, unit=" keys", file=sys.stderr, disable=None, dynamic_ncols=True)


def _summary(results: list[NamespaceResult], dry_run: bool, verify: bool) -> None:
    if dry_run:
        rows = [(r.namespace, r.source_keys, human_bytes(r.source_bytes)) for r in results]
        click.echo(table(("namespace", "keys", "bytes"), rows))
        total = sum(r.source_keys for r in results)
        click.echo(f"dry run: {total} keys, {human_bytes(sum(r.source_bytes for r in results))} in the source; nothing written")
        return
    headers = ["namespace", "source keys", "bytes", "copied", "already there", "target TTL"]
    if verify:
        headers += ["verified", "mismatches"]
    report_rows = []
    for r in results:
        row = [r.namespace, r.source_keys, human_bytes(r.source_bytes), r.copied, r.unchanged, ttl_rule(r.ttl_seconds)]
        if verify:
            row += [r.verified, r.mismatches]
        report_rows.append(row)
    click.echo(table(headers, report_rows))
    copied = sum(r.copied for r in results)
    if copied == 0:
        click.echo("copied 0 keys: the target already holds every source key with the same value")
    else:
        click.echo(f"copied {copied} keys")
    report_verify(results, verify)


def report_verify(results: list[NamespaceResult], verify: bool) -> None:
    """The last lines of migrate and export: each namespace that differs, or that all keys are equal."""
    for r in results:
        if r.mismatches:
            click.echo(f"MISMATCH in {r.namespace}: {r.mismatches} keys differ, e.g. {', '.join(map(repr, r.mismatched))}",
                       err=True)
    if verify and not any(r.mismatches for r in results):
        click.echo(f"verify: all {sum(r.verified for r in results)} keys equal")
