"""`memfs`: a file store that keeps objects in a dict (one process; lost on restart)."""
from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from pipecd_cp.errors import ConfigError, NotFound, ResourceExhausted
from pipecd_cp.filestore.base import BytesReader, FileStore, ObjectAttrs, ObjectReader, check_path, check_prefix


class MemoryFileStore(FileStore):
    """Objects in memory, bounded by `maxBytes` (default 1 GiB)."""

    name = "memfs"

    def __init__(self, max_bytes: int = 1 << 30) -> None:
        self.max_bytes = max_bytes
        self.objects: dict[str, tuple[bytes, int]] = {}

    @classmethod
    def from_config(cls, config: Mapping[str, Any], context: Any) -> "MemoryFileStore":
        max_bytes = config.get("maxBytes", 1 << 30)
        if not isinstance(max_bytes, int) or max_bytes < 1:
            raise ConfigError("must be a positive integer", field="maxBytes")
        return cls(max_bytes)

    @property
    def used_bytes(self) -> int:
        return sum(len(d) for d, _ in self.objects.values())

    async def get(self, path: str) -> bytes:
        try:
            return self.objects[check_path(path)][0]
        except KeyError:
            raise NotFound(f"object {path!r} not found") from None

    async def open_reader(self, path: str) -> ObjectReader:
        return BytesReader(await self.get(path))

    async def put(self, path: str, data: bytes) -> None:
        check_path(path)
        old = len(self.objects.get(path, (b"", 0))[0])
        if self.used_bytes - old + len(data) > self.max_bytes:
            raise ResourceExhausted(f"memfs is full ({self.max_bytes} bytes)")
        self.objects[path] = (bytes(data), int(time.time()))

    async def delete(self, path: str) -> None:
        self.objects.pop(check_path(path), None)

    async def list(self, prefix: str = "") -> list[ObjectAttrs]:
        check_prefix(prefix)
        return [ObjectAttrs(p, len(d), t) for p, (d, t) in sorted(self.objects.items()) if p.startswith(prefix)]
