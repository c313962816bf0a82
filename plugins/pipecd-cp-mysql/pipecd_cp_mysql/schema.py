"""Table layouts: PipeCD's nine tables, tables for other kinds, and the DDL that makes them so.

PipeCD's layout (its `ensurer/schema.sql` and `indexes.sql`, described in the behaviour
reference 10.4) is restated here as data: every table has `Id BINARY(16)` and `Data JSON`, a
STORED `Extra` fed by `$._extra`, STORED `CreatedAt`/`UpdatedAt`, and per table STORED
`ProjectId`/`Disabled` and VIRTUAL columns with their indexes. We add one VIRTUAL column and
index of our own to every table, `DocId`, the document key for ordering (see `columns.key_column`).

Differences from PipeCD's files, each harmless to PipeCD reading or writing the same tables:
- generated columns are declared without NOT NULL (MariaDB refuses it on generated columns);
  PipeCD's NOT NULL columns read missing values as zero here instead of rejecting the row;
- `Deployment.ApplicationName` is VARCHAR(50) like `Application.Name` (PipeCD: 36, which
  rejects deployments of applications with longer names);
- PipeCD creates `deploymentchain_status_updated_at_desc` on `Deployment` (a typo, duplicating
  `deployment_status_updated_at_desc`); we create it on `DeploymentChain`, where it belongs.

DDL is planned against what `information_schema` shows, so a second start issues nothing and a
database made by PipeCD gets only what is missing; an index already present under another name
(same columns, same directions) is not duplicated.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pipecd_cp.datastore.base import ID_FIELD, FieldType, Order
from pipecd_cp_mysql import columns as C
from pipecd_cp_mysql.columns import DOC_ID, Column


@dataclass(frozen=True)
class Index:
    name: str
    parts: tuple[tuple[str, bool], ...]  # (column, descending)

    def sql(self, table: str) -> str:
        cols = ", ".join(f"`{c}`{' DESC' if d else ''}" for c, d in self.parts)
        return f"CREATE INDEX `{self.name}` ON `{table}` ({cols})"

    def shape(self) -> tuple[tuple[str, bool], ...]:
        return tuple((c.lower(), d) for c, d in self.parts)


def ix(name: str, *parts: str) -> Index:
    """`ix("n", "ProjectId", "-UpdatedAt")`: a leading '-' means descending."""
    return Index(name, tuple((p.lstrip("-"), p.startswith("-")) for p in parts))


@dataclass(frozen=True)
class Table:
    """One kind's table: its generated columns and indexes (beyond `Id` and `Data`)."""

    kind: str
    columns: tuple[Column, ...]
    indexes: tuple[Index, ...] = ()
    drop_indexes: tuple[str, ...] = ()
    #: The document field PipeCD copies into `_extra` (PipeCD kinds only).
    extra_field: str | None = None

    def column_for(self, path: str) -> Column | None:
        for c in self.columns:
            if c.path == path:
                return c
        return None


# ----------------------------------------------------------------------------- PipeCD's tables
def _pipecd(kind: str, extra: str, *, project: bool = True, disabled: bool = False,
            virtual: Sequence[Column] = (), indexes: Sequence[Index] = (), drop: Sequence[str] = ()) -> Table:
    cols: list[Column] = [C.pipecd_extra()]
    if project:
        cols.append(C.pipecd_string("ProjectId", "project_id", 50, stored=True))
    if disabled:
        cols.append(C.pipecd_bool("Disabled", "disabled", stored=True))
    cols += [C.pipecd_int("CreatedAt", "created_at", stored=True, int11=True),
             C.pipecd_int("UpdatedAt", "updated_at", stored=True, int11=True), *virtual, C.key_column()]
    prefix = kind.lower()
    return Table(kind, tuple(cols), (*indexes, ix(f"{prefix}_doc_id", DOC_ID)), tuple(drop), extra)


_S, _I = C.pipecd_string, C.pipecd_int

