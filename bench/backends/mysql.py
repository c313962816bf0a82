"""The mysql datastore beside raw PyMySQL doing the same work (same server, same table layout).

Both sides run on the host's thread pool and use PipeCD's row ids and JSON documents; the raw
side uses one connection and hand-written SQL against a twin table declared the same way.
Needs a MySQL/MariaDB server at `PIPECD_CP_MYSQL_BENCH_URL` (default `root@tcp(127.0.0.1:3306)`).
"""
from __future__ import annotations

import json
import os
import secrets
import tempfile
import uuid
from pathlib import Path
from typing import Any

from bench.backends.harness import Case, Unreachable
from pipecd_cp.datastore.base import FieldType, Filter, KindSchema, Op, Order, Query
from pipecd_cp.testing import driver_context

_state: dict[str, Any] = {}
URL = os.environ.get("PIPECD_CP_MYSQL_BENCH_URL", "root@tcp(127.0.0.1:3306)")


def _raw_row_id(id: str) -> bytes:
    """PipeCD's makeRowID + UUID_TO_BIN(id, 1), as a client would write it by hand."""
    try:
        u = uuid.UUID(id)
    except ValueError:
        u = uuid.uuid5(uuid.NAMESPACE_OID, id)
    b = u.bytes
    return b[6:8] + b[4:6] + b[0:4] + b[8:]


async def cases(args: Any) -> list[Case]:
    try:
        import pymysql

        from pipecd_cp_mysql import MySQLDataStore
        from pipecd_cp_mysql.dsn import parse_config
    except ImportError as exc:
        raise Unreachable(f"pipecd-cp-mysql is not installed ({exc})") from None
    cfg = parse_config({"url": URL, "database": "mysql"})
    database = f"pcp_bench_{secrets.token_hex(4)}"
    try:
        admin = pymysql.connect(host=cfg.host, port=cfg.port, user=cfg.user, password=cfg.password,
                                autocommit=True, connect_timeout=3)
    except pymysql.err.OperationalError as exc:
        raise Unreachable(f"no MySQL server at {cfg.host}:{cfg.port}: {exc.args[-1]}") from None
    admin.cursor().execute(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4")
    _state.update(admin=admin, database=database)
    try:
        return await _cases(database, cfg, pymysql, MySQLDataStore)
    except BaseException:
        await teardown()  # the harness calls teardown only for cases that were returned
        raise


async def _cases(database: str, cfg: Any, pymysql: Any, MySQLDataStore: Any) -> list[Case]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-mysql-"))
    ds = MySQLDataStore.from_config({"url": URL, "database": database}, driver_context("datastore", tmp))
    _state["ds"] = ds
    await ds.open()
    fields = {"project_id": FieldType.STRING, "updated_at": FieldType.INT}
    index = [[Order("project_id"), Order("updated_at", descending=True)]]
    for kind in ("App", "RawApp"):  # the raw side's twin table, with the same columns and index
        await ds.declare(KindSchema(kind, fields, index))
    raw = pymysql.connect(host=cfg.host, port=cfg.port, user=cfg.user, password=cfg.password, database=database,
                          charset="utf8mb4", autocommit=True)
    _state["raw"] = raw
    runner = ds._runner
    doc = {"project_id": "p", "name": "app", "labels": {"env": "prod"}, "updated_at": 1}
    cur = raw.cursor()
    for i in range(200):
        d = dict(doc, id=f"seed{i}", updated_at=i)
        await ds.create("App", d["id"], d)
        cur.execute("INSERT INTO RawApp (Id, Data) VALUES (%s, %s)", (_raw_row_id(d["id"]), json.dumps(d)))

    def raw_get(i: int) -> Any:
        def get() -> Any:
            cur.execute("SELECT Data FROM RawApp WHERE Id = %s", (_raw_row_id(f"seed{i % 200}"),))
            return json.loads(cur.fetchone()[0])
        return runner.run(get)

    def raw_create(i: int) -> Any:
        def create() -> None:
            d = dict(doc, id=f"r{i}")
            cur.execute("INSERT INTO RawApp (Id, Data) VALUES (%s, %s)", (_raw_row_id(d["id"]), json.dumps(d)))
        return runner.run(create)

    def raw_update(i: int) -> Any:
        def tx() -> None:
            rid = _raw_row_id("seed0")
            raw.begin()
            cur.execute("SELECT Data FROM RawApp WHERE Id = %s FOR UPDATE", (rid,))
            d = json.loads(cur.fetchone()[0])
            d["updated_at"] += 1
            cur.execute("UPDATE RawApp SET Data = %s WHERE Id = %s", (json.dumps(d), rid))
            raw.commit()
        return runner.run(tx)

    def raw_find(i: int) -> Any:
        def find() -> Any:
            cur.execute("SELECT Data FROM RawApp WHERE F_project_id = %s ORDER BY F_updated_at DESC, DocId LIMIT 50",
                        ("p",))
            return [json.loads(r[0]) for r in cur.fetchall()]
        return runner.run(find)

    def bump(d: dict) -> None:
        d["updated_at"] += 1
    query = Query([Filter("project_id", Op.EQ, "p")], [Order("updated_at", descending=True)], 50)
    return [
        Case("mysql", "get", lambda i: ds.get("App", f"seed{i % 200}"), raw_get),
        Case("mysql", "create", lambda i: ds.create("App", f"p{i}", dict(doc, id=f"p{i}")), raw_create),
        Case("mysql", "update", lambda i: ds.update("App", "seed0", bump), raw_update),
        Case("mysql", "find 50", lambda i: ds.find("App", query), raw_find),
    ]


async def teardown() -> None:
    if "ds" in _state:
        await _state["ds"].close()
        _state["ds"]._runner.shutdown()
    if "raw" in _state:
        _state["raw"].close()
    if "admin" in _state:
        _state["admin"].cursor().execute(f"DROP DATABASE IF EXISTS `{_state['database']}`")
        _state["admin"].close()
    _state.clear()
