"""The connection pool on its own (fake connections: this is a unit of our code, not a backend)."""
from __future__ import annotations

import threading

import pytest

from pipecd_cp.errors import Unavailable
from pipecd_cp_mysql.pool import ConnectionPool


class FakeConn:
    def __init__(self, n: int) -> None:
        self.n, self.closed, self.pings, self.ping_fails = n, False, 0, False

    def ping(self, reconnect: bool = False) -> None:
        self.pings += 1
        if self.ping_fails:
            raise OSError("gone")

    def close(self) -> None:
        self.closed = True


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def make(max_size: int = 2, real_clock: bool = False, **kw):
    made: list[FakeConn] = []

    def connect() -> FakeConn:
        made.append(FakeConn(len(made)))
        return made[-1]
    clock = Clock()
    if not real_clock:
        kw["clock"] = clock
    return ConnectionPool(connect, max_size, **kw), made, clock


def test_connections_are_opened_lazily_and_reused() -> None:
    pool, made, _ = make()
    a = pool.acquire()
    pool.release(a)
    assert pool.acquire() is a and len(made) == 1
    b = pool.acquire()
    assert b is not a and pool.size == 2


def test_a_full_pool_waits_then_gives_up() -> None:
    pool, made, _ = make(max_size=1, real_clock=True, acquire_timeout=0.2)
    a = pool.acquire()
    with pytest.raises(Unavailable, match="busy"):
        pool.acquire()
    got: list[FakeConn] = []
    t = threading.Thread(target=lambda: got.append(pool.acquire()))
    t.start()
    pool.release(a)
    t.join(5)
    assert got == [a]


def test_idle_connections_are_pinged_and_replaced_when_dead() -> None:
    pool, made, clock = make(ping_after=5.0)
    a = pool.acquire()
    pool.release(a)
    assert pool.acquire() is a and a.pings == 0, "fresh connections are not pinged"
    pool.release(a)
    clock.t = 10
    assert pool.acquire() is a and a.pings == 1
    pool.release(a)
    clock.t = 20
    a.ping_fails = True
    b = pool.acquire()
    assert b is not a and a.closed and pool.size == 1


def test_discard_closes_the_idle_connections_too() -> None:
    pool, made, _ = make(max_size=3)
    a, b, c = pool.acquire(), pool.acquire(), pool.acquire()
    pool.release(a)
    pool.release(b)
    pool.discard(c)
    assert a.closed and b.closed and c.closed and pool.size == 0
    assert pool.acquire() is made[-1] and len(made) == 4


def test_a_failed_connect_frees_its_slot() -> None:
    calls = []

    def connect() -> FakeConn:
        calls.append(1)
        raise OSError("refused")
    pool = ConnectionPool(connect, 1)
    for _ in range(3):
        with pytest.raises(OSError):
            pool.acquire()
    assert pool.size == 0 and len(calls) == 3


def test_context_manager_discards_on_error_and_close_stops_everything() -> None:
    pool, made, _ = make()
    with pytest.raises(RuntimeError):
        with pool.connection():
            raise RuntimeError("boom")
    assert made[0].closed and pool.size == 0
    with pool.connection() as conn:
        pass
    busy = pool.acquire()
    pool.close()
    assert conn.closed or conn is busy
    pool.release(busy)
    assert busy.closed and pool.size == 0
    with pytest.raises(Unavailable, match="closed"):
        pool.acquire()


def test_max_size_is_validated() -> None:
    with pytest.raises(ValueError):
        ConnectionPool(lambda: None, 0)
