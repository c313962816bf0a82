"""Fixtures for the ops tests: hosts on a controllable clock, on each backend.

Backends: `embedded` (SQLite + local files + memory cache: leases in the datastore) and
`mysql-redis` (the MySQL datastore on MariaDB at 127.0.0.1:3306 and the Redis cache on
127.0.0.1:6379, database `PIPECD_CP_OPS_TEST_REDIS_DB` (default 11): cache leases). The second
needs the `pipecd-cp-mysql` and `pipecd-cp-redis` plugins installed; when they are not, its
tests fail (they are never skipped silently).
"""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from pipecd_cp.app import Host, HostSettings
from pipecd_cp.config.controlplane import parse_config
from pipecd_cp.ops.clock import ManualClock
from pipecd_cp.ops.registry import ScheduledTask, resolve
from pipecd_cp.ops.scheduler import Scheduler
from pipecd_cp.plugins import build_plugin_manager
from tests.conftest import REPO

MYSQL_URL = os.environ.get("PIPECD_CP_MYSQL_TEST_URL", "root@tcp(127.0.0.1:3306)")
REDIS_ADDRESS = os.environ.get("PIPECD_CP_OPS_TEST_REDIS", "127.0.0.1:6379")
REDIS_DB = int(os.environ.get("PIPECD_CP_OPS_TEST_REDIS_DB", "11"))
HEAD = "apiVersion: pipecd.dev/v1beta1\nkind: ControlPlane\nspec:\n"


def _indent(text: str) -> str:
    return "".join(f"  {line}\n" for line in text.splitlines())


@dataclass
class Backend:
    name: str
    #: `spec:` lines for the backends (empty: the embedded defaults).
    spec: str = ""
    database: str | None = None

    def config_text(self, extra: str = "") -> str:
        return HEAD + _indent(self.spec + extra) if (self.spec or extra) else HEAD + "  {}\n"

    def reset(self) -> None:
        """Empty the shared servers' data between tests."""
        if self.database:
            conn = _mysql()
            try:
                cur = conn.cursor()
                cur.execute("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s", (self.database,))
                for (table,) in cur.fetchall():
                    cur.execute(f"DELETE FROM `{self.database}`.`{table}`")
            finally:
                conn.close()
        if "REDIS" in self.spec:
            import redis
            host, port = REDIS_ADDRESS.rsplit(":", 1)
            client = redis.Redis(host=host, port=int(port), db=REDIS_DB)
            client.flushdb()
            client.close()


def _mysql() -> Any:
    import pymysql
    user_host = MYSQL_URL.split("@tcp(")
    user = user_host[0].split(":")[0] if len(user_host) == 2 else "root"
    password = user_host[0].split(":", 1)[1] if len(user_host) == 2 and ":" in user_host[0] else ""
    addr = user_host[-1].rstrip(")")
    host, port = addr.rsplit(":", 1)
    return pymysql.connect(host=host, port=int(port), user=user, password=password, autocommit=True)


@pytest.fixture(scope="session")
def mysql_redis_backend() -> Iterator[Backend]:
    """MariaDB + Redis: a fresh database for the session (dropped at the end)."""
    try:
        import pipecd_cp_mysql  # noqa: F401
        import pipecd_cp_redis  # noqa: F401
    except ImportError as exc:
        pytest.fail(f"the mysql-redis backend needs pipecd-cp-mysql and pipecd-cp-redis installed: {exc}")
    name = f"pcp_ops_{secrets.token_hex(4)}"
    conn = _mysql()
    conn.cursor().execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    conn.close()
    spec = (f'datastore: {{type: MYSQL, config: {{url: "{MYSQL_URL}", database: {name}}}}}\n'
            f'cache: {{type: REDIS, config: {{address: "{REDIS_ADDRESS}", db: {REDIS_DB}}}}}\n')
    try:
        yield Backend("mysql-redis", spec, name)
    finally:
        conn = _mysql()
        conn.cursor().execute(f"DROP DATABASE IF EXISTS `{name}`")
        conn.close()


@pytest.fixture(params=["embedded", "mysql-redis"])
def backend(request: pytest.FixtureRequest) -> Backend:
    b = Backend("embedded") if request.param == "embedded" else request.getfixturevalue("mysql_redis_backend")
    b.reset()
    return b


@pytest.fixture
def clock() -> ManualClock:
    """A manual clock starting at a round minute near the real time (local files carry real mtimes)."""
    return ManualClock(float(int(time.time()) // 60 * 60))


@pytest_asyncio.fixture
async def make_host(tmp_path: Path, clock: ManualClock) -> AsyncIterator[Callable[..., Any]]:
    """`await make_host(backend, extra_spec="", name="a", data_dir=None, extra_plugins=())`: started hosts,
    closed at the end. Hosts of one test share the data folder (so the embedded SQLite file and
    local files are shared, as replicas share a datastore)."""
    hosts: list[Host] = []

    async def make(backend: Backend, extra_spec: str = "", *, data_dir: Path | None = None,
                   extra_plugins: tuple[Any, ...] = ()) -> Host:
        config = parse_config(backend.config_text(extra_spec), str(tmp_path / "cp.yaml"))
        settings = HostSettings(data_dir=data_dir or tmp_path / "data", encryption_key=b"k" * 32,
                                clock=clock.time, component="ops")
        host = Host(config, settings, build_plugin_manager(env={}, extra=extra_plugins))
        await host.start()
        hosts.append(host)
        return host
    yield make
    for host in reversed(hosts):
        await host.close()


def only(host: Host, *names: str, **overrides: Any) -> list[ScheduledTask]:
    """The named built-in tasks resolved on `host`, with jitter off and any setting overridden."""
    out = []
    for name in names:
        st = resolve(host, name)
        st.jitter = 0.0
        st.enabled = True
        for k, v in overrides.items():
            setattr(st, k, v)
        out.append(st)
    return out


@pytest_asyncio.fixture
async def schedulers(clock: ManualClock) -> AsyncIterator[Callable[..., Any]]:
    """`await schedulers(host, tasks, **kw)`: a started scheduler on the manual clock; stopped at the end."""
    made: list[Scheduler] = []

    async def make(host: Host, tasks: list[ScheduledTask], **kw: Any) -> Scheduler:
        s = Scheduler(host, tasks, clock=clock, **kw)
        await s.prepare()
        s.start()
        made.append(s)
        await s.wait_idle()
        return s
    yield make
    for s in made:
        await s.stop(grace=1.0)


async def settle(*scheds: Scheduler) -> None:
    for s in scheds:
        await s.wait_idle()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`examples/pipecd-cp-example-task` installed as a real distribution (pip --target) in a folder
    to put on PYTHONPATH (no deps: the host is installed)."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(REPO / "examples" / "pipecd-cp-example-task")],
                   check=True, capture_output=True, timeout=300)
    assert list(target.glob("pipecd_cp_example_task-*.dist-info"))
    return target


@pytest.fixture
def procs() -> Iterator[Callable[..., Any]]:
    """`procs(*args, env=None)`: a ready `pipecd-cp ops` subprocess (killed at the end)."""
    from tests.ops.procs import OpsProc
    started: list[OpsProc] = []

    def start(*args: str, env: dict | None = None) -> OpsProc:
        p = OpsProc(*args, env=env)
        started.append(p)
        return p.wait_ready()
    yield start
    for p in started:
        p.kill()
