"""A feed of credential changes (piped disabled, key deleted, API key disabled) across replicas.

A change is published to the cache: `HASHKEY:PIPECD_CP:AUTH_CHANGES` (field entity id, value the
change time in ms) plus a counter `pipecd-cp:auth:epoch`. Every process polls the counter about
once a second and, when it moved, drops its cached state of the entities that changed. With the
in-memory cache this reaches the local process only; with a shared cache, every replica. When the
cache cannot be read, `healthy` turns False and verifiers fall back to re-reading state every few
seconds, so a revocation still lands in time.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from pipecd_cp.cache.base import Cache
from pipecd_cp.errors import PipeCDError

log = logging.getLogger("pipecd_cp.auth")

EPOCH_KEY = "pipecd-cp:auth:epoch"
CHANGES_KEY = "HASHKEY:PIPECD_CP:AUTH_CHANGES"
KEEP_MS = 10 * 60 * 1000


class ChangeFeed:
    def __init__(self, cache: Cache, clock: Callable[[], float], interval: float = 1.0) -> None:
        self.cache, self.clock, self.interval = cache, clock, interval
        self._subscribers: list[Callable[[set[str]], None]] = []
        self._epoch: bytes | None = None
        self._seen_ms = 0
        self.healthy = True

    def subscribe(self, callback: Callable[[set[str]], None]) -> None:
        self._subscribers.append(callback)

    def _notify(self, ids: set[str]) -> None:
        for callback in self._subscribers:
            callback(ids)

    def _now_ms(self) -> int:
        return int(self.clock() * 1000)

    async def publish(self, entity_id: str) -> None:
        """Announce that `entity_id`'s credentials changed (local subscribers learn at once)."""
        self._notify({entity_id})
        try:
            await self.cache.hput(CHANGES_KEY, entity_id, str(self._now_ms()).encode())
            await self.cache.incr(EPOCH_KEY)
        except PipeCDError as exc:
            log.warning("auth | could not publish a credential change to the cache: %s", exc)

    async def poll(self) -> None:
        """Check the epoch once; on change, notify subscribers of what changed since the last look."""
        try:
            epoch = await self.cache.get(EPOCH_KEY)
            if epoch != self._epoch:
                changes = await self.cache.hgetall(CHANGES_KEY)
                now = self._now_ms()
                changed: set[str] = set()
                for entity_id, raw in changes.items():
                    try:
                        at = int(raw)
                    except ValueError:
                        continue
                    if at >= self._seen_ms - 2000:  # clocks of replicas differ a little
                        changed.add(entity_id)
                    if now - at > KEEP_MS:
                        await self.cache.hdelete(CHANGES_KEY, entity_id)
                if self._epoch is not None and changed:
                    self._notify(changed)
                self._epoch, self._seen_ms = epoch, now
            self.healthy = True
        except PipeCDError as exc:
            if self.healthy:
                log.warning("auth | cannot read credential changes from the cache (%s); "
                            "re-reading credentials every few seconds instead", exc)
            self.healthy = False

    async def run(self) -> None:
        """Poll forever (a host background task)."""
        while True:
            await self.poll()
            await asyncio.sleep(self.interval)
