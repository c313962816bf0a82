"""Native failures become pipecd_cp.errors; transient ones are retried with bounded backoff first."""
from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pymysql
import pytest
import pytest_asyncio

from pipecd_cp.errors import (AlreadyExists, FailedPrecondition, Internal, InvalidArgument, NotFound, PipeCDError,
                              Unavailable)
from pipecd_cp.testing import driver_context
from pipecd_cp_mysql import MySQLDataStore
from pipecd_cp_mysql.errors import Failure, classify, translate
from tests.conftest import TEST_URL, admin_config, raw_connect


def op_error(code: int, text: str = "x") -> pymysql.err.OperationalError:
    return pymysql.err.OperationalError(code, text)


@pytest_asyncio.fixture
async def make_store(database: str, tmp_path: Path) -> AsyncIterator[Callable[..., Any]]:
    """Open stores with extra config keys; all closed at the end."""
    opened: list[MySQLDataStore] = []

    async def make(url: str = TEST_URL, open: bool = True, **extra: Any) -> MySQLDataStore:
        ds = MySQLDataStore.from_config({"url": url, "database": database, **extra},
                                        driver_context("datastore", tmp_path))
        opened.append(ds)
        if open:
            await ds.open()
        return ds
    yield make
    for ds in opened:
        await ds.close()
        ds._runner.shutdown()


# ----------------------------------------------------------------------------- mapping
@pytest.mark.parametrize("exc, want", [
    (pymysql.err.IntegrityError(1062, "Duplicate entry"), AlreadyExists),
    (pymysql.err.OperationalError(1644, "locked by policy"), FailedPrecondition),
    (pymysql.err.DataError(1406, "Data too long for column 'ProjectId'"), InvalidArgument),
    (pymysql.err.DataError(1366, "Incorrect integer value"), InvalidArgument),
    (op_error(4025, "CONSTRAINT `Data` failed"), InvalidArgument),
    (op_error(2013, "Lost connection"), Unavailable),
    (op_error(2006, "MySQL server has gone away"), Unavailable),
    (op_error(2003, "Can't connect"), Unavailable),
    (op_error(1213, "Deadlock found"), Unavailable),
    (op_error(1205, "Lock wait timeout exceeded"), Unavailable),
    (op_error(1045, "Access denied"), Unavailable),
    (op_error(1049, "Unknown database"), Unavailable),
    (pymysql.err.InterfaceError(0, ""), Unavailable),
    (ConnectionResetError(104, "reset"), Unavailable),
    (pymysql.err.ProgrammingError(1064, "syntax"), Internal),
])
def test_translate(exc: BaseException, want: type[PipeCDError]) -> None:
    err = translate(exc, "get Thing")
    assert type(err) is want
    assert "get Thing" in str(err) or want is FailedPrecondition


def test_classify() -> None:
    for code in (2003, 2006, 2013, 1053, 1927):
        assert classify(op_error(code)) is Failure.CONNECTION
    for code in (1205, 1213):
        assert classify(op_error(code)) is Failure.CONTENTION
    assert classify(pymysql.err.IntegrityError(1062, "dup")) is Failure.PERMANENT
    assert classify(pymysql.err.InterfaceError(0, "")) is Failure.CONNECTION
    assert classify(pymysql.err.InternalError("Packet sequence number wrong - got 1 expected 0")) is Failure.CONNECTION


# ----------------------------------------------------------------------------- real server errors
@pytest.mark.asyncio
async def test_duplicate_key_is_already_exists(store: MySQLDataStore) -> None:
    await store.create("Errs", "dup", {"id": "dup"})
    with pytest.raises(AlreadyExists):
        await store.create("Errs", "dup", {"id": "dup", "other": 1})


@pytest.mark.asyncio
async def test_a_signal_from_a_trigger_is_failed_precondition(store: MySQLDataStore,
                                                              sql: pymysql.cursors.Cursor) -> None:
    await store.create("Guarded", "ok", {"id": "ok"})
    sql.execute("CREATE TRIGGER guarded_lock BEFORE INSERT ON Guarded FOR EACH ROW "
                "IF JSON_EXTRACT(NEW.Data, '$.locked') = TRUE THEN "
                "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'locked by policy'; END IF")
    with pytest.raises(FailedPrecondition, match="locked by policy"):
        await store.create("Guarded", "no", {"id": "no", "locked": True})
    with pytest.raises(NotFound):
        await store.get("Guarded", "no")


