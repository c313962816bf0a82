"""The driver reads and writes PipeCD's MySQL data as PipeCD does (behaviour reference 10.4).

Rows are inserted with raw SQL exactly as PipeCD's Go driver writes them (swapped binary id,
encoding/json document with `_extra`) and read back through the driver; what the driver writes
is checked column by column, as PipeCD's queries and indexes see it.
"""
from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

import pymysql
import pytest

from pipecd_cp.datastore.base import FieldType, Filter, KindSchema, Op, Order, Query
from pipecd_cp.errors import AlreadyExists, InvalidArgument, NotFound
from pipecd_cp.proto.model.application_pb2 import Application, ApplicationSyncStatus
from pipecd_cp.proto.model.deployment_pb2 import Deployment
from pipecd_cp.proto.model.project_pb2 import Project
from pipecd_cp.stores.documents import from_document, to_document
from pipecd_cp.testing import driver_context
from pipecd_cp_mysql import MySQLDataStore
from tests.conftest import TEST_URL, create_database, drop_database, raw_connect

# The layout restated from the reference, independently of the driver's own tables.
COMMON = {"Id": "binary", "Data": "*", "Extra": "varchar", "CreatedAt": "int", "UpdatedAt": "int"}
PROJECT = {"ProjectId": "varchar"}
DISABLED = {"Disabled": "tinyint"}
TABLES: dict[str, dict[str, str]] = {
    "Project": {},
    "Application": {**PROJECT, **DISABLED, "Name": "varchar", "Kind": "int", "SyncState_Status": "int",
                    "PipedId": "varchar"},
    "Command": {**PROJECT, "Status": "int", "PipedId": "varchar"},
    "Deployment": {**PROJECT, "ApplicationId": "varchar", "ApplicationName": "varchar", "Kind": "int",
                   "Status": "int", "PipedId": "varchar", "CompletedAt": "int", "DeploymentChainId": "varchar",
                   "DeploymentTraceCommitHash": "varchar"},
    "Event": {**PROJECT, "EventKey": "varchar", "Name": "varchar", "Status": "int"},
    "Piped": {**PROJECT, **DISABLED},
    "APIKey": {**PROJECT, **DISABLED},
    "DeploymentChain": {**PROJECT, "Status": "int"},
    "DeploymentTrace": {**PROJECT, "CommitHash": "varchar"},
}
STORED = {"Extra", "CreatedAt", "UpdatedAt", "ProjectId", "Disabled"}
INDEXES: dict[str, list[str]] = {  # "-" marks a descending part
    "Application": ["Disabled -UpdatedAt", "Name -UpdatedAt", "Kind -UpdatedAt", "SyncState_Status -UpdatedAt",
                    "ProjectId -UpdatedAt", "PipedId -UpdatedAt"],
    "Command": ["Status CreatedAt", "PipedId"],
    "Deployment": ["ApplicationId -UpdatedAt", "ApplicationName -UpdatedAt", "ProjectId -UpdatedAt",
                   "Kind -UpdatedAt", "Status -UpdatedAt", "PipedId", "-CompletedAt Id", "CompletedAt Id",
                   "DeploymentChainId -UpdatedAt", "DeploymentTraceCommitHash -UpdatedAt"],
    "Event": ["ProjectId CreatedAt", "ProjectId -CreatedAt", "ProjectId -UpdatedAt",
              "EventKey Name ProjectId -CreatedAt", "ProjectId Status -CreatedAt", "ProjectId Status -UpdatedAt",
              "Name ProjectId -UpdatedAt", "Name ProjectId Status -UpdatedAt"],
    "Piped": ["ProjectId"],
    "DeploymentChain": ["ProjectId -UpdatedAt", "Status -UpdatedAt"],
    "DeploymentTrace": ["ProjectId -UpdatedAt", "CommitHash -UpdatedAt"],
}


def pipecd_row_id(id: str) -> bytes:
    """PipeCD's makeRowID + UUID_TO_BIN(id, true), written out by hand."""
    try:
        u = uuid.UUID(id) if len(id) == 36 else None
    except ValueError:
        u = None
    if u is None:
        digest = bytearray(hashlib.sha1(uuid.NAMESPACE_OID.bytes + id.encode()).digest()[:16])
        digest[6], digest[8] = (digest[6] & 0x0F) | 0x50, (digest[8] & 0x3F) | 0x80
        u = uuid.UUID(bytes=bytes(digest))
    h = u.hex
    return bytes.fromhex(h[12:16] + h[8:12] + h[0:8] + h[16:])


