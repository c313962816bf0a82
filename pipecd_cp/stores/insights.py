"""Insight files: PipeCD's pre-aggregated application and deployment data in the file store.

The layout is PipeCD's own (`pkg/insight/insightstore`), so PipeCD's console and ours read the
same objects:

    insights/milestone.json                                   {"deployment_completed_at_milestone": T}
    insights/{project}/applications/applications.json         {"applications": [...], "updated_at": T}
    insights/{project}/completed-deployments/block_{YEAR}/block_meta.json
        {"block_id": "block_2026", "chunk_metadata": [{"chunk_id", "chunk_index", "min_timestamp",
                                                         "max_timestamp", "count", "completed"}]}
    insights/{project}/completed-deployments/block_{YEAR}/chunk_{N}.json
        {"chunk_id": "chunk_0", "deployments": [{"id", "app_id", "labels", "started_at",
                                                  "completed_at", "complete_status", "rollback_started_at"}]}

One block per UTC calendar year of `completed_at`; a chunk holds at most `chunk_max_count`
deployments (deduplicated by id) and is marked completed when full. Completed chunks never
change, so they are cached under `insights-chunk/{project}/{block}/{chunk}` for 7 days.

pipecd-cp adds two keys to deployment entries, which PipeCD's reader ignores: `commit_timestamp`
(the triggering commit's time, for lead time) and `failed_since` (on a successful deployment
that ended a failure streak of its application: when the first failed deployment of the streak
completed, for MTTR). They are written only when non-zero.

Writes are ordered so that an interrupted writer leaves nothing a reader trips over: a chunk is
written before the block metadata that counts it, and re-adding the same deployments is a no-op.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from pipecd_cp.cache.base import Cache
from pipecd_cp.errors import InvalidArgument, NotFound
from pipecd_cp.filestore.base import FileStore

MILESTONE_PATH = "insights/milestone.json"
CHUNK_CACHE_TTL = 7 * 24 * 3600.0
DEFAULT_CHUNK_MAX_COUNT = 1000
#: PipeCD's `rangeLimit` for reading completed deployments (2 * 365 days).
MAX_RANGE = 2 * 365 * 24 * 3600


def applications_path(project_id: str) -> str:
    return f"insights/{project_id}/applications/applications.json"


def block_id(year: int) -> str:
    return f"block_{year}"


def chunk_id(index: int) -> str:
    return f"chunk_{index}"


def block_meta_path(project_id: str, block: str) -> str:
    return f"insights/{project_id}/completed-deployments/{block}/block_meta.json"


def chunk_path(project_id: str, block: str, chunk: str) -> str:
    return f"insights/{project_id}/completed-deployments/{block}/{chunk}.json"


def chunk_cache_key(project_id: str, block: str, chunk: str) -> str:
    return f"insights-chunk/{project_id}/{block}/{chunk}"


def utc_year(ts: int) -> int:
    return datetime.fromtimestamp(ts, timezone.utc).year


def _dumps(value: Any) -> bytes:
    # Go's encoding/json output: compact, keys in struct order.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _loads(data: bytes, what: str) -> Any:
    try:
        return json.loads(data)
    except ValueError as exc:
        raise InvalidArgument(f"{what} is not valid JSON: {exc}") from None


def _int(value: Any) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def _labels(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


# ----------------------------------------------------------------------------- records
@dataclass
class ApplicationData:
    """One application in applications.json: kind and status are enum names (`KUBERNETES`, `ENABLED`)."""

    id: str
    kind: str
    status: str
    labels: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "labels": self.labels or None, "kind": self.kind, "status": self.status}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> "ApplicationData":
        return cls(str(raw.get("id") or ""), str(raw.get("kind") or ""), str(raw.get("status") or ""),
                   _labels(raw.get("labels")))


@dataclass
class ProjectApplications:
    """applications.json of one project."""

    applications: list[ApplicationData]
    updated_at: int

    def to_json(self) -> dict[str, Any]:
        return {"applications": [a.to_json() for a in self.applications], "updated_at": self.updated_at}

    @classmethod
    def from_json(cls, raw: Any) -> "ProjectApplications":
        if not isinstance(raw, dict):
            raise InvalidArgument("applications.json must hold an object")
        apps = raw.get("applications") or []
        return cls([ApplicationData.from_json(a) for a in apps if isinstance(a, dict)], _int(raw.get("updated_at")))


@dataclass
class DeploymentData:
    """One completed deployment in a chunk (`complete_status` is the status name, `DEPLOYMENT_SUCCESS`)."""

    id: str
    app_id: str
    completed_at: int
    complete_status: str
    started_at: int = 0
    rollback_started_at: int = 0
    labels: dict[str, str] = field(default_factory=dict)
    #: pipecd-cp: the triggering commit's time (lead time = completed_at - commit_timestamp).
    commit_timestamp: int = 0
    #: pipecd-cp: on a success ending a failure streak, when the streak's first failure completed.
    failed_since: int = 0

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "app_id": self.app_id, "labels": self.labels or None,
                               "started_at": self.started_at, "completed_at": self.completed_at,
                               "complete_status": self.complete_status,
                               "rollback_started_at": self.rollback_started_at}
        if self.commit_timestamp:
            out["commit_timestamp"] = self.commit_timestamp
        if self.failed_since:
            out["failed_since"] = self.failed_since
        return out

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> "DeploymentData":
        return cls(id=str(raw.get("id") or ""), app_id=str(raw.get("app_id") or ""),
                   completed_at=_int(raw.get("completed_at")), complete_status=str(raw.get("complete_status") or ""),
                   started_at=_int(raw.get("started_at")), rollback_started_at=_int(raw.get("rollback_started_at")),
                   labels=_labels(raw.get("labels")), commit_timestamp=_int(raw.get("commit_timestamp")),
                   failed_since=_int(raw.get("failed_since")))

    def has_labels(self, want: Mapping[str, str]) -> bool:
        return all(self.labels.get(k) == v for k, v in want.items())


@dataclass
class ChunkMeta:
    chunk_id: str
    chunk_index: int
    min_timestamp: int = 0
    max_timestamp: int = 0
    count: int = 0
    completed: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"chunk_id": self.chunk_id, "chunk_index": self.chunk_index, "min_timestamp": self.min_timestamp,
                "max_timestamp": self.max_timestamp, "count": self.count, "completed": self.completed}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> "ChunkMeta":
        return cls(str(raw.get("chunk_id") or ""), _int(raw.get("chunk_index")), _int(raw.get("min_timestamp")),
                   _int(raw.get("max_timestamp")), _int(raw.get("count")), bool(raw.get("completed")))

    def overlaps(self, start: int, end: int) -> bool:
        return not (end < self.min_timestamp or start > self.max_timestamp)


@dataclass
class BlockMeta:
    block_id: str
    chunk_metadata: list[ChunkMeta] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"block_id": self.block_id, "chunk_metadata": [c.to_json() for c in self.chunk_metadata] or None}

    @classmethod
    def from_json(cls, raw: Any) -> "BlockMeta":
        if not isinstance(raw, dict):
            raise InvalidArgument("block_meta.json must hold an object")
        return cls(str(raw.get("block_id") or ""),
                   [ChunkMeta.from_json(c) for c in raw.get("chunk_metadata") or [] if isinstance(c, dict)])


@dataclass
class Chunk:
    chunk_id: str
    deployments: list[DeploymentData] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"chunk_id": self.chunk_id, "deployments": [d.to_json() for d in self.deployments] or None}

    @classmethod
    def from_json(cls, raw: Any) -> "Chunk":
        if not isinstance(raw, dict):
            raise InvalidArgument("a chunk file must hold an object")
        return cls(str(raw.get("chunk_id") or ""),
                   [DeploymentData.from_json(d) for d in raw.get("deployments") or [] if isinstance(d, dict)])


# ----------------------------------------------------------------------------- the store
class InsightStore:
    """Reads and writes the insight files (see the module docstring)."""

    def __init__(self, fs: FileStore, cache: Cache) -> None:
        self.fs, self.cache = fs, cache

    # applications.json
    async def get_applications(self, project_id: str) -> ProjectApplications:
        """The project's application data; `NotFound` before the first collection."""
        data = await self.fs.get(applications_path(project_id))
        return ProjectApplications.from_json(_loads(data, "applications.json"))

    async def put_applications(self, project_id: str, data: ProjectApplications) -> None:
        await self.fs.put(applications_path(project_id), _dumps(data.to_json()))

    # milestone.json
    async def get_milestone(self) -> int | None:
        """`deployment_completed_at_milestone`: every deployment completed before it is collected (None if never)."""
        try:
            raw = _loads(await self.fs.get(MILESTONE_PATH), "milestone.json")
        except NotFound:
            return None
        return _int(raw.get("deployment_completed_at_milestone")) if isinstance(raw, dict) else None

    async def put_milestone(self, completed_at: int) -> None:
        await self.fs.put(MILESTONE_PATH, _dumps({"deployment_completed_at_milestone": completed_at}))

    # completed deployments
    async def _block(self, project_id: str, block: str) -> BlockMeta | None:
        try:
            return BlockMeta.from_json(_loads(await self.fs.get(block_meta_path(project_id, block)), "block_meta.json"))
        except NotFound:
            return None

    async def _chunk(self, project_id: str, block: str, chunk: str, completed: bool) -> Chunk | None:
        key = chunk_cache_key(project_id, block, chunk)
        data = await self.cache.get(key) if completed else None
        if data is None:
            try:
                data = await self.fs.get(chunk_path(project_id, block, chunk))
            except NotFound:
                return None
            if completed:
                await self.cache.put(key, data, CHUNK_CACHE_TTL)
        return Chunk.from_json(_loads(data, f"{block}/{chunk}.json"))

    async def list_completed_deployments(self, project_id: str, start: int, end: int) -> list[DeploymentData]:
        """Deployments with `start <= completed_at <= end`, ordered by completion (then id).

        `InvalidArgument` when `start > end` or the range is longer than two years (PipeCD's limits).
        """
        if start > end:
            raise InvalidArgument("the range must start before it ends", field="range_from")
        if end - start > MAX_RANGE:
            raise InvalidArgument("the range may be at most 2 years long", field="range_to")
        out: dict[str, DeploymentData] = {}
        for year in range(utc_year(max(start, 0)), utc_year(max(end, 0)) + 1):
            block = block_id(year)
            meta = await self._block(project_id, block)
            if meta is None:
                continue
            for cm in meta.chunk_metadata:
                if not cm.overlaps(start, end):
                    continue
                chunk = await self._chunk(project_id, block, cm.chunk_id, cm.completed)
                for d in chunk.deployments if chunk else ():
                    if start <= d.completed_at <= end:
                        out.setdefault(d.id, d)
        return sorted(out.values(), key=lambda d: (d.completed_at, d.id))

    async def put_completed_deployments(self, project_id: str, deployments: Iterable[DeploymentData],
                                        chunk_max_count: int = DEFAULT_CHUNK_MAX_COUNT) -> int:
        """Add deployments to their year blocks and chunks; return how many were new.

        A deployment already stored (same id, in the chunk it would go to or any chunk of its
        block) is not stored again, so a run that is repeated after an interruption is harmless.
        """
        if chunk_max_count < 1:
            raise InvalidArgument("must be at least 1", field="chunk_max_count")
        by_block: dict[str, list[DeploymentData]] = {}
        for d in sorted(deployments, key=lambda d: (d.completed_at, d.id)):
            by_block.setdefault(block_id(utc_year(d.completed_at)), []).append(d)
        added = 0
        for block, items in by_block.items():
            added += await self._put_block(project_id, block, items, chunk_max_count)
        return added

    async def _put_block(self, project_id: str, block: str, items: list[DeploymentData], max_count: int) -> int:
        meta = await self._block(project_id, block) or BlockMeta(block)
        seen: set[str] = set()
        open_chunk: Chunk | None = None
        for cm in meta.chunk_metadata:
            chunk = await self._chunk(project_id, block, cm.chunk_id, cm.completed)
            if chunk is None:
                continue
            seen.update(d.id for d in chunk.deployments)
            if not cm.completed:
                open_chunk = chunk
        fresh = [d for d in items if d.id not in seen]
        fresh = list({d.id: d for d in fresh}.values())
        if not fresh:
            return 0
        pos = 0
        while pos < len(fresh):
            cm = next((c for c in meta.chunk_metadata if not c.completed), None)
            if cm is None:
                index = len(meta.chunk_metadata)
                cm = ChunkMeta(chunk_id(index), index, min_timestamp=fresh[pos].completed_at)
                meta.chunk_metadata.append(cm)
                open_chunk = Chunk(cm.chunk_id)
            elif open_chunk is None or open_chunk.chunk_id != cm.chunk_id:
                open_chunk = await self._chunk(project_id, block, cm.chunk_id, False) or Chunk(cm.chunk_id)
            room = max_count - len(open_chunk.deployments)
            if room <= 0:
                cm.completed = True
                continue
            adds = fresh[pos:pos + room]
            pos += len(adds)
            open_chunk.deployments.extend(adds)
            await self.fs.put(chunk_path(project_id, block, cm.chunk_id), _dumps(open_chunk.to_json()))
            stamps = [d.completed_at for d in open_chunk.deployments]
            cm.count = len(open_chunk.deployments)
            cm.min_timestamp, cm.max_timestamp = min(stamps), max(stamps)
            cm.completed = cm.count >= max_count
        await self.fs.put(block_meta_path(project_id, block), _dumps(meta.to_json()))
        return len(fresh)
