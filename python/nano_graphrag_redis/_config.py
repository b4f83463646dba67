"""Connection settings: where they come from and how they reach the Go core.

`resolve_settings(global_config)` reads every ``redis_*`` setting from, highest
precedence first:

1. ``global_config["addon_params"]["redis_*"]`` (upstream nano-graphrag's place
   for backend settings),
2. top-level ``global_config["redis_*"]`` (the nano-graphrag fork's place),
3. the environment (``REDIS_*``),
4. the Go core's defaults (a setting left unset is not sent at all).

The result is a frozen, hashable `Settings` whose ``repr`` never shows the
password; `Settings.to_wire()` is the JSON object `ngr_store_open` expects
(keys listed in include/ngr_redis.h and docs/configuration.md). Every bad
value raises `ConfigurationError` naming the setting and where it came from.
The table of settings is docs/configuration.md; keep the two in step.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, fields
from typing import Any, Callable, Iterator, Mapping, NamedTuple
from urllib.parse import urlsplit

from ._errors import ConfigurationError

__all__ = ["Settings", "resolve_settings", "redact_url", "SETTING_NAMES"]

_URL_SCHEMES = ("redis", "rediss", "unix", "redis+sentinel")
_TOPOLOGIES = ("auto", "single", "cluster", "sentinel")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")
_TTL_PREFIX = "REDIS_TTL_"


@dataclass(frozen=True)
class Settings:
    """Resolved settings; field names are the wire option keys. None = Go default."""

    url: str | None = None
    username: str | None = None
    password: str | None = None
    topology: str | None = None
    cluster_addrs: tuple[str, ...] | None = None
    tls_ca_file: str | None = None
    tls_cert_file: str | None = None
    tls_key_file: str | None = None
    tls_insecure_skip_verify: bool | None = None
    pool_size: int | None = None
    dial_timeout: float | None = None
    read_timeout: float | None = None
    write_timeout: float | None = None
    max_retries: int | None = None
    min_retry_backoff: float | None = None
    max_retry_backoff: float | None = None
    retry_on_timeout: bool | None = None
    health_check_interval: float | None = None
    key_prefix: str | None = None
    ttl: tuple[tuple[str, float], ...] | None = None  # sorted (namespace, seconds)
    compress_threshold: int | None = None
    max_value_size: int | None = None
    batch_size: int | None = None
    wait_replicas: int | None = None
    wait_timeout: float | None = None

    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready options object for ngr_store_open; unset keys are omitted."""
        wire: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            if f.name == "ttl":
                value = dict(value)
            elif f.name == "cluster_addrs":
                value = list(value)
            wire[f.name] = value
        return wire

    def __repr__(self) -> str:
        # Hand-written so that neither the password nor a URL's userinfo leaks.
        shown = []
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            if f.name == "password":
                value = "***"
            elif f.name == "url":
                value = redact_url(value)
            shown.append(f"{f.name}={value!r}")
        return f"Settings({', '.join(shown)})"

    __str__ = __repr__


def redact_url(url: str) -> str:
    """The URL with any password in its userinfo replaced by ``***``.

    Read as the Go core reads it (storage/url.go), not as urlsplit does: the
    userinfo runs up to the LAST '@', because a raw password may hold '/',
    '?', '#' or '@'. Without "://", anything holding an '@' is hidden whole.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return "<redacted url>" if "@" in url else url
    userinfo, at, host = rest.rpartition("@")
    if not at or ":" not in userinfo:
        return url
    return f"{scheme}://{userinfo.partition(':')[0]}:***@{host}"


# --- value parsers -----------------------------------------------------------
# Each takes the raw value (a str from the environment, anything from
# global_config) and returns the parsed value or raises _Invalid(reason).


class _Invalid(Exception):
    """A parser's complaint; turned into ConfigurationError with the source."""


def _text(raw: Any) -> str:
    if not isinstance(raw, str):
        raise _Invalid(f"{raw!r} is not a string")
    return raw


def _url(raw: Any) -> str:
    url = _text(raw)
    # Checked in its redacted form: same scheme, host and port, and urlsplit's
    # own messages (e.g. a bad port) cannot quote a piece of the password.
    shown = redact_url(url)
    try:
        parts = urlsplit(shown)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise _Invalid(f"{shown!r} is not a valid URL ({exc})") from None
    if parts.scheme not in _URL_SCHEMES:
        raise _Invalid(f"{shown!r} has scheme {parts.scheme!r}; expected one of {', '.join(_URL_SCHEMES)}")
    return url


