"""`command_output_cleaner`: command outputs (plan previews) older than 48h are deleted.

PipeCD's `planpreviewoutputcleaner`: daily at 09:00 (here in UTC; PipeCD uses the process's
local zone), every object under `command-output/` whose update time is older than `olderThan`
(48h) is deleted.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pipecd_cp.ops.task import OpsTask, Options, TaskContext, TaskReport

PREFIX = "command-output/"
TWO_DAYS = 48 * 3600.0


class CommandOutputCleaner(OpsTask):
    name = "command_output_cleaner"
    description = "objects under command-output/ older than olderThan (48h) are deleted"
    schedule = "0 9 * * *"
    timeout = 1800.0
    supports_dry_run = True

    def __init__(self, older_than: float = TWO_DAYS) -> None:
        self.older_than = older_than

    @classmethod
    def from_config(cls, options: Mapping[str, Any], host: Any) -> "CommandOutputCleaner":
        opts = Options(options)
        task = cls(opts.duration("olderThan", TWO_DAYS, minimum=60.0) or TWO_DAYS)
        opts.done()
        return task

    async def run_once(self, ctx: TaskContext) -> TaskReport:
        fs = ctx.host.filestore
        cutoff = ctx.now() - self.older_than
        deleted = kept = 0
        for obj in await fs.list(PREFIX):
            ctx.checkpoint()
            if obj.updated_at < cutoff:
                if not ctx.dry_run:
                    await fs.delete(obj.path)
                deleted += 1
            else:
                kept += 1
        verb = "would be deleted" if ctx.dry_run else "deleted"
        return TaskReport(f"{deleted} command outputs {verb}", {"deleted": deleted, "kept": kept})
