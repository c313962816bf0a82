"""Registering events (API RegisterEvent) and their deployment traces."""
from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping

from pipecd_cp.errors import PipeCDError
from pipecd_cp.proto.model import deployment_trace_pb2, event_pb2
from pipecd_cp.stores import Stores
from pipecd_cp.stores.events import event_key

log = logging.getLogger("pipecd_cp.events")


async def register_event(stores: Stores, project_id: str, *, name: str, data: str, labels: Mapping[str, str],
                         contexts: Mapping[str, str], commit_hash: str = "", commit_url: str = "",
                         commit_title: str = "", commit_message: str = "", commit_author: str = "",
                         commit_timestamp: int = 0) -> str:
    """Store a NOT_HANDLED event (and a deployment trace when the commit hash and URL are given)."""
    event = event_pb2.Event(id=str(uuid.uuid4()), name=name, data=data, project_id=project_id, labels=dict(labels),
                            event_key=event_key(name, labels), status=event_pb2.EVENT_NOT_HANDLED,
                            status_description=f"It is going to be replaced by {data}",
                            contexts=dict(contexts), trigger_commit_hash=commit_hash)
    await stores.events.add(event)
    if commit_hash and commit_url:
        trace = deployment_trace_pb2.DeploymentTrace(
            id=str(uuid.uuid4()), project_id=project_id, title=commit_title, commit_message=commit_message,
            commit_hash=commit_hash, commit_url=commit_url, author=commit_author,
            commit_timestamp=commit_timestamp or stores.traces.now())
        try:
            await stores.traces.add(trace)
        except PipeCDError as exc:  # as PipeCD: the event counts, the trace is best effort
            log.warning("events | could not store the deployment trace of event %s: %s", event.id, exc)
    return event.id