def _topology(raw: Any) -> str:
    value = _text(raw).strip().lower()
    if value not in _TOPOLOGIES:
        raise _Invalid(f"{raw!r} is not one of {', '.join(_TOPOLOGIES)}")
    return value


def _key_prefix(raw: Any) -> str:
    value = _text(raw)
    if not value or "{" in value or "}" in value:
        # A brace in the prefix would become the cluster hash tag of every key.
        raise _Invalid(f"{raw!r} must be non-empty and contain no '{{' or '}}'")
    return value


def _addrs(raw: Any) -> tuple[str, ...]:
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, (list, tuple)):
        raise _Invalid(f"{raw!r} is not a comma-separated string or a list of host:port")
    addrs = []
    for item in items:
        addr = _text(item).strip()
        host, sep, port = addr.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise _Invalid(f"{addr!r} is not host:port")
        addrs.append(addr)
    if not addrs:
        raise _Invalid("the list of addresses is empty")
    return tuple(addrs)


def _bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in _TRUE + _FALSE:
        return raw.strip().lower() in _TRUE
    raise _Invalid(f"{raw!r} is not a boolean (true/false, 1/0, yes/no, on/off)")


def _integer(minimum: int) -> Callable[[Any], int]:
    def parse(raw: Any) -> int:
        if isinstance(raw, bool):
            raise _Invalid(f"{raw!r} is not an integer")
        if isinstance(raw, int):
            value = raw
        elif isinstance(raw, str) and re.fullmatch(r"\s*[-+]?\d+\s*", raw):
            value = int(raw)
        else:
            raise _Invalid(f"{raw!r} is not an integer")
        if value < minimum:
            raise _Invalid(f"{value} is below the minimum {minimum}")
        return value

    return parse


def _number(raw: Any) -> float:
    if isinstance(raw, bool):
        raise _Invalid(f"{raw!r} is not a number")
    try:
        value = float(raw.strip()) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        raise _Invalid(f"{raw!r} is not a number") from None
    if not math.isfinite(value):
        raise _Invalid(f"{raw!r} is not a finite number")
    return int(value) if value.is_integer() else value


def _seconds(raw: Any) -> float:
    value = _number(raw)
    if value < 0:
        raise _Invalid(f"{raw!r} is negative; expected seconds >= 0")
    return value


def _ttl_seconds(raw: Any) -> float:
    # As in the fork's backend: a negative TTL means "no expiry".
    return max(_number(raw), 0)


# --- the table of settings ---------------------------------------------------


class _Spec(NamedTuple):
    field: str  # wire key / Settings field
    names: tuple[str, ...]  # env names, most specific first; lowercased in global_config
    parse: Callable[[Any], Any]


_SPECS: tuple[_Spec, ...] = (
    _Spec("url", ("REDIS_URL",), _url),
    _Spec("username", ("REDIS_USERNAME",), _text),
    _Spec("password", ("REDIS_PASSWORD",), _text),
    _Spec("topology", ("REDIS_TOPOLOGY",), _topology),
    _Spec("cluster_addrs", ("REDIS_CLUSTER_NODES",), _addrs),
    _Spec("tls_ca_file", ("REDIS_TLS_CA_FILE",), _text),
    _Spec("tls_cert_file", ("REDIS_TLS_CERT_FILE",), _text),
    _Spec("tls_key_file", ("REDIS_TLS_KEY_FILE",), _text),
    _Spec("tls_insecure_skip_verify", ("REDIS_TLS_INSECURE_SKIP_VERIFY",), _bool),
    _Spec("pool_size", ("REDIS_MAX_CONNECTIONS",), _integer(1)),
    _Spec("dial_timeout", ("REDIS_CONNECTION_TIMEOUT",), _seconds),
    _Spec("read_timeout", ("REDIS_READ_TIMEOUT", "REDIS_SOCKET_TIMEOUT"), _seconds),
    _Spec("write_timeout", ("REDIS_WRITE_TIMEOUT", "REDIS_SOCKET_TIMEOUT"), _seconds),
    _Spec("max_retries", ("REDIS_MAX_RETRIES",), _integer(-1)),
    _Spec("min_retry_backoff", ("REDIS_MIN_RETRY_BACKOFF",), _seconds),
    _Spec("max_retry_backoff", ("REDIS_MAX_RETRY_BACKOFF",), _seconds),
    _Spec("retry_on_timeout", ("REDIS_RETRY_ON_TIMEOUT",), _bool),
    _Spec("health_check_interval", ("REDIS_HEALTH_CHECK_INTERVAL",), _number),  # negative = off
    _Spec("key_prefix", ("REDIS_KEY_PREFIX",), _key_prefix),
    _Spec("compress_threshold", ("REDIS_COMPRESS_THRESHOLD",), _integer(0)),
    _Spec("max_value_size", ("REDIS_MAX_VALUE_SIZE",), _integer(0)),
    _Spec("batch_size", ("REDIS_BATCH_SIZE",), _integer(1)),
    _Spec("wait_replicas", ("REDIS_WAIT_REPLICAS",), _integer(0)),
    _Spec("wait_timeout", ("REDIS_WAIT_TIMEOUT",), _seconds),
)

