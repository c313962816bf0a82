"""The built-in local file store passes the shared conformance suite, plus local specifics."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import pytest_asyncio

from pipecd_cp.errors import InvalidArgument
from pipecd_cp.filestore.local import TMP_DIR, LocalFileStore
from pipecd_cp.testing import FileStoreConformance, driver_context


@pytest_asyncio.fixture
async def local_store(tmp_path: Path):
    store = LocalFileStore.from_config({"root": str(tmp_path / "files")}, driver_context("filestore", tmp_path))
    await store.open()
    yield store
    await store.close()


class TestLocalConformance(FileStoreConformance):
    @pytest_asyncio.fixture
    async def filestore(self, local_store):
        yield local_store


async def test_objects_are_files_and_temp_files_are_hidden(local_store: LocalFileStore) -> None:
    await local_store.put("log/d/s/0.txt", b"hello")
    assert (local_store.root / "log/d/s/0.txt").read_bytes() == b"hello"
    (local_store.root / TMP_DIR / "leftover.tmp").write_bytes(b"partial")
    assert [a.path for a in await local_store.list("")] == ["log/d/s/0.txt"]
    assert os.listdir(local_store.root / TMP_DIR) == ["leftover.tmp"]


async def test_reserved_and_conflicting_paths(local_store: LocalFileStore) -> None:
    with pytest.raises(InvalidArgument):
        await local_store.put(f"{TMP_DIR}/x", b"1")
    await local_store.put("a/b", b"1")
    with pytest.raises(InvalidArgument, match="conflicts"):
        await local_store.put("a/b/c", b"2")
    with pytest.raises(InvalidArgument, match="conflicts"):
        await local_store.put("a", b"3")
    assert await local_store.get("a/b") == b"1"


async def test_delete_prunes_empty_folders(local_store: LocalFileStore) -> None:
    await local_store.put("x/y/z.json", b"1")
    await local_store.delete("x/y/z.json")
    assert not (local_store.root / "x").exists()
