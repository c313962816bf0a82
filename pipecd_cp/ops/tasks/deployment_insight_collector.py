"""`deployment_insight_collector`: newly completed deployments go into the insight chunks.

PipeCD's deployment job (cron `insightCollector.deployment.schedule`, default `30 * * * *`,
UTC): from the milestone in `insights/milestone.json` (or an hour ago, the first time; at most
two days back, older data is skipped with a warning) up to now, completed deployments are read
in pages of 50 by completion time and added per project to the year blocks and chunks
(`insightCollector.deployment.chunkMaxCount` per chunk). Only when every project was stored is
the milestone moved to now; a failed or interrupted run is simply repeated (entries are
deduplicated by id).

pipecd-cp also records, per entry, the triggering commit's time (lead time) and, on a success
that ends an application's failure streak, when the streak began (MTTR); the streak is looked
up in the entries of the last `recoveryLookback` (default 720h).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pipecd_cp.datastore.base import Filter, Op
from pipecd_cp.domain.insights import deployment_data, mark_recoveries
from pipecd_cp.errors import PipeCDError
from pipecd_cp.ops.task import OpsTask, Options, TaskContext, TaskReport
from pipecd_cp.stores.insights import DeploymentData
from pipecd_cp.stores.model import asc

PAGE = 50
FIRST_RANGE = 3600
MAX_COLLECT = 2 * 24 * 3600
DEFAULT_LOOKBACK = 30 * 24 * 3600.0


class DeploymentInsightCollector(OpsTask):
    name = "deployment_insight_collector"
    description = "adds completed deployments to insights/{project}/completed-deployments/"
    schedule = "30 * * * *"
    timeout = 1800.0

    def __init__(self, chunk_max_count: int = 1000, lookback: float = DEFAULT_LOOKBACK) -> None:
        self.chunk_max_count, self.lookback = chunk_max_count, lookback

    @classmethod
    def from_config(cls, options: Mapping[str, Any], host: Any) -> "DeploymentInsightCollector":
        opts = Options(options)
        lookback = opts.duration("recoveryLookback", DEFAULT_LOOKBACK)
        opts.done()
        return cls(host.config.spec.insight_collector.deployment.chunk_max_count, lookback or 0.0)

    async def run_once(self, ctx: TaskContext) -> TaskReport:
        insights = ctx.host.stores.insights
        now = ctx.now()
        milestone = await insights.get_milestone()
        start = milestone if milestone is not None else now - FIRST_RANGE
        skipped_from = None
        if now - start > MAX_COLLECT:
            skipped_from, start = start, now - MAX_COLLECT
            ctx.log.warning("ops | %s: the collector has not run for a long time; deployments completed "
                            "between %d and %d are skipped", self.name, skipped_from, start)
        deployments = await ctx.host.stores.deployments.find_all(
            [Filter("completed_at", Op.GTE, start), Filter("completed_at", Op.LTE, now)],
            [asc("completed_at")], page_size=PAGE)
        by_project: dict[str, list[DeploymentData]] = {}
        for dep in deployments:
            by_project.setdefault(dep.project_id, []).append(deployment_data(dep))
        added, failed = 0, []
        for project, batch in sorted(by_project.items()):
            ctx.checkpoint()
            try:
                await self._mark_recoveries(ctx, project, batch)
                added += await insights.put_completed_deployments(project, batch, self.chunk_max_count)
            except PipeCDError as exc:
                ctx.log.error("ops | %s: storing the deployments of project %s failed: %s", self.name, project, exc)
                failed.append(project)
        if failed:
            raise PipeCDError(f"deployment data of {len(failed)} project(s) could not be stored "
                              f"({', '.join(failed[:5])}); the milestone stays at {start}")
        await insights.put_milestone(now)
        counts = {"deployments": len(deployments), "added": added, "projects": len(by_project)}
        if skipped_from is not None:
            counts["skipped_seconds"] = int(start - skipped_from)
        return TaskReport(f"{added} completed deployments added to the insight data", counts)

    async def _mark_recoveries(self, ctx: TaskContext, project: str, batch: list[DeploymentData]) -> None:
        if self.lookback <= 0 or not batch:
            return
        first = min(d.completed_at for d in batch)
        last = max(d.completed_at for d in batch)
        start = max(first - int(self.lookback), 1)
        history = await ctx.host.stores.insights.list_completed_deployments(project, start, max(last, start))
        apps = {d.app_id for d in batch}
        mark_recoveries([d for d in history if d.app_id in apps], batch)