def go_json(doc: dict[str, Any]) -> str:
    """Go encoding/json's compact output."""
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def pipecd_insert(sql: pymysql.cursors.Cursor, kind: str, id: str, doc: dict[str, Any]) -> None:
    sql.execute(f"INSERT INTO `{kind}` (Id, Data) VALUES (%s, %s)", (pipecd_row_id(id), go_json(doc)))


def shapes(sql: pymysql.cursors.Cursor, table: str) -> dict[str, tuple[tuple[str, bool], ...]]:
    sql.execute("SELECT INDEX_NAME, COLUMN_NAME, COLLATION FROM information_schema.STATISTICS "
                "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s ORDER BY INDEX_NAME, SEQ_IN_INDEX", (table,))
    out: dict[str, list[tuple[str, bool]]] = {}
    for name, column, collation in sql.fetchall():
        out.setdefault(name, []).append((column, collation == "D"))
    return {k: tuple(v) for k, v in out.items()}


def shape(spec: str) -> tuple[tuple[str, bool], ...]:
    return tuple((p.lstrip("-"), p.startswith("-")) for p in spec.split())


def uid() -> str:
    return str(uuid.uuid4())


# ----------------------------------------------------------------------------- the schema
@pytest.mark.asyncio
async def test_open_creates_pipecds_tables_columns_and_indexes(store: MySQLDataStore,
                                                               sql: pymysql.cursors.Cursor) -> None:
    for table, extra in TABLES.items():
        sql.execute("SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, EXTRA, COLUMN_KEY FROM information_schema.COLUMNS "
                    "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s", (table,))
        cols = {name: (dt, ct, ex, key) for name, dt, ct, ex, key in sql.fetchall()}
        for name, data_type in {**COMMON, **extra}.items():
            assert name in cols, f"{table}.{name} is missing"
            if data_type != "*":
                assert cols[name][0] == data_type, f"{table}.{name} is {cols[name][0]}"
            if name in STORED:
                assert "STORED" in cols[name][2].upper(), f"{table}.{name} must be STORED"
            elif name not in ("Id", "Data"):
                assert "VIRTUAL" in cols[name][2].upper(), f"{table}.{name} must be VIRTUAL"
        assert cols["Id"][1] == "binary(16)" and cols["Id"][3] == "PRI"
        assert cols["Extra"][1] == "varchar(100)"
        have = set(shapes(sql, table).values())
        for spec in INDEXES.get(table, []):
            assert shape(spec) in have, f"{table} lacks the index ({spec})"


