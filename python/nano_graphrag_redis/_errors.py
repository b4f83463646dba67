"""Exceptions of nano_graphrag_redis, and the one place native errors become them.

Every exception derives from `RedisKVError`; some also derive from the
builtin a caller would naturally catch (ConnectionError, TimeoutError,
TypeError, ValueError). `error_for(status, message)` maps a status code of
include/ngr_redis.h to its class and keeps the native message, which the
Go side guarantees never contains a password.
"""

from __future__ import annotations

from . import _abi

__all__ = [
    "AuthenticationError",
    "ClosedError",
    "ClusterRedirectError",
    "ConfigurationError",
    "CorruptValueError",
    "GoPanicError",
    "InternalError",
    "NotReplicatedError",
    "OutOfMemoryError",
    "RedisKVConnectionError",
    "RedisKVError",
    "RedisKVTimeoutError",
    "ResponseError",
    "SerializationError",
    "TLSError",
    "UsedAfterForkError",
    "ValueTooLargeError",
]


class RedisKVError(Exception):
    """Base of every error raised by nano_graphrag_redis.

    ``status`` is the native status code (include/ngr_redis.h) when the error
    came from the library, else None.
    """

    status: int | None = None


class RedisKVConnectionError(RedisKVError, ConnectionError):
    """Redis could not be reached, or the connection dropped."""


class RedisKVTimeoutError(RedisKVError, TimeoutError):
    """A command timed out. The outcome is unknown: it may have been applied."""


class AuthenticationError(RedisKVConnectionError):
    """Redis refused the credentials or the ACL forbids the command (NOAUTH, WRONGPASS, NOPERM).

    A connection error, as in redis-py: the connection cannot be used as configured.
    """


class TLSError(RedisKVConnectionError):
    """The TLS handshake failed: certificate not trusted or missing, wrong CA,
    or one side speaks TLS and the other does not (rediss:// vs redis://)."""


class ResponseError(RedisKVError):
    """Redis answered with an error reply (e.g. ``ERR DB index is out of range``,
    ``WRONGTYPE``); the message quotes it."""


class OutOfMemoryError(ResponseError):
    """Redis refused a write: ``OOM command not allowed`` (maxmemory reached with
    the noeviction policy). Nothing of the refused command was written; free
    memory or raise maxmemory, then retry."""


class ClusterRedirectError(RedisKVError):
    """Redis Cluster kept redirecting (MOVED/ASK) beyond the retry limit."""


class SerializationError(RedisKVError, TypeError):
    """A value cannot be encoded as msgpack, or a stored value cannot be decoded."""


class CorruptValueError(SerializationError):
    """A stored value cannot be read back: its bytes are damaged or were not
    written by this library (empty, truncated, trailing garbage, not msgpack,
    not decodable in Python, a decompression bomb beyond max_value_size).
    The message names the namespace and every bad id. A batch read with any
    bad value raises, rather than return a damaged value or pass it off as
    missing; read the other ids without them, and rewrite or delete the bad ones."""


class ValueTooLargeError(RedisKVError):
    """A value exceeds max_value_size; the whole batch was rejected unwritten."""


class NotReplicatedError(RedisKVError):
    """The write reached the master, but WAIT saw fewer replicas than wait_replicas in time
    (or WAIT itself failed after the write, e.g. the master was demoted while it blocked).

    Unlike a timeout the outcome is known: the data is stored; only its copy
    on replicas is not confirmed, so a failover now could lose it.
    """


class ConfigurationError(RedisKVError, ValueError):
    """A setting is invalid; the message names the setting."""


class ClosedError(RedisKVError):
    """The storage was closed; create a new one."""


class UsedAfterForkError(RedisKVError):
    """The process forked after the Go runtime started; the child cannot use it."""


class InternalError(RedisKVError):
    """An unexpected failure inside the library; the message says what."""


class GoPanicError(InternalError):
    """A Go panic was recovered inside the library (the process is unharmed)."""


_BY_STATUS: dict[int, type[RedisKVError]] = {
    _abi.NGR_ERR_INTERNAL: InternalError,
    _abi.NGR_ERR_CONFIG: ConfigurationError,
    _abi.NGR_ERR_CONNECTION: RedisKVConnectionError,
    _abi.NGR_ERR_TIMEOUT: RedisKVTimeoutError,
    _abi.NGR_ERR_AUTH: AuthenticationError,
    _abi.NGR_ERR_REDIRECT: ClusterRedirectError,
    _abi.NGR_ERR_SERIALIZATION: SerializationError,
    _abi.NGR_ERR_TOO_LARGE: ValueTooLargeError,
    _abi.NGR_ERR_CLOSED: ClosedError,
    _abi.NGR_ERR_BAD_HANDLE: ClosedError,  # a handle is unknown once it was closed
    _abi.NGR_ERR_PANIC: GoPanicError,
    _abi.NGR_ERR_NOT_REPLICATED: NotReplicatedError,
    _abi.NGR_ERR_CORRUPT_VALUE: CorruptValueError,
    _abi.NGR_ERR_RESPONSE: ResponseError,
    _abi.NGR_ERR_TLS: TLSError,
    _abi.NGR_ERR_OOM: OutOfMemoryError,
}


def error_for(status: int, message: str) -> RedisKVError:
    """The exception for a non-OK native status, carrying the native message."""
    cls = _BY_STATUS.get(status, InternalError)
    error = cls(message or f"native status {status}")
    error.status = status
    return error
