"""The built-in `sqlite` datastore: every collection in one SQLite file (stdlib sqlite3).

Config (`spec.datastore` with `type: SQLITE`): `config.path`, the database file (default
`{data-dir}/pipecd.db`). One table per kind holds `(id TEXT PRIMARY KEY, doc TEXT)`; the file is
in WAL mode so readers never wait for the writer. Updates take the write lock up front
(`BEGIN IMMEDIATE`), which makes read-modify-write atomic across threads and processes.
"""
from __future__ import annotations

import json
import queue
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipecd_cp.datastore.base import Document, FindPlan, KindSchema, Mutator
from pipecd_cp.datastore.blocking import BlockingDataStore, apply_mutator
from pipecd_cp.datastore.sql import SqlDialect, SqlQuery
from pipecd_cp.errors import AlreadyExists, ConfigError, Internal, NotFound, Unavailable

if TYPE_CHECKING:
    from pipecd_cp.drivers import DriverContext

_BUSY_TIMEOUT_MS = 15_000


class _Dialect(SqlDialect):
    placeholder = "?"

    def field(self, kind: str, path: str, sample: Any = None) -> str:
        return f"json_extract(doc, '$.{path}')"

    def contains(self, kind: str, path: str, value: Any) -> str:
        return f"EXISTS (SELECT 1 FROM json_each(doc, '$.{path}') WHERE json_each.value = ?)"

    def primary_key(self, kind: str) -> str:
        return "id"


@dataclass(frozen=True)
class SQLiteConfig:
    path: Path


def _dumps(doc: Document) -> str:
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


class SQLiteDataStore(BlockingDataStore):
    """Documents in one SQLite file; see the module docstring."""

    name = "sqlite"

    def __init__(self, config: SQLiteConfig, context: "DriverContext") -> None:
        super().__init__(context.runner)
        self.path = config.path
        self._dialect = _Dialect()
        self._pool: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self._all: list[sqlite3.Connection] = []
        self._tables: set[str] = set()
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config: Mapping[str, Any], context: "DriverContext") -> "SQLiteDataStore":
        raw = config.get("path")
        if raw is None:
            path = context.data_dir / "pipecd.db"
        elif not isinstance(raw, str) or not raw:
            raise ConfigError("must be a non-empty file path", field="path")
        else:
            path = Path(raw).expanduser()
        return cls(SQLiteConfig(path=path), context)

    # ------------------------------------------------------------------ connections
    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA synchronous = NORMAL")
        with self._lock:
            self._all.append(conn)
        return conn

    @contextmanager
    def _conn(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = self._pool.get_nowait()
        except queue.Empty:
            conn = self._connect()
        try:
            yield conn
        except sqlite3.OperationalError as exc:
            if conn.in_transaction:
                conn.rollback()
            raise Unavailable(f"sqlite: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            if conn.in_transaction:
                conn.rollback()
            raise Internal(f"sqlite: {exc}") from exc
        except BaseException:
            if conn.in_transaction:
                conn.rollback()
            raise
        finally:
            self._pool.put(conn)

    def _open_sync(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._conn() as conn:
            conn.execute("PRAGMA journal_mode = WAL")

    def _close_sync(self) -> None:
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            conn.close()

    def _table(self, conn: sqlite3.Connection, kind: str) -> str:
        if kind not in self._tables:
            conn.execute(f'CREATE TABLE IF NOT EXISTS "{kind}" (id TEXT PRIMARY KEY NOT NULL, doc TEXT NOT NULL)'
                         " WITHOUT ROWID")
            self._tables.add(kind)
        return f'"{kind}"'

    # ------------------------------------------------------------------ operations
    def _get_sync(self, kind: str, id: str) -> Document:
        with self._conn() as conn:
            row = conn.execute(f"SELECT doc FROM {self._table(conn, kind)} WHERE id = ?", (id,)).fetchone()
        if row is None:
            raise NotFound(f"{kind} {id!r} not found")
        return json.loads(row[0])

    def _create_sync(self, kind: str, id: str, doc: Document) -> None:
        data = _dumps(doc)
        with self._conn() as conn:
            try:
                conn.execute(f"INSERT INTO {self._table(conn, kind)} (id, doc) VALUES (?, ?)", (id, data))
            except sqlite3.IntegrityError as exc:
                raise AlreadyExists(f"{kind} {id!r} already exists") from exc

    def _update_sync(self, kind: str, id: str, mutate: Mutator) -> Document:
        with self._conn() as conn:
            table = self._table(conn, kind)
            conn.execute("BEGIN IMMEDIATE")
            row = conn.execute(f"SELECT doc FROM {table} WHERE id = ?", (id,)).fetchone()
            if row is None:
                conn.rollback()
                raise NotFound(f"{kind} {id!r} not found")
            doc = apply_mutator(mutate, json.loads(row[0]))
            conn.execute(f"UPDATE {table} SET doc = ? WHERE id = ?", (_dumps(doc), id))
            conn.commit()
            return doc

    def _delete_sync(self, kind: str, id: str) -> None:
        with self._conn() as conn:
            cur = conn.execute(f"DELETE FROM {self._table(conn, kind)} WHERE id = ?", (id,))
        if cur.rowcount == 0:
            raise NotFound(f"{kind} {id!r} not found")

    def _find_sync(self, plan: FindPlan) -> list[tuple[str, Document]]:
        q = SqlQuery(self._dialect, plan)
        with self._conn() as conn:
            sql = f"SELECT id, doc FROM {self._table(conn, plan.kind)} {q.tail()}"
            rows = conn.execute(sql, q.params).fetchall()
        return [(rid, json.loads(doc)) for rid, doc in rows]

    # ------------------------------------------------------------------ schema
    def _declare_sync(self, schema: KindSchema) -> None:
        kind = schema.kind
        with self._conn() as conn:
            table = self._table(conn, kind)
            for fields in schema.indexes:
                terms, names = [], []
                for o in fields:
                    expr = "id" if o.field == "id" else self._dialect.field(kind, o.field)
                    terms.append(f"{expr} {'DESC' if o.descending else 'ASC'}")
                    names.append(o.field.replace(".", "_") + ("_desc" if o.descending else ""))
                name = f"ix_{kind}_{'_'.join(names)}"[:120]
                conn.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON {table} ({", ".join(terms)})')
