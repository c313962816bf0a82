"""A cache that degrades instead of failing: what the stores use.

PipeCD's design says the cache "can be down but not affect the whole system". This wrapper makes
that true for every cache plugin: a read that fails is a miss, a write that fails is dropped, and
after a failure the backend is not called again for `cooldown` seconds (so a dead Redis adds no
latency to every RPC). Operations whose answer matters for correctness (`add`, `take`, `incr`,
`delete_if_equal`, `extend_if_equal`) are passed through, errors included: callers such as
leases must know. `inner` is the plain driver.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from pipecd_cp.cache.base import Cache
from pipecd_cp.errors import InvalidArgument, PipeCDError

log = logging.getLogger("pipecd_cp.cache")
T = TypeVar("T")
_READS = frozenset({"get", "hget", "hgetall"})


class ResilientCache(Cache):
    name = "resilient"

    def __init__(self, inner: Cache, *, cooldown: float = 1.0, clock: Callable[[], float] = time.monotonic,
                 on_result: Callable[[str, str], None] | None = None) -> None:
        self.inner, self.cooldown, self._clock = inner, cooldown, clock
        self._down_until = 0.0
        self._last_warning = 0.0
        self._on_result = on_result or (lambda op, outcome: None)

    @classmethod
    def from_config(cls, config: Mapping[str, Any], context: Any) -> "ResilientCache":  # pragma: no cover
        raise NotImplementedError("ResilientCache wraps a driver; it is not configured by name")

    @property
    def healthy(self) -> bool:
        return self._clock() >= self._down_until

    async def _soft(self, op: str, call: Callable[[], Awaitable[T]], default: T) -> T:
        if not self.healthy:
            self._on_result(op, "skipped")
            return default
        try:
            result = await call()
        except InvalidArgument:
            raise
        except (PipeCDError, OSError, TimeoutError) as exc:
            now = self._clock()
            self._down_until = now + self.cooldown
            if now - self._last_warning > 30:
                self._last_warning = now
                log.warning("cache | %s failed, serving without the cache for now: %s", op, exc)
            self._on_result(op, "error")
            return default
        if op in _READS:
            self._on_result(op, "hit" if result else "miss")
        return result

    async def open(self) -> None:
        await self.inner.open()

    async def close(self) -> None:
        await self.inner.close()

    async def get(self, key: str) -> bytes | None:
        return await self._soft("get", lambda: self.inner.get(key), None)

    async def put(self, key: str, value: bytes, ttl: float | None = None) -> None:
        await self._soft("put", lambda: self.inner.put(key, value, ttl), None)

    async def delete(self, key: str) -> None:
        await self._soft("delete", lambda: self.inner.delete(key), None)

    async def hget(self, key: str, field: str) -> bytes | None:
        return await self._soft("hget", lambda: self.inner.hget(key, field), None)

    async def hput(self, key: str, field: str, value: bytes) -> None:
        await self._soft("hput", lambda: self.inner.hput(key, field, value), None)

    async def hdelete(self, key: str, field: str) -> None:
        await self._soft("hdelete", lambda: self.inner.hdelete(key, field), None)

    async def hgetall(self, key: str) -> dict[str, bytes]:
        return await self._soft("hgetall", lambda: self.inner.hgetall(key), {})

    # Correctness-sensitive operations: errors propagate.
    async def add(self, key: str, value: bytes, ttl: float | None = None) -> bool:
        return await self.inner.add(key, value, ttl)

    async def take(self, key: str) -> bytes | None:
        return await self.inner.take(key)

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        return await self.inner.incr(key, amount, ttl)

    async def delete_if_equal(self, key: str, value: bytes) -> bool:
        return await self.inner.delete_if_equal(key, value)

    async def extend_if_equal(self, key: str, value: bytes, ttl: float) -> bool:
        return await self.inner.extend_if_equal(key, value, ttl)
