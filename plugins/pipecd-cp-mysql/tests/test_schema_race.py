"""Several processes starting at once on an empty database build the schema once, without errors."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tests.conftest import TEST_URL, create_database, drop_database, raw_connect
from tests.test_pipecd_layout import INDEXES, TABLES, shape, shapes

PROCESS = textwrap.dedent("""
    import asyncio, logging, sys, time
    from pipecd_cp.datastore.base import FieldType, KindSchema, Order
    from pipecd_cp.testing import driver_context
    from pipecd_cp_mysql import MySQLDataStore

    url, database, start_at, data_dir = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)

    async def main():
        ds = MySQLDataStore.from_config({"url": url, "database": database}, driver_context("datastore", data_dir))
        while time.time() < start_at:
            time.sleep(0.0005)
        await ds.ensure_schema()
        await ds.declare(KindSchema("Shared", {"project_id": FieldType.STRING, "updated_at": FieldType.INT},
                                    [[Order("project_id"), Order("updated_at", descending=True)]]))
        await ds.create("Shared", sys.argv[5], {"id": sys.argv[5], "project_id": "p", "updated_at": 1})
        await ds.close()
        ds._runner.shutdown()

    asyncio.run(main())
""")


def test_processes_racing_on_an_empty_database_build_the_schema_once(tmp_path: Path) -> None:
    db = create_database("pcp_race")
    try:
        start_at = time.time() + 2.0  # after every interpreter has imported everything
        procs = [subprocess.Popen([sys.executable, "-c", PROCESS, TEST_URL, db, str(start_at), str(tmp_path), f"p{i}"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  cwd=Path(__file__).parent.parent)
                 for i in range(3)]
        outs = [p.communicate(timeout=120) for p in procs]
        for p, (_out, err) in zip(procs, outs):
            assert p.returncode == 0, err
        ddl = [line for out, _ in outs for line in out.splitlines() if "schema:" in line]
        creates = [line for line in ddl if "CREATE TABLE" in line]
        assert sorted(creates) == sorted(set(creates)), f"a table was created twice: {creates}"
        assert len(creates) == len(TABLES) + 1, creates
        with raw_connect(db) as conn:
            cur = conn.cursor()
            for table, specs in INDEXES.items():
                got = list(shapes(cur, table).values())
                for spec in specs:
                    assert got.count(shape(spec)) == 1, f"{table} ({spec}) exists {got.count(shape(spec))} times"
            assert shape("F_project_id -F_updated_at DocId") in shapes(cur, "Shared").values()
            cur.execute("SELECT DocId FROM Shared ORDER BY DocId")
            assert cur.fetchall() == ((b"p0",), (b"p1",), (b"p2",))
    finally:
        drop_database(db)
