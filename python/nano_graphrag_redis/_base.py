"""What the sync and async faces share: settings, the lazy native store, repr.

A face only adds, per method, one line that turns a request from
_requests.py into a result: `self._call(...)` (sync) or
`await self._submit(...)` (async).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from ._config import Settings, log_default_url_once, resolve_settings
from ._errors import ConfigurationError
from ._store import NativeStore

if TYPE_CHECKING:  # typing.Self is 3.11+; annotations are not evaluated at run time
    from typing_extensions import Self

S = TypeVar("S", bound="StoreCore")


class StoreCore:
    """Mixin for dataclasses with ``namespace`` and ``global_config`` fields."""

    namespace: str
    global_config: dict[str, Any]
    _settings: Settings
    _store: NativeStore

    def __post_init__(self) -> None:
        if not isinstance(self.namespace, str) or not self.namespace:
            raise TypeError(f"namespace must be a non-empty str, not {self.namespace!r}")
        if self.global_config is None:
            # nano-graphrag always passes a dict: None is a caller's bug, not a wish for 127.0.0.1:6379.
            raise TypeError(
                f"global_config of storage {self.namespace!r} must be a dict (nano-graphrag's config), not None; "
                "pass {} to use only the environment and the defaults"
            )
        try:
            self.namespace.encode("utf-8")
        except UnicodeEncodeError as exc:
            # Found now, not as a bare UnicodeEncodeError at the first call: keys are UTF-8.
            raise ConfigurationError(
                f"namespace {self.namespace!r} is not valid UTF-8 text ({exc.reason} at position {exc.start})"
            ) from None
        # Resolved now so a bad setting fails at construction; nothing connects yet.
        self._settings = resolve_settings(self.global_config)
        log_default_url_once(self._settings)
        self._store = NativeStore(self._settings, self.namespace)

    @classmethod
    def from_url(cls, url: str, *, namespace: str, **settings: Any) -> Self:
        """A storage for ``namespace`` on the Redis at ``url``, as redis-py's from_url.

        Other settings go by their name without ``redis_``, e.g.
        ``from_url("redis://127.0.0.1:6379", namespace="docs", key_prefix="myapp")``;
        the environment still fills in what is not given (docs/configuration.md).
        """
        addon = {f"redis_{name}": value for name, value in settings.items()}
        # The faces are dataclasses whose fields (StorageFields) take these; the mixin itself has none.
        return cls(namespace=namespace, global_config={"addon_params": {**addon, "redis_url": url}})  # type: ignore[call-arg]

    @property
    def settings(self) -> Settings:
        """The resolved connection settings (their repr hides the password)."""
        return self._settings

    @property
    def closed(self) -> bool:
        """True once close() / aclose() ran; operations then raise ClosedError."""
        return self._store.state == "closed"

    def __repr__(self) -> str:
        # Hand-written: the dataclass repr would print global_config, password included.
        return (
            f"{type(self).__name__}(namespace={self.namespace!r}, "
            f"settings={self._settings!r}, state={self._store.state!r})"
        )

    __str__ = __repr__
