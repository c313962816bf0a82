"""Login throttling (PipeCD has none): after `limit` failures in `window` seconds, refuse.

Failures are counted per key (the login page counts one key per user and one per address) with
the cache's `incr` and a TTL, so every replica sharing the cache sees the same counts. When the
cache cannot count (it is down), an in-process counter takes over, so throttling degrades to
per-replica instead of off. A window starts at the first failure and lasts `window` seconds.
"""
from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

from pipecd_cp.cache.base import Cache
from pipecd_cp.errors import PipeCDError

log = logging.getLogger("pipecd_cp.auth")

LIMIT = 5
WINDOW = 60.0
PREFIX = "pipecd-cp:login-failures:"
_LOCAL_SIZE = 100_000


class LoginThrottle:
    def __init__(self, cache: Cache, limit: int = LIMIT, window: float = WINDOW,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.cache, self.limit, self.window, self._clock = cache, limit, window, clock
        self._local: OrderedDict[str, tuple[float, int]] = OrderedDict()

    def _local_count(self, key: str) -> tuple[float, int]:
        start, count = self._local.get(key, (0.0, 0))
        if self._clock() - start >= self.window:
            return 0.0, 0
        return start, count

    async def _shared_count(self, key: str) -> int:
        try:
            raw = await self.cache.get(PREFIX + key)
            return int(raw) if raw else 0
        except (PipeCDError, OSError, ValueError):
            return 0

    async def retry_after(self, keys: Iterable[str]) -> float | None:
        """Seconds to wait when any key has reached the limit, else None."""
        wait: float | None = None
        for key in keys:
            start, local = self._local_count(key)
            if local >= self.limit:
                remaining = max(1.0, start + self.window - self._clock())
                wait = max(wait or 0.0, remaining)
            elif await self._shared_count(key) >= self.limit:
                wait = max(wait or 0.0, self.window)  # the cache does not say when its TTL ends
        return wait

    async def failed(self, keys: Iterable[str]) -> None:
        """Count one failure for every key."""
        for key in keys:
            try:
                await self.cache.incr(PREFIX + key, 1, self.window)
                continue
            except (PipeCDError, OSError) as exc:
                log.warning("auth | the cache cannot count login failures (%s); counting in this process", exc)
            start, count = self._local_count(key)
            self._local[key] = (start or self._clock(), count + 1)
            self._local.move_to_end(key)
            while len(self._local) > _LOCAL_SIZE:
                self._local.popitem(last=False)

    async def reset(self, key: str) -> None:
        """Forget a key's failures (after a successful login)."""
        self._local.pop(key, None)
        try:
            await self.cache.delete(PREFIX + key)
        except (PipeCDError, OSError):
            pass
