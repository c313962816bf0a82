"""Typed model stores over the document drivers (datastore, filestore, cache).

`Stores` is built by the host once its drivers are open; every server and job uses it.
"""
from __future__ import annotations

from collections.abc import Callable

from pipecd_cp.cache.base import Cache
from pipecd_cp.datastore.base import DataStore
from pipecd_cp.filestore.base import FileStore
from pipecd_cp.stores.apikeys import APIKeyStore
from pipecd_cp.stores.applications import ApplicationStore
from pipecd_cp.stores.chains import DeploymentChainStore
from pipecd_cp.stores.commands import CommandStore
from pipecd_cp.stores.deployments import DeploymentStore
from pipecd_cp.stores.events import EventStore
from pipecd_cp.stores.hashes import CacheHashes
from pipecd_cp.stores.insights import InsightStore
from pipecd_cp.stores.livestate import LiveStateStore
from pipecd_cp.stores.model import ModelStore
from pipecd_cp.stores.objects import FileObjects
from pipecd_cp.stores.pipeds import PipedStore
from pipecd_cp.stores.projects import ProjectStore
from pipecd_cp.stores.stagelogs import StageLogStore
from pipecd_cp.stores.traces import DeploymentTraceStore
from pipecd_cp.validation import Validator


class Stores:
    """Every store of one host."""

    def __init__(self, ds: DataStore, fs: FileStore, cache: Cache, clock: Callable[[], float],
                 validator: Validator, cache_ttl: float) -> None:
        self.applications = ApplicationStore(ds, clock, validator)
        self.deployments = DeploymentStore(ds, clock, validator)
        self.commands = CommandStore(ds, clock, validator, cache, cache_ttl)
        self.pipeds = PipedStore(ds, clock, validator)
        self.projects = ProjectStore(ds, clock, validator)
        self.apikeys = APIKeyStore(ds, clock, validator)
        self.events = EventStore(ds, clock, validator)
        self.chains = DeploymentChainStore(ds, clock, validator)
        self.traces = DeploymentTraceStore(ds, clock, validator)
        self.stage_logs = StageLogStore(fs, cache, cache_ttl)
        self.live_states = LiveStateStore(fs, cache, cache_ttl)
        self.objects = FileObjects(fs)
        self.insights = InsightStore(fs, cache)
        self.hashes = CacheHashes(cache)
        self._ds = ds

    @property
    def models(self) -> list[ModelStore]:  # type: ignore[type-arg]
        return [self.applications, self.deployments, self.commands, self.pipeds, self.projects, self.apikeys,
                self.events, self.chains, self.traces]

    async def declare(self) -> None:
        """Declare every kind's fields and indexes to the datastore (idempotent)."""
        for store in self.models:
            await self._ds.declare(store.schema())
