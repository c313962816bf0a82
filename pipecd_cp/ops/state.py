"""What each task's runs did, shared by every replica: documents `OpsTaskState/{task}`.

`last_slot` is the latest scheduled slot that ran to success: a replica about to run a slot
reads it (while holding the lease) and skips a slot another replica already ran. The rest is for
`pipecd-cp ops list` and for backoff across replicas and restarts: consecutive `failures` and
`retry_at`, the last outcome, error and report, and who is running it now.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from pipecd_cp.datastore.base import DataStore, Document, KindSchema, Query
from pipecd_cp.errors import AlreadyExists, NotFound

STATE_KIND = "OpsTaskState"
STATE_SCHEMA = KindSchema(STATE_KIND, {})
ERROR_LIMIT = 500

SUCCESS, FAILURE, TIMEOUT, STOPPED = "success", "failure", "timeout", "stopped"


@dataclass
class TaskState:
    """One task's shared record (all times Unix seconds; 0 = never)."""

    id: str
    last_slot: float = 0.0
    last_started_at: float = 0.0
    last_finished_at: float = 0.0
    last_success_at: float = 0.0
    last_outcome: str = ""
    last_error: str = ""
    last_report: dict[str, Any] = field(default_factory=dict)
    last_manual: bool = False
    failures: int = 0
    retry_at: float = 0.0
    running_holder: str = ""
    running_since: float = 0.0
    runs: int = 0

    def to_doc(self) -> Document:
        return asdict(self)

    @classmethod
    def from_doc(cls, doc: Document) -> "TaskState":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in doc.items() if k in known})


class TaskStates:
    """Reads and atomic updates of `OpsTaskState` documents."""

    def __init__(self, ds: DataStore) -> None:
        self.ds = ds

    async def declare(self) -> None:
        await self.ds.declare(STATE_SCHEMA)

    async def get(self, task: str) -> TaskState:
        """The task's state (a fresh one when it never ran)."""
        try:
            return TaskState.from_doc(await self.ds.get(STATE_KIND, task))
        except NotFound:
            return TaskState(task)

    async def all(self) -> dict[str, TaskState]:
        page = await self.ds.find(STATE_KIND, Query())
        return {s.id: s for s in (TaskState.from_doc(d) for d in page.items)}

    async def change(self, task: str, apply: Any) -> TaskState:
        """Atomically apply `apply(state)` (mutating it) and store it; create the document if needed."""
        def mutate(doc: Document) -> Document:
            state = TaskState.from_doc(doc)
            apply(state)
            return state.to_doc()
        for _ in range(3):
            try:
                return TaskState.from_doc(await self.ds.update(STATE_KIND, task, mutate))
            except NotFound:
                try:
                    await self.ds.create(STATE_KIND, task, TaskState(task).to_doc())
                except AlreadyExists:
                    pass
        raise NotFound(f"{STATE_KIND} {task!r} vanished while being updated")
