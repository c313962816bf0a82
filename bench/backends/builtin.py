"""The built-in backends beside the stdlib doing the same work (sqlite3, plain files)."""
from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from bench.backends.harness import Case
from pipecd_cp.datastore.base import FieldType, Filter, KindSchema, Op, Order, Query
from pipecd_cp.datastore.sqlite import SQLiteDataStore
from pipecd_cp.filestore.local import LocalFileStore
from pipecd_cp.testing import driver_context

_state: dict[str, Any] = {}


async def cases(args: Any) -> list[Case]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-builtin-"))
    ds = SQLiteDataStore.from_config({"path": str(tmp / "plugin.db")}, driver_context("datastore", tmp))
    await ds.open()
    await ds.declare(KindSchema("App", {"project_id": FieldType.STRING, "updated_at": FieldType.INT},
                                [[Order("project_id"), Order("updated_at", descending=True)]]))
    fs = LocalFileStore.from_config({"root": str(tmp / "files")}, driver_context("filestore", tmp))
    await fs.open()
    raw = sqlite3.connect(tmp / "raw.db", isolation_level=None, check_same_thread=False)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=NORMAL")
    raw.execute('CREATE TABLE "App" (id TEXT PRIMARY KEY, doc TEXT NOT NULL) WITHOUT ROWID')
    raw.execute("""CREATE INDEX ix ON "App" (json_extract(doc, '$.project_id'), json_extract(doc, '$.updated_at') DESC)""")
    _state.update(ds=ds, fs=fs, raw=raw, tmp=tmp)
    doc = {"project_id": "p", "name": "app", "labels": {"env": "prod"}, "updated_at": 1}
    for i in range(200):
        d = dict(doc, id=f"seed{i}", updated_at=i)
        await ds.create("App", d["id"], d)
        raw.execute('INSERT INTO "App" VALUES (?, ?)', (d["id"], json.dumps(d)))
    runner = ds._runner

    def raw_get(i: int) -> Any:
        return runner.run(lambda: json.loads(raw.execute('SELECT doc FROM "App" WHERE id=?', (f"seed{i % 200}",)).fetchone()[0]))

    def raw_create(i: int) -> Any:
        d = json.dumps(dict(doc, id=f"r{i}"))
        return runner.run(lambda: raw.execute('INSERT INTO "App" VALUES (?, ?)', (f"r{i}", d)))

    def raw_update(i: int) -> Any:
        def tx() -> None:
            raw.execute("BEGIN IMMEDIATE")
            d = json.loads(raw.execute('SELECT doc FROM "App" WHERE id=?', ("seed0",)).fetchone()[0])
            d["updated_at"] = i
            raw.execute('UPDATE "App" SET doc=? WHERE id=?', (json.dumps(d), "seed0"))
            raw.execute("COMMIT")
        return runner.run(tx)

    def raw_find(i: int) -> Any:
        return runner.run(lambda: [json.loads(r[1]) for r in raw.execute(
            """SELECT id, doc FROM "App" WHERE json_extract(doc, '$.project_id') = ? """
            """ORDER BY json_extract(doc, '$.updated_at') DESC, id LIMIT 50""", ("p",)).fetchall()])

    def bump(d: dict) -> None:
        d["updated_at"] += 1
    blobs = {"1KB": os.urandom(1024), "1MB": os.urandom(1 << 20)}
    out = [
        Case("sqlite", "get", lambda i: ds.get("App", f"seed{i % 200}"), raw_get),
        Case("sqlite", "create", lambda i: ds.create("App", f"p{i}", dict(doc, id=f"p{i}")), raw_create),
        Case("sqlite", "update", lambda i: ds.update("App", "seed0", bump), raw_update),
        Case("sqlite", "find 50", lambda i: ds.find("App", Query([Filter("project_id", Op.EQ, "p")],
                                                                  [Order("updated_at", descending=True)], 50)), raw_find),
    ]
    for size, blob in blobs.items():
        rawdir = tmp / "rawfiles"
        rawdir.mkdir(exist_ok=True)

        def raw_put(i: int, blob: bytes = blob, size: str = size) -> Any:
            def w() -> None:
                t = rawdir / f".tmp{i}"
                with open(t, "wb") as fh:
                    fh.write(blob)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(t, rawdir / f"{size}-{i % 50}")
            return runner.run(w)
        out.append(Case("local", f"put {size}", lambda i, b=blob, s=size: fs.put(f"b/{s}-{i % 50}", b), raw_put))
        out.append(Case("local", f"get {size}", lambda i, s=size: fs.get(f"b/{s}-{i % 50}"),
                        lambda i, s=size: runner.run((rawdir / f"{s}-{i % 50}").read_bytes)))
    return out


async def teardown() -> None:
    await _state["ds"].close()
    await _state["fs"].close()
    _state["raw"].close()
