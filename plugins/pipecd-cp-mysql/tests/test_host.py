"""pipecd-cp itself on the mysql datastore: selected by `type: MYSQL`, declared by the typed stores."""
from __future__ import annotations

import uuid
from pathlib import Path

import pymysql
import pytest

from pipecd_cp.app import Host, HostSettings
from pipecd_cp.config.controlplane import parse_config
from pipecd_cp.datastore.base import Filter, Op, Order
from pipecd_cp.plugins import build_plugin_manager
from pipecd_cp.proto.model import application_pb2, common_pb2
from pipecd_cp.stores.model import Owner
from pipecd_cp_mysql import MySQLDataStore
from tests.conftest import TEST_URL
from tests.test_pipecd_layout import pipecd_row_id

NOW = 1_800_000_000


@pytest.mark.asyncio
async def test_the_host_runs_its_stores_on_pipecds_tables(database: str, tmp_path: Path,
                                                          sql: pymysql.cursors.Cursor) -> None:
    config = parse_config(f"""
apiVersion: pipecd.dev/v1beta1
kind: ControlPlane
spec:
  datastore:
    type: MYSQL
    config:
      url: "{TEST_URL}"
      database: {database}
""")
    host = Host(config, HostSettings(data_dir=tmp_path, clock=lambda: NOW), build_plugin_manager(env={}))
    await host.start()
    try:
        assert isinstance(host.datastore, MySQLDataStore)
        apps = host.stores.applications
        ids = sorted(str(uuid.uuid4()) for _ in range(3))
        for i, piped in enumerate(["p1", "p1", "p2"]):
            await apps.add(application_pb2.Application(
                id=ids[i], name=f"app{i}", piped_id=piped, project_id="hostproj",
                git_path=common_pb2.ApplicationGitPath(repo=common_pb2.ApplicationGitRepository(id="r"), path="apps/x")))
        app0 = ids[0]
        await apps.soft_delete(app0, Owner("hostproj", "p1"))
        found = await apps.find([Filter("project_id", Op.EQ, "hostproj"), Filter("deleted", Op.EQ, False)],
                                [Order("updated_at", descending=True), Order("id")])
        assert [a.id for a in found.items] == ids[1:], "same updated_at: ordered by id"
        sql.execute("SELECT ProjectId, Disabled, Name, PipedId, Extra, CreatedAt, UpdatedAt, F_deleted "
                    "FROM Application WHERE Id = %s", (pipecd_row_id(app0),))
        assert sql.fetchone() == ("hostproj", 1, "app0", "p1", "app0", NOW, NOW, 1)
    finally:
        await host.close()