@pytest.mark.asyncio
async def test_a_value_pipecds_column_cannot_hold_is_invalid_argument(store: MySQLDataStore) -> None:
    app = str(uuid.uuid4())
    with pytest.raises(InvalidArgument, match="ProjectId"):
        await store.create("Application", app, {"id": app, "project_id": "p" * 60})


@pytest.mark.asyncio
async def test_a_document_over_max_allowed_packet_is_invalid_argument_at_once(store: MySQLDataStore,
                                                                             sql: pymysql.cursors.Cursor) -> None:
    sql.execute("SELECT @@max_allowed_packet")
    (limit,) = sql.fetchone()
    t0 = time.monotonic()
    with pytest.raises(InvalidArgument, match="max_allowed_packet"):
        await store.create("Errs", "huge", {"id": "huge", "blob": "x" * (limit + 1024)})
    assert time.monotonic() - t0 < 5, "not retried"
    with pytest.raises(NotFound):
        await store.get("Errs", "huge")


@pytest.mark.asyncio
async def test_an_unreachable_server_is_unavailable_after_bounded_backoff(make_store: Callable[..., Any]) -> None:
    ds = await make_store(url="root@tcp(127.0.0.1:1)", open=False, retryTimeout=0.5)
    delays: list[float] = []
    ds._sleep = lambda d: (delays.append(d), time.sleep(d))
    t0 = time.monotonic()
    with pytest.raises(Unavailable, match="cannot be reached"):
        await ds.open()
    assert time.monotonic() - t0 < 5
    assert len(delays) >= 2 and all(b == 2 * a for a, b in zip(delays, delays[1:])), delays
    assert sum(delays) <= 0.5


@pytest.mark.asyncio
async def test_refusals_are_unavailable_without_retrying_or_leaking_the_password(
        make_store: Callable[..., Any]) -> None:
    cfg = admin_config()
    ds = await make_store(url=f"{cfg.user}:wrong-secret-4711@tcp({cfg.host}:{cfg.port})", open=False)
    t0 = time.monotonic()
    with pytest.raises(Unavailable, match="refused") as err:
        await ds.open()
    assert "wrong-secret-4711" not in str(err.value) and time.monotonic() - t0 < 3


@pytest.mark.asyncio
async def test_an_unknown_database_is_unavailable_naming_it(tmp_path: Path) -> None:
    ds = MySQLDataStore.from_config({"url": TEST_URL, "database": "pcp_no_such_db"},
                                    driver_context("datastore", tmp_path))
    try:
        with pytest.raises(Unavailable, match="pcp_no_such_db"):
            await ds.open()
    finally:
        await ds.close()
        ds._runner.shutdown()


# ----------------------------------------------------------------------------- retries
@pytest.mark.parametrize("code", [2003, 2006, 2013, 1205, 1213])
@pytest.mark.asyncio
async def test_transient_failures_are_retried_then_unavailable(store: MySQLDataStore, code: int) -> None:
    store._sleep = lambda d: None
    seen: list[int] = []

    def flaky(conn: Any, attempt: Any) -> str:
        seen.append(conn.thread_id())
        if len(seen) <= 2:
            raise op_error(code, "injected")
        return "done"
    assert await store._runner.run(store._run, "op", flaky) == "done"
    assert len(seen) == 3
    if classify(op_error(code)) is Failure.CONNECTION:
        assert len(set(seen)) == 3, "a connection that failed is never reused"

    def always(conn: Any, attempt: Any) -> None:
        raise op_error(code, "injected")
    store.config = type(store.config)(**{**store.config.__dict__, "retry_seconds": 0.2})
    store._sleep = time.sleep
    with pytest.raises(Unavailable):
        await store._runner.run(store._run, "op", always)


@pytest.mark.asyncio
async def test_connections_killed_by_the_server_are_replaced_transparently(store: MySQLDataStore,
                                                                           sql: pymysql.cursors.Cursor,
                                                                           database: str) -> None:
    await store.create("Errs", "kill", {"id": "kill", "v": 1})
    await asyncio.gather(*(store.get("Errs", "kill") for _ in range(8)))  # warm several connections
    sql.execute("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = %s AND ID <> CONNECTION_ID()", (database,))
    victims = [r[0] for r in sql.fetchall()]
    assert victims
    for pid in victims:
        sql.execute(f"KILL {int(pid)}")
    results = await asyncio.gather(*(store.get("Errs", "kill") for _ in range(8)))
    assert all(r == {"id": "kill", "v": 1} for r in results)
    await store.update("Errs", "kill", lambda d: {**d, "v": 2})
    assert (await store.get("Errs", "kill"))["v"] == 2


