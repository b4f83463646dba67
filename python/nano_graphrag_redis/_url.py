"""The connection URL rule of storage/url.go, in Python: parse and redact.

The Go core parses the URL when the store opens; this twin lets a bad URL
fail when the storage is built, without loading the library. Both run the
same table of cases (storage/testdata/url_cases.json: same accept/reject
answer, same endpoint, same redaction), so the two cannot drift apart.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["Endpoint", "URLError", "parse_url", "redact_url"]

_HEX = "0123456789abcdefABCDEF"
_INT = re.compile(r"[+-]?[0-9]+")


class URLError(ValueError):
    """Why a URL is refused; never holds a piece of its password."""


class Endpoint(NamedTuple):
    """What a URL says, as storage/url.go's endpoint."""

    network: str  # "tcp" or "unix"
    addrs: tuple[str, ...]  # host:port (several for sentinel), or a socket path
    username: str
    password: str
    db: int
    tls: bool
    sentinel: bool
    master_name: str


def redact_url(url: str) -> str:
    """The URL with the password of its user info replaced by ``***``.

    The user info runs up to the LAST '@' (a raw password may hold '/', '?',
    '#' or '@'); a user name alone is shown. Without "://", all the user
    info is hidden.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return "***@" + url.rpartition("@")[2] if "@" in url else url
    userinfo, at, host = rest.rpartition("@")
    if not at or ":" not in userinfo:
        return url
    return f"{scheme}://{userinfo.partition(':')[0]}:***@{host}"


def parse_url(url: str) -> Endpoint:
    """Parse redis://, rediss://, unix:// and redis+sentinel:// URLs; URLError if refused."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise URLError(f"no scheme; write it as a URL, e.g. redis://{redact_url(url)} "
                       "(rediss:// for TLS, unix:// or redis+sentinel://)")
    kinds = {"redis": ("tcp", False, False), "rediss": ("tcp", True, False),
             "unix": ("unix", False, False), "redis+sentinel": ("tcp", False, True)}
    if scheme.lower() not in kinds:
        raise URLError(f"unknown scheme {scheme!r}")
    network, tls, sentinel = kinds[scheme.lower()]
    username = password = ""
    userinfo, at, after = rest.rpartition("@")
    if at:
        user, _, pw = userinfo.partition(":")
        try:
            username, password = _path_unescape(user), _path_unescape(pw)
        except ValueError:
            raise URLError("bad percent-encoding in user info") from None
        rest = after
    rest, _, query = rest.partition("?")
    authority, _, path = rest.partition("/")
    db = _query_db(query)
    master = ""
    if network == "unix":
        # unix://[user:pass@]/path/to.sock: the path is all after the (empty) authority.
        if path == "":
            raise URLError("missing socket path")
        addrs: tuple[str, ...] = ("/" + path,)
    elif sentinel:
        addrs = tuple(_host_port(hp) for hp in authority.split(","))
        master, _, db_text = path.removesuffix("/").partition("/")
        if not master:
            raise URLError("sentinel URL needs /mastername")
        db = _db(db_text, db)
    else:
        addrs = (_host_port(authority),)
        db = _db(path.removesuffix("/"), db)
    return Endpoint(network, addrs, username, password, db, tls, sentinel, master)


def _path_unescape(text: str) -> str:
    """Go's url.PathUnescape: every '%' starts two hex digits; '+' stays."""
    return _unescape(text, plus_is_space=False)


def _unescape(text: str, plus_is_space: bool) -> str:
    out = bytearray()
    i = 0
    while i < len(text):
        c = text[i]
        if c == "%":
            pair = text[i + 1:i + 3]
            if len(pair) < 2 or pair[0] not in _HEX or pair[1] not in _HEX:
                raise ValueError("bad escape")
            out.append(int(pair, 16))
            i += 3
            continue
        out += (" " if plus_is_space and c == "+" else c).encode()
        i += 1
    return out.decode("utf-8", "surrogateescape")


def _query_db(query: str) -> int:
    """Go's url.ParseQuery, then: only "db" is allowed."""
    values: dict[str, list[str]] = {}
    bad = False
    for part in query.split("&") if query else ():
        if ";" in part:
            bad = True
            continue
        if not part:
            continue
        key, _, value = part.partition("=")
        try:
            values.setdefault(_unescape(key, True), []).append(_unescape(value, True))
        except ValueError:
            bad = True
    if bad:
        raise URLError("bad query string")
    for key in values:
        if key != "db":
            raise URLError(f"unsupported query parameter {key!r} (only db)")
    return _db(values["db"][0] if "db" in values else "", 0)


def _db(text: str, current: int) -> int:
    """A database number (Go's strconv.Atoi, not negative); "" keeps current."""
    if text == "":
        return current
    if not _INT.fullmatch(text) or not 0 <= int(text) < 2**63:
        raise URLError(f"bad database number {text!r}")
    return int(text)


def _host_port(text: str) -> str:
    """host, host:port or [v6]:port; the port defaults to 6379 (storage/url.go hostPort)."""
    if text == "":
        raise URLError("missing host")
    split = _split_host_port(text)
    host, port = split if split else (text.strip("[]"), "6379")
    # "[::1:6379" must not dial [::1:6379]:6379: a bracket is allowed only around the whole host.
    if not split and (text.startswith("[") != text.endswith("]") or "[" in host or "]" in host):
        raise URLError(f"unbalanced '[' ']' in host {text!r}; write an IPv6 host as [::1]:6379")
    if not _INT.fullmatch(port) or not 0 < int(port) <= 65535:
        raise URLError(f"bad port {port!r}")
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _split_host_port(text: str) -> tuple[str, str] | None:
    """Go's net.SplitHostPort, None where it fails."""
    i = text.rfind(":")
    if i < 0:
        return None
    j = k = 0
    if text[0] == "[":
        end = text.find("]")
        if end < 0 or end + 1 != i:
            return None
        host = text[1:end]
        j, k = 1, end + 1
    else:
        host = text[:i]
        if ":" in host:
            return None
    if "[" in text[j:] or "]" in text[k:]:
        return None
    return host, text[i + 1:]
