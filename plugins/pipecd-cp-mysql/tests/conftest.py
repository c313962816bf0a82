"""Fixtures: a real MariaDB/MySQL server, one fresh database per test session.

The server is `PIPECD_CP_MYSQL_TEST_URL` (a PipeCD-style url, default `root@tcp(127.0.0.1:3306)`);
`scripts/services up` starts MariaDB there. The database `pcp_test_<random>` is created at the
start of the session and dropped at its end, after making sure the server is running again
(the restart test stops it).
"""
from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pymysql
import pytest
import pytest_asyncio

from pipecd_cp.testing import driver_context
from pipecd_cp_mysql import MySQLDataStore
from pipecd_cp_mysql.dsn import MySQLConfig, parse_config
from tests import server

TEST_URL = os.environ.get("PIPECD_CP_MYSQL_TEST_URL", "root@tcp(127.0.0.1:3306)")


def admin_config() -> MySQLConfig:
    """Connection settings for the test server, without a database."""
    return parse_config({"url": TEST_URL, "database": "mysql"})


def raw_connect(database: str | None = None, **kwargs: Any) -> pymysql.connections.Connection:
    cfg = admin_config()
    return pymysql.connect(host=cfg.host, port=cfg.port, user=cfg.user, password=cfg.password, database=database,
                           charset="utf8mb4", autocommit=True, **kwargs)


def create_database(prefix: str = "pcp_test") -> str:
    name = f"{prefix}_{secrets.token_hex(4)}"
    with raw_connect() as conn:
        conn.cursor().execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    return name


def drop_database(name: str) -> None:
    with raw_connect() as conn:
        conn.cursor().execute(f"DROP DATABASE IF EXISTS `{name}`")


@pytest.fixture(scope="session")
def database() -> Iterator[str]:
    """A fresh database for this session, dropped at the end (with the server started if it is down)."""
    server.ensure_running()
    name = create_database()
    try:
        yield name
    finally:
        server.ensure_running()
        drop_database(name)


@pytest.fixture
def config_block(database: str) -> dict[str, Any]:
    """The `spec.datastore.config` block for the session database."""
    return {"url": TEST_URL, "database": database}


@pytest_asyncio.fixture
async def store(config_block: dict[str, Any], tmp_path: Path) -> AsyncIterator[MySQLDataStore]:
    ds = MySQLDataStore.from_config(config_block, driver_context("datastore", tmp_path))
    await ds.open()
    try:
        yield ds
    finally:
        await ds.close()
        ds._runner.shutdown()


@pytest.fixture
def sql(database: str) -> Iterator[pymysql.cursors.Cursor]:
    """A raw cursor on the session database, as PipeCD (or an operator) would use it."""
    conn = raw_connect(database)
    try:
        yield conn.cursor()
    finally:
        try:
            conn.close()
        except pymysql.err.Error:
            pass  # already closed, or the server restarted under it (the restart test)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # Whatever happened (an interrupted restart test included), leave the server running.
    server.ensure_running()
