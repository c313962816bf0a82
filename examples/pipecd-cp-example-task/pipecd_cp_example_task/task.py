"""`example_heartbeat`: a small ops task to copy (see README.md)."""
from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any

from pipecd_cp.errors import NotFound
from pipecd_cp.ops.task import OpsTask, Options, TaskContext, TaskReport

PATH = "example-task/heartbeat.json"


class ExampleHeartbeat(OpsTask):
    name = "example_heartbeat"
    description = "writes example-task/heartbeat.json (an example third-party task)"
    interval = 300.0
    timeout = 120.0
    supports_dry_run = True

    def __init__(self, steps: int = 1, step_delay: float = 0.0, fail: bool = False) -> None:
        self.steps, self.step_delay, self.fail = steps, step_delay, fail

    @classmethod
    def from_config(cls, options: Mapping[str, Any], host: Any) -> "ExampleHeartbeat":
        opts = Options(options)
        task = cls(steps=opts.integer("steps", 1, minimum=1), step_delay=opts.duration("stepDelay", 0.0) or 0.0,
                   fail=opts.boolean("fail", False))
        opts.done()
        return task

    async def run_once(self, ctx: TaskContext) -> TaskReport:
        for step in range(self.steps):
            ctx.checkpoint()  # a safe point: on shutdown the run stops here
            ctx.log.info("example_heartbeat | step %d/%d", step + 1, self.steps)
            await asyncio.sleep(self.step_delay)
        if self.fail:
            raise RuntimeError("example_heartbeat is configured to fail")
        try:
            runs = json.loads(await ctx.host.filestore.get(PATH)).get("runs", 0)
        except NotFound:
            runs = 0
        if not ctx.dry_run:
            await ctx.host.filestore.put(PATH, json.dumps({"runs": runs + 1, "last_run_at": ctx.now(),
                                                           "slot": ctx.slot}).encode())
        return TaskReport(f"heartbeat {runs + 1} written", {"runs": runs + 1})
