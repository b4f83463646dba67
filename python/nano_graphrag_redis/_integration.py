"""Ways for nano-graphrag to find this backend by name rather than by import.

- `register()` plugs `RedisKVStorage` into the nano-graphrag fork's
  ``StorageFactory`` as the ``"redis"`` KV backend (``STORAGE_KV_BACKEND=redis``).
  Upstream nano-graphrag on PyPI has no factory: there you pass the class as
  ``GraphRAG(key_string_value_json_storage_cls=RedisKVStorage)``.
- `resolve_class("nano_graphrag_redis:RedisKVStorage")` turns a class name kept
  in an application's config into the class.
"""

from __future__ import annotations

import importlib
from typing import Any

from ._errors import ConfigurationError

__all__ = ["register", "resolve_class"]

_FACTORY_MODULE = "nano_graphrag._storage.factory"
BACKEND_NAME = "redis"


def _load_redis_kv_storage() -> type:
    # Imported on demand: the factory calls loaders only when the backend is chosen.
    from . import RedisKVStorage

    return RedisKVStorage


def register() -> bool:
    """Register RedisKVStorage as the ``"redis"`` KV backend of the fork's StorageFactory.

    Every other backend stays: the fork registers its built-ins ("json", its own "redis")
    only while ``StorageFactory._kv_backends`` is empty (``_storage/factory.py:
    _register_backends``), so they are filled in first, and whatever was registered before
    is kept as it was. The fork accepts only "json" and "redis" (``ALLOWED_KV``,
    ``config.py: StorageConfig``), so ours takes "redis"; the fork's own class stays
    importable as ``nano_graphrag._storage.kv_redis:RedisKVStorage``.

    Returns True when registered, False when the installed nano-graphrag has
    no StorageFactory (upstream PyPI releases), which is not an error.
    """
    try:
        factory_module = importlib.import_module(_FACTORY_MODULE)
    except ImportError:
        return False
    factory = getattr(factory_module, "StorageFactory", None)
    register_kv = getattr(factory, "register_kv", None)
    if register_kv is None:
        return False
    _register_builtins(factory, getattr(factory_module, "_register_backends", None))
    register_kv(BACKEND_NAME, _load_redis_kv_storage)
    return True


def _register_builtins(factory: Any, register_backends: Any) -> None:
    """Let the factory register what it would on first use, even if something is registered already."""
    backends = getattr(factory, "_kv_backends", None)
    if register_backends is None or not isinstance(backends, dict):
        return
    before = dict(backends)
    backends.clear()  # the factory's rule: built-ins only into an empty dict
    try:
        register_backends()
    finally:
        backends.update(before)


def resolve_class(name: str) -> type:
    """The class named ``"package.module:Class"`` (or dotted ``"package.module.Class"``).

    Raises ConfigurationError for a malformed name, ImportError when the module
    or the attribute does not exist, TypeError when the attribute is not a class.
    """
    if not isinstance(name, str) or not name.strip():
        raise ConfigurationError(f"class name must be a non-empty string like 'pkg.module:Class', not {name!r}")
    module_name, sep, attr_path = name.strip().partition(":")
    if not sep:
        module_name, _, attr_path = module_name.rpartition(".")
    if not module_name or not attr_path:
        raise ConfigurationError(f"class name {name!r} is not 'pkg.module:Class' or 'pkg.module.Class'")
    try:
        obj = importlib.import_module(module_name)
    except ImportError as exc:
        raise ImportError(f"cannot import module {module_name!r} for class name {name!r}: {exc}") from exc
    for attr in attr_path.split("."):
        try:
            obj = getattr(obj, attr)
        except AttributeError:
            raise ImportError(f"{name!r}: {module_name!r} has no attribute {attr_path!r}") from None
    if not isinstance(obj, type):
        raise TypeError(f"{name!r} names a {type(obj).__name__}, not a class")
    return obj
