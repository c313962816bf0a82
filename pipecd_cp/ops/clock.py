"""The scheduler's clock: what time it is (Unix seconds, UTC) and sleeping until a time.

`SystemClock` is the real one. `ManualClock` only moves when a test advances it, so schedules
of hours or days are tested without sleeping: `await clock.advance(3600)` wakes every sleeper
whose time has come, in time order. Pass `clock.time` as the host's clock so that stores stamp
documents with the same time the scheduler sees.
"""
from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Awaitable, Callable
from typing import Protocol


class Clock(Protocol):
    """Time for schedules. Implementations must be usable from one event loop."""

    def time(self) -> float:
        """Now, in Unix seconds."""

    async def sleep_until(self, when: float) -> None:
        """Return once `time() >= when` (at once if it already is). Cancellable."""


class SystemClock:
    """Wall-clock time; sleeps in slices so a changed system clock is noticed within a minute."""

    def time(self) -> float:
        return time.time()

    async def sleep_until(self, when: float) -> None:
        while (left := when - time.time()) > 0:
            await asyncio.sleep(min(left, 60.0))


class ManualClock:
    """A clock that moves only when told to (tests)."""

    def __init__(self, start: float = 1_767_225_600.0) -> None:  # 2026-01-01T00:00:00Z
        self._now = float(start)
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def time(self) -> float:
        return self._now

    @property
    def sleepers(self) -> int:
        """How many coroutines are waiting on this clock now."""
        return sum(1 for _, _, f in self._sleepers if not f.done())

    def next_wakeup(self) -> float | None:
        """The earliest time a sleeper waits for, or None."""
        live = [w for w, _, f in self._sleepers if not f.done()]
        return min(live) if live else None

    async def sleep_until(self, when: float) -> None:
        if when <= self._now:
            await asyncio.sleep(0)
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (when, next(self._seq), fut))
        await fut

    async def wait_sleepers(self, count: int, timeout: float = 30.0) -> None:
        """Wait (in real time, at most `timeout`) until at least `count` coroutines sleep on the clock."""
        deadline = time.monotonic() + timeout
        while self.sleepers < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.sleepers} sleepers on the clock, expected {count}")
            await asyncio.sleep(0.005)

    async def advance(self, seconds: float, *, settle: "Callable[[], Awaitable[object]] | None" = None) -> None:
        """Move time forward by `seconds`, waking sleepers in time order.

        After each wake-up, `settle()` is awaited when given (e.g. `scheduler.wait_idle`), so
        whatever the wake-up started finishes before time moves on.
        """
        target = self._now + seconds
        while True:
            self._drop_done()
            if not self._sleepers or self._sleepers[0][0] > target:
                break
            self._now = max(self._now, self._sleepers[0][0])
            while self._sleepers and self._sleepers[0][0] <= self._now:
                _, _, fut = heapq.heappop(self._sleepers)
                if not fut.done():
                    fut.set_result(None)
            await asyncio.sleep(0)
            if settle is not None:
                await settle()
        self._now = max(self._now, target)

    def set(self, now: float) -> None:
        """Jump to `now` without waking anyone (waking happens on the next `advance`)."""
        self._now = float(now)

    def _drop_done(self) -> None:
        while self._sleepers and self._sleepers[0][2].done():
            heapq.heappop(self._sleepers)

