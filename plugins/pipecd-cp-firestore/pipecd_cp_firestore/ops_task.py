"""`firestore_index_ensurer`: PipeCD's composite Firestore indexes, at ops start-up.

PipeCD's `firestoreindexensurer`, started when the ops process starts, alongside the other
tasks. It calls the datastore's `ensure_indexes()` (the `pipecd-cp-firestore` plugin's
`FirestoreDataStore` has one), which starts creating missing indexes and returns a report; a
failure is retried with backoff. This package registers it:

    [project.entry-points."pipecd_cp.ops_tasks"]
    firestore_index_ensurer = "pipecd_cp_firestore.ops_task:FirestoreIndexEnsurer"
"""
from __future__ import annotations

from typing import Any

from pipecd_cp.ops.task import OpsTask, TaskContext, TaskReport


class FirestoreIndexEnsurer(OpsTask):
    name = "firestore_index_ensurer"
    description = "creates PipeCD's missing composite Firestore indexes (once, at start-up)"
    startup = "background"
    timeout = 1800.0

    def applicable(self, host: Any) -> str | None:
        if not callable(getattr(host.datastore, "ensure_indexes", None)):
            return f"the {host.datastore.name or type(host.datastore).__name__} datastore has no ensure_indexes()"
        return None

    async def run_once(self, ctx: TaskContext) -> TaskReport:
        report = await ctx.host.datastore.ensure_indexes()
        summary = report.summary() if callable(getattr(report, "summary", None)) else "indexes ensured"
        counts = {}
        for key in ("wanted", "existing"):
            if isinstance(getattr(report, key, None), int):
                counts[key] = getattr(report, key)
        for key in ("created", "failed"):
            if isinstance(getattr(report, key, None), list):
                counts[key] = len(getattr(report, key))
        return TaskReport(summary, counts, [f"failed: {f}" for f in getattr(report, "failed", []) or []])
