"""Connection settings: where they come from, and every check, at construction.

`resolve_settings(global_config)` reads every ``redis_*`` setting from, highest
precedence first:

1. ``global_config["addon_params"]["redis_*"]`` (upstream nano-graphrag's place
   for backend settings),
2. top-level ``global_config["redis_*"]`` (the nano-graphrag fork's place),
3. the environment (``REDIS_*``),
4. the Go core's defaults (a setting left unset is not sent at all).

What the settings are (names, kinds, defaults, bounds, rules between them)
is not written here: it is _settings_spec.py, generated from the Go schema
(storage/settings.go). This module only interprets it, in pure Python, so a
bad value fails when the storage is built, without loading the native
library, under the name the user wrote (``REDIS_MAX_CONNECTIONS from the
environment: ...``). The result is a frozen, hashable `Settings` whose
``repr`` never shows the password; `Settings.to_wire()` is the JSON object
`ngr_store_open` decodes.

One default is Python's own: the workspace (``redis_workspace``) derives from
``global_config["working_dir"]`` when none is given (`derive_workspace`), so
the index namespaces nano-graphrag keeps in Redis follow the graph it keeps
in that directory; ``none`` means no workspace.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any, NamedTuple, TypeVar

from ._errors import ConfigurationError
from ._settings_spec import RULES, SETTINGS, SettingFields
from ._url import Endpoint, URLError, parse_url, redact_url

__all__ = ["SETTING_NAMES", "Settings", "derive_workspace", "log_default_url_once", "redact_url", "resolve_settings"]

_log = logging.getLogger("nano_graphrag_redis")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")
_SPECS: dict[str, dict[str, Any]] = {spec["key"]: spec for spec in SETTINGS}
_TTL = next(spec for spec in SETTINGS if spec["kind"] == "ttls")
_TTL_PREFIX = _TTL["env"][0] + "_"  # REDIS_TTL_<NAMESPACE>
# REDIS_WORKSPACE=none: no workspace segment (the keys written before workspaces);
# REDIS_SHARED_NAMESPACES=none: no namespace shared between workspaces.
_NONE = "none"


@dataclass(frozen=True, repr=False)
class Settings(SettingFields):
    """Resolved settings; field names are the wire option keys. None = Go default."""

    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready options object for ngr_store_open; unset keys are omitted."""
        wire: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            kind = _SPECS[f.name]["kind"]
            wire[f.name] = dict(value) if kind == "ttls" else list(value) if kind in ("addrs", "names") else value
        return wire

    def endpoint(self) -> Endpoint:
        """What the URL in effect says: the configured one, or the default (already checked)."""
        return parse_url(self.url or _SPECS["url"]["default"])

    def __repr__(self) -> str:
        # Hand-written so that neither the password nor a URL's userinfo leaks.
        shown = [
            f"{f.name}={_shown(f.name, getattr(self, f.name))!r}"
            for f in fields(self)
            if getattr(self, f.name) is not None
        ]
        return f"Settings({', '.join(shown)})"

    __str__ = __repr__


def _shown(key: str, value: Any) -> Any:
    kind = _SPECS[key]["kind"]
    return "***" if kind == "secret" else redact_url(value) if kind == "url" else value


#: Every environment name understood (REDIS_TTL_<NAMESPACE> aside), for docs and tests.
SETTING_NAMES: tuple[str, ...] = tuple(
    dict.fromkeys(n for s in SETTINGS if s["kind"] != "ttls" for n in s["env"])
)
_CONFIG_NAMES = frozenset(n.lower() for s in SETTINGS for n in s["env"])
# A setting's name without its prefix, or its wire key, misplaced in addon_params.
_UNPREFIXED = {
    **{s["key"]: s["env"][0].lower() for s in SETTINGS},
    **{n.lower().removeprefix("redis_"): n.lower() for s in SETTINGS for n in s["env"]},
}


# --- value parsers -----------------------------------------------------------
# Each takes the raw value (a str from the environment, anything from
# global_config) and its spec, and returns the parsed value or raises
# _Invalid(reason).


class _Invalid(Exception):
    """A parser's complaint; turned into ConfigurationError with the source."""


