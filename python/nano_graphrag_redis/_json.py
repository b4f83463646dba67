"""Stored values as strict JSON, for the readers that want JSON: the fork's backup
(_fork_compat.py) and ``nano-graphrag-redis export`` (cli/export.py)."""

from __future__ import annotations

import json
from typing import Any

from ._errors import SerializationError

__all__ = ["json_text"]


def json_text(namespace: str, id: str, value: Any) -> str:
    """value as JSON that json.loads gives back equal; SerializationError naming id when JSON cannot hold it
    (bytes, NaN/inf, a map key that is not a string, nesting too deep)."""
    try:
        _check_keys(value)
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as exc:
        raise SerializationError(
            f"value of {id!r} in namespace {namespace!r} cannot be written as JSON ({exc}); "
            "read it through the storage API instead"
        ) from exc


def _check_keys(value: Any) -> None:
    # json.dumps would turn an int/float/bool/None key into a string: a different value back.
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, inner in item.items():
                if not isinstance(key, str):
                    raise TypeError(f"map key {key!r} is a {type(key).__name__}, JSON keys are strings")
                stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)
