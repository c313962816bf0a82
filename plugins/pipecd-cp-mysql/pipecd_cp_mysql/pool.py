"""A thread-safe pool of PyMySQL connections (PyMySQL has none).

Connections are opened lazily, up to `max_size`, and handed to one thread at a time. One that sat
idle for `ping_after` seconds is pinged before reuse and replaced if the ping fails, so a
server restart or `wait_timeout` is noticed before a query is spent on a dead socket. When any
user of the pool sees the connection die (`discard`), every idle connection is closed too: they
were opened against the same server and are almost certainly dead as well.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from pipecd_cp.errors import Unavailable

Connection = Any  # pymysql.connections.Connection; kept loose so tests can pool fakes


class ConnectionPool:
    """At most `max_size` connections made by `connect`, shared by threads."""

    def __init__(self, connect: Callable[[], Connection], max_size: int, *, ping_after: float = 5.0,
                 acquire_timeout: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        if max_size < 1:
            raise ValueError("max_size must be at least 1")
        self._connect, self.max_size = connect, max_size
        self._ping_after, self._acquire_timeout, self._clock = ping_after, acquire_timeout, clock
        self._idle: list[tuple[Connection, float]] = []  # (connection, last used); LIFO keeps a warm few
        self._open = 0
        self._closed = False
        self._cond = threading.Condition()

    @property
    def size(self) -> int:
        """Connections currently open (idle or in use)."""
        with self._cond:
            return self._open

    def acquire(self) -> Connection:
        """A live connection for the calling thread; `Unavailable` when none frees up in time.

        Connection errors from opening a new connection propagate as PyMySQL raised them, so
        the caller's retry policy sees them.
        """
        deadline = self._clock() + self._acquire_timeout
        with self._cond:
            while True:
                if self._closed:
                    raise Unavailable("mysql: the datastore is closed")
                if self._idle:
                    conn, used = self._idle.pop()
                    break
                if self._open < self.max_size:
                    self._open += 1
                    conn, used = None, 0.0
                    break
                left = deadline - self._clock()
                if left <= 0:
                    raise Unavailable(f"mysql: all {self.max_size} connections stayed busy for "
                                      f"{self._acquire_timeout:.0f}s")
                self._cond.wait(left)
        if conn is not None and self._clock() - used >= self._ping_after:
            try:
                conn.ping(False)
            except Exception:
                _close_quietly(conn)
                conn = None
        if conn is None:
            try:
                conn = self._connect()
            except BaseException:
                with self._cond:
                    self._open -= 1
                    self._cond.notify()
                raise
        return conn

    def release(self, conn: Connection) -> None:
        """Give a healthy connection back (outside any transaction)."""
        with self._cond:
            if self._closed:
                self._open -= 1
                _close_quietly(conn)
            else:
                self._idle.append((conn, self._clock()))
            self._cond.notify()

    def discard(self, conn: Connection) -> None:
        """Close a connection that failed, and the idle ones opened before it."""
        _close_quietly(conn)
        with self._cond:
            stale, self._idle = self._idle, []
            self._open -= 1 + len(stale)
            self._cond.notify_all()
        for c, _ in stale:
            _close_quietly(c)

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """Acquire, then release on success or discard on any exception."""
        conn = self.acquire()
        try:
            yield conn
        except BaseException:
            self.discard(conn)
            raise
        self.release(conn)

    def close(self) -> None:
        """Close idle connections now and busy ones when they are released."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._open -= len(idle)
            self._cond.notify_all()
        for c, _ in idle:
            _close_quietly(c)


def _close_quietly(conn: Connection) -> None:
    try:
        conn.close()
    except Exception:
        # Closing a dead socket raises (pymysql.err.Error "Already closed"); it is gone either way.
        pass
