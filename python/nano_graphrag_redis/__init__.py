"""nano_graphrag_redis: a Redis KV storage for nano-graphrag with a Go core.

- `RedisKVStorage`: asyncio, a nano-graphrag ``BaseKVStorage``
  (``GraphRAG(key_string_value_json_storage_cls=RedisKVStorage)``).
- `SyncRedisKVStorage`: the same operations, blocking.
- `MigratingKVStorage`: the phased switch from JsonKVStorage (docs/migration.md).
- The `nano-graphrag-redis` command: `cli/`; a Prometheus collector: `prometheus.py`.
- Settings: docs/configuration.md (`_config.py`); errors: `_errors.py`;
  the native library and its ABI: `_abi.py`, include/ngr_redis.h.

The native library loads on the first storage operation, not at import.
"""

from . import _errors
from ._async import RedisKVStorage
from ._config import Settings, resolve_settings
from ._errors import *  # the exception classes, listed in _errors.__all__
from ._integration import register, resolve_class
from ._sync import SyncRedisKVStorage
from ._version import __version__
from .migrating import MigratingKVStorage

__all__ = [
    "MigratingKVStorage",
    "RedisKVStorage",
    "Settings",
    "SyncRedisKVStorage",
    "__version__",
    "register",
    "resolve_class",
    "resolve_settings",
]
__all__ += _errors.__all__
