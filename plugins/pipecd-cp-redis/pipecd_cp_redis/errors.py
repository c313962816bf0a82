"""The one place where redis-py's exceptions become `pipecd_cp.errors`, and where calls get a deadline."""
from __future__ import annotations

import asyncio
from types import TracebackType

from redis import exceptions as rx

from pipecd_cp.errors import Internal, InvalidArgument, PipeCDError, ResourceExhausted, Unavailable


def translate(exc: BaseException, where: str) -> PipeCDError:
    """The pipecd-cp error for a redis-py (or socket) exception raised talking to `where`.

    Anything that a later retry may fix (down, timing out, loading, read-only replica, refused
    credentials) is `Unavailable`, which callers treat as a cache miss. `where` is
    `RedisSettings.describe()`, which never holds a credential; redis-py's own messages do not either.
    """
    if isinstance(exc, (rx.AuthenticationError, rx.AuthorizationError, rx.NoPermissionError)):
        return Unavailable(f"redis at {where} refused the credentials: {exc}")
    if isinstance(exc, (rx.ConnectionError, rx.TimeoutError, OSError)):  # BusyLoadingError is a ConnectionError
        return Unavailable(f"redis at {where} is unavailable: {type(exc).__name__}: {exc}")
    if isinstance(exc, rx.ReadOnlyError):
        return Unavailable(f"redis at {where} is a read-only replica: {exc}")
    if isinstance(exc, rx.OutOfMemoryError):
        return ResourceExhausted(f"redis at {where} is out of memory: {exc}")
    if isinstance(exc, rx.ResponseError):
        text = str(exc)
        if text.startswith("WRONGTYPE"):
            return InvalidArgument("the key holds another type (a hash where a plain value is expected, or "
                                   "the other way round)", field="key")
        if "not an integer" in text or "overflow" in text:
            return InvalidArgument(f"the key does not hold an integer in range: {text}", field="key")
        return Internal(f"redis at {where} answered an error: {text}")
    if isinstance(exc, rx.DataError):
        return InvalidArgument(str(exc))
    return Internal(f"redis at {where}: {type(exc).__name__}: {exc}")


class Guard:
    """Per-call deadlines, a bound on calls in flight, and error translation:
    `async with guard(): await redis_call()`.

    Why a deadline of our own rather than redis-py's `socket_timeout`: redis-py enforces that
    timeout on writes with `asyncio.wait_for`, which on Python 3.11 can swallow the cancellation of
    the calling task when the write finishes at the same moment (CPython gh-86296; fixed in 3.12).
    A swallowed cancellation makes shutdown hang. `asyncio.timeout` has no such race.

    At most `slots` calls are in flight (the pool's size, so a call in flight always has a
    connection): the deadline `seconds` covers connecting and the command, and waiting for a turn
    is bounded apart, by `queue_wait`. So a burst of callers on fresh (TLS) connections is served
    in turn instead of timing out while others connect, and a stalled server still answers every
    caller with `Unavailable` within `queue_wait + seconds`. Make one per event loop (in open()).
    """

    __slots__ = ("where", "seconds", "queue_wait", "turns", "size")

    def __init__(self, where: str, seconds: float, slots: int, queue_wait: float) -> None:
        self.where, self.seconds, self.queue_wait, self.size = where, seconds, queue_wait, slots
        self.turns = asyncio.Semaphore(slots)

    def __call__(self) -> "_GuardedCall":
        return _GuardedCall(self)


class _GuardedCall:
    """One call's turn and deadline (asyncio.Timeout is single-use, hence one object per call)."""

    __slots__ = ("_guard", "_timeout")

    def __init__(self, guard: Guard) -> None:
        self._guard = guard
        self._timeout: asyncio.Timeout | None = None

    async def __aenter__(self) -> None:
        guard = self._guard
        if guard.turns.locked():  # only a waiting caller pays for a second timer
            try:
                async with asyncio.timeout(guard.queue_wait):
                    await guard.turns.acquire()
            except TimeoutError:
                raise Unavailable(f"redis at {guard.where}: all {guard.size} connections stayed busy for "
                                  f"{guard.queue_wait:g}s") from None
        else:
            await guard.turns.acquire()  # free: returns at once
        try:
            self._timeout = asyncio.timeout(guard.seconds)  # the deadline starts with the turn
            await self._timeout.__aenter__()
        except BaseException:
            guard.turns.release()
            raise

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> bool:
        guard, timeout = self._guard, self._timeout
        assert timeout is not None  # set by __aenter__
        try:
            await timeout.__aexit__(exc_type, exc, tb)  # turns our own expiry into TimeoutError
        except TimeoutError as expired:
            raise Unavailable(f"redis at {guard.where} did not answer within {guard.seconds:g}s") from expired
        finally:
            guard.turns.release()
        if exc is not None and isinstance(exc, (rx.RedisError, OSError)):
            raise translate(exc, guard.where) from exc
        return False
