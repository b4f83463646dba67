"""Faults between our client and Redis: drive the fault proxy (internal/faultproxy).

The test scripts start one ngr-faultproxy process with the servers
(scripts/redis/with-redis.sh, scripts/reliability.sh) and export its API as
NGR_FAULTPROXY_API. This module puts a proxy in front of a server and changes
what it does to the bytes, at once, also for open connections:

    import faultproxy   # tests/ is on sys.path in pytest and in the fault suite

    proxy = faultproxy.in_front_of("redis://127.0.0.1:6379", latency_ms=0.125)  # +0.25 ms a round trip
    store = SyncRedisKVStorage("docs", {"redis_url": proxy.url})                  # through the proxy
    with proxy.faults(blackhole=True):   # bytes accepted, nothing forwarded, until the block ends
        ...
    proxy.close()

Faults (any combination; set() replaces them all, clear() removes them):
latency_ms (per direction, fractions allowed), rate_bytes_per_s (each
direction, all connections together), blackhole, reset_after_bytes (every
connection is reset once it has sent that many bytes toward the server).
reset_connections() resets the open connections now.

From a shell (prints the proxy's address):

    python3 tests/faultproxy.py add NAME HOST:PORT [--latency-ms L] [--rate-bytes-per-s R]
    python3 tests/faultproxy.py set NAME [--blackhole] [...]    |  clear [NAME]  |  rm NAME  |  list

Standard library only, so scripts and benchmarks can use it outside the venv.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # typing.Self is 3.11+; annotations are not evaluated at run time
    from typing_extensions import Self

API_ENV = "NGR_FAULTPROXY_API"
FAULTS = ("latency_ms", "rate_bytes_per_s", "blackhole", "reset_after_bytes")


class FaultProxyError(RuntimeError):
    """The proxy's API refused a request (the message is its answer)."""


def api_url(api: str | None = None) -> str:
    url = api or os.environ.get(API_ENV)
    if not url:
        raise FaultProxyError(f"{API_ENV} is not set: run through scripts/redis/with-redis.sh or make test")
    return url.rstrip("/")


def _request(api: str, method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(api + path, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            raw = resp.read()
    except urllib.error.HTTPError as exc:
        raise FaultProxyError(f"{method} {path}: {exc.code} {exc.read().decode(errors='replace').strip()}") from None
    return json.loads(raw) if raw else None


def _split(upstream: str) -> tuple[str, urllib.parse.SplitResult | None]:
    """host:port of an upstream given as host:port or as a redis:// URL (then kept as the template of url)."""
    if "://" not in upstream:
        return upstream, None
    parts = urllib.parse.urlsplit(upstream)
    return f"{parts.hostname}:{parts.port or 6379}", parts


class Proxy:
    """One proxy: clients connect to `listen` (or `url`) and reach `upstream` through its faults."""

    def __init__(self, api: str, info: dict[str, Any], template: urllib.parse.SplitResult | None = None) -> None:
        self.api = api
        self.name: str = info["name"]
        self.listen: str = info["listen"]
        self.upstream: str = info["upstream"]
        self._template = template

    @property
    def port(self) -> int:
        return int(self.listen.rpartition(":")[2])

    @property
    def url(self) -> str:
        """The upstream's URL (user, password, database kept) with the proxy's address."""
        if self._template is None:
            return f"redis://{self.listen}"
        auth = self._template.netloc.rpartition("@")[0]
        netloc = f"{auth}@{self.listen}" if auth else self.listen
        return urllib.parse.urlunsplit(self._template._replace(netloc=netloc))

    def set(self, **faults: Any) -> None:
        """Replace the faults in force (the names in FAULTS); none given clears them."""
        unknown = set(faults) - set(FAULTS)
        if unknown:
            raise TypeError(f"unknown fault(s) {sorted(unknown)}; the faults are {FAULTS}")
        _request(self.api, "PUT", f"/proxies/{self.name}/faults", faults)

    def clear(self) -> None:
        self.set()

    @contextlib.contextmanager
    def faults(self, **faults: Any) -> Iterator[Proxy]:
        """These faults for the duration of the block, then none."""
        self.set(**faults)
        try:
            yield self
        finally:
            self.clear()

    def reset_connections(self) -> int:
        """Reset (TCP RST) every open connection now; returns how many."""
        return int(_request(self.api, "POST", f"/proxies/{self.name}/reset")["reset"])

    def in_force(self) -> dict[str, Any]:
        """The faults in force (only those set)."""
        return dict(_request(self.api, "GET", f"/proxies/{self.name}")["faults"])

    def stats(self) -> dict[str, int]:
        """connections (accepted), open, bytes_to_server, bytes_to_client, resets."""
        return dict(_request(self.api, "GET", f"/proxies/{self.name}")["stats"])

    def close(self) -> None:
        with contextlib.suppress(FaultProxyError):
            _request(self.api, "DELETE", f"/proxies/{self.name}")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Proxy({self.name!r}, {self.listen} -> {self.upstream})"


def in_front_of(upstream: str, *, name: str | None = None, listen: str = "127.0.0.1:0",
                api: str | None = None, **faults: Any) -> Proxy:
    """A new proxy in front of upstream (host:port or a redis:// URL), with these faults from the start."""
    base = api_url(api)
    address, template = _split(upstream)
    info = _request(base, "POST", "/proxies", {"name": name or "p-" + uuid.uuid4().hex[:8],
                                               "listen": listen, "upstream": address})
    proxy = Proxy(base, info, template)
    if faults:
        proxy.set(**faults)
    return proxy


def existing(name: str, api: str | None = None) -> Proxy:
    """A proxy the scripts created (e.g. one per node of the proxied cluster)."""
    base = api_url(api)
    return Proxy(base, _request(base, "GET", f"/proxies/{name}"))


def clear_all(api: str | None = None) -> None:
    """Clear the faults of every proxy (a test that failed midway leaves none behind)."""
    _request(api_url(api), "POST", "/reset")


def _main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="faultproxy.py", description="Drive the fault proxy at $" + API_ENV)
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="create a proxy in front of HOST:PORT; prints its address")
    add.add_argument("name")
    add.add_argument("upstream")
    add.add_argument("--listen", default="127.0.0.1:0")
    change = sub.add_parser("set", help="replace a proxy's faults")
    change.add_argument("name")
    for p in (add, change):
        p.add_argument("--latency-ms", type=float)
        p.add_argument("--rate-bytes-per-s", type=int)
        p.add_argument("--blackhole", action="store_true", default=None)
        p.add_argument("--reset-after-bytes", type=int)
    sub.add_parser("clear", help="clear a proxy's faults, or every proxy's").add_argument("name", nargs="?")
    sub.add_parser("rm", help="close a proxy").add_argument("name")
    sub.add_parser("list", help="every proxy, with its faults and stats, as JSON")
    args = parser.parse_args(argv)
    faults = {k: getattr(args, k) for k in FAULTS if getattr(args, k, None) is not None}
    if args.command == "add":
        print(in_front_of(args.upstream, name=args.name, listen=args.listen, **faults).listen)
    elif args.command == "set":
        existing(args.name).set(**faults)
    elif args.command == "clear":
        existing(args.name).clear() if args.name else clear_all()
    elif args.command == "rm":
        existing(args.name).close()
    else:
        print(json.dumps(_request(api_url(), "GET", "/proxies"), indent=1))


if __name__ == "__main__":
    _main(sys.argv[1:])
