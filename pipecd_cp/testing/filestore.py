"""The file store conformance suite (see `pipecd_cp.filestore.base` for the contract)."""
from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
import time

import pytest

from pipecd_cp.errors import InvalidArgument, NotFound
from pipecd_cp.filestore.base import FileStore

pytestmark = pytest.mark.asyncio


class FileStoreConformance:
    """Subclass and provide an async fixture `filestore` yielding an opened driver."""

    @pytest.fixture
    def root(self) -> str:
        """A fresh prefix per test, so a shared bucket needs no clean-up."""
        return f"conf-{secrets.token_hex(4)}"

    @pytest.mark.asyncio
    async def test_missing_objects_are_not_found(self, filestore: FileStore, root: str) -> None:
        with pytest.raises(NotFound):
            await filestore.get(f"{root}/missing.json")
        with pytest.raises(NotFound):
            await filestore.open_reader(f"{root}/missing.json")

    @pytest.mark.asyncio
    async def test_put_get_and_overwrite(self, filestore: FileStore, root: str) -> None:
        path = f"{root}/log/dep/stage/0.txt"
        await filestore.put(path, b'{"index":1}\n')
        assert await filestore.get(path) == b'{"index":1}\n'
        await filestore.put(path, b"replaced")
        assert await filestore.get(path) == b"replaced"
        await filestore.put(f"{root}/empty", b"")
        assert await filestore.get(f"{root}/empty") == b""

    @pytest.mark.asyncio
    async def test_binary_unicode_and_nested_paths(self, filestore: FileStore, root: str) -> None:
        blob = bytes(range(256)) * 4
        paths = [f"{root}/application-shared-objects/app-1/plugin-ü/鍵 key.json",
                 f"{root}/a/b/c/d/e/f/g/h/deep.bin", f"{root}/with space/and+plus=eq.json"]
        for p in paths:
            await filestore.put(p, blob + p.encode())
        for p in paths:
            assert await filestore.get(p) == blob + p.encode()

    @pytest.mark.asyncio
    async def test_a_50_mb_object_round_trips_and_streams(self, filestore: FileStore, root: str) -> None:
        data = os.urandom(1 << 20) * 50
        path = f"{root}/big/object.bin"
        await filestore.put(path, data)
        got = await filestore.get(path)
        assert len(got) == len(data) and hashlib.sha256(got).digest() == hashlib.sha256(data).digest()
        h, n = hashlib.sha256(), 0
        async with await filestore.open_reader(path) as reader:
            async for chunk in reader:
                assert len(chunk) <= 8 << 20
                h.update(chunk)
                n += len(chunk)
        assert n == len(data) and h.digest() == hashlib.sha256(data).digest()

    @pytest.mark.asyncio
    async def test_read_in_small_pieces(self, filestore: FileStore, root: str) -> None:
        await filestore.put(f"{root}/r.txt", b"0123456789")
        reader = await filestore.open_reader(f"{root}/r.txt")
        try:
            assert await reader.read(4) == b"0123"
            assert await reader.read(4) == b"4567"
            assert await reader.read(4) == b"89"
            assert await reader.read(4) == b""
        finally:
            await reader.close()

    @pytest.mark.asyncio
    async def test_list_by_prefix(self, filestore: FileStore, root: str) -> None:
        before = int(time.time()) - 5
        objects = {f"{root}/log/d1/s1/0.txt": b"a", f"{root}/log/d1/s2/0.txt": b"bb",
                   f"{root}/log/d10/s1/0.txt": b"ccc", f"{root}/command-output/c1.json": b"{}"}
        for p, d in objects.items():
            await filestore.put(p, d)
        listed = await filestore.list(f"{root}/log/d1/")
        assert [a.path for a in listed] == [f"{root}/log/d1/s1/0.txt", f"{root}/log/d1/s2/0.txt"]
        assert [a.size for a in listed] == [1, 2]
        assert all(before <= a.updated_at <= int(time.time()) + 5 for a in listed)
        assert [a.path for a in await filestore.list(f"{root}/log/d1")] == [
            f"{root}/log/d1/s1/0.txt", f"{root}/log/d1/s2/0.txt", f"{root}/log/d10/s1/0.txt"]
        assert len(await filestore.list(f"{root}/")) == 4
        assert await filestore.list(f"{root}/nothing/") == []

    @pytest.mark.asyncio
    async def test_delete_is_idempotent(self, filestore: FileStore, root: str) -> None:
        await filestore.put(f"{root}/x/y.json", b"1")
        await filestore.delete(f"{root}/x/y.json")
        with pytest.raises(NotFound):
            await filestore.get(f"{root}/x/y.json")
        await filestore.delete(f"{root}/x/y.json")
        assert await filestore.list(f"{root}/x/") == []

    @pytest.mark.asyncio
    async def test_bad_paths_are_invalid_argument(self, filestore: FileStore, root: str) -> None:
        for bad in ("", "/abs/path", f"{root}/../escape", f"{root}//double", f"{root}/./dot", "nul\x00byte"):
            with pytest.raises(InvalidArgument):
                await filestore.put(bad, b"x")
            with pytest.raises(InvalidArgument):
                await filestore.get(bad)

    @pytest.mark.asyncio
    async def test_concurrent_writers_leave_one_whole_value(self, filestore: FileStore, root: str) -> None:
        path = f"{root}/race.bin"
        values = [bytes([i]) * (256 * 1024) for i in range(8)]
        await asyncio.gather(*(filestore.put(path, v) for v in values))
        assert await filestore.get(path) in values