PIPECD_TABLES: Mapping[str, Table] = {t.kind: t for t in (
    _pipecd("Project", "id", project=False),
    _pipecd("Application", "name", disabled=True,
            virtual=[_S("Name", "name", 50), _I("Kind", "kind"), _I("SyncState_Status", "sync_state.status"),
                     _S("PipedId", "piped_id", 36)],
            indexes=[ix("application_disabled_updated_at_desc", "Disabled", "-UpdatedAt"),
                     ix("application_name_updated_at_desc", "Name", "-UpdatedAt"),
                     ix("application_kind_updated_at_desc", "Kind", "-UpdatedAt"),
                     ix("application_sync_state_updated_at_desc", "SyncState_Status", "-UpdatedAt"),
                     ix("application_project_id_updated_at_desc", "ProjectId", "-UpdatedAt"),
                     ix("application_piped_id_updated_at_desc", "PipedId", "-UpdatedAt")],
            drop=["application_piped_id", "application_deleted_created_at_asc"]),
    _pipecd("Command", "id",
            virtual=[_I("Status", "status"), _S("PipedId", "piped_id", 36)],
            indexes=[ix("command_status_created_at_asc", "Status", "CreatedAt"),
                     ix("command_piped_id", "PipedId")]),
    _pipecd("Deployment", "application_name",
            virtual=[_S("ApplicationId", "application_id", 36), _S("ApplicationName", "application_name", 50),
                     _I("Kind", "kind"), _I("Status", "status"), _S("PipedId", "piped_id", 36),
                     C.pipecd_nullable_int("CompletedAt", "completed_at"),
                     _S("DeploymentChainId", "deployment_chain_id", 36),
                     _S("DeploymentTraceCommitHash", "deployment_trace_commit_hash", 40)],
            indexes=[ix("deployment_application_id_updated_at_desc", "ApplicationId", "-UpdatedAt"),
                     ix("deployment_application_name_updated_at_desc", "ApplicationName", "-UpdatedAt"),
                     ix("deployment_project_id_updated_at_desc", "ProjectId", "-UpdatedAt"),
                     ix("deployment_kind_updated_at_desc", "Kind", "-UpdatedAt"),
                     ix("deployment_status_updated_at_desc", "Status", "-UpdatedAt"),
                     ix("deployment_piped_id", "PipedId"),
                     ix("deployment_completed_at_desc_id", "-CompletedAt", "Id"),
                     ix("deployment_completed_at_asc_id", "CompletedAt", "Id"),
                     ix("deployment_chain_id_updated_at_desc", "DeploymentChainId", "-UpdatedAt"),
                     ix("deployment_trace_commit_hash_updated_at_desc", "DeploymentTraceCommitHash", "-UpdatedAt")]),
    _pipecd("Event", "name",
            virtual=[_S("EventKey", "event_key", 64), _S("Name", "name", 50), _I("Status", "status")],
            indexes=[ix("event_project_id_created_at_asc", "ProjectId", "CreatedAt"),
                     ix("event_project_id_created_at_desc", "ProjectId", "-CreatedAt"),
                     ix("event_project_id_updated_at_desc", "ProjectId", "-UpdatedAt"),
                     ix("event_event_key_name_project_id_created_at_desc",
                        "EventKey", "Name", "ProjectId", "-CreatedAt"),
                     ix("event_project_id_status_created_at_desc", "ProjectId", "Status", "-CreatedAt"),
                     ix("event_project_id_status_updated_at_desc", "ProjectId", "Status", "-UpdatedAt"),
                     ix("event_name_project_id_updated_at_desc", "Name", "ProjectId", "-UpdatedAt"),
                     ix("event_name_project_id_status_updated_at_desc", "Name", "ProjectId", "Status", "-UpdatedAt")]),
    _pipecd("Piped", "name", disabled=True, indexes=[ix("piped_project_id_asc", "ProjectId")]),
    _pipecd("APIKey", "name", disabled=True),
    _pipecd("DeploymentChain", "id", virtual=[_I("Status", "status")],
            indexes=[ix("deploymentchain_project_id_updated_at_desc", "ProjectId", "-UpdatedAt"),
                     ix("deploymentchain_status_updated_at_desc", "Status", "-UpdatedAt")]),
    _pipecd("DeploymentTrace", "id", virtual=[_S("CommitHash", "commit_hash", 40)],
            indexes=[ix("deploymenttrace_project_id_updated_at_desc", "ProjectId", "-UpdatedAt"),
                     ix("deploymenttrace_commit_hash_updated_at_desc", "CommitHash", "-UpdatedAt")]),
)}


def base_table(kind: str) -> Table:
    """The table a kind has before any declaration: PipeCD's, or `Id`/`Data`/`DocId` for others."""
    table = PIPECD_TABLES.get(kind)
    if table is not None:
        return table
    return Table(kind, (C.key_column(),), (ix("pcp_doc_id", DOC_ID),))


def index_name(parts: Iterable[tuple[str, bool]]) -> str:
    """A stable name for a declared index (at most 64 characters)."""
    name = "pcp_" + "_".join(f"{c.lower()}{'_desc' if d else ''}" for c, d in parts)
    if len(name) <= 64:
        return name
    return f"pcp_{hashlib.sha1(name.encode()).hexdigest()[:12]}_{name[4:]}"[:64]


