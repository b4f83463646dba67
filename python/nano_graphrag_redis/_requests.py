"""Every storage operation, defined once and free of I/O.

A `Request` is what both faces send: the op code, the msgpack payload the
header (include/ngr_redis.h) prescribes, and how to decode the response.
The sync face runs it with ngr_call, the async face with ngr_submit; neither
knows anything about an operation beyond this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Generic, TypeVar

import msgpack

from . import _abi
from ._errors import SerializationError

T = TypeVar("T")

_NIL = msgpack.packb(None)


def unpack(data: bytes) -> Any:
    """Decode a response (or a stored value) as msgpack."""
    return msgpack.unpackb(data, raw=False, strict_map_key=False)


class Request(Generic[T]):
    """One operation ready to send. A plain slotted class, not a frozen
    dataclass: one is built per call, and a frozen dataclass's __init__
    costs three times as much on the sync get_by_id path."""

    __slots__ = ("decode", "op", "payload")

    def __init__(self, op: int, payload: bytes, decode: Callable[[bytes], T]) -> None:
        self.op = op
        self.payload = payload
        self.decode = decode


def check_id(key: Any) -> str:
    """key itself if it is a str; else TypeError naming it."""
    if type(key) is not str:
        raise TypeError(f"key {key!r} must be str, not {type(key).__name__}")
    return key


def _keys(keys: Iterable[Any]) -> list[str]:
    keys = list(keys)
    if not all(type(k) is str for k in keys):
        for k in keys:
            check_id(k)  # raises, naming the first bad key
    return keys


def _pack_values(data: Mapping[str, Any]) -> bytes:
    """The whole dict in one packb; on failure, name the key whose value failed."""
    try:
        packed: bytes = msgpack.packb(data)
        return packed
    except (TypeError, ValueError, OverflowError) as exc:
        for key, value in data.items():
            try:
                msgpack.packb(value)
            except (TypeError, ValueError, OverflowError) as item_exc:
                raise SerializationError(
                    f"value of key {key!r} cannot be serialized to msgpack: {item_exc}; nothing was written"
                ) from item_exc
        raise SerializationError(f"batch cannot be serialized to msgpack: {exc}; nothing was written") from exc


def get(id: str) -> Request[Any]:
    return Request(_abi.NGR_OP_GET, msgpack.packb(check_id(id)), unpack)


def get_many(ids: Iterable[str], fields: Iterable[str] | None = None) -> Request[list[Any]]:
    wanted = None if fields is None else sorted(_keys(fields))
    return Request(_abi.NGR_OP_GET_MANY, msgpack.packb([_keys(ids), wanted]), unpack)


def filter_missing(ids: Iterable[str]) -> Request[set[str]]:
    return Request(_abi.NGR_OP_FILTER_MISSING, msgpack.packb(_keys(ids)), lambda b: set(unpack(b)))


def upsert(data: Mapping[str, Any]) -> Request[int]:
    if not isinstance(data, dict):
        data = dict(data)
    _keys(data)
    return Request(_abi.NGR_OP_UPSERT, _pack_values(data), unpack)


def delete(id: str) -> Request[bool]:
    return Request(_abi.NGR_OP_DELETE, msgpack.packb(check_id(id)), unpack)


def _no_payload(op: int) -> Request[Any]:
    return Request(op, _NIL, unpack)


ALL_KEYS: Request[list[str]] = _no_payload(_abi.NGR_OP_ALL_KEYS)
COUNT: Request[int] = _no_payload(_abi.NGR_OP_COUNT)
DROP: Request[int] = _no_payload(_abi.NGR_OP_DROP)
STATS: Request[dict[str, Any]] = _no_payload(_abi.NGR_OP_STATS)


def stats(memory_samples: int = 0) -> Request[dict[str, Any]]:
    """Stats; with memory_samples > 0 also a sampled memory estimate (bounded cost)."""
    if type(memory_samples) is not int or memory_samples < 0:
        raise ValueError(f"memory_samples must be an int >= 0, not {memory_samples!r}")
    return STATS if memory_samples == 0 else Request(_abi.NGR_OP_STATS, msgpack.packb(memory_samples), unpack)
REPAIR: Request[int] = _no_payload(_abi.NGR_OP_REPAIR)
PING: Request[bool] = _no_payload(_abi.NGR_OP_PING)
