"""Who owns an application or deployment, cached briefly, for RPCs that touch only files or cache.

Deployments never move, so their owner is cached for an hour; an application can be moved to
another piped (UpdateApplication), so its owner is re-read after 10 seconds (PipeCD: 24 hours).
"""
from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from pipecd_cp.stores import Stores
from pipecd_cp.stores.model import ModelStore, Owner

APP_TTL = 10.0
DEPLOYMENT_TTL = 3600.0
SIZE = 50_000


class Ownership:
    def __init__(self, stores: Stores, clock: Callable[[], float] = time.monotonic) -> None:
        self.stores, self.clock = stores, clock
        self._owners: OrderedDict[tuple[str, str], tuple[str, str, float]] = OrderedDict()

    def _get(self, kind: str, id: str) -> tuple[str, str] | None:
        item = self._owners.get((kind, id))
        if item is None or item[2] <= self.clock():
            return None
        return item[0], item[1]

    def _put(self, kind: str, id: str, project: str, piped: str, ttl: float) -> None:
        self._owners[(kind, id)] = (project, piped, self.clock() + ttl)
        if len(self._owners) > SIZE:
            self._owners.popitem(last=False)

    def forget(self, kind: str, id: str) -> None:
        self._owners.pop((kind, id), None)

    async def application(self, app_id: str, owner: Owner) -> None:
        """Raise NotFound / PermissionDenied unless `owner` may touch the application."""
        await self._check("app", self.stores.applications, app_id, owner, APP_TTL)

    async def deployment(self, deployment_id: str, owner: Owner) -> None:
        """Raise NotFound / PermissionDenied unless `owner` may touch the deployment."""
        await self._check("dep", self.stores.deployments, deployment_id, owner, DEPLOYMENT_TTL)

    async def _check(self, key: str, store: ModelStore, id: str, owner: Owner, ttl: float) -> None:  # type: ignore[type-arg]
        known = self._get(key, id)
        if known is None:
            entity = await store.get(id)
            known = (entity.project_id, entity.piped_id)
            self._put(key, id, *known, ttl)
        owner.check(store.kind, id, *known)
