"""The `mysql` datastore: documents in PipeCD's MySQL tables, through PyMySQL.

Config (`spec.datastore` with `type: MYSQL`): PipeCD's `url`, `database`, `usernameFile`,
`passwordFile` (see `pipecd_cp_mysql.dsn`), plus optional `maxConnections` and `retryTimeout`.

Layout: one table per kind, `Id BINARY(16)` (PipeCD's row id, `pipecd_cp_mysql.ids`) and
`Data JSON` (the document, `pipecd_cp_mysql.codec`), with generated columns and indexes
(`pipecd_cp_mysql.schema`). `open` creates PipeCD's nine tables; other kinds get a table on first
use, and typed columns when declared.

What it guarantees beyond PipeCD's driver:
- `update` locks the row (`SELECT ... FOR UPDATE` in a transaction), so concurrent updates never
  overwrite each other;
- lost connections, deadlocks and lock wait timeouts are retried with exponential backoff for
  up to `retryTimeout` seconds, then raise `Unavailable`; a write whose connection died before
  its outcome was known is checked on the retry instead of being applied twice;
- a pool of connections, pinged after idling, replaced after failures, so a server restart
  costs the requests in flight a retry and nothing else.
"""
from __future__ import annotations

import hashlib
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

import pymysql
from pymysql.constants import SERVER_STATUS

from pipecd_cp.datastore.base import Document, FieldType, FindPlan, Filter, KindSchema, Mutator, Op
from pipecd_cp.datastore.blocking import BlockingDataStore, apply_mutator
from pipecd_cp.datastore.sql import SqlQuery
from pipecd_cp.errors import InvalidArgument, NotFound, Unavailable
from pipecd_cp_mysql import codec, columns
from pipecd_cp_mysql import schema as layout
from pipecd_cp_mysql.columns import Column
from pipecd_cp_mysql.dialect import MySQLDialect
from pipecd_cp_mysql.dsn import MySQLConfig, parse_config
from pipecd_cp_mysql.errors import DUPLICATE_KEY, SCHEMA_DONE_CODES, Failure, classify, errno, is_native, translate
from pipecd_cp_mysql.ids import row_id
from pipecd_cp_mysql.pool import Connection, ConnectionPool

if TYPE_CHECKING:
    from pipecd_cp.drivers import DriverContext

T = TypeVar("T")

_FIRST_DELAY, _MAX_DELAY = 0.05, 1.0
_SCHEMA_LOCK_SECONDS = 120
_DDL_LOCK_WAIT_SECONDS = 60
#: An index that cannot be built (key too long, too many parts or keys) is a lost hint, not an error.
_INDEX_REFUSED = frozenset({1069, 1070, 1071})
_ZERO = {FieldType.STRING: "", FieldType.INT: 0, FieldType.FLOAT: 0, FieldType.BOOL: False}


@dataclass
class _Attempt:
    """What earlier tries of one operation left behind, for the next try to take into account."""

    number: int = 0
    #: A write was sent on the connection being used; if it dies now, the outcome is unknown.
    wrote: bool = False
    #: An earlier try's write may or may not have been applied.
    unsure: bool = False
    #: `update`: (stored text before, text written) when COMMIT was sent but not answered.
    pending: tuple[str, str] | None = None


@dataclass
class _Kind:
    """What this process knows about one kind's table."""

    table: layout.Table
    state: layout.TableState
    declared: dict[str, FieldType] = field(default_factory=dict)

    def resolve(self, path: str) -> Column | None:
        want = self.declared.get(path)
        if want is FieldType.LIST:
            return None
        for col in self.table.columns:
            if col.path == path and (want is None or col.field_type is want) and col.name.lower() in self.state.columns:
                return col
        name = columns.column_name(path)
        data_type = self.state.columns.get(name.lower())
        ftype = columns.type_of_sql(data_type) if data_type else None
        if ftype is None or (want is not None and ftype is not want):
            return None
        return Column(name, path, ftype, data_type or "", "")


