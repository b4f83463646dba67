"""What the sync and async faces share: settings, the lazy native store, repr.

A face only adds, per method, one line that turns a request from
_requests.py into a result: `self._call(...)` (sync) or
`await self._submit(...)` (async).
"""

from __future__ import annotations

from typing import Any

from ._config import Settings, log_default_url_once, resolve_settings
from ._store import NativeStore


class StoreCore:
    """Mixin for dataclasses with ``namespace`` and ``global_config`` fields."""

    namespace: str
    global_config: dict[str, Any]
    _settings: Settings
    _store: NativeStore

    def __post_init__(self) -> None:
        if not isinstance(self.namespace, str) or not self.namespace:
            raise TypeError(f"namespace must be a non-empty str, not {self.namespace!r}")
        # Resolved now so a bad setting fails at construction; nothing connects yet.
        self._settings = resolve_settings(self.global_config)
        log_default_url_once(self._settings)
        self._store = NativeStore(self._settings, self.namespace)

    @property
    def settings(self) -> Settings:
        """The resolved connection settings (their repr hides the password)."""
        return self._settings

    @property
    def closed(self) -> bool:
        return self._store.state == "closed"

    def __repr__(self) -> str:
        # Hand-written: the dataclass repr would print global_config, password included.
        return (
            f"{type(self).__name__}(namespace={self.namespace!r}, "
            f"settings={self._settings!r}, state={self._store.state!r})"
        )

    __str__ = __repr__
