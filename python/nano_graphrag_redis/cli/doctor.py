"""`doctor`: is this Redis safe for nano-graphrag's data? Each check says what it saw and what to change.

Server settings are read with redis-py on every master (CONFIG GET, falling
back to INFO when the ACL forbids CONFIG); the permission check runs the
library's own operations on a scratch id, so it tests exactly the commands
and keys the storage uses.
"""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

import click

from . import dumps
from ._connect import DEFAULT_URL, RawRedis, open_store, scrub, settings_for, shown_url, target_config
from ._table import table

MIN_VERSION = (6, 2)  # SET PXAT, ZRANGE BYSCORE, ZRANDMEMBER


@dataclass
class Check:
    name: str
    status: str  # ok | warn | fail | unknown
    detail: str
    fix: str = ""


def _config_or_info(node: Any, param: str, section: str, field: str) -> str | None:
    """A server setting by CONFIG GET, else from INFO; None when both are forbidden."""
    import redis

    try:
        value = node.config_get(param).get(param)
        if value is not None:
            return str(value)
    except redis.ResponseError:
        pass
    try:
        value = node.info(section).get(field)
        return None if value is None else str(value)
    except redis.ResponseError:
        return None


def _config_refused(nodes: list[Any]) -> bool:
    """True when the server refuses CONFIG (renamed away, or outside the ACL): a managed service's way,
    so the advice must point to the service's own settings rather than to CONFIG SET."""
    import redis

    try:
        nodes[0].config_get("maxmemory-policy")
        return False
    except redis.ResponseError:
        return True


# The advice where CONFIG is refused: each managed service's own place for the setting.
MANAGED_EVICTION = ("CONFIG is refused here, as on a managed service: set maxmemory-policy noeviction (or volatile-lru) "
                    "in the service's settings (ElastiCache, MemoryDB: the cluster's parameter group; Memorystore: "
                    "the instance's maxmemory-policy configuration; self-hosted with rename-command: redis.conf)")
MANAGED_PERSISTENCE = ("CONFIG is refused here, as on a managed service: durability is the service's setting "
                       "(MemoryDB: its transaction log is durable already; ElastiCache: no AOF, use replicas with "
                       "Multi-AZ or MemoryDB; Memorystore: turn on AOF persistence in the instance's configuration; "
                       "self-hosted with rename-command: appendonly yes in redis.conf) (docs/durability.md)")


def _addr(node: Any) -> str:
    kw = node.connection_pool.connection_kwargs
    return f"{kw.get('host', '?')}:{kw.get('port', '?')}" if "host" in kw else str(kw.get("path", "?"))


def check_version(nodes: list[Any]) -> Check:
    import redis

    versions = {}
    for node in nodes:
        try:
            info = node.info("server")
            # Valkey keeps redis_version at 7.2.4 for old clients and gives its own in valkey_version
            versions[_addr(node)] = f"Valkey {info['valkey_version']}" if "valkey_version" in info \
                else info["redis_version"]
        except redis.ResponseError:
            hello = node.execute_command("HELLO")  # allowed when INFO is not
            pairs = dict(zip(hello[::2], hello[1::2], strict=False))
            versions[_addr(node)] = (pairs.get(b"version") or pairs.get("version") or b"?").decode() \
                if isinstance(pairs.get(b"version") or pairs.get("version"), bytes) else str(pairs.get("version"))
    old = {a: v for a, v in versions.items()
           if not v.startswith("Valkey") and tuple(int(x) for x in v.split(".")[:2]) < MIN_VERSION}
    detail = ", ".join(sorted(set(versions.values())))
    if old:
        return Check("server version", "fail", f"{detail}; too old on {', '.join(old)}", "upgrade to Redis 6.2 or later (7.x recommended)")
    return Check("server version", "ok", detail if detail.startswith("Valkey") else f"Redis {detail}")


def check_eviction(nodes: list[Any]) -> Check:
    policies = {_addr(n): _config_or_info(n, "maxmemory-policy", "memory", "maxmemory_policy") for n in nodes}
    unknown = [a for a, p in policies.items() if p is None]
    evicting = {a: p for a, p in policies.items() if p and p.startswith("allkeys-")}
    if evicting:
        return Check("eviction policy", "fail",
                     f"{', '.join(sorted(set(evicting.values())))} on {', '.join(evicting)}: Redis may silently "
                     "evict documents and chunks when memory is full",
                     MANAGED_EVICTION
                     if _config_refused(nodes) else
                     "CONFIG SET maxmemory-policy noeviction (or volatile-lru: only TTL'd cache entries can go), "
                     "then CONFIG REWRITE; set it in redis.conf too")
    if unknown:
        return Check("eviction policy", "unknown", f"cannot read it on {', '.join(unknown)} (CONFIG and INFO denied)",
                     "ask the Redis administrator for maxmemory-policy; it must not be allkeys-*")
    return Check("eviction policy", "ok", ", ".join(sorted({p for p in policies.values() if p})))


def check_persistence(nodes: list[Any]) -> Check:
    aof = {_addr(n): _config_or_info(n, "appendonly", "persistence", "aof_enabled") for n in nodes}
    off = [a for a, v in aof.items() if v in ("no", "0")]
    if off:
        return Check("persistence (AOF)", "warn",
                     f"appendonly no on {', '.join(off)}: a restart loses every write since the last RDB snapshot",
                     MANAGED_PERSISTENCE
                     if _config_refused(nodes) else
                     "CONFIG SET appendonly yes; CONFIG SET appendfsync everysec; CONFIG REWRITE (docs/durability.md)")
    if any(v is None for v in aof.values()):
        return Check("persistence (AOF)", "unknown", "cannot read appendonly (CONFIG and INFO denied)",
                     "ask the Redis administrator to confirm appendonly yes")
    return Check("persistence (AOF)", "ok", "appendonly yes")


