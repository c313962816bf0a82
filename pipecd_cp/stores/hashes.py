"""Cache hashes PipeCD keeps: piped stats, unregistered applications, API-key last use.

- `HASHKEY:PIPED:STATS`, field piped id: JSON `PipedStat{piped_id, metrics (base64), timestamp}`.
- `HASHKEY:UNREGISTERED_APPS:{project}`, field piped id: the piped's full list of unregistered
  `ApplicationInfo`s. PipeCD writes Go's gob encoding; pipecd-cp writes JSON documents (pipeds
  resend the list every minute, so nothing is lost by not sharing the format).
- `HASHKEY:PIPED:API_KEYS`, field key id: Unix seconds of the last use, as text.
"""
from __future__ import annotations

import json

from pipecd_cp.cache.base import Cache
from pipecd_cp.proto.model import common_pb2, piped_stat_pb2
from pipecd_cp.stores.documents import from_document, to_document

PIPED_STATS = "HASHKEY:PIPED:STATS"
API_KEYS_LAST_USED = "HASHKEY:PIPED:API_KEYS"
STAT_RETENTION = 120  # seconds: a piped with a fresher stat is ONLINE (model.PipedStatsRetention)


def unregistered_key(project_id: str) -> str:
    return f"HASHKEY:UNREGISTERED_APPS:{project_id}"


class CacheHashes:
    def __init__(self, cache: Cache) -> None:
        self.cache = cache

    async def put_piped_stat(self, piped_id: str, metrics: bytes, now: int) -> None:
        stat = piped_stat_pb2.PipedStat(piped_id=piped_id, metrics=metrics, timestamp=now)
        await self.cache.hput(PIPED_STATS, piped_id, json.dumps(to_document(stat)).encode())

    async def piped_stats(self) -> dict[str, piped_stat_pb2.PipedStat]:
        out = {}
        for piped_id, raw in (await self.cache.hgetall(PIPED_STATS)).items():
            try:
                out[piped_id] = from_document(json.loads(raw), piped_stat_pb2.PipedStat)
            except ValueError:
                continue
        return out

    async def put_unregistered(self, project_id: str, piped_id: str, apps: list[common_pb2.ApplicationInfo]) -> None:
        await self.cache.hput(unregistered_key(project_id), piped_id,
                              json.dumps([to_document(a) for a in apps]).encode())

    async def unregistered(self, project_id: str) -> list[common_pb2.ApplicationInfo]:
        out: list[common_pb2.ApplicationInfo] = []
        for raw in (await self.cache.hgetall(unregistered_key(project_id))).values():
            try:
                out += [from_document(d, common_pb2.ApplicationInfo) for d in json.loads(raw)]
            except (ValueError, TypeError):
                continue
        return sorted(out, key=lambda a: a.path)

    async def put_api_key_used(self, key_id: str, now: int) -> None:
        await self.cache.hput(API_KEYS_LAST_USED, key_id, str(now).encode())

    async def api_keys_used(self) -> dict[str, int]:
        out = {}
        for key_id, raw in (await self.cache.hgetall(API_KEYS_LAST_USED)).items():
            try:
                out[key_id] = int(raw)
            except ValueError:
                continue
        return out
