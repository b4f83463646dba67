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
    register_kv(BACKEND_NAME, _load_redis_kv_storage)
    return True


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
