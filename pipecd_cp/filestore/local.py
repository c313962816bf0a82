"""The built-in `local` file store: objects as files under one folder.

Config (`spec.filestore` with `type: LOCAL`): `config.root`, the folder (default
`{data-dir}/files`). Writes go to a temporary file in `{root}/.pipecd-tmp/`, are flushed to disk
and renamed into place, so a reader or a crash never sees half an object.
"""
from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from pipecd_cp.concurrency import BlockingRunner
from pipecd_cp.errors import ConfigError, InvalidArgument, NotFound
from pipecd_cp.filestore.base import DEFAULT_CHUNK, FileStore, ObjectAttrs, ObjectReader, check_path, check_prefix

if TYPE_CHECKING:
    from pipecd_cp.drivers import DriverContext

TMP_DIR = ".pipecd-tmp"
_MISSING = (FileNotFoundError, IsADirectoryError, NotADirectoryError)


class _FileReader(ObjectReader):
    def __init__(self, fh: BinaryIO, size: int, runner: BlockingRunner) -> None:
        self._fh, self.size, self._runner = fh, size, runner

    async def read(self, n: int = DEFAULT_CHUNK) -> bytes:
        return await self._runner.run(self._fh.read, n)

    async def close(self) -> None:
        await self._runner.run(self._fh.close)


class LocalFileStore(FileStore):
    """Objects under a local folder; see the module docstring."""

    name = "local"

    def __init__(self, root: Path, runner: BlockingRunner) -> None:
        self.root = root
        self._runner = runner

    @classmethod
    def from_config(cls, config: Mapping[str, Any], context: "DriverContext") -> "LocalFileStore":
        raw = config.get("root")
        if raw is None:
            return cls(context.data_dir / "files", context.runner)
        if not isinstance(raw, str) or not raw:
            raise ConfigError("must be a non-empty folder path", field="root")
        return cls(Path(raw).expanduser(), context.runner)

    async def open(self) -> None:
        await self._runner.run(self._open_sync)

    def _open_sync(self) -> None:
        (self.root / TMP_DIR).mkdir(parents=True, exist_ok=True)

    def _file(self, path: str) -> Path:
        check_path(path)
        if path.split("/", 1)[0] == TMP_DIR:
            raise InvalidArgument(f"paths under {TMP_DIR}/ are reserved", field="path")
        return self.root / path

    async def get(self, path: str) -> bytes:
        return await self._runner.run(self._get_sync, self._file(path), path)

    def _get_sync(self, file: Path, path: str) -> bytes:
        try:
            return file.read_bytes()
        except _MISSING as exc:
            raise NotFound(f"object {path!r} not found") from exc

    async def open_reader(self, path: str) -> ObjectReader:
        file = self._file(path)

        def _open() -> tuple[BinaryIO, int]:
            try:
                fh = open(file, "rb")  # noqa: SIM115 - closed by the reader
            except _MISSING as exc:
                raise NotFound(f"object {path!r} not found") from exc
            return fh, os.fstat(fh.fileno()).st_size
        fh, size = await self._runner.run(_open)
        return _FileReader(fh, size, self._runner)

    async def put(self, path: str, data: bytes) -> None:
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise InvalidArgument("object data must be bytes", field="data")
        await self._runner.run(self._put_sync, self._file(path), path, bytes(data))

    def _put_sync(self, file: Path, path: str, data: bytes) -> None:
        tmp = self.root / TMP_DIR / f"{secrets.token_hex(8)}.tmp"
        tmp.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            for attempt in range(3):  # a concurrent delete may prune the parent folder in between
                try:
                    file.parent.mkdir(parents=True, exist_ok=True)
                    if file.is_dir():
                        raise IsADirectoryError(errno.EISDIR, "is a directory")
                    os.replace(tmp, file)
                    return
                except FileNotFoundError:
                    if attempt == 2:
                        raise
        except (NotADirectoryError, FileExistsError, IsADirectoryError) as exc:
            raise InvalidArgument(f"object path {path!r} conflicts with an existing object or folder",
                                  field="path") from exc
        except OSError as exc:
            if exc.errno == errno.ENAMETOOLONG:
                raise InvalidArgument(f"object path {path!r} has a segment too long for this file system",
                                      field="path") from exc
            raise
        finally:
            tmp.unlink(missing_ok=True)

    async def delete(self, path: str) -> None:
        await self._runner.run(self._delete_sync, self._file(path))

    def _delete_sync(self, file: Path) -> None:
        try:
            file.unlink()
        except _MISSING:
            return
        parent = file.parent
        while parent != self.root:  # prune empty folders so listings stay cheap
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent

    async def list(self, prefix: str = "") -> list[ObjectAttrs]:
        return await self._runner.run(self._list_sync, check_prefix(prefix))

    def _list_sync(self, prefix: str) -> list[ObjectAttrs]:
        head, _, _ = prefix.rpartition("/")
        base = self.root / head if head else self.root
        out: list[ObjectAttrs] = []
        if not base.is_dir():
            return out
        for dirpath, dirnames, filenames in os.walk(base):
            rel_dir = os.path.relpath(dirpath, self.root)
            rel_dir = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
            if not rel_dir:
                dirnames[:] = [d for d in dirnames if d != TMP_DIR]
            dirnames[:] = [d for d in dirnames if (rel_dir + d + "/").startswith(prefix) or prefix.startswith(rel_dir + d + "/")]
            for name in filenames:
                rel = rel_dir + name
                if rel.startswith(prefix):
                    try:
                        st = os.stat(os.path.join(dirpath, name))
                    except FileNotFoundError:
                        continue
                    out.append(ObjectAttrs(rel, st.st_size, int(st.st_mtime)))
        out.sort(key=lambda a: a.path)
        return out
