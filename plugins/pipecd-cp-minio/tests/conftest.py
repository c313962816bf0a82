"""Fixtures: moto_server on 127.0.0.1:9100 (started by ../ci/up), a fresh bucket per session, key
files as PipeCD reads them, and a private TLS moto_server for the https:// test."""
from __future__ import annotations

import secrets
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from minio import Minio
from tls import write_certificates

from pipecd_cp.testing import driver_context
from pipecd_cp_minio import MinIOFileStore

PLUGIN = Path(__file__).resolve().parent.parent
HOST_PORT = "127.0.0.1:9100"
ENDPOINT = f"http://{HOST_PORT}"
ACCESS_KEY, SECRET_KEY = "pipecd-access-key", "pipecd-secret-key"


def free_port() -> int:
    """A local port where nothing listens (for "the server is down" tests)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raw_client(endpoint: str = HOST_PORT, **kwargs: Any) -> Minio:
    return Minio(endpoint, access_key=ACCESS_KEY, secret_key=SECRET_KEY, secure=False, **kwargs)


@pytest.fixture(scope="session")
def moto() -> None:
    subprocess.run([str(PLUGIN / "ci" / "up")], check=True, timeout=120)


@pytest.fixture(scope="session")
def bucket(moto: None) -> Iterator[str]:
    """A bucket of this test session's own, emptied and removed at the end."""
    name = f"pipecd-cp-minio-test-{secrets.token_hex(4)}"
    raw = raw_client()
    raw.make_bucket(name)
    try:
        yield name
    finally:
        empty_and_remove(raw, name)


def empty_and_remove(raw: Minio, name: str) -> None:
    from minio.deleteobjects import DeleteObject
    objects = [DeleteObject(o.object_name) for o in raw.list_objects(name, recursive=True)]
    for error in raw.remove_objects(name, objects):
        raise AssertionError(f"could not clean up {error}")
    raw.remove_bucket(name)


@pytest.fixture(scope="session")
def key_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Key files as a Kubernetes secret or `echo` writes them: with a trailing newline."""
    folder = tmp_path_factory.mktemp("minio-keys")
    (folder / "access-key").write_text(ACCESS_KEY + "\n")
    (folder / "secret-key").write_text(SECRET_KEY + "\n")
    return {"accessKeyFile": str(folder / "access-key"), "secretKeyFile": str(folder / "secret-key")}


@pytest.fixture
def config(bucket: str, key_files: dict[str, str]) -> dict[str, Any]:
    """PipeCD's block pointing at the session bucket."""
    return {"endpoint": ENDPOINT, "bucket": bucket, **key_files}


@pytest_asyncio.fixture
async def store_factory(tmp_path: Path) -> AsyncIterator[Any]:
    """`await store_factory(config)`: an opened MinIOFileStore, closed after the test."""
    opened: list[MinIOFileStore] = []

    async def make(config: dict[str, Any]) -> MinIOFileStore:
        store = MinIOFileStore.from_config(config, driver_context("filestore", tmp_path))
        await store.open()
        opened.append(store)
        return store
    yield make
    for store in opened:
        await store.close()


@pytest.fixture(scope="session")
def tls_moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """A moto_server of this session's own serving https:// with a private CA: (port, CA file)."""
    folder = tmp_path_factory.mktemp("tls-moto")
    cert, key, ca = write_certificates(folder)
    port = free_port()
    moto_server = Path(sys.executable).parent / "moto_server"
    with open(folder / "moto.log", "wb") as log:
        proc = subprocess.Popen([str(moto_server), "-H", "127.0.0.1", "-p", str(port), "-c", str(cert), "-k", str(key)],
                                stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"the TLS moto_server did not start; see {folder / 'moto.log'}") from None
                time.sleep(0.1)
        yield port, ca
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