def check_cluster(raw: RawRedis) -> Check:
    if not raw.cluster:
        return Check("cluster", "ok", "single node (not a cluster)")
    info = raw.nodes[0].execute_command("CLUSTER", "INFO")
    info = info.decode() if isinstance(info, bytes) else str(info)
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    state, assigned, ok_slots = fields.get("cluster_state"), fields.get("cluster_slots_assigned"), fields.get("cluster_slots_ok")
    replicas = [n for n in raw.client.get_nodes() if n.server_type == "replica"]
    detail = (f"state {state}, {ok_slots}/{assigned} slots ok of 16384, "
              f"{len(raw.nodes)} masters, {len(replicas)} replicas")
    if state != "ok" or assigned != "16384" or ok_slots != "16384":
        return Check("cluster", "fail", detail, "assign every slot and fix failing nodes: redis-cli --cluster check/fix <host:port>")
    if len(replicas) < len(raw.nodes):
        return Check("cluster", "warn", detail, "give every master a replica so a failure does not stop the cluster")
    return Check("cluster", "ok", detail)


def check_tls(url: str) -> Check:
    parts = urlsplit(url)
    if parts.scheme == "rediss":
        return Check("TLS", "ok", "rediss:// (TLS)")
    if parts.scheme == "unix":
        return Check("TLS", "ok", "unix socket (local)")
    host = parts.hostname or ""
    try:
        local = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = False
    if local:
        return Check("TLS", "ok", "plain TCP on loopback")
    return Check("TLS", "warn", f"plain TCP to {host}: passwords and data cross the network in clear",
                 "enable TLS on the server (tls-port) and use a rediss:// URL (docs/configuration.md)")


def check_permissions(config: dict[str, Any]) -> Check:
    """Every operation the library uses, on one scratch id under the key prefix."""
    store = open_store("__doctor__", config)
    probe = f"probe-{uuid.uuid4().hex}"
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("upsert", lambda: store.upsert({probe: {"ok": 1}})),
        ("get_by_id", lambda: store.get_by_id(probe)),
        ("get_by_ids", lambda: store.get_by_ids([probe], fields={"ok"})),
        ("filter_keys", lambda: store.filter_keys([probe])),
        ("all_keys", store.all_keys),
        ("count", store.count),
        ("get_stats", store.get_stats),
        ("delete_by_id", lambda: store.delete_by_id(probe)),
    ]
    prefix = store.settings.key_prefix or "nano_graphrag"
    try:
        for name, step in steps:
            try:
                step()
            except Exception as exc:  # noqa: BLE001 - reported as the failed step
                return Check("ACL / commands", "fail", f"{name} failed: {scrub(str(exc), store.settings)}",
                             f"grant the user every command on its keys, e.g. ACL SETUSER <user> on >... "
                             f"~{prefix}:* +@all -@dangerous (on every cluster node)")
        try:  # only `stats --samples` / get_stats(memory_samples=N) need these two commands
            store.get_stats(memory_samples=1)
        except Exception as exc:  # noqa: BLE001
            return Check("ACL / commands", "warn",
                         f"every storage operation works under {prefix}:*, but the memory estimate does not: "
                         f"{scrub(str(exc), store.settings)}",
                         "for `stats` memory figures also grant +zrandmember +memory|usage")
    finally:
        store.close()
    return Check("ACL / commands", "ok", f"every storage operation works under {prefix}:*")


def collect(url: str | None, key_prefix: str | None) -> tuple[str, list[Check]]:
    config = target_config(url, key_prefix)
    settings = settings_for(config)
    shown = shown_url(settings)
    try:
        raw = RawRedis.connect(settings)
    except Exception as exc:  # noqa: BLE001
        return shown, [Check("connection", "fail", scrub(str(exc), settings), "check the URL, password and network")]
    checks = [Check("connection", "ok", f"{'cluster' if raw.cluster else 'single node'} at {shown}")]
    try:
        for run_check in (lambda: check_version(raw.nodes), lambda: check_eviction(raw.nodes),
                          lambda: check_persistence(raw.nodes), lambda: check_cluster(raw)):
            try:
                checks.append(run_check())
            except Exception as exc:  # noqa: BLE001 - one broken check must not hide the others
                checks.append(Check("check", "unknown", scrub(str(exc), settings)))
    finally:
        raw.close()
    checks.append(check_tls(settings.url or DEFAULT_URL))
    checks.append(check_permissions(config))
    return shown, checks


def run(url: str | None, key_prefix: str | None, as_json: bool) -> int:
    shown, checks = collect(url, key_prefix)
    failed = any(c.status == "fail" for c in checks)
    if as_json:
        click.echo(dumps({"url": shown, "ok": not failed, "checks": [asdict(c) for c in checks]}))
    else:
        click.echo(table(("check", "status", "detail"), [(c.name, c.status.upper(), c.detail) for c in checks]))
        for c in checks:
            if c.fix and c.status != "ok":
                click.echo(f"\n{c.name}: {c.fix}")
        click.echo("\n" + ("FAILED: fix the checks marked FAIL before trusting this server with data" if failed
                           else "no blocking problem found"))
    return 1 if failed else 0
