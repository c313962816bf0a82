"""The MySQL and Firestore plugins' own ops tasks, found through the entry points those installed
packages register, and scheduled by the host."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipecd_cp.ops.clock import ManualClock
from pipecd_cp.ops.registry import resolve_all
from pipecd_cp.ops.scheduler import Scheduler
from pipecd_cp.ops.state import TaskStates
from pipecd_cp.drivers import installed
from pipecd_cp_firestore.ops_task import FirestoreIndexEnsurer
from pipecd_cp_mysql.ops_task import MySQLSchemaEnsurer
from tests.ops.conftest import Backend, _mysql


@pytest.fixture
def registered() -> None:
    """The plugins (installed by scripts/test-all) register the two tasks in their pyprojects."""
    eps = {e.name: (e.distribution, e.value) for e in installed("pipecd_cp.ops_tasks")}
    assert eps["mysql_schema_ensurer"] == ("pipecd-cp-mysql", "pipecd_cp_mysql.ops_task:MySQLSchemaEnsurer")
    assert eps["firestore_index_ensurer"] == ("pipecd-cp-firestore", "pipecd_cp_firestore.ops_task:FirestoreIndexEnsurer")


async def test_the_mysql_ensurer_runs_first_and_restores_the_schema(registered, mysql_redis_backend, make_host,
                                                                     clock: ManualClock) -> None:
    mysql_redis_backend.reset()
    host = await make_host(mysql_redis_backend)
    conn = _mysql()
    conn.cursor().execute(f"DROP TABLE `{mysql_redis_backend.database}`.`Event`")
    tasks = {t.name: t for t in resolve_all(host)}
    assert tasks["mysql_schema_ensurer"].startup == "blocking" and tasks["mysql_schema_ensurer"].active
    assert tasks["firestore_index_ensurer"].not_applicable == "the mysql datastore has no ensure_indexes()"
    s = Scheduler(host, list(tasks.values()), clock=clock)
    await s.run_startup()
    cur = conn.cursor()
    cur.execute("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s AND TABLE_NAME = 'Event'",
                (mysql_redis_backend.database,))
    assert cur.fetchone() == (1,)
    conn.close()
    assert (await TaskStates(host.datastore).get("mysql_schema_ensurer")).last_outcome == "success"
    await s.stop(1.0)


async def test_a_failing_blocking_startup_task_stops_startup(registered, make_host, clock: ManualClock) -> None:
    host = await make_host(Backend("embedded"))

    async def broken() -> None:
        raise RuntimeError("no schema for you")
    host.datastore.ensure_schema = broken  # type: ignore[attr-defined]
    tasks = resolve_all(host)
    assert next(t for t in tasks if t.name == "mysql_schema_ensurer").active
    with pytest.raises(Exception, match="start-up task mysql_schema_ensurer failed: no schema for you"):
        await Scheduler(host, tasks, clock=clock).run_startup()


async def test_the_index_ensurer_runs_in_the_background_until_it_succeeds(registered, make_host,
                                                                           clock: ManualClock) -> None:
    host = await make_host(Backend("embedded"))
    calls: list[float] = []

    class Report:
        wanted, existing, created, failed = 30, 28, ["Deployment(Status, UpdatedAt DESC)", "x"], []

        def summary(self) -> str:
            return "30 composite indexes wanted, 28 present, 2 being created, 0 failed"

    async def ensure_indexes() -> Report:
        calls.append(clock.time())
        if len(calls) < 3:
            raise ConnectionError("firestore is unreachable")
        return Report()
    host.datastore.ensure_indexes = ensure_indexes  # type: ignore[attr-defined]
    tasks = [t for t in resolve_all(host) if t.name == "firestore_index_ensurer"]
    assert tasks[0].startup == "background" and tasks[0].active
    s = Scheduler(host, tasks, clock=clock)
    await s.run_startup()
    await s.wait_idle()
    await clock.advance(600, settle=s.wait_idle)
    assert [c - calls[0] for c in calls] == [0, 30, 90]
    state = await TaskStates(host.datastore).get("firestore_index_ensurer")
    assert state.last_outcome == "success" and state.last_report["counts"] == {
        "wanted": 30, "existing": 28, "created": 2, "failed": 0}
    await s.stop(1.0)


def test_the_ensurers_do_not_apply_to_the_embedded_datastore(tmp_path: Path) -> None:
    class Plain:
        name = "sqlite"
    host = type("H", (), {"datastore": Plain()})()
    assert MySQLSchemaEnsurer().applicable(host) == "the sqlite datastore has no ensure_schema()"
    assert FirestoreIndexEnsurer().applicable(host) == "the sqlite datastore has no ensure_indexes()"
