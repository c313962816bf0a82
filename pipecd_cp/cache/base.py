"""The cache driver contract: bytes by key, plus hashes (field -> bytes under one key).

A cache may lose anything at any time (eviction, restart, outage); callers must treat a miss as
normal and keep durable data elsewhere. TTLs are in seconds (floats allowed); `None` means no
expiry. Hashes have no TTL, as in PipeCD. A driver that cannot reach its server raises
`Unavailable`.
"""
from __future__ import annotations

import abc
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from pipecd_cp.errors import InvalidArgument

if TYPE_CHECKING:
    from pipecd_cp.drivers import DriverContext


class Cache(abc.ABC):
    """A key-value cache shared by every user of one host (and, for a shared server, by replicas)."""

    #: The word users write in config (`spec.cache.type`, lower-cased); the entry-point name.
    name: ClassVar[str] = ""
    #: True when every process with the same settings sees the same data (a cache server); False
    #: for a cache private to one process. Ops leases fall back to the datastore when False.
    shared: ClassVar[bool] = True

    @classmethod
    @abc.abstractmethod
    def from_config(cls, config: Mapping[str, Any], context: "DriverContext") -> "Cache":
        """Build a driver from `spec.cache.config` (and `context.cache_address`)."""

    async def open(self) -> None:
        """Connect. Must not fail when the server is down: the cache degrades instead."""

    async def close(self) -> None:
        """Release connections."""

    @abc.abstractmethod
    async def get(self, key: str) -> bytes | None:
        """The value, or None when missing or expired."""

    @abc.abstractmethod
    async def put(self, key: str, value: bytes, ttl: float | None = None) -> None:
        """Set the value, replacing any; it expires after `ttl` seconds when given."""

    @abc.abstractmethod
    async def add(self, key: str, value: bytes, ttl: float | None = None) -> bool:
        """Set the value only if the key is absent; True when it was set."""

    @abc.abstractmethod
    async def take(self, key: str) -> bytes | None:
        """Atomically get and delete; at most one caller receives a given value."""

    @abc.abstractmethod
    async def delete(self, key: str) -> None:
        """Remove the key (no error when missing). Also removes a hash of that name."""

    @abc.abstractmethod
    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        """Add `amount` to an integer counter (missing counts as 0) and return the new value.

        `ttl` applies when this call creates the key; an existing key keeps its expiry.
        """

    @abc.abstractmethod
    async def delete_if_equal(self, key: str, value: bytes) -> bool:
        """Delete the key only while it holds `value`; True when deleted. (Lease release.)"""

    @abc.abstractmethod
    async def extend_if_equal(self, key: str, value: bytes, ttl: float) -> bool:
        """Reset the key's TTL only while it holds `value`; True when extended. (Lease renewal.)"""

    @abc.abstractmethod
    async def hget(self, key: str, field: str) -> bytes | None:
        """One field of a hash, or None."""

    @abc.abstractmethod
    async def hput(self, key: str, field: str, value: bytes) -> None:
        """Set one field of a hash."""

    @abc.abstractmethod
    async def hdelete(self, key: str, field: str) -> None:
        """Remove one field (no error when missing)."""

    @abc.abstractmethod
    async def hgetall(self, key: str) -> dict[str, bytes]:
        """Every field of the hash ({} when missing)."""


def check_key(key: str) -> str:
    if not isinstance(key, str) or not key or len(key) > 1024:
        raise InvalidArgument("a cache key must be a non-empty string of at most 1024 characters", field="key")
    return key


def check_value(value: bytes) -> bytes:
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise InvalidArgument("a cache value must be bytes", field="value")
    return bytes(value)


def check_ttl(ttl: float | None) -> float | None:
    if ttl is not None and (not isinstance(ttl, (int, float)) or isinstance(ttl, bool) or ttl <= 0):
        raise InvalidArgument("a TTL must be a positive number of seconds", field="ttl")
    return ttl
