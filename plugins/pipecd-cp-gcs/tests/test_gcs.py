"""What the gcs driver does on a GCS server (fake-gcs-server), checked with Google's own client."""
from __future__ import annotations

import asyncio
import os
import secrets
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from google.api_core import exceptions as gexc

import pipecd_cp_gcs.store as gcs_store
from pipecd_cp.errors import (FailedPrecondition, InvalidArgument, NotFound, PermissionDenied, ResourceExhausted,
                              Unauthenticated, Unavailable)
from pipecd_cp.testing import driver_context
from pipecd_cp_gcs.errors import translate
from pipecd_cp_gcs.store import EMULATOR_ENV, GCSFileStore


@pytest.fixture
def root() -> str:
    return f"t-{secrets.token_hex(4)}"


async def test_objects_are_stored_under_their_path_as_pipecd_names_them(store: GCSFileStore, raw: Any,
                                                                       bucket: str, root: str) -> None:
    path = f"{root}/log/dep-1/stage-1/0.txt"
    await store.put(path, b'{"index":1,"log":"hello"}\n')
    blob = raw.bucket(bucket).get_blob(path)
    assert blob is not None and blob.name == path
    assert blob.download_as_bytes() == b'{"index":1,"log":"hello"}\n'
    assert blob.content_type == "text/plain"
    await store.put(f"{root}/application-live-state/app-1.json", b"{}")
    assert raw.bucket(bucket).get_blob(f"{root}/application-live-state/app-1.json").content_type == "application/json"


async def test_objects_written_by_pipecd_are_read_back(store: GCSFileStore, raw: Any, bucket: str, root: str) -> None:
    path = f"{root}/command-output/cmd-1.json"
    raw.bucket(bucket).blob(path).upload_from_string(b'{"results":[]}', content_type="application/octet-stream")
    assert await store.get(path) == b'{"results":[]}'
    async with await store.open_reader(path) as reader:
        assert reader.size == 14
        assert b"".join([chunk async for chunk in reader]) == b'{"results":[]}'


async def test_list_reports_size_and_update_time_in_unix_seconds(store: GCSFileStore, raw: Any, bucket: str,
                                                                  root: str) -> None:
    await store.put(f"{root}/insights/p1/applications/applications.json", b"12345")
    [attrs] = await store.list(f"{root}/insights/")
    blob = raw.bucket(bucket).get_blob(f"{root}/insights/p1/applications/applications.json")
    assert attrs.size == 5
    assert attrs.updated_at == int(blob.updated.timestamp())
    assert abs(attrs.updated_at - time.time()) < 60


async def test_list_pages_through_more_than_a_thousand_objects(store: GCSFileStore, root: str) -> None:
    sem = asyncio.Semaphore(16)

    async def put(i: int) -> None:
        async with sem:
            await store.put(f"{root}/many/{i:05d}", b"x")
    await asyncio.gather(*(put(i) for i in range(1105)))
    listed = await store.list(f"{root}/many/")
    assert [a.path for a in listed] == [f"{root}/many/{i:05d}" for i in range(1105)]


async def test_a_reader_never_mixes_two_versions_of_an_object(store: GCSFileStore, root: str) -> None:
    path = f"{root}/big.bin"
    old, new = b"o" * (20 << 20), b"n" * (20 << 20)
    await store.put(path, old)
    reader = await store.open_reader(path)
    got = await reader.read()
    await store.put(path, new)
    try:
        while chunk := await reader.read():
            got += chunk
    except NotFound:
        pass  # the version being read is gone: an error, never the new bytes
    finally:
        await reader.close()
    assert got == old[:len(got)]


async def test_put_refuses_data_that_is_not_bytes(store: GCSFileStore, root: str) -> None:
    with pytest.raises(InvalidArgument):
        await store.put(f"{root}/x.json", "text")  # type: ignore[arg-type]


async def test_open_fails_when_the_bucket_does_not_exist(emulator: str, tmp_path: Path) -> None:
    fs = GCSFileStore.from_config({"bucket": f"missing-{secrets.token_hex(4)}"}, driver_context("filestore", tmp_path))
    with pytest.raises(NotFound, match="bucket"):
        await fs.open()


async def test_open_fails_unavailable_when_the_server_is_unreachable(emulator: str, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(EMULATOR_ENV, "http://127.0.0.1:1")
    monkeypatch.setattr(gcs_store, "OPEN_TIMEOUT", 1.0)
    fs = GCSFileStore.from_config({"bucket": "any-bucket"}, driver_context("filestore", tmp_path))
    with pytest.raises(Unavailable):
        await fs.open()


@pytest.mark.parametrize("native, ours", [
    (gexc.NotFound("x"), NotFound), (gexc.Forbidden("x"), PermissionDenied), (gexc.Unauthorized("x"), Unauthenticated),
    (gexc.TooManyRequests("x"), ResourceExhausted), (gexc.PreconditionFailed("x"), FailedPrecondition),
    (gexc.BadRequest("x"), InvalidArgument), (gexc.ServiceUnavailable("x"), Unavailable),
    (gexc.InternalServerError("x"), Unavailable), (requests.ConnectionError("refused"), Unavailable),
])
def test_native_errors_become_pipecd_cp_errors(native: Exception, ours: type) -> None:
    err = translate(native, "object 'a'")
    assert type(err) is ours and "object 'a'" in str(err)


def test_credentials_never_appear_in_errors_or_config_repr(tmp_path: Path) -> None:
    key = tmp_path / "sa.json"
    key.write_text('{"private_key": "SECRET-KEY-MATERIAL"}')
    fs = GCSFileStore.from_config({"bucket": "b-1", "credentialsFile": str(key)}, driver_context("filestore", tmp_path))
    assert "SECRET" not in repr(fs.config)
    assert os.fspath(key) in repr(fs.config)
