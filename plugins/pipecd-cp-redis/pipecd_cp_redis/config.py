"""The redis cache's config block and `--cache-address`, parsed into `RedisSettings`.

    spec:
      cache:
        type: REDIS
        config:
          url: rediss://pipecd@redis.example.com:6380/2    # or address: redis.example.com:6380
          passwordFile: /etc/pipecd-secret/redis-password  # trailing newline trimmed
          username: pipecd                                 # ACL user (or in the url)
          db: 2                                            # (or the url's path); default 0
          tls: true                                        # rediss:// implies it
          tlsCAFile: /etc/pipecd-secret/redis-ca.pem       # trust this CA instead of the system's
          connectTimeout: 500ms                            # opening one connection (Go duration)
          timeout: 500ms                                   # the deadline of each call
          maxConnections: 8                                # per process; callers queue beyond it

With no `url` or `address`, `--cache-address` (`host:port`, as PipeCD passes it, or a URL) is
used. Keys match case-insensitively, as Go's encoding/json matches them; unknown keys are errors
(this block is pipecd-cp's own, so a typo must not silently drop a password). Every error names
its key and never repeats a value that may hold a secret.
"""
from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from pipecd_cp.config.durations import parse_duration
from pipecd_cp.errors import ConfigError

DEFAULT_PORT = 6379
#: Short on purpose: a cache that cannot answer quickly is a miss, not a reason to stall a request.
DEFAULT_CONNECT_TIMEOUT = 0.5
DEFAULT_TIMEOUT = 0.5
#: Redis runs commands one at a time, so more connections add no throughput; a small pool also
#: keeps a burst from opening dozens of (TLS) connections at once.
DEFAULT_MAX_CONNECTIONS = 8

KEYS = ("url", "address", "username", "passwordFile", "db", "tls", "tlsCAFile", "connectTimeout", "timeout",
        "maxConnections")
FLAG = "--cache-address"


@dataclass(frozen=True)
class RedisSettings:
    """Where and how to connect. `password` is left out of `repr` and `describe()`."""

    host: str
    port: int = DEFAULT_PORT
    db: int = 0
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    tls: bool = False
    tls_ca_file: str | None = None
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    timeout: float = DEFAULT_TIMEOUT
    max_connections: int = DEFAULT_MAX_CONNECTIONS

    def describe(self) -> str:
        """`redis[s]://host:port/db`, for logs and error messages: never a credential."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'rediss' if self.tls else 'redis'}://{host}:{self.port}/{self.db}"


@dataclass
class _Target:
    """What a URL, an address or the flag says."""

    host: str
    port: int
    tls: bool = False
    db: int | None = None
    username: str | None = None
    password: str | None = None


def parse_settings(config: Mapping[str, Any], cache_address: str | None = None) -> RedisSettings:
    """Settings from the `config:` block, falling back to `cache_address`; `ConfigError(field=...)`."""
    block = _Block(config)
    url, address = block.string("url"), block.string("address")
    if url is not None and address is not None:
        raise ConfigError("set url or address, not both", field="address")
    if url is not None:
        target = parse_url(url, "url")
    elif address is not None:
        target = parse_address(address, "address")
    elif cache_address:
        target = parse_url(cache_address, None) if "://" in cache_address else parse_address(cache_address, None)
    else:
        raise ConfigError("set url (redis://host:port/db) or address (host:port), or pass --cache-address",
                          field="url")

    username = block.string("username")
    if username is not None and target.username is not None:
        raise ConfigError("the url already names a user; keep one", field="username")
    password_file = block.string("passwordFile")
    password = target.password
    if password_file is not None:
        if password is not None:
            raise ConfigError("the url already carries a password; keep one", field="passwordFile")
        password = read_secret(password_file, "passwordFile")

    db = block.integer("db", minimum=0)
    if db is not None and target.db is not None and db != target.db:
        raise ConfigError(f"the url selects database {target.db}; keep one", field="db")

    tls = block.boolean("tls")
    if tls is False and target.tls:
        raise ConfigError("a rediss:// url means TLS; drop tls: false or use redis://", field="tls")
    use_tls = target.tls or bool(tls)
    ca_file = block.string("tlsCAFile")
    if ca_file is not None:
        if not use_tls:
            raise ConfigError("needs TLS: set tls: true or use a rediss:// url", field="tlsCAFile")
        if not Path(ca_file).is_file():
            raise ConfigError(f"no such file: {ca_file}", field="tlsCAFile")

    return RedisSettings(
        host=target.host, port=target.port, db=db if db is not None else (target.db or 0),
        username=username if username is not None else target.username, password=password,
        tls=use_tls, tls_ca_file=ca_file,
        connect_timeout=block.duration("connectTimeout", DEFAULT_CONNECT_TIMEOUT),
        timeout=block.duration("timeout", DEFAULT_TIMEOUT),
        max_connections=block.integer("maxConnections", minimum=1) or DEFAULT_MAX_CONNECTIONS)


def parse_url(value: str, key: str | None) -> _Target:
    """`redis://[user[:password]@]host[:port][/db]` or `rediss://...`. `key` None means the flag."""
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise _error("is not a valid redis:// URL (bad port or brackets)", key) from None
    scheme = parts.scheme.lower()
    if scheme not in ("redis", "rediss"):
        raise _error(f"must start with redis:// or rediss://, not {scheme}://", key)
    if not parts.hostname:
        raise _error("names no host", key)
    if parts.query or parts.fragment:
        raise _error("may not have ?query or #fragment parts; use the config keys", key)
    db: int | None = None
    path = parts.path.strip("/")
    if path:
        if not path.isdigit():
            raise _error("its path must be a database number such as /0", key)
        db = int(path)
    return _Target(parts.hostname, port or DEFAULT_PORT, tls=scheme == "rediss", db=db,
                   username=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password is not None else None)


def parse_address(value: str, key: str | None) -> _Target:
    """`host:port` (`[::1]:6379` for IPv6), as PipeCD's `--cache-address`. `key` None means the flag."""
    try:
        parts = urlsplit(f"//{value}")
        port = parts.port
    except ValueError:
        raise _error("must be host:port with a port from 1 to 65535", key) from None
    if not parts.hostname or port is None or port == 0 or parts.username is not None or parts.path \
            or parts.query or parts.fragment:
        raise _error("must be host:port, e.g. redis:6379 (or use url for redis:// URLs)", key)
    return _Target(parts.hostname, port)


