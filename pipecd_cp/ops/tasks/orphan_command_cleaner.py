"""`orphan_command_cleaner`: commands no piped picked up in a day are marked TIMEOUT.

PipeCD's `orphancommandcleaner`: every 6h, commands with status NOT_HANDLED_YET created at least
`olderThan` (24h) ago become COMMAND_TIMEOUT with no metadata and `handled_at` = now. Unlike
PipeCD, the cached copy `command:{id}` is refreshed too, so readers never see the old status.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pipecd_cp.datastore.base import Filter, Op
from pipecd_cp.ops.task import OpsTask, Options, TaskContext, TaskReport
from pipecd_cp.proto.model import command_pb2
from pipecd_cp.stores.model import asc, eq

DAY = 24 * 3600.0


class OrphanCommandCleaner(OpsTask):
    name = "orphan_command_cleaner"
    description = "NOT_HANDLED commands older than olderThan (24h) become TIMEOUT"
    interval = 6 * 3600.0
    timeout = 600.0

    def __init__(self, older_than: float = DAY) -> None:
        self.older_than = older_than

    @classmethod
    def from_config(cls, options: Mapping[str, Any], host: Any) -> "OrphanCommandCleaner":
        opts = Options(options)
        task = cls(opts.duration("olderThan", DAY, minimum=60.0) or DAY)
        opts.done()
        return task

    async def run_once(self, ctx: TaskContext) -> TaskReport:
        commands = ctx.host.stores.commands
        now = ctx.now()
        stale = await commands.find_all([eq("status", command_pb2.COMMAND_NOT_HANDLED_YET),
                                         Filter("created_at", Op.LTE, int(now - self.older_than))],
                                        [asc("created_at")])
        timed_out = handled = 0
        for cmd in stale:
            ctx.checkpoint()
            if await commands.time_out(cmd.id, now) is None:
                handled += 1
            else:
                timed_out += 1
        return TaskReport(f"{timed_out} orphan commands timed out", {"timed_out": timed_out, "handled_meanwhile": handled})
