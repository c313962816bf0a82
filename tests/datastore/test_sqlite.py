"""The built-in SQLite datastore passes the shared conformance suite, plus SQLite specifics."""
from __future__ import annotations

import asyncio
import json
import multiprocessing
import sqlite3
from pathlib import Path

import pytest
import pytest_asyncio

from pipecd_cp.datastore.sqlite import SQLiteDataStore
from pipecd_cp.errors import ConfigError
from pipecd_cp.testing import DataStoreConformance, driver_context


@pytest_asyncio.fixture
async def sqlite_store(tmp_path: Path):
    store = SQLiteDataStore.from_config({"path": str(tmp_path / "db.sqlite")}, driver_context("datastore", tmp_path))
    await store.open()
    yield store
    await store.close()


class TestSQLiteConformance(DataStoreConformance):
    @pytest_asyncio.fixture
    async def datastore(self, sqlite_store):
        yield sqlite_store


def test_default_path_is_in_the_data_dir(tmp_path: Path) -> None:
    store = SQLiteDataStore.from_config({}, driver_context("datastore", tmp_path))
    assert store.path == tmp_path / "pipecd.db"


def test_bad_path_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        SQLiteDataStore.from_config({"path": 42}, driver_context("datastore", tmp_path))
    assert err.value.field == "path"


async def test_documents_are_plain_json_rows(sqlite_store: SQLiteDataStore) -> None:
    await sqlite_store.create("Application", "a", {"id": "a", "name": "日本"})
    conn = sqlite3.connect(sqlite_store.path)
    (doc,) = conn.execute('SELECT doc FROM "Application" WHERE id = ?', ("a",)).fetchone()
    assert json.loads(doc) == {"id": "a", "name": "日本"}


def _bump_in_other_process(path: str, n: int) -> None:
    async def run() -> None:
        store = SQLiteDataStore.from_config({"path": path}, driver_context("datastore", Path(path).parent))
        await store.open()

        def inc(d: dict) -> None:
            d["n"] += 1
        for _ in range(n):
            await store.update("Counter", "c", inc)
        await store.close()
    asyncio.run(run())


async def test_updates_from_two_processes_lose_none(sqlite_store: SQLiteDataStore) -> None:
    await sqlite_store.create("Counter", "c", {"id": "c", "n": 0})
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_bump_in_other_process, args=(str(sqlite_store.path), 25)) for _ in range(2)]
    for p in procs:
        p.start()

    def inc(d: dict) -> None:
        d["n"] += 1
    for _ in range(25):
        await sqlite_store.update("Counter", "c", inc)
    for p in procs:
        await asyncio.get_running_loop().run_in_executor(None, p.join)
        assert p.exitcode == 0
    assert (await sqlite_store.get("Counter", "c"))["n"] == 75


async def test_index_hints_create_expression_indexes(sqlite_store: SQLiteDataStore) -> None:
    from pipecd_cp.datastore.base import FieldType, Filter, KindSchema, Op, Order, Query
    await sqlite_store.declare(KindSchema("Application", {"project_id": FieldType.STRING, "updated_at": FieldType.INT},
                                          [[Order("project_id"), Order("updated_at", descending=True)]]))
    conn = sqlite3.connect(sqlite_store.path)
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='Application'")]
    assert "ix_Application_project_id_updated_at_desc" in names
    plan = conn.execute(
        "EXPLAIN QUERY PLAN SELECT id, doc FROM \"Application\" WHERE json_extract(doc, '$.project_id') = ? "
        "ORDER BY json_extract(doc, '$.updated_at') DESC, id ASC", ("p",)).fetchall()
    assert any("ix_Application_project_id_updated_at_desc" in str(row) for row in plan)
    page = await sqlite_store.find("Application", Query(filters=[Filter("project_id", Op.EQ, "p")],
                                                        orders=[Order("updated_at", descending=True)]))
    assert page.items == []
