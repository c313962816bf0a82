"""`retention_cleaner` (pipecd-cp's own; off by default): old deployments, logs and commands go.

PipeCD never deletes deployments, stage logs or commands. When enabled with an age, every run
(daily at 03:00 UTC by default) deletes:

- completed deployments that completed more than `deploymentsOlderThan` ago (default
  `olderThan`) and their stage logs (every object under `log/{deployment}/`, deleted before the
  deployment so an interrupted run leaves nothing unreachable), except, with `keepLatest`
  (default true), each application's most recent successful and most recently triggered
  deployment, which the console links to;
- handled commands created more than `commandsOlderThan` ago (default `olderThan`), with their
  cached copy and output object (unhandled ones are left to `orphan_command_cleaner`).

At most `maxDeletes` (default 10000) of each per run; the rest wait for the next run. With
`dryRun: true` (or `pipecd-cp ops run retention_cleaner --once --dry-run`) it only counts.
Insight data is pre-aggregated, so insights keep the deleted deployments.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pipecd_cp.datastore.base import Filter, Op
from pipecd_cp.errors import ConfigError, NotFound
from pipecd_cp.ops.task import OpsTask, Options, TaskContext, TaskReport
from pipecd_cp.proto.model import command_pb2
from pipecd_cp.stores.model import asc

PAGE = 200


class RetentionCleaner(OpsTask):
    name = "retention_cleaner"
    description = "deletes deployments (and their stage logs) and commands older than the configured age"
    schedule = "0 3 * * *"
    timeout = 3600.0
    enabled_by_default = False
    supports_dry_run = True

    def __init__(self, deployments_age: float | None = None, commands_age: float | None = None, *,
                 keep_latest: bool = True, max_deletes: int = 10000, dry_run: bool = False) -> None:
        self.deployments_age, self.commands_age = deployments_age, commands_age
        self.keep_latest, self.max_deletes, self.dry_run = keep_latest, max_deletes, dry_run

    @classmethod
    def from_config(cls, options: Mapping[str, Any], host: Any) -> "RetentionCleaner":
        opts = Options(options)
        hour = 3600.0
        both = opts.duration("olderThan", None, minimum=hour)
        task = cls(opts.duration("deploymentsOlderThan", both, minimum=hour),
                   opts.duration("commandsOlderThan", both, minimum=hour),
                   keep_latest=opts.boolean("keepLatest", True),
                   max_deletes=opts.integer("maxDeletes", 10000, minimum=1),
                   dry_run=opts.boolean("dryRun", False))
        opts.done()
        return task

    def check(self, enabled: bool) -> None:
        if enabled and self.deployments_age is None and self.commands_age is None:
            raise ConfigError("retention_cleaner is enabled but no age is set: add olderThan "
                              "(or deploymentsOlderThan / commandsOlderThan), e.g. olderThan: 2160h", field="olderThan")

    async def run_once(self, ctx: TaskContext) -> TaskReport:
        dry = ctx.dry_run or self.dry_run
        if self.deployments_age is None and self.commands_age is None:
            raise ConfigError("no age configured (spec.ops.tasks.retention_cleaner.olderThan)", field="olderThan")
        counts = {"deployments": 0, "stage_log_objects": 0, "commands": 0, "kept_latest": 0}
        if self.deployments_age is not None:
            await self._deployments(ctx, ctx.now() - int(self.deployments_age), dry, counts)
        if self.commands_age is not None:
            await self._commands(ctx, ctx.now() - int(self.commands_age), dry, counts)
        verb = "would delete" if dry else "deleted"
        return TaskReport(f"{verb} {counts['deployments']} deployments ({counts['stage_log_objects']} stage log "
                          f"objects) and {counts['commands']} commands", counts)

    async def _keep(self, ctx: TaskContext) -> set[str]:
        if not self.keep_latest:
            return set()
        keep = set()
        for app in await ctx.host.stores.applications.find_all():
            keep.add(app.most_recently_successful_deployment.deployment_id)
            keep.add(app.most_recently_triggered_deployment.deployment_id)
        keep.discard("")
        return keep

    async def _deployments(self, ctx: TaskContext, cutoff: int, dry: bool, counts: dict[str, int]) -> None:
        store, fs = ctx.host.stores.deployments, ctx.host.filestore
        keep = await self._keep(ctx)
        cursor = ""
        while counts["deployments"] < self.max_deletes:
            page = await store.find([Filter("completed_at", Op.GT, 0), Filter("completed_at", Op.LT, cutoff)],
                                    [asc("completed_at")], PAGE, cursor)
            for dep in page.items:
                ctx.checkpoint()
                if dep.id in keep:
                    counts["kept_latest"] += 1
                    continue
                if counts["deployments"] >= self.max_deletes:
                    break
                logs = await fs.list(f"log/{dep.id}/")
                counts["stage_log_objects"] += len(logs)
                counts["deployments"] += 1
                if dry:
                    continue
                for obj in logs:
                    await fs.delete(obj.path)
                try:
                    await store.delete(dep.id)
                except NotFound:
                    pass
            if len(page.items) < PAGE:
                return
            cursor = page.cursor

    async def _commands(self, ctx: TaskContext, cutoff: int, dry: bool, counts: dict[str, int]) -> None:
        store, fs = ctx.host.stores.commands, ctx.host.filestore
        cursor = ""
        while counts["commands"] < self.max_deletes:
            page = await store.find([Filter("created_at", Op.LT, cutoff)], [asc("created_at")], PAGE, cursor)
            for cmd in page.items:
                ctx.checkpoint()
                if cmd.status == command_pb2.COMMAND_NOT_HANDLED_YET:
                    continue
                if counts["commands"] >= self.max_deletes:
                    break
                counts["commands"] += 1
                if dry:
                    continue
                await fs.delete(f"command-output/{cmd.id}.json")
                try:
                    await store.forget(cmd.id)
                except NotFound:
                    pass
            if len(page.items) < PAGE:
                return
            cursor = page.cursor