@pytest.mark.asyncio
async def test_a_real_lock_wait_timeout_is_retried_until_the_lock_is_free(make_store: Callable[..., Any],
                                                                          database: str,
                                                                          caplog: pytest.LogCaptureFixture) -> None:
    # innodb_lock_wait_timeout=1 is a session variable passed in the url, as go-sql-driver does.
    ds = await make_store(url=TEST_URL + "/?innodb_lock_wait_timeout=1")
    await ds.create("Locked", "row", {"id": "row", "n": 0})
    holder = raw_connect(database)
    cur = holder.cursor()
    cur.execute("BEGIN")
    cur.execute("SELECT Data FROM Locked WHERE DocId = 'row' FOR UPDATE")
    timer = threading.Timer(1.6, holder.commit)
    timer.start()
    try:
        with caplog.at_level("WARNING"):
            doc = await ds.update("Locked", "row", lambda d: {**d, "n": d["n"] + 1})
    finally:
        timer.join()
        holder.close()
    assert doc["n"] == 1 and (await ds.get("Locked", "row"))["n"] == 1
    assert "contention failure" in caplog.text


@pytest.mark.asyncio
async def test_a_lock_held_past_the_retry_budget_is_unavailable(make_store: Callable[..., Any],
                                                                database: str) -> None:
    ds = await make_store(url=TEST_URL + "/?innodb_lock_wait_timeout=1", retryTimeout=0.5)
    await ds.create("Locked2", "row", {"id": "row", "n": 0})
    calls = []
    holder = raw_connect(database)
    try:
        cur = holder.cursor()
        cur.execute("BEGIN")
        cur.execute("SELECT Data FROM Locked2 WHERE DocId = 'row' FOR UPDATE")
        with pytest.raises(Unavailable, match="contended"):
            await ds.update("Locked2", "row", lambda d: calls.append(1))
    finally:
        holder.rollback()
        holder.close()
    assert calls == [] and (await ds.get("Locked2", "row"))["n"] == 0


# ----------------------------------------------------------------------------- interrupted writes
class Flaky:
    """A connection whose commit or INSERT 'loses its answer' once: done on the server, then an error."""

    def __init__(self, conn: Any, plan: dict[str, str]) -> None:
        self._conn, self._plan = conn, plan

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def commit(self) -> None:
        how = self._plan.pop("commit", None)
        if how == "after":
            self._conn.commit()
        if how:
            self._conn.close()  # what the server sees when the network dies
            raise op_error(2013, "Lost connection to MySQL server during query")
        self._conn.commit()

    def cursor(self) -> Any:
        real = self._conn.cursor()
        plan, conn = self._plan, self._conn

        class Cursor:
            def __getattr__(self, name: str) -> Any:
                return getattr(real, name)

            def execute(self, query: str, args: Any = None) -> int:
                if query.startswith("INSERT") and plan.pop("insert", None):
                    real.execute(query, args)
                    conn.close()
                    raise op_error(2013, "Lost connection to MySQL server during query")
                return real.execute(query, args)
        return Cursor()


def flaky(store: MySQLDataStore, plan: dict[str, str]) -> None:
    pool = store._pool
    assert pool is not None
    connect = pool._connect
    pool._connect = lambda: Flaky(connect(), plan)
    pool.discard(pool.acquire())  # drop the pooled (unwrapped) connections


@pytest.mark.parametrize("when", ["after", "before"])
@pytest.mark.asyncio
async def test_an_update_whose_commit_answer_is_lost_is_applied_exactly_once(store: MySQLDataStore,
                                                                             when: str) -> None:
    await store.create("Outcome", f"c-{when}", {"id": f"c-{when}", "n": 0})
    plan = {"commit": when}
    flaky(store, plan)
    calls = []

    def bump(doc: dict) -> None:
        calls.append(1)
        doc["n"] += 1
    assert (await store.update("Outcome", f"c-{when}", bump))["n"] == 1
    assert not plan, "the fault was injected"
    assert (await store.get("Outcome", f"c-{when}"))["n"] == 1
    assert len(calls) == (1 if when == "after" else 2)


@pytest.mark.asyncio
async def test_a_create_whose_answer_is_lost_is_not_reported_as_a_duplicate(store: MySQLDataStore) -> None:
    plan = {"insert": "after"}
    flaky(store, plan)
    await store.create("Outcome", "created-once", {"id": "created-once", "v": 1})
    assert not plan
    assert await store.get("Outcome", "created-once") == {"id": "created-once", "v": 1}
    with pytest.raises(AlreadyExists):
        await store.create("Outcome", "created-once", {"id": "created-once", "v": 1})