def _text(raw: Any, spec: Mapping[str, Any]) -> str:
    if not isinstance(raw, str):
        raise _Invalid(f"{raw!r} is not a string")
    if spec["forbid"] and any(c in raw for c in spec["forbid"]):
        chars = " or ".join(repr(c) for c in spec["forbid"])
        raise _Invalid(f"{raw!r} must contain no {chars}")
    return raw


def _path(raw: Any, spec: Mapping[str, Any]) -> str:
    path = _text(raw, spec)
    if not os.path.isfile(path):
        raise _Invalid(f"{path!r} is not an existing file")
    return path


def _url(raw: Any, spec: Mapping[str, Any]) -> str:
    url = _text(raw, spec)
    try:
        parse_url(url)
    except URLError as exc:
        raise _Invalid(f"{redact_url(url)!r} is not a valid URL: {exc}") from None
    return url


def _enum(raw: Any, spec: Mapping[str, Any]) -> str:
    value = _text(raw, spec).strip().lower()
    if value not in spec["choices"]:
        raise _Invalid(f"{raw!r} is not one of {', '.join(spec['choices'])}")
    return value


def _addrs(raw: Any, spec: Mapping[str, Any]) -> tuple[str, ...]:
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, (list, tuple)):
        raise _Invalid(f"{raw!r} is not a comma-separated string or a list of host:port")
    addrs = []
    for item in items:
        addr = _text(item, spec).strip()
        host, sep, port = addr.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise _Invalid(f"{addr!r} is not host:port")
        addrs.append(addr)
    if not addrs:
        raise _Invalid("the list of addresses is empty")
    return tuple(addrs)


def _names(raw: Any, spec: Mapping[str, Any]) -> tuple[str, ...]:
    if isinstance(raw, str) and raw.strip().lower() == _NONE:
        return ()
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, (list, tuple, set, frozenset)):
        raise _Invalid(f"{raw!r} is not a comma-separated string or a list of namespaces")
    names = {_text(item, spec).strip() for item in items}
    bad = sorted(n for n in names if not n or "{" in n or "}" in n)
    if bad:
        raise _Invalid(f"{bad[0]!r} is not a namespace: it must be non-empty without '{{' or '}}'")
    return tuple(sorted(names))


def derive_workspace(working_dir: Any) -> str:
    """The default workspace of a working_dir: its name and a hash of its real path.

    Workers that share a working_dir (the same path, e.g. a shared volume)
    get the same workspace, and so share the index; any other working_dir
    gets its own. The name part only makes keys readable in redis-cli.
    """
    path = os.path.realpath(os.fspath(working_dir))
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", os.path.basename(path))[:32] or "root"
    return f"{name}-{hashlib.sha256(path.encode()).hexdigest()[:12]}"


def _bool(raw: Any, spec: Mapping[str, Any]) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in _TRUE + _FALSE:
        return raw.strip().lower() in _TRUE
    raise _Invalid(f"{raw!r} is not a boolean (true/false, 1/0, yes/no, on/off)")


def _integer(raw: Any, spec: Mapping[str, Any]) -> int:
    if isinstance(raw, bool):
        raise _Invalid(f"{raw!r} is not an integer")
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and re.fullmatch(r"\s*[-+]?\d+\s*", raw):
        value = int(raw)
    else:
        raise _Invalid(f"{raw!r} is not an integer")
    return _bounded(value, spec)


def _seconds(raw: Any, spec: Mapping[str, Any]) -> float:
    if isinstance(raw, bool):
        raise _Invalid(f"{raw!r} is not a number")
    try:
        value = float(raw.strip()) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        raise _Invalid(f"{raw!r} is not a number") from None
    if not math.isfinite(value):
        raise _Invalid(f"{raw!r} is not a finite number")
    return _bounded(int(value), spec) if value.is_integer() else _bounded(value, spec)


_Number = TypeVar("_Number", int, float)


def _bounded(value: _Number, spec: Mapping[str, Any]) -> _Number:
    """value if the spec accepts it: 0 and negatives where they mean something, else within bounds."""
    if (value == 0 and spec["zero"]) or (value < 0 and spec["negative"]) or spec["max"] is None:
        return value
    unit = " seconds" if spec["kind"] in ("seconds", "ttls") else ""
    if value < spec["min"]:
        sign = "negative, " if value < 0 else ""
        raise _Invalid(f"{value!r} is {sign}below the minimum {spec['min']}{unit}")
    if value > spec["max"]:
        raise _Invalid(f"{value!r} is above the maximum {spec['max']}{unit}")
    return value