class MySQLDataStore(BlockingDataStore):
    """PipeCD's MySQL layout over a pool of PyMySQL connections; see the module docstring."""

    name = "mysql"

    def __init__(self, config: MySQLConfig, context: "DriverContext") -> None:
        super().__init__(context.runner)
        self.config = config
        self._log = context.logger
        self._pool_size = config.max_connections or context.runner.max_workers
        self._pool: ConnectionPool | None = None
        self._kinds: dict[str, _Kind] = {}
        self._kinds_lock = threading.Lock()
        self._dialect = MySQLDialect(self._resolve)
        self._sleep: Callable[[float], None] = time.sleep
        digest = hashlib.sha1(config.database.encode()).hexdigest()[:16]
        self._lock_name = f"pipecd-cp-mysql:schema:{digest}"

    @classmethod
    def from_config(cls, config: Mapping[str, Any], context: "DriverContext") -> "MySQLDataStore":
        return cls(parse_config(config, context.logger), context)

    # ------------------------------------------------------------------ connections
    def _connect(self) -> Connection:
        cfg = self.config
        kwargs: dict[str, Any] = dict(user=cfg.user, password=cfg.password, database=cfg.database,
                                      charset="utf8mb4", autocommit=True, connect_timeout=cfg.connect_timeout,
                                      read_timeout=cfg.read_timeout, write_timeout=cfg.write_timeout)
        if cfg.unix_socket:
            kwargs["unix_socket"] = cfg.unix_socket
        else:
            kwargs["host"], kwargs["port"] = cfg.host, cfg.port
        if cfg.session_variables:
            kwargs["init_command"] = "SET " + ", ".join(f"{k}={v}" for k, v in cfg.session_variables)
        if cfg.tls == "verify":
            kwargs["ssl"] = ssl.create_default_context()
        elif cfg.tls == "skip-verify":
            ctx = ssl.create_default_context()
            ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
            kwargs["ssl"] = ctx
        return pymysql.connect(**kwargs)

    def _require_pool(self) -> ConnectionPool:
        if self._pool is None:
            raise Unavailable("mysql: the datastore is not open")
        return self._pool

    def _run(self, what: str, body: Callable[[Connection, _Attempt], T]) -> T:
        """Run `body` on a pooled connection, retrying transient failures; the one error funnel.

        Exceptions that are not the client library's (a mutator's, or our own PipeCDErrors)
        propagate unchanged after the connection is cleaned up.
        """
        pool = self._require_pool()
        attempt = _Attempt()
        deadline: float | None = None
        delay = _FIRST_DELAY
        while True:
            conn = None
            try:
                conn = pool.acquire()
                result = body(conn, attempt)
            except BaseException as exc:
                native = is_native(exc)
                failure = classify(exc) if native else None
                if conn is not None:
                    self._cleanup(pool, conn, native, failure)
                if not native:
                    raise
                if failure is Failure.PERMANENT:
                    raise translate(exc, what) from exc
                now = time.monotonic()
                deadline = deadline if deadline is not None else now + self.config.retry_seconds
                if now + delay > deadline:
                    raise translate(exc, what) from exc
                if failure is Failure.CONNECTION and attempt.wrote:
                    attempt.unsure = True
                attempt.wrote = False
                attempt.number += 1
                log = self._log.warning if attempt.number == 1 else self._log.debug
                log("mysql | %s: %s failure (%s), retrying", what, failure.value, exc)
                self._sleep(delay)
                delay = min(delay * 2, _MAX_DELAY)
                continue
            pool.release(conn)
            return result

    @staticmethod
    def _cleanup(pool: ConnectionPool, conn: Connection, native: bool, failure: Failure | None) -> None:
        """Return a connection after a failed body: rolled back, or closed if it is broken."""
        if failure is Failure.CONNECTION:
            pool.discard(conn)
            return
        try:
            # After a server error the transaction flag may be stale, so roll back regardless.
            if native or conn.server_status & SERVER_STATUS.SERVER_STATUS_IN_TRANS:
                conn.rollback()
        except BaseException:
            pool.discard(conn)
            return
        pool.release(conn)

    def _open_sync(self) -> None:
        self._ensure_schema_sync()
        self._log.info("mysql | ready: %s, pool of %d", self.config.describe(), self._pool_size)

    def _close_sync(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()  # connections still in use close when their operation returns them

    # ------------------------------------------------------------------ schema
    async def ensure_schema(self) -> None:
        """Create or complete PipeCD's tables, columns and indexes; idempotent and safe to race.

        Concurrent callers (in any process) are serialised by the server-side lock `GET_LOCK`;
        statements whose work another ensurer (PipeCD's own included) has already done are
        ignored (errors 1050, 1060, 1061, 1091). Raises `Unavailable` when the server cannot
        be reached or the lock is not granted in time. May be called without `open` (an ops
        task that only migrates): it connects the same way.
        """
        await self._runner.run(self._ensure_schema_sync)

    def _ensure_schema_sync(self) -> None:
        if self._pool is None:
            self._pool = ConnectionPool(self._connect, self._pool_size)

        def body(conn: Connection, attempt: _Attempt) -> None:
            cur = conn.cursor()
            states = self._read_states(cur)
            work = {k: t for k, t in self._wanted_pipecd_tables().items() if layout.plan(t, states.get(k))}
            if work:
                with self._schema_lock(cur):
                    states = self._read_states(cur)  # another process may have done it meanwhile
                    for kind, table in work.items():
                        self._apply(cur, table, states.get(kind))
                    states = self._read_states(cur)
            with self._kinds_lock:
                for kind, table in self._wanted_pipecd_tables().items():
                    known = self._kinds.get(kind)
                    self._kinds[kind] = _Kind(table, states.get(kind) or layout.TableState(),
                                              dict(known.declared) if known else {})
        self._run("ensure schema", body)

    def _wanted_pipecd_tables(self) -> dict[str, layout.Table]:
        out = {}
        for kind, base in layout.PIPECD_TABLES.items():
            known = self._kinds.get(kind)
            out[kind] = known.table if known else base
        return out

    @staticmethod
    def _read_states(cur: Any, kind: str | None = None) -> dict[str, layout.TableState]:
        where = " AND TABLE_NAME = %s" if kind else ""
        args = (kind,) if kind else None
        cur.execute(layout.COLUMNS_SQL + where, args)
        cols = cur.fetchall()
        cur.execute(layout.INDEXES_SQL + where + layout.ORDER_SQL, args)
        return layout.read_state(cols, cur.fetchall())

    @contextmanager
    def _schema_lock(self, cur: Any) -> Iterator[None]:
        cur.execute("SELECT GET_LOCK(%s, %s)", (self._lock_name, _SCHEMA_LOCK_SECONDS))
        (got,) = cur.fetchone()
        if got != 1:
            raise Unavailable(f"mysql: another process held the schema lock for {_SCHEMA_LOCK_SECONDS}s")
        cur.execute(f"SET SESSION lock_wait_timeout = {_DDL_LOCK_WAIT_SECONDS}")
        try:
            yield
        finally:
            try:
                cur.execute("SET SESSION lock_wait_timeout = DEFAULT")
                cur.execute("SELECT RELEASE_LOCK(%s)", (self._lock_name,))
                cur.fetchall()
            except pymysql.err.Error:
                pass  # the connection is gone, and the server released the lock with it

    def _apply(self, cur: Any, table: layout.Table, state: layout.TableState | None) -> None:
        for stmt in layout.plan(table, state):
            self._log.info("mysql | schema: %s", stmt.split("(", 1)[0].strip())
            try:
                cur.execute(stmt)
            except pymysql.err.MySQLError as exc:
                code = errno(exc)
                if code in SCHEMA_DONE_CODES:
                    continue
                if code in _INDEX_REFUSED:
                    self._log.warning("mysql | schema: index not created on %s: %s", table.kind, exc.args[-1])
                    continue
                raise

    def _ensure_table(self, cur: Any, table: layout.Table) -> layout.TableState:
        """Bring one table up to `table` (under the schema lock if anything is missing); its new state."""
        state = self._read_states(cur, table.kind).get(table.kind)
        if layout.plan(table, state):
            with self._schema_lock(cur):
                self._apply(cur, table, self._read_states(cur, table.kind).get(table.kind))
            state = self._read_states(cur, table.kind).get(table.kind)
        return state or layout.TableState()

    def _kind(self, cur: Any, kind: str) -> _Kind:
        """This process's view of `kind`, creating its table on first use."""
        known = self._kinds.get(kind)
        if known is not None:
            return known
        with self._kinds_lock:
            known = self._kinds.get(kind)
            if known is None:
                table = layout.base_table(kind)
                known = self._kinds[kind] = _Kind(table, self._ensure_table(cur, table))
            return known

    def _refresh(self, cur: Any, kind: str) -> _Kind:
        """Re-read a kind's columns (another process may have declared fields since)."""
        known = self._kind(cur, kind)
        state = self._read_states(cur, kind).get(kind) or layout.TableState()
        with self._kinds_lock:
            known = self._kinds[kind] = _Kind(known.table, state, known.declared)
        return known

    async def declare(self, schema: KindSchema) -> None:
        """Add typed columns and indexes for the declared fields (`pipecd_cp_mysql.schema.with_declared`)."""
        await self._runner.run(self._declare_sync, schema)

    def _declare_sync(self, ks: KindSchema) -> None:
        def body(conn: Connection, attempt: _Attempt) -> None:
            cur = conn.cursor()
            known = self._kinds.get(ks.kind)
            base = known.table if known is not None else layout.base_table(ks.kind)
            declared = {**(known.declared if known is not None else {}),
                        **{p: FieldType(t) for p, t in ks.fields.items()}}
            table = layout.with_declared(base, declared, ks.indexes)
            # A first declaration creates the table with every column at once; a repeated one
            # that this process already applied costs no query.
            if known is not None and not layout.plan(table, known.state):
                state = known.state
            else:
                state = self._ensure_table(cur, table)
            with self._kinds_lock:
                kind = self._kinds[ks.kind] = _Kind(table, state, declared)
            for path, ftype in declared.items():
                if ftype is not FieldType.LIST and kind.resolve(path) is None:
                    self._log.warning("mysql | %s.%s has a column of another type; queries read Data instead",
                                      ks.kind, path)
        self._run(f"declare {ks.kind}", body)

    def _resolve(self, kind: str, path: str) -> Column | None:
        known = self._kinds.get(kind)
        return known.resolve(path) if known is not None else None

    # ------------------------------------------------------------------ operations
    def _extra_field(self, kind: str) -> str | None:
        table = layout.PIPECD_TABLES.get(kind)
        return table.extra_field if table is not None else None

    def _get_sync(self, kind: str, id: str) -> Document:
        rid = row_id(id)

        def body(conn: Connection, attempt: _Attempt) -> Document | None:
            cur = conn.cursor()
            self._kind(cur, kind)
            cur.execute(f"SELECT `Data` FROM `{kind}` WHERE `Id` = %s", (rid,))
            row = cur.fetchone()
            if row is None:
                return None
            key, doc = codec.decode(row[0])
            return doc if key == id else None
        doc = self._run(f"get {kind}", body)
        if doc is None:
            raise NotFound(f"{kind} {id!r} not found")
        return doc

    def _create_sync(self, kind: str, id: str, doc: Document) -> None:
        rid, data = row_id(id), codec.encode(id, doc, self._extra_field(kind))

        def body(conn: Connection, attempt: _Attempt) -> None:
            cur = conn.cursor()
            self._kind(cur, kind)
            attempt.wrote = True
            try:
                cur.execute(f"INSERT INTO `{kind}` (`Id`, `Data`) VALUES (%s, %s)", (rid, data))
            except pymysql.err.IntegrityError as exc:
                if errno(exc) == DUPLICATE_KEY and attempt.unsure:
                    # An earlier try may have inserted it before its connection died.
                    cur.execute(f"SELECT `Data` FROM `{kind}` WHERE `Id` = %s", (rid,))
                    row = cur.fetchone()
                    if row is not None and codec.decode(row[0]) == codec.decode(data):
                        return
                raise
        self._run(f"create {kind}", body)

    def _update_sync(self, kind: str, id: str, mutate: Mutator) -> Document:
        rid, extra = row_id(id), self._extra_field(kind)

        def body(conn: Connection, attempt: _Attempt) -> Document | None:
            cur = conn.cursor()
            self._kind(cur, kind)
            conn.begin()
            cur.execute(f"SELECT `Data` FROM `{kind}` WHERE `Id` = %s FOR UPDATE", (rid,))
            row = cur.fetchone()
            key, current = codec.decode(row[0]) if row is not None else ("", {})
            if row is None or key != id:
                conn.rollback()
                return None
            if attempt.pending is not None:
                before, written = attempt.pending
                attempt.pending = None
                if current == codec.decode(written)[1]:
                    conn.commit()  # the earlier COMMIT landed before its connection died
                    return current
                if current != codec.decode(before)[1]:
                    raise Unavailable(f"mysql: update {kind} {id!r}: the outcome of an interrupted commit "
                                      "is unknown (the document changed since)")
            new = apply_mutator(mutate, current)
            data = codec.encode(id, new, extra)
            cur.execute(f"UPDATE `{kind}` SET `Data` = %s WHERE `Id` = %s", (data, rid))
            attempt.pending = (row[0] if isinstance(row[0], str) else row[0].decode(), data)
            conn.commit()
            attempt.pending = None
            return new
        doc = self._run(f"update {kind}", body)
        if doc is None:
            raise NotFound(f"{kind} {id!r} not found")
        return doc

    def _delete_sync(self, kind: str, id: str) -> None:
        rid = row_id(id)

        def body(conn: Connection, attempt: _Attempt) -> bool:
            cur = conn.cursor()
            self._kind(cur, kind)
            attempt.wrote = True
            n = cur.execute(f"DELETE FROM `{kind}` WHERE `Id` = %s AND `{columns.DOC_ID}` = %s", (rid, id))
            # After an interrupted try, "nothing to delete" most likely means that try deleted it.
            return n > 0 or attempt.unsure
        if not self._run(f"delete {kind}", body):
            raise NotFound(f"{kind} {id!r} not found")

    def _find_sync(self, plan: FindPlan) -> list[tuple[str, Document]]:
        def body(conn: Connection, attempt: _Attempt) -> list[tuple[str, Document]]:
            cur = conn.cursor()
            known = self._kind(cur, plan.kind)
            if any(known.resolve(o.field) is None for o in plan.orders):
                known = self._refresh(cur, plan.kind)
            q = SqlQuery(self._dialect, _normalise(plan, known))
            cur.execute(f"SELECT `Data` FROM `{plan.kind}` {q.tail()}", q.params)
            return [codec.decode(raw) for (raw,) in cur.fetchall()]
        return self._run(f"find {plan.kind}", body)


def _normalise(plan: FindPlan, known: _Kind) -> FindPlan:
    """Adapt a plan to the columns that serve it.

    Orders need a typed column (ordering JSON text would be wrong on MariaDB). On PipeCD's
    columns a missing value reads as the zero, not NULL, so a cursor or equality test on "missing"
    (None) must use the zero too, or paging past a row without the field would never end.
    """
    never_null: dict[str, Column] = {}
    for o in plan.orders:
        col = known.resolve(o.field)
        if col is None:
            raise InvalidArgument(f"cannot order {plan.kind} by {o.field!r}: declare it with a scalar type",
                                  field="orders")
        if col.never_null:
            never_null[o.field] = col
    after = plan.after
    if after is not None and never_null:
        after = tuple(_ZERO[never_null[o.field].field_type] if v is None and o.field in never_null else v
                      for o, v in zip(plan.orders, after))
    filters = []
    for f in plan.filters:
        if f.value is None and f.op in (Op.EQ, Op.NE):
            col = known.resolve(f.field)
            if col is not None and col.never_null:
                f = Filter(f.field, f.op, _ZERO[col.field_type])
        filters.append(f)
    return replace(plan, after=after, filters=tuple(filters))
