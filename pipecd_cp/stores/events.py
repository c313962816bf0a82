"""Events (kind `Event`) registered through the API and watched by pipeds."""
from __future__ import annotations

import hashlib
from collections.abc import Mapping

from pipecd_cp.proto.model import event_pb2
from pipecd_cp.stores.model import I, ModelStore, Owner, S, asc, desc

Event = event_pb2.Event
HANDLED = frozenset({event_pb2.EVENT_SUCCESS, event_pb2.EVENT_FAILURE})


def event_key(name: str, labels: Mapping[str, str]) -> str:
    """PipeCD's MakeEventKey: SHA-256 hex of the name followed by `/k:v` for each label, keys sorted."""
    text = name + "".join(f"/{k}:{labels[k]}" for k in sorted(labels))
    return hashlib.sha256(text.encode()).hexdigest()


class EventStore(ModelStore[Event]):
    kind = "Event"
    model = Event
    fields = {"project_id": S, "name": S, "event_key": S, "status": I, "created_at": I, "updated_at": I}
    indexes = ([asc("project_id"), asc("created_at")], [asc("project_id"), desc("created_at")],
               [asc("project_id"), desc("updated_at")], [asc("event_key"), asc("name"), asc("project_id"),
                                                         desc("created_at")],
               [asc("project_id"), asc("status"), desc("created_at")],
               [asc("project_id"), asc("status"), desc("updated_at")],
               [asc("name"), asc("project_id"), desc("updated_at")])

    async def update_status(self, id: str, owner: Owner, status: int, description: str) -> Event:
        """Set the status; handled_at and updated_at move only for SUCCESS or FAILURE (PipeCD)."""
        now = self.now()

        def change(e: Event) -> None:
            e.status, e.status_description = status, description
            if status in HANDLED:
                e.handled_at = now
                e.updated_at = now
        return await self.update_owned(id, owner, change, touch=False)
