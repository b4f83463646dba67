"""The native store behind one storage object: opened lazily, closed once.

Opening happens on the first operation, not in the constructor, so building
a storage (as nano-graphrag does for every namespace at start) does not load
the Go runtime. Opening itself does no network I/O either (ngr_store_open
only validates the options): the shared Go client connects inside the first
operation, so the asyncio face never blocks its loop on an unreachable
server. Thread-safe: 16 threads racing on the first call open one handle.
"""

from __future__ import annotations

import json
import threading
import warnings

from . import _abi, _native
from ._config import Settings
from ._errors import ClosedError, RedisKVError


class NativeStore:
    def __init__(self, settings: Settings, namespace: str) -> None:
        self._namespace = namespace
        self._handle: int | None = None
        self._closed = False
        self._lock = threading.Lock()
        # The Go side canonicalises these before it shares one client per identical options.
        self._options = json.dumps(settings.to_wire(), separators=(",", ":")).encode()

    @property
    def state(self) -> str:
        if self._closed:
            return "closed"
        return "open" if self._handle is not None else "not opened"

    def handle(self) -> int:
        """The native handle, opening the store on first use; ClosedError once closed."""
        handle = self._handle
        if handle is not None:
            return handle
        with self._lock:
            if self._closed:
                raise ClosedError(f"storage {self._namespace!r} is closed; create a new one")
            if self._handle is None:
                self._handle = _native.store_open(self._options, self._namespace)
            return self._handle

    def close(self) -> None:
        """Close the native store (idempotent). In a forked child there is nothing to close."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            handle, self._handle = self._handle, None
        if handle is not None and _abi.loaded():
            _native.store_close(handle)

    def __del__(self) -> None:
        # A storage dropped without close() must not keep its client's pool alive. A finaliser has
        # no caller to raise to: a failed native close is reported as a ResourceWarning (shown
        # with -W default), like an unclosed file; anything else is a bug and goes to
        # sys.unraisablehook as usual.
        try:
            self.close()
        except RedisKVError as exc:
            warnings.warn(f"closing storage {self._namespace!r} failed: {exc}", ResourceWarning, stacklevel=1)
