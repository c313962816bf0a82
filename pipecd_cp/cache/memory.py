"""The built-in `memory` cache: one process, TTLs checked on every read, bounded in size.

Config (`spec.cache` with `type: MEMORY`, the default): `config.maxEntries` (default 100000)
and `config.maxBytes` (default 256 MiB). When either bound is passed, the least recently used
keys are evicted. Unlike PipeCD's in-memory caches, an expired entry is never returned.
"""
from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pipecd_cp.cache.base import Cache, check_key, check_ttl, check_value
from pipecd_cp.errors import ConfigError, InvalidArgument

if TYPE_CHECKING:
    from pipecd_cp.drivers import DriverContext

_OVERHEAD = 64  # rough per-entry bookkeeping, so many tiny keys still count


@dataclass(slots=True)
class _Entry:
    value: bytes | dict[str, bytes]
    expires: float | None
    size: int


class MemoryCache(Cache):
    """An LRU map with per-key expiry; see the module docstring."""

    name = "memory"
    shared = False  # one process only

    def __init__(self, max_entries: int = 100_000, max_bytes: int = 256 << 20,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._clock = clock
        self._data: OrderedDict[str, _Entry] = OrderedDict()
        self._bytes = 0

    @classmethod
    def from_config(cls, config: Mapping[str, Any], context: "DriverContext") -> "MemoryCache":
        kwargs = {}
        for key, attr in (("maxEntries", "max_entries"), ("maxBytes", "max_bytes")):
            value = config.get(key)
            if value is None:
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError("must be a positive integer", field=key)
            kwargs[attr] = value
        return cls(**kwargs)

    # ------------------------------------------------------------------ internals
    def _live(self, key: str) -> _Entry | None:
        entry = self._data.get(key)
        if entry is None:
            return None
        if entry.expires is not None and entry.expires <= self._clock():
            self._drop(key)
            return None
        self._data.move_to_end(key)
        return entry

    def _drop(self, key: str) -> None:
        entry = self._data.pop(key, None)
        if entry is not None:
            self._bytes -= entry.size

    def _store(self, key: str, value: bytes | dict[str, bytes], ttl: float | None) -> None:
        self._drop(key)
        size = _OVERHEAD + len(key) + (len(value) if isinstance(value, bytes)
                                       else sum(len(k) + len(v) + _OVERHEAD for k, v in value.items()))
        expires = None if ttl is None else self._clock() + ttl
        self._data[key] = _Entry(value, expires, size)
        self._bytes += size
        self._evict()

    def _evict(self) -> None:
        while self._data and (len(self._data) > self.max_entries or self._bytes > self.max_bytes):
            self._drop(next(iter(self._data)))

    def _resize(self, key: str, entry: _Entry, delta: int) -> None:
        entry.size += delta
        self._bytes += delta
        self._evict()

    def _string(self, key: str) -> _Entry | None:
        entry = self._live(check_key(key))
        if entry is not None and not isinstance(entry.value, bytes):
            raise InvalidArgument(f"cache key {key!r} holds a hash", field="key")
        return entry

    def _hash(self, key: str, create: bool = False) -> dict[str, bytes] | None:
        entry = self._live(check_key(key))
        if entry is None:
            if not create:
                return None
            self._store(key, {}, None)
            entry = self._data[key]
        if not isinstance(entry.value, dict):
            raise InvalidArgument(f"cache key {key!r} holds a plain value", field="key")
        return entry.value

    # ------------------------------------------------------------------ strings
    async def get(self, key: str) -> bytes | None:
        entry = self._string(key)
        return None if entry is None else entry.value  # type: ignore[return-value]

    async def put(self, key: str, value: bytes, ttl: float | None = None) -> None:
        self._store(check_key(key), check_value(value), check_ttl(ttl))

    async def add(self, key: str, value: bytes, ttl: float | None = None) -> bool:
        value, ttl = check_value(value), check_ttl(ttl)
        if self._live(check_key(key)) is not None:
            return False
        self._store(key, value, ttl)
        return True

    async def take(self, key: str) -> bytes | None:
        entry = self._string(key)
        if entry is None:
            return None
        self._drop(key)
        return entry.value  # type: ignore[return-value]

    async def delete(self, key: str) -> None:
        self._drop(check_key(key))

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        check_ttl(ttl)
        entry = self._string(key)
        if entry is None:
            self._store(key, str(amount).encode(), ttl)
            return amount
        try:
            value = int(entry.value) + amount  # type: ignore[arg-type]
        except ValueError as exc:
            raise InvalidArgument(f"cache key {key!r} does not hold an integer", field="key") from exc
        raw = str(value).encode()
        self._resize(key, entry, len(raw) - len(entry.value))
        entry.value = raw
        return value

    async def delete_if_equal(self, key: str, value: bytes) -> bool:
        entry = self._string(key)
        if entry is None or entry.value != check_value(value):
            return False
        self._drop(key)
        return True

    async def extend_if_equal(self, key: str, value: bytes, ttl: float) -> bool:
        entry = self._string(key)
        check_ttl(ttl)
        if entry is None or entry.value != check_value(value):
            return False
        entry.expires = self._clock() + ttl
        return True

    # ------------------------------------------------------------------ hashes
    async def hget(self, key: str, field: str) -> bytes | None:
        h = self._hash(key)
        return None if h is None else h.get(field)

    async def hput(self, key: str, field: str, value: bytes) -> None:
        value = check_value(value)
        h = self._hash(key, create=True)
        assert h is not None
        old = h.get(field)
        h[field] = value
        delta = len(value) - (len(old) if old is not None else -len(field) - _OVERHEAD)
        self._resize(key, self._data[key], delta)

    async def hdelete(self, key: str, field: str) -> None:
        h = self._hash(key)
        if h is not None and field in h:
            old = h.pop(field)
            self._resize(key, self._data[key], -(len(old) + len(field) + _OVERHEAD))

    async def hgetall(self, key: str) -> dict[str, bytes]:
        h = self._hash(key)
        return dict(h) if h else {}
