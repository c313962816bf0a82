"""Stage logs: PipeCD's cache fragments and log files, made durable.

PipeCD keeps blocks from `ReportStageLogs` only in Redis (5 minutes) until the piped's next
checkpoint, so a cache flush or restart loses them. Here every accepted batch is also written as a
small part object next to the log file; a checkpoint folds the parts into the file and removes
them. Layout, all under PipeCD's `log/` prefix:

    log/{deployment}/{stage}/{retry}.txt                       NDJSON LogBlocks, `EOL` when completed
    log/{deployment}/{stage}/{retry}.txt.parts/{first:012d}-{ns}.ndjson   blocks since the checkpoint

Cache key `piped-stage-log:{deployment}:{stage}:{retry}` holds PipeCD's fragment JSON
`{"Blocks": [...], "Completed": bool}` with the config TTL.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from pipecd_cp.cache.base import Cache
from pipecd_cp.errors import FailedPrecondition, NotFound
from pipecd_cp.filestore.base import FileStore
from pipecd_cp.proto.model import logblock_pb2
from pipecd_cp.stores.documents import from_document, to_document

LogBlock = logblock_pb2.LogBlock
EOL = b"EOL"
COMPLETED_MESSAGE = "could not append the logs because the stage was already completed"


@dataclass
class Fragment:
    blocks: list[LogBlock] = field(default_factory=list)
    completed: bool = False

    def merge(self, blocks: list[LogBlock]) -> list[LogBlock]:
        """Append blocks whose index is new (existing blocks win); return the ones added."""
        seen = {b.index for b in self.blocks}
        added = []
        for b in blocks:
            if b.index not in seen:
                seen.add(b.index)
                added.append(b)
        self.blocks.extend(added)
        return added

    def to_cache(self) -> bytes:
        return json.dumps({"Blocks": [to_document(b) for b in self.blocks], "Completed": self.completed}).encode()

    @classmethod
    def from_cache(cls, raw: bytes) -> "Fragment":
        data = json.loads(raw)
        return cls([from_document(b, LogBlock) for b in data.get("Blocks") or []], bool(data.get("Completed")))


def log_path(deployment_id: str, stage_id: str, retried_count: int) -> str:
    return f"log/{deployment_id}/{stage_id}/{retried_count}.txt"


def _ndjson(blocks: list[LogBlock]) -> bytes:
    return b"".join(json.dumps(to_document(b), separators=(",", ":")).encode() + b"\n" for b in blocks)


def _parse(data: bytes) -> tuple[list[LogBlock], bool]:
    blocks, completed = [], False
    for line in data.splitlines():
        line = line.strip()
        if not line:
            continue
        if line == EOL:
            completed = True
            break
        blocks.append(from_document(json.loads(line), LogBlock))
    return blocks, completed


class StageLogStore:
    def __init__(self, fs: FileStore, cache: Cache, ttl: float) -> None:
        self.fs, self.cache, self.ttl = fs, cache, ttl

    @staticmethod
    def _key(d: str, s: str, r: int) -> str:
        return f"piped-stage-log:{d}:{s}:{r}"

    async def _durable(self, d: str, s: str, r: int) -> tuple[Fragment, list[str], bool]:
        """The file plus its parts: (fragment, part paths read, anything found)."""
        path = log_path(d, s, r)
        frag, found = Fragment(), False
        try:
            blocks, frag.completed = _parse(await self.fs.get(path))
            frag.merge(blocks)
            found = True
        except NotFound:
            pass
        parts = [a.path for a in await self.fs.list(path + ".parts/")]
        for part in parts:
            try:
                blocks, _ = _parse(await self.fs.get(part))
            except NotFound:
                continue  # folded by a concurrent checkpoint; its blocks are in the file now
            frag.merge(blocks)
            found = True
        frag.blocks.sort(key=lambda b: b.index)
        return frag, parts, found

    async def _current(self, d: str, s: str, r: int) -> Fragment:
        raw = await self.cache.get(self._key(d, s, r))
        if raw is not None:
            try:
                return Fragment.from_cache(raw)
            except (ValueError, KeyError):
                pass
        frag, _, _ = await self._durable(d, s, r)
        return frag

    async def append(self, d: str, s: str, r: int, blocks: list[LogBlock]) -> None:
        """ReportStageLogs: add new blocks; `FailedPrecondition` once the stage log is completed."""
        frag = await self._current(d, s, r)
        if frag.completed:
            raise FailedPrecondition(COMPLETED_MESSAGE)
        added = frag.merge(blocks)
        if added:
            name = f"{added[0].index:012d}-{time.time_ns()}.ndjson"
            await self.fs.put(f"{log_path(d, s, r)}.parts/{name}", _ndjson(added))
        await self.cache.put(self._key(d, s, r), frag.to_cache(), self.ttl)

    async def append_from_checkpoint(self, d: str, s: str, r: int, blocks: list[LogBlock], completed: bool) -> None:
        """ReportStageLogsFromLastCheckpoint: rewrite the file with every block, fold the parts in."""
        frag, parts, _ = await self._durable(d, s, r)
        if frag.completed:
            raise FailedPrecondition(COMPLETED_MESSAGE)
        frag.merge(blocks)
        frag.blocks.sort(key=lambda b: b.index)
        frag.completed = completed
        await self.fs.put(log_path(d, s, r), _ndjson(frag.blocks) + (EOL + b"\n" if completed else b""))
        for part in parts:
            await self.fs.delete(part)
        await self.cache.put(self._key(d, s, r), frag.to_cache(), self.ttl)

    async def fetch(self, d: str, s: str, r: int, offset_index: int = 0) -> tuple[list[LogBlock], bool]:
        """Blocks with index >= `offset_index` and whether the log is completed; `NotFound` if none."""
        raw = await self.cache.get(self._key(d, s, r))
        frag = None
        if raw is not None:
            try:
                frag = Fragment.from_cache(raw)
            except (ValueError, KeyError):
                frag = None
        if frag is None or not frag.blocks:
            frag, _, found = await self._durable(d, s, r)
            if not found:
                raise NotFound(f"no logs for stage {s!r} of deployment {d!r}")
            await self.cache.put(self._key(d, s, r), frag.to_cache(), self.ttl)
        return [b for b in frag.blocks if b.index >= offset_index], frag.completed
