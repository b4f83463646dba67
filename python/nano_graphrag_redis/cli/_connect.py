"""How the command reaches Redis.

- `target_config` / `open_store`: a storage built exactly as an application
  builds it, so settings resolve as in the library (``--url`` is
  ``redis_url`` in global_config, everything else from ``REDIS_*``).
- `source_config`: settings for a *source* deployment, taken from its URL
  only where the environment would otherwise mix in the target's password.
- `RawRedis`: redis-py clients for what the storage API does not do (the
  legacy layout, server checks): one per master on a cluster.
- `scrub`: the last guard that no printed text holds a password.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from .._config import Settings, redact_url, resolve_settings
from .._sync import SyncRedisKVStorage

DEFAULT_URL = "redis://127.0.0.1:6379"


def target_config(url: str | None, key_prefix: str | None = None, working_dir: str | None = None) -> dict[str, Any]:
    """global_config for a store on the target: only what the command line set. A working_dir
    gives the index namespaces the workspace the app derives from it (docs/configuration.md)."""
    config: dict[str, Any] = {}
    if url:
        config["redis_url"] = url
    if key_prefix:
        config["redis_key_prefix"] = key_prefix
    if working_dir:
        config["working_dir"] = working_dir
    return config


def source_config(url: str, key_prefix: str) -> dict[str, Any]:
    """global_config for a source deployment: its URL's own credentials win over REDIS_PASSWORD."""
    config = {"redis_url": url, "redis_key_prefix": key_prefix}
    parts = urlsplit(url)
    if parts.password:
        config["redis_password"] = unquote(parts.password)
        if parts.username:
            config["redis_username"] = unquote(parts.username)
    return config


def open_store(namespace: str, config: dict[str, Any]) -> SyncRedisKVStorage:
    return SyncRedisKVStorage(namespace=namespace, global_config=dict(config))


def settings_for(config: dict[str, Any]) -> Settings:
    return resolve_settings(config)


def shown_url(settings: Settings) -> str:
    return redact_url(settings.url or DEFAULT_URL)


def scrub(text: str, *settings: Settings) -> str:
    """text with every known password replaced by ***."""
    for s in settings:
        secrets = [s.password] if s.password else []
        url = s.url or ""
        userinfo = url.partition("://")[2].rpartition("@")[0]
        if ":" in userinfo:
            secret = userinfo.partition(":")[2]
            secrets += [secret, unquote(secret)]
        for secret in secrets:
            if secret:
                text = text.replace(secret, "***")
    return text


@dataclass
class RawRedis:
    """redis-py access to one deployment: `client` for commands on keys,
    `nodes` (one client per master; the client itself on a single node)
    for per-server checks."""

    settings: Settings
    cluster: bool
    client: Any
    nodes: list[Any] = field(default_factory=list)

    @classmethod
    def connect(cls, settings: Settings) -> RawRedis:
        import redis

        url = settings.url or DEFAULT_URL
        if url.startswith("redis+sentinel://"):
            raise ValueError(
                f"{redact_url(url)}: give the master's redis:// URL for this command "
                "(redis-cli -p <sentinel port> SENTINEL get-master-addr-by-name <name> prints it)"
            )
        kwargs = _redis_py_kwargs(settings)
        node = redis.Redis.from_url(url, **kwargs)
        cluster = settings.topology == "cluster" or (settings.topology in (None, "auto") and _cluster_enabled(node))
        if not cluster:
            return cls(settings, False, node, [node])
        node.close()
        rc = redis.RedisCluster.from_url(url, **kwargs)
        return cls(settings, True, rc, [n.redis_connection for n in rc.get_primaries()])

    def close(self) -> None:
        self.client.close()


def _redis_py_kwargs(s: Settings) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "socket_timeout": s.read_timeout or 3,
        "socket_connect_timeout": s.dial_timeout or 5,
    }
    if s.username:
        kwargs["username"] = s.username
    if s.password:
        kwargs["password"] = s.password
    if (s.url or "").startswith("rediss://"):
        if s.tls_ca_file:
            kwargs["ssl_ca_certs"] = s.tls_ca_file
        if s.tls_cert_file:
            kwargs["ssl_certfile"] = s.tls_cert_file
            kwargs["ssl_keyfile"] = s.tls_key_file
        if s.tls_insecure_skip_verify:
            kwargs["ssl_cert_reqs"] = "none"
    return kwargs


def _cluster_enabled(node: Any) -> bool:
    import redis

    try:
        node.execute_command("CLUSTER", "INFO")
        return True
    except redis.ResponseError:  # "This instance has cluster support disabled"
        return False