_PARSERS: dict[str, Callable[[Any, Mapping[str, Any]], Any]] = {
    "string": _text, "secret": _text, "path": _path, "url": _url, "enum": _enum,
    "bool": _bool, "int": _integer, "seconds": _seconds, "addrs": _addrs, "names": _names,
}


# --- where settings come from -------------------------------------------------


class _Source(NamedTuple):
    """One place settings come from; `key` maps an env-style name to its key there."""

    label: str
    values: Mapping[str, Any]
    key: Callable[[str], str]
    native: bool  # values may be dicts/lists/numbers (global_config), not only strings


def _check_keys(label: str, values: Mapping[str, Any], addon: bool) -> None:
    """Refuse unknown redis_* keys (a typo must not fall back to the defaults) and,
    in addon_params, a setting written without its redis_ prefix."""
    for key in values:
        if not isinstance(key, str):
            continue
        if key.startswith("redis_") and key not in _CONFIG_NAMES and not key.startswith(_TTL_PREFIX.lower()):
            raise ConfigurationError(
                f"unknown setting {key!r} in {label}; see docs/configuration.md for the list"
            )
        if addon and key in _UNPREFIXED:
            raise ConfigurationError(
                f"{key!r} in {label} is not read: settings there need the redis_ prefix, "
                f"e.g. {_UNPREFIXED[key]!r}"
            )


def _sources(global_config: Mapping[str, Any], environ: Mapping[str, str]) -> list[_Source]:
    addon = global_config.get("addon_params") or {}
    if not isinstance(addon, Mapping):
        raise ConfigurationError(
            f"global_config['addon_params'] must be a dict, not {type(addon).__name__}"
        )
    _check_keys("global_config['addon_params']", addon, addon=True)
    _check_keys("global_config", global_config, addon=False)
    return [
        _Source("global_config['addon_params']", addon, str.lower, True),
        _Source("global_config", global_config, str.lower, True),
        _Source("the environment", environ, lambda name: name, False),
    ]


def _present(value: Any) -> bool:
    # None and "" mean "not set", so `REDIS_PASSWORD=` in a compose file is harmless.
    return value is not None and value != ""


def _lookup(spec: Mapping[str, Any], sources: list[_Source]) -> tuple[Any, str | None]:
    """(value, "NAME from SOURCE") of the first place that sets it, or (None, None)."""
    for source in sources:
        for name in spec["env"]:
            key = source.key(name)
            raw = source.values.get(key)
            if not _present(raw):
                continue
            origin = f"{key} from {source.label}"
            try:
                return _PARSERS[spec["kind"]](raw, spec), origin
            except _Invalid as exc:
                reason = "the value is not a string" if spec["kind"] == "secret" else exc
                raise ConfigurationError(f"{origin}: {reason}") from None
    return None, None


def _ttl_entries(source: _Source) -> Iterator[tuple[str, Any, str]]:
    """(namespace, raw seconds, setting name) of every TTL in one source, lowest priority first."""
    table = source.values.get(source.key(_TTL["env"][0])) if source.native else None
    if _present(table):
        if not isinstance(table, Mapping):
            raise ConfigurationError(
                f"{source.key(_TTL['env'][0])} from {source.label}: expected a dict "
                f"{{namespace: seconds}}, not {type(table).__name__}"
            )
        for namespace, raw in table.items():
            yield str(namespace), raw, f"{source.key(_TTL['env'][0])}[{namespace!r}]"
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
                ttl[namespace.lower()] = max(_seconds(raw, _TTL), 0)  # negative = no expiry
            except _Invalid as exc:
                raise ConfigurationError(f"{name} from {source.label}: {exc}") from None
    return tuple(sorted(ttl.items())) or None


# --- rules between settings -----------------------------------------------------
# One function per rule kind of storage/schema.go (checkRule), same checks.


