"""Application live state: PipeCD's snapshot file and cache, with Kubernetes event patches.

File `application-live-state/{app}.json` (JSON snapshot) and cache key
`application-live-state:{app}`. Unlike PipeCD, a patched snapshot is written back to the file
too, so live-state events survive a cache flush.
"""
from __future__ import annotations

import json
from collections import defaultdict

from pipecd_cp.cache.base import Cache
from pipecd_cp.errors import NotFound
from pipecd_cp.filestore.base import FileStore
from pipecd_cp.proto.model import application_live_state_pb2 as lpb
from pipecd_cp.stores.documents import from_document, to_document

Snapshot = lpb.ApplicationLiveStateSnapshot
Event = lpb.KubernetesResourceStateEvent


def _version(v: lpb.ApplicationLiveStateVersion) -> tuple[int, int]:
    return (v.timestamp, v.index)


def _health(snapshot: Snapshot) -> None:
    resources = snapshot.kubernetes.resources
    if not resources:
        return
    healthy = all(r.health_status == lpb.KubernetesResourceState.HEALTHY for r in resources)
    snapshot.health_status = Snapshot.HEALTHY if healthy else Snapshot.OTHER


class LiveStateStore:
    def __init__(self, fs: FileStore, cache: Cache, ttl: float) -> None:
        self.fs, self.cache, self.ttl = fs, cache, ttl

    @staticmethod
    def path(app_id: str) -> str:
        return f"application-live-state/{app_id}.json"

    @staticmethod
    def _key(app_id: str) -> str:
        return f"application-live-state:{app_id}"

    async def get(self, app_id: str) -> Snapshot:
        """Cache, then file (re-cached); `NotFound` when the piped never reported one."""
        raw = await self.cache.get(self._key(app_id))
        if raw is not None:
            try:
                return from_document(json.loads(raw), Snapshot)
            except ValueError:
                pass
        data = await self.fs.get(self.path(app_id))
        await self.cache.put(self._key(app_id), data, self.ttl)
        return from_document(json.loads(data), Snapshot)

    async def put(self, snapshot: Snapshot) -> None:
        data = json.dumps(to_document(snapshot)).encode()
        await self.fs.put(self.path(snapshot.application_id), data)
        await self.cache.put(self._key(snapshot.application_id), data, self.ttl)

    async def patch(self, events: list[Event]) -> None:
        """Apply Kubernetes resource events to each application's snapshot, in (timestamp, index)
        order, dropping events older than the snapshot they were computed against."""
        by_app: dict[str, list[Event]] = defaultdict(list)
        for e in events:
            by_app[e.application_id].append(e)
        for app_id, app_events in by_app.items():
            try:
                snapshot = await self.get(app_id)
            except NotFound:
                continue  # nothing to patch until the first snapshot arrives
            current = _version(snapshot.version)
            app_events.sort(key=lambda e: _version(e.snapshot_version))
            resources = {r.id: r for r in snapshot.kubernetes.resources}
            order = [r.id for r in snapshot.kubernetes.resources]
            for e in app_events:
                if _version(e.snapshot_version) < current:
                    continue
                if e.type == Event.DELETED:
                    resources.pop(e.state.id, None)
                else:
                    if e.state.id not in resources:
                        order.append(e.state.id)
                    resources[e.state.id] = e.state
            patched = Snapshot()
            patched.CopyFrom(snapshot)
            del patched.kubernetes.resources[:]
            patched.kubernetes.resources.extend(resources[i] for i in order if i in resources)
            _health(patched)
            await self.put(patched)
