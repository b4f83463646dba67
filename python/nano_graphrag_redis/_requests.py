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
from ._errors import CorruptValueError, SerializationError

T = TypeVar("T")

_NIL = msgpack.packb(None)


def unpack(data: bytes) -> Any:
    """Decode a response (or a stored value) as msgpack."""
    return msgpack.unpackb(data, raw=False, strict_map_key=False)


# What msgpack raises for bytes it cannot turn into Python objects (e.g. a
# timestamp with too many nanoseconds). The Go side already refused values
# that are not well-formed msgpack, invalid UTF-8 and unhashable map keys.
_DECODE_ERRORS = (ValueError, TypeError, ArithmeticError)


def _unpack_ids(data: bytes) -> list[str]:
    """Ids from the server: one written by another program that is not UTF-8
    comes back with surrogate escapes (as os.fsdecode does), never raises."""
    return msgpack.unpackb(data, raw=False, unicode_errors="surrogateescape")


def _corrupt(namespace: str, ids: list[str], exc: Exception) -> CorruptValueError:
    shown = ", ".join(repr(i) for i in ids)
    return CorruptValueError(
        f"stored value of {shown} in namespace {namespace!r} cannot be decoded ({exc}); rewrite or delete it"
    )


def _value_decoder(namespace: str, id: str) -> Callable[[bytes], Any]:
    def decode(data: bytes) -> Any:
        try:
            return unpack(data)
        except _DECODE_ERRORS as exc:
            raise _corrupt(namespace, [id], exc) from exc
    return decode


def _values_decoder(namespace: str, ids: list[str]) -> Callable[[bytes], list[Any]]:
    """A batch with any undecodable value raises, naming every bad id: the
    response is split at the value boundaries and each value decoded alone."""
    def decode(data: bytes) -> list[Any]:
        try:
            return unpack(data)
        except _DECODE_ERRORS as exc:
            first = exc
        reader = msgpack.Unpacker(max_buffer_size=len(data))
        reader.feed(data)
        bad = []
        for id in ids[: reader.read_array_header()]:
            start = reader.tell()
            reader.skip()
            try:
                unpack(data[start:reader.tell()])
            except _DECODE_ERRORS:
                bad.append(id)
        raise _corrupt(namespace, bad or ids, first) from first
    return decode


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


def _pack(obj: Any, keys: Iterable[str]) -> bytes:
    """packb for requests made of ids: an id that is not valid Unicode text
    (a lone surrogate) is named, instead of a bare UnicodeEncodeError."""
    try:
        return msgpack.packb(obj)
    except UnicodeEncodeError as exc:
        raise _bad_text(keys, exc) from exc


def _bad_text(keys: Iterable[str], exc: UnicodeEncodeError) -> SerializationError:
    for key in keys:
        try:
            key.encode("utf-8")
        except UnicodeEncodeError:
            return SerializationError(
                f"key {key!r} is not valid UTF-8 text ({exc.reason}); ids must be encodable as UTF-8; nothing was sent"
            )
    return SerializationError(f"request cannot be encoded as UTF-8: {exc}; nothing was sent")


def _pack_values(data: Mapping[str, Any]) -> bytes:
    """The whole dict in one packb; on failure, name the key whose value failed."""
    try:
        packed: bytes = msgpack.packb(data)
        return packed
    except (TypeError, ValueError, OverflowError) as exc:
        if isinstance(exc, UnicodeEncodeError):
            for key in data:
                _pack(key, [key])  # raises, naming the first key that is not UTF-8
        for key, value in data.items():
            try:
                msgpack.packb(value)
            except (TypeError, ValueError, OverflowError) as item_exc:
                raise SerializationError(
                    f"value of key {key!r} cannot be serialized to msgpack: {item_exc}; nothing was written"
                ) from item_exc
        raise SerializationError(f"batch cannot be serialized to msgpack: {exc}; nothing was written") from exc


def get(namespace: str, id: str) -> Request[Any]:
    return Request(_abi.NGR_OP_GET, _pack(check_id(id), [id]), _value_decoder(namespace, id))


def get_many(namespace: str, ids: Iterable[str], fields: Iterable[str] | None = None) -> Request[list[Any]]:
    """Values in ids order, None for a missing id. If any stored value cannot
    be decoded, the call raises CorruptValueError naming every bad id (the
    Go side does the same for bytes that are not msgpack), rather than
    return a damaged value or pass it off as missing."""
    wanted = None if fields is None else sorted(_keys(fields))
    ids = _keys(ids)
    payload = _pack([ids, wanted], ids + (wanted or []))
    return Request(_abi.NGR_OP_GET_MANY, payload, _values_decoder(namespace, ids))


def filter_missing(ids: Iterable[str]) -> Request[set[str]]:
    ids = _keys(ids)
    return Request(_abi.NGR_OP_FILTER_MISSING, _pack(ids, ids), lambda b: set(unpack(b)))


def upsert(data: Mapping[str, Any]) -> Request[int]:
    # dict("ab") would say "dictionary update sequence element #0 has length 1"; say what upsert takes.
    if not isinstance(data, Mapping):
        raise TypeError(
            f"upsert takes a mapping of id to value, e.g. {{'doc-1': {{...}}}}, not {type(data).__name__}; "
            "nothing was sent"
        )
    if not isinstance(data, dict):
        data = dict(data)
    _keys(data)
    return Request(_abi.NGR_OP_UPSERT, _pack_values(data), unpack)


def delete(id: str) -> Request[bool]:
    return Request(_abi.NGR_OP_DELETE, _pack(check_id(id), [id]), unpack)


def _no_payload(op: int) -> Request[Any]:
    return Request(op, _NIL, unpack)


ALL_KEYS: Request[list[str]] = Request(_abi.NGR_OP_ALL_KEYS, _NIL, _unpack_ids)
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