def read_secret(path: str, key: str) -> str:
    """A secret file's text with one trailing newline trimmed (as written by `echo` or a k8s secret)."""
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}", field=key) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text", field=key) from None
    text = text.removesuffix("\n").removesuffix("\r")
    if not text:
        raise ConfigError(f"{path} is empty", field=key)
    return text


def _error(reason: str, key: str | None) -> ConfigError:
    return ConfigError(reason, field=key) if key else ConfigError(f"{FLAG}: {reason}")


class _Block:
    """Typed, case-insensitive reads of the config mapping; unknown keys are errors."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        if not isinstance(config, Mapping):
            raise ConfigError("the redis config must be a mapping")
        canonical = {k.lower(): k for k in KEYS}
        self._values: dict[str, Any] = {}
        for raw_key, value in config.items():
            name = canonical.get(str(raw_key).lower())
            if name is None:
                close = difflib.get_close_matches(str(raw_key), KEYS, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                raise ConfigError(f"unknown key; {hint}known keys: {', '.join(KEYS)}", field=str(raw_key))
            if name in self._values:
                raise ConfigError("given twice (keys are case-insensitive)", field=str(raw_key))
            if value is not None:  # `key:` with no value reads as absent, as in Go
                self._values[name] = value

    def string(self, key: str) -> str | None:
        value = self._values.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise ConfigError("must be a non-empty string", field=key)
        return value.strip()

    def boolean(self, key: str) -> bool | None:
        value = self._values.get(key)
        if value is not None and not isinstance(value, bool):
            raise ConfigError("must be true or false", field=key)
        return value

    def integer(self, key: str, minimum: int) -> int | None:
        value = self._values.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise ConfigError(f"must be an integer of at least {minimum}", field=key)
        return value

    def duration(self, key: str, default: float) -> float:
        value = self._values.get(key)
        if value is None:
            return default
        if not isinstance(value, str):  # a bare number would be Go nanoseconds: never what was meant here
            raise ConfigError("must be a duration string such as \"500ms\" or \"2s\"", field=key)
        try:
            seconds = parse_duration(value)
        except ValueError as exc:
            raise ConfigError(str(exc), field=key) from None
        if seconds <= 0:
            raise ConfigError("must be a positive duration such as \"500ms\"", field=key)
        return seconds
