"""Fixtures: fake-gcs-server (started by ci/up when needed), a test bucket, a driver, a raw client."""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from pipecd_cp.testing import driver_context
from pipecd_cp_gcs.store import EMULATOR_ENV, GCSFileStore

HOST, PORT = "127.0.0.1", 9110
CI_UP = Path(__file__).resolve().parent.parent / "ci" / "up"


def _listening() -> bool:
    try:
        with socket.create_connection((HOST, PORT), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def emulator() -> Iterator[str]:
    """fake-gcs-server's URL, with STORAGE_EMULATOR_HOST pointing at it for the session."""
    if not _listening():
        # ci/up finds the binary through the Python that has this plugin's test extra: this one.
        done = subprocess.run([str(CI_UP)], capture_output=True, text=True, timeout=60,
                              env={**os.environ, "PYTHON": sys.executable})
        if done.returncode != 0 or not _listening():
            pytest.fail(f"ci/up could not start fake-gcs-server:\n{done.stdout}{done.stderr}")
    url = f"http://{HOST}:{PORT}"
    old = os.environ.get(EMULATOR_ENV)
    os.environ[EMULATOR_ENV] = url
    yield url
    if old is None:
        os.environ.pop(EMULATOR_ENV, None)
    else:
        os.environ[EMULATOR_ENV] = old


@pytest.fixture(scope="session")
def raw(emulator: str) -> Iterator[Any]:
    """Google's own client on the same emulator."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage
    client = storage.Client(project="test", credentials=AnonymousCredentials())
    yield client
    client.close()


@pytest.fixture(scope="session")
def bucket(raw: Any) -> str:
    """A bucket for the session (the driver never creates buckets, as PipeCD does not)."""
    name = f"pipecd-cp-test-{secrets.token_hex(4)}"
    raw.create_bucket(name)
    return name


@pytest_asyncio.fixture
async def store(bucket: str, tmp_path: Path) -> AsyncIterator[GCSFileStore]:
    ctx = driver_context("filestore", tmp_path)
    fs = GCSFileStore.from_config({"bucket": bucket}, ctx)
    await fs.open()
    yield fs
    await fs.close()
    ctx.runner.shutdown(wait=False)
