"""A server restart in the middle of a run is survived by the same driver, losing nothing committed.

The server the tests use is stopped (SIGTERM to the pid in its own `@@pid_file`) while writers
keep creating documents and incrementing a counter, left down for a while, and started again
the way `scripts/services up` starts it. The server is running again when the test ends,
whatever happens (and `conftest.pytest_sessionfinish` checks once more).
"""
from __future__ import annotations

import asyncio
import time

import pymysql
import pytest

from pipecd_cp.errors import Unavailable
from pipecd_cp_mysql import MySQLDataStore
from tests import server


@pytest.mark.asyncio
async def test_the_driver_survives_a_server_restart(store: MySQLDataStore, sql: pymysql.cursors.Cursor) -> None:
    kind = "Restart"
    await store.create(kind, "counter", {"id": "counter", "n": 0})
    sql.execute("SELECT @@pid_file")
    (pid_file,) = sql.fetchone()
    sql.connection.close()
    pool = store._pool

    created: list[str] = []
    updated = unsure = failed_creates = 0
    done_after_restart = 0
    restarted = asyncio.Event()
    stop = asyncio.Event()

    def bump(doc: dict) -> None:
        doc["n"] += 1

    async def writer(w: int) -> None:
        nonlocal updated, unsure, failed_creates, done_after_restart
        i = 0
        while not stop.is_set():
            doc_id = f"w{w}-{i}"
            try:
                await store.create(kind, doc_id, {"id": doc_id, "w": w, "i": i})
                created.append(doc_id)
            except Unavailable:
                failed_creates += 1
            try:
                await store.update(kind, "counter", bump)
                updated += 1
                if restarted.is_set():
                    done_after_restart += 1
            except Unavailable:
                unsure += 1  # it may or may not have been applied
            i += 1
            await asyncio.sleep(0.005)

    writers = [asyncio.create_task(writer(w)) for w in range(4)]
    try:
        await asyncio.sleep(0.5)
        before = len(created)
        assert before > 0, "writers make progress before the restart"
        t0 = time.monotonic()
        await asyncio.to_thread(server.stop, pid_file)
        await asyncio.sleep(1.0)  # operations keep failing over and backing off meanwhile
        await asyncio.to_thread(server.start)
        downtime = time.monotonic() - t0
        restarted.set()
        await asyncio.sleep(1.0)
    finally:
        stop.set()
        await asyncio.gather(*writers, return_exceptions=True)
        server.ensure_running()

    # The same driver, the same pool: operations succeed again.
    assert store._pool is pool
    assert done_after_restart > 0, "updates succeed again after the restart"
    await store.create(kind, "after", {"id": "after"})
    assert await store.get(kind, "after") == {"id": "after"}

    # Nothing committed is lost: every acknowledged create is there, and the counter holds every
    # acknowledged increment (plus, at most, those whose outcome was reported as unknown).
    for doc_id in created:
        assert (await store.get(kind, doc_id))["id"] == doc_id
    n = (await store.get(kind, "counter"))["n"]
    assert updated <= n <= updated + unsure, (updated, unsure, n)
    print(f"downtime {downtime:.1f}s, {len(created)} creates, {updated} updates, "
          f"{failed_creates} creates and {unsure} updates reported Unavailable")