class _Resolved(NamedTuple):
    values: dict[str, Any]  # key -> value the user set
    origins: dict[str, str]  # key -> "NAME from SOURCE"

    def effective(self, key: str) -> Any:
        value = self.values.get(key)
        return _SPECS[key]["default"] if value is None else value

    def shown(self, key: str) -> str:
        value = _shown(key, self.effective(key))
        return f"{key} {value!r} ({self.origins.get(key, 'the default')})"

    def fail(self, keys: tuple[str, ...], reason: str) -> ConfigurationError:
        """The error, named after the first of keys that the user set."""
        origin = next((self.origins[k] for k in keys if k in self.origins), f"{keys[0]} (the default)")
        return ConfigurationError(f"{origin}: {reason}")


def _number(value: Any) -> float:
    return float(value or 0)


def _rule_at_most(r: _Resolved, rule: Mapping[str, Any], ep: Endpoint) -> None:
    a, b = rule["keys"]
    if _number(r.effective(a)) > _number(r.effective(b)):
        raise r.fail((a, b), f"{r.shown(a)} must not exceed {r.shown(b)}")


def _rule_below_when(r: _Resolved, rule: Mapping[str, Any], ep: Endpoint) -> None:
    a, b = rule["keys"]
    when = rule["when"]
    if _number(r.effective(when)) > 0 and _number(r.effective(a)) >= _number(r.effective(b)):
        raise r.fail((a, b, when), f"{r.shown(a)} must be below {r.shown(b)} when {r.shown(when)} ({rule['why']})")


def _rule_together(r: _Resolved, rule: Mapping[str, Any], ep: Endpoint) -> None:
    given = [k for k in rule["keys"] if r.values.get(k)]
    if given and len(given) < len(rule["keys"]):
        raise r.fail(tuple(given), f"{' and '.join(rule['keys'])} must be given together")


def _rule_needs_tls(r: _Resolved, rule: Mapping[str, Any], ep: Endpoint) -> None:
    given = tuple(k for k in rule["keys"] if r.values.get(k))
    if given and not ep.tls:
        raise r.fail(given, f"TLS options need a rediss:// url, not {r.shown('url')}")


def _rule_topology(r: _Resolved, rule: Mapping[str, Any], ep: Endpoint) -> None:
    topology, url = rule["keys"]
    value = r.effective(topology)
    if value != "auto" and ep.sentinel != (value == "sentinel"):
        raise r.fail(rule["keys"], f"{r.shown(topology)} does not match {r.shown(url)} "
                                   "(sentinel needs redis+sentinel://)")
    if value == "cluster" and ep.network == "unix":
        raise r.fail(rule["keys"], f"a unix socket url cannot be a cluster ({r.shown(url)})")
    if value == "cluster" and ep.db != 0:
        raise r.fail((url, topology), f"a cluster has only database 0 ({r.shown(url)})")


_RULES: dict[str, Callable[[_Resolved, Mapping[str, Any], Endpoint], None]] = {
    "at_most": _rule_at_most, "below_when": _rule_below_when, "together": _rule_together,
    "needs_tls": _rule_needs_tls, "topology": _rule_topology,
}


def resolve_settings(
    global_config: Mapping[str, Any] | None, environ: Mapping[str, str] = os.environ
) -> Settings:
    """Resolve and check the Redis settings for a storage built with this global_config."""
    global_config = global_config or {}
    sources = _sources(global_config, environ)
    resolved = _Resolved({}, {})
    for spec in SETTINGS:
        if spec["kind"] == "ttls":
            resolved.values[spec["key"]] = _resolve_ttl(sources)
            continue
        value, origin = _lookup(spec, sources)
        resolved.values[spec["key"]] = value
        if origin is not None:
            resolved.origins[spec["key"]] = origin
    workspace = resolved.values["workspace"]
    if workspace is None and _present(global_config.get("working_dir")):
        resolved.values["workspace"] = derive_workspace(global_config["working_dir"])
    elif workspace is not None and workspace.strip().lower() == _NONE:
        resolved.values["workspace"] = ""
    ep = parse_url(resolved.effective("url"))  # already checked, or the default
    for rule in RULES:
        _RULES[rule["kind"]](resolved, rule, ep)
    return Settings(**resolved.values)


_default_url_logged = False


def log_default_url_once(settings: Settings) -> None:
    """Log, once per process, that no URL was configured and which one is used."""
    global _default_url_logged
    if settings.url is None and not _default_url_logged:
        _default_url_logged = True
        _log.warning(
            "no Redis URL configured (REDIS_URL, or redis_url in addon_params); "
            "using the default %s", redact_url(_SPECS["url"]["default"])
        )
