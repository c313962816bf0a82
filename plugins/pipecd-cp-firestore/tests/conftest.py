"""Fixtures: the Firestore emulator (started by ci/up when needed), a driver, a raw client.

Tests that need the emulator use the `emulator` fixture. Where the machine has no emulator jar
(or no java), those tests skip and say so; nothing else skips.
"""
from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from pipecd_cp.testing import driver_context
from pipecd_cp_firestore.store import EMULATOR_ENV, FirestoreDataStore

HOST, PORT = "127.0.0.1", 9120
PROJECT = "pipecd-cp-test"
CI_UP = Path(__file__).resolve().parent.parent / "ci" / "up"
DEFAULT_JAR = "/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar"


def _listening() -> bool:
    try:
        with socket.create_connection((HOST, PORT), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def emulator() -> Iterator[str]:
    """The emulator's address, with FIRESTORE_EMULATOR_HOST pointing at it for the session."""
    if not _listening():
        jar = os.environ.get("FIRESTORE_EMULATOR_JAR", DEFAULT_JAR)
        if not Path(jar).is_file():
            pytest.skip(f"the Firestore emulator jar is not on this machine ({jar}); "
                        "install google-cloud-cli-firestore-emulator to run the Firestore tests")
        if shutil.which("java") is None:
            pytest.skip("java is not on this machine; the Firestore emulator needs a JRE 11+")
        done = subprocess.run([str(CI_UP)], capture_output=True, text=True, timeout=120)
        if done.returncode != 0 or not _listening():
            pytest.fail(f"ci/up could not start the Firestore emulator:\n{done.stdout}{done.stderr}")
    address = f"{HOST}:{PORT}"
    old = os.environ.get(EMULATOR_ENV)
    os.environ[EMULATOR_ENV] = address
    yield address
    if old is None:
        os.environ.pop(EMULATOR_ENV, None)
    else:
        os.environ[EMULATOR_ENV] = old


@pytest.fixture
def environment() -> str:
    """A fresh `environment` document per test, so tests never see each other's data."""
    return f"test-{secrets.token_hex(4)}"


@pytest_asyncio.fixture
async def store(emulator: str, environment: str, tmp_path: Path) -> AsyncIterator[FirestoreDataStore]:
    ctx = driver_context("datastore", tmp_path)
    ds = FirestoreDataStore.from_config({"environment": environment, "project": PROJECT,
                                         "collectionNamePrefix": "cp_"}, ctx)
    await ds.open()
    yield ds
    await ds.close()
    ctx.runner.shutdown(wait=False)


@pytest.fixture
def raw(emulator: str) -> Iterator[Any]:
    """Google's own client on the same emulator, to look at what the driver wrote."""
    from google.cloud import firestore
    client = firestore.Client(project=PROJECT)
    yield client
    client.close()