@pytest.mark.asyncio
async def test_ensure_schema_again_changes_nothing(store: MySQLDataStore, sql: pymysql.cursors.Cursor,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    before = {t: shapes(sql, t) for t in TABLES}
    with caplog.at_level("INFO"):
        await store.ensure_schema()
    assert "schema:" not in caplog.text, "a second ensure must issue no DDL"
    assert {t: shapes(sql, t) for t in TABLES} == before


# ----------------------------------------------------------------------------- PipeCD wrote it
@pytest.mark.asyncio
async def test_rows_pipecd_wrote_read_back_and_decode_into_models(store: MySQLDataStore,
                                                                  sql: pymysql.cursors.Cursor) -> None:
    project = f"proj-{uuid.uuid4().hex[:8]}"
    app_id, piped_id = uid(), uid()
    app = {"id": app_id, "name": "canary", "piped_id": piped_id, "project_id": project,
           "git_path": {"repo": {"id": "repo-1", "remote": "git@github.com:org/repo.git", "branch": "main"},
                        "path": "k8s/canary", "config_filename": "app.pipecd.yaml"},
           "labels": {"env": "prod"}, "sync_state": {"status": 3, "short_reason": "drift", "timestamp": 1700000050},
           "created_at": 1700000000, "updated_at": 1700000100, "_extra": "canary"}
    other = {"id": uid(), "name": "web", "piped_id": piped_id, "project_id": project, "kind": 4, "disabled": True,
             "git_path": {"repo": {"id": "repo-1"}, "path": "web"}, "created_at": 1700000000,
             "updated_at": 1700000200, "_extra": "web"}
    pipecd_insert(sql, "Application", app_id, app)
    pipecd_insert(sql, "Application", other["id"], other)
    pipecd_insert(sql, "Project", project, {"id": project, "desc": "made by PipeCD",
                                            "static_admin": {"username": "admin", "password_hash": "$2a$10$abcdef"},
                                            "created_at": 1700000000, "updated_at": 1700000000, "_extra": project})
    dep_id = uid()
    pipecd_insert(sql, "Deployment", dep_id, {
        "id": dep_id, "application_id": app_id, "application_name": "canary", "piped_id": piped_id,
        "project_id": project, "git_path": {"repo": {"id": "repo-1"}, "path": "k8s/canary"},
        "trigger": {"commit": {"hash": "abc123", "message": "fix"}, "commander": "alice", "timestamp": 1700000000},
        "status": 5, "stages": [{"id": "s1", "name": "K8S_SYNC", "status": 2}],
        "metadata": {"k": "v"}, "completed_at": 1700000300, "created_at": 1700000000, "updated_at": 1700000300,
        "_extra": "canary"})

    doc = await store.get("Application", app_id)
    assert "_extra" not in doc
    model = from_document(doc, Application)
    assert model.name == "canary" and model.labels["env"] == "prod" and model.git_path.repo.branch == "main"
    assert model.sync_state.status == ApplicationSyncStatus.OUT_OF_SYNC
    assert from_document(await store.get("Project", project), Project).static_admin.username == "admin"
    dep = from_document(await store.get("Deployment", dep_id), Deployment)
    assert dep.trigger.commander == "alice" and dep.stages[0].name == "K8S_SYNC" and dep.completed_at == 1700000300

    async def ids(*filters: Filter, orders: tuple[Order, ...] = (Order("updated_at", descending=True),)) -> list[str]:
        page = await store.find("Application", Query([Filter("project_id", Op.EQ, project), *filters], list(orders)))
        return [d["id"] for d in page.items]
    assert await ids() == [other["id"], app_id]
    assert await ids(Filter("disabled", Op.EQ, False)) == [app_id]
    assert await ids(Filter("kind", Op.EQ, 0)) == [app_id], "a missing kind is KUBERNETES (0), as in PipeCD"
    assert await ids(Filter("sync_state.status", Op.EQ, 3)) == [app_id]
    assert await ids(Filter("sync_state.status", Op.EQ, 0)) == [other["id"]]
    assert await ids(Filter("name", Op.IN, ["canary", "x"])) == [app_id]
    assert await ids(Filter("piped_id", Op.EQ, piped_id), orders=(Order("name"),)) == [app_id, other["id"]]
    page = await store.find("Deployment", Query([Filter("application_id", Op.EQ, app_id),
                                                 Filter("completed_at", Op.GTE, 1700000000)],
                                                [Order("completed_at", descending=True)]))
    assert [d["id"] for d in page.items] == [dep_id]


@pytest.mark.asyncio
async def test_paging_by_pipecd_columns_that_read_missing_as_zero(store: MySQLDataStore,
                                                                  sql: pymysql.cursors.Cursor) -> None:
    project = f"proj-{uuid.uuid4().hex[:8]}"
    docs = {}
    for i in range(9):
        d: dict[str, Any] = {"id": uid(), "name": f"a{i}", "project_id": project,
                             "piped_id": "p", "git_path": {"repo": {"id": "r"}}, "created_at": 1, "updated_at": 1 + i}
        if i % 3:
            d["kind"] = i % 3  # the others have no kind: 0, read as 0 by PipeCD's IFNULL column
        docs[d["id"]] = d
        pipecd_insert(sql, "Application", d["id"], {**d, "_extra": d["name"]})
    want = sorted(docs, key=lambda i: (docs[i].get("kind", 0), i))
    got: list[str] = []
    cursor = ""
    for _ in range(len(docs) + 2):
        page = await store.find("Application", Query([Filter("project_id", Op.EQ, project)], [Order("kind")], 2,
                                                     cursor))
        if not page.items:
            break
        got += [d["id"] for d in page.items]
        cursor = page.cursor
    assert got == want


# ----------------------------------------------------------------------------- the driver wrote it
@pytest.mark.asyncio
async def test_what_the_driver_writes_is_what_pipecd_reads(store: MySQLDataStore, sql: pymysql.cursors.Cursor) -> None:
    project = "quickstart-" + uuid.uuid4().hex[:6]
    app = Application(id=uid(), name="canary", piped_id=uid(), project_id=project, kind=2, disabled=True,
                      created_at=1700000000, updated_at=1700000100)
    app.git_path.repo.id = "repo-1"
    app.sync_state.status = ApplicationSyncStatus.SYNCED
    await store.create("Application", app.id, to_document(app))
    sql.execute("SELECT Data, ProjectId, Disabled, Name, Kind, SyncState_Status, PipedId, Extra, CreatedAt, UpdatedAt "
                "FROM Application WHERE Id = %s", (pipecd_row_id(app.id),))
    data, *cols = sql.fetchone()
    assert cols == [project, 1, "canary", 2, 1, app.piped_id, "canary", 1700000000, 1700000100]
    stored = json.loads(data)
    assert stored == {**to_document(app), "_extra": "canary"}, "PipeCD's JSON plus _extra, nothing else"
    # PipeCD's own list query (ProjectId + Disabled, UpdatedAt DESC, Id) finds it.
    sql.execute("SELECT Data FROM Application WHERE ProjectId = %s AND Disabled = TRUE ORDER BY UpdatedAt DESC, Id",
                (project,))
    assert [json.loads(r[0])["id"] for r in sql.fetchall()] == [app.id]

    await store.create("Project", project, {"id": project, "static_admin": {"username": "a", "password_hash": "xxxxxx"},
                                            "created_at": 5, "updated_at": 6})
    sql.execute("SELECT Extra, CreatedAt, UpdatedAt, JSON_EXTRACT(Data, '$._extra') FROM Project WHERE Id = %s",
                (pipecd_row_id(project),))
    assert sql.fetchone() == (project, 5, 6, json.dumps(project))

    dep = {"id": uid(), "application_id": app.id, "application_name": "canary", "project_id": project,
           "piped_id": app.piped_id, "kind": 2, "status": 3, "deployment_chain_id": "chain-1",
           "deployment_trace_commit_hash": "c0ffee", "created_at": 10, "updated_at": 11}
    await store.create("Deployment", dep["id"], dep)
    sql.execute("SELECT ApplicationId, ApplicationName, Kind, Status, PipedId, CompletedAt, DeploymentChainId, "
                "DeploymentTraceCommitHash, Extra FROM Deployment WHERE Id = %s", (pipecd_row_id(dep["id"]),))
    assert sql.fetchone() == (app.id, "canary", 2, 3, app.piped_id, None, "chain-1", "c0ffee", "canary")

    for kind, extra_from, doc in [
        ("Command", "id", {"id": uid(), "project_id": project, "piped_id": "p1", "status": 1}),
        ("Event", "name", {"id": uid(), "project_id": project, "name": "image-update", "event_key": "k", "status": 2}),
        ("Piped", "name", {"id": uid(), "project_id": project, "name": "piped-1", "disabled": True}),
        ("APIKey", "name", {"id": uid(), "project_id": project, "name": "ci-key"}),
        ("DeploymentChain", "id", {"id": uid(), "project_id": project, "status": 2}),
        ("DeploymentTrace", "id", {"id": uid(), "project_id": project, "commit_hash": "beef"}),
    ]:
        await store.create(kind, doc["id"], {**doc, "created_at": 1, "updated_at": 2})
        sql.execute(f"SELECT Extra, ProjectId, JSON_EXTRACT(Data, '$._id') FROM `{kind}` WHERE Id = %s",
                    (pipecd_row_id(doc["id"]),))
        assert sql.fetchone() == (doc[extra_from], project, None), kind
    sql.execute("SELECT Status, PipedId FROM Command WHERE ProjectId = %s", (project,))
    assert sql.fetchone() == (1, "p1")
    sql.execute("SELECT EventKey, Name, Status FROM Event WHERE ProjectId = %s", (project,))
    assert sql.fetchone() == ("k", "image-update", 2)
    sql.execute("SELECT Disabled FROM Piped WHERE ProjectId = %s", (project,))
    assert sql.fetchone() == (1,)
    sql.execute("SELECT Disabled FROM APIKey WHERE ProjectId = %s", (project,))
    assert sql.fetchone() == (0,)
    sql.execute("SELECT Status FROM DeploymentChain WHERE ProjectId = %s", (project,))
    assert sql.fetchone() == (2,)
    sql.execute("SELECT CommitHash FROM DeploymentTrace WHERE ProjectId = %s", (project,))
    assert sql.fetchone() == ("beef",)


@pytest.mark.asyncio
async def test_updates_keep_the_layout_and_extra_follows_the_field(store: MySQLDataStore,
                                                                   sql: pymysql.cursors.Cursor) -> None:
    app_id = uid()
    await store.create("Application", app_id, {"id": app_id, "name": "old", "project_id": "p", "updated_at": 1})

    def rename(doc: dict) -> None:
        doc["name"], doc["updated_at"] = "new", 2
    assert await store.update("Application", app_id, rename) == {"id": app_id, "name": "new", "project_id": "p",
                                                                  "updated_at": 2}
    sql.execute("SELECT Name, Extra, UpdatedAt FROM Application WHERE Id = %s", (pipecd_row_id(app_id),))
    assert sql.fetchone() == ("new", "new", 2)


@pytest.mark.asyncio
async def test_declared_fields_get_typed_columns_in_pipecd_tables_too(store: MySQLDataStore,
                                                                      sql: pymysql.cursors.Cursor) -> None:
    await store.declare(KindSchema("Deployment", {"project_id": FieldType.STRING, "trigger.commander": FieldType.STRING,
                                                  "updated_at": FieldType.INT},
                                   [[Order("project_id"), Order("updated_at", descending=True)]]))
    sql.execute("SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
                "AND TABLE_NAME = 'Deployment' AND COLUMN_NAME LIKE 'F\\_%%'")
    assert sql.fetchall() == (("F_trigger__commander", "varbinary"),), "project_id and updated_at reuse PipeCD's"
    assert shape("ProjectId -UpdatedAt DocId") in set(shapes(sql, "Deployment").values())
    d = {"id": uid(), "project_id": "px", "application_name": "a", "trigger": {"commander": "bob"}, "updated_at": 3}
    await store.create("Deployment", d["id"], d)
    page = await store.find("Deployment", Query([Filter("trigger.commander", Op.EQ, "bob")]))
    assert [x["id"] for x in page.items] == [d["id"]]


# ----------------------------------------------------------------------------- keys and reserved names
@pytest.mark.asyncio
async def test_the_key_is_stored_only_when_the_document_does_not_carry_it(store: MySQLDataStore,
                                                                          sql: pymysql.cursors.Cursor) -> None:
    await store.create("Keyed", "k1", {"id": "k1", "v": 1})
    await store.create("Keyed", "k2", {"v": 2})
    await store.create("Keyed", "k3", {"id": "other", "v": 3})
    sql.execute("SELECT DocId, JSON_EXTRACT(Data, '$._id') FROM Keyed ORDER BY DocId")
    assert sql.fetchall() == ((b"k1", None), (b"k2", '"k2"'), (b"k3", '"k3"'))
    assert await store.get("Keyed", "k2") == {"v": 2}
    assert await store.get("Keyed", "k3") == {"id": "other", "v": 3}
    page = await store.find("Keyed", Query(orders=[Order("id", descending=True)]))
    assert [d["v"] for d in page.items] == [3, 2, 1]


@pytest.mark.asyncio
async def test_reserved_keys_are_refused(store: MySQLDataStore) -> None:
    for key in ("_extra", "_id"):
        with pytest.raises(InvalidArgument):
            await store.create("Keyed", "r1", {"id": "r1", key: "x"})


# ----------------------------------------------------------------------------- an existing PipeCD database
PIPECD_STYLE_APPLICATION = """
CREATE TABLE Application (
  Id BINARY(16) PRIMARY KEY,
  Data JSON NOT NULL,
  ProjectId VARCHAR(50) GENERATED ALWAYS AS (JSON_UNQUOTE(JSON_EXTRACT(Data, '$.project_id'))) STORED,
  Disabled BOOL GENERATED ALWAYS AS (IF(JSON_UNQUOTE(JSON_EXTRACT(Data, '$.disabled')) = 'true', TRUE, FALSE)) STORED,
  Extra VARCHAR(100) GENERATED ALWAYS AS (JSON_UNQUOTE(JSON_EXTRACT(Data, '$._extra'))) STORED,
  CreatedAt INT(11) GENERATED ALWAYS AS (JSON_UNQUOTE(JSON_EXTRACT(Data, '$.created_at'))) STORED,
  UpdatedAt INT(11) GENERATED ALWAYS AS (JSON_UNQUOTE(JSON_EXTRACT(Data, '$.updated_at'))) STORED,
  Name VARCHAR(50) GENERATED ALWAYS AS (JSON_UNQUOTE(JSON_EXTRACT(Data, '$.name'))) VIRTUAL,
  Deleted BOOL GENERATED ALWAYS AS (IF(JSON_UNQUOTE(JSON_EXTRACT(Data, '$.deleted')) = 'true', TRUE, FALSE)) VIRTUAL,
  Kind INT GENERATED ALWAYS AS (IFNULL(JSON_UNQUOTE(JSON_EXTRACT(Data, '$.kind')), 0)) VIRTUAL,
  SyncState_Status INT GENERATED ALWAYS AS (IFNULL(JSON_UNQUOTE(JSON_EXTRACT(Data, '$.sync_state.status')), 0)) VIRTUAL,
  PipedId VARCHAR(36) GENERATED ALWAYS AS (JSON_UNQUOTE(JSON_EXTRACT(Data, '$.piped_id'))) VIRTUAL,
  INDEX application_disabled_updated_at_desc (Disabled, UpdatedAt DESC),
  INDEX application_name_updated_at_desc (Name, UpdatedAt DESC),
  INDEX application_deleted_created_at_asc (Deleted, CreatedAt),
  INDEX application_piped_id (PipedId),
  INDEX renamed_by_an_operator (ProjectId, UpdatedAt DESC)
) ENGINE=InnoDB
"""


@pytest.mark.asyncio
async def test_a_database_pipecd_made_is_completed_without_duplicates(tmp_path: Path) -> None:
    db = create_database("pcp_pipecd")
    try:
        with raw_connect(db) as conn:
            cur = conn.cursor()
            cur.execute(PIPECD_STYLE_APPLICATION)
            app_id = uid()
            pipecd_insert(cur, "Application", app_id, {"id": app_id, "name": "legacy", "project_id": "p",
                                                       "piped_id": "x", "created_at": 1, "updated_at": 2,
                                                       "_extra": "legacy"})
        ds = MySQLDataStore.from_config({"url": TEST_URL, "database": db}, driver_context("datastore", tmp_path))
        await ds.open()
        try:
            assert (await ds.get("Application", app_id))["name"] == "legacy"
            page = await ds.find("Application", Query([Filter("project_id", Op.EQ, "p")], [Order("id")]))
            assert [d["id"] for d in page.items] == [app_id]
        finally:
            await ds.close()
            ds._runner.shutdown()
        with raw_connect(db) as conn:
            cur = conn.cursor()
            got = shapes(cur, "Application")
            assert "application_piped_id" not in got and "application_deleted_created_at_asc" not in got
            assert got["renamed_by_an_operator"] == shape("ProjectId -UpdatedAt")
            assert "application_project_id_updated_at_desc" not in got, "same columns under another name: kept"
            assert list(got.values()).count(shape("ProjectId -UpdatedAt")) == 1
            assert shape("PipedId -UpdatedAt") in got.values() and shape("DocId") in got.values()
            cur.execute("SELECT DocId, Deleted FROM Application")
            assert cur.fetchall() == ((app_id.encode(), 0),), "PipeCD's rows gain DocId; its columns stay"
            cur.execute("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()")
            assert cur.fetchone() == (len(TABLES),)
    finally:
        drop_database(db)


@pytest.mark.asyncio
async def test_uuid_keys_that_share_a_row_id_are_one_row(store: MySQLDataStore) -> None:
    key = uid()
    await store.create("Keyed", key, {"id": key})
    with pytest.raises(AlreadyExists):
        await store.create("Keyed", key.upper(), {"id": key.upper()})
    with pytest.raises(NotFound):
        await store.get("Keyed", key.upper())
    with pytest.raises(NotFound):
        await store.delete("Keyed", "{" + key + "}")
    assert await store.get("Keyed", key) == {"id": key}
