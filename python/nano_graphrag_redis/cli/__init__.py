"""``nano-graphrag-redis``: migrate into, inspect and check a Redis for nano-graphrag.

Commands: `migrate` (migrate.py, sources.py), `export` (export.py), `stats`
(stats.py), `doctor` (doctor.py). The URL comes from ``--url`` or ``REDIS_URL``, with the library's
settings resolution (_connect.py). No output ever holds a password.
Exit codes: 0 ok, 1 mismatch or failure, 2 usage.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

try:
    import click
except ImportError:  # the [cli] extra is not installed
    click = None  # type: ignore[assignment]

from .. import __version__

EXIT_FAILURE = 1
INSTALL_HINT = "nano-graphrag-redis: the command needs its extra: pip install 'nano-graphrag-redis[cli]'"


def _namespaces_option(f: Callable) -> Callable:
    return click.option("--namespaces", metavar="NS[,NS...]",
                        help="Only these namespaces (comma-separated). Default: every one the source has.")(f)


def _url_option(f: Callable) -> Callable:
    return click.option("--url", metavar="URL", help="Redis URL (default: REDIS_URL, then redis://127.0.0.1:6379).")(f)


def _working_dir_option(f: Callable) -> Callable:
    return click.option("--working-dir", metavar="DIR",
                        help="The app's working_dir: the target's index namespaces get the workspace the app "
                             "derives from it (default for a json: source: its folder; else REDIS_WORKSPACE).")(f)


def _split(value: str | None) -> list[str] | None:
    if not value:
        return None
    names = [n.strip() for n in value.split(",") if n.strip()]
    if not names:
        raise click.BadParameter("no namespace given", param_hint="--namespaces")
    return names


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_FAILURE)


def _run(body: Callable[[], int], *settings: Any) -> None:
    """Run a command body; any error becomes exit 1 with a message holding no password."""
    from ._connect import scrub

    try:
        code = body()
    except click.exceptions.Exit:
        raise
    except click.ClickException:
        raise
    except Exception as exc:  # noqa: BLE001 - one message per failure, never a traceback with secrets
        _fail(scrub(f"{type(exc).__name__}: {exc}", *settings))
    sys.exit(code)


def _build() -> Any:
    @click.group(context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(__version__, prog_name="nano-graphrag-redis")
    def cli() -> None:
        """Move nano-graphrag data into Redis, look at it, and check the server.

        The Redis URL comes from --url or REDIS_URL; every other setting from the
        same REDIS_* variables the library reads (docs/configuration.md).
        Exit codes: 0 ok, 1 mismatch or failure, 2 usage.
        """

    @cli.command()
    @click.option("--from", "source_spec", required=True, metavar="SRC",
                  help="json:<working_dir>, redis-legacy:<url> or redis:<url>.")
    @click.option("--to", "to_url", metavar="URL", help="Target Redis URL (default: REDIS_URL).")
    @_namespaces_option
    @click.option("--source-prefix", metavar="PREFIX",
                  help="Key prefix of a redis-legacy: or redis: source (default nano_graphrag).")
    @click.option("--key-prefix", metavar="PREFIX", help="Target key prefix (default: REDIS_KEY_PREFIX, then nano_graphrag).")
    @_working_dir_option
    @click.option("--dry-run", is_flag=True, help="Only count keys and bytes in the source; write nothing.")
    @click.option("--verify", is_flag=True, help="After the copy, compare every key with the source.")
    @click.option("--batch-size", type=click.IntRange(1, 100_000), default=500, show_default=True,
                  help="Keys per read and write round.")
    def migrate(source_spec: str, to_url: str | None, namespaces: str | None, source_prefix: str | None,
                key_prefix: str | None, working_dir: str | None, dry_run: bool, verify: bool,
                batch_size: int) -> None:
        """Copy a JsonKVStorage working dir, a legacy-layout Redis or another deployment into Redis.

        Safe to run again: keys the target already holds with the same value are
        skipped, so a second run copies nothing and a stopped run resumes. Exits 1
        if --verify finds any difference.
        """
        from . import _migrate_command

        _run(lambda: _migrate_command.run(source_spec, to_url, _split(namespaces), source_prefix,
                                          key_prefix, working_dir, dry_run, verify, batch_size))

    @cli.command()
    @click.option("--to", "target_spec", required=True, metavar="DST", help="json:<working_dir>.")
    @_url_option
    @_namespaces_option
    @click.option("--key-prefix", metavar="PREFIX", help="Key prefix (default: REDIS_KEY_PREFIX, then nano_graphrag).")
    @click.option("--working-dir", metavar="DIR",
                  help="The app's working_dir, whose workspace is read (default: the json: folder itself).")
    @click.option("--verify", is_flag=True, help="After writing, read the files back and compare every key.")
    @click.option("--batch-size", type=click.IntRange(1, 100_000), default=500, show_default=True,
                  help="Keys per read round.")
    def export(target_spec: str, url: str | None, namespaces: str | None, key_prefix: str | None,
               working_dir: str | None, verify: bool, batch_size: int) -> None:
        """Write Redis's namespaces as JsonKVStorage files (kv_store_<namespace>.json): rollback and backup.

        The reverse of `migrate --from json:`. Exits 1 if --verify finds any difference.
        """
        from . import export as export_module

        _run(lambda: export_module.run(target_spec, url, _split(namespaces), key_prefix, working_dir, verify,
                                       batch_size))

    @cli.command()
    @_url_option
    @_namespaces_option
    @click.option("--key-prefix", metavar="PREFIX", help="Key prefix (default: REDIS_KEY_PREFIX, then nano_graphrag).")
    @_working_dir_option
    @click.option("--samples", type=click.IntRange(0, 10_000), default=320, show_default=True,
                  help="Values measured per namespace for the memory estimate (0 = no estimate).")
    @click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
    def stats(url: str | None, namespaces: str | None, key_prefix: str | None, working_dir: str | None,
              samples: int, as_json: bool) -> None:
        """Per namespace: exact key count, sampled memory, TTL rule, topology. Never SCAN or KEYS."""
        from . import stats as stats_module

        _run(lambda: stats_module.run(url, _split(namespaces), key_prefix, working_dir, samples, as_json))

    @cli.command()
    @_url_option
    @click.option("--key-prefix", metavar="PREFIX", help="Key prefix to test the ACL against (default as the library).")
    @click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
    def doctor(url: str | None, key_prefix: str | None, as_json: bool) -> None:
        """Check a server before trusting it with data, and say what to change.

        Eviction policy, persistence, cluster state and slot coverage, that the
        user can run every command the library needs within the key prefix, TLS
        and server version. Exits 1 when a check fails.
        """
        from . import doctor as doctor_module

        _run(lambda: doctor_module.run(url, key_prefix, as_json))

    return cli


def main(args: list[str] | None = None, prog_name: str | None = None) -> Any:
    if click is None:
        print(INSTALL_HINT, file=sys.stderr)
        sys.exit(EXIT_FAILURE)
    return _build()(args=args, prog_name=prog_name or "nano-graphrag-redis")


def dumps(obj: Any) -> str:
    return json.dumps(obj, indent=2, sort_keys=True)
