"""Commands (kind `Command`) with PipeCD's cache-aside copy under `command:{id}`.

Every command created by the web, the API or a piped goes through `add`: the datastore first,
then the cache. `get` reads the cache, then the datastore (re-caching). `handled` writes the
datastore, then refreshes the cache.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Mapping

from pipecd_cp.cache.base import Cache
from pipecd_cp.proto.model import command_pb2
from pipecd_cp.stores.documents import from_document, to_document
from pipecd_cp.stores.model import Clock, I, ModelStore, Owner, S, asc, eq
from pipecd_cp.datastore.base import DataStore
from pipecd_cp.validation import Validator

Command = command_pb2.Command


def cache_key(command_id: str) -> str:
    return f"command:{command_id}"


class CommandStore(ModelStore[Command]):
    kind = "Command"
    model = Command
    fields = {"project_id": S, "piped_id": S, "application_id": S, "deployment_id": S, "status": I, "type": I,
              "created_at": I, "updated_at": I, "handled_at": I}
    indexes = ([asc("piped_id"), asc("status")], [asc("status"), asc("created_at")], [asc("project_id")])

    def __init__(self, ds: DataStore, clock: Clock, validator: Validator, cache: Cache, ttl: float) -> None:
        super().__init__(ds, clock, validator)
        self.cache, self.ttl = cache, ttl

    async def _cache(self, cmd: Command) -> None:
        await self.cache.put(cache_key(cmd.id), json.dumps(to_document(cmd)).encode(), self.ttl)

    async def add(self, entity: Command) -> Command:
        """Queue a command (a new id unless set; status NOT_HANDLED_YET)."""
        entity.id = entity.id or str(uuid.uuid4())
        entity.status = command_pb2.COMMAND_NOT_HANDLED_YET
        await super().add(entity)
        await self._cache(entity)
        return entity

    async def get(self, id: str) -> Command:
        raw = await self.cache.get(cache_key(id))
        if raw is not None:
            try:
                return from_document(json.loads(raw), Command)
            except ValueError:
                pass  # a corrupt cache entry is a miss
        cmd = await super().get(id)
        await self._cache(cmd)
        return cmd

    async def unhandled(self, project_id: str, piped_id: str) -> list[Command]:
        """The piped's queue, read from the datastore (never the cache)."""
        found = await self.find([eq("piped_id", piped_id), eq("status", command_pb2.COMMAND_NOT_HANDLED_YET)],
                                [asc("created_at")])
        return [c for c in found.items if c.project_id == project_id]

    async def handled(self, id: str, owner: Owner, status: int, metadata: Mapping[str, str],
                      handled_at: int) -> Command:
        def change(cmd: Command) -> None:
            cmd.status, cmd.handled_at = status, handled_at
            cmd.metadata.clear()
            cmd.metadata.update(metadata)
        cmd = await self.update_owned(id, owner, change)
        await self._cache(cmd)
        return cmd

    async def time_out(self, id: str, handled_at: int) -> Command | None:
        """Ops: mark a command still NOT_HANDLED_YET as TIMEOUT (metadata cleared, `handled_at`),
        then refresh its cache entry, which PipeCD leaves stale. None when it was handled meanwhile."""
        class _Handled(Exception):
            pass

        def change(cmd: Command) -> None:
            if cmd.status != command_pb2.COMMAND_NOT_HANDLED_YET:
                raise _Handled()
            cmd.status, cmd.handled_at = command_pb2.COMMAND_TIMEOUT, handled_at
            cmd.metadata.clear()
        try:
            cmd = await self.update(id, change)
        except _Handled:
            return None
        await self._cache(cmd)
        return cmd

    async def forget(self, id: str) -> None:
        """Retention: delete the command and its cache entry."""
        await self.delete(id)
        await self.cache.delete(cache_key(id))
