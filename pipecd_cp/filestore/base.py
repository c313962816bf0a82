"""The file store driver contract: bytes by path.

Paths are `/`-separated, relative (no leading `/`), with no empty, `.` or `..` segments and no NUL;
any other Unicode is allowed. `list(prefix)` is a plain string-prefix match over every object
below it (no delimiter), as PipeCD's backends list.
"""
from __future__ import annotations

import abc
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from pipecd_cp.errors import InvalidArgument

if TYPE_CHECKING:
    from pipecd_cp.drivers import DriverContext

DEFAULT_CHUNK = 1 << 20
MAX_PATH = 1024


@dataclass(frozen=True, slots=True)
class ObjectAttrs:
    path: str
    size: int
    updated_at: int  # Unix seconds


class ObjectReader(abc.ABC):
    """A streaming read of one object; iterate it or call `read`, then `close` (or use `async with`)."""

    size: int | None = None

    @abc.abstractmethod
    async def read(self, n: int = DEFAULT_CHUNK) -> bytes:
        """Up to `n` bytes; b"" at the end."""

    async def close(self) -> None:
        """Release the underlying stream."""

    async def __aenter__(self) -> "ObjectReader":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._chunks()

    async def _chunks(self) -> AsyncIterator[bytes]:
        while chunk := await self.read():
            yield chunk


class FileStore(abc.ABC):
    """An object store. Implementations must be safe to call concurrently from one loop."""

    #: The word users write in config (`spec.filestore.type`, lower-cased); the entry-point name.
    name: ClassVar[str] = ""

    @classmethod
    @abc.abstractmethod
    def from_config(cls, config: Mapping[str, Any], context: "DriverContext") -> "FileStore":
        """Build a driver from its `spec.filestore.config` block; `ConfigError(field=...)` on bad input."""

    async def open(self) -> None:
        """Connect (and create the bucket or folder where configured to)."""

    async def close(self) -> None:
        """Release connections."""

    @abc.abstractmethod
    async def get(self, path: str) -> bytes:
        """The whole object; `NotFound` when missing."""

    @abc.abstractmethod
    async def open_reader(self, path: str) -> ObjectReader:
        """A streaming reader; `NotFound` (raised here, not on first read) when missing."""

    @abc.abstractmethod
    async def put(self, path: str, data: bytes) -> None:
        """Create or replace the object. Readers see the old or the new bytes, never a mix."""

    @abc.abstractmethod
    async def delete(self, path: str) -> None:
        """Delete the object; deleting a missing object is not an error."""

    @abc.abstractmethod
    async def list(self, prefix: str = "") -> list[ObjectAttrs]:
        """Every object whose path starts with `prefix`, sorted by path."""


def check_path(path: str) -> str:
    """Validate an object path (see the module docstring)."""
    if not isinstance(path, str) or not path:
        raise InvalidArgument("an object path must be a non-empty string", field="path")
    _check_segments(path)
    return path


def check_prefix(prefix: str) -> str:
    """Validate a list prefix: like a path, but may be empty or end with `/`."""
    if not isinstance(prefix, str):
        raise InvalidArgument("a prefix must be a string", field="prefix")
    if prefix:
        _check_segments(prefix[:-1] if prefix.endswith("/") else prefix, what="prefix")
    return prefix


def _check_segments(path: str, what: str = "path") -> None:
    if len(path.encode()) > MAX_PATH:
        raise InvalidArgument(f"an object {what} may be at most {MAX_PATH} bytes", field=what)
    if "\x00" in path or path.startswith("/") or "\\" in path:
        raise InvalidArgument(f"bad object {what} {path!r}", field=what)
    for seg in path.split("/"):
        if seg in ("", ".", ".."):
            raise InvalidArgument(f"bad object {what} {path!r}: empty, '.' or '..' segment", field=what)


class BytesReader(ObjectReader):
    """An ObjectReader over bytes already in memory."""

    def __init__(self, data: bytes) -> None:
        self._data, self._pos = data, 0
        self.size = len(data)

    async def read(self, n: int = DEFAULT_CHUNK) -> bytes:
        chunk = self._data[self._pos:self._pos + n]
        self._pos += len(chunk)
        return chunk