#: Every environment name understood (REDIS_TTL_<NAMESPACE> aside), for docs and tests.
SETTING_NAMES: tuple[str, ...] = tuple(dict.fromkeys(n for s in _SPECS for n in s.names))
_CONFIG_NAMES = frozenset(n.lower() for n in SETTING_NAMES) | {"redis_ttl"}


class _Source(NamedTuple):
    """One place settings come from; `key` maps an env-style name to its key there."""

    label: str
    values: Mapping[str, Any]
    key: Callable[[str], str]
    native: bool  # values may be dicts/lists/numbers (global_config), not only strings


def _sources(global_config: Mapping[str, Any], environ: Mapping[str, str]) -> list[_Source]:
    addon = global_config.get("addon_params") or {}
    if not isinstance(addon, Mapping):
        raise ConfigurationError(
            f"global_config['addon_params'] must be a dict, not {type(addon).__name__}"
        )
    unknown = sorted(
        k for k in addon
        if isinstance(k, str) and k.startswith("redis_")
        and k not in _CONFIG_NAMES and not k.startswith("redis_ttl_")
    )
    if unknown:
        raise ConfigurationError(
            f"unknown setting {unknown[0]!r} in global_config['addon_params']; "
            "see docs/configuration.md for the list"
        )
    return [
        _Source("global_config['addon_params']", addon, str.lower, True),
        _Source("global_config", global_config, str.lower, True),
        _Source("the environment", environ, lambda name: name, False),
    ]


def _present(value: Any) -> bool:
    # None and "" mean "not set", so `REDIS_PASSWORD=` in a compose file is harmless.
    return value is not None and value != ""


def _lookup(spec: _Spec, sources: list[_Source]) -> Any:
    for source in sources:
        for name in spec.names:
            key = source.key(name)
            raw = source.values.get(key)
            if not _present(raw):
                continue
            try:
                return spec.parse(raw)
            except _Invalid as exc:
                reason = "the value is not a string" if spec.field == "password" else exc
                raise ConfigurationError(f"{key} from {source.label}: {reason}") from None
    return None


def _ttl_entries(source: _Source) -> Iterator[tuple[str, Any, str]]:
    """(namespace, raw seconds, setting name) of every TTL in one source, lowest priority first."""
    table = source.values.get(source.key("REDIS_TTL")) if source.native else None
    if _present(table):
        if not isinstance(table, Mapping):
            raise ConfigurationError(
                f"redis_ttl from {source.label}: expected a dict {{namespace: seconds}}, "
                f"not {type(table).__name__}"
            )
        for namespace, raw in table.items():
            yield str(namespace), raw, f"redis_ttl[{namespace!r}]"
    prefix = source.key(_TTL_PREFIX)
    for key, raw in source.values.items():
        if isinstance(key, str) and key.startswith(prefix) and len(key) > len(prefix):
            yield key[len(prefix):], raw, key


def _resolve_ttl(sources: list[_Source]) -> tuple[tuple[str, float], ...] | None:
    ttl: dict[str, float] = {}
    for source in reversed(sources):  # lowest priority first, later ones override
        for namespace, raw, name in _ttl_entries(source):
            if not _present(raw):
                continue
            if not namespace or "{" in namespace or "}" in namespace:
                raise ConfigurationError(
                    f"{name} from {source.label}: namespace must be non-empty without braces"
                )
            try:
                ttl[namespace.lower()] = _ttl_seconds(raw)
            except _Invalid as exc:
                raise ConfigurationError(f"{name} from {source.label}: {exc}") from None
    return tuple(sorted(ttl.items())) or None


def resolve_settings(
    global_config: Mapping[str, Any] | None, environ: Mapping[str, str] = os.environ
) -> Settings:
    """Resolve the Redis settings for a storage built with this global_config."""
    sources = _sources(global_config or {}, environ)
    values = {spec.field: _lookup(spec, sources) for spec in _SPECS}
    return Settings(ttl=_resolve_ttl(sources), **values)
