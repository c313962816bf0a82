"""`stale_piped_stat_cleaner`: piped stats not refreshed for a day leave `HASHKEY:PIPED:STATS`.

PipeCD's `staledpipedstatcleaner`: every 24h, fields whose stat timestamp is older than
`olderThan` (24h) are deleted; so are fields that cannot be parsed. It uses the raw cache
driver, so a cache outage fails the run (and it is retried) instead of passing as "nothing to do".
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pipecd_cp.ops.task import OpsTask, Options, TaskContext, TaskReport
from pipecd_cp.stores.hashes import PIPED_STATS

DAY = 24 * 3600.0


class StalePipedStatCleaner(OpsTask):
    name = "stale_piped_stat_cleaner"
    description = "piped stats older than olderThan (24h) are removed from the cache"
    interval = DAY
    timeout = 300.0

    def __init__(self, older_than: float = DAY) -> None:
        self.older_than = older_than

    @classmethod
    def from_config(cls, options: Mapping[str, Any], host: Any) -> "StalePipedStatCleaner":
        opts = Options(options)
        task = cls(opts.duration("olderThan", DAY, minimum=120.0) or DAY)
        opts.done()
        return task

    async def run_once(self, ctx: TaskContext) -> TaskReport:
        cache = ctx.host.cache.inner
        cutoff = ctx.now() - self.older_than
        deleted = kept = 0
        for piped_id, raw in (await cache.hgetall(PIPED_STATS)).items():
            ctx.checkpoint()
            try:
                timestamp = int(json.loads(raw).get("timestamp") or 0)
            except (ValueError, AttributeError, TypeError):
                timestamp = 0
            if timestamp < cutoff:
                await cache.hdelete(PIPED_STATS, piped_id)
                deleted += 1
            else:
                kept += 1
        return TaskReport(f"{deleted} stale piped stats removed", {"deleted": deleted, "kept": kept})