def with_declared(table: Table, fields: Mapping[str, FieldType],
                  indexes: Sequence[Sequence[Order]]) -> Table:
    """`table` plus the columns and indexes a `KindSchema` asks for.

    A declared field uses PipeCD's column when the table has one for that path and type;
    otherwise it gets an `F_` column. Each declared index ends with `DocId`, the id tiebreak every
    query orders by, so the index can serve the whole ORDER BY. Indexes on list fields are left
    out (lists are matched with JSON_CONTAINS, which no plain index serves).
    """
    cols = list(table.columns)
    by_path: dict[str, Column] = {}
    for path, ftype in fields.items():
        ftype = FieldType(ftype)
        existing = table.column_for(path)
        if existing is not None and existing.field_type is ftype:
            by_path[path] = existing
            continue
        col = C.declared_column(path, ftype)
        if col is not None:
            if all(c.name.lower() != col.name.lower() for c in cols):
                cols.append(col)
            by_path[path] = col
    idx = list(table.indexes)
    for orders in indexes:
        parts: list[tuple[str, bool]] = []
        for o in orders:
            if o.field == ID_FIELD:
                parts.append((DOC_ID, o.descending))
                continue
            col = by_path.get(o.field) or table.column_for(o.field)
            if col is None:
                parts = []
                break
            parts.append((col.name, o.descending))
        if not parts:
            continue
        if all(c != DOC_ID for c, _ in parts):
            parts.append((DOC_ID, False))
        new = Index(index_name(parts), tuple(parts))
        if all(i.shape() != new.shape() for i in idx):
            idx.append(new)
    return Table(table.kind, tuple(cols), tuple(idx), table.drop_indexes, table.extra_field)


# ----------------------------------------------------------------------------- what exists
@dataclass
class TableState:
    """What `information_schema` shows of one table: column types and index shapes, by lower-cased name."""

    columns: dict[str, str] = field(default_factory=dict)
    indexes: dict[str, tuple[tuple[str, bool], ...]] = field(default_factory=dict)


COLUMNS_SQL = ("SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS "
               "WHERE TABLE_SCHEMA = DATABASE()")
INDEXES_SQL = ("SELECT TABLE_NAME, INDEX_NAME, COLUMN_NAME, COLLATION FROM information_schema.STATISTICS "
               "WHERE TABLE_SCHEMA = DATABASE()")
ORDER_SQL = " ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"


def read_state(column_rows: Iterable[Sequence[str]], index_rows: Iterable[Sequence[str]]) -> dict[str, TableState]:
    """Tables by name from the rows of `COLUMNS_SQL` and `INDEXES_SQL` (+ `ORDER_SQL`)."""
    out: dict[str, TableState] = {}
    for table, column, data_type in column_rows:
        out.setdefault(table, TableState()).columns[column.lower()] = data_type.lower()
    parts: dict[tuple[str, str], list[tuple[str, bool]]] = {}
    for table, index, column, collation in index_rows:
        parts.setdefault((table, index.lower()), []).append((column.lower(), collation == "D"))
    for (table, index), cols in parts.items():
        out.setdefault(table, TableState()).indexes[index] = tuple(cols)
    return out


def _create_sql(table: Table) -> str:
    body = ["`Id` BINARY(16) NOT NULL PRIMARY KEY", "`Data` JSON NOT NULL"]
    body += [c.definition() for c in table.columns]
    for i in table.indexes:
        body.append(f"INDEX `{i.name}` ({', '.join(f'`{c}`' + (' DESC' if d else '') for c, d in i.parts)})")
    return (f"CREATE TABLE IF NOT EXISTS `{table.kind}` (\n  " + ",\n  ".join(body) +
            "\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin")


def plan(table: Table, state: TableState | None) -> list[str]:
    """The statements that bring a table from `state` (None: missing) to `table`; [] when done."""
    if state is None:
        return [_create_sql(table)]
    stmts = [f"ALTER TABLE `{table.kind}` ADD COLUMN {c.definition()}"
             for c in table.columns if c.name.lower() not in state.columns]
    have = set(state.columns) | {c.name.lower() for c in table.columns}
    shapes = set(state.indexes.values())
    for i in table.indexes:
        if i.name.lower() in state.indexes or i.shape() in shapes:
            continue
        if any(c.lower() not in have for c, _ in i.parts):
            continue  # a column PipeCD's layout needs is gone: leave the table to its owner
        stmts.append(i.sql(table.kind))
    stmts += [f"DROP INDEX `{name}` ON `{table.kind}`" for name in table.drop_indexes if name in state.indexes]
    return stmts
